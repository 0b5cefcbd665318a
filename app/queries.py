"""Every query the app runs against the published warehouse lives here.

Each query opens `<home>/warehouse.duckdb` read-only, reads, and closes the
connection: a refresh publishes a new file, and a connection kept across reruns
would pin the old one (in one process DuckDB hands back the database that is
still open under a path). Results are cached with `st.cache_data`, keyed by the
published version id and the resolved file path, so a refresh shows up on the
next rerun and a page never mixes two versions.

User values only ever reach SQL as bound parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from fundlens import home as fl_home
from fundlens.sandbox import HasRole, Limits, QueryResult, Sandbox


@dataclass(frozen=True)
class Warehouse:
    """One published version of the warehouse, as the app reads it."""

    home: Path
    version: str  # the published version id
    path: str  # the database file of that version, symlinks resolved


class MartMissing(Exception):
    """The published warehouse has no such table (an older build)."""


def current_warehouse(home: Path | None = None) -> Warehouse | None:
    """The published warehouse of `home` ($FUNDLENS_HOME by default), or None if none is."""
    home = fl_home.resolve_home(home)
    try:
        # One read of the links: the file and its version (versions/<id>/) always agree,
        # even if a refresh publishes a new version a moment later.
        path = fl_home.warehouse_path(home).resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return None
    return Warehouse(home=home, version=path.parent.name, path=str(path))


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
    try:
        return _fetch(wh.version, wh.path, sql, tuple(params))
    except duckdb.CatalogException as exc:
        raise MartMissing(str(exc)) from exc


# --- filters -----------------------------------------------------------------


def funds(wh: Warehouse) -> pd.DataFrame:
    return _query(
        wh,
        """
        select fund_id, fund_name, vintage_year, currency, committed_capital,
               benchmark_index_code
        from marts.dim_funds
        order by vintage_year, fund_id
        """,
    )


def quarters(wh: Warehouse, fund_id: str) -> list[dt.date]:
    """The fund's reported quarter ends, newest first."""
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


def exposure_by_segment(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    return _query(
        wh,
        """
        select segment_code, segment_name, segment_group, company_count, cost,
               fair_value, nav_share, cost_share, gross_moic, currency
        from marts.exposure_by_segment
        where fund_id = ? and quarter_end = ?
        order by fair_value desc, segment_code
        """,
        fund_id,
        quarter_end,
    )


def exposure_by_industry(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    return _query(
        wh,
        """
        select industry_code, industry_name, company_count, fair_value, nav_share, currency
        from marts.exposure_by_industry
        where fund_id = ? and quarter_end = ?
        order by fair_value desc, industry_code
        """,
        fund_id,
        quarter_end,
    )


def exposure_by_geography(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    return _query(
        wh,
        """
        select region, company_count, fair_value, nav_share, currency
        from marts.exposure_by_geography
        where fund_id = ? and quarter_end = ?
        order by fair_value desc, region
        """,
        fund_id,
        quarter_end,
    )


def exposure_by_stage(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    return _query(
        wh,
        """
        select stage, company_count, cost, fair_value, nav_share, currency
        from marts.exposure_by_stage
        where fund_id = ? and quarter_end = ?
        order by case stage when 'seed' then 1 when 'early' then 2 when 'growth' then 3
                 else 4 end, stage
        """,
        fund_id,
        quarter_end,
    )


def concentration(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> dict | None:
    """The fund's concentration metrics at the quarter end, or None if not reported."""
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


# --- performance -------------------------------------------------------------


def fund_performance(wh: Warehouse, fund_id: str) -> pd.DataFrame:
    """Every quarter of the fund's performance, oldest first (MartMissing if not built)."""
    return _query(
        wh,
        """
        select quarter_end, committed_capital, paid_in_capital, distributed_capital,
               net_asset_value, nav_source, unfunded_commitment, dpi, rvpi, tvpi,
               net_irr, ks_pme, direct_alpha, gross_cost, gross_total_value,
               gross_moic, gross_irr, currency
        from marts.fund_performance
        where fund_id = ?
        order by quarter_end
        """,
        fund_id,
    )


# --- portfolio ---------------------------------------------------------------


def positions(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    return _query(
        wh,
        """
        select c.company_name, c.segment_name, c.hq_country, c.region, p.stage,
               p.cost, p.proceeds, p.fair_value, p.total_value, p.gross_moic,
               p.is_active, p.is_mark_stale, p.currency
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end = ?
        order by p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
    )


def company_kpis(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
    """Latest KPIs of the companies the fund holds at the quarter end."""
    return _query(
        wh,
        """
        select c.company_name, k.* exclude (company_id)
        from marts.company_kpis_latest as k
        inner join marts.dim_companies as c on k.company_id = c.company_id
        where k.company_id in (
            select company_id
            from marts.fct_positions_quarterly
            where fund_id = ? and quarter_end = ? and is_active
        )
        order by c.company_name
        """,
        fund_id,
        quarter_end,
    )


# --- market coverage ---------------------------------------------------------


def market_coverage(wh: Warehouse, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
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


# --- analysts' SQL ---------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def sql_sandbox() -> Sandbox:
    """The app's one sandbox, with a spare worker started and waiting."""
    box = Sandbox("spawn")
    box.warm_up()
    return box


def run_sql(wh: Warehouse, user: HasRole, sql: str, limits: Limits = Limits()) -> QueryResult:  # noqa: B008
    """Run an analyst's query on the public marts of `wh`'s home, in the sandbox.

    Not cached: a run is an explicit request. The sandbox refuses users whose role may
    not run SQL, whatever the page shows.
    """
    return sql_sandbox().run(sql, user=user, home=wh.home, limits=limits)


def public_schema(wh: Warehouse) -> pd.DataFrame:
    """Every table and column of public.duckdb (the version `wh` reads), with the
    descriptions the refresh copied from the dbt docs."""
    public = str(Path(wh.path).with_name(fl_home.PUBLIC))
    return _fetch(
        wh.version,
        public,
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
