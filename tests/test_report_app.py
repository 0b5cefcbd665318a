"""The quarterly report in the app: an LP downloads its own report and no other; operators
any. Checked in the query layer (called directly) and in a real browser."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest
from signin import ANALYST, LP_BOTH, LP_F001_ONLY, OPERATOR, app_as
from test_browser import CHROMIUM, app_url, browser, browser_home, page, sign_in

from fundlens import PROJECT_DIR
from fundlens.users import NotAuthorized

sys.path.insert(0, str(PROJECT_DIR / "app"))  # the app's own modules, as Streamlit imports them
import queries


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


# The browser fixtures of tests/test_browser.py (one app server for this module).
__all__ = ["app_url", "browser", "browser_home", "page"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_an_lp_downloads_its_own_report_in_the_browser(app_url, page, lp_names):
    """Signed in as LP006 (tests/test_browser.py's `gulf`), the Capital account page's button
    downloads LP006's report of F001 and nothing about another LP."""
    sign_in(page, app_url, "gulf")
    page.get_by_role("link", name="Capital account").click()
    button = page.get_by_role("button", name="Quarterly report (PDF)")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=120_000) as download:
        button.click()
    assert download.value.suggested_filename.endswith("_LP006.pdf")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert f"Confidential: prepared for {lp_names['LP006']}" in text
    assert not [n for i, n in lp_names.items() if i != "LP006" and n in text]
