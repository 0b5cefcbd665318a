"""The main journeys in a real browser: Playwright driving Debian's Chromium against
`fundlens app` on localhost. Needs /usr/bin/chromium (`make browser` installs it)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fundlens import users

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FUNDLENS = Path(sys.executable).with_name("fundlens")

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
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def app_url(browser_home: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(FUNDLENS), "app", "--home", str(browser_home), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "FUNDLENS_HOME": ""},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health").read()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "app did not start"
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
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
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=60_000)
    page.get_by_text(fund_name).first.wait_for()
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
