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
    inception_date: dt.date | None = None
    quarters: tuple[dt.date, ...] = ()  # the fund's reported quarter ends, newest first

    @property
    def age_years(self) -> float | None:
        """The fund's age at the chosen quarter end, in years since its first LP flow."""
        if self.inception_date is None:
            return None
        return (self.quarter_end - self.inception_date).days / 365.25

    @property
    def previous_quarter(self) -> dt.date | None:
        """The reported quarter end just before the chosen one, if any."""
        earlier = [q for q in self.quarters if q < self.quarter_end]
        return max(earlier) if earlier else None


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
    inception = fund.get("inception_date")
    selection = Selection(
        warehouse=wh,
        fund_id=fund_id,
        fund_name=str(fund["fund_name"]),
        currency=str(fund["currency"]),
        benchmark_index_code=None if fmt.is_missing(benchmark) else str(benchmark),
        quarter_end=quarter_end,
        inception_date=None if fmt.is_missing(inception) else pd.Timestamp(inception).date(),
        quarters=tuple(quarters),
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
    # the fund's name is user text: shown as plain text, never as markdown
    st.text(
        f"{sel.fund_name} · {fmt.quarter_label(sel.quarter_end)} "
        f"(quarter ending {sel.quarter_end:%d %b %Y}) · amounts in {sel.currency}"
    )


# --- charts ------------------------------------------------------------------


def quarter_axis() -> alt.X:
    """The time axis of every chart over quarter ends: one tick a year."""
    return alt.X("quarter_end:T", title="Quarter end").axis(format="%Y", tickCount="year")


def _shares_with_labels(df: pd.DataFrame, currency: str) -> pd.DataFrame:
    return df.assign(
        fair_value_label=[fmt.money(v, currency) for v in df["fair_value"]],
        nav_share_label=[fmt.pct(v) for v in df["nav_share"]],
    )


def share_bar_chart(
    df: pd.DataFrame, category: str, category_title: str, title: str, currency: str
) -> alt.Chart:
    """Horizontal bars of `nav_share` per category, in the frame's order."""
    data = _shares_with_labels(df, currency)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("nav_share:Q", title="Share of portfolio fair value (%)").axis(format="%"),
            y=alt.Y(f"{category}:N", title=category_title, sort=None).axis(labelLimit=240),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("nav_share_label:N", title="Share of fair value"),
                alt.Tooltip("fair_value_label:N", title=f"Fair value ({currency})"),
                alt.Tooltip("company_count:Q", title="Companies"),
            ],
        )
    )


def share_area_chart(
    history: pd.DataFrame, category: str, category_title: str, title: str, order: list[str]
) -> alt.Chart:
    """Stacked areas of `nav_share` per category over every quarter end (they fill 100%)."""
    rank = {name: i for i, name in enumerate(order)}
    data = history.assign(
        quarter=[fmt.quarter_label(q) for q in history["quarter_end"]],
        nav_share_label=[fmt.pct(v) for v in history["nav_share"]],
        layer_order=[rank.get(c, len(rank)) for c in history[category]],
    )
    return (
        alt.Chart(data, title=title)
        .mark_area()
        .encode(
            x=quarter_axis(),
            y=alt.Y("nav_share:Q", title="Share of portfolio fair value", stack="normalize").axis(
                format="%"
            ),
            color=alt.Color(f"{category}:N", title=category_title, sort=order).legend(
                orient="bottom", columns=3, labelLimit=200
            ),
            order=alt.Order("layer_order:Q"),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("nav_share_label:N", title="Share of fair value"),
            ],
        )
    )


