"""Sign-in and roles in the app (AppTest), and the query layer called directly.

Hostile checks: a signed-out visitor gets the login form and no query runs; an LP sees
only its own funds and its own capital account, and no other LP's name or figure appears
in the rendered text of any page for any fund or quarter it can choose; an analyst cannot
reach LP data, data status or the audit log; direct query-layer calls for another fund or
another LP raise NotAuthorized.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from signin import ANALYST, LP_BOTH, LP_F001_ONLY, LP_F002_ONLY, OPERATOR, app_as
from streamlit.testing.v1 import AppTest

from fundlens import PROJECT_DIR, audit, users
from fundlens.users import NotAuthorized, User

APP_DIR = PROJECT_DIR / "app"
sys.path.insert(0, str(APP_DIR))
import formatting as fmt  # noqa: E402
import queries  # noqa: E402

PORTFOLIO_PAGES = [
    "views/overview.py",
    "views/exposure.py",
    "views/performance.py",
    "views/companies.py",
    "views/market.py",
]
CAPITAL = "views/capital_account.py"
OPERATOR_ONLY = ["views/data_status.py", "views/audit_log.py"]


@pytest.fixture
def app_home(demo_home: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FUNDLENS_HOME", str(demo_home))
    return demo_home


@pytest.fixture(scope="module")
def accounts(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from private.lp_capital_accounts").df()


def as_shown(markdown: str) -> str:
    """What CommonMark shows for markdown whose only syntax is backslash escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def rendered_text(at: AppTest) -> str:
    """Everything the page sent to the browser, as text: every element's protobuf (labels,
    values, options, help, chart specs) plus every dataframe as CSV."""
    parts = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if getattr(node, "type", None) == "arrow_data_frame":
            parts.append(node.value.to_csv())
    return "\n".join(parts)


def dataframe_numbers(at: AppTest) -> list[float]:
    numbers = []
    for frame in at.dataframe:
        for col in frame.value.select_dtypes("number"):
            numbers += frame.value[col].dropna().astype(float).tolist()
    return numbers


# --- signed out ------------------------------------------------------------------------


def test_a_visitor_sees_only_the_login_form_and_no_query_runs(app_home, monkeypatch):
    calls = []
    real_fetch, real_current = queries._fetch, queries.current_warehouse
    monkeypatch.setattr(queries, "_fetch", lambda *a: calls.append(a) or real_fetch(*a))
    monkeypatch.setattr(
        queries, "current_warehouse", lambda *a: calls.append(a) or real_current(*a)
    )
    at = app_as(None)
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.selectbox and not at.metric and not at.sidebar.children
    assert calls == []
    # a page asked for directly still shows only the form
    for page in [*PORTFOLIO_PAGES, CAPITAL, *OPERATOR_ONLY]:
        at = app_as(None, page, check=False)
        assert not at.dataframe and not at.selectbox and not at.metric, page
        assert [t.label for t in at.text_input] == ["Username", "Password"], page
    assert calls == []


def test_signing_in_through_the_form(home_copy, monkeypatch):
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    users.add_user(home_copy, "gulf", "lp", "correct horse battery", lp_id="LP006")
    at = app_as(None)
    at.text_input(key="sign_in_username").input("gulf")
    at.text_input(key="sign_in_password").input("wrong password here")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [users.WRONG_CREDENTIALS]
    assert not at.dataframe

    at.text_input(key="sign_in_username").input("nobody")
    at.text_input(key="sign_in_password").input("correct horse battery")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [users.WRONG_CREDENTIALS]  # the same message

    at.text_input(key="sign_in_username").input("gulf")
    at.text_input(key="sign_in_password").input("correct horse battery")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["fundlens_user"] == User("gulf", "lp", "LP006")
    assert at.selectbox(key="fund_id").options == ["Frontier Compute Fund I"]

    at.button(key="sign_out").click().run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.dataframe and not at.selectbox
    events = audit.read(home_copy)["event"].tolist()
    assert events[:4] == ["sign_out", "sign_in_ok", "sign_in_failed", "sign_in_failed"]


def test_an_idle_session_is_signed_out(app_home, monkeypatch):
    monkeypatch.setenv("FUNDLENS_IDLE_MINUTES", "5")
    at = AppTest.from_file(str(APP_DIR / "streamlit_app.py"), default_timeout=60)
    at.session_state["fundlens_user"] = OPERATOR
    at.session_state["fundlens_last_seen"] = 0.0  # monotonic time long ago
    at.run()
    assert any("signed out after 5 minutes" in i.value for i in at.info)
    assert not at.dataframe and not at.selectbox


