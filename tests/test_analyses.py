"""The dbt analyses: each compiles with dbt and runs through the sandbox on the demo warehouse."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fundlens.analyses import ANALYSES_DIR, list_analyses, render
from fundlens.build import run_dbt
from fundlens.errors import FundLensError
from fundlens.sandbox import QueryResult, Sandbox, ShellUser

ANALYSES = {a.name: a for a in list_analyses()}


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox("spawn")
    yield box
    box.close()


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    """dbt's own compilation of every analysis. Compiling against a database named
    `public` makes dbt write `"public"."marts".<mart>`, the names in public.duckdb."""
    work = tmp_path_factory.mktemp("dbt-compile")
    run = run_dbt(["compile", "--select", "resource_type:analysis"], work / "public.duckdb", work)
    assert run.success, run.failures()
    out = work / "target" / "compiled" / "fundlens" / "analyses"
    return {path.stem: path.read_text() for path in out.glob("*.sql")}


def as_frame(result: QueryResult) -> pd.DataFrame:
    return pd.DataFrame(result.rows, columns=result.columns)


def test_at_least_ten_analyses_each_say_what_they_answer():
    assert len(ANALYSES) >= 10
    for analysis in ANALYSES.values():
        assert len(analysis.question) > 40, f"{analysis.name}: no leading comment"
        assert "{{" not in analysis.sql and "marts." in analysis.sql


@pytest.mark.slow
def test_every_analysis_compiles_with_dbt_and_returns_rows(compiled, sandbox, demo_home):
    assert set(compiled) == set(ANALYSES)
    for name, sql in compiled.items():
        from_dbt = sandbox.run(sql, user=ShellUser(), home=demo_home)
        assert from_dbt.rows, f"{name} returned no rows on the demo warehouse"
        # what the app and README offer (ref() resolved by us) is what dbt compiles
        ours = sandbox.run(ANALYSES[name].sql, user=ShellUser(), home=demo_home)
        assert ours.columns == from_dbt.columns and _same_rows(ours.rows, from_dbt.rows), name


def _same_rows(a: list[tuple], b: list[tuple]) -> bool:
    """Equal rows, floats to 12 digits: DuckDB's parallel sums may differ in the last bit
    from one run of the same query to the next."""
    return len(a) == len(b) and all(
        len(x) == len(y)
        and all(
            math.isclose(u, v, rel_tol=1e-12)
            if isinstance(u, float) and isinstance(v, float)
            else u == v
            for u, v in zip(x, y, strict=True)
        )
        for x, y in zip(a, b, strict=True)
    )


def run(sandbox, home, name: str) -> pd.DataFrame:
    return as_frame(sandbox.run(ANALYSES[name].sql, user=ShellUser(), home=home))


def test_industry_segment_matrix_adds_up_to_the_exposure_marts(sandbox, demo_home, warehouse):
    matrix = run(sandbox, demo_home, "industry_segment_matrix")
    latest = warehouse.execute(
        "select fund_id, max(quarter_end) as quarter_end from marts.exposure_by_segment "
        "group by fund_id"
    ).df()
    segments = warehouse.execute("select * from marts.exposure_by_segment").df().merge(latest)
    industries = warehouse.execute("select * from marts.exposure_by_industry").df().merge(latest)
    by_segment = matrix.groupby(["fund_id", "segment_name"])["fair_value"].sum()
    expected = segments.set_index(["fund_id", "segment_name"])["fair_value"]
    pd.testing.assert_series_equal(
        by_segment.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )
    by_industry = matrix.groupby(["fund_id", "industry_name"])["fair_value"].sum()
    expected = industries.set_index(["fund_id", "industry_name"])["fair_value"]
    pd.testing.assert_series_equal(
        by_industry.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )
    assert matrix.groupby("fund_id")["nav_share"].sum().sub(1).abs().max() < 1e-9


def test_top_holdings_match_pandas(sandbox, demo_home, warehouse):
    got = run(sandbox, demo_home, "top_holdings_latest_quarter")
    pos = warehouse.execute("select * from marts.fct_positions_quarterly").df()
    latest = pos[pos.quarter_end == pos.groupby("fund_id").quarter_end.transform("max")]
    active = latest[latest.is_active]
    for fund_id, rows in active.groupby("fund_id"):
        top = rows.nlargest(10, "fair_value")
        mine = got[got.fund_id == fund_id]
        assert list(mine.fair_value) == pytest.approx(list(top.fair_value))
        assert list(mine.fair_value_share) == pytest.approx(
            list(top.fair_value / rows.fair_value.sum())
        )


def test_short_runway_and_stale_marks_match_the_marts(sandbox, demo_home, warehouse):
    runway = run(sandbox, demo_home, "short_runway_companies")
    kpis = warehouse.execute("select * from marts.company_kpis_latest").df()
    assert (runway.runway_months < 12).all()
    assert runway.company_name.nunique() == (kpis.runway_months < 12).sum()

    stale = run(sandbox, demo_home, "stale_marks")
    pos = warehouse.execute("select * from marts.fct_positions_quarterly").df()
    latest = pos[(pos.quarter_end == pos.groupby("fund_id").quarter_end.transform("max"))]
    latest = latest[latest.is_active]
    months = (
        latest.quarter_end.dt.year * 4
        + latest.quarter_end.dt.quarter
        - latest.mark_date.dt.year * 4
        - latest.mark_date.dt.quarter
    )
    expected = latest[latest.mark_date.isna() | (months > 2)]
    assert len(stale) == len(expected) > 0


def test_physical_ai_vs_infrastructure_shares_sum_to_one(sandbox, demo_home):
    got = run(sandbox, demo_home, "physical_ai_vs_infrastructure")
    assert set(got.segment_group) == {"ai_infrastructure", "physical_ai"}
    totals = got.groupby(["fund_id", "quarter_end"]).nav_share.sum().dropna()
    assert (totals.sub(1).abs() < 1e-9).all()


def test_render_refuses_anything_but_ref(tmp_path):
    assert render("select * from {{ ref('dim_funds') }}").strip() == "select * from marts.dim_funds"
    with pytest.raises(FundLensError, match="more than ref"):
        render("select {{ dbt.dateadd('month', 1, 'd') }}")
    (tmp_path / "x.sql").write_text("-- What x answers.\nselect 1\n")
    (only,) = list_analyses(tmp_path)
    assert only.question == "What x answers." and only.title == "X"
    assert ANALYSES_DIR.is_dir()
