"""Exposure: where the fund's portfolio value sits, by segment, industry, region and stage."""

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
wh, fund, quarter, ccy = sel.warehouse, sel.fund_id, sel.quarter_end, sel.currency
ui.page_header("Exposure", sel)

# Concentration first: four numbers that frame everything below.
conc = queries.concentration(sel.user, wh, fund, quarter)
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

share_help = "Share of the fund's portfolio fair value at the quarter end."


def show(
    df: pd.DataFrame, category: str, category_title: str, title: str, columns: dict, name: str
) -> None:
    """Chart beside table (with its CSV download) of one exposure breakdown."""
    if df.empty:
        st.info(f"No {category_title.lower()} exposure for this fund at this quarter end.")
        return
    chart_col, table_col = st.columns(2)
    chart_col.altair_chart(ui.share_bar_chart(df, category, category_title, title, ccy))
    table = df[list(columns)]
    with table_col:
        st.dataframe(table, hide_index=True, column_config=columns)
        fmt.download_csv(table, f"{name}_{fund}_{quarter}", key=f"csv_{name}")


segment_cols = {
    "segment_name": "Segment",
    "segment_group": "Segment group",
    "company_count": fmt.count_column("Companies"),
    "cost": fmt.money_column("Cost", ccy),
    "fair_value": fmt.money_column("Fair value", ccy),
    "nav_share": fmt.share_column("Share of fair value", share_help),
    "cost_share": fmt.share_column("Share of cost"),
    "gross_moic": fmt.multiple_column("Gross MOIC"),
}
industry_cols = {
    "industry_name": "Industry",
    "company_count": fmt.count_column("Companies"),
    "fair_value": fmt.money_column(
        "Fair value (look-through)", ccy, "Holdings allocated by revenue share."
    ),
    "nav_share": fmt.share_column("Share of fair value", share_help),
}

st.subheader("By segment")
segments = queries.exposure_by_segment(sel.user, wh, fund, quarter)
segments["segment_group"] = segments["segment_group"].map(fmt.humanize)
show(
    segments,
    "segment_name",
    "Segment",
    "Share of fair value by segment",
    segment_cols,
    "exposure_by_segment",
)

st.subheader("By industry (look-through)")
industries = queries.exposure_by_industry(sel.user, wh, fund, quarter)
show(
    industries,
    "industry_name",
    "Industry",
    "Share of fair value by end market",
    industry_cols,
    "exposure_by_industry",
)

st.subheader("By region and stage")
geo_tab, stage_tab = st.tabs(["Region", "Stage"])
with geo_tab:
    regions = queries.exposure_by_geography(sel.user, wh, fund, quarter)
    regions["region"] = regions["region"].map(fmt.humanize)
    show(
        regions,
        "region",
        "Region",
        "Share of fair value by headquarters region",
        {
            "region": "Region",
            "company_count": fmt.count_column("Companies"),
            "fair_value": fmt.money_column("Fair value", ccy),
            "nav_share": fmt.share_column("Share of fair value", share_help),
        },
        "exposure_by_geography",
    )
with stage_tab:
    stages = queries.exposure_by_stage(sel.user, wh, fund, quarter)
    stages["stage"] = stages["stage"].map(fmt.humanize)
    show(
        stages,
        "stage",
        "Stage",
        "Share of fair value by stage",
        {
            "stage": st.column_config.TextColumn(
                "Stage", help="Seed: pre-seed and seed; early: series A-B; growth: C and later."
            ),
            "company_count": fmt.count_column("Companies"),
            "cost": fmt.money_column("Cost", ccy),
            "fair_value": fmt.money_column("Fair value", ccy),
            "nav_share": fmt.share_column("Share of fair value", share_help),
        },
        "exposure_by_stage",
    )