# --- navigation by role ------------------------------------------------------------------


def page_titles(user: User) -> set[str]:
    """The titles of the pages `user` gets in the navigation."""
    import ui

    return {title for group in ui.page_specs(user.role).values() for _, title, _ in group}


def test_navigation_by_role():
    portfolio = {"Overview", "Exposure", "Performance", "Companies", "Market"}
    assert page_titles(OPERATOR) >= portfolio | {"Capital account", "Data status", "Audit log"}
    assert page_titles(ANALYST) & {"Capital account", "Data status", "Audit log"} == set()
    assert page_titles(ANALYST) >= portfolio
    assert page_titles(LP_F001_ONLY) == portfolio | {"Capital account"}


@pytest.mark.parametrize("page", [CAPITAL, *OPERATOR_ONLY])
def test_an_analyst_cannot_reach_lp_data_or_operations(app_home, accounts, page):
    at = app_as(ANALYST)
    assert not any(name in rendered_text(at) for name in set(accounts["lp_name"]))
    # the page is not registered for an analyst's session: it cannot be opened
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


@pytest.mark.parametrize("page", OPERATOR_ONLY)
def test_an_lp_cannot_reach_operations(app_home, page):
    at = app_as(LP_F001_ONLY)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


# --- an LP sees its own funds and account, nothing of other LPs ------------------------------


def other_lp_secrets(warehouse, accounts: pd.DataFrame, lp_id: str) -> tuple[set[str], list[float]]:
    """Names and figures of the LPs other than `lp_id`, less the figures `lp_id` has too
    (its own account and cash flows: a coincidence there is not a leak)."""
    own = accounts[accounts["lp_id"] == lp_id]
    others = accounts[accounts["lp_id"] != lp_id]
    columns = ["commitment_amount", "contributed", "distributed", "net_asset_value"]
    own_flows = warehouse.execute(
        "select amount from private.lp_cash_flows where lp_id = ?", [lp_id]
    ).fetchall()
    own_values = set(own[columns].round(2).to_numpy().ravel())
    own_values |= {round(a, 2) for (a,) in own_flows}
    figures = sorted({v for v in others[columns].round(2).to_numpy().ravel() if v > 0} - own_values)
    return set(others["lp_name"]), figures


def assert_nothing_of_other_lps(at: AppTest, names: set[str], figures: list[float], where):
    text = rendered_text(at)
    leaked = [n for n in names if n in text]
    assert not leaked, (where, leaked)
    ccy_texts = [fmt.money(v, ccy, compact=False) for v in figures for ccy in ("USD", "EUR")]
    leaked = [t for t in ccy_texts if t in text]
    assert not leaked, (where, leaked[:5])
    shown = pd.Series(dataframe_numbers(at)).round(2)
    leaked = sorted(set(shown) & set(figures))
    assert not leaked, (where, leaked[:5])


