"""FundLens app: the entry point (`streamlit run app/streamlit_app.py`).

Draws the shared sidebar (fund and quarter), then runs the chosen page from
`views/`. Every page reads the published warehouse through `queries`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import queries
import ui

VIEWS = Path(__file__).parent / "views"
ICON = Path(__file__).parent / "icon.png"  # served by the app itself: no outside font server

st.set_page_config(page_title="FundLens", page_icon=str(ICON), layout="wide")

pages = {
    "Portfolio": [
        st.Page(VIEWS / "exposure.py", title="Exposure", icon=":material/donut_small:"),
        st.Page(VIEWS / "performance.py", title="Performance", icon=":material/trending_up:"),
        st.Page(VIEWS / "portfolio.py", title="Holdings", icon=":material/business_center:"),
        st.Page(VIEWS / "market.py", title="Market coverage", icon=":material/public:"),
    ],
    "Operations": [
        st.Page(VIEWS / "data_status.py", title="Data status", icon=":material/fact_check:"),
    ],
}
page = st.navigation(pages)

warehouse = queries.current_warehouse()
ui.sidebar(warehouse)
if warehouse is not None:
    st.sidebar.caption(f"Data version `{warehouse.version}`")

page.run()
