"""The capital account statement: an LP's (or the whole fund's) roll-forward for a quarter,
with quarter-to-date, year-to-date and since-inception columns, in ILPA order.

    statement = capital_account_statement(con, "F001", date(2026, 9, 30), lp_id="LP006")
    statement.table      # one row per line: section, line, qtd, ytd, itd, note
    statement.lp_name, statement.currency, statement.notes

`con` is a DuckDB connection to `warehouse.duckdb` (the private schema). This module does
no authorization: the caller (the app's query layer, the PDF report) decides whose
statement may be built. The app runs the same SQL through its own cached, authorized
query function: see `read_inputs`.

The lines (amounts in the fund's currency; in the roll-forward contributions are
positive and distributions negative, so each column adds up: beginning NAV +
contributions + distributions + net change in value = ending NAV):

    beginning NAV            the LP's NAV at the period's start (0 at inception)
    contributions            the LP's share of capital calls, by purpose: investments,
                             management fees, fund expenses, other (no purpose given)
    distributions            the LP's share of distributions: return of capital, gains, other
    net change in value      the balancing figure: end - begin - contributions - distributions
    ending NAV               the LP's NAV at the quarter end
    not reported             lines of the ILPA template our data does not hold (None, never 0)
    commitment, unfunded commitment, ownership share, DPI, RVPI, TVPI, net IRR
                             as at the quarter end (the itd column only)

Sources: `private.lp_capital_accounts` (NAV, commitment, share, contributed, distributed)
and `private.lp_cash_flows` (the LP's share of the flows, by quarter and purpose). The
LP's flows are its ownership share of the fund's, so its net IRR is the fund's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from fundlens.errors import FundLensError

CONTRIBUTION_PURPOSES = {
    "investment": "Contributions: investments",
    "management_fee": "Contributions: management fees",
    "fund_expenses": "Contributions: fund expenses",
    "other": "Contributions: other (purpose not given)",
}
DISTRIBUTION_PURPOSES = {
    "return_of_capital": "Distributions: return of capital",
    "gain": "Distributions: gains",
    "other": "Distributions: other (purpose not given)",
}
NOT_REPORTED = (
    "Management fee offsets",
    "Placement fees",
    "Carried interest (accrued)",
    "Carried interest (paid)",
    "GP allocation",
    "Subscription line borrowing",
)
NOT_REPORTED_NOTE = "not reported"
STATEMENT_NOTES = (
    "Amounts are the LP's ownership share (its commitment over the fund's total "
    "commitments) of the fund's cash flows and net asset value.",
    "Net change in value is the balancing figure: ending NAV - beginning NAV - "
    "contributions + distributions.",
    "Lines marked 'not reported' (management fee offsets, placement fees, carried "
    "interest, GP allocation, subscription line borrowing) are not in FundLens's input "
    "data; they are left blank, not shown as zero.",
    "Net IRR is the fund's: the LP's flows are its pro-rata share of the fund's.",
)

ACCOUNTS_SQL = """
    select lp_id, lp_name, fund_id, quarter_end, commitment_amount, ownership_share,
           contributed, distributed, net_asset_value, unfunded_commitment, currency
    from private.lp_capital_accounts
    where fund_id = ? and (cast(? as varchar) is null or lp_id = cast(? as varchar))
    order by quarter_end, lp_id
"""
FLOWS_SQL = """
    select lp_id, quarter_end, flow_type, purpose, amount
    from private.lp_cash_flows
    where fund_id = ? and (cast(? as varchar) is null or lp_id = cast(? as varchar))
    order by quarter_end, lp_id, flow_type, purpose
"""
IRR_SQL = """
    select quarter_end, net_irr
    from marts.fund_performance
    where fund_id = ?
    order by quarter_end
"""


@dataclass(frozen=True)
class Inputs:
    """What a statement is built from, for one fund and one LP (or every LP)."""

    accounts: pd.DataFrame  # rows of lp_capital_accounts
    flows: pd.DataFrame  # rows of lp_cash_flows
    irr: pd.DataFrame  # quarter_end, net_irr of the fund


@dataclass(frozen=True)
class Statement:
    fund_id: str
    lp_id: str | None  # None: the fund's total over every LP
    lp_name: str  # "All LPs" for the fund total
    quarter_end: dt.date
    currency: str
    table: pd.DataFrame  # section, line, qtd, ytd, itd, note
    periods: dict[str, tuple[dt.date | None, dt.date]] = field(default_factory=dict)
    notes: tuple[str, ...] = STATEMENT_NOTES

    def line(self, name: str) -> pd.Series:
        """One line's row (qtd, ytd, itd, ...) by its label."""
        hit = self.table[self.table["line"] == name]
        if hit.empty:
            raise KeyError(name)
        return hit.iloc[0]


def read_inputs(
    run_query: Callable[..., pd.DataFrame], fund_id: str, lp_id: str | None = None
) -> Inputs:
    """Read a statement's inputs with `run_query(sql, *params) -> DataFrame`."""
    return Inputs(
        accounts=run_query(ACCOUNTS_SQL, fund_id, lp_id, lp_id),
        flows=run_query(FLOWS_SQL, fund_id, lp_id, lp_id),
        irr=run_query(IRR_SQL, fund_id),
    )


def capital_account_statement(
    con, fund_id: str, quarter_end: dt.date, lp_id: str | None = None
) -> Statement:
    """The statement of `lp_id` (None: the fund's total) in `fund_id` at `quarter_end`,
    read through `con`, a DuckDB connection to warehouse.duckdb."""

    def run(sql: str, *params: object) -> pd.DataFrame:
        return con.execute(sql, list(params)).df()

    return build_statement(read_inputs(run, fund_id, lp_id), fund_id, quarter_end, lp_id)


