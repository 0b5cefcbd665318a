"""SQL: analysts' and operators' own read-only queries on the public marts, in the sandbox."""

from __future__ import annotations

import datetime as dt
import decimal

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui
from fundlens.analyses import list_analyses
from fundlens.sandbox import SQL_ROLES, QueryRefused, QueryResult

QUERY = "sql_query"  # the editor's text, kept across reruns
RESULT = "sql_result"  # the last run: a QueryResult or the refusal's sentence
RUN_NOW = "sql_run_now"  # set by an analysis button: run what it loaded

EXAMPLE = """select fund_id, quarter_end, segment_name, nav_share
from marts.exposure_by_segment
order by quarter_end desc, nav_share desc"""

PLAIN = (type(None), bool, int, float, str, dt.date, dt.datetime, dt.time)

st.title("SQL")
user = ui.current_user()
if getattr(user, "role", None) not in SQL_ROLES:
    st.warning("The SQL page is for fund operators and analysts.", icon=":material/lock:")
    st.stop()

warehouse = queries.current_warehouse()
if warehouse is None:
    st.info(ui.NOT_PUBLISHED, icon=":material/info:")
    st.stop()

st.caption(
    "One read-only statement (SELECT, WITH, DESCRIBE, SUMMARIZE, SHOW or EXPLAIN) on the "
    "public marts (`public.duckdb`, schema `marts`). No files, network, extensions or "
    "settings; at most 10,000 rows and 30 s per query. "
    "`fundlens sql` runs the same queries from a terminal."
)
st.session_state.setdefault(QUERY, EXAMPLE)
queries.sql_sandbox().warm_up(warehouse.home)  # a spare worker opens the file meanwhile


def _load(sql: str) -> None:
    st.session_state[QUERY] = sql
    st.session_state[RUN_NOW] = True


def _frame(result: QueryResult) -> pd.DataFrame:
    """The rows as a frame the grid can show: unique column names, exotic values as text."""
    names: list[str] = []
    for name in result.columns:
        unique, n = name, 1
        while unique in names:
            n += 1
            unique = f"{name}_{n}"
        names.append(unique)
    df = pd.DataFrame(result.rows, columns=names)
    for col in df.columns:
        values = df[col]
        if any(isinstance(v, decimal.Decimal) for v in values):
            df[col] = [None if v is None else float(v) for v in values]
        elif not all(isinstance(v, PLAIN) for v in values):
            df[col] = [None if v is None else str(v) for v in values]
    return df


editor, browser = st.columns([3, 1], gap="large")

with browser:
    st.subheader("Analyses")
    for analysis in list_analyses():
        st.button(
            analysis.title,
            key=f"analysis_{analysis.name}",
            help=analysis.question,
            on_click=_load,
            args=(analysis.sql,),
            use_container_width=True,
        )
    st.subheader("Tables")
    schema = queries.public_schema(user, warehouse)
    for (schema_name, table), cols in schema.groupby(["schema_name", "table_name"], sort=False):
        with st.expander(f"{schema_name}.{table}"):
            description = cols["table_description"].iloc[0]
            if not fmt.is_missing(description):
                st.text(description)
            st.dataframe(
                cols[["column_name", "data_type", "column_description"]],
                hide_index=True,
                column_config={
                    "column_name": "Column",
                    "data_type": "Type",
                    "column_description": st.column_config.TextColumn("Description"),
                },
            )

with editor:
    st.text_area("Query", key=QUERY, height=220, placeholder=EXAMPLE)
    clicked = st.button("Run", type="primary", icon=":material/play_arrow:")
    if clicked or st.session_state.pop(RUN_NOW, False):
        with st.spinner("Running…"):
            try:
                st.session_state[RESULT] = queries.run_sql(user, warehouse, st.session_state[QUERY])
            except QueryRefused as exc:
                st.session_state[RESULT] = str(exc)

    result = st.session_state.get(RESULT)
    if isinstance(result, str):
        st.error("The query did not run.", icon=":material/error:")
        st.text(result)  # plain text: the message may quote the query
    elif isinstance(result, QueryResult):
        rows = len(result.rows)
        st.caption(
            f"{rows:,} row{'s' if rows != 1 else ''} in {result.elapsed_s:.2f} s "
            f"· data version `{result.version}`"
        )
        if result.truncated:
            st.warning(
                f"Showing the first {rows:,} rows only: the query returned more. "
                "Aggregate, filter, or use `fundlens sql --max-rows`.",
                icon=":material/warning:",
            )
        df = _frame(result)
        st.dataframe(df, hide_index=True)
        fmt.download_csv(df, "query_result", key="csv_sql")
