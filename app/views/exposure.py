"""Exposure: where the fund's portfolio value sits, by segment, industry, region and stage,
how each share moved since the previous quarter and a year ago, and over time."""

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
user, wh, fund, quarter, ccy = sel.user, sel.warehouse, sel.fund_id, sel.quarter_end, sel.currency
ui.page_header("Exposure", sel)

# Concentration first: four numbers that frame everything below.
conc = queries.concentration(user, wh, fund, quarter)
if conc is not None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Active companies", fmt.number(conc["active_company_count"]), border=True)
    c2.metric(
        "Top-5 share",
        fmt.pct(conc["top_5_share"]),
        help="Share of the portfolio's fair value held in the five largest holdings.",
        border=True,
    )
    c3.metric(
        "HHI",
        fmt.number(conc["hhi"]),
        help="Herfindahl-Hirschman index of holding weights, 0-10,000 (higher = more "
        "concentrated).",
        border=True,
    )
    c4.metric(
        "Effective holdings",
        fmt.number(conc["effective_holdings"], 1),
        help="10,000 / HHI: the number of equal-sized holdings with the same concentration.",
        border=True,
    )

SHARE_HELP = "Share of the fund's portfolio fair value at the quarter end."
previous = sel.previous_quarter
year_ago = (pd.Timestamp(quarter) - pd.DateOffset(years=1)).date()
if year_ago not in sel.quarters:
    year_ago = None
CHANGE_REASON = "no exposure reported at the earlier quarter end for comparison"


def with_changes(now: pd.DataFrame, history: pd.DataFrame, key: str) -> pd.DataFrame:
    """Add the change in share (percentage points) since the previous quarter and a year
    ago; a category absent then counts as 0%, a quarter that was not reported as a gap."""
    out = now.copy()
    for column, then in (("change_qoq", previous), ("change_yoy", year_ago)):
        if then is None:
            out[column] = float("nan")
            continue
        earlier = history[history["quarter_end"] == then].set_index(key)["nav_share"]
        out[column] = out["nav_share"] - out[key].map(earlier).fillna(0.0)
    return out


def show(by: str, category_title: str, title: str, columns: dict, humanize: bool) -> None:
    """Chart beside table (with its CSV download), then the share over time."""
    b = queries.BREAKDOWNS[by]
    history = queries.exposure(user, wh, fund, by)
    history = history.assign(quarter_end=pd.to_datetime(history["quarter_end"]).dt.date)
    history = history[history["quarter_end"] <= quarter]
    if humanize:
        history = history.assign(**{b.label: history[b.label].map(fmt.humanize)})
    if "segment_group" in history:
        history = history.assign(segment_group=history["segment_group"].map(fmt.humanize))
    now = history[history["quarter_end"] == quarter].reset_index(drop=True)
    if now.empty:
        st.info(f"No {category_title.lower()} exposure for this fund at this quarter end.")
        return
    now = with_changes(now, history, b.key)
    columns = {
        **columns,
        "change_qoq": fmt.share_column(
            "Change (QoQ)",
            "Change in share since "
            + (fmt.quarter_label(previous) if previous else "the previous quarter")
            + ", in percentage points.",
        ),
        "change_yoy": fmt.share_column(
            "Change (YoY)",
            "Change in share since "
            + (fmt.quarter_label(year_ago) if year_ago else "a year earlier")
            + ", in percentage points.",
        ),
    }
    chart_col, table_col = st.columns(2)
    chart_col.altair_chart(ui.share_bar_chart(now, b.label, category_title, title, ccy))
    table = now[list(columns)]
    download = now.drop(columns="quarter_end").assign(currency=ccy)
    with table_col:
        shown = table.assign(
            change_qoq=[fmt.points(v) for v in table["change_qoq"]],
            change_yoy=[fmt.points(v) for v in table["change_yoy"]],
        )
        config = {
            **columns,
            "change_qoq": st.column_config.TextColumn(
                "Change (QoQ)", help=columns["change_qoq"]["help"] + f" — = {CHANGE_REASON}."
            ),
            "change_yoy": st.column_config.TextColumn(
                "Change (YoY)", help=columns["change_yoy"]["help"] + f" — = {CHANGE_REASON}."
            ),
        }
        fmt.table(shown, config)
        fmt.download_csv(download, f"exposure_by_{by}_{fund}_{quarter}", key=f"csv_{by}")
    if history["quarter_end"].nunique() > 1:
        order = now[b.label].tolist()
        st.altair_chart(
            ui.share_area_chart(
                history, b.label, category_title, f"{title} over time", order
            ).properties(height=260)
        )


st.subheader("By segment")
tree = queries.holdings_tree(user, wh, fund, quarter)
if not tree.empty:
    st.altair_chart(
        ui.sunburst_chart(tree, ccy, "Segment group → segment → company (share of fair value)")
    )
show(
    "segment",
    "Segment",
    "Share of fair value by segment",
    {
        "segment_name": "Segment",
        "company_count": fmt.count_column("Companies"),
        "fair_value": fmt.money_column("Fair value", ccy),
        "nav_share": fmt.share_column("Share of fair value", SHARE_HELP),
    },
    humanize=False,
)

st.subheader("By industry (look-through)")
show(
    "industry",
    "Industry",
    "Share of fair value by end market",
    {
        "industry_name": "Industry",
        "company_count": fmt.count_column("Companies"),
        "fair_value": fmt.money_column(
            "Fair value (look-through)", ccy, "Holdings allocated by revenue share."
        ),
        "nav_share": fmt.share_column("Share of fair value", SHARE_HELP),
    },
    humanize=False,
)

st.subheader("By region and stage")
geo_tab, stage_tab = st.tabs(["Region", "Stage"])
with geo_tab:
    show(
        "region",
        "Region",
        "Share of fair value by headquarters region",
        {
            "region": "Region",
            "company_count": fmt.count_column("Companies"),
            "fair_value": fmt.money_column("Fair value", ccy),
            "nav_share": fmt.share_column("Share of fair value", SHARE_HELP),
        },
        humanize=True,
    )
with stage_tab:
    show(
        "stage",
        "Stage",
        "Share of fair value by stage",
        {
            "stage": st.column_config.TextColumn(
                "Stage", help="Seed: pre-seed and seed; early: series A-B; growth: C and later."
            ),
            "company_count": fmt.count_column("Companies"),
            "fair_value": fmt.money_column("Fair value", ccy),
            "nav_share": fmt.share_column("Share of fair value", SHARE_HELP),
        },
        humanize=True,
    )
