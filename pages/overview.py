"""Overview: are we on track this year? A tile per headline metric (value, target, change on
last year, freshness, Making Data Count icons, link to the page behind it), stale-data
warnings, projects whose RAG changed in their latest report, the exceptions (every Red and
Amber/Red project, why and how late) and RAG integrity flags."""


import streamlit as st
from streamlit.errors import StreamlitAPIException

import ui
from pmo_data import exceptions, fmt, governance, overview, plan, portfolio, quality_scores
from pmo_data.charts import overview as charts
from pmo_data.charts.portfolio import style_rags
from pmo_data.text import md, md_signed

ui.page_header("Overview", "Are we on track this year? Every number comes from the metric "
               "catalogue; hover over ? for how it is worked out.")
f = ui.filters()
at = f.at
ended = f" (the year ended {fmt.day(at)}: its figures are at that date)" if at < f.as_at else ""
st.caption(f"Financial year {f.fy}, as at {fmt.day(f.as_at)}{ended}, "
           f"{md(f.service_group) or 'all service groups'}.")
for stale in ui.call(quality_scores.stale_sources, today=at):
    st.warning(md(stale.message), icon=":material/schedule:")


def page_link(page: str, label: str) -> None:
    """A link to the page behind a tile; nothing when that page is not in this app."""
    try:
        st.page_link(page, label=f"Open {label}", icon=":material/arrow_forward:")
    except StreamlitAPIException:  # page not registered (e.g. run on its own)
        pass


def tile(t: overview.Tile) -> None:
    """One headline tile."""
    with st.container(border=True):
        st.markdown(f"**{md(t.name)}**", help=md(t.help))  # in full: a metric label is cut short
        st.metric(md(t.name), md(t.value_text),
                  md_signed(t.delta_text) if t.delta_text else None,
                  delta_color=t.delta_color,
                  delta_arrow=t.delta_arrow, delta_description=t.delta_description,
                  label_visibility="collapsed")
        if t.breakdown is not None:
            st.markdown(charts.rag_row(t.breakdown).html, unsafe_allow_html=True)
        icons = charts.spc_icons_html(t.variation_icon, t.assurance_icon)
        if icons:
            st.markdown(icons, unsafe_allow_html=True)
        st.caption("  \n".join(md(line) for line in (t.target_text, t.previous_text,
                                                     t.freshness_text) if line))
        page_link(t.page, t.page_label)


card = ui.call(plan.scorecard, fy=f.fy, as_at=f.as_at)
st.subheader("Five-year plan scorecard")
left, _ = st.columns([1, 3])
with left, st.container(border=True):
    st.metric("Plan KPIs on track", card.value_text,
              help="Met, or On track so far (counts against the pro-rata target), of the plan "
                   "KPIs judged this year: No data counts against; No target, Not judged and "
                   "Not yet started are left out. The plan is trust-wide.")
    st.caption(md(card.sentence))
    page_link("pages/five_year_plan.py", "Five-year plan")

tiles = ui.call(overview.headline_tiles, fy=f.fy, as_at=f.as_at,
                service_group=f.service_group)
for section, members in overview.by_section(tiles):
    st.subheader(section)
    for start in range(0, len(members), 4):
        for column, member in zip(st.columns(4), members[start:start + 4], strict=False):
            with column:
                tile(member)

st.subheader("Exceptions")
listed = ui.call(exceptions.exceptions, at=at, service_group=f.service_group)
st.caption(md(listed.summary) + " Reason: the latest highlight-report summary; slippage: "
           "forecast (or actual) end minus planned end, in days.")
if len(listed.table):
    shown = listed.table.assign(project_name=[
        f"{n} (On hold)" if s == "On hold" else n
        for n, s in zip(listed.table["project_name"], listed.table["stage"], strict=True)])
    shown = shown.rename(columns=exceptions.LABELS).drop(columns=["Project"])
    shown["Reason"] = shown["Reason"].fillna("No summary reported")
    shown["SRO"] = shown["SRO"].fillna("Not recorded")
    ui.table(style_rags(shown, ["RAG"]), column_order=[
        "Open", "Project name", "RAG", "Reason", "Slippage (days)", "SRO", "Days since report",
        "Change since previous report"], column_config={
            "Open": st.column_config.LinkColumn("Project", display_text=r"project=(.*)$",
                                                help="Open the project in Portfolio delivery"),
            "Project name": st.column_config.TextColumn(width="medium"),
            "Reason": st.column_config.TextColumn(width="large"),
            "Slippage (days)": st.column_config.NumberColumn(format="localized")})

st.subheader("Changed since the previous report")
changes = ui.call(overview.recent_rag_changes, fy=f.fy, as_at=f.as_at,
                  service_group=f.service_group)
st.caption(md(changes.summary))
if len(changes.frame):
    shown = portfolio.for_display(changes.frame.rename(columns={
        "from_rag": "From", "to_rag": "To", "from_date": "Previous report",
        "to_date": "Latest report", "change": "Change"}))
    ui.table(style_rags(shown, ["From", "To"]), column_order=[
        "link", "Project name", "From", "To", "Change", "Previous report", "Latest report",
        "Service group"], column_config={
            "link": st.column_config.LinkColumn("Project", display_text=r"project=(.*)$",
                                                help="Open the project in Portfolio delivery"),
            "Project name": st.column_config.TextColumn(width="medium"),
            "Previous report": st.column_config.DateColumn(format="D MMM YYYY"),
            "Latest report": st.column_config.DateColumn(format="D MMM YYYY")})

st.subheader("RAG integrity")
settings = ui.integrity_settings({
    "forecast_end_days": "ov_end_days", "milestone_overdue_days": "ov_overdue_days",
    "report_max_age_days": "ov_report_age", "very_high_risks_allowed": "ov_risks_allowed"})
flags = ui.call(governance.rag_integrity, as_at=at, service_group=f.service_group, **settings)
st.metric("Projects flagged", len(flags))
st.caption(md(governance.integrity_rules_text(settings)))
if len(flags):
    ui.table(style_rags(governance.for_display(governance.with_project_links(flags)[[
        "link", "project_name", "overall_rag", "rules", "reasons"]]), ["Overall RAG"]),
        column_config={"Open": st.column_config.LinkColumn(
            "Project", display_text=r"project=(.*)$", help="Open the project"),
            "Project name": st.column_config.TextColumn(width="medium")})
