"""Every query the app runs against the published warehouse lives here, and every one
takes the signed-in user first and returns only what that user may see.

Who sees what (authorization lives here, not in the pages, so a page cannot forget it):
- operators: every fund, every LP's capital account, data status and the audit log;
- analysts: every fund's public marts; no LP data, no data status, no audit log;
- LPs: the public marts of the funds they committed to, and their own capital account.
  A call for another fund or another LP raises `NotAuthorized`.

Public-mart queries read `public.duckdb` of the published version (it holds no private
data); only the capital-account queries read the private schema of `warehouse.duckdb`,
always filtered to one LP. Each query opens its file read-only, reads, and closes the
connection: a refresh publishes a new version, and a connection kept across reruns would
pin the old one. Results are cached with `st.cache_data`, keyed by the published version
and the file path, so a refresh shows up on the next rerun and a page never mixes two
versions.

User values only ever reach SQL as bound parameters.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from fundlens import audit, statement
from fundlens import home as fl_home
from fundlens.home import PUBLIC, WAREHOUSE
from fundlens.sandbox import Limits, QueryResult, Sandbox
from fundlens.users import NotAuthorized, User

__all__ = ["MartMissing", "NotAuthorized", "User", "Warehouse", "current_warehouse"]


@dataclass(frozen=True)
class Warehouse:
    """One published version of the warehouse, as the app reads it."""

    home: Path
    version: str  # the published version id
    path: str  # that version's warehouse.duckdb (every schema), symlinks resolved
    public_path: str  # that version's public.duckdb (public marts only)


class MartMissing(Exception):
    """The published warehouse has no such table (an older build)."""


def current_warehouse(home: Path | None = None) -> Warehouse | None:
    """The published warehouse of `home` ($FUNDLENS_HOME by default), or None if none is."""
    home = fl_home.resolve_home(home)
    try:
        # One read of the links: both files and the version (versions/<id>/) always agree,
        # even if a refresh publishes a new version a moment later.
        path = fl_home.warehouse_path(home).resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return None
    return Warehouse(
        home=home,
        version=path.parent.name,
        path=str(path.parent / WAREHOUSE),
        public_path=str(path.parent / PUBLIC),
    )


@st.cache_data(max_entries=512, show_spinner=False)
def _fetch(version: str, path: str, sql: str, params: tuple) -> pd.DataFrame:
    """Run one read-only query on the database at `path` (`version` keys the cache)."""
    # No replacement scans: a missing table must be an error, never a Python
    # variable of the same name (this module has a function per mart).
    # (Set per connection: other connections to the same file may use other settings.)
    con = duckdb.connect(path, read_only=True)
    try:
        con.execute("set python_enable_replacements = false")
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def _query(wh: Warehouse, sql: str, *params: object) -> pd.DataFrame:
    """A query on the public marts (`public.duckdb`)."""
    try:
        return _fetch(wh.version, wh.public_path, sql, tuple(params))
    except duckdb.CatalogException as exc:
        raise MartMissing(str(exc)) from exc


def _private_query(wh: Warehouse, sql: str, *params: object) -> pd.DataFrame:
    """A query on the private schema (`warehouse.duckdb`): capital accounts only."""
    try:
        return _fetch(wh.version, wh.path, sql, tuple(params))
    except duckdb.CatalogException as exc:
        raise MartMissing(str(exc)) from exc


# --- authorization -------------------------------------------------------------


def _require(user: User, *roles: str) -> None:
    if not isinstance(user, User):
        raise NotAuthorized("not signed in")
    if user.role not in roles:
        raise NotAuthorized(f"role {user.role} may not see this")


def _lp_fund_ids(wh: Warehouse, lp_id: str) -> list[str]:
    """The funds `lp_id` committed to (from its capital accounts)."""
    df = _private_query(
        wh,
        "select distinct fund_id from private.lp_capital_accounts where lp_id = ? order by 1",
        lp_id,
    )
    return df["fund_id"].tolist()


def _check_fund(user: User, wh: Warehouse, fund_id: str) -> None:
    """NotAuthorized unless `user` may see `fund_id`."""
    _require(user, "operator", "analyst", "lp")
    if user.is_lp and fund_id not in _lp_fund_ids(wh, user.lp_id):
        raise NotAuthorized(f"fund {fund_id!r} is not one of your funds")


def _check_lp(user: User, lp_id: str | None) -> str:
    """The LP whose private data `user` asks for (an LP: always itself)."""
    _require(user, "operator", "lp")
    if user.is_lp:
        if lp_id not in (None, user.lp_id):
            raise NotAuthorized("an LP sees its own capital account only")
        return user.lp_id
    if not lp_id:
        raise NotAuthorized("choose an LP")
    return lp_id


# --- filters -----------------------------------------------------------------


def funds(user: User, wh: Warehouse) -> pd.DataFrame:
    """The funds `user` may see (an LP: the funds it committed to)."""
    _require(user, "operator", "analyst", "lp")
    df = _query(
        wh,
        """
        select fund_id, fund_name, vintage_year, currency, committed_capital,
               benchmark_index_code, inception_date
        from marts.dim_funds
        order by vintage_year, fund_id
        """,
    )
    if user.is_lp:
        df = df[df["fund_id"].isin(_lp_fund_ids(wh, user.lp_id))].reset_index(drop=True)
    return df


def quarters(user: User, wh: Warehouse, fund_id: str) -> list[dt.date]:
    """The fund's reported quarter ends, newest first."""
    _check_fund(user, wh, fund_id)
    df = _query(
        wh,
        """
        select quarter_end from marts.fct_positions_quarterly where fund_id = ?
        union
        select quarter_end from marts.portfolio_concentration where fund_id = ?
        order by quarter_end desc
        """,
        fund_id,
        fund_id,
    )
    return [pd.Timestamp(q).date() for q in df["quarter_end"]]


