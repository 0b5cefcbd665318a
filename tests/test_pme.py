"""Kaplan-Schoar PME and Direct Alpha in fund_performance, against an independent
computation written here with pandas and pyxirr (data contract, "Benchmarks")."""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import shutil

import duckdb
import pandas as pd
import pytest
import pyxirr
from conftest import SHARED_DATA

from fundlens import SEEDS_DIR

# --- the independent computation ----------------------------------------------------


def index_level(index: pd.Series, on: pd.Timestamp) -> float:
    """The benchmark's latest close on or before `on` (index: closes by date, sorted)."""
    level = index.asof(on)
    assert not math.isnan(level), f"no close on or before {on}"
    return float(level)


def reference_pme(
    flows: pd.DataFrame, nav: float, quarter_end: pd.Timestamp, index: pd.Series
) -> tuple[float, float | None]:
    """(ks_pme, direct_alpha) of the flows (flow_date, flow_type, amount) up to quarter_end."""
    flows = flows[flows["flow_date"] <= quarter_end]
    i_end = index_level(index, quarter_end)
    growth = [i_end / index_level(index, d) for d in flows["flow_date"]]
    compounded = flows["amount"].to_numpy() * growth
    is_call = (flows["flow_type"] == "capital_call").to_numpy()
    ks_pme = (compounded[~is_call].sum() + nav) / compounded[is_call].sum()
    signed = [-c if call else c for c, call in zip(compounded, is_call, strict=True)]
    dates = [d.date() for d in flows["flow_date"]] + [quarter_end.date()]
    try:
        a = pyxirr.xirr(dates, [*signed, nav])
    except Exception:  # pyxirr raises where it finds no root
        a = None
    return float(ks_pme), (None if a is None else math.log1p(a))


def test_reference_on_a_hand_computed_case():
    # The index doubles while 100 is invested and grows to 200: exactly the index, so
    # KS-PME = 200 / (100 x 2) = 1 and Direct Alpha = ln(1 + 0) = 0.
    index = pd.Series(
        [100.0, 150.0, 200.0], index=pd.to_datetime(["2020-01-01", "2020-07-01", "2021-12-31"])
    )
    flows = pd.DataFrame(
        {
            "flow_date": pd.to_datetime(["2020-01-15"]),
            "flow_type": ["capital_call"],
            "amount": [100.0],
        }
    )
    ks, alpha = reference_pme(flows, 200.0, pd.Timestamp("2021-12-31"), index)
    assert ks == pytest.approx(1.0)
    assert alpha == pytest.approx(0.0, abs=1e-12)
    # A distribution of 150 when the index is at 150 (mid-2020) and a NAV of 100 at the
    # end, when it is at 200: KS-PME = (150 x 200/150 + 100) / (100 x 200/100) = 1.5.
    flows = pd.concat(
        [
            flows,
            pd.DataFrame(
                {
                    "flow_date": pd.to_datetime(["2020-08-01"]),
                    "flow_type": ["distribution"],
                    "amount": [150.0],
                }
            ),
        ]
    )
    ks, alpha = reference_pme(flows, 100.0, pd.Timestamp("2021-12-31"), index)
    assert ks == pytest.approx(1.5)
    assert alpha > 0


# --- a fund benchmarked against the real S&P 500 monthly series ---------------------

SPX = "SPX500"
SPX_FUND = "FSPX"
COMMITTED = 50_000_000.0


