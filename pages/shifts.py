"""Three shifts: how the projects serving each shift of the ten-year health plan (hospital to
community, sickness to prevention, analogue to digital) are going: projects by stage and RAG,
benefits planned and realised, and the trend of Red and Amber/Red projects."""

import streamlit as st

import ui
from pmo_data import fmt, shifts
from pmo_data.charts.portfolio import rag_by_group_chart, shift_trend_chart
from pmo_data.text import md

ui.page_header("Three shifts", "How the projects serving each shift of the ten-year health "
               "plan are going.")
f = ui.filters()
view = ui.call(shifts.shift_view, at=f.at, service_group=f.service_group)
st.caption(f"At {fmt.day(f.at)}, {md(f.service_group) or 'all service groups'}: latest RAG "
           "reported by then; benefits planned and realised (counts of every unit; values in "
           "pounds only). A project's shift is the register's Strategic shift column.")
for column, shift in zip(st.columns(len(view.shifts)), view.shifts, strict=True):
    with column, st.container(border=True):
        st.markdown(f"**{md(shift)}**")
        st.caption(md(view.sentence(shift)))

by_rag = rag_by_group_chart(shifts.rag_frame(view), title="Active projects by shift and RAG",
                            axis="Strategic shift", noun="shift")
st.plotly_chart(by_rag.figure, alt=by_rag.summary)
st.caption(md(by_rag.summary))
trend = shift_trend_chart(view.trend)
st.plotly_chart(trend.figure, alt=trend.summary)
st.caption(md(trend.summary))

st.markdown("**Projects by stage**")
ui.table(shifts.stage_table(view))
st.markdown("**Benefits planned and realised**")
ui.table(shifts.benefits_table(view), missing=shifts.NO_VALUE,
         column_config={c: st.column_config.NumberColumn(format="localized")
                        for c in ("Planned (£)", "Realised (£)", "Realised %")})
