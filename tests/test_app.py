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
import pyarrow as pa
import pytest
from signin import OPERATOR, app_as
from streamlit.testing.v1 import AppTest

from fundlens import PROJECT_DIR, SEEDS_DIR
from fundlens.errors import FundLensError
from fundlens.home import published_version, read_runs

APP_DIR = PROJECT_DIR / "app"
PAGES = {
    "overview": "views/overview.py",
    "exposure": "views/exposure.py",
    "performance": "views/performance.py",
    "companies": "views/companies.py",
    "market": "views/market.py",
    "data_status": "views/data_status.py",
}

sys.path.insert(0, str(APP_DIR))  # the app's own modules, as Streamlit imports them
import formatting as fmt  # noqa: E402
import queries  # noqa: E402


def open_app(page: str = "overview") -> AppTest:
    """Run the app signed in as an operator (the overview page comes first), then switch
    to `page`."""
    return app_as(OPERATOR, None if page == "overview" else PAGES[page])


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_data(at: AppTest, title: str) -> pd.DataFrame:
    """The data behind the chart whose spec contains `title` (its first dataset)."""
    for chart in at.get("vega_lite_chart"):
        if title in chart.proto.spec:
            data = chart.proto.datasets[0].data.data
            return pa.ipc.open_stream(data).read_all().to_pandas()
    titles = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    raise AssertionError(f"no chart titled {title!r}; charts: {titles}")


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


# --- overview ----------------------------------------------------------------


def performance_row(warehouse, fund: str, quarter) -> pd.Series:
    return mart(
        warehouse,
        "select * from marts.fund_performance where fund_id = ? and quarter_end = ?",
        fund,
        quarter,
    ).iloc[0]


def money(value: float) -> str:
    """$164.7M: written out here, independently of the app's formatting module."""
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= threshold:
            return f"${value / threshold:.1f}{suffix}"
    return f"${value:,.0f}"


def test_overview_tiles_equal_fund_performance(app_home, warehouse, fund_ids):
    at = open_app()
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    assert quarter == latest_quarter(warehouse, fund)
    for q in (quarter, sorted(queries_quarters(warehouse, fund))[-5]):
        at.selectbox(key="quarter_end").set_value(q).run()
        assert not at.exception
        row = performance_row(warehouse, fund, q)
        before = mart(
            warehouse,
            "select * from marts.fund_performance where fund_id = ? and quarter_end < ? "
            "order by quarter_end desc limit 1",
            fund,
            q,
        ).iloc[0]
        tiles = {m.label: m for m in at.metric}
        assert tiles["NAV"].value == money(row.net_asset_value)
        assert tiles["Paid-in"].value == money(row.paid_in_capital)
        assert tiles["Distributed"].value == money(row.distributed_capital)
        assert tiles["Unfunded"].value == money(row.unfunded_commitment)
        assert tiles["DPI"].value == f"{row.dpi:.2f}x"
        assert tiles["TVPI"].value == f"{row.tvpi:.2f}x"
        assert tiles["Net IRR"].value == f"{row.net_irr * 100:.1f}%"
        assert tiles["KS-PME"].value == f"{row.ks_pme:.2f}"
        active = warehouse.execute(
            "select count(*) from marts.fct_positions_quarterly "
            "where fund_id = ? and quarter_end = ? and is_active",
            [fund, q],
        ).fetchone()[0]
        assert tiles["Active companies"].value == str(active)
        # the change since the previous quarter, computed here from the mart
        nav_change = row.net_asset_value - before.net_asset_value
        sign = "-" if nav_change < 0 else "+"
        assert tiles["NAV"].delta in (f"{sign}{money(abs(nav_change))}", "no change")
        tvpi_change = round(row.tvpi - before.tvpi, 2)
        assert tiles["TVPI"].delta == ("no change" if tvpi_change == 0 else f"{tvpi_change:+.2f}x")
        assert any(fmt.quarter_label(before.quarter_end) in c.value for c in at.caption)
    assert at.get("vega_lite_chart"), "exposure by segment group"


def queries_quarters(warehouse, fund: str) -> list:
    rows = warehouse.execute(
        "select quarter_end from marts.fund_performance where fund_id = ? order by 1", [fund]
    ).fetchall()
    return [r[0] for r in rows]


