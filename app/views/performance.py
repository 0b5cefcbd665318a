"""Performance: the fund's multiples, IRR and public-market equivalent, and their history."""

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
ccy = sel.currency
ui.page_header("Performance", sel)

try:
    history = queries.fund_performance(sel.user, sel.warehouse, sel.fund_id)
except queries.MartMissing:
    st.info(
        "Fund performance is not in the published warehouse yet. "
        "Run `fundlens refresh` with a FundLens version that builds `fund_performance`."
    )
    st.stop()

history["quarter_end"] = pd.to_datetime(history["quarter_end"])
upto = history[history["quarter_end"].dt.date <= sel.quarter_end]
if upto.empty:
    st.info("No performance figures for this fund up to the chosen quarter end.")
    st.stop()
row = upto.iloc[-1]
if row["quarter_end"].date() != sel.quarter_end:
    st.caption(f"Latest figures on or before the chosen quarter: {row['quarter_end']:%d %b %Y}.")

no_benchmark = (
    "No benchmark: this fund has no `benchmark_index_code` in funds.csv."
    if sel.benchmark_index_code is None
    else f"Against the {sel.benchmark_index_code} index."
)
no_irr = "Shown as — when the flows have no IRR (for example, flows of one sign only)."

m = st.columns(6)
m[0].metric("TVPI", fmt.multiple(row["tvpi"]), help="Total value to paid-in: DPI + RVPI.")
m[1].metric("DPI", fmt.multiple(row["dpi"]), help="Distributions to paid-in capital.")
m[2].metric("RVPI", fmt.multiple(row["rvpi"]), help="Net asset value to paid-in capital.")
m[3].metric("Net IRR", fmt.pct(row["net_irr"]), help=f"XIRR of LP cash flows and NAV. {no_irr}")
m[4].metric(
    "KS-PME",
    fmt.number(row["ks_pme"], 2),
    help=f"Kaplan-Schoar public market equivalent; above 1 beats the index. {no_benchmark}",
)
m[5].metric(
    "Direct Alpha",
    fmt.pct(row["direct_alpha"]),
    help=f"Annual excess return over the index (Gredil, Griffiths & Stucke). {no_benchmark}",
)

g = st.columns(6)
g[0].metric("Committed", fmt.money(row["committed_capital"], ccy))
g[1].metric("Paid-in", fmt.money(row["paid_in_capital"], ccy))
g[2].metric("Distributed", fmt.money(row["distributed_capital"], ccy))
g[3].metric(
    "NAV",
    fmt.money(row["net_asset_value"], ccy),
    help=f"Source: {fmt.humanize(row['nav_source']).lower()}.",
)
g[4].metric("Gross MOIC", fmt.multiple(row["gross_moic"]), help="Fund to companies, before fees.")
g[5].metric("Gross IRR", fmt.pct(row["gross_irr"]), help=f"Fund to companies. {no_irr}")

multiples = history.melt(
    id_vars="quarter_end", value_vars=["tvpi", "dpi", "rvpi"], var_name="measure"
)
multiples["measure"] = multiples["measure"].str.upper()
capital = history.rename(
    columns={
        "paid_in_capital": "Paid-in",
        "distributed_capital": "Distributed",
        "net_asset_value": "NAV",
    }
).melt(id_vars="quarter_end", value_vars=["Paid-in", "Distributed", "NAV"], var_name="measure")

left, right = st.columns(2)
with left:
    st.altair_chart(
        alt.Chart(multiples, title="Multiples of paid-in capital over time")
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter_end:T", title="Quarter end").axis(format="%b %Y"),
            y=alt.Y("value:Q", title="Multiple of paid-in capital (x)"),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("quarter_end:T", title="Quarter end"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Multiple", format=".2f"),
            ],
        )
    )
with right:
    st.altair_chart(
        alt.Chart(capital, title=f"Paid-in, distributed and NAV ({ccy})")
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter_end:T", title="Quarter end").axis(format="%b %Y"),
            y=alt.Y("value:Q", title=f"Amount ({ccy})").axis(format="~s"),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("quarter_end:T", title="Quarter end"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title=f"Amount ({ccy})", format=",.0f"),
            ],
        )
    )

st.subheader("By quarter")
table = history.sort_values("quarter_end", ascending=False).drop(columns="currency")
table["quarter_end"] = table["quarter_end"].dt.date
table["nav_source"] = table["nav_source"].map(fmt.humanize)
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "quarter_end": st.column_config.DateColumn("Quarter end"),
        "committed_capital": fmt.money_column("Committed", ccy),
        "paid_in_capital": fmt.money_column("Paid-in", ccy),
        "distributed_capital": fmt.money_column("Distributed", ccy),
        "net_asset_value": fmt.money_column("NAV", ccy),
        "nav_source": "NAV source",
        "unfunded_commitment": fmt.money_column("Unfunded", ccy),
        "dpi": fmt.multiple_column("DPI"),
        "rvpi": fmt.multiple_column("RVPI"),
        "tvpi": fmt.multiple_column("TVPI"),
        "net_irr": fmt.share_column("Net IRR"),
        "ks_pme": st.column_config.NumberColumn("KS-PME", format="%.2f"),
        "direct_alpha": fmt.share_column("Direct Alpha"),
        "gross_cost": fmt.money_column("Gross cost", ccy),
        "gross_total_value": fmt.money_column("Gross total value", ccy),
        "gross_moic": fmt.multiple_column("Gross MOIC"),
        "gross_irr": fmt.share_column("Gross IRR"),
    },
)
fmt.download_csv(table, f"fund_performance_{sel.fund_id}", key="csv_performance")
