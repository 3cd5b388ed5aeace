"""Benefits: what value are we delivering? Planned against realised, cash-releasing savings
by year, the benefits map, hygiene checks and the register."""

import streamlit as st

import ui
from pmo_data import fmt, metrics, quality_scores
from pmo_data import governance as gov
from pmo_data.charts import governance as charts
from pmo_data.text import md

ui.page_header("Benefits", "What value are we delivering: planned against realised, and "
               "which benefits need attention.")
f = ui.filters()
ui.freshness_line(ui.call(quality_scores.page_freshness, page="benefits", at=f.at))
money = st.column_config.NumberColumn(format="£%,.0f")

totals = ui.call(gov.benefit_totals, as_at=f.at, service_group=f.service_group)
cash = ui.call(metrics.benefits_realised_gbp, fy=f.fy, as_at=f.as_at,
               service_group=f.service_group)
tiles = st.columns(4)
tiles[0].metric("Benefits in the register", f"{totals.benefits:,}",
                help="Every benefit in the register, whatever its year.")
tiles[1].metric("Realised (all years)", f"{totals.realised:,}")
tiles[2].metric(f"Cash-releasing realised in {f.fy}", fmt.value(cash.value, cash.unit),
                help=md(metrics.get_definition("BENEFITS_REALISED_GBP").definition + " All "
                        f"years: {fmt.money_short(totals.cash_realised)} realised of "
                        f"{fmt.money_short(totals.cash_target)} planned."))
tiles[3].metric("Past target date, not realised", f"{totals.overdue:,}")

st.subheader("Planned against realised")
left, right = st.columns(2)
by = left.radio("Group by", ["category", "project", "service_group"], horizontal=True,
                format_func=lambda v: gov.LABELS.get(v, v.title()), key="benefits_by")
measure = right.radio("Measure", ["count", "value"], horizontal=True, key="benefits_measure",
                      format_func={"count": "Number of benefits", "value": "Value (£)"}.get)
chart = charts.benefits_planned_realised(
    ui.call(gov.benefits_by, by=by, service_group=f.service_group), by, measure)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))

st.subheader("Cash-releasing benefits by financial year")
by_fy = ui.call(gov.cash_releasing_by_fy, service_group=f.service_group)
chart = charts.cash_releasing_by_fy_chart(by_fy)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))
ui.table(gov.for_display(by_fy),
         column_config={"Target": money, "Realised": money})

st.subheader("Benefits map")
size_by = st.radio("Size flows by", ["value", "count"], horizontal=True, key="benefits_map_size",
                   format_func={"value": "Target value (£)", "count": "Number of benefits"}.get)
flows = ui.call(gov.benefits_map, service_group=f.service_group,
                unit="£" if size_by == "value" else None)
chart = charts.benefits_sankey(flows, size_by)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))

st.subheader("Hygiene checks")
missing = ui.call(gov.benefits_missing_fields, service_group=f.service_group)
st.markdown(f"**{len(missing)} benefits lack a baseline, measure, owner or target date**")
ui.table(gov.for_display(missing))
overdue = ui.call(gov.benefits_overdue, as_at=f.as_at, service_group=f.service_group)
st.markdown(f"**{len(overdue)} benefits are past their target date and not realised** "
            f"(at {fmt.day(f.as_at)}; withdrawn benefits left out)")
ui.table(gov.for_display(overdue))

st.subheader("Register")
options = ui.call(gov.benefit_options, service_group=f.service_group)
cols = st.columns(3)
category = cols[0].selectbox("Category", options.categories, index=None,
                             placeholder="All categories", key="benefits_category")
project = cols[1].selectbox("Project", options.projects, index=None,
                            placeholder="All projects", key="benefits_project")
status = cols[2].selectbox("Status", options.statuses, index=None, placeholder="All statuses",
                          key="benefits_status")
register = ui.call(gov.benefits_register, service_group=f.service_group, category=category,
                   project_id=project, status=status)
st.caption(f"{len(register)} benefits. Realised % is the share of the planned change "
           "achieved: (realised - baseline) / (target - baseline).")
ui.table(gov.for_display(register))
