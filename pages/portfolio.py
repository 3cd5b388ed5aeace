"""Portfolio delivery: every project's latest RAG, stage and dates (filterable), RAG by service
group, the stage pipeline, milestone slippage, planned against forecast end, RAG integrity
flags, and one project in depth (also opened by a link: ``portfolio?project=<id>``)."""

import streamlit as st

import ui
from pmo_data import governance, portfolio, quality_scores
from pmo_data.charts import portfolio as charts
from pmo_data.spc import fmt_date
from pmo_data.text import md

ui.page_header("Portfolio delivery", "Which projects are off track, where, and why: filter "
               "the list, then open a project for its reports, milestones, RAID and benefits.")
f = ui.filters()
at = portfolio.evaluation_date(f.fy, f.as_at)
ui.freshness_line(ui.call(quality_scores.page_freshness, page="portfolio", at=at))
DATES = {c: st.column_config.DateColumn(format="D MMM YYYY") for c in (
    "Latest report", "Report date", "Start", "Planned end", "Forecast end", "Actual end",
    "Baseline", "Forecast", "Actual", "Raised", "Review date", "Closed", "Target date")}
WIDE = {**{c: st.column_config.TextColumn(width="large") for c in (
    "Why flagged", "Reason", "Title", "Mitigation", "Description", "Milestone")},
    "Project name": st.column_config.TextColumn(width="medium")}
NUMBERS = {**{c: st.column_config.NumberColumn(format="localized") for c in (
    "Baseline value", "Target value", "Realised value", "Slippage (days)")},
    "% complete": st.column_config.NumberColumn(format="%.0f%%")}
LINK = {"link": st.column_config.LinkColumn("Project", display_text=r"project=(.*)$",
                                            help="Open the project below")}


def show(frame, labels=None, **kw) -> None:  # noqa: ANN001 - a portfolio DataFrame
    """A table for people: labelled columns, RAG cells coloured, dates as 3 Apr 2025; with a
    link column, the project ID is that link (first)."""
    data = portfolio.for_display(frame, labels)
    if "link" in data.columns:
        kw.setdefault("column_order", ["link", *[c for c in data.columns
                                                 if c not in ("link", "Project")]])
    rag_columns = [{**portfolio.LABELS, **(labels or {})}[c] for c in portfolio.RAG_COLUMNS]
    ui.table(charts.style_rags(data, rag_columns),
             column_config={**DATES, **NUMBERS, **LINK, **WIDE}, **kw)


st.subheader("Projects")
options = ui.call(portfolio.filter_options, service_group=f.service_group)
for key, allowed in (("pf_pm", options.project_managers), ("pf_sro", options.sros)):
    if st.session_state.get(key) not in (None, *allowed):
        st.session_state.pop(key)
left, right = st.columns(2)
stages = left.multiselect("Stage", options.stages, default=list(portfolio.ACTIVE_STAGES),
                          key="pf_stages", help="Default: the active stages, as the Active "
                          "projects metric counts them.")
rags = right.multiselect("Latest RAG", options.rags, key="pf_rags", placeholder="Any RAG")
cols = st.columns(3)
pm = cols[0].selectbox("Project manager", options.project_managers, index=None,
                       placeholder="Anyone", key="pf_pm")
sro = cols[1].selectbox("SRO", options.sros, index=None, placeholder="Anyone", key="pf_sro")
search = cols[2].text_input("Search ID or name", key="pf_search")
selection = portfolio.ProjectFilter(tuple(stages), tuple(rags), pm, sro, search or None)
scope = dict(as_at=at, service_group=f.service_group, selection=selection)

view = ui.call(portfolio.project_view, **scope)  # table and counts: one query
tiles = st.columns(len(view.rag_counts) + 1)
tiles[0].metric("Projects listed", f"{sum(view.rag_counts.values()):,}")
for tile, (rag, n) in zip(tiles[1:], view.rag_counts.items(), strict=True):
    tile.metric(rag, f"{n:,}")
st.caption(f"Latest RAG from highlight reports up to {fmt_date(at)}; slippage = forecast "
           "(or actual) end minus planned end, in days.")
