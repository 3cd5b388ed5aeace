"""Risks and issues: the 5x5 matrix of open risks (click or pick a cell to list them), top
risks, items past review, issues by project and service group, and the trend over time."""

import streamlit as st

import ui
from pmo_data import fmt, quality_scores
from pmo_data import governance as gov
from pmo_data.charts import governance as charts
from pmo_data.text import md

ui.page_header("Risks and issues", "What could hurt delivery, what already has, and which "
               "items nobody has looked at lately.")
f = ui.filters()
ui.freshness_line(ui.call(quality_scores.page_freshness, page="risks", at=f.at))

totals = ui.call(gov.raid_totals, as_at=f.at, service_group=f.service_group)
tiles = st.columns(4)
tiles[0].metric("Open risks", totals.open_risks)
tiles[1].metric("Very high risks (score 15+)", totals.very_high_risks)
tiles[2].metric("Open issues", totals.open_issues)
tiles[3].metric("Open items past review date", totals.past_review)

st.subheader("Open risks by likelihood and impact")
# A click on the matrix fills the two selects (read before they are drawn).
clicked = (st.session_state.get("risk_matrix") or {}).get("selection", {}).get("points", [])
if clicked and clicked != st.session_state.get("risk_matrix_seen"):
    st.session_state["risk_matrix_seen"] = clicked
    st.session_state["risk_likelihood"] = int(clicked[0]["y"])
    st.session_state["risk_impact"] = int(clicked[0]["x"])
matrix = ui.call(gov.risk_matrix, service_group=f.service_group, as_at=f.at)
left, right = st.columns([3, 1])
with right:
    st.caption("Click a cell, or pick one here, to list its risks.")
    likelihood = st.selectbox("Likelihood", [1, 2, 3, 4, 5], index=None,
                              placeholder="Any", key="risk_likelihood")
    impact = st.selectbox("Impact", [1, 2, 3, 4, 5], index=None, placeholder="Any",
                          key="risk_impact")
cell = (likelihood, impact) if likelihood and impact else None
chart = charts.risk_heatmap(matrix.cells, unscored=matrix.unscored, selected=cell)
with left:
    st.plotly_chart(chart.figure, alt=chart.summary, on_select="rerun", selection_mode="points",
                    key="risk_matrix")
    st.caption(md(chart.summary))
if likelihood or impact:
    chosen = ui.call(gov.open_risks, service_group=f.service_group, likelihood=likelihood,
                     impact=impact, as_at=f.at)
    where = " and ".join(t for t in (likelihood and f"likelihood {likelihood}",
                                     impact and f"impact {impact}") if t)
    st.markdown(f"**{len(chosen)} open risk{'' if len(chosen) == 1 else 's'} with {where}**")
    ui.table(gov.for_display(chosen))

st.subheader("Top open risks by score")
top = ui.call(gov.open_risks, service_group=f.service_group, limit=10, as_at=f.at)
ui.table(gov.for_display(top))

st.subheader("Open items past their review date")
past = ui.call(gov.raid_past_review, as_at=f.at, service_group=f.service_group)
st.caption(f"{len(past)} open risks, issues, assumptions and dependencies whose review date "
           f"is before {fmt.day(f.at)}.")
ui.table(gov.for_display(past))

@st.fragment
def issues() -> None:
    """Issues by service group or project; switching reruns this chart only."""
    st.subheader("Issues")
    by = st.radio("Issues by", ["service_group", "project"], horizontal=True, key="issues_by",
                  format_func={"service_group": "Service group", "project": "Project"}.get)
    chart = charts.issues_chart(ui.call(gov.issues_by, by=by, service_group=f.service_group,
                                        as_at=f.at), by)
    st.plotly_chart(chart.figure, alt=chart.summary)
    st.caption(md(chart.summary))


@st.fragment
def trend() -> None:
    """Open and closed over time; choosing a type reruns this chart only."""
    st.subheader("Open and closed over time")
    kind = st.selectbox("Type", ["Risk", "Issue", "Assumption", "Dependency"], index=None,
                        placeholder="All RAID items", key="raid_trend_type")
    found = ui.call(gov.raid_trend, as_at=f.at, service_group=f.service_group,
                    raid_type=kind)
    plural = {"Risk": "Risks", "Issue": "Issues", "Assumption": "Assumptions",
              "Dependency": "Dependencies"}
    chart = charts.raid_trend_chart(found.table, plural.get(kind or "", "RAID items"))
    st.plotly_chart(chart.figure, alt=chart.summary)
    st.caption(md(chart.summary))
    if found.undated_closed or found.undated_raised:
        st.caption(f"Left out: {found.undated_closed} closed items with no closed date, "
                   f"{found.undated_raised} items with no raised date.")


issues()
trend()