# --- exposure ----------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """One exposure mart: its key column, the column naming a category, and extras."""

    mart: str
    key: str
    label: str
    extra: tuple[str, ...] = ()


BREAKDOWNS = {
    "segment": Breakdown(
        "exposure_by_segment",
        "segment_code",
        "segment_name",
        ("segment_group", "cost", "cost_share", "gross_moic"),
    ),
    "industry": Breakdown("exposure_by_industry", "industry_code", "industry_name"),
    "region": Breakdown("exposure_by_geography", "region", "region"),
    "stage": Breakdown("exposure_by_stage", "stage", "stage", ("cost",)),
}
_STAGE_ORDER = "case stage when 'seed' then 1 when 'early' then 2 when 'growth' then 3 else 4 end"


def exposure(
    user: User, wh: Warehouse, fund_id: str, by: str, quarter_end: dt.date | None = None
) -> pd.DataFrame:
    """The fund's exposure `by` segment, industry, region or stage: at `quarter_end`, or at
    every quarter end (oldest first) when it is None. Stages come seed -> early -> growth,
    other breakdowns largest first."""
    _check_fund(user, wh, fund_id)
    b = BREAKDOWNS[by]  # a KeyError for anything else: `by` never comes from a user
    columns = dict.fromkeys(
        ["quarter_end", b.key, b.label, "company_count", "fair_value", "nav_share", *b.extra]
    )
    order = _STAGE_ORDER if by == "stage" else "fair_value desc"
    where = "fund_id = ?" + ("" if quarter_end is None else " and quarter_end = ?")
    params = (fund_id,) if quarter_end is None else (fund_id, quarter_end)
    return _query(
        wh,
        f"""
        select {", ".join(columns)}, currency
        from marts.{b.mart}
        where {where}
        order by quarter_end, {order}, {b.key}
        """,
        *params,
    )


