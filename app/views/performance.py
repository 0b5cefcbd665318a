"""Performance: the fund's multiples, IRR and public-market equivalent at the chosen
quarter, and their history up to it (J-curve, IRR, PME and concentration over time)."""

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
    history = queries.fund_performance(sel.user, sel.warehouse, sel.fund_id, sel.quarter_end)
except queries.MartMissing:
    st.info(
        "Fund performance is not in the published warehouse yet. "
        "Run `fundlens refresh` with a FundLens version that builds `fund_performance`."
    )
    st.stop()

if history.empty:
    st.info("No performance figures for this fund up to the chosen quarter end.")
    st.stop()
history["quarter_end"] = pd.to_datetime(history["quarter_end"])
row = history.iloc[-1]
if row["quarter_end"].date() != sel.quarter_end:
    st.caption(
        f"Latest figures on or before the chosen quarter: {fmt.quarter_label(row['quarter_end'])}."
    )

benchmark = sel.benchmark_index_code
no_benchmark = (
    "Not computed: this fund has no benchmark index (`benchmark_index_code` in funds.csv)."
    if benchmark is None
    else f"Benchmark: the {benchmark} index."
)
inception = sel.inception_date
ages = [
    None if inception is None else (q.date() - inception).days / 365.25
    for q in history["quarter_end"]
]
history["age_years"] = ages
young = ages[-1] is not None and ages[-1] < fmt.IRR_MIN_YEARS

m = st.columns(4)
m[0].metric("TVPI", fmt.multiple(row["tvpi"]), help="Total value to paid-in: DPI + RVPI.")
m[1].metric("DPI", fmt.multiple(row["dpi"]), help="Distributions to paid-in capital.")
m[2].metric("RVPI", fmt.multiple(row["rvpi"]), help="Net asset value to paid-in capital.")
m[3].metric(
    "Net IRR",
    fmt.irr(row["net_irr"], ages[-1]),
    help=f"XIRR of the LP cash flows and the NAV. {fmt.IRR_HELP}",
)
p = st.columns(4)
p[0].metric(
    "KS-PME",
    fmt.number(row["ks_pme"], 2),
    help=f"Kaplan-Schoar public market equivalent; above 1 beats the index. {no_benchmark}",
)
p[1].metric(
    "Direct Alpha",
    fmt.irr(row["direct_alpha"], ages[-1]),
    help="Annual excess return over the index (Gredil, Griffiths & Stucke). "
    f"{no_benchmark} {fmt.IRR_HELP}",
)
p[2].metric("Gross MOIC", fmt.multiple(row["gross_moic"]), help="Fund to companies, before fees.")
p[3].metric(
    "Gross IRR",
    fmt.irr(row["gross_irr"], ages[-1]),
    help=f"Fund to companies. {fmt.IRR_HELP}",
)
g = st.columns(4)
g[0].metric("Committed", fmt.money(row["committed_capital"], ccy))
g[1].metric("Paid-in", fmt.money(row["paid_in_capital"], ccy))
g[2].metric("Distributed", fmt.money(row["distributed_capital"], ccy))
g[3].metric(
    "NAV",
    fmt.money(row["net_asset_value"], ccy),
    help=f"Source: {fmt.humanize(row['nav_source']).lower()}.",
)
st.caption(f"KS-PME and Direct Alpha against the {benchmark} index." if benchmark else no_benchmark)
if young:
    st.caption(
        "The fund is younger than a year at this quarter end: IRRs are shown as n/m "
        "(not meaningful)."
    )

quarter_axis = ui.quarter_axis()
left, right = st.columns(2)
with left:
    st.altair_chart(ui.jcurve_chart(history, ccy), key="jcurve")
with right:
    multiples = history.melt(
        id_vars="quarter_end", value_vars=["tvpi", "dpi", "rvpi"], var_name="measure"
    )
    multiples["measure"] = multiples["measure"].str.upper()
    multiples["quarter"] = [fmt.quarter_label(q) for q in multiples["quarter_end"]]
    st.altair_chart(
        alt.Chart(multiples, title="Multiples of paid-in capital over time")
        .mark_line(point=True)
        .encode(
            x=quarter_axis,
            y=alt.Y("value:Q", title="Multiple of paid-in capital (x)"),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Multiple", format=".2f"),
            ],
        ),
        key="multiples",
    )