def quarters(inputs: Inputs) -> list[dt.date]:
    """The quarter ends a statement can be built for, newest first."""
    return sorted({_day(q) for q in inputs.accounts["quarter_end"]}, reverse=True)


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def build_statement(
    inputs: Inputs, fund_id: str, quarter_end: dt.date, lp_id: str | None = None
) -> Statement:
    """Build the statement table from its inputs (pure: no database)."""
    accounts = inputs.accounts.assign(quarter_end=inputs.accounts["quarter_end"].map(_day))
    if accounts.empty:
        who = f"LP {lp_id}" if lp_id else "any LP"
        raise FundLensError(f"no capital account of {who} in fund {fund_id}")
    quarter_end = _day(quarter_end)
    by_quarter = accounts.groupby("quarter_end").agg(
        commitment_amount=("commitment_amount", "sum"),
        ownership_share=("ownership_share", "sum"),
        contributed=("contributed", "sum"),
        distributed=("distributed", "sum"),
        net_asset_value=("net_asset_value", "sum"),
        unfunded_commitment=("unfunded_commitment", "sum"),
    )
    if quarter_end not in by_quarter.index:
        raise FundLensError(
            f"fund {fund_id} has no capital account at {quarter_end:%Y-%m-%d}; "
            f"quarters: {', '.join(f'{q:%Y-%m-%d}' for q in quarters(inputs)[:8])}"
        )
    flows = inputs.flows.assign(quarter_end=inputs.flows["quarter_end"].map(_day))
    flows = flows[flows["quarter_end"] <= quarter_end]

    earlier = [q for q in by_quarter.index if q < quarter_end]
    year_start = dt.date(quarter_end.year, 1, 1)
    before_year = [q for q in by_quarter.index if q < year_start]
    starts: dict[str, dt.date | None] = {
        "qtd": max(earlier) if earlier else None,
        "ytd": max(before_year) if before_year else None,
        "itd": None,
    }
    periods = {key: (start, quarter_end) for key, start in starts.items()}

    def in_period(key: str) -> pd.Series:
        if key == "qtd":
            return flows["quarter_end"] == quarter_end
        if key == "ytd":
            return flows["quarter_end"] >= year_start
        return pd.Series(True, index=flows.index)  # since inception

    def flow_sum(key: str, flow_type: str, purpose: str | None = None) -> float:
        mask = in_period(key) & (flows["flow_type"] == flow_type)
        if purpose is not None:
            mask &= flows["purpose"] == purpose
        return float(flows.loc[mask, "amount"].sum())

    def nav_at(day: dt.date | None) -> float:
        return 0.0 if day is None else float(by_quarter.loc[day, "net_asset_value"])

    end = by_quarter.loc[quarter_end]
    rows: list[dict] = []

    def add(section: str, line: str, values: dict[str, float | None], note: str = "") -> None:
        rows.append({"section": section, "line": line, **values, "note": note})

    cols = ("qtd", "ytd", "itd")
    begin = {k: nav_at(starts[k]) for k in cols}
    add("Roll-forward", "Beginning NAV", begin)
    contributions = {k: 0.0 for k in cols}
    for purpose, label in CONTRIBUTION_PURPOSES.items():
        values = {k: flow_sum(k, "capital_call", purpose) for k in cols}
        contributions = {k: contributions[k] + values[k] for k in cols}
        add("Roll-forward", label, values)
    add("Roll-forward", "Total contributions", contributions)
    distributions = {k: 0.0 for k in cols}
    for purpose, label in DISTRIBUTION_PURPOSES.items():
        values = {k: -flow_sum(k, "distribution", purpose) for k in cols}
        distributions = {k: distributions[k] + values[k] for k in cols}
        add("Roll-forward", label, values)
    add("Roll-forward", "Total distributions", distributions)
    ending = float(end["net_asset_value"])
    change = {k: ending - begin[k] - contributions[k] - distributions[k] for k in cols}
    add("Roll-forward", "Net change in value", change, "balancing figure")
    add("Roll-forward", "Ending NAV", dict.fromkeys(cols, ending))
    for line in NOT_REPORTED:
        add("Not reported", line, dict.fromkeys(cols), NOT_REPORTED_NOTE)

    contributed, distributed = float(end["contributed"]), float(end["distributed"])
    irr = inputs.irr.assign(quarter_end=inputs.irr["quarter_end"].map(_day))
    irr = irr[irr["quarter_end"] == quarter_end]["net_irr"]
    net_irr = None if irr.empty or pd.isna(irr.iloc[0]) else float(irr.iloc[0])

    def ratio(value: float) -> float | None:
        return value / contributed if contributed > 0 else None

    as_at = {
        "Commitment": float(end["commitment_amount"]),
        "Unfunded commitment": float(end["unfunded_commitment"]),
        "Ownership share": float(end["ownership_share"]),
        "DPI": ratio(distributed),
        "RVPI": ratio(ending),
        "TVPI": ratio(distributed + ending),
        "Net IRR": net_irr,
    }
    for line, value in as_at.items():
        add("As at quarter end", line, {"qtd": None, "ytd": None, "itd": value})

    table = pd.DataFrame(rows, columns=["section", "line", "qtd", "ytd", "itd", "note"])
    table[list(cols)] = table[list(cols)].astype("float64")
    lp_name = "All LPs" if lp_id is None else str(accounts["lp_name"].iloc[0])
    return Statement(
        fund_id=fund_id,
        lp_id=lp_id,
        lp_name=lp_name,
        quarter_end=quarter_end,
        currency=str(accounts["currency"].iloc[0]),
        table=table,
        periods=periods,
    )
