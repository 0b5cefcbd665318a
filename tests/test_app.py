"""The Streamlit app, page by page, against the published demo warehouse (AppTest).

Every figure the app shows is checked against the mart it comes from, so a wrong
join, filter, format or cache key fails here.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from fundlens import PROJECT_DIR, SEEDS_DIR
from fundlens.errors import FundLensError
from fundlens.home import published_version, read_runs

APP_DIR = PROJECT_DIR / "app"
ENTRY = str(APP_DIR / "streamlit_app.py")
PAGES = {
    "exposure": "views/exposure.py",
    "performance": "views/performance.py",
    "portfolio": "views/portfolio.py",
    "market": "views/market.py",
    "data_status": "views/data_status.py",
}

sys.path.insert(0, str(APP_DIR))  # the app's own modules, as Streamlit imports them
import formatting as fmt  # noqa: E402
import queries  # noqa: E402


def open_app(page: str = "exposure") -> AppTest:
    """Run the app (the exposure page comes first), then switch to `page`."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    if page != "exposure":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def app_home(demo_home: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FUNDLENS_HOME", str(demo_home))
    return demo_home


@pytest.fixture(scope="module")
def fund_ids(warehouse) -> list[str]:
    """The funds in the order the sidebar lists them."""
    rows = warehouse.execute(
        "select fund_id from marts.dim_funds order by vintage_year, fund_id"
    ).fetchall()
    assert len(rows) >= 2, "the demo data has at least two funds"
    return [r[0] for r in rows]


def latest_quarter(warehouse, fund_id: str):
    return warehouse.execute(
        "select max(quarter_end) from marts.fct_positions_quarterly where fund_id = ?",
        [fund_id],
    ).fetchone()[0]


def mart(warehouse, sql: str, *params) -> pd.DataFrame:
    return warehouse.execute(sql, list(params)).df()


# --- exposure ----------------------------------------------------------------


def test_exposure_page_matches_the_marts(app_home, warehouse, fund_ids):
    at = open_app()
    fund = fund_ids[0]
    assert at.selectbox(key="fund_id").value == fund
    quarter = at.selectbox(key="quarter_end").value
    assert quarter == latest_quarter(warehouse, fund), "the latest quarter is the default"

    # segment, industry, region and stage: a chart each
    assert len(at.get("vega_lite_chart")) >= 4
    assert len(at.get("download_button")) >= 4

    segments = at.dataframe[0].value
    assert segments["nav_share"].sum() == pytest.approx(1, abs=1e-6)
    expected = mart(
        warehouse,
        "select segment_name, fair_value, nav_share from marts.exposure_by_segment "
        "where fund_id = ? and quarter_end = ? order by segment_name",
        fund,
        quarter,
    )
    shown = segments.sort_values("segment_name").reset_index(drop=True)
    assert shown["segment_name"].tolist() == expected["segment_name"].tolist()
    assert shown["fair_value"].tolist() == pytest.approx(expected["fair_value"].tolist())

    industries = at.dataframe[1].value
    assert industries["nav_share"].sum() == pytest.approx(1, abs=1e-6)
    # look-through allocates all of the portfolio's fair value
    assert industries["fair_value"].sum() == pytest.approx(segments["fair_value"].sum(), rel=1e-9)
    for frame in (at.dataframe[2].value, at.dataframe[3].value):  # region, stage
        assert frame["nav_share"].sum() == pytest.approx(1, abs=1e-6)

    conc = warehouse.execute(
        "select active_company_count, top_5_share, hhi from marts.portfolio_concentration "
        "where fund_id = ? and quarter_end = ?",
        [fund, quarter],
    ).fetchone()
    shown_metrics = metrics(at)
    assert shown_metrics["Active companies"] == f"{conc[0]:,}"
    assert shown_metrics["Top-5 share"] == f"{conc[1] * 100:.1f}%"
    assert shown_metrics["HHI"] == f"{conc[2]:,.0f}"


