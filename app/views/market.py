"""Market: how the fund's segment weights compare with the market's, and how fast each
segment's market grows."""

import altair as alt
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
ui.page_header("Market", sel)

coverage = queries.market_coverage(sel.user, sel.warehouse, sel.fund_id, sel.quarter_end)
if coverage.empty:
    st.info("No market figures for this fund at this quarter end.")
    st.stop()

years = sorted(coverage["market_year"].dropna().astype(int).unique())
FUND = "Fund: share of portfolio fair value"
MARKET = "Market: segment's share of the AI market"
st.caption(
    "Fund: the segment's share of the fund's portfolio fair value at the quarter end. "
    "Market: the segment's share of the AI-infrastructure and physical-AI market (the "
    "total market size of all segments)"
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
            orient="bottom", direction="vertical", labelLimit=260
        ),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segment"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("label:N", title="Share"),
        ],
    )
    .properties(width=200)
)
diverging = (
    alt.Chart(active, title="Active weight: fund minus market")
    .mark_bar()
    .encode(
        y=y.axis(None),
        x=alt.X("active_pp:Q", title="Active weight (% points)"),
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
    .properties(width=140)
)
growth = queries.market_growth(sel.user, sel.warehouse)
panels = [weights, diverging]
market_year = int(years[-1]) if years else None
first_year = None if growth.empty else int(growth["market_year"].min())
if market_year is not None and first_year is not None and market_year > first_year:
    sizes = growth.pivot_table(
        index="segment_name", columns="market_year", values="market_size_usd_bn"
    )
    span = market_year - first_year
    cagr = (sizes[market_year] / sizes[first_year]) ** (1 / span) - 1
    cagr = cagr.rename("cagr").reset_index()
    cagr["label"] = [fmt.pct(v) for v in cagr["cagr"]]
    panels.append(
        alt.Chart(cagr, title=f"Market growth {first_year}-{market_year}")
        .mark_bar(color="#7a9e7e")
        .encode(
            y=y.axis(None),
            x=alt.X("cagr:Q", title="Growth (% a year)").axis(format="%"),
            tooltip=[
                alt.Tooltip("segment_name:N", title="Segment"),
                alt.Tooltip("label:N", title="Growth a year (CAGR)"),
            ],
        )
        .properties(width=120)
    )
# one chart, panels sharing the segment axis: rows line up
st.altair_chart(
    alt.hconcat(*panels, spacing=12).resolve_scale(y="shared", color="independent"),
    key="market_weights",
)

table = coverage.drop(columns="segment_code")
fmt.table(
    table.assign(active_weight_pp=[fmt.points(v) for v in table["active_weight"]]),
    {
        "segment_name": "Segment",
        "fund_nav_share": fmt.share_column("Share of portfolio fair value"),
        "market_share": fmt.share_column("Segment's share of the market"),
        "active_weight_pp": st.column_config.TextColumn(
            "Active weight", help="Fund share minus market share, in percentage points."
        ),
        "market_size_usd_bn": st.column_config.NumberColumn(
            "Market size (US$ bn)", format="$%,.1f bn"
        ),
    },
    reason="the fund has no fair value at this quarter end",
)
fmt.download_csv(
    table.assign(currency="USD"),
    f"market_coverage_{sel.fund_id}_{sel.quarter_end}",
    key="csv_market",
)