def holdings_tree(user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    """Active holdings at the quarter end with their segment and segment group."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select c.segment_group, c.segment_name, c.company_name, p.fair_value,
               p.fair_value / sum(p.fair_value) over () as nav_share
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end = ? and p.is_active and p.fair_value > 0
        order by c.segment_group, c.segment_name, p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
    )


def concentration(user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date) -> dict | None:
    """The fund's concentration metrics at the quarter end, or None if not reported."""
    _check_fund(user, wh, fund_id)
    df = _query(
        wh,
        """
        select active_company_count, top_1_share, top_5_share, top_10_share, hhi,
               effective_holdings
        from marts.portfolio_concentration
        where fund_id = ? and quarter_end = ?
        """,
        fund_id,
        quarter_end,
    )
    return None if df.empty else df.iloc[0].to_dict()


# --- concentration over time and marks ---


def concentration_history(user: User, wh: Warehouse, fund_id: str) -> pd.DataFrame:
    """The fund's concentration at every quarter end, oldest first."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select quarter_end, active_company_count, top_1_share, top_5_share, top_10_share,
               hhi, effective_holdings
        from marts.portfolio_concentration
        where fund_id = ?
        order by quarter_end
        """,
        fund_id,
    )


def stale_marks(user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    """Active holdings whose latest mark is older than the quarter end."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select c.company_name, p.mark_date, p.fair_value, p.currency
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end = ? and p.is_active and p.is_mark_stale
        order by p.mark_date nulls first, p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
    )


# --- performance ---


def fund_performance(
    user: User, wh: Warehouse, fund_id: str, upto: dt.date | None = None
) -> pd.DataFrame:
    """The fund's performance at every quarter end (up to `upto` if given), oldest first;
    MartMissing if the mart is not built."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select quarter_end, committed_capital, paid_in_capital, distributed_capital,
               net_asset_value, nav_source, unfunded_commitment, dpi, rvpi, tvpi,
               net_irr, ks_pme, direct_alpha, gross_cost, gross_total_value,
               gross_moic, gross_irr, currency
        from marts.fund_performance
        where fund_id = ? and quarter_end <= ?
        order by quarter_end
        """,
        fund_id,
        upto or dt.date.max,
    )


# --- companies -----------------------------------------------------------------


def companies(user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    """Every company the fund has held by the quarter end, with its position then and its
    main industry (largest revenue share)."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        with main_industry as (
            select company_id, arg_max(industry_name, revenue_share) as main_industry
            from marts.company_industry_weights
            group by company_id
        )
        select p.company_id, c.company_name, c.segment_name, c.segment_group,
               i.main_industry, c.hq_country, c.region, p.stage,
               case when p.is_active then 'held' else 'exited' end as status,
               p.is_mark_stale, p.cost, p.proceeds, p.fair_value, p.gross_moic, p.currency
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        left join main_industry as i on p.company_id = i.company_id
        where p.fund_id = ? and p.quarter_end = ?
        order by p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
    )


def company_marks(user: User, wh: Warehouse, fund_id: str, company_id: str) -> pd.DataFrame:
    """The fund's position in one company at every quarter end, oldest first."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select quarter_end, cost, proceeds, fair_value, total_value, gross_moic, is_active,
               is_mark_stale, mark_date, valuation_method, stage, currency
        from marts.fct_positions_quarterly
        where fund_id = ? and company_id = ?
        order by quarter_end
        """,
        fund_id,
        company_id,
    )


def company_rounds(user: User, wh: Warehouse, fund_id: str, company_id: str) -> pd.DataFrame:
    """The fund's investment rounds in one company, oldest first."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select investment_date, round_label, stage, instrument, local_amount, local_currency,
               fund_amount, currency, post_money_valuation, ownership_pct
        from marts.fct_investments
        where fund_id = ? and company_id = ?
        order by investment_date, investment_id
        """,
        fund_id,
        company_id,
    )


