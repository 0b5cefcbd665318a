"""The main journeys in a real browser: Playwright driving Debian's Chromium against
`fundlens app` on localhost. Needs /usr/bin/chromium (`make browser` installs it)."""

from __future__ import annotations

import csv
import io
import secrets
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from fundlens import PROJECT_DIR, users

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
from appdriver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    full_page_screenshot,
    open_page,
    running_app,
    wait_rendered,
)
from appdriver import sign_in as _sign_in

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed: run `make browser`"
)


PASSWORD = secrets.token_urlsafe(16)  # this run's password of every test user


@pytest.fixture(scope="module")
def browser_home(demo_home: Path, tmp_path_factory) -> Path:
    """A copy of the demo home with an operator and an LP who can sign in."""
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    users.add_user(home, "olivia", "operator", PASSWORD)
    users.add_user(home, "gulf", "lp", PASSWORD, lp_id="LP006")  # an LP of F001 only
    return home


def sign_in(page, url: str, username: str, password: str = PASSWORD) -> None:
    _sign_in(page, url, username, password)


@pytest.fixture(scope="module")
def app_url(browser_home: Path):
    with running_app(browser_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser, tmp_path, requests_seen):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    context.on("request", lambda request: requests_seen.append(request.url))
    page = context.new_page()
    yield page
    page.screenshot(path=str(tmp_path / "last.png"), full_page=True)  # kept for debugging
    context.close()


def _first_fund(warehouse) -> tuple[str, str]:
    return warehouse.execute(
        "select fund_id, fund_name from marts.dim_funds order by vintage_year, fund_id limit 1"
    ).fetchone()


def test_exposure_page_shows_charts_and_tables(app_url, page, warehouse):
    _, fund_name = _first_fund(warehouse)
    sign_in(page, app_url, "olivia")
    wait_rendered(page)
    open_page(page, app_url, "Exposure")
    page.get_by_text(fund_name).first.wait_for()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)  # slow machines
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2
    assert page.locator('[data-testid="stException"]').count() == 0


def test_performance_page_shows_the_latest_multiples(app_url, page, warehouse):
    fund_id, _ = _first_fund(warehouse)
    tvpi, dpi = warehouse.execute(
        "select tvpi, dpi from marts.fund_performance where fund_id = ? "
        "order by quarter_end desc limit 1",
        [fund_id],
    ).fetchone()
    sign_in(page, app_url, "olivia")
    page.get_by_role("link", name="Performance").click()
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.get_by_text(f"{tvpi:.2f}x").first.wait_for(timeout=30_000)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert f"{tvpi:.2f}x" in values and f"{dpi:.2f}x" in values, values
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_visitor_sees_only_the_login_form(app_url, page, warehouse):
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    text = page.locator("body").inner_text()
    fund_names = [
        r[0] for r in warehouse.execute("select fund_name from marts.dim_funds").fetchall()
    ]
    assert not any(name in text for name in fund_names)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


