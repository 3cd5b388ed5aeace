"""Data quality: row counts and freshness per source, rejected rows, import history and a
quality score per source (completeness, validity, timeliness, duplicates)."""

from datetime import date

import streamlit as st

import ui
from pmo_data import quality, quality_scores

ui.page_header("Data quality", "What was imported, when, by whom; what was rejected and why.")

st.subheader("Sources")
ui.table(ui.call(quality.source_table))

st.subheader("Rejected rows")
rejected = ui.call(quality.rejected_rows)
st.caption(f"{len(rejected)} rows rejected in each source's latest import.")
ui.table(rejected)

st.subheader("Import history")
ui.table(ui.call(quality.import_history))

st.subheader("Quality scores")
with st.expander("Freshness thresholds (days after which a source counts as stale)"):
    edited = st.data_editor(quality_scores.thresholds_frame(), hide_index=True,
                            disabled=["Source"], key="stale_after_editor",
                            placeholder="never")  # a blank threshold: never stale
stale_after = quality_scores.thresholds_from_frame(edited)
st.caption("Score = mean of required columns filled, valid rows in the last import, rows "
           "without a duplicate key, and timeliness (fresh 100, stale 0). \"Not measured\": "
           "no rows, no key or no threshold.")
ui.table(ui.call(quality_scores.score_table, today=date.today(), stale_after=stale_after),
         missing="not measured", column_config={"Score": st.column_config.ProgressColumn(
             "Score", min_value=0, max_value=100, format="%.0f")})
