"""Companies: every company the fund has held by the quarter end (filterable), and one
company in detail: its rounds, its marks over time, its KPIs and its industry weights."""

import altair as alt
import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
user, wh, fund, quarter, ccy = sel.user, sel.warehouse, sel.fund_id, sel.quarter_end, sel.currency
ui.page_header("Companies", sel)

companies = queries.companies(user, wh, fund, quarter)
if companies.empty:
    st.info("The fund has held no company by this quarter end.")
    st.stop()
companies = companies.assign(
    segment_group=companies["segment_group"].map(fmt.humanize),
    region=companies["region"].map(fmt.humanize),
    stage=companies["stage"].map(fmt.humanize),
    status=companies["status"].str.capitalize(),
)


def options(column: str, key=None) -> list[str]:
    return sorted(companies[column].dropna().unique(), key=key)


f1, f2, f3 = st.columns(3)
f4, f5, f6 = st.columns(3)
filters = {
    "segment_name": f1.multiselect("Segment", options("segment_name"), key="filter_segment"),
    "main_industry": f2.multiselect("Industry", options("main_industry"), key="filter_industry"),
    "region": f3.multiselect("Region", options("region"), key="filter_region"),
    "stage": f4.multiselect("Stage", options("stage", key=fmt.stage_sort_key), key="filter_stage"),
    "status": f5.multiselect("Status", options("status"), default=["Held"], key="filter_status"),
}
f6.markdown("&nbsp;")  # align the toggle with the other filters' boxes
stale_only = f6.toggle("Stale marks only", key="filter_stale")
shown = companies
for column, chosen in filters.items():
    if chosen:
        shown = shown[shown[column].isin(chosen)]
if stale_only:
    shown = shown[shown["is_mark_stale"]]

c1, c2, c3, c4 = st.columns(4)
c1.metric("Companies shown", fmt.number(len(shown)), border=True)
c2.metric("Cost", fmt.money(shown["cost"].sum(), ccy), border=True)
c3.metric("Fair value", fmt.money(shown["fair_value"].sum(), ccy), border=True)
c4.metric(
    "Stale marks",
    fmt.number(int(shown["is_mark_stale"].sum())),
    help="Companies whose latest fair-value mark is older than the quarter end.",
    border=True,
)

fmt.table(
    shown,
    {
        "company_name": st.column_config.TextColumn("Company", pinned=True),
        "segment_name": "Segment",
        "main_industry": st.column_config.TextColumn(
            "Main industry", help="The end market with the largest share of its revenue."
        ),
        "stage": "Stage",
        "is_mark_stale": st.column_config.CheckboxColumn(
            "Stale mark", help="The latest mark is older than the quarter end."
        ),
        "cost": fmt.money_column("Cost", ccy),
        "fair_value": fmt.money_column("Fair value", ccy),
        "gross_moic": fmt.multiple_column("Gross MOIC", "(Proceeds + fair value) / cost."),
    },
    key="companies_table",
)
fmt.download_csv(
    shown.drop(columns=["company_id"]), f"companies_{fund}_{quarter}", key="csv_companies"
)

# --- one company -------------------------------------------------------------

st.divider()
if shown.empty:
    st.info("No company matches the filters.")
    st.stop()
names = dict(zip(shown["company_id"], shown["company_name"], strict=True))
company_id = st.selectbox(
    "Company", list(names), format_func=lambda c: names.get(c, c), key="company_id"
)
company = shown.set_index("company_id").loc[company_id]
st.subheader("Company view")
st.text(  # user text, shown as written
    f"{company['company_name']} · {company['segment_name']} ({company['segment_group']}) · "
    f"{company['hq_country']} · {company['stage']} · {company['status'].lower()}"
)

marks = queries.company_marks(user, wh, fund, company_id)
marks = marks[pd.to_datetime(marks["quarter_end"]) <= pd.Timestamp(quarter)]
rounds = queries.company_rounds(user, wh, fund, company_id)
rounds = rounds[pd.to_datetime(rounds["investment_date"]) <= pd.Timestamp(quarter)]

