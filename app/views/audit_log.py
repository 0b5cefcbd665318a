"""Audit log: sign-ins (ok, failed, slowed down), sign-outs and downloads of LP data
(operators only; the query layer refuses everyone else)."""

import streamlit as st

import formatting as fmt
import queries
import ui

user = ui.require_user()
st.title("Audit log")
st.caption(
    "Who signed in or failed to, from which address, and who downloaded LP data; "
    "newest first. Times in UTC. Passwords are never recorded."
)

events = queries.audit_log(user, ui.home())
if events.empty:
    st.info("Nothing recorded yet.")
    st.stop()

kinds = sorted(events["event"].unique())
chosen = st.multiselect("Events", kinds, default=kinds, key="audit_events")
shown = events[events["event"].isin(chosen)]
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "at": "Time (UTC)",
        "event": "Event",
        "username": "User",
        "client": "Client address",
        "detail": st.column_config.TextColumn("Detail", width="large"),
    },
)
fmt.download_csv(shown, "audit_log", key="csv_audit")