def test_overview_groups_and_warnings(app_home, warehouse, fund_ids):
    at = open_app()
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    groups = chart_data(at, "Exposure by segment group")
    expected = mart(
        warehouse,
        "select segment_group, sum(nav_share) as nav_share from marts.exposure_by_segment "
        "where fund_id = ? and quarter_end = ? group by 1 order by 1",
        fund,
        quarter,
    )
    assert sorted(groups["nav_share"]) == pytest.approx(sorted(expected["nav_share"]))
    assert groups["nav_share"].sum() == pytest.approx(1)
    stale = mart(
        warehouse,
        "select c.company_name from marts.fct_positions_quarterly as p "
        "inner join marts.dim_companies as c on p.company_id = c.company_id "
        "where p.fund_id = ? and p.quarter_end = ? and p.is_active and p.is_mark_stale",
        fund,
        quarter,
    )
    assert len(stale) > 0, "the demo has stale marks at the latest quarter"
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert f"{len(stale)} holding(s) carry a mark older" in warnings
    for name in stale["company_name"].head(5):
        assert name in warnings

    # a quarter whose NAV was rolled forward says so
    rolled = warehouse.execute(
        "select fund_id, quarter_end from marts.fund_performance "
        "where nav_source = 'rolled_forward' order by 1, 2 limit 1"
    ).fetchone()
    assert rolled is not None, "the demo has a rolled-forward NAV"
    at.selectbox(key="fund_id").set_value(rolled[0]).run()
    at.selectbox(key="quarter_end").set_value(rolled[1]).run()
    assert any("rolled forward" in w.value for w in at.warning)


def test_overview_of_a_fund_younger_than_a_year_shows_irr_as_nm(app_home, warehouse, fund_ids):
    fund, inception = warehouse.execute(
        "select fund_id, inception_date from marts.dim_funds order by inception_date desc limit 1"
    ).fetchone()
    young = warehouse.execute(
        "select min(quarter_end) from marts.fund_performance where fund_id = ?", [fund]
    ).fetchone()[0]
    assert (young - inception).days < 365
    at = open_app()
    at.selectbox(key="fund_id").set_value(fund).run()
    at.selectbox(key="quarter_end").set_value(young).run()
    assert metrics(at)["Net IRR"] == "n/m"
    at.switch_page(PAGES["performance"]).run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Net IRR"] == "n/m" and shown["Gross IRR"] == "n/m"
    assert "a year old" in next(m for m in at.metric if m.label == "Net IRR").help
    # a year later the IRR is a number again
    older = warehouse.execute(
        "select min(quarter_end) from marts.fund_performance "
        "where fund_id = ? and quarter_end >= ? + interval 1 year",
        [fund, inception],
    ).fetchone()[0]
    at.selectbox(key="quarter_end").set_value(older).run()
    row = performance_row(warehouse, fund, older)
    assert metrics(at)["Net IRR"] == f"{row.net_irr * 100:.1f}%"


# --- exposure ----------------------------------------------------------------


def test_exposure_page_matches_the_marts(app_home, warehouse, fund_ids):
    at = open_app("exposure")
    fund = fund_ids[0]
    assert at.selectbox(key="fund_id").value == fund
    quarter = at.selectbox(key="quarter_end").value
    assert quarter == latest_quarter(warehouse, fund), "the latest quarter is the default"

    # segment, industry, region and stage: a chart each, a share over time each, a sunburst
    assert len(at.get("vega_lite_chart")) >= 9
    assert len(at.get("download_button")) >= 4

    segments = at.dataframe[0].value
    assert segments["nav_share"].sum() == pytest.approx(100, abs=1e-6)  # shown in percent
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
    assert industries["nav_share"].sum() == pytest.approx(100, abs=1e-6)
    # look-through allocates all of the portfolio's fair value
    assert industries["fair_value"].sum() == pytest.approx(segments["fair_value"].sum(), rel=1e-9)
    regions, stages = at.dataframe[2].value, at.dataframe[3].value
    for frame in (regions, stages):
        assert frame["nav_share"].sum() == pytest.approx(100, abs=1e-6)
    order = {"Seed": 0, "Early": 1, "Growth": 2}
    assert stages["stage"].tolist() == sorted(stages["stage"], key=order.__getitem__)

    conc = warehouse.execute(
        "select active_company_count, top_5_share, hhi from marts.portfolio_concentration "
        "where fund_id = ? and quarter_end = ?",
        [fund, quarter],
    ).fetchone()
    shown_metrics = metrics(at)
    assert shown_metrics["Active companies"] == f"{conc[0]:,}"
    assert shown_metrics["Top-5 share"] == f"{conc[1] * 100:.1f}%"
    assert shown_metrics["HHI"] == f"{conc[2]:,.0f}"


