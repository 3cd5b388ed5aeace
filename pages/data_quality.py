"""Data quality: row counts and freshness per source, import history, rejected rows."""

import streamlit as st

import ui
from pmo_data import quality

ui.page_header("Data quality", "What was imported, when, by whom; what was rejected and why.")

st.subheader("Sources")
st.dataframe(ui.call(quality.source_table), hide_index=True)

st.subheader("Rejected rows")
rejected = ui.call(quality.rejected_rows)
st.caption(f"{len(rejected)} rows rejected in each source's latest import.")
st.dataframe(rejected, hide_index=True)

st.subheader("Import history")
st.dataframe(ui.call(quality.import_history), hide_index=True)