left, right = st.columns(2)
with left:
    chart = marks.assign(
        quarter=[fmt.quarter_label(q) for q in marks["quarter_end"]],
        fair_value_label=[fmt.money(v, ccy) for v in marks["fair_value"]],
        cost_label=[fmt.money(v, ccy) for v in marks["cost"]],
        method=marks["valuation_method"].map(fmt.humanize),
    )
    x = ui.quarter_axis()
    tooltip = [
        alt.Tooltip("quarter:N", title="Quarter"),
        alt.Tooltip("fair_value_label:N", title="Fair value"),
        alt.Tooltip("cost_label:N", title="Cost to date"),
        alt.Tooltip("method:N", title="Valuation method"),
        alt.Tooltip("is_mark_stale:N", title="Stale mark"),
    ]
    st.altair_chart(
        alt.layer(
            alt.Chart(chart)
            .mark_line(point=True)
            .encode(
                x=x,
                y=alt.Y("fair_value:Q", title=f"Amount ({ccy})").axis(format="~s"),
                tooltip=tooltip,
            ),
            alt.Chart(chart)
            .mark_line(strokeDash=[4, 4], color="gray")
            .encode(x=x, y="cost:Q", tooltip=tooltip),
            title=alt.Title(
                f"Fair value over time ({ccy})", subtitle="Solid: fair value; dashed: cost to date."
            ),
        ),
        key="marks_chart",
    )
with right:
    st.markdown("**Rounds the fund invested in**")
    fmt.table(
        rounds.assign(
            round_label=rounds["round_label"].map(fmt.humanize),
            stage=rounds["stage"].map(fmt.humanize),
            instrument=rounds["instrument"].map(fmt.humanize),
            local_amount=[
                fmt.money(a, c, compact=False)
                for a, c in zip(rounds["local_amount"], rounds["local_currency"], strict=True)
            ],
        ),
        {
            "investment_date": st.column_config.DateColumn("Date"),
            "round_label": "Round",
            "local_amount": st.column_config.TextColumn(
                "Amount (as invested)", help="In the currency of the round."
            ),
            "fund_amount": fmt.money_column(
                f"Amount ({ccy})", ccy, "At the exchange rate of the investment date."
            ),
            "ownership_pct": st.column_config.NumberColumn(
                "Ownership after", format="%.1f%%", help="Fully diluted, after the round."
            ),
        },
    )
    industries = queries.company_industries(user, wh, fund, company_id)
    st.markdown("**Industry weights (look-through)**")
    fmt.table(
        industries,
        {
            "industry_name": "End market",
            "revenue_share": fmt.share_column(
                "Share of revenue", "Weights used by the look-through industry exposure."
            ),
        },
    )
    if not industries.empty and industries["is_default_allocation"].any():
        st.caption("No weights reported: allocated 100% to the default industry.")

st.markdown("**Latest KPIs**")
kpis = queries.company_kpis_of(user, wh, fund, company_id)
if kpis is None:
    st.info("This company has reported no KPIs.")
else:
    local = kpis["currency"] if not fmt.is_missing(kpis["currency"]) else None
    as_of = pd.Timestamp(kpis["period_end"])
    rate = kpis["fx_rate_to_fund"]

    def amount_row(label: str, amount: str, in_fund: str) -> dict:
        return {
            "metric": label,
            "local": fmt.DASH if local is None else fmt.money(kpis[amount], local),
            "fund": fmt.money(kpis[in_fund], ccy),
        }

    rows = [
        amount_row("Revenue (last 12 months)", "revenue_ttm", "revenue_ttm_fund_currency"),
        amount_row("ARR", "arr", "arr_fund_currency"),
        amount_row("Cash", "cash_balance", "cash_balance_fund_currency"),
        amount_row("Net burn (monthly; positive = burning)", "net_burn", "net_burn_fund_currency"),
        {
            "metric": "Runway",
            "local": fmt.DASH
            if fmt.is_missing(kpis["runway_months"])
            else f"{kpis['runway_months']:.1f} months",
            "fund": "",
        },
        {
            "metric": "Revenue growth (year on year)",
            "local": fmt.pct(kpis["revenue_growth_yoy"]),
            "fund": "",
        },
        {"metric": "Headcount", "local": fmt.number(kpis["headcount"]), "fund": ""},
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "metric": "KPI",
            "local": st.column_config.TextColumn(
                f"In {local or 'the company currency'}",
                help="As the company reports it; — = not reported (revenue needs all 12 "
                "months; runway needs a positive burn).",
            ),
            "fund": st.column_config.TextColumn(
                f"In {ccy} (fund currency)", help="At the exchange rate of the period end."
            ),
        },
    )
    rate_text = (
        ""
        if local is None or local == ccy or fmt.is_missing(rate)
        else f" Rate: 1 {local} = {rate:,.6g} {ccy} ({as_of:%d %b %Y})."
    )
    st.caption(f"As of {as_of:%b %Y}." + rate_text)