def company_kpis_of(user: User, wh: Warehouse, fund_id: str, company_id: str) -> dict | None:
    """One company's latest KPIs with their fund-currency equivalents; None if it reports
    none (or the fund never invested in it)."""
    _check_fund(user, wh, fund_id)
    df = _query(
        wh,
        """
        select k.period_end, k.revenue_ttm, k.arr, k.revenue_growth_yoy, k.gross_margin_pct,
               k.headcount, k.cash_balance, k.net_burn, k.runway_months, k.currency,
               f.fund_currency, f.fx_rate_to_fund, f.revenue_ttm_fund_currency,
               f.arr_fund_currency, f.cash_balance_fund_currency, f.net_burn_fund_currency
        from marts.fund_company_kpis as f
        inner join marts.company_kpis_latest as k on f.company_id = k.company_id
        where f.fund_id = ? and f.company_id = ?
        """,
        fund_id,
        company_id,
    )
    return None if df.empty else df.iloc[0].to_dict()


def company_industries(user: User, wh: Warehouse, fund_id: str, company_id: str) -> pd.DataFrame:
    """One company's look-through weights by end market, largest first (empty unless the
    fund has invested in it)."""
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        select industry_name, revenue_share, is_default_allocation
        from marts.company_industry_weights
        where company_id = ?
          and company_id in (select company_id from marts.fct_investments where fund_id = ?)
        order by revenue_share desc, industry_code
        """,
        company_id,
        fund_id,
    )


# --- market coverage ---------------------------------------------------------


def market_coverage(user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    _check_fund(user, wh, fund_id)
    return _query(
        wh,
        """
        with segment_names as (
            select distinct segment_code, segment_name from marts.dim_companies
        )
        select m.segment_code,
               coalesce(s.segment_name, m.segment_code) as segment_name,
               m.fund_nav_share, m.market_share, m.active_weight,
               m.market_size_usd_bn, m.market_year
        from marts.market_coverage as m
        left join segment_names as s on m.segment_code = s.segment_code
        where m.fund_id = ? and m.quarter_end = ?
        order by m.market_share desc, m.segment_code
        """,
        fund_id,
        quarter_end,
    )


def market_growth(user: User, wh: Warehouse) -> pd.DataFrame:
    """Each segment's market size and growth per year, oldest first (public market data)."""
    _require(user, "operator", "analyst", "lp")
    return _query(
        wh,
        """
        select segment_code, segment_name, segment_group, market_year, market_size_usd_bn,
               is_estimate, market_share, growth_yoy
        from marts.market_size_by_segment
        order by market_year, segment_code
        """,
    )


# --- LP data (private schema, always filtered to one LP) -------------------------


def _check_lp_fund(user: User, wh: Warehouse, fund_id: str, lp_id: str | None) -> str:
    """The LP whose account in `fund_id` `user` asks for; NotAuthorized unless it may."""
    lp_id = _check_lp(user, lp_id)
    if fund_id not in _lp_fund_ids(wh, lp_id):
        raise NotAuthorized(f"fund {fund_id!r} is not one of this LP's funds")
    return lp_id


def lp_choices(user: User, wh: Warehouse) -> pd.DataFrame:
    """The LPs whose capital account `user` may open: an LP itself; an operator every LP."""
    lp_id = user.lp_id if isinstance(user, User) and user.is_lp else None
    _require(user, "operator", "lp")
    sql = """
        select distinct lp_id, lp_name
        from private.lp_capital_accounts
        where cast(? as varchar) is null or lp_id = cast(? as varchar)
        order by lp_id
    """
    return _private_query(wh, sql, lp_id, lp_id)


def lp_funds(user: User, wh: Warehouse, lp_id: str | None = None) -> pd.DataFrame:
    """The funds one LP committed to, with the fund's name and currency."""
    lp_id = _check_lp(user, lp_id)
    funds_df = _query(
        wh,
        "select fund_id, fund_name, currency from marts.dim_funds order by vintage_year, fund_id",
    )
    return funds_df[funds_df["fund_id"].isin(_lp_fund_ids(wh, lp_id))].reset_index(drop=True)


# --- operations (operators only) -------------------------------------------------