@pytest.mark.slow
@pytest.mark.parametrize("user", [LP_F001_ONLY, LP_F002_ONLY, LP_BOTH], ids=lambda u: u.lp_id)
def test_an_lp_sees_nothing_of_other_lps_on_any_page(app_home, warehouse, accounts, user):
    wh = queries.current_warehouse(app_home)
    own_funds = queries.funds(OPERATOR, wh)
    own_funds = own_funds[
        own_funds["fund_id"].isin(accounts.loc[accounts["lp_id"] == user.lp_id, "fund_id"])
    ]
    own_name = accounts.loc[accounts["lp_id"] == user.lp_id, "lp_name"].iloc[0]
    names, figures = other_lp_secrets(warehouse, accounts, user.lp_id)
    assert names and figures
    for page in [*PORTFOLIO_PAGES, CAPITAL]:
        at = app_as(user, page)
        # every fund the LP can choose is its own, and it can choose each of its own
        assert at.selectbox(key="fund_id").options == own_funds["fund_name"].tolist()
        for fund in own_funds["fund_id"]:
            at.selectbox(key="fund_id").set_value(fund).run()
            quarters = queries.quarters(OPERATOR, wh, fund)
            assert len(at.selectbox(key="quarter_end").options) == len(quarters)
            for quarter in {quarters[0], quarters[len(quarters) // 2], quarters[-1]}:
                at.selectbox(key="quarter_end").set_value(quarter).run()
                assert not at.exception, [e.message for e in at.exception]
                assert_nothing_of_other_lps(at, names, figures, (page, fund, quarter))
                if page == CAPITAL:
                    assert own_name in rendered_text(at)
                    assert len(at.selectbox) == 2  # no LP selector for an LP


def test_an_lps_fund_selector_lists_its_funds_only(app_home, warehouse):
    at = app_as(LP_F002_ONLY)
    names = dict(warehouse.execute("select fund_id, fund_name from marts.dim_funds").fetchall())
    assert at.selectbox(key="fund_id").options == [names["F002"]]
    at = app_as(LP_BOTH)
    assert sorted(at.selectbox(key="fund_id").options) == sorted([names["F001"], names["F002"]])


def test_capital_account_page_for_an_lp(app_home, warehouse):
    at = app_as(LP_F001_ONLY, CAPITAL)
    quarter = at.selectbox(key="quarter_end").value
    row = warehouse.execute(
        "select lp_name, contributed, net_asset_value, dpi from private.lp_capital_accounts "
        "where lp_id = 'LP006' and fund_id = 'F001' and quarter_end = ?",
        [quarter],
    ).fetchone()
    assert any(row[0] == as_shown(s.value) for s in at.subheader)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Contributed (ITD)"] == fmt.money(row[1], "USD")
    assert shown["NAV"] == fmt.money(row[2], "USD")
    assert shown["DPI"] == fmt.multiple(row[3])
    assert len(at.selectbox) == 2  # fund and quarter: an LP chooses no LP
    statement = at.dataframe[0].value
    assert "Net change in value" in statement["line"].tolist()
    assert (
        statement.loc[statement["line"] == "Carried interest (accrued)", "itd"] == "not reported"
    ).all()


def test_operators_choose_the_lp(app_home, warehouse):
    at = app_as(OPERATOR, CAPITAL)
    lp_box = at.selectbox(key="capital_account_lp")
    expected = warehouse.execute(
        "select distinct lp_id from private.lp_capital_accounts where fund_id = 'F001' order by 1"
    ).fetchall()
    assert lp_box.options == [
        f"{name} ({lp})"
        for lp, name in warehouse.execute(
            "select distinct lp_id, lp_name from private.lp_capital_accounts "
            "where fund_id = 'F001' order by 1"
        ).fetchall()
    ]
    assert len(lp_box.options) == len(expected)
    lp_box.set_value("LP007").run()
    assert not at.exception
    assert any(as_shown(s.value) == "Lindqvist Foundation" for s in at.subheader)


def test_downloads_of_lp_data_are_audited(home_copy, monkeypatch):
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = app_as(LP_F001_ONLY, CAPITAL)
    at.download_button(key="csv_statement").click().run()
    at.download_button(key="csv_lp_flows").click().run()
    log = audit.read(home_copy)
    downloads = log[log["event"] == "download"]
    assert downloads["username"].tolist() == [LP_F001_ONLY.username] * 2
    assert downloads["detail"].str.contains("LP006 F001").all()
    assert {"capital account statement", "cash flows"} <= {
        d.split(" LP006")[0] for d in downloads["detail"]
    }


def test_operators_read_the_audit_log(home_copy, monkeypatch):
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    users.add_user(home_copy, "olivia", "operator", "a long operator password")
    with pytest.raises(users.SignInFailed):
        users.sign_in(home_copy, "olivia", "wrong", client="10.1.2.3")
    users.sign_in(home_copy, "olivia", "a long operator password", client="10.1.2.3")
    at = app_as(OPERATOR, "views/audit_log.py")
    log = at.dataframe[0].value
    assert log["event"].tolist()[:2] == ["sign_in_ok", "sign_in_failed"]
    assert set(log["client"].head(2)) == {"10.1.2.3"}
    assert "a long operator password" not in rendered_text(at)


def test_an_lp_name_with_markup_is_shown_as_plain_text(home_copy, monkeypatch):
    """Names are user text: the capital account's heading (st.subheader renders markdown)
    must show a name like this as written, with no link, image, emphasis or directive."""
    import duckdb

    name = "**Evil** [LP](http://evil.example) ![x](http://evil.example/p.png) <b>x</b> :red[!]"
    path = (home_copy / "warehouse.duckdb").resolve()
    path.chmod(0o600)
    con = duckdb.connect(str(path))
    con.execute("update private.lp_capital_accounts set lp_name = ? where lp_id = 'LP006'", [name])
    con.close()
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = app_as(LP_F001_ONLY, CAPITAL)
    heading = [s.value for s in at.subheader if as_shown(s.value) == name]
    assert heading, [s.value for s in at.subheader]
    # every mark of markdown, HTML, LaTeX and Streamlit's directives is escaped
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", heading[0])
    assert not re.search(r"[*_\[\]()!<>:$~`#|]", unescaped), heading[0]


# --- the query layer, called directly -------------------------------------------------------


FUND_QUERIES = [
    ("quarters", ()),
    ("exposure", ("segment", "Q")),
    ("exposure", ("stage",)),
    ("holdings_tree", ("Q",)),
    ("concentration", ("Q",)),
    ("concentration_history", ()),
    ("stale_marks", ("Q",)),
    ("fund_performance", ()),
    ("companies", ("Q",)),
    ("company_marks", ("C",)),
    ("company_rounds", ("C",)),
    ("company_kpis_of", ("C",)),
    ("company_industries", ("C",)),
    ("market_coverage", ("Q",)),
]


@pytest.fixture(scope="module")
def wh(demo_home):
    return queries.current_warehouse(demo_home)


@pytest.mark.parametrize(
    ("name", "extra"), FUND_QUERIES, ids=["-".join([q[0], *q[1]]) for q in FUND_QUERIES]
)
def test_an_lp_cannot_query_another_fund(wh, name, extra):
    quarter = queries.quarters(OPERATOR, wh, "F002")[0]
    company = queries.companies(OPERATOR, wh, "F002", quarter)["company_id"].iloc[0]
    args = [{"Q": quarter, "C": company}.get(a, a) for a in extra]
    with pytest.raises(NotAuthorized):
        getattr(queries, name)(LP_F001_ONLY, wh, "F002", *args)
    with pytest.raises(NotAuthorized):
        getattr(queries, name)(LP_F001_ONLY, wh, "no-such-fund", *args)
    getattr(queries, name)(LP_F002_ONLY, wh, "F002", *args)  # its own fund: fine
    getattr(queries, name)(ANALYST, wh, "F002", *args)


def test_an_lp_cannot_query_another_lp(wh):
    quarter = queries.quarters(OPERATOR, wh, "F001")[0]
    with pytest.raises(NotAuthorized):
        queries.capital_account_statement(LP_F001_ONLY, wh, "F001", quarter, lp_id="LP007")
    with pytest.raises(NotAuthorized):
        queries.capital_account_statement(LP_F001_ONLY, wh, "F002", quarter)
    with pytest.raises(NotAuthorized):
        queries.lp_cash_flows(LP_F001_ONLY, wh, "F001", lp_id="LP001")
    with pytest.raises(NotAuthorized):
        queries.lp_funds(LP_F001_ONLY, wh, "LP011")
    with pytest.raises(NotAuthorized):
        queries.lps_of_fund(LP_F001_ONLY, wh, "F001")
    assert queries.lp_choices(LP_F001_ONLY, wh)["lp_id"].tolist() == ["LP006"]
    own = queries.capital_account_statement(LP_F001_ONLY, wh, "F001", quarter)
    assert own.lp_id == "LP006"
    assert queries.funds(LP_F001_ONLY, wh)["fund_id"].tolist() == ["F001"]


def test_an_analyst_gets_no_lp_data_and_no_operations(wh, demo_home):
    quarter = queries.quarters(OPERATOR, wh, "F001")[0]
    for call in (
        lambda: queries.capital_account_statement(ANALYST, wh, "F001", quarter, "LP006"),
        lambda: queries.lp_cash_flows(ANALYST, wh, "F001", "LP006"),
        lambda: queries.lp_choices(ANALYST, wh),
        lambda: queries.lps_of_fund(ANALYST, wh, "F001"),
        lambda: queries.lp_funds(ANALYST, wh, "LP006"),
        lambda: queries.refresh_runs(ANALYST, demo_home),
        lambda: queries.audit_log(ANALYST, demo_home),
        lambda: queries.refresh_runs(LP_F001_ONLY, demo_home),
        lambda: queries.audit_log(LP_F001_ONLY, demo_home),
        lambda: queries.funds(None, wh),
        lambda: queries.fund_performance("olivia", wh, "F001"),
    ):
        with pytest.raises(NotAuthorized):
            call()
    assert len(queries.funds(ANALYST, wh)) == len(queries.funds(OPERATOR, wh)) >= 2


def test_public_marts_are_read_from_the_public_database(wh, monkeypatch):
    paths = []
    real = queries._fetch
    monkeypatch.setattr(
        queries, "_fetch", lambda v, path, *a: paths.append(path) or real(v, path, *a)
    )
    quarter = queries.quarters(ANALYST, wh, "F001")[0]
    for name, extra in FUND_QUERIES:
        args = [quarter if a == "Q" else a for a in extra]
        getattr(queries, name)(ANALYST, wh, "F001", *args)
    assert set(paths) == {wh.public_path}
    paths.clear()
    queries.capital_account_statement(OPERATOR, wh, "F001", quarter, "LP006")
    assert wh.path in paths
