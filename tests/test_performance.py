"""Identities of fund_performance and lp_capital_accounts on the demo warehouse, and
figures recomputed independently from the demo seeds (data contract, "Conventions of
the computation")."""

from __future__ import annotations

import pandas as pd
import pytest
import pyxirr

from fundlens import SEEDS_DIR

CENT = 0.01


@pytest.fixture(scope="module")
def performance(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.fund_performance").df()


@pytest.fixture(scope="module")
def cash_flows() -> pd.DataFrame:
    df = pd.read_csv(SEEDS_DIR / "fund_cash_flows.csv", parse_dates=["flow_date"])
    return df


@pytest.fixture(scope="module")
def navs() -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / "fund_navs.csv", parse_dates=["nav_date"])


def test_one_row_per_fund_and_quarter(performance):
    assert len(performance) > 0
    assert not performance.duplicated(["fund_id", "quarter_end"]).any()


def test_tvpi_is_dpi_plus_rvpi(performance):
    rows = performance[performance["paid_in_capital"] > 0]
    assert len(rows) > 0
    diff = (rows["tvpi"] - rows["dpi"] - rows["rvpi"]).abs()
    assert diff.max() < 1e-12


def test_multiples_divide_by_paid_in(performance):
    rows = performance[performance["paid_in_capital"] > 0]
    dpi = (rows["distributed_capital"] / rows["paid_in_capital"]).to_numpy()
    rvpi = (rows["net_asset_value"] / rows["paid_in_capital"]).to_numpy()
    assert rows["dpi"].to_numpy() == pytest.approx(dpi, rel=1e-12)
    assert rows["rvpi"].to_numpy() == pytest.approx(rvpi, rel=1e-12)


def test_unfunded_is_committed_minus_paid_in_where_positive(performance):
    expected = (performance["committed_capital"] - performance["paid_in_capital"]).clip(lower=0)
    assert (performance["unfunded_commitment"] - expected).abs().max() < CENT


def test_paid_in_and_distributed_add_up_the_seeds(performance, cash_flows):
    for row in performance.itertuples():
        flows = cash_flows[
            (cash_flows["fund_id"] == row.fund_id)
            & (cash_flows["flow_date"] <= pd.Timestamp(row.quarter_end))
        ]
        calls = flows.loc[flows["flow_type"] == "capital_call", "amount"].sum()
        dists = flows.loc[flows["flow_type"] == "distribution", "amount"].sum()
        assert row.paid_in_capital == pytest.approx(calls, abs=CENT)
        assert row.distributed_capital == pytest.approx(dists, abs=CENT)


def test_every_nav_source_appears_in_the_demo(performance):
    assert set(performance["nav_source"]) == {"reported", "rolled_forward", "portfolio_fair_value"}


def test_demo_has_distributions(performance):
    assert (performance["dpi"] > 0).any()


def test_reported_nav_is_taken_as_is(performance, navs):
    reported = performance[performance["nav_source"] == "reported"].copy()
    assert len(reported) > 0
    reported["nav_date"] = pd.to_datetime(reported["quarter_end"])
    merged = reported.merge(navs, on=["fund_id", "nav_date"], how="left")
    assert merged["net_asset_value_y"].notna().all()
    assert (merged["net_asset_value_x"] - merged["net_asset_value_y"]).abs().max() < CENT


def test_rolled_forward_nav_is_last_reported_plus_calls_minus_distributions(
    performance, navs, cash_flows
):
    rolled = performance[performance["nav_source"] == "rolled_forward"]
    assert len(rolled) > 0
    for row in rolled.itertuples():
        q = pd.Timestamp(row.quarter_end)
        earlier = navs[(navs["fund_id"] == row.fund_id) & (navs["nav_date"] < q)]
        assert len(earlier) > 0
        last = earlier.sort_values("nav_date").iloc[-1]
        assert not ((navs["fund_id"] == row.fund_id) & (navs["nav_date"] == q)).any()
        since = cash_flows[
            (cash_flows["fund_id"] == row.fund_id)
            & (cash_flows["flow_date"] > last["nav_date"])
            & (cash_flows["flow_date"] <= q)
        ]
        calls = since.loc[since["flow_type"] == "capital_call", "amount"].sum()
        dists = since.loc[since["flow_type"] == "distribution", "amount"].sum()
        expected = last["net_asset_value"] + calls - dists
        assert row.net_asset_value == pytest.approx(expected, abs=CENT)


def test_portfolio_fair_value_nav_only_before_any_reported_nav(performance, navs, warehouse):
    pfv = performance[performance["nav_source"] == "portfolio_fair_value"]
    assert len(pfv) > 0
    positions = warehouse.execute(
        "select fund_id, quarter_end, sum(fair_value) as fair_value "
        "from marts.fct_positions_quarterly group by all"
    ).df()
    for row in pfv.itertuples():
        q = pd.Timestamp(row.quarter_end)
        assert not ((navs["fund_id"] == row.fund_id) & (navs["nav_date"] <= q)).any()
        fv = positions[
            (positions["fund_id"] == row.fund_id) & (pd.to_datetime(positions["quarter_end"]) == q)
        ]["fair_value"].sum()
        assert row.net_asset_value == pytest.approx(fv, abs=CENT)


