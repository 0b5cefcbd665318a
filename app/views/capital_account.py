"""Capital account: one LP's position in the chosen fund (LPs: their own; operators choose)."""

import streamlit as st

import formatting as fmt
import queries
import report_button
import ui

sel = ui.selection()
user, wh, ccy = sel.user, sel.warehouse, sel.currency
ui.page_header("Capital account", sel)

lp_id = None
if not user.is_lp:
    lps = queries.lp_choices(user, wh)
    in_fund = lps[lps["lp_id"].isin(queries.lps_of_fund(user, wh, sel.fund_id))]
    if in_fund.empty:
        st.info("No LP has committed to this fund.")
        st.stop()
    names = dict(zip(in_fund["lp_id"], in_fund["lp_name"], strict=True))
    lp_id = st.selectbox(
        "LP", list(names), format_func=lambda i: f"{names[i]} ({i})", key="capital_account_lp"
    )

accounts = queries.capital_accounts(user, wh, sel.fund_id, lp_id)
upto = accounts[accounts["quarter_end"].dt.date <= sel.quarter_end]
if upto.empty:
    st.info("No capital account for this fund up to the chosen quarter end.")
    st.stop()
row = upto.iloc[-1]
st.subheader(str(row["lp_name"]))
report_button.quarterly_report(sel, lp_id)
m = st.columns(4)
m[0].metric("Commitment", fmt.money(row["commitment_amount"], ccy))
m[1].metric("Ownership share", fmt.pct(row["ownership_share"], 2))
m[2].metric("Contributed", fmt.money(row["contributed"], ccy))
m[3].metric("Unfunded", fmt.money(row["unfunded_commitment"], ccy))
m = st.columns(4)
m[0].metric("Distributed", fmt.money(row["distributed"], ccy))
m[1].metric("NAV", fmt.money(row["net_asset_value"], ccy))
m[2].metric("DPI", fmt.multiple(row["dpi"]))
m[3].metric("TVPI", fmt.multiple(row["tvpi"]))
