"""Warnings that do not block (issue 7): each is triggered on a copy of the demo seeds,
the refresh still publishes, and the warning shows in the run record, in
`fundlens status --json` and on the data-status page, with its count and first rows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from signin import OPERATOR, app_as

from fundlens import SEEDS_DIR
from fundlens.home import published_version, read_runs

FUNDLENS = Path(sys.executable).with_name("fundlens")
CHECKS = {
    "latest_nav_is_reported",
    "marks_are_recent",
    "fx_rates_are_recent",
    "benchmark_closes_are_recent",
    "paid_in_within_commitments",
    "has_industry_weights",
}

pytestmark = pytest.mark.slow  # one more refresh of the whole demo


def _csv(seeds: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(seeds / f"{name}.csv", dtype=str, keep_default_na=False)


def _save(df: pd.DataFrame, seeds: Path, name: str) -> None:
    df.to_csv(seeds / f"{name}.csv", index=False)


def _warnings(record: dict) -> dict[str, dict]:
    return {w["check"]: w for w in record.get("data_warnings") or []}


@pytest.fixture(scope="module")
def demo_warnings(demo_home: Path) -> dict[str, dict]:
    return _warnings(read_runs(demo_home)[0])


@pytest.fixture(scope="module")
def triggered(demo_home: Path, warehouse, tmp_path_factory) -> tuple[Path, dict]:
    """A home refreshed from the demo seeds changed to trip every warning once; with
    what each change must produce."""
    q = lambda sql, *p: warehouse.execute(sql, list(p)).fetchall()  # noqa: E731
    seeds = tmp_path_factory.mktemp("warn") / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    want: dict[str, dict] = {}

    # 1. a fund's latest quarter end loses its reported NAV (marks keep the quarter)
    fund, latest = q(
        "select fund_id, max(quarter_end) from marts.fund_performance "
        "where nav_source = 'reported' group by all order by fund_id limit 1"
    )[0]
    navs = _csv(seeds, "fund_navs")
    navs = navs[~((navs.fund_id == fund) & (navs.nav_date == str(latest)))]
    _save(navs, seeds, "fund_navs")
    want["latest_nav_is_reported"] = {"fund_id": fund, "quarter_end": str(latest)}

    # 2. an active holding loses its marks of the last two quarters
    holding = q(
        "select fund_id, company_id, quarter_end from marts.fct_positions_quarterly p "
        "where is_active and mark_date = quarter_end and quarter_end = "
        "(select max(quarter_end) from marts.fct_positions_quarterly where fund_id = p.fund_id) "
        "and exists (select 1 from marts.fct_positions_quarterly o where o.fund_id = p.fund_id "
        "and o.company_id = p.company_id and o.mark_date < p.quarter_end - interval 9 month) "
        "order by all limit 1"
    )[0]
    h_fund, h_company, h_quarter = holding
    cut = str(h_quarter - dt.timedelta(days=200))
    marks = _csv(seeds, "valuations")
    gone = (
        (marks.fund_id == h_fund) & (marks.company_id == h_company) & (marks.valuation_date > cut)
    )
    _save(marks[~gone], seeds, "valuations")
    want["marks_are_recent"] = {"fund_id": h_fund, "company_id": h_company}

    # 3. the rates of a currency held at a quarter end stop 2 months before it
    currency, fx_quarter = q(
        "select mark_currency, quarter_end from intermediate.int_positions_marked "
        "where mark_currency not in ('USD') and mark_currency <> fund_currency "
        "order by quarter_end desc, mark_currency limit 1"
    )[0]
    rates = _csv(seeds, "fx_rates")
    window = (rates.rate_date > str(fx_quarter - dt.timedelta(days=45))) & (
        rates.rate_date <= str(fx_quarter)
    )
    _save(rates[~(window & (rates.currency == currency))], seeds, "fx_rates")
    want["fx_rates_are_recent"] = {"quarter_end": str(fx_quarter), "currency": currency}

    # 4. the benchmark's closes stop 2 months before a fund's latest quarter end
    b_fund, index, b_quarter = q(
        "select f.fund_id, f.benchmark_index_code, max(p.quarter_end) "
        "from marts.dim_funds f join marts.fund_performance p using (fund_id) "
        "where f.benchmark_index_code is not null group by all order by all limit 1"
    )[0]
    closes = _csv(seeds, "market_index")
    window = (closes.price_date > str(b_quarter - dt.timedelta(days=45))) & (
        closes.price_date <= str(b_quarter)
    )
    _save(closes[~(window & (closes.index_code == index))], seeds, "market_index")
    want["benchmark_closes_are_recent"] = {"fund_id": b_fund, "quarter_end": str(b_quarter)}

    # 5. a capital call as large as the whole fund, in its latest quarter
    p_fund, committed, p_quarter = q(
        "select fund_id, committed_capital, max(quarter_end) from marts.fund_performance "
        "group by all order by fund_id desc limit 1"
    )[0]
    flows = _csv(seeds, "fund_cash_flows")
    call = {
        "cash_flow_id": "CF_WARN_TEST",
        "fund_id": p_fund,
        "flow_date": str(p_quarter - dt.timedelta(days=10)),
        "flow_type": "capital_call",
        "amount": f"{committed:.2f}",
        "purpose": "investment",
    }
    _save(pd.concat([flows, pd.DataFrame([call])]), seeds, "fund_cash_flows")
    want["paid_in_within_commitments"] = {"fund_id": p_fund, "quarter_end": str(p_quarter)}

    # 6. a company's industry weights are removed
    weights = _csv(seeds, "company_industries")
    company = sorted(weights.company_id)[0]
    _save(weights[weights.company_id != company], seeds, "company_industries")
    want["has_industry_weights"] = {"company_id": company}

    home = tmp_path_factory.mktemp("warn-home") / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    result = subprocess.run(
        [str(FUNDLENS), "refresh", "--seeds", str(seeds), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return home, {"want": want, "stdout": result.stdout}


def test_every_warning_is_recorded_and_the_data_published(triggered, demo_warnings):
    home, info = triggered
    [record] = [r for r in read_runs(home) if r["version_id"] == published_version(home)]
    assert record["outcome"] == "published"
    found = _warnings(record)
    assert set(found) == CHECKS, set(found)
    assert record["tests"].get("warn") == len(found)
    assert "fail" not in record["tests"] and "error" not in record["tests"]
    for check, where in info["want"].items():
        w = found[check]
        before = demo_warnings.get(check, {}).get("count", 0)
        assert w["count"] > before, (check, w["count"], before)
        assert w["message"], check
        assert 1 <= len(w["examples"]) <= 5
        if w["count"] <= len(w["examples"]):  # all rows are listed: ours must be there
            assert any(where.items() <= e.items() for e in w["examples"]), (check, w)


def test_refresh_output_lists_the_warnings(triggered):
    _, info = triggered
    out = info["stdout"]
    assert "warning(s) (published anyway" in out
    for check in CHECKS:
        assert f"[{check}]" in out


def test_status_json_shows_the_warnings(triggered):
    home, _ = triggered
    result = subprocess.run(
        [str(FUNDLENS), "status", "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    status = json.loads(result.stdout)
    latest = next(r for r in status["runs"] if r["version_id"] == status["published"])
    assert {w["check"] for w in latest["data_warnings"]} == CHECKS
    text = subprocess.run(
        [str(FUNDLENS), "status", "--home", str(home)], capture_output=True, text=True
    ).stdout
    assert "[paid_in_within_commitments]" in text


def test_data_status_page_shows_the_warnings(triggered, monkeypatch):
    home, _ = triggered
    monkeypatch.setenv("FUNDLENS_HOME", str(home))
    at = app_as(OPERATOR, "views/data_status.py")  # data status is for operators only
    [record] = [r for r in read_runs(home) if r["version_id"] == published_version(home)]
    shown = " ".join(w.value for w in at.warning)
    for w in record["data_warnings"]:
        assert f"{w['count']} row(s)" in shown
        assert w["check"].replace("_", "\\_") in shown
    tables = [d.value for d in at.dataframe]
    company = next(w for w in record["data_warnings"] if w["check"] == "has_industry_weights")[
        "examples"
    ][0]["company_id"]
    assert any("company_id" in t.columns and company in t["company_id"].tolist() for t in tables)
