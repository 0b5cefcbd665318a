"""FundLens app: the entry point (`streamlit run app/streamlit_app.py`).

Draws the shared sidebar (fund and quarter) on the pages that use it, then runs the
chosen page from `views/`. Every page reads the published warehouse through `queries`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import queries
import ui

APP = Path(__file__).parent
VIEWS = APP / "views"

# A local icon: the app makes no request to any outside server.
st.set_page_config(
    page_title="FundLens", page_icon=str(APP / "static" / "fundlens.png"), layout="wide"
)

overview = st.Page(
    VIEWS / "overview.py", title="Overview", icon=":material/dashboard:", default=True
)
portfolio_pages = [
    overview,
    st.Page(VIEWS / "exposure.py", title="Exposure", icon=":material/donut_small:"),
    st.Page(VIEWS / "performance.py", title="Performance", icon=":material/trending_up:"),
    st.Page(VIEWS / "companies.py", title="Companies", icon=":material/business_center:"),
    st.Page(VIEWS / "market.py", title="Market", icon=":material/public:"),
]
pages = {
    "Portfolio": portfolio_pages,
    "Operations": [
        st.Page(VIEWS / "data_status.py", title="Data status", icon=":material/fact_check:"),
    ],
}
page = st.navigation(pages)

warehouse = queries.current_warehouse()
if page.url_path in {p.url_path for p in portfolio_pages} or page is overview:
    ui.sidebar(warehouse)  # fund and quarter: only on the pages that use them
if warehouse is not None:
    st.sidebar.caption(f"Data version `{warehouse.version}`")

page.run()
