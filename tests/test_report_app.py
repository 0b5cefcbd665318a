"""The quarterly report in the app: an LP downloads its own report and no other; operators
any. Checked in the query layer (called directly) and in a real browser."""

from __future__ import annotations

import io
import secrets
import shutil
import sys
from pathlib import Path

import pypdf
import pytest
from signin import ANALYST, LP_BOTH, LP_F001_ONLY, OPERATOR, app_as

from fundlens import PROJECT_DIR, users
from fundlens.users import NotAuthorized

sys.path.insert(0, str(PROJECT_DIR / "app"))  # the app's own modules, as Streamlit imports them
sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import queries
from appdriver import CHROMIUM, chromium, open_page, running_app, sign_in


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def wh(demo_home):
    return queries.current_warehouse(demo_home)


@pytest.fixture(scope="module")
def lp_names(warehouse) -> dict[str, str]:
    df = warehouse.execute("select lp_id, lp_name from raw.lps").df()
    return dict(zip(df["lp_id"], df["lp_name"], strict=True))


@pytest.fixture(scope="module")
def latest(warehouse):
    return warehouse.execute(
        "select max(quarter_end) from marts.fund_performance where fund_id = 'F001'"
    ).fetchone()[0]


def test_an_lp_gets_its_own_report(wh, latest, lp_names):
    text = pdf_text(queries.quarterly_report(LP_F001_ONLY, wh, "F001", latest))
    assert f"Confidential: prepared for {lp_names['LP006']}" in text
    assert not [n for i, n in lp_names.items() if i != "LP006" and n in text]


@pytest.mark.parametrize(
    ("user", "fund", "lp_id"),
    [
        (LP_F001_ONLY, "F001", "LP001"),  # another LP of its fund
        (LP_F001_ONLY, "F002", None),  # a fund it is not in
        (LP_F001_ONLY, "F002", "LP011"),
        (LP_BOTH, "F001", "LP006"),
        (ANALYST, "F001", None),  # analysts see no LP data
        (ANALYST, "F001", "LP001"),
        (None, "F001", None),  # not signed in
    ],
)
def test_the_query_layer_refuses_any_other_report(wh, latest, user, fund, lp_id):
    with pytest.raises(NotAuthorized):
        queries.quarterly_report(user, wh, fund, latest, lp_id)


def test_an_operator_gets_any_lps_report_or_the_funds(wh, latest, lp_names):
    text = pdf_text(queries.quarterly_report(OPERATOR, wh, "F001", latest, "LP001"))
    assert f"Confidential: prepared for {lp_names['LP001']}" in text
    text = pdf_text(queries.quarterly_report(OPERATOR, wh, "F001", latest))
    assert "Fund-level report" in text
    assert not [n for n in lp_names.values() if n in text]


def _download_buttons(at) -> list:
    return [e for e in at.get("download_button") if "Quarterly report" in str(e.proto.label)]


def test_capital_account_page_offers_the_report_to_lps_and_operators(demo_home, monkeypatch):
    monkeypatch.setenv("FUNDLENS_HOME", str(demo_home))
    for user in (LP_F001_ONLY, OPERATOR):
        at = app_as(user, "views/capital_account.py")
        assert len(_download_buttons(at)) == 1, user.role


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_an_lp_downloads_its_own_report_in_the_browser(demo_home, tmp_path, lp_names):
    """Signed in as an LP of F001, the Capital account page's button downloads that LP's
    report and nothing about another LP."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    password = secrets.token_urlsafe(16)
    users.add_user(home, "gulf", "lp", password, lp_id="LP006")
    with running_app(home) as url, chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        sign_in(page, url, "gulf", password)
        open_page(page, url, "Capital account")
        button = page.get_by_role("button", name="Quarterly report (PDF)")
        with page.expect_download(timeout=120_000) as download:
            button.click()
        assert download.value.suggested_filename.endswith("_LP006.pdf")
        data = Path(download.value.path()).read_bytes()
        context.close()
    text = pdf_text(data)
    assert f"Confidential: prepared for {lp_names['LP006']}" in text
    assert not [n for i, n in lp_names.items() if i != "LP006" and n in text]
