"""Market: how the fund's segment weights compare with the market's, and how fast each
segment's market grows."""

import altair as alt
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
ui.page_header("Market", sel)

coverage = queries.market_coverage(sel.warehouse, sel.fund_id, sel.quarter_end)
if coverage.empty:
    st.info("No market figures for this fund at this quarter end.")
    st.stop()

years = sorted(coverage["market_year"].dropna().astype(int).unique())
FUND = "Share of portfolio fair value"
MARKET = "Segment's share of the AI-infrastructure and physical-AI market"
st.caption(
    f"{FUND}: the segment's share of the fund's portfolio fair value at the quarter end. "
    f"Market: the segment's share of the total market size of all segments"
    + (f" ({', '.join(map(str, years))} figures)." if years else ".")
)

order = coverage.sort_values("market_share", ascending=False)["segment_name"].tolist()
shares = coverage.melt(
    id_vars="segment_name", value_vars=["fund_nav_share", "market_share"], var_name="series"
).replace({"series": {"fund_nav_share": FUND, "market_share": MARKET}})
shares["label"] = [fmt.pct(v) for v in shares["value"]]
active = coverage.assign(
    label=[fmt.points(v) for v in coverage["active_weight"]],
    side=["Overweight" if v >= 0 else "Underweight" for v in coverage["active_weight"].fillna(0)],
    active_pp=coverage["active_weight"] * 100,
)
y = alt.Y("segment_name:N", title="Segment", sort=order).axis(labelLimit=240)
weights = (
    alt.Chart(shares, title="Segment weights: fund vs market")
    .mark_bar()
    .encode(
        y=y,
        yOffset=alt.YOffset("series:N", sort=[FUND, MARKET]),
        x=alt.X("value:Q", title="Share (%)").axis(format="%"),
        color=alt.Color("series:N", title=None, sort=[FUND, MARKET]).legend(
            orient="bottom", direction="vertical", labelLimit=400
        ),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segment"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("label:N", title="Share"),
        ],
    )
    .properties(width=380)
)
diverging = (
    alt.Chart(active, title="Active weight: fund minus market")
    .mark_bar()
    .encode(
        y=y.axis(None),
        x=alt.X("active_pp:Q", title="Active weight (percentage points)"),
        color=alt.Color(
            "side:N",
            title=None,
            scale=alt.Scale(domain=["Overweight", "Underweight"], range=["#2a7ab0", "#d1495b"]),
        ).legend(orient="bottom"),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segment"),
            alt.Tooltip("label:N", title="Active weight"),
        ],
    )
    .properties(width=320)
)
# one chart, two panels sharing the segment axis: rows line up
st.altair_chart(
    alt.hconcat(weights, diverging, spacing=10).resolve_scale(y="shared", color="independent"),
    key="market_weights",
)

growth = queries.market_growth(sel.warehouse)
if not growth.empty:
    latest_year = int(growth["market_year"].max())
    g = growth.dropna(subset=["growth_yoy"]).assign(
        label=lambda d: [fmt.pct(v) for v in d["growth_yoy"]],
        size=lambda d: [f"US${v:,.1f}bn" for v in d["market_size_usd_bn"]],
    )
    if not g.empty:
        st.altair_chart(
            alt.Chart(g, title="Market growth by segment (year on year)")
            .mark_line(point=True)
            .encode(
                x=alt.X("market_year:O", title="Year"),
                y=alt.Y("growth_yoy:Q", title="Growth of the market size (% a year)").axis(
                    format="%"
                ),
                color=alt.Color("segment_name:N", title="Segment", sort=order).legend(
                    orient="bottom", columns=3, labelLimit=200
                ),
                tooltip=[
                    alt.Tooltip("segment_name:N", title="Segment"),
                    alt.Tooltip("market_year:O", title="Year"),
                    alt.Tooltip("label:N", title="Growth"),
                    alt.Tooltip("size:N", title="Market size"),
                    alt.Tooltip("is_estimate:N", title="Estimate"),
                ],
            )
            .properties(height=320),
            key="market_growth",
        )
        st.caption(f"Figures up to {latest_year}; later years may be estimates (see the tooltip).")

table = coverage.drop(columns="segment_code")
fmt.table(
    table.assign(active_weight_pp=[fmt.points(v) for v in table["active_weight"]]),
    {
        "segment_name": "Segment",
        "fund_nav_share": fmt.share_column(FUND),
        "market_share": fmt.share_column("Share of the market"),
        "active_weight_pp": st.column_config.TextColumn(
            "Active weight", help="Fund share minus market share, in percentage points."
        ),
        "market_size_usd_bn": st.column_config.NumberColumn(
            "Market size (US$ bn)", format="$%,.1f bn"
        ),
        "market_year": st.column_config.NumberColumn("Market year", format="%d"),
    },
    reason="the fund has no fair value at this quarter end",
)
fmt.download_csv(
    table.assign(currency="USD"),
    f"market_coverage_{sel.fund_id}_{sel.quarter_end}",
    key="csv_market",
)
