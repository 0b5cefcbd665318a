"""What every page shares: the sidebar's fund and quarter, and the chart shapes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
import queries
from queries import Warehouse

NOT_PUBLISHED = (
    "No warehouse is published yet. Run `fundlens refresh` (or `make run`) to build one "
    "from the input CSVs, then reload this page."
)

_SELECTION = "_fundlens_selection"


@dataclass(frozen=True)
class Selection:
    """The fund and quarter chosen in the sidebar, in one published version."""

    warehouse: Warehouse
    fund_id: str
    fund_name: str
    currency: str
    benchmark_index_code: str | None
    quarter_end: dt.date


def sidebar(wh: Warehouse | None) -> Selection | None:
    """Draw the fund and quarter pickers (shared by every page) and remember the choice."""
    st.session_state[_SELECTION] = None
    if wh is None:
        st.sidebar.caption("No published data")
        return None
    funds = queries.funds(wh)
    if funds.empty:
        st.sidebar.caption("The published warehouse has no funds")
        return None
    fund_ids = funds["fund_id"].tolist()
    names = dict(zip(funds["fund_id"], funds["fund_name"], strict=True))
    if st.session_state.get("fund_id") not in fund_ids:
        st.session_state["fund_id"] = fund_ids[0]
    fund_id = st.sidebar.selectbox(
        "Fund", fund_ids, format_func=lambda f: names.get(f, f), key="fund_id"
    )
    quarters = queries.quarters(wh, fund_id)
    if not quarters:
        st.sidebar.caption("This fund has no reported quarters yet")
        return None
    if st.session_state.get("quarter_end") not in quarters:
        st.session_state["quarter_end"] = quarters[0]  # the latest
    quarter_end = st.sidebar.selectbox(
        "Quarter end", quarters, format_func=fmt.quarter_label, key="quarter_end"
    )
    fund = funds.set_index("fund_id").loc[fund_id]
    benchmark = fund["benchmark_index_code"]
    selection = Selection(
        warehouse=wh,
        fund_id=fund_id,
        fund_name=str(fund["fund_name"]),
        currency=str(fund["currency"]),
        benchmark_index_code=None if fmt.is_missing(benchmark) else str(benchmark),
        quarter_end=quarter_end,
    )
    st.session_state[_SELECTION] = selection
    return selection


def selection() -> Selection:
    """The sidebar's choice; with nothing published, say so and stop the page."""
    chosen = st.session_state.get(_SELECTION)
    if chosen is None:
        st.info(NOT_PUBLISHED, icon=":material/info:")
        st.stop()
    return chosen


def page_header(title: str, sel: Selection) -> None:
    st.title(title)
    st.caption(
        f"{fmt.plain(sel.fund_name)} · quarter ending {sel.quarter_end:%d %b %Y} · "
        f"amounts in {fmt.plain(sel.currency)}"
    )


# --- charts ------------------------------------------------------------------


def share_bar_chart(
    df: pd.DataFrame, category: str, category_title: str, title: str, currency: str
) -> alt.Chart:
    """Horizontal bars of `nav_share` per category, largest first."""
    data = df.assign(
        fair_value_label=[fmt.money(v, currency) for v in df["fair_value"]],
        nav_share_label=[fmt.pct(v) for v in df["nav_share"]],
    )
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("nav_share:Q", title="Share of portfolio fair value (%)").axis(format="%"),
            y=alt.Y(f"{category}:N", title=category_title, sort="-x").axis(labelLimit=240),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("nav_share_label:N", title="Share of fair value"),
                alt.Tooltip("fair_value_label:N", title=f"Fair value ({currency})"),
                alt.Tooltip("company_count:Q", title="Companies"),
            ],
        )
    )