def refresh_runs(user: User, home: Path, notes: list[str] | None = None) -> list[dict]:
    """The last refresh run records (server paths, failed runs' values): operators only.
    Records that cannot be read are skipped, with a sentence appended to `notes`."""
    _require(user, "operator")
    return fl_home.read_runs(home, notes=notes)


def audit_log(user: User, home: Path, limit: int = 500) -> pd.DataFrame:
    """The newest sign-in and download events: operators only."""
    _require(user, "operator")
    return audit.read(home, limit=limit)


def lps_of_fund(user: User, wh: Warehouse, fund_id: str) -> list[str]:
    """The LPs of a fund: operators only (an LP never learns who else is in its funds)."""
    _require(user, "operator")
    df = _private_query(
        wh,
        "select distinct lp_id from private.lp_capital_accounts where fund_id = ? order by 1",
        fund_id,
    )
    return df["lp_id"].tolist()


def capital_account_statement(
    user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date, lp_id: str | None = None
) -> statement.Statement:
    """One LP's capital account statement (QTD, YTD, ITD) in one fund at a quarter end."""
    lp_id = _check_lp_fund(user, wh, fund_id, lp_id)
    inputs = statement.read_inputs(functools.partial(_private_query, wh), fund_id, lp_id)
    return statement.build_statement(inputs, fund_id, quarter_end, lp_id)


def lp_cash_flows(
    user: User, wh: Warehouse, fund_id: str, lp_id: str | None = None
) -> pd.DataFrame:
    """One LP's share of the fund's calls and distributions, by quarter and purpose."""
    lp_id = _check_lp_fund(user, wh, fund_id, lp_id)
    return _private_query(wh, statement.FLOWS_SQL, fund_id, lp_id, lp_id)


# --- the quarterly report (PDF) --------------------------------------------------


def quarterly_report(
    user: User, wh: Warehouse, fund_id: str, quarter_end: dt.date, lp_id: str | None = None
) -> bytes:
    """The quarterly report PDF of one fund and quarter. An LP gets its own report only
    (`lp_id` must be None or its own); an operator any LP's, or the fund's total with
    `lp_id` None; analysts none (it holds LP data). Built from `wh`'s version."""
    from fundlens import report  # reportlab and matplotlib load on the first download

    _require(user, "operator", "lp")
    if user.is_lp or lp_id is not None:
        lp_id = _check_lp_fund(user, wh, fund_id, lp_id)
    return report.build_report(wh.home, fund_id, quarter_end, lp_id, database=wh.path)


# --- analysts' SQL ---------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def sql_sandbox() -> Sandbox:
    """The app's one sandbox, with a spare worker started and waiting."""
    box = Sandbox("spawn")
    box.warm_up()
    return box


def run_sql(
    user: User,
    wh: Warehouse,
    sql: str,
    limits: Limits = Limits(),  # noqa: B008
) -> QueryResult:
    """Run an analyst's query on the public marts of `wh`'s home, in the sandbox.

    Not cached: a run is an explicit request. The sandbox refuses users whose role may
    not run SQL, whatever the page shows.
    """
    _require(user, "operator", "analyst")
    return sql_sandbox().run(sql, user=user, home=wh.home, limits=limits)


def public_schema(user: User, wh: Warehouse) -> pd.DataFrame:
    """Every table and column of public.duckdb (the version `wh` reads), with the
    descriptions the refresh copied from the dbt docs."""
    _require(user, "operator", "analyst")
    return _fetch(
        wh.version,
        wh.public_path,
        """
        select t.schema_name, t.table_name, t.comment as table_description,
               c.column_name, c.data_type, c.comment as column_description
        from duckdb_tables() as t
        inner join duckdb_columns() as c
            on t.database_name = c.database_name and t.schema_name = c.schema_name
            and t.table_name = c.table_name
        where t.database_name = current_database()
        order by t.schema_name <> 'marts', t.schema_name, t.table_name, c.column_index
        """,
        (),
    )