def test_net_irr_matches_pyxirr_from_the_seeds(performance, cash_flows):
    # The latest quarter of each fund, recomputed from the CSVs with pyxirr.
    checked = 0
    for fund_id, rows in performance.groupby("fund_id"):
        row = rows.sort_values("quarter_end").iloc[-1]
        q = pd.Timestamp(row["quarter_end"])
        flows = cash_flows[(cash_flows["fund_id"] == fund_id) & (cash_flows["flow_date"] <= q)]
        amounts = [
            -a if t == "capital_call" else a
            for a, t in zip(flows["amount"], flows["flow_type"], strict=True)
        ]
        dates = [d.date() for d in flows["flow_date"]]
        expected = pyxirr.xirr([*dates, q.date()], [*amounts, row["net_asset_value"]])
        assert row["net_irr"] == pytest.approx(expected, abs=1e-9), fund_id
        checked += 1
    assert checked >= 2


def test_gross_irr_and_moic_match_the_positions(performance, warehouse):
    # Gross figures recomputed from the converted investments and realizations.
    inv = warehouse.execute(
        "select fund_id, investment_date as d, -fund_amount as a "
        "from intermediate.int_investments_converted"
    ).df()
    real = warehouse.execute(
        "select fund_id, realization_date as d, fund_proceeds as a "
        "from intermediate.int_realizations_converted"
    ).df()
    flows = pd.concat([inv, real])
    flows["d"] = pd.to_datetime(flows["d"])
    fv = warehouse.execute(
        "select fund_id, quarter_end, sum(fair_value) as fv, sum(cost) as cost, "
        "sum(proceeds) as proceeds from marts.fct_positions_quarterly group by all"
    ).df()
    for fund_id, rows in performance.groupby("fund_id"):
        row = rows.sort_values("quarter_end").iloc[-1]
        q = pd.Timestamp(row["quarter_end"])
        pos = fv[(fv["fund_id"] == fund_id) & (pd.to_datetime(fv["quarter_end"]) == q)].iloc[0]
        assert row["gross_cost"] == pytest.approx(pos["cost"], abs=CENT)
        assert row["gross_total_value"] == pytest.approx(pos["proceeds"] + pos["fv"], abs=CENT)
        assert row["gross_moic"] == pytest.approx(row["gross_total_value"] / row["gross_cost"])
        f = flows[(flows["fund_id"] == fund_id) & (flows["d"] <= q)]
        expected = pyxirr.xirr([*(d.date() for d in f["d"]), q.date()], [*f["a"], pos["fv"]])
        assert row["gross_irr"] == pytest.approx(expected, abs=1e-9), fund_id


def test_benchmarked_fund_has_pme(performance):
    funds = pd.read_csv(SEEDS_DIR / "funds.csv")
    benchmarked = set(funds.loc[funds["benchmark_index_code"].notna(), "fund_id"])
    assert benchmarked
    rows = performance[performance["fund_id"].isin(benchmarked)]
    assert rows["ks_pme"].notna().any() and rows["direct_alpha"].notna().any()


# --- LP capital accounts ------------------------------------------------------------


@pytest.fixture(scope="module")
def accounts(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from private.lp_capital_accounts").df()


def test_lp_accounts_sum_to_the_fund(accounts, performance):
    sums = accounts.groupby(["fund_id", "quarter_end"], as_index=False)[
        ["contributed", "distributed", "net_asset_value", "ownership_share"]
    ].sum()
    merged = performance.merge(sums, on=["fund_id", "quarter_end"], how="inner")
    assert len(merged) == len(performance)  # every fund quarter has LP accounts
    assert (merged["contributed"] - merged["paid_in_capital"]).abs().max() < CENT
    assert (merged["distributed"] - merged["distributed_capital"]).abs().max() < CENT
    assert (merged["net_asset_value_y"] - merged["net_asset_value_x"]).abs().max() < CENT
    assert (merged["ownership_share"] - 1).abs().max() < 1e-12


def test_ownership_share_is_commitment_over_fund_commitments(accounts):
    commitments = pd.read_csv(SEEDS_DIR / "commitments.csv")
    totals = commitments.groupby("fund_id")["commitment_amount"].sum()
    expected = accounts["commitment_amount"] / accounts["fund_id"].map(totals)
    assert (accounts["ownership_share"] - expected).abs().max() < 1e-12


def test_lp_unfunded_and_multiples(accounts):
    expected = (accounts["commitment_amount"] - accounts["contributed"]).clip(lower=0)
    assert (accounts["unfunded_commitment"] - expected).abs().max() < CENT
    paid = accounts[accounts["contributed"] > 0]
    dpi = (paid["distributed"] / paid["contributed"]).to_numpy()
    tvpi = ((paid["distributed"] + paid["net_asset_value"]) / paid["contributed"]).to_numpy()
    assert paid["dpi"].to_numpy() == pytest.approx(dpi, rel=1e-12)
    assert paid["tvpi"].to_numpy() == pytest.approx(tvpi, rel=1e-12)
