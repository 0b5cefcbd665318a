"""Market coverage: how the fund's segment mix compares with the size of each market."""

import altair as alt
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
ui.page_header("Market coverage", sel)

coverage = queries.market_coverage(sel.user, sel.warehouse, sel.fund_id, sel.quarter_end)
if coverage.empty:
    st.info("No market coverage for this fund at this quarter end.")
    st.stop()

years = sorted(coverage["market_year"].dropna().astype(int).unique())
if years:
    st.caption(
        "Fund share: the segment's share of the fund's portfolio fair value. Market share: "
        f"the segment's share of the market, from market sizes of {', '.join(map(str, years))}."
    )

shares = coverage.melt(
    id_vars="segment_name",
    value_vars=["fund_nav_share", "market_share"],
    var_name="series",
).replace({"series": {"fund_nav_share": "Fund (share of NAV)", "market_share": "Market"}})
order = coverage.sort_values("market_share", ascending=False)["segment_name"].tolist()

left, right = st.columns(2)
with left:
    st.altair_chart(
        alt.Chart(shares, title="Fund share of NAV vs market share by segment")
        .mark_bar()
        .encode(
            y=alt.Y("segment_name:N", title="Segment", sort=order).axis(labelLimit=240),
            yOffset=alt.YOffset("series:N"),
            x=alt.X("value:Q", title="Share (%)").axis(format="%"),
            color=alt.Color("series:N", title=None).legend(orient="bottom"),
            tooltip=[
                alt.Tooltip("segment_name:N", title="Segment"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title="Share", format=".1%"),
            ],
        )
    )
with right:
    st.altair_chart(
        alt.Chart(coverage, title="Active weight: fund share minus market share")
        .mark_bar()
        .encode(
            y=alt.Y("segment_name:N", title="Segment", sort=order).axis(labelLimit=240),
            x=alt.X("active_weight:Q", title="Active weight (% points)").axis(format="%"),
            color=alt.condition(
                alt.datum.active_weight >= 0,
                alt.value("#2a7ab0"),
                alt.value("#d1495b"),
            ),
            tooltip=[
                alt.Tooltip("segment_name:N", title="Segment"),
                alt.Tooltip("active_weight:Q", title="Active weight", format="+.1%"),
            ],
        )
    )

table = coverage.drop(columns="segment_code")
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "segment_name": "Segment",
        "fund_nav_share": fmt.share_column("Fund share of NAV"),
        "market_share": fmt.share_column("Market share"),
        "active_weight": fmt.share_column(
            "Active weight", "Fund share minus market share: positive = overweight."
        ),
        "market_size_usd_bn": st.column_config.NumberColumn(
            "Market size (US$ bn)", format="$%,.1f bn"
        ),
        "market_year": st.column_config.NumberColumn("Market year", format="%d"),
    },
)
fmt.download_csv(table, f"market_coverage_{sel.fund_id}_{sel.quarter_end}", key="csv_market")
