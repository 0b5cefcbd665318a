"""Overview (the landing page): the fund at the chosen quarter, with the change since the
quarter before, its exposure by segment group, and what to be careful about."""

import pandas as pd
import streamlit as st

import formatting as fmt
import queries
import ui

sel = ui.selection()
user, wh, fund, quarter, ccy = sel.user, sel.warehouse, sel.fund_id, sel.quarter_end, sel.currency
ui.page_header("Overview", sel)

try:
    history = queries.fund_performance(user, wh, fund, quarter)
except queries.MartMissing:
    history = pd.DataFrame({"quarter_end": []})
history["quarter_end"] = pd.to_datetime(history["quarter_end"]).dt.date
now = history.iloc[-1] if not history.empty and history.iloc[-1]["quarter_end"] == quarter else None
before = history.iloc[-2] if now is not None and len(history) > 1 else None
conc = queries.concentration(user, wh, fund, quarter)
previous = sel.previous_quarter
conc_before = queries.concentration(user, wh, fund, previous) if previous else None

if now is None:
    st.info("No performance figures for this fund at this quarter end.")
else:
    earlier = None if before is None else fmt.quarter_label(before["quarter_end"])
    since = (
        f"Change since {fmt.quarter_label(before['quarter_end'])}."
        if before is not None
        else "No earlier quarter to compare with."
    )

    def tile(col, label: str, column: str, kind: str, help_text: str, **kw) -> None:
        value = now[column]
        shown = {
            "money": lambda v: fmt.money(v, ccy),
            "multiple": fmt.multiple,
            "pct": fmt.pct,
            "ratio": lambda v: fmt.number(v, 2),
        }[kind](value)
        change = None if before is None else ui.delta(value, before[column], kind, ccy)
        ui.metric(col, label, shown, change, help=f"{help_text} {since}", **kw)

    benchmark = (
        f"against the {sel.benchmark_index_code} index"
        if sel.benchmark_index_code
        else "not computed: the fund has no benchmark index"
    )
    if before is not None:
        st.caption(f"Changes since {earlier}.")
    row1 = st.columns(4)
    tile(row1[0], "NAV", "net_asset_value", "money", "Net asset value at the quarter end.")
    tile(
        row1[1],
        "Paid-in",
        "paid_in_capital",
        "money",
        "Capital called from LPs to date.",
        delta_color="off",
    )
    tile(row1[2], "Distributed", "distributed_capital", "money", "Distributed to LPs to date.")
    tile(
        row1[3],
        "Unfunded",
        "unfunded_commitment",
        "money",
        "Commitments not yet called.",
        delta_color="off",
    )
    row2 = st.columns(4)
    tile(row2[0], "DPI", "dpi", "multiple", "Distributions to paid-in capital.")
    tile(row2[1], "TVPI", "tvpi", "multiple", "Total value (NAV + distributions) to paid-in.")
    row3 = st.columns([1, 1, 2])
    active_help = "Companies the fund holds at the quarter end."
    active = None if conc is None else conc["active_company_count"]
    active_before = None if conc_before is None else conc_before["active_company_count"]
    ui.metric(
        row3[0],
        "Active companies",
        fmt.number(active),
        ui.delta(active, active_before, "number") if previous else None,
        help=f"{active_help} {since}",
        delta_color="off",
    )
    age = sel.age_years
    if age is not None and age < fmt.IRR_MIN_YEARS:
        row2[2].metric("Net IRR", fmt.NOT_MEANINGFUL, help=fmt.IRR_HELP, border=True)
    else:
        tile(row2[2], "Net IRR", "net_irr", "pct", f"XIRR of LP cash flows and NAV. {fmt.IRR_HELP}")
    tile(
        row2[3],
        "KS-PME",
        "ks_pme",
        "ratio",
        f"Kaplan-Schoar public market equivalent, {benchmark}; above 1 beats the index.",
    )
    tile(row3[1], "Gross MOIC", "gross_moic", "multiple", "Fund to companies, before fees.")

    # the spot for the quarterly report (PDF) download, beside the last tiles
    report_slot = row3[2].container(key="report_download")

left, right = st.columns(2)
with left:
    segments = queries.exposure(user, wh, fund, "segment", quarter)
    if segments.empty:
        st.info("No holdings at this quarter end.")
    else:
        groups = (
            segments.assign(segment_group=segments["segment_group"].map(fmt.humanize))
            .groupby("segment_group", as_index=False)
            .agg(fair_value=("fair_value", "sum"), nav_share=("nav_share", "sum"))
            .sort_values("fair_value", ascending=False)
        )
        groups["company_count"] = [
            int(
                segments.loc[
                    segments["segment_group"].map(fmt.humanize) == g, "company_count"
                ].sum()
            )
            for g in groups["segment_group"]
        ]
        st.altair_chart(
            ui.share_bar_chart(
                groups, "segment_group", "Segment group", "Exposure by segment group", ccy
            ),
        )
        st.caption(
            fmt.plain(
                " · ".join(
                    f"{g}: {fmt.pct(s)}"
                    for g, s in zip(groups["segment_group"], groups["nav_share"], strict=True)
                )
            )
        )
with right:
    st.subheader("Warnings for this fund")
    warnings = []
    if now is not None and now["nav_source"] == "rolled_forward":
        warnings.append(
            "No NAV was reported for this quarter end: the NAV shown is the latest reported "
            "NAV rolled forward with the calls and distributions since."
        )
    elif now is not None and now["nav_source"] == "portfolio_fair_value":
        warnings.append(
            "No NAV was ever reported up to this quarter end: the NAV shown is the sum of "
            "the holdings' fair values."
        )
    stale = queries.stale_marks(user, wh, fund, quarter)
    if not stale.empty:
        names = ", ".join(stale["company_name"].head(5))
        more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
        warnings.append(
            f"{len(stale)} holding(s) carry a mark older than the quarter end "
            f"(stale marks): {names}{more}."
        )
    if sel.age_years is not None and sel.age_years < fmt.IRR_MIN_YEARS:
        warnings.append("The fund is younger than a year at this quarter end: IRRs are n/m.")
    if warnings:
        for text in warnings:
            # plain text: company names are user text
            st.warning(fmt.plain(text), icon=":material/warning:")
    else:
        st.success("Nothing to flag for this quarter end.", icon=":material/check_circle:")
