"""Training reach: staff trained toward the target of 120 a year, who they were, how bookings
became completions, and whether people left more confident."""

import streamlit as st

import ui
from pmo_data import fmt, metrics, plan, training
from pmo_data.charts import training as charts
from pmo_data.text import md

f = ui.filters()
scope = dict(fy=f.fy, as_at=f.as_at, service_group=f.service_group)
ui.page_header("Training reach", f"{f.fy}, {f.service_group or 'all service groups'}, up to "
               f"{fmt.day(f.as_at)}: distinct staff trained against the annual target, and "
               "what the courses achieved.")
trained = ui.call(metrics.trained_staff, **scope)
dna = ui.call(metrics.training_dna_rate, **scope)
ui.freshness_line({"training": trained.freshness})


def show(chart: charts.TrainingChart, where=st) -> None:  # noqa: ANN001 - a container
    where.plotly_chart(chart.figure, alt=chart.summary)
    where.caption(md(chart.summary))


forecast = ui.call(metrics.training_forecast, **scope)
cols = st.columns(4)
cols[0].metric("Staff trained", plan.format_value(trained.value, trained.unit),
               help=metrics.get_definition("TRAINED_STAFF").definition)
cols[1].metric("Pro-rata target to date", plan.format_value(trained.ytd_target, "count",
                                                            missing="no target"),
               help=f"Annual target {plan.format_value(trained.target, 'count', 'none')} x "
                    "whole months elapsed / 12.")
cols[2].metric("Forecast at year end", plan.format_value(
    None if forecast.forecast is None else round(forecast.forecast), "count"),
    help=training.FORECAST_RULE)
cols[3].metric("Did-not-attend rate", plan.format_value(
    None if dna.value is None else round(dna.value, 1), dna.unit),
    help=metrics.get_definition("TRAINING_DNA_RATE").definition)
if f.service_group:
    st.caption(f"Targets are for the whole trust; the counts are for {md(f.service_group)} only.")

show(charts.cumulative_chart(ui.call(metrics.cumulative_trained_by_month, **scope), forecast))

st.subheader("Who was trained")
left, right = st.columns(2)
show(charts.group_chart(ui.call(training.reach_by_group, **scope, by="service_group"),
                        "Service group", f.fy), left)
show(charts.group_chart(ui.call(training.reach_by_group, **scope, by="staff_group"),
                        "Staff group", f.fy), right)
st.caption("A person recorded in two groups counts in each, so the bars can add up to more "
           "than the total.")

st.subheader("Course funnel")
funnel = ui.call(training.course_funnel, **scope)
left, right = st.columns([3, 2])
show(charts.funnel_chart(funnel), left)
right.markdown("**How the funnel is counted**")
right.caption(training.FUNNEL_RULES)
ui.table(training.funnel_table(funnel), missing="–", column_config={
    col: st.column_config.NumberColumn(format="%.0f%%") for col in (
        "Attended %", "Completed %", "DNA rate %")})

st.subheader("Feedback and confidence")
confidence = ui.call(training.confidence_change, **scope)
left, middle, right = st.columns(3)
show(charts.confidence_chart(confidence, f.fy), left)
show(charts.change_chart(confidence, f.fy), middle)
show(charts.feedback_chart(ui.call(training.feedback_scores, **scope), f.fy), right)
st.caption("Attended sessions only. A pair is one session with both a before and an after "
           "confidence rating (1-10); the change is after minus before.")

st.subheader("Across the years")
years = ui.call(training.trained_by_year, as_at=f.as_at, service_group=f.service_group)
show(charts.years_chart(years))
ui.table(training.years_table(years), missing="–")