show(portfolio.with_links(view.table))

left, right = st.columns(2)
for column, chart in ((left, charts.rag_by_group_chart(view.by_group)),
                      (right, charts.stage_pipeline_chart(view.pipeline))):
    column.plotly_chart(chart.figure, alt=chart.summary)
    column.caption(md(chart.summary))

chart = charts.slippage_chart(ui.call(portfolio.milestone_slippage, fy=f.fy, **scope))
st.plotly_chart(chart.figure, alt=chart.summary)
st.caption(md(chart.summary))


@st.fragment
def timeline() -> None:
    """The timeline; a new order reruns this chart only."""
    sort = st.radio("Timeline order", ["slippage", "planned_end"], horizontal=True,
                    key="pf_timeline_sort",
                    format_func={"slippage": "Most late first",
                                 "planned_end": "Planned end date"}.get)
    chart = charts.timeline_chart(ui.call(portfolio.timeline, **scope, sort=sort), at)
    st.plotly_chart(chart.figure, alt=chart.summary)
    st.caption(md(chart.summary))


@st.fragment
def rag_integrity() -> None:
    """Projects flagged; new thresholds rerun this section only."""
    st.subheader("RAG integrity")
    settings = ui.integrity_settings({
        "forecast_end_days": "pf_end_days", "milestone_overdue_days": "pf_overdue_days",
        "report_max_age_days": "pf_report_age", "very_high_risks_allowed": "pf_risks_allowed"})
    st.caption(md(governance.integrity_rules_text(settings)))
    flags = ui.call(governance.rag_integrity, as_at=at, service_group=f.service_group,
                    **settings)
    st.markdown(f"**Projects flagged: {len(flags):,}**")
    show(portfolio.with_links(flags[["project_id", "project_name", "service_group", "stage",
                                     "overall_rag", "rules", "reasons", "report_date"]]).rename(
        columns={"reasons": "Why flagged", "rules": "Rule"}))


timeline()
rag_integrity()


@st.fragment
def drill_down() -> None:
    """One project in depth (also opened by ``?project=``); choosing another reruns this
    section only."""
    st.subheader("Project drill-down")
    choices = dict(ui.call(portfolio.project_choices))
    wanted = st.query_params.get("project")
    if wanted and wanted != st.session_state.get("pf_param_seen"):
        st.session_state["pf_param_seen"] = wanted
        if wanted in choices:
            st.session_state["pf_project"] = wanted
        else:
            st.warning(f"Project {md(wanted)} is not in the project register.")
    project = st.selectbox("Project", list(choices), index=None, key="pf_project",
                           format_func=lambda p: f"{p} {choices[p]}",
                           placeholder="Choose a project, or open one from a table")
    if project is None:
        return
    st.query_params["project"] = project
    st.session_state["pf_param_seen"] = project
    detail = ui.call(portfolio.project_detail, project_id=project, as_at=at)
    facts, history = st.columns([5, 7])
    ui.table(detail.facts, where=facts, height="content",
             column_config={"Value": st.column_config.TextColumn(width="large")})
    with history:
        chart = charts.rag_strip(detail.reports, project)
        st.plotly_chart(chart.figure, alt=chart.summary)
        st.caption(md(chart.summary))
        if detail.narrative is None:
            st.info("No narrative (summary, achievements, next steps) in its highlight "
                    "reports.")
        else:
            st.caption(md(detail.narrative.note))
            for heading, text in detail.narrative.sections:
                st.markdown(f"**{md(heading)}**")
                st.text(text)
    tabs = st.tabs([f"Milestones ({len(detail.milestones)})", f"RAID ({len(detail.raid)})",
                    f"Benefits ({len(detail.benefits)})",
                    f"Highlight reports ({len(detail.reports)})"])
    for tab, frame in zip(tabs, (detail.milestones, detail.raid, detail.benefits,
                                 detail.reports[::-1]), strict=True):
        with tab:
            show(frame, portfolio.HISTORY_LABELS)


drill_down()
