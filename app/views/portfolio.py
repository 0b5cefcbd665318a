"""Holdings: the fund's positions at the quarter end, and its companies' latest KPIs."""

import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
wh, fund, quarter, ccy = sel.warehouse, sel.fund_id, sel.quarter_end, sel.currency
ui.page_header("Holdings", sel)

positions = queries.positions(sel.user, wh, fund, quarter)
show_exited = st.toggle("Include exited holdings", value=False, key="show_exited")
if not show_exited:
    positions = positions[positions["is_active"]]
positions = positions.assign(
    region=positions["region"].map(fmt.humanize), stage=positions["stage"].map(fmt.humanize)
).drop(columns="currency")

c1, c2, c3 = st.columns(3)
c1.metric("Holdings shown", fmt.number(len(positions)))
c2.metric("Fair value", fmt.money(positions["fair_value"].sum(), ccy))
c3.metric(
    "Stale marks",
    fmt.number(int(positions["is_mark_stale"].sum())),
    help="Holdings whose latest fair-value mark is older than the quarter end.",
)

st.dataframe(
    positions,
    hide_index=True,
    column_config={
        "company_name": st.column_config.TextColumn("Company", pinned=True),
        "segment_name": "Segment",
        "hq_country": "Country",
        "region": "Region",
        "stage": "Stage",
        "cost": fmt.money_column("Cost", ccy),
        "proceeds": fmt.money_column("Proceeds", ccy),
        "fair_value": fmt.money_column("Fair value", ccy),
        "total_value": fmt.money_column("Total value", ccy, "Proceeds + fair value."),
        "gross_moic": fmt.multiple_column("Gross MOIC", "Total value / cost."),
        "is_active": st.column_config.CheckboxColumn("Held"),
        "is_mark_stale": st.column_config.CheckboxColumn(
            "Stale mark", help="The latest mark is older than the quarter end."
        ),
    },
)
fmt.download_csv(positions, f"positions_{fund}_{quarter}", key="csv_positions")

st.subheader("Company KPIs (latest reported)")
kpis = queries.company_kpis(sel.user, wh, fund, quarter)
if kpis.empty:
    st.info("No KPIs reported by the companies held at this quarter end.")
else:
    kpi_ccy = kpis["currency"].dropna().unique() if "currency" in kpis else []
    money_fmt = f"{fmt.currency_prefix(kpi_ccy[0])}%,.0f" if len(kpi_ccy) == 1 else "%,.0f"
    first = ["company_name", "period_end", "currency"]
    st.dataframe(
        kpis,
        hide_index=True,
        column_order=[c for c in first if c in kpis] + [c for c in kpis if c not in first],
        column_config={
            "company_name": st.column_config.TextColumn("Company", pinned=True),
            "period_end": st.column_config.DateColumn("As of"),
            "revenue_ttm": st.column_config.NumberColumn("Revenue (TTM)", format=money_fmt),
            "arr": st.column_config.NumberColumn("ARR", format=money_fmt),
            "revenue_growth_yoy": fmt.share_column("Revenue growth (YoY)"),
            "gross_margin_pct": st.column_config.NumberColumn("Gross margin", format="%.1f%%"),
            "headcount": fmt.count_column("Headcount"),
            "cash_balance": st.column_config.NumberColumn("Cash", format=money_fmt),
            "net_burn": st.column_config.NumberColumn(
                "Net burn (monthly)", format=money_fmt, help="Positive = burning cash."
            ),
            "runway_months": st.column_config.NumberColumn("Runway (months)", format="%.1f"),
            "currency": st.column_config.TextColumn(
                "Currency", help="Each company reports in its own currency."
            ),
        },
    )
    fmt.download_csv(kpis, f"company_kpis_{fund}_{quarter}", key="csv_kpis")