def test_switching_fund_and_quarter_changes_the_numbers(app_home, warehouse, fund_ids):
    at = open_app()
    first = at.dataframe[0].value
    other = fund_ids[1]
    at.selectbox(key="fund_id").set_value(other).run()
    assert not at.exception
    quarter = at.selectbox(key="quarter_end").value
    assert quarter == latest_quarter(warehouse, other)
    second = at.dataframe[0].value
    expected = mart(
        warehouse,
        "select fair_value from marts.exposure_by_segment where fund_id = ? and quarter_end = ?",
        other,
        quarter,
    )
    assert sorted(second["fair_value"]) == pytest.approx(sorted(expected["fair_value"]))
    assert sorted(second["fair_value"]) != pytest.approx(sorted(first["fair_value"]))
    name = warehouse.execute(
        "select fund_name from marts.dim_funds where fund_id = ?", [other]
    ).fetchone()[0]
    assert any(name in c.value for c in at.caption)

    # an earlier quarter of the same fund
    earlier = warehouse.execute(
        "select max(quarter_end) from marts.exposure_by_segment "
        "where fund_id = ? and quarter_end < ?",
        [other, quarter],
    ).fetchone()[0]
    assert earlier is not None
    at.selectbox(key="quarter_end").set_value(earlier).run()
    assert not at.exception
    quarter = at.selectbox(key="quarter_end").value
    expected = mart(
        warehouse,
        "select fair_value from marts.exposure_by_segment where fund_id = ? and quarter_end = ?",
        other,
        quarter,
    )
    assert sorted(at.dataframe[0].value["fair_value"]) == pytest.approx(
        sorted(expected["fair_value"])
    )


# --- performance -------------------------------------------------------------


def test_performance_page_shows_the_latest_figures(app_home, warehouse, fund_ids):
    at = open_app("performance")
    for fund in fund_ids:
        at.selectbox(key="fund_id").set_value(fund).run()
        assert not at.exception, [e.message for e in at.exception]
        row = mart(
            warehouse,
            "select p.*, f.benchmark_index_code from marts.fund_performance as p "
            "inner join marts.dim_funds as f on p.fund_id = f.fund_id "
            "where p.fund_id = ? order by quarter_end desc limit 1",
            fund,
        ).iloc[0]
        shown = metrics(at)
        assert shown["TVPI"] == f"{row.tvpi:.2f}x"
        assert shown["DPI"] == f"{row.dpi:.2f}x"
        assert shown["RVPI"] == f"{row.rvpi:.2f}x"
        assert shown["Net IRR"] == ("—" if pd.isna(row.net_irr) else f"{row.net_irr * 100:.1f}%")
        if row.benchmark_index_code is None or pd.isna(row.benchmark_index_code):
            assert shown["KS-PME"] == "—"
            assert shown["Direct Alpha"] == "—"
        else:
            assert shown["KS-PME"] == f"{row.ks_pme:.2f}"
            assert shown["Direct Alpha"] == f"{row.direct_alpha * 100:.1f}%"
        assert len(at.get("vega_lite_chart")) == 2
        table = at.dataframe[0].value
        n_quarters = warehouse.execute(
            "select count(*) from marts.fund_performance where fund_id = ?", [fund]
        ).fetchone()[0]
        assert len(table) == n_quarters
        assert table["tvpi"].iloc[0] == pytest.approx(row.tvpi)


def test_performance_page_without_the_mart_says_so(home_copy, monkeypatch):
    """A warehouse published before fund_performance existed: a message, not a traceback."""
    from fundlens.refresh import publish

    v1 = published_version(home_copy)
    v2 = f"{v1}-old"
    shutil.copytree(home_copy / "versions" / v1, home_copy / "versions" / v2)
    con = duckdb.connect(str(home_copy / "versions" / v2 / "warehouse.duckdb"))
    con.execute("drop table if exists marts.fund_performance")
    con.close()
    publish(home_copy, v2)
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = open_app("performance")
    assert any("not in the published warehouse" in i.value for i in at.info)
    assert not at.metric


def test_some_demo_fund_has_a_benchmark(warehouse):
    """Otherwise the PME branch of the performance page goes untested."""
    assert warehouse.execute(
        "select count(*) from marts.dim_funds where benchmark_index_code is not null"
    ).fetchone()[0]


# --- holdings ----------------------------------------------------------------


