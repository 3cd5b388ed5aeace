"""Portfolio history: what changed between two reporting dates, and which Green reports the
evidence does not support. Every project row opens the project in Portfolio delivery."""

import streamlit as st

import ui
from pmo_data import fmt, quality_scores
from pmo_data import governance as gov
from pmo_data.charts import governance as charts
from pmo_data.text import md

ui.page_header("Portfolio history", "What changed since last month: pick two reporting dates.")
f = ui.filters()
ui.freshness_line(ui.call(quality_scores.page_freshness, page="portfolio_history",
                          at=f.at))


def linked(frame) -> None:  # noqa: ANN001 - a governance DataFrame with project_id
    """A table whose first column opens the project in Portfolio delivery."""
    data = gov.for_display(gov.with_project_links(frame))
    order = ["Open", *[c for c in data.columns if c not in ("Open", "Project")]]
    ui.table(data, column_order=order, column_config={
        "Open": st.column_config.LinkColumn("Project", display_text=r"project=(.*)$",
                                            help="Open the project in Portfolio delivery")})


default = ui.call(gov.default_comparison, as_at=f.at, service_group=f.service_group)
if default is None:
    st.info("Comparing needs highlight reports on at least two dates.")
    st.stop()
# Reporting dates, plus the default pair (the previous report date and the as-at date).
dates = sorted({*ui.call(gov.reporting_dates, service_group=f.service_group), *default},
               reverse=True)
for key in ("history_before", "history_after"):
    if st.session_state.get(key) not in dates:
        st.session_state.pop(key, None)
left, right = st.columns(2)
before = left.selectbox("From", dates, index=dates.index(default[0]), key="history_before",
                        format_func=fmt.day)
after = right.selectbox("To", dates, index=dates.index(default[1]), key="history_after",
                        format_func=fmt.day)
diff = ui.call(gov.portfolio_diff, before=before, after=after, service_group=f.service_group)

chart = charts.rag_mix_chart(diff.rag_counts, diff.before, diff.after)
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))
tiles = st.columns(5)
for tile, (label, table) in zip(tiles, [
        ("Newly red", diff.newly_red), ("Recovered from red", diff.recovered),
        ("Newly not reported", diff.newly_not_reported), ("New projects", diff.new_projects),
        ("Closed projects", diff.closed_projects)], strict=True):
    tile.metric(label, len(table))

st.subheader("RAG changes")
st.caption(f"Active projects whose latest RAG on {fmt.day(diff.after)} differs from the one "
           f"on {fmt.day(diff.before)}.")
linked(diff.rag_changes)
for title, table, note in [
        ("Newly red", diff.newly_red, "Red now, not Red before (or no report)."),
        ("Recovered", diff.recovered, "Red before; now reporting a better RAG."),
        ("Newly not reported", diff.newly_not_reported,
         "Reported within 31 days of the first date, but not of the second."),
        ("New projects", diff.new_projects, "Started between the two dates."),
        ("Closed projects", diff.closed_projects, "Actual end date between the two dates.")]:
    st.subheader(f"{title} ({len(table)})")
    st.caption(note)
    linked(table)

st.subheader("Schedule movement")
st.caption("Milestones that fell due between the two dates and were not achieved by the "
           "second (baseline and actual dates are history, so this is exact).")
linked(diff.newly_overdue_milestones)
st.caption("Forecast end dates away from the planned end date. The register, milestones and "
           "highlight reports keep no history of forecasts, so this compares today's "
           "forecast with the baseline, not the two dates.")
linked(diff.end_date_moves)

st.subheader("RAG integrity check")
settings = ui.integrity_settings({
    "forecast_end_days": "integrity_end_days", "milestone_overdue_days": "integrity_milestone_days",
    "report_max_age_days": "integrity_report_days",
    "very_high_risks_allowed": "integrity_risks_allowed"})
st.caption(md(gov.integrity_rules_text(settings)))
flagged = ui.call(gov.rag_integrity, as_at=f.at, service_group=f.service_group, **settings)
st.caption(f"{len(flagged)} active projects report Green or Amber/Green at "
           f"{fmt.day(f.at)} while the evidence disagrees.")
linked(flagged.drop(columns=[k for k, _ in gov.INTEGRITY_RULES]))
