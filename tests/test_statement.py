"""The capital account statement (fundlens/statement.py) and its source mart
private.lp_cash_flows, on the demo warehouse: the checks an LP's auditor makes, and the
figures recomputed independently from the demo seeds with pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from fundlens import SEEDS_DIR
from fundlens.errors import FundLensError
from fundlens.statement import (
    CONTRIBUTION_PURPOSES,
    DISTRIBUTION_PURPOSES,
    NOT_REPORTED,
    capital_account_statement,
)

CENT = 0.01
FLOW_LINES = [
    *CONTRIBUTION_PURPOSES.values(),
    "Total contributions",
    *DISTRIBUTION_PURPOSES.values(),
    "Total distributions",
    "Net change in value",
]


@pytest.fixture(scope="module")
def accounts(warehouse) -> pd.DataFrame:
    df = warehouse.execute("select * from private.lp_capital_accounts").df()
    df["quarter_end"] = df["quarter_end"].dt.date
    return df


@pytest.fixture(scope="module")
def seed_flows() -> pd.DataFrame:
    """The demo cash flows, each with its calendar quarter end and purpose ('other' if blank)."""
    df = pd.read_csv(SEEDS_DIR / "fund_cash_flows.csv", parse_dates=["flow_date"])
    df["quarter_end"] = (df["flow_date"] + pd.offsets.QuarterEnd(0)).dt.date
    df["purpose"] = df["purpose"].fillna("other")
    return df


@pytest.fixture(scope="module")
def shares() -> dict[tuple[str, str], float]:
    """(lp_id, fund_id) -> commitment / the fund's total commitments, from the seeds."""
    c = pd.read_csv(SEEDS_DIR / "commitments.csv")
    c["share"] = c["commitment_amount"] / c.groupby("fund_id")["commitment_amount"].transform("sum")
    return {(r.lp_id, r.fund_id): r.share for r in c.itertuples()}


def quarters_of(accounts: pd.DataFrame, fund_id: str) -> list[dt.date]:
    return sorted(set(accounts.loc[accounts["fund_id"] == fund_id, "quarter_end"]))