def test_holdings_page_lists_the_positions(app_home, warehouse, fund_ids):
    at = open_app("portfolio")
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    active = mart(
        warehouse,
        "select c.company_name, p.fair_value, p.is_mark_stale "
        "from marts.fct_positions_quarterly as p "
        "inner join marts.dim_companies as c on p.company_id = c.company_id "
        "where p.fund_id = ? and p.quarter_end = ? and p.is_active",
        fund,
        quarter,
    )
    table = at.dataframe[0].value
    assert sorted(table["company_name"]) == sorted(active["company_name"])
    assert table["fair_value"].sum() == pytest.approx(active["fair_value"].sum())
    assert {"segment_name", "hq_country", "stage", "cost", "gross_moic", "is_mark_stale"} <= set(
        table.columns
    )
    assert metrics(at)["Stale marks"] == str(int(active["is_mark_stale"].sum()))

    everything = warehouse.execute(
        "select count(*) from marts.fct_positions_quarterly where fund_id = ? and quarter_end = ?",
        [fund, quarter],
    ).fetchone()[0]
    at.toggle(key="show_exited").set_value(True).run()
    assert len(at.dataframe[0].value) == everything

    kpis = at.dataframe[1].value
    assert len(kpis) > 0
    assert set(kpis["company_name"]) <= set(active["company_name"])


# --- market coverage ---------------------------------------------------------


def test_market_coverage_page(app_home, warehouse, fund_ids):
    at = open_app("market")
    quarter = at.selectbox(key="quarter_end").value
    table = at.dataframe[0].value
    expected = warehouse.execute(
        "select count(*) from marts.market_coverage where fund_id = ? and quarter_end = ?",
        [fund_ids[0], quarter],
    ).fetchone()[0]
    assert len(table) == expected > 0
    assert table["active_weight"].tolist() == pytest.approx(
        (table["fund_nav_share"] - table["market_share"]).tolist(), abs=1e-9, nan_ok=True
    )
    assert len(at.get("vega_lite_chart")) == 2


# --- data status -------------------------------------------------------------


def test_data_status_shows_the_published_version(app_home):
    at = open_app("data_status")
    version = published_version(app_home)
    assert version is not None
    assert any(version in md.value.replace("\\", "") for md in at.markdown)
    runs = at.dataframe[0].value
    published = runs[runs["outcome"] == "published"]
    assert version in published["version_id"].tolist()
    record = next(r for r in read_runs(app_home) if r["version_id"] == version)
    row = published[published["version_id"] == version].iloc[0]
    assert row["tests_passed"] == record["tests"]["pass"] > 0
    assert row["tests_failed"] == 0


def test_data_status_lists_the_problems_of_a_failed_refresh(home_copy, tmp_path, monkeypatch):
    from fundlens.refresh import refresh

    before = published_version(home_copy)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    funds = (seeds / "funds.csv").read_text().splitlines()
    header = funds[0].split(",")
    cells = funds[1].split(",")
    cells[header.index("vintage_year")] = "19x9"
    funds[1] = ",".join(cells)
    (seeds / "funds.csv").write_text("\n".join(funds) + "\n")
    with pytest.raises(FundLensError):
        refresh(seeds, home_copy)
    failed = read_runs(home_copy)[0]
    assert failed["outcome"] == "failed"

    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = open_app("data_status")
    assert at.selectbox(key="failed_run").value == failed["run_id"]
    problems = at.dataframe[1].value
    hit = problems[(problems["file"] == "funds.csv") & (problems["column"] == "vintage_year")]
    assert hit["line"].tolist() == [2]
    assert hit["value"].tolist() == ["19x9"]
    # the version published before is still the one shown
    assert published_version(home_copy) == before
    assert any(before in md.value.replace("\\", "") for md in at.markdown)


# --- nothing published, and a new version --------------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_empty_home_says_what_to_do(page, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDLENS_HOME", str(tmp_path / "empty-home"))
    at = open_app(page)
    assert any("fundlens refresh" in i.value for i in at.info)
    assert not at.dataframe
    assert len(at.selectbox) == 0


def test_a_new_version_shows_on_the_next_rerun(home_copy, monkeypatch, fund_ids):
    from fundlens.refresh import publish

    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = open_app()
    old = metrics(at)["Active companies"]
    quarter = at.selectbox(key="quarter_end").value
    v1 = published_version(home_copy)

    # a second version with one number changed, published the way a refresh does
    v2 = f"{v1}-next"
    shutil.copytree(home_copy / "versions" / v1, home_copy / "versions" / v2)
    con = duckdb.connect(str(home_copy / "versions" / v2 / "warehouse.duckdb"))
    con.execute(
        "update marts.portfolio_concentration set active_company_count = 987 "
        "where fund_id = ? and quarter_end = ?",
        [fund_ids[0], quarter],
    )
    con.close()
    assert old != "987"

    at.run()  # not published yet: still the old number
    assert metrics(at)["Active companies"] == old

    publish(home_copy, v2)
    at.run()
    assert not at.exception
    assert metrics(at)["Active companies"] == "987"
    assert any(v2 in c.value for c in at.sidebar.caption)