def test_a_wrong_password_and_an_unknown_user_get_one_message(app_url, page):
    sign_in(page, app_url, "olivia", "not-the-password-at-all")
    page.get_by_text("Wrong username or password.").wait_for(timeout=30_000)
    sign_in(page, app_url, "nobody-here", "not-the-password-at-all")
    page.get_by_text("Wrong username or password.").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_an_lp_sees_its_fund_and_its_capital_account_only(app_url, page, warehouse):
    own = warehouse.execute(
        "select distinct f.fund_name from private.lp_capital_accounts as a "
        "inner join marts.dim_funds as f on a.fund_id = f.fund_id where a.lp_id = 'LP006'"
    ).fetchall()
    others = warehouse.execute(
        "select fund_name from marts.dim_funds where fund_id not in "
        "(select fund_id from private.lp_capital_accounts where lp_id = 'LP006')"
    ).fetchall()
    other_lps = warehouse.execute(
        "select distinct lp_name from private.lp_capital_accounts where lp_id <> 'LP006'"
    ).fetchall()
    assert own and others and other_lps
    sign_in(page, app_url, "gulf")
    page.get_by_text(own[0][0]).first.wait_for(timeout=60_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Capital account" in nav
    assert "Data status" not in nav and "Audit log" not in nav
    page.get_by_role("link", name="Capital account").click()
    page.get_by_text("Gulf Horizon Investment Authority").first.wait_for(timeout=60_000)
    # the fund selector offers the LP's own funds only
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    options = page.locator('[role="option"]').all_inner_texts()
    assert sorted(options) == sorted(name for (name,) in own)
    page.keyboard.press("Escape")
    text = page.locator("body").inner_text()
    assert not any(name in text for (name,) in others)
    assert not any(name in text for (name,) in other_lps)
    assert page.locator('[data-testid="stException"]').count() == 0


# --- every page, charts, downloads, and nothing leaves this machine ----------------


def _outside(urls: list[str]) -> list[str]:
    """The requests that went anywhere but 127.0.0.1 (data: and blob: URLs stay local)."""
    return [
        u
        for u in urls
        if urlparse(u).scheme not in ("data", "blob", "about")
        and urlparse(u).hostname != "127.0.0.1"
    ]


@pytest.mark.slow
def test_every_page_loads_with_no_error_and_no_outside_request(
    app_url, page, requests_seen, tmp_path
):
    sign_in(page, app_url, "olivia")
    wait_rendered(page)
    for title in PAGES:
        open_page(page, app_url, title)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert page.locator("h1").filter(has_text=title).count() == 1
        shot = tmp_path / f"{PAGES[title] or 'overview'}.png"
        full_page_screenshot(page, str(shot))
        assert shot.stat().st_size > 10_000  # a page, not a blank
    assert requests_seen, "the pages made requests"
    assert _outside(requests_seen) == []


def test_a_quarter_change_redraws_the_charts(app_url, page, warehouse):
    sign_in(page, app_url, "olivia")
    wait_rendered(page)
    open_page(page, app_url, "Performance")
    jcurve = page.locator('[data-testid="stVegaLiteChart"]').first
    before = jcurve.screenshot()
    fund_id, _ = _first_fund(warehouse)
    earlier = warehouse.execute(
        "select quarter_end from marts.fund_performance where fund_id = ? "
        "order by quarter_end desc limit 1 offset 8",
        [fund_id],
    ).fetchone()[0]
    label = f"{earlier.year} Q{(earlier.month - 1) // 3 + 1}"
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name=label, exact=True).click()
    page.locator("h1").filter(has_text="Performance").wait_for()
    page.wait_for_function(
        """(label) => [...document.querySelectorAll('[data-testid="stText"]')]
                      .some(e => e.innerText.includes(label))""",
        arg=label,
        timeout=120_000,  # a rerun with every chart redrawn; slow on a busy 2-core machine
    )
    wait_rendered(page)
    after = page.locator('[data-testid="stVegaLiteChart"]').first.screenshot()
    assert after != before
    tvpi = warehouse.execute(
        "select tvpi from marts.fund_performance where fund_id = ? and quarter_end = ?",
        [fund_id, earlier],
    ).fetchone()[0]
    assert f"{tvpi:.2f}x" in page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def test_a_csv_download_holds_the_table(app_url, page, warehouse):
    fund_id, _ = _first_fund(warehouse)
    sign_in(page, app_url, "olivia")
    wait_rendered(page)
    open_page(page, app_url, "Exposure")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = info.value
    assert download.suggested_filename.startswith(f"exposure_by_segment_{fund_id}_")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    expected = warehouse.execute(
        "select segment_name, fair_value, nav_share from marts.exposure_by_segment "
        "where fund_id = ? and quarter_end = (select max(quarter_end) from "
        "marts.exposure_by_segment where fund_id = ?) order by segment_name",
        [fund_id, fund_id],
    ).fetchall()
    got = sorted(rows, key=lambda r: r["segment_name"])
    assert [r["segment_name"] for r in got] == [e[0] for e in expected]
    for row, (_, fair_value, nav_share) in zip(got, expected, strict=True):
        assert float(row["fair_value"]) == pytest.approx(fair_value, abs=0.005)
        assert float(row["nav_share"]) == pytest.approx(nav_share, abs=1e-6)
        assert row["currency"] == "USD"
        assert len(row["fair_value"].split(".")[-1]) <= 2  # cents, not float noise


def test_sql_page_runs_a_query_and_shows_a_refusal(app_url, page, public_db):
    funds = public_db.execute("select count(*) from marts.dim_funds").fetchone()[0]
    sign_in(page, app_url, "olivia")
    page.get_by_role("link", name="SQL").click()
    editor = page.get_by_label("Query")
    editor.wait_for(timeout=60_000)
    editor.fill("select fund_id, fund_name from marts.dim_funds")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text(f"{funds} rows in").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1

    editor.fill("copy (select 1) to '/tmp/fundlens-browser-test.csv'")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("The query did not run.").wait_for(timeout=60_000)
    page.get_by_text("Only read-only queries").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not Path("/tmp/fundlens-browser-test.csv").exists()