left, right = st.columns(2)
with left:
    # IRRs only from the fund's first birthday: earlier ones are n/m
    irr = history[[a is None or a >= fmt.IRR_MIN_YEARS for a in ages]].rename(
        columns={"net_irr": "Net IRR", "gross_irr": "Gross IRR"}
    )
    irr = irr.melt(id_vars="quarter_end", value_vars=["Net IRR", "Gross IRR"], var_name="measure")
    irr["quarter"] = [fmt.quarter_label(q) for q in irr["quarter_end"]]
    st.altair_chart(
        alt.Chart(irr.dropna(subset=["value"]), title="Net and gross IRR over time")
        .mark_line(point=True)
        .encode(
            x=quarter_axis,
            y=alt.Y("value:Q", title="IRR (% a year)").axis(format="%"),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="IRR", format=".1%"),
            ],
        ),
        key="irr",
    )
    st.caption("Quarters before the fund's first birthday are left out: their IRR is n/m.")
with right:
    if benchmark is None:
        st.info(f"KS-PME and Direct Alpha: {no_benchmark}")
    else:
        pme = history[["quarter_end", "ks_pme"]].dropna()
        pme["quarter"] = [fmt.quarter_label(q) for q in pme["quarter_end"]]
        st.altair_chart(
            alt.Chart(pme, title=f"KS-PME against the {benchmark} index")
            .mark_line(point=True)
            .encode(
                x=quarter_axis,
                y=alt.Y("ks_pme:Q", title="KS-PME (1 = index return)").scale(zero=False),
                tooltip=[
                    alt.Tooltip("quarter:N", title="Quarter"),
                    alt.Tooltip("ks_pme:Q", title="KS-PME", format=".2f"),
                ],
            )
            + alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q"),
            key="pme",
        )

conc = queries.concentration_history(sel.user, sel.warehouse, sel.fund_id)
conc = conc[pd.to_datetime(conc["quarter_end"]) <= pd.Timestamp(sel.quarter_end)]
if not conc.empty:
    shares = conc.melt(
        id_vars="quarter_end",
        value_vars=["top_1_share", "top_5_share", "top_10_share"],
        var_name="measure",
    )
    shares["measure"] = shares["measure"].map(
        {"top_1_share": "Top 1", "top_5_share": "Top 5", "top_10_share": "Top 10"}
    )
    shares["quarter"] = [fmt.quarter_label(q) for q in shares["quarter_end"]]
    st.altair_chart(
        alt.Chart(shares, title="Concentration: share of fair value in the largest holdings")
        .mark_line(point=True)
        .encode(
            x=ui.quarter_axis(),
            y=alt.Y("value:Q", title="Share of portfolio fair value").axis(format="%"),
            color=alt.Color("measure:N", title="Holdings", sort=["Top 1", "Top 5", "Top 10"]),
            tooltip=[
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("measure:N", title="Holdings"),
                alt.Tooltip("value:Q", title="Share", format=".1%"),
            ],
        ),
        key="concentration",
    )

st.subheader("By quarter")
table = history.sort_values("quarter_end", ascending=False)
table = table.assign(
    quarter=[fmt.quarter_label(q) for q in table["quarter_end"]],
    quarter_end=table["quarter_end"].dt.date,
    nav_source=table["nav_source"].map(fmt.humanize),
)
shown = table.assign(
    net_irr=[fmt.irr(v, a) for v, a in zip(table["net_irr"], table["age_years"], strict=True)],
    gross_irr=[fmt.irr(v, a) for v, a in zip(table["gross_irr"], table["age_years"], strict=True)],
)
fmt.table(
    shown,
    {
        "quarter": st.column_config.TextColumn("Quarter", pinned=True),
        "paid_in_capital": fmt.money_column("Paid-in", ccy),
        "distributed_capital": fmt.money_column("Distributed", ccy),
        "net_asset_value": fmt.money_column("NAV", ccy),
        "nav_source": "NAV source",
        "dpi": fmt.multiple_column("DPI"),
        "tvpi": fmt.multiple_column("TVPI"),
        "net_irr": st.column_config.TextColumn("Net IRR", help=fmt.IRR_HELP),
        "ks_pme": st.column_config.NumberColumn("KS-PME", format="%.2f", help=no_benchmark),
        "gross_moic": fmt.multiple_column("Gross MOIC"),
        "gross_irr": st.column_config.TextColumn("Gross IRR", help=fmt.IRR_HELP),
    },
    reason="not available (see the column's definition)",
)
st.caption(
    "Every column (committed, unfunded, RVPI, Direct Alpha, gross cost, ...) is in the download."
)
fmt.download_csv(
    table.drop(columns=["quarter", "age_years"]),
    f"fund_performance_{sel.fund_id}_{sel.quarter_end}",
    key="csv_performance",
)