def sunburst_chart(tree: pd.DataFrame, currency: str, title: str) -> alt.LayerChart:
    """Segment group -> segment -> company as three rings of one donut (Vega-Lite arcs,
    no outside requests). Every ring is ordered the same way, so a segment sits inside
    its group and a company inside its segment."""
    tree = tree.sort_values(
        ["segment_group", "segment_name", "fair_value", "company_name"],
        ascending=[True, True, False, True],
    ).reset_index(drop=True)
    tree = tree.assign(
        segment_group=tree["segment_group"].map(fmt.humanize), position=range(len(tree))
    )
    rings = []
    levels = (
        ("segment_group", "Segment group", 0, 70),
        ("segment_name", "Segment", 72, 140),
        ("company_name", "Company", 142, 200),
    )
    for level, (column, label, inner, outer) in enumerate(levels):
        keys = ["segment_group", "segment_name", "company_name"][: level + 1]
        ring = (
            tree.groupby(keys, sort=False)
            .agg(fair_value=("fair_value", "sum"), position=("position", "min"))
            .reset_index()
        )
        ring["share"] = ring["fair_value"] / ring["fair_value"].sum()
        ring["name"] = ring[column]
        ring["fair_value_label"] = [fmt.money(v, currency) for v in ring["fair_value"]]
        ring["share_label"] = [fmt.pct(v) for v in ring["share"]]
        rings.append(
            alt.Chart(ring)
            .mark_arc(innerRadius=inner, outerRadius=outer, stroke="white", strokeWidth=1)
            .encode(
                theta=alt.Theta("fair_value:Q", stack=True),
                order=alt.Order("position:Q"),
                color=alt.Color("segment_group:N", title="Segment group").legend(orient="bottom"),
                opacity=alt.value(1.0 - 0.22 * level),
                tooltip=[
                    alt.Tooltip("name:N", title=label),
                    alt.Tooltip("share_label:N", title="Share of fair value"),
                    alt.Tooltip("fair_value_label:N", title=f"Fair value ({currency})"),
                ],
            )
        )
    return alt.layer(*rings, title=title).properties(height=420)


NO_CHANGE = "no change"


def delta(now: object, before: object, kind: str, currency: str = "") -> str | None:
    """The change since an earlier value, formatted like the value (`NO_CHANGE` when it
    rounds to zero); None if either is missing (st.metric then shows no delta)."""
    if fmt.is_missing(now) or fmt.is_missing(before):
        return None
    change = float(now) - float(before)
    if kind == "money":
        text = fmt.money(abs(change), currency)
        zero = text == fmt.money(0, currency)
        text = f"{'-' if change < 0 else '+'}{text}"
    elif kind == "multiple":
        text = f"{change:+.2f}x"
        zero = round(change, 2) == 0
    elif kind == "pct":
        text = fmt.points(change)
        zero = round(change * 100, 1) == 0
    elif kind == "number":
        text = f"{change:+,.0f}"
        zero = round(change) == 0
    else:
        text = f"{change:+.2f}"
        zero = round(change, 2) == 0
    return NO_CHANGE if zero else text


def metric(
    col,
    label: str,
    value: str,
    change: str | None,
    *,
    help: str,
    delta_color: str = "normal",
) -> None:
    """st.metric with a change since an earlier quarter ('no change' without an arrow)."""
    flat = change == NO_CHANGE
    col.metric(
        label,
        value,
        change,
        delta_color="off" if flat else delta_color,
        delta_arrow="off" if flat else "auto",
        help=help,
        border=True,
    )


def jcurve_data(history: pd.DataFrame) -> pd.DataFrame:
    """Per quarter end: cumulative net cash flow to LPs (distributed - paid-in) and that
    plus the NAV (what the LPs have, in cash and in value)."""
    data = pd.DataFrame({"quarter_end": pd.to_datetime(history["quarter_end"])})
    data["net_cash_flow"] = history["distributed_capital"] - history["paid_in_capital"]
    data["net_value"] = data["net_cash_flow"] + history["net_asset_value"]
    data["quarter"] = [fmt.quarter_label(q) for q in data["quarter_end"]]
    return data


def jcurve_chart(history: pd.DataFrame, currency: str) -> alt.LayerChart:
    """The J-curve: cumulative net cash flow to LPs as bars, with the NAV on top as a line."""
    data = jcurve_data(history)
    data["net_cash_flow_label"] = [fmt.money(v, currency) for v in data["net_cash_flow"]]
    data["net_value_label"] = [fmt.money(v, currency) for v in data["net_value"]]
    x = quarter_axis()
    tooltip = [
        alt.Tooltip("quarter:N", title="Quarter"),
        alt.Tooltip("net_cash_flow_label:N", title="Net cash flow to LPs"),
        alt.Tooltip("net_value_label:N", title="Net cash flow + NAV"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("net_cash_flow:Q", title=f"Amount ({currency})").axis(format="~s"),
            color=alt.condition(
                alt.datum.net_cash_flow >= 0, alt.value("#2a7ab0"), alt.value("#d1495b")
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#333333")
        .encode(x=x, y="net_value:Q", tooltip=tooltip)
    )
    return alt.layer(
        bars,
        line,
        title=alt.Title(
            "J-curve: net cash flow to LPs, NAV on top",
            subtitle="Bars: distributed - paid-in to date. Line: the same plus the NAV.",
        ),
    )