def _append(path, rows: list[list]) -> None:
    with path.open("a", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _spx_fund_inputs(seeds) -> None:
    """Add fund FSPX (USD, benchmark SPX500 = the S&P 500 monthly closes from ../shared)
    with calls 2010-2014, distributions from 2015 and a NAV reported every quarter end."""
    rng = random.Random(500)
    sp = pd.read_csv(SHARED_DATA / "sp500_monthly.csv")
    _append(
        seeds / "market_index.csv",
        [[SPX, d, f"{c:.2f}"] for d, c in zip(sp["price_date"], sp["close"], strict=True)],
    )
    _append(
        seeds / "funds.csv",
        [[SPX_FUND, "S&P Benchmarked Test Fund", 2010, "USD", f"{COMMITTED:.2f}", SPX]],
    )
    with (seeds / "lps.csv").open(newline="") as f:
        lp_id = next(csv.DictReader(f))["lp_id"]
    _append(seeds / "commitments.csv", [[lp_id, SPX_FUND, f"{COMMITTED:.2f}", "2010-01-04"]])

    flows, navs = [], []
    called = distributed = 0.0
    value = 0.0
    day = dt.date(2010, 1, 20)
    n = 0
    while day <= dt.date(2022, 12, 31):
        n += 1
        if day.year <= 2014 and called < COMMITTED * 0.9:
            amount = round(rng.uniform(1e6, 4e6), 2)
            flows.append(
                [
                    f"CFSPX{n:04d}",
                    SPX_FUND,
                    day.isoformat(),
                    "capital_call",
                    f"{amount:.2f}",
                    "investment",
                ]
            )
            called += amount
            value += amount
        elif day.year >= 2015 and rng.random() < 0.6:
            amount = round(value * rng.uniform(0.05, 0.2), 2)
            flows.append(
                [
                    f"CFSPX{n:04d}",
                    SPX_FUND,
                    day.isoformat(),
                    "distribution",
                    f"{amount:.2f}",
                    "gain",
                ]
            )
            distributed += amount
            value -= amount
        value *= rng.uniform(0.97, 1.06)
        day += dt.timedelta(days=rng.randint(35, 80))
        q_end = (pd.Timestamp(day) - pd.offsets.QuarterEnd(1)).date()
        # the NAV of the quarter end before the next flow (some quarters have none)
        if q_end >= dt.date(2010, 3, 31) and (not navs or navs[-1][1] != q_end.isoformat()):
            navs.append([SPX_FUND, q_end.isoformat(), f"{value:.2f}"])
    _append(seeds / "fund_cash_flows.csv", flows)
    _append(seeds / "fund_navs.csv", navs)


@pytest.fixture(scope="module")
def spx_warehouse(tmp_path_factory):
    from fundlens.build import build

    home = tmp_path_factory.mktemp("spx")
    seeds = home / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    _spx_fund_inputs(seeds)
    build(seeds, home / "warehouse.duckdb", home)
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con, seeds
    con.close()


def _flows(path, fund_id) -> pd.DataFrame:
    df = pd.read_csv(path / "fund_cash_flows.csv")
    df = df[df["fund_id"] == fund_id].copy()
    df["flow_date"] = pd.to_datetime(df["flow_date"])
    return df


def _index(path, code) -> pd.Series:
    df = pd.read_csv(path / "market_index.csv")
    df = df[df["index_code"] == code]
    return pd.Series(
        df["close"].to_numpy(float), index=pd.to_datetime(df["price_date"])
    ).sort_index()


def _compare_with_reference(con, seeds, fund_id, index_code) -> int:
    flows = _flows(seeds, fund_id)
    index = _index(seeds, index_code)
    mart = con.execute(
        "select quarter_end, net_asset_value, ks_pme, direct_alpha, net_irr "
        "from marts.fund_performance where fund_id = ? order by quarter_end",
        [fund_id],
    ).fetchall()
    assert mart
    checked = 0
    for quarter_end, nav, ks_pme, direct_alpha, _ in mart:
        q = pd.Timestamp(quarter_end)
        if not (flows["flow_date"] <= q).any():
            continue
        ks_ref, alpha_ref = reference_pme(flows, nav, q, index)
        assert ks_pme == pytest.approx(ks_ref, rel=1e-9), quarter_end
        if alpha_ref is None:
            assert direct_alpha is None, quarter_end
        else:
            assert direct_alpha == pytest.approx(alpha_ref, abs=1e-7), quarter_end
        checked += 1
    return checked


def test_pme_against_the_sp500(spx_warehouse):
    con, seeds = spx_warehouse
    checked = _compare_with_reference(con, seeds, SPX_FUND, SPX)
    assert checked >= 40  # 2010-2022, every quarter


def test_spx_fund_net_irr_matches_pyxirr(spx_warehouse):
    con, seeds = spx_warehouse
    flows = _flows(seeds, SPX_FUND)
    quarter_end, nav, net_irr = con.execute(
        "select quarter_end, net_asset_value, net_irr from marts.fund_performance "
        "where fund_id = ? order by quarter_end desc limit 1",
        [SPX_FUND],
    ).fetchone()
    signed = [
        -a if t == "capital_call" else a
        for a, t in zip(flows["amount"], flows["flow_type"], strict=True)
    ]
    dates = [d.date() for d in flows["flow_date"]]
    expected = pyxirr.xirr([*dates, quarter_end], [*signed, nav])
    assert net_irr == pytest.approx(expected, abs=1e-9)


def test_demo_benchmarked_fund_matches_reference(warehouse):
    funds = pd.read_csv(SEEDS_DIR / "funds.csv")
    benchmarked = funds[funds["benchmark_index_code"].notna()]
    assert len(benchmarked) >= 1
    for fund_id, code in zip(
        benchmarked["fund_id"], benchmarked["benchmark_index_code"], strict=True
    ):
        assert _compare_with_reference(warehouse, SEEDS_DIR, fund_id, code) > 0


def test_no_benchmark_means_null_pme(warehouse):
    funds = pd.read_csv(SEEDS_DIR / "funds.csv")
    unbenchmarked = list(funds.loc[funds["benchmark_index_code"].isna(), "fund_id"])
    assert unbenchmarked, "the demo data should have a fund without a benchmark"
    rows = warehouse.execute(
        "select count(*), count(ks_pme), count(direct_alpha), count(net_irr) "
        "from marts.fund_performance where list_contains(?, fund_id)",
        [unbenchmarked],
    ).fetchone()
    assert rows[0] > 0
    assert rows[1] == 0 and rows[2] == 0
    assert rows[3] > 0  # the net IRR is there all the same