# --- the query module and formatting -------------------------------------------


def test_queries_bind_user_values(demo_home, fund_ids):
    wh = queries.current_warehouse(demo_home)
    assert wh is not None and wh.version == published_version(demo_home)
    quarter = queries.quarters(wh, fund_ids[0])[0]
    assert not queries.exposure_by_segment(wh, fund_ids[0], quarter).empty
    assert queries.exposure_by_segment(wh, "x' or '1'='1", quarter).empty


def test_formatting():
    assert fmt.money(12_345_678, "USD") == "$12.3M"
    assert fmt.money(12_345_678, "EUR", compact=False) == "€12,345,678"
    assert fmt.money(950, "SEK") == "SEK 950"
    assert fmt.money(None, "USD") == "—"
    assert fmt.pct(0.12345) == "12.3%"
    assert fmt.pct(float("nan")) == "—"
    assert fmt.multiple(1.4549) == "1.45x"
    assert fmt.humanize("physical_ai") == "Physical AI"
    assert fmt.quarter_label(pd.Timestamp("2026-09-30")) == "2026 Q3 (30 Sep 2026)"
    assert fmt.money_column("Cost", "GBP")["type_config"]["format"] == "£%,.0f"


# --- user text is plain text, downloads cannot run formulas ---------------------------

MARKDOWN_NAME = "**Bold** Fund [click](http://evil.example) <b>x</b> :red[red] $x$ # h"


def test_markdown_in_a_fund_name_is_shown_as_written(home_copy, monkeypatch, fund_ids):
    version = published_version(home_copy)
    con = duckdb.connect(str(home_copy / "versions" / version / "warehouse.duckdb"))
    con.execute(
        "update marts.dim_funds set fund_name = ? where fund_id = ?", [MARKDOWN_NAME, fund_ids[0]]
    )
    con.close()
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = open_app()
    caption = next(c.value for c in at.caption if "quarter ending" in c.value)
    assert caption.startswith(fmt.plain(MARKDOWN_NAME))
    # every markdown character is escaped, so a markdown renderer shows it literally
    assert "**" not in caption and "](" not in caption and "<b>" not in caption
    assert caption.replace("\\", "").startswith(MARKDOWN_NAME)


def test_markdown_in_a_failed_runs_error_is_shown_as_written(home_copy, monkeypatch):
    run_id = "20270101T000000000Z-abcdef"
    error = "1 problem(s)\n  funds.csv, line 2: [required] **Bold** [click](http://evil.example)"
    (home_copy / "runs" / f"{run_id}.json").write_text(
        json.dumps({"run_id": run_id, "outcome": "failed", "error": error, "problems": []})
    )
    monkeypatch.setenv("FUNDLENS_HOME", str(home_copy))
    at = open_app("data_status")
    [box] = at.error
    assert "**" not in box.value and "](" not in box.value
    assert box.value.replace("\\", "").replace("  \n", "\n") == error


@pytest.mark.parametrize(
    "text",
    ["**b**", "[a](http://x)", "<script>x</script>", "# title", ":red[x]", "$x$", "a\\b", "`c`"],
)
def test_plain_escapes_every_markdown_character(text):
    escaped = fmt.plain(text)
    # CommonMark: a backslash before ASCII punctuation makes it a literal character
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert not escaped[i + 1].isalnum()
            i += 2
            continue
        assert escaped[i].isalnum() or escaped[i] == " ", escaped
        i += 1
    assert escaped.replace("\\\\", "\0").replace("\\", "").replace("\0", "\\") == text


def test_csv_download_neutralizes_formulas_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "name": [
                '=HYPERLINK("http://x","click")',
                "+1+2",
                "-2+3",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "plain",
                "-5",
                "O'Neil",
            ],
            "amount": [1.5, -2.25, 0.0, 1e12, -3.0, 7.0, 8.0, 9.0, 10.0],
            "count": [1, -2, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    back = pd.read_csv(io.BytesIO(fmt.csv_bytes(df)), keep_default_na=False)
    for original, written in zip(df["name"], back["name"], strict=True):
        if original[:1] in ("=", "+", "-", "@", "\t", "\r") and original != "-5":
            assert written == "'" + original
        else:
            assert str(written) == original
    pd.testing.assert_series_equal(back["amount"], df["amount"])
    pd.testing.assert_series_equal(back["count"], df["count"])
