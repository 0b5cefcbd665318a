"""What a quarterly report shows, read from one published version of the warehouse.

`Published` opens one version read-only (`warehouse.duckdb`: the LP's statement needs the
private schema) and answers the questions the report asks; `read_fund_quarter` gathers
everything fund-level (the same for every LP of the fund, so the quarterly batch reads it
once per fund), with its charts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from fundlens import formatting as fmt
from fundlens.errors import FundLensError
from fundlens.home import resolve_home, warehouse_path
from fundlens.report import charts

# --- reading one published version ---------------------------------------------


class Published:
    """One published version of the warehouse, opened read-only for as long as needed."""

    def __init__(
        self, home: str | os.PathLike | None = None, database: str | os.PathLike | None = None
    ):
        """`database`: one version's warehouse file (as the app pinned it); default: the
        version published in `home` now."""
        self.home = resolve_home(home)
        try:
            # One read of the links: the file and its version (versions/<id>/) agree.
            path = Path(database or warehouse_path(self.home)).resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            raise FundLensError(
                f"Nothing is published in {self.home}; run `fundlens refresh` first."
            ) from None
        self.version = path.parent.name
        self.con = duckdb.connect(str(path), read_only=True)
        self.con.execute("set python_enable_replacements = false")

    def close(self) -> None:
        self.con.close()

    def df(self, sql: str, *params: object) -> pd.DataFrame:
        try:
            return self.con.execute(sql, list(params)).df()
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            raise FundLensError(
                f"The published version {self.version} lacks what the report reads "
                f"({str(exc).splitlines()[0]}); run `fundlens refresh` with this FundLens "
                "version first."
            ) from None

    def built_at(self) -> str | None:
        try:
            df = self.df("select built_at from meta.build_info limit 1")
        except FundLensError:
            return None
        return None if df.empty else str(df.iloc[0, 0])

    def funds(self) -> pd.DataFrame:
        return self.df(
            """
            select fund_id, fund_name, vintage_year, currency, committed_capital,
                   benchmark_index_code, inception_date
            from marts.dim_funds
            order by fund_id
            """
        )

    def fund(self, fund_id: str) -> dict:
        funds = self.funds()
        hit = funds[funds["fund_id"] == fund_id]
        if hit.empty:
            known = ", ".join(funds["fund_id"]) or "none"
            raise FundLensError(
                f"No fund {fund_id!r} in the published warehouse (version {self.version}); "
                f"funds: {known}."
            )
        return hit.iloc[0].to_dict()

    def quarters(self, fund_id: str) -> list[dt.date]:
        """The fund's reported quarter ends (fund_performance), newest first."""
        df = self.df(
            "select quarter_end from marts.fund_performance where fund_id = ? "
            "order by quarter_end desc",
            fund_id,
        )
        return [_day(q) for q in df["quarter_end"]]

    def quarter(self, fund_id: str, quarter_end: dt.date | None) -> dt.date:
        """`quarter_end` if the fund reports it, the latest quarter if None; else an error."""
        quarters = self.quarters(fund_id)
        if not quarters:
            raise FundLensError(f"Fund {fund_id} has no reported quarter yet.")
        if quarter_end is None:
            return quarters[0]
        if quarter_end not in quarters:
            if pd.Timestamp(quarter_end) != pd.Timestamp(quarter_end) + pd.offsets.QuarterEnd(0):
                why = "is not a calendar quarter end (31 Mar, 30 Jun, 30 Sep or 31 Dec)"
            else:
                why = "is not a reported quarter of this fund"
            shown = ", ".join(f"{q:%Y-%m-%d}" for q in quarters[:8])
            more = f" (and {len(quarters) - 8} earlier)" if len(quarters) > 8 else ""
            raise FundLensError(
                f"Quarter {quarter_end:%Y-%m-%d} {why}; fund {fund_id} reports {shown}{more}."
            )
        return quarter_end

    def lps(self, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
        """The LPs with a capital account in the fund at the quarter end (lp_id, lp_name)."""
        return self.df(
            """
            select lp_id, lp_name
            from private.lp_capital_accounts
            where fund_id = ? and quarter_end = ?
            order by lp_id
            """,
            fund_id,
            quarter_end,
        )

    def lp_names(self) -> dict[str, str]:
        df = self.df("select distinct lp_id, lp_name from private.lp_capital_accounts")
        return dict(zip(df["lp_id"], df["lp_name"], strict=True))

    def run_record(self) -> dict:
        """The run record of this version (for its warnings); {} if unreadable."""
        path = self.home / "runs" / f"{self.version}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}


@contextmanager
def published(
    home: str | os.PathLike | None = None, database: str | os.PathLike | None = None
) -> Iterator[Published]:
    pub = Published(home, database)
    try:
        yield pub
    finally:
        pub.close()


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


# --- what the report shows of the fund (the same for every LP) ---------------------

EXPOSURES = (
    # (title, mart, label column)
    ("Segment", "exposure_by_segment", "segment_name"),
    ("Industry (look-through)", "exposure_by_industry", "industry_name"),
    ("Region", "exposure_by_geography", "region"),
    ("Stage", "exposure_by_stage", "stage"),
)
VALUATION_METHODS = {
    "last_round": "Last round",
    "comparables": "Comparables",
    "dcf": "DCF",
    "exit_price": "Exit price",
    "write_down": "Write-down",
    "write_off": "Write-off",
}


@dataclass
class FundQuarter:
    """Everything fund-level in a report: read once, shared by every LP's report."""

    version: str
    built_at: str | None
    fund: dict
    quarter_end: dt.date
    previous_quarter: dt.date | None
    history: pd.DataFrame  # fund_performance, oldest first, up to the quarter end
    exposures: dict[str, pd.DataFrame]  # title -> label, company_count, fair_value, nav_share
    positions: pd.DataFrame  # every position at the quarter end, with company names
    events: pd.DataFrame  # the quarter's investments, follow-ons, exits and write-offs
    warnings: list[str]  # of the published version, about this fund
    lp_names: dict[str, str] = field(default_factory=dict)  # every LP: no warning names one
    charts: dict[str, bytes] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return str(self.fund["currency"])

    def age_years(self, quarter_end: object) -> float | None:
        """The fund's age at a quarter end (an IRR is n/m under a year, as in the app)."""
        inception = self.fund.get("inception_date")
        if fmt.is_missing(inception):
            return None
        return (pd.Timestamp(quarter_end) - pd.Timestamp(inception)).days / 365.25

    @property
    def row(self) -> pd.Series:
        """The fund_performance row of the quarter."""
        return self.history.iloc[-1]


def read_fund_quarter(pub: Published, fund_id: str, quarter_end: dt.date) -> FundQuarter:
    fund = pub.fund(fund_id)
    history = pub.df(
        """
        select quarter_end, committed_capital, paid_in_capital, distributed_capital,
               net_asset_value, nav_source, unfunded_commitment, dpi, rvpi, tvpi,
               net_irr, ks_pme, direct_alpha, gross_cost, gross_total_value,
               gross_moic, gross_irr
        from marts.fund_performance
        where fund_id = ? and quarter_end <= ?
        order by quarter_end
        """,
        fund_id,
        quarter_end,
    )
    earlier = [_day(q) for q in history["quarter_end"] if _day(q) < quarter_end]
    previous = earlier[-1] if earlier else None
    exposures = {}
    for title, mart, label in EXPOSURES:
        df = pub.df(
            f"""
            select {label} as label, company_count, fair_value, nav_share
            from marts.{mart}
            where fund_id = ? and quarter_end = ?
            order by fair_value desc, label
            """,
            fund_id,
            quarter_end,
        )
        if mart == "exposure_by_stage":
            df = df.sort_values("label", key=lambda s: s.map(fmt.stage_sort_key))
        if mart in ("exposure_by_geography", "exposure_by_stage"):
            df["label"] = df["label"].map(fmt.humanize)
        exposures[title] = df.reset_index(drop=True)
    positions = pub.df(
        """
        select p.quarter_end, p.company_id, c.company_name, c.segment_name, c.region,
               p.stage, p.cost, p.proceeds, p.fair_value, p.total_value, p.gross_moic,
               p.is_active, p.is_mark_stale, p.mark_date, p.valuation_method,
               p.first_investment_date, p.last_full_exit_date
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end in (?, ?)
        order by p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
        previous or quarter_end,
    )
    positions["quarter_end"] = positions["quarter_end"].map(_day)
    now = positions[positions["quarter_end"] == quarter_end].reset_index(drop=True)
    before = positions[positions["quarter_end"] == previous].reset_index(drop=True)
    fq = FundQuarter(
        version=pub.version,
        built_at=pub.built_at(),
        fund=fund,
        quarter_end=quarter_end,
        previous_quarter=previous,
        history=history,
        exposures=exposures,
        positions=now,
        events=quarter_events(now, before, previous, quarter_end),
        warnings=[],
        lp_names=pub.lp_names(),
    )
    fq.warnings = version_warnings(pub.run_record(), fq)
    fq.charts = {
        "multiples": charts.multiples_over_time(history),
        "j_curve": charts.j_curve(history, fq.currency),
        "exposure": charts.exposure_panels(list(exposures.items()), keep_order=("Stage",)),
    }
    return fq


def quarter_events(
    now: pd.DataFrame, before: pd.DataFrame, previous: dt.date | None, quarter_end: dt.date
) -> pd.DataFrame:
    """The quarter's new investments, follow-ons, exits, partial realizations and
    write-offs, from the positions at the previous and at this quarter end.

    Amounts are in fund currency: the cost added (investments), the proceeds received
    (realizations), the fair value before the write-off.
    """
    prior = before.set_index("company_id")
    start = pd.Timestamp(previous) if previous else pd.Timestamp.min
    end = pd.Timestamp(quarter_end)

    def within(day: object) -> bool:
        return not fmt.is_missing(day) and start < pd.Timestamp(day) <= end

    rows = []
    for _, p in now.iterrows():
        had = prior.loc[p["company_id"]] if p["company_id"] in prior.index else None
        cost_before = 0.0 if had is None else float(had["cost"])
        proceeds_before = 0.0 if had is None else float(had["proceeds"])
        value_before = 0.0 if had is None else float(had["fair_value"])
        base = {"company_name": p["company_name"], "segment_name": p["segment_name"]}
        invested = float(p["cost"]) - cost_before
        if invested > 0.005:
            kind = "New investment" if within(p["first_investment_date"]) else "Follow-on"
            rows.append({**base, "event": kind, "amount": invested, "detail": p["stage"]})
        received = float(p["proceeds"]) - proceeds_before
        if received > 0.005:
            full = within(p["last_full_exit_date"])
            rows.append(
                {
                    **base,
                    "event": "Exit" if full else "Partial realization",
                    "amount": received,
                    "detail": f"gross MOIC {fmt.multiple(p['gross_moic'])}",
                }
            )
        if p["valuation_method"] == "write_off" and within(p["mark_date"]) and value_before > 0:
            rows.append(
                {**base, "event": "Write-off", "amount": value_before, "detail": "fair value 0"}
            )
    order = {"New investment": 1, "Follow-on": 2, "Exit": 3, "Partial realization": 4}
    events = pd.DataFrame(
        rows, columns=["event", "company_name", "segment_name", "amount", "detail"]
    )
    return events.sort_values(
        ["event", "amount"], key=lambda s: s.map(order).fillna(5) if s.name == "event" else -s
    ).reset_index(drop=True)


def version_warnings(record: dict, fq: FundQuarter) -> list[str]:
    """What a careful reader should know about this fund's figures in this version: the
    NAV source, stale marks, and the warnings the refresh recorded for this fund."""
    out = []
    row = fq.row
    if row["nav_source"] == "rolled_forward":
        out.append(
            f"No NAV was reported for {fq.quarter_end:%d %b %Y}: the NAV is the latest "
            "reported NAV rolled forward by the capital calls and distributions since."
        )
    elif row["nav_source"] == "portfolio_fair_value":
        out.append(
            "No NAV was ever reported for this fund: the NAV is the sum of the holdings' "
            "fair values."
        )
    stale = fq.positions[fq.positions["is_active"] & fq.positions["is_mark_stale"]]
    if len(stale):
        out.append(
            f"{len(stale)} holding(s) carry a mark older than the quarter end "
            "(listed under Stale marks)."
        )
    for w in record.get("data_warnings") or []:
        if not isinstance(w, dict):
            continue
        examples = [e for e in w.get("examples") or [] if isinstance(e, dict)]
        funds = {str(e["fund_id"]) for e in examples if "fund_id" in e}
        if funds and fq.fund["fund_id"] not in funds:
            continue  # about other funds only
        out.append(f"{w.get('message', w.get('check', 'warning'))} ({w.get('count', '?')} row(s))")
    out += [str(w) for w in record.get("warnings") or []]
    return out