def test_exposure_changes_and_history(app_home, warehouse, fund_ids):
    at = open_app("exposure")
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    shares = mart(
        warehouse,
        "select quarter_end, segment_name, nav_share from marts.exposure_by_segment "
        "where fund_id = ?",
        fund,
    )
    previous = shares.loc[shares["quarter_end"] < pd.Timestamp(quarter), "quarter_end"].max()
    year_ago = pd.Timestamp(quarter) - pd.DateOffset(years=1)

    def share_at(when, segment) -> float:
        hit = shares[(shares["quarter_end"] == when) & (shares["segment_name"] == segment)]
        return float(hit["nav_share"].sum())  # absent then: 0

    table = at.dataframe[0].value
    for _, row in table.iterrows():
        now = share_at(pd.Timestamp(quarter), row["segment_name"])
        qoq = (now - share_at(previous, row["segment_name"])) * 100
        yoy = (now - share_at(year_ago, row["segment_name"])) * 100
        assert row["change_qoq"] == ("0.0 pp" if round(qoq, 1) == 0 else f"{qoq:+.1f} pp")
        assert row["change_yoy"] == ("0.0 pp" if round(yoy, 1) == 0 else f"{yoy:+.1f} pp")

    # the share over time covers every quarter up to the chosen one and fills 100% each
    history = chart_data(at, "Share of fair value by segment over time")
    quarters = shares.loc[shares["quarter_end"] <= pd.Timestamp(quarter), "quarter_end"]
    assert history["quarter_end"].nunique() == quarters.nunique()
    sums = history.groupby("quarter_end")["nav_share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)

    # the sunburst's outer ring: one slice per active holding, adding up to the fair value
    sunburst = next(c for c in at.get("vega_lite_chart") if "Segment group" in c.proto.spec)
    rings = [
        pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in sunburst.proto.datasets
    ]
    total = warehouse.execute(
        "select sum(fair_value), count(*) from marts.fct_positions_quarterly "
        "where fund_id = ? and quarter_end = ? and is_active and fair_value > 0",
        [fund, quarter],
    ).fetchone()
    companies = max(rings, key=len)
    assert len(companies) == total[1]
    for ring in rings:
        assert ring["fair_value"].sum() == pytest.approx(total[0])


def test_switching_fund_and_quarter_changes_the_numbers(app_home, warehouse, fund_ids):
    at = open_app("exposure")
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
    assert any(name in t.value for t in at.text)

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


def test_performance_page_follows_the_quarter(app_home, warehouse, fund_ids):
    at = open_app("performance")
    for fund in fund_ids:
        at.selectbox(key="fund_id").set_value(fund).run()
        assert not at.exception, [e.message for e in at.exception]
        quarters = queries_quarters(warehouse, fund)
        for quarter in (quarters[-1], quarters[-6]):
            at.selectbox(key="quarter_end").set_value(quarter).run()
            row = mart(
                warehouse,
                "select p.*, f.benchmark_index_code from marts.fund_performance as p "
                "inner join marts.dim_funds as f on p.fund_id = f.fund_id "
                "where p.fund_id = ? and p.quarter_end = ?",
                fund,
                quarter,
            ).iloc[0]
            shown = metrics(at)
            assert shown["TVPI"] == f"{row.tvpi:.2f}x"
            assert shown["DPI"] == f"{row.dpi:.2f}x"
            assert shown["RVPI"] == f"{row.rvpi:.2f}x"
            assert shown["Net IRR"] == (
                "—" if pd.isna(row.net_irr) else f"{row.net_irr * 100:.1f}%"
            )
            if row.benchmark_index_code is None or pd.isna(row.benchmark_index_code):
                assert shown["KS-PME"] == "—"
                assert shown["Direct Alpha"] == "—"
            else:
                assert shown["KS-PME"] == f"{row.ks_pme:.2f}"
                assert shown["Direct Alpha"] == f"{row.direct_alpha * 100:.1f}%"
                assert any(row.benchmark_index_code in c.value for c in at.caption)

            # charts and table stop at the chosen quarter
            table = at.dataframe[0].value
            assert len(table) == sum(q <= quarter for q in quarters)
            assert table["tvpi"].iloc[0] == pytest.approx(row.tvpi)
            jcurve = chart_data(at, "J-curve")
            assert len(jcurve) == len(table)
            last = jcurve.sort_values("quarter_end").iloc[-1]
            assert last["net_cash_flow"] == pytest.approx(
                row.distributed_capital - row.paid_in_capital
            )
            assert last["net_value"] == pytest.approx(
                row.distributed_capital - row.paid_in_capital + row.net_asset_value
            )
            conc = chart_data(at, "Concentration")
            assert pd.to_datetime(conc["quarter_end"]).max() <= pd.Timestamp(quarter)


def test_performance_page_without_the_mart_says_so(home_copy, monkeypatch):
    """A warehouse published before fund_performance existed: a message, not a traceback."""
    from fundlens.refresh import publish

    v1 = published_version(home_copy)
    v2 = f"{v1}-old"
    shutil.copytree(home_copy / "versions" / v1, home_copy / "versions" / v2)
    for db in ("warehouse.duckdb", "public.duckdb"):  # the app reads public marts from public
        con = duckdb.connect(str(home_copy / "versions" / v2 / db))
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


# --- companies ---------------------------------------------------------------


def test_companies_page_lists_and_filters(app_home, warehouse, fund_ids):
    at = open_app("companies")
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    held = mart(
        warehouse,
        "select c.company_name, c.segment_name, p.fair_value, p.is_mark_stale "
        "from marts.fct_positions_quarterly as p "
        "inner join marts.dim_companies as c on p.company_id = c.company_id "
        "where p.fund_id = ? and p.quarter_end = ? and p.is_active",
        fund,
        quarter,
    )
    table = at.dataframe[0].value
    assert sorted(table["company_name"]) == sorted(held["company_name"])  # held by default
    assert table["fair_value"].sum() == pytest.approx(held["fair_value"].sum())
    assert metrics(at)["Stale marks"] == str(int(held["is_mark_stale"].sum()))

    everything = warehouse.execute(
        "select count(*) from marts.fct_positions_quarterly where fund_id = ? and quarter_end = ?",
        [fund, quarter],
    ).fetchone()[0]
    at.multiselect(key="filter_status").set_value([]).run()
    assert len(at.dataframe[0].value) == everything

    segment = held["segment_name"].mode()[0]
    at.multiselect(key="filter_status").set_value(["Held"]).run()
    at.multiselect(key="filter_segment").set_value([segment]).run()
    assert sorted(at.dataframe[0].value["company_name"]) == sorted(
        held.loc[held["segment_name"] == segment, "company_name"]
    )
    at.multiselect(key="filter_segment").set_value([]).run()
    at.toggle(key="filter_stale").set_value(True).run()
    assert sorted(at.dataframe[0].value["company_name"]) == sorted(
        held.loc[held["is_mark_stale"], "company_name"]
    )


def test_company_view_matches_the_marts(app_home, warehouse, fund_ids):
    at = open_app("companies")
    fund = fund_ids[0]
    quarter = at.selectbox(key="quarter_end").value
    # a company that reports KPIs in a currency other than the fund's
    company_id, name, currency = warehouse.execute(
        "select k.company_id, c.company_name, k.currency from marts.fund_company_kpis as k "
        "inner join marts.dim_companies as c on k.company_id = c.company_id "
        "inner join marts.fct_positions_quarterly as p on p.company_id = k.company_id "
        "and p.fund_id = k.fund_id and p.quarter_end = ? and p.is_active "
        "where k.fund_id = ? and k.currency <> k.fund_currency "
        "and k.arr_fund_currency is not null "
        "order by 1 limit 1",
        [quarter, fund],
    ).fetchone()
    at.selectbox(key="company_id").set_value(company_id).run()
    assert not at.exception
    assert any(name in t.value for t in at.text)

    marks = chart_data(at, "Fair value over time")
    expected = mart(
        warehouse,
        "select quarter_end, fair_value, cost from marts.fct_positions_quarterly "
        "where fund_id = ? and company_id = ? and quarter_end <= ? order by quarter_end",
        fund,
        company_id,
        quarter,
    )
    marks = marks.sort_values("quarter_end").reset_index(drop=True)
    assert (
        pd.to_datetime(marks["quarter_end"]).tolist()
        == pd.to_datetime(expected["quarter_end"]).tolist()
    )
    assert marks["fair_value"].tolist() == pytest.approx(expected["fair_value"].tolist())

    rounds = at.dataframe[1].value
    invested = mart(
        warehouse,
        "select local_amount, fund_amount from marts.fct_investments "
        "where fund_id = ? and company_id = ? and investment_date <= ? order by investment_date",
        fund,
        company_id,
        quarter,
    )
    assert rounds["fund_amount"].tolist() == pytest.approx(invested["fund_amount"].tolist())

    weights = at.dataframe[2].value
    assert weights["revenue_share"].sum() == pytest.approx(100)

    kpis = at.dataframe[3].value.set_index("metric")
    k = mart(
        warehouse,
        "select l.arr, k.arr_fund_currency, k.fx_rate_to_fund "
        "from marts.fund_company_kpis as k "
        "inner join marts.company_kpis_latest as l on k.company_id = l.company_id "
        "where k.fund_id = ? and k.company_id = ?",
        fund,
        company_id,
    ).iloc[0]
    assert k.arr_fund_currency == pytest.approx(k.arr * k.fx_rate_to_fund)
    assert kpis.loc["ARR", "fund"] == money(k.arr_fund_currency)  # the fund's currency
    local = kpis.loc["ARR", "local"]
    assert local not in ("—", money(k.arr)) and local.endswith(money(k.arr)[1:])
    assert currency != "USD"


# --- market ------------------------------------------------------------------


def test_market_page(app_home, warehouse, fund_ids):
    at = open_app("market")
    quarter = at.selectbox(key="quarter_end").value
    table = at.dataframe[0].value
    expected = mart(
        warehouse,
        "select segment_name, fund_nav_share, market_share, active_weight "
        "from marts.market_coverage where fund_id = ? and quarter_end = ? "
        "order by segment_name",
        fund_ids[0],
        quarter,
    )
    assert len(table) == len(expected) > 0
    shown = table.sort_values("segment_name").reset_index(drop=True)
    assert shown["fund_nav_share"].tolist() == pytest.approx(
        (expected["fund_nav_share"] * 100).tolist()
    )
    for text, value in zip(shown["active_weight_pp"], expected["active_weight"], strict=True):
        assert text in (f"{value * 100:+.1f} pp", "0.0 pp")
    assert len(at.get("vega_lite_chart")) == 1  # one chart: its panels share the rows
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "percentage points" in spec or "% points" in spec
    assert "Market growth" in spec


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
    con = duckdb.connect(str(home_copy / "versions" / v2 / "public.duckdb"))
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
    quarter = queries.quarters(OPERATOR, wh, fund_ids[0])[0]
    assert not queries.exposure(OPERATOR, wh, fund_ids[0], "segment", quarter).empty
    assert queries.exposure(OPERATOR, wh, "x' or '1'='1", "segment", quarter).empty
    with pytest.raises(KeyError):
        queries.exposure(OPERATOR, wh, fund_ids[0], "segment_code; drop table x", quarter)


@pytest.mark.parametrize("by", ["segment", "industry", "region", "stage"])
def test_one_exposure_query_serves_every_breakdown(demo_home, warehouse, fund_ids, by):
    wh = queries.current_warehouse(demo_home)
    b = queries.BREAKDOWNS[by]
    fund = fund_ids[0]
    quarter = queries.quarters(OPERATOR, wh, fund)[0]
    now = queries.exposure(OPERATOR, wh, fund, by, quarter)
    expected = mart(
        warehouse,
        f"select {b.key}, fair_value from marts.{b.mart} where fund_id = ? and quarter_end = ?",
        fund,
        quarter,
    )
    assert sorted(now[b.key]) == sorted(expected[b.key])
    assert now["nav_share"].sum() == pytest.approx(1)
    history = queries.exposure(OPERATOR, wh, fund, by)
    n = warehouse.execute(f"select count(*) from marts.{b.mart} where fund_id = ?", [fund])
    assert len(history) == n.fetchone()[0]
    if by == "stage":
        assert now["stage"].tolist() == [s for s in fmt.STAGES if s in set(now["stage"])]
    else:
        assert now["fair_value"].is_monotonic_decreasing


def test_formatting():
    assert fmt.money(12_345_678, "USD") == "$12.3M"
    assert fmt.money(950_000, "USD") == "$950.0k"
    assert fmt.money(2_500_000_000, "GBP") == "£2.5B"
    assert fmt.money(-1_500_000, "USD") == "-$1.5M"
    assert fmt.money(12_345_678, "EUR", compact=False) == "€12,345,678"
    assert fmt.money(950, "SEK") == "SEK 950"
    assert fmt.money(None, "USD") == "—"
    assert fmt.pct(0.12345) == "12.3%"
    assert fmt.pct(0.00042) == "0.042%"  # more digits only where one decimal shows 0.0%
    assert fmt.pct(0) == "0.0%"
    assert fmt.pct(float("nan")) == "—"
    assert fmt.points(0.0123) == "+1.2 pp"
    assert fmt.points(-0.0004) == "0.0 pp"
    assert fmt.multiple(1.4549) == "1.45x"
    assert fmt.irr(0.82, 0.4) == "n/m"
    assert fmt.irr(0.1234, 1.5) == "12.3%"
    assert fmt.irr(None, 3) == "—"
    assert fmt.humanize("physical_ai") == "Physical AI"
    assert fmt.quarter_label(pd.Timestamp("2026-09-30")) == "2026 Q3"
    assert fmt.quarter_label(None) == "—"
    assert sorted(["growth", "seed", "Early"], key=fmt.stage_sort_key) == [
        "seed",
        "Early",
        "growth",
    ]
    assert fmt.money_column("Cost", "GBP")["type_config"]["format"] == "£%,.0f"
    assert fmt.plain("**Fund** [x](http://e.vil)") == r"\*\*Fund\*\* \[x\]\(http\://e\.vil\)"


def test_tables_show_a_dash_for_a_gap_and_keep_numbers_otherwise():
    df = pd.DataFrame({"moic": [1.5, None], "share": [0.1234, 0.5], "cost": [1234.0, 5.0]})
    config = {
        "moic": fmt.multiple_column("MOIC", "Total value / cost."),
        "share": fmt.share_column("Share"),
        "cost": fmt.money_column("Cost", "USD"),
    }
    shown, cfg = fmt.without_gaps(df, config, reason="no cost")
    assert shown["moic"].tolist() == ["1.50x", "—"]
    assert cfg["moic"]["help"] == "Total value / cost. — = no cost."
    assert shown["cost"].tolist() == [1234.0, 5.0]  # no gap: still numbers


def test_downloads_have_clean_decimals():
    df = pd.DataFrame({"fair_value": [0.1 + 0.2, 1 / 3], "nav_share": [1 / 3, 2 / 3], "n": [1, 2]})
    clean = fmt.clean_decimals(df)
    assert clean["fair_value"].tolist() == [0.3, 0.33]
    assert clean["nav_share"].tolist() == [0.333333, 0.666667]
    assert clean["n"].tolist() == [1, 2]


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
    at = open_app("exposure")
    # the page header is st.text: shown exactly as written, never rendered as markdown
    header = next(t.value for t in at.text if "quarter ending" in t.value)
    assert header.startswith(MARKDOWN_NAME)
    # nowhere else does the name reach a markdown element unescaped
    for element in (*at.markdown, *at.caption, *at.warning, *at.info, *at.error):
        assert MARKDOWN_NAME not in element.value


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
