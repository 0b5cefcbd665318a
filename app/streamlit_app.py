"""FundLens app: the entry point (`streamlit run app/streamlit_app.py`).

A visitor who is not signed in sees the login form and nothing else. A signed-in user
gets the pages of their role, the shared sidebar (fund and quarter, limited to the funds
they may see) on the pages that use it, and the chosen page from `views/`. Every page
reads the published warehouse through `queries`, which takes the user and enforces what
they may see.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import queries
import ui

# A local icon: the app makes no request to any outside server.
ICON = Path(__file__).parent / "static" / "fundlens.png"
st.set_page_config(page_title="FundLens", page_icon=str(ICON), layout="wide")

user = ui.current_user()
if user is None:
    ui.login_form()
    st.stop()

page = st.navigation(ui.pages_for(user))

warehouse = queries.current_warehouse()
if ui.uses_selection(page):
    ui.sidebar(user, warehouse)
if warehouse is not None:
    st.sidebar.caption(f"Data version `{warehouse.version}`")
ui.sign_out_button(user)

page.run()
