"""The quarterly report's download button, shared by the Overview and Capital account pages.

    report_button.quarterly_report(sel)            # an LP: its own report
    report_button.quarterly_report(sel, lp_id)     # an operator: that LP's (None: the fund's)

The PDF is built only when the button is clicked (Streamlit's deferred download), through
`queries.quarterly_report`, which decides whose report the signed-in user may have; each
download is written to the audit log. Analysts see no button (the report holds LP data).
"""

from __future__ import annotations

import streamlit as st

import queries
import ui
from fundlens import audit


def quarterly_report(sel: ui.Selection, lp_id: str | None = None, key: str = "report_pdf") -> None:
    user = sel.user
    if not (user.is_lp or user.is_operator):
        return
    who = user.lp_id if user.is_lp else lp_id
    home, client = ui.home(), ui.client_address()
    detail = f"quarterly report {who or 'fund total'} {sel.fund_id} {sel.quarter_end}"

    def build() -> bytes:  # runs on click, in another thread: no Streamlit calls here
        pdf = queries.quarterly_report(user, sel.warehouse, sel.fund_id, sel.quarter_end, who)
        audit.log(home, "download", user.username, client, detail=detail)
        return pdf

    st.download_button(
        "Quarterly report (PDF)",
        data=build,
        file_name=f"{sel.fund_id}_{sel.quarter_end:%Y-%m-%d}_{who or 'fund'}.pdf",
        mime="application/pdf",
        key=key,
        icon=":material/picture_as_pdf:",
        help="The quarterly report for this fund and quarter, laid out as LPs expect (ILPA): "
        "fund summary, capital account statement, portfolio and notes.",
    )