def lp_fund_pairs(accounts: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(set(zip(accounts["lp_id"], accounts["fund_id"], strict=True)))


# --- the mart ------------------------------------------------------------------------


def test_lp_cash_flows_add_up_to_the_capital_accounts(warehouse, accounts):
    """An LP's flows to date are its contributed and distributed in lp_capital_accounts."""
    flows = warehouse.execute("select * from private.lp_cash_flows").df()
    flows["quarter_end"] = flows["quarter_end"].dt.date
    assert set(flows["purpose"]) <= {*CONTRIBUTION_PURPOSES, *DISTRIBUTION_PURPOSES}
    checked = 0
    for row in accounts.itertuples():
        mine = flows[
            (flows["lp_id"] == row.lp_id)
            & (flows["fund_id"] == row.fund_id)
            & (flows["quarter_end"] <= row.quarter_end)
        ]
        calls = mine.loc[mine["flow_type"] == "capital_call", "amount"].sum()
        dists = mine.loc[mine["flow_type"] == "distribution", "amount"].sum()
        assert calls == pytest.approx(row.contributed, abs=CENT)
        assert dists == pytest.approx(row.distributed, abs=CENT)
        checked += 1
    assert checked > 100


def test_lp_cash_flows_are_not_in_the_public_database(public_db):
    tables = {r[0] for r in public_db.execute("select table_name from duckdb_tables()").fetchall()}
    assert "lp_cash_flows" not in tables and "lp_capital_accounts" not in tables


# --- the statement ---------------------------------------------------------------------


def test_qtd_plus_previous_itd_is_itd(warehouse, accounts):
    for lp_id, fund_id in lp_fund_pairs(accounts)[:6]:
        previous = None
        for quarter in quarters_of(accounts, fund_id):
            s = capital_account_statement(warehouse, fund_id, quarter, lp_id)
            table = s.table.set_index("line")
            for line in FLOW_LINES:
                before = 0.0 if previous is None else previous.loc[line, "itd"]
                assert before + table.loc[line, "qtd"] == pytest.approx(
                    table.loc[line, "itd"], abs=CENT
                ), (lp_id, fund_id, quarter, line)
            if previous is not None:
                # this quarter begins where the last one ended
                assert table.loc["Beginning NAV", "qtd"] == pytest.approx(
                    previous.loc["Ending NAV", "qtd"], abs=CENT
                )
            previous = table


def test_every_column_rolls_forward_to_the_ending_nav(warehouse, accounts):
    lp_id, fund_id = lp_fund_pairs(accounts)[0]
    quarter = quarters_of(accounts, fund_id)[-1]
    table = capital_account_statement(warehouse, fund_id, quarter, lp_id).table.set_index("line")
    for col in ("qtd", "ytd", "itd"):
        total = (
            table.loc["Beginning NAV", col]
            + table.loc["Total contributions", col]
            + table.loc["Total distributions", col]
            + table.loc["Net change in value", col]
        )
        assert total == pytest.approx(table.loc["Ending NAV", col], abs=CENT)
        parts = [table.loc[label, col] for label in CONTRIBUTION_PURPOSES.values()]
        assert sum(parts) == pytest.approx(table.loc["Total contributions", col], abs=CENT)
    assert table.loc["Beginning NAV", "itd"] == 0


def test_the_lps_of_a_fund_add_up_to_the_fund(warehouse, accounts):
    performance = warehouse.execute("select * from marts.fund_performance").df()
    performance["quarter_end"] = performance["quarter_end"].dt.date
    for fund_id in sorted(set(accounts["fund_id"])):
        quarter = quarters_of(accounts, fund_id)[-3]  # not only the latest
        lps = sorted(set(accounts.loc[accounts["fund_id"] == fund_id, "lp_id"]))
        tables = [
            capital_account_statement(warehouse, fund_id, quarter, lp).table.set_index("line")
            for lp in lps
        ]
        total = capital_account_statement(warehouse, fund_id, quarter).table.set_index("line")
        fund = performance[
            (performance["fund_id"] == fund_id) & (performance["quarter_end"] == quarter)
        ].iloc[0]
        for line in ["Beginning NAV", *FLOW_LINES, "Ending NAV"]:
            for col in ("qtd", "ytd", "itd"):
                summed = sum(t.loc[line, col] for t in tables)
                assert summed == pytest.approx(total.loc[line, col], abs=CENT), (line, col)
        paid_in = sum(t.loc["Total contributions", "itd"] for t in tables)
        distributed = -sum(t.loc["Total distributions", "itd"] for t in tables)
        nav = sum(t.loc["Ending NAV", "itd"] for t in tables)
        assert paid_in == pytest.approx(fund["paid_in_capital"], abs=CENT)
        assert distributed == pytest.approx(fund["distributed_capital"], abs=CENT)
        assert nav == pytest.approx(fund["net_asset_value"], abs=CENT)
        assert sum(t.loc["Ownership share", "itd"] for t in tables) == pytest.approx(1)


def test_recomputed_from_the_seeds(warehouse, accounts, seed_flows, shares):
    """Each flow line, QTD / YTD / ITD, is the LP's share of the seeds' flows by purpose."""
    navs = warehouse.execute(
        "select fund_id, quarter_end, net_asset_value from marts.fund_performance"
    ).df()
    navs["quarter_end"] = navs["quarter_end"].dt.date
    nav = {(r.fund_id, r.quarter_end): r.net_asset_value for r in navs.itertuples()}
    for lp_id, fund_id in [("LP006", "F001"), ("LP011", "F002"), ("LP001", "F002")]:
        share = shares[(lp_id, fund_id)]
        fund_flows = seed_flows[seed_flows["fund_id"] == fund_id]
        for quarter in quarters_of(accounts, fund_id)[::3]:
            table = capital_account_statement(warehouse, fund_id, quarter, lp_id).table
            table = table.set_index("line")
            periods = {
                "qtd": fund_flows["quarter_end"] == quarter,
                "ytd": (fund_flows["quarter_end"] <= quarter)
                & (fund_flows["flow_date"].dt.year == quarter.year),
                "itd": fund_flows["quarter_end"] <= quarter,
            }
            for col, mask in periods.items():
                for flow_type, purposes, sign in (
                    ("capital_call", CONTRIBUTION_PURPOSES, 1),
                    ("distribution", DISTRIBUTION_PURPOSES, -1),
                ):
                    for purpose, label in purposes.items():
                        hit = mask & (fund_flows["flow_type"] == flow_type)
                        hit &= fund_flows["purpose"] == purpose
                        expected = sign * share * fund_flows.loc[hit, "amount"].sum()
                        assert table.loc[label, col] == pytest.approx(expected, abs=CENT), (
                            lp_id,
                            quarter,
                            col,
                            label,
                        )
            assert table.loc["Ending NAV", "itd"] == pytest.approx(
                share * nav[(fund_id, quarter)], abs=CENT
            )
            prior_year_end = dt.date(quarter.year - 1, 12, 31)
            assert table.loc["Beginning NAV", "ytd"] == pytest.approx(
                share * nav.get((fund_id, prior_year_end), 0.0), abs=CENT
            )


def test_as_at_lines(warehouse, accounts):
    row = accounts[(accounts["lp_id"] == "LP006") & (accounts["contributed"] > 0)].iloc[-1]
    s = capital_account_statement(warehouse, row.fund_id, row.quarter_end, "LP006")
    assert s.lp_name == row.lp_name and s.currency == row.currency
    table = s.table.set_index("line")
    assert table.loc["Commitment", "itd"] == pytest.approx(row.commitment_amount)
    assert table.loc["Unfunded commitment", "itd"] == pytest.approx(row.unfunded_commitment)
    # contributions and unfunded reconcile to the commitment
    assert table.loc["Total contributions", "itd"] + table.loc[
        "Unfunded commitment", "itd"
    ] == pytest.approx(max(row.commitment_amount, row.contributed), abs=CENT)
    assert table.loc["DPI", "itd"] == pytest.approx(row.dpi)
    assert table.loc["TVPI", "itd"] == pytest.approx(row.tvpi)
    assert pd.isna(table.loc["TVPI", "qtd"])  # as-at lines have no period columns


def test_not_reported_lines_are_blank_never_zero(warehouse, accounts):
    lp_id, fund_id = lp_fund_pairs(accounts)[0]
    quarter = quarters_of(accounts, fund_id)[-1]
    table = capital_account_statement(warehouse, fund_id, quarter, lp_id).table.set_index("line")
    for line in NOT_REPORTED:
        assert table.loc[line, ["qtd", "ytd", "itd"]].isna().all()
        assert table.loc[line, "note"] == "not reported"


def test_clear_errors(warehouse, accounts):
    lp_id, fund_id = lp_fund_pairs(accounts)[0]
    with pytest.raises(FundLensError, match="no capital account at 1990-03-31"):
        capital_account_statement(warehouse, fund_id, dt.date(1990, 3, 31), lp_id)
    with pytest.raises(FundLensError, match="no capital account of LP NOPE"):
        capital_account_statement(warehouse, fund_id, dt.date(2024, 3, 31), "NOPE")
