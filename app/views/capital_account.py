"""Capital account: one LP's statement in the chosen fund and quarter, with quarter-to-date,
year-to-date and since-inception columns (LPs: their own; operators choose the LP)."""

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import report_button
import ui
from fundlens import statement as stmt
from fundlens.errors import FundLensError

sel = ui.selection()
user, wh, ccy, quarter = sel.user, sel.warehouse, sel.currency, sel.quarter_end
ui.page_header("Capital account", sel)

lp_id = None
if not user.is_lp:
    lps = queries.lp_choices(user, wh)
    in_fund = lps[lps["lp_id"].isin(queries.lps_of_fund(user, wh, sel.fund_id))]
    if in_fund.empty:
        st.info("No LP has committed to this fund.")
        st.stop()
    names = dict(zip(in_fund["lp_id"], in_fund["lp_name"], strict=True))
    if st.session_state.get("capital_account_lp") not in names:
        st.session_state["capital_account_lp"] = next(iter(names))
    lp_id = st.selectbox(
        "LP", list(names), format_func=lambda i: f"{names[i]} ({i})", key="capital_account_lp"
    )

try:
    statement = queries.capital_account_statement(user, wh, sel.fund_id, quarter, lp_id)
except queries.MartMissing:
    st.info(
        "Capital accounts are not in the published warehouse yet. Run `fundlens refresh` "
        "with a FundLens version that builds `lp_cash_flows`."
    )
    st.stop()
except FundLensError as exc:
    st.info(str(exc))
    st.stop()

st.subheader(fmt.plain(statement.lp_name))  # user text, shown as written
report_button.quarterly_report(sel, lp_id)
qtd_start, _ = statement.periods["qtd"]
ytd_start, _ = statement.periods["ytd"]
st.caption(
    f"QTD: the quarter ending {quarter:%d %b %Y}; YTD: since 1 Jan {quarter.year}; "
    "ITD: since the fund's first capital call. Amounts in "
    f"{ccy}; contributions add to NAV, distributions (negative) take from it."
)


def value(line: str) -> float | None:
    return statement.line(line)["itd"]


m = st.columns(4)
m[0].metric("Commitment", fmt.money(value("Commitment"), ccy))
m[1].metric("Ownership share", fmt.pct(value("Ownership share"), 2))
m[2].metric("Contributed (ITD)", fmt.money(value("Total contributions"), ccy))
m[3].metric("Unfunded commitment", fmt.money(value("Unfunded commitment"), ccy))
m = st.columns(4)
m[0].metric("Distributed (ITD)", fmt.money(-value("Total distributions"), ccy))
m[1].metric("NAV", fmt.money(value("Ending NAV"), ccy))
m[2].metric("DPI", fmt.multiple(value("DPI")))
m[3].metric("TVPI", fmt.multiple(value("TVPI")))

table = statement.table
display = statement.display()
st.dataframe(
    display,
    hide_index=True,
    column_config={
        "line": st.column_config.TextColumn("", width="large"),
        "qtd": st.column_config.TextColumn("Quarter (QTD)"),
        "ytd": st.column_config.TextColumn("Year to date (YTD)"),
        "itd": st.column_config.TextColumn("Since inception (ITD)"),
    },
    height=(len(display) + 1) * 35 + 3,
)
who = statement.lp_id
ui.download_lp_csv(
    table,
    f"capital_account_{who}_{sel.fund_id}_{quarter}",
    key="csv_statement",
    detail=f"capital account statement {who} {sel.fund_id} {quarter}",
)

st.subheader("Cash flows by quarter")
flows = queries.lp_cash_flows(user, wh, sel.fund_id, lp_id)
flows = flows[pd.to_datetime(flows["quarter_end"]).dt.date <= quarter]
if flows.empty:
    st.info("No capital calls or distributions up to this quarter end.")
else:
    labels = {
        **{("capital_call", p): label for p, label in stmt.CONTRIBUTION_PURPOSES.items()},
        **{("distribution", p): label for p, label in stmt.DISTRIBUTION_PURPOSES.items()},
    }
    flows = flows.assign(
        column=[labels[(t, p)] for t, p in zip(flows["flow_type"], flows["purpose"], strict=True)],
        quarter_end=pd.to_datetime(flows["quarter_end"]).dt.date,
    )
    present = [c for c in labels.values() if c in set(flows["column"])]
    by_quarter = (
        flows.pivot_table(index="quarter_end", columns="column", values="amount", aggfunc="sum")
        .reindex(columns=present)
        .fillna(0.0)
        .sort_index(ascending=False)
        .reset_index()
    )
    by_quarter.columns.name = None
    st.dataframe(
        by_quarter,
        hide_index=True,
        column_config={
            "quarter_end": st.column_config.DateColumn("Quarter end"),
            **{c: fmt.money_column(c, ccy) for c in present},
        },
    )
    ui.download_lp_csv(
        by_quarter,
        f"cash_flows_{who}_{sel.fund_id}_{quarter}",
        key="csv_lp_flows",
        detail=f"cash flows {who} {sel.fund_id} up to {quarter}",
    )

with st.expander("Notes"):
    for note in statement.notes:
        st.markdown(f"- {note}")
