"""Estimate realism: how long closed projects took against their plans, by service group and
PMO service, so an optimistic plan can be challenged at the gate."""

import streamlit as st

import ui
from pmo_data import governance as gov
from pmo_data import quality_scores
from pmo_data.charts import governance as charts
from pmo_data.text import md

ui.page_header("Estimate realism", "Planned against actual duration of closed projects: "
               "history to challenge a plan with.")
f = ui.filters()
ui.freshness_line(ui.call(quality_scores.page_freshness, page="estimates", at=f.at))

closed = ui.call(gov.closed_durations, service_group=f.service_group)
chart = charts.duration_scatter(closed)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))

st.subheader("Overrun by group")
by = st.radio("Group by", ["service_group", "pmo_service"], horizontal=True, key="estimates_by",
              format_func={"service_group": "Service group", "pmo_service": "PMO service"}.get)
summary = ui.call(gov.overrun_summary, by=by, service_group=f.service_group)
chart = charts.overrun_chart(summary, by)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))
ui.table(gov.for_display(summary))
st.caption("Overrun = actual end - planned end (negative: early). Percentiles interpolate "
           "between projects; with few projects in a group, read them as indications.")

st.subheader("Challenge a plan")
cols = st.columns(3)
planned = cols[0].number_input("Planned duration (days)", min_value=1, max_value=3650,
                               value=365, step=30, key="challenge_days")
services = ui.call(gov.overrun_summary, by="pmo_service", service_group=f.service_group)
service = cols[1].selectbox("PMO service", [g for g in services["group"] if g != "All"],
                            index=None, placeholder="Any PMO service", key="challenge_service")
check = ui.call(gov.challenge_duration, planned_days=int(planned),
                service_group=f.service_group, pmo_service=service)
if check.projects:
    cols[2].metric("80% confident duration (days)", f"{check.p80_days:,.0f}",
                   help=f"Median outcome {check.median_days:,.0f} days; from "
                        f"{check.projects} comparable closed projects.")
    st.caption(f"On the history of {check.projects} comparable closed projects, a "
               f"{check.planned_days}-day plan typically takes {check.median_days:,.0f} days; "
               f"allow {check.p80_days:,.0f} days to be 80% confident.")
else:
    cols[2].metric("80% confident duration (days)", "No history")

st.subheader("Closed projects")
ui.table(gov.for_display(closed))
