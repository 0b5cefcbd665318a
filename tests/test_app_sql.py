"""The SQL page (AppTest): it runs analysts' queries in the sandbox, shows refusals inline,
browses the public schema with its descriptions, and is closed to LPs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fundlens import PROJECT_DIR
from fundlens.analyses import list_analyses
from fundlens.users import User

APP_DIR = PROJECT_DIR / "app"
ENTRY = str(APP_DIR / "streamlit_app.py")
PAGE = "views/sql.py"
sys.path.insert(0, str(APP_DIR))


@pytest.fixture
def app_home(demo_home: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FUNDLENS_HOME", str(demo_home))
    return demo_home


def open_sql_page(role: str = "analyst") -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.session_state["fundlens_user"] = User(f"test-{role}", role)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def result_grid(at: AppTest):
    """The result grid: in the first column (the second holds the schema browser)."""
    return at.columns[0].dataframe[-1]


def run_query(at: AppTest, sql: str) -> AppTest:
    at.text_area(key="sql_query").set_value(sql)
    next(b for b in at.button if b.label == "Run").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_analyst_runs_a_query_and_sees_a_refusal_inline(app_home, public_db):
    at = open_sql_page("analyst")
    sql = "select fund_id, fund_name, vintage_year from marts.dim_funds order by fund_id"
    run_query(at, sql)
    expected = public_db.execute(sql).fetchall()
    grid = result_grid(at)
    assert [tuple(r) for r in grid.value.itertuples(index=False)] == expected
    assert any(f"{len(expected)} rows in" in c.value for c in at.caption)
    assert not at.error

    run_query(at, "attach '/tmp/anything.duckdb' as w")
    assert [e.value for e in at.error] == ["The query did not run."]
    assert any("Only read-only queries" in t.value for t in at.text)
    assert at.text_area(key="sql_query").value == "attach '/tmp/anything.duckdb' as w"

    run_query(at, "select * from private.lp_capital_accounts")
    assert any("does not exist" in t.value for t in at.text)


def test_an_analysis_is_one_click_away(app_home, public_db):
    at = open_sql_page("operator")
    analysis = next(a for a in list_analyses() if a.name == "fund_vintage_comparison")
    next(b for b in at.button if b.key == f"analysis_{analysis.name}").click()
    at.run()
    assert not at.exception
    assert at.text_area(key="sql_query").value == analysis.sql
    grid = result_grid(at)
    funds = public_db.execute("select count(*) from marts.dim_funds").fetchone()[0]
    assert len(grid.value) == funds
    assert list(grid.value.columns)[:2] == ["vintage_year", "fund_id"]


def test_schema_browser_lists_marts_with_descriptions(app_home, public_db):
    at = open_sql_page("analyst")
    labels = [e.label for e in at.expander]
    tables = public_db.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database()"
    ).fetchall()
    assert sorted(labels) == sorted(t for (t,) in tables)
    assert "marts.dim_funds" in labels
    description = public_db.execute(
        "select comment from duckdb_columns() "
        "where table_name = 'dim_funds' and column_name = 'committed_capital'"
    ).fetchone()[0]
    assert description
    frames = [df.value for df in at.columns[1].dataframe]
    assert any(description in set(f.get("column_description", [])) for f in frames)


def test_truncated_results_say_so(app_home):
    at = open_sql_page("analyst")
    run_query(at, "select * from range(20000)")
    assert len(result_grid(at).value) == 10_000
    assert any("first 10,000 rows only" in w.value for w in at.warning)


def test_lps_do_not_get_the_sql_page(app_home):
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.session_state["fundlens_user"] = User("an-lp", "lp", "LP006")
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)  # not in an LP's navigation

    page = AppTest.from_file(str(APP_DIR / PAGE), default_timeout=90)  # the page itself
    page.session_state["fundlens_user"] = User("an-lp", "lp", "LP006")
    page.run()
    assert not page.exception
    assert not page.text_area and not page.dataframe
    assert any("operators and analysts" in w.value for w in page.warning)
