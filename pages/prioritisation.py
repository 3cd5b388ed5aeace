"""Prioritisation: rank the pipeline by weighted criteria, openly, and save the weighting."""

import streamlit as st

import ui
from pmo_data import prioritise
from pmo_data.charts import value as charts
from pmo_data.text import md

f = ui.filters()
ui.page_header("Prioritisation", f"Projects in Pipeline or Initiation "
               f"({f.service_group or 'all service groups'}) ranked by weighted criteria. "
               "Move a weight and the ranking updates; every score is explained term by term.")
with st.expander("How each criterion is scored"):
    ui.table(prioritise.criteria_table())
    st.caption(prioritise.MISSING_RULE + " Scores are relative to the projects listed, so "
               "choosing a service group can change them. Score = weighted average x 100.")

candidates = ui.call(prioritise.candidates, service_group=f.service_group)
KEYS = {c.code: f"weight_{c.code}" for c in prioritise.CRITERIA}


def set_weights(weights: dict[str, float]) -> None:
    for code, key in KEYS.items():
        st.session_state[key] = int(weights[code])


def load_saved() -> None:
    chosen = st.session_state.get("saved_choice")
    for saved in ui.call(prioritise.saved_weightings):
        if saved.name == chosen:
            set_weights(dict(saved.weights))


@st.fragment
def ranking_panel() -> None:
    weights_col, ranking_col = st.columns([1, 3])
    with weights_col:
        st.markdown(f"**Weights** (0 ignores a criterion, {prioritise.WEIGHT_MAX} is most "
                    "important)")
        for c in prioritise.CRITERIA:
            st.session_state.setdefault(KEYS[c.code], prioritise.DEFAULT_WEIGHT)
            st.slider(c.label, 0, prioritise.WEIGHT_MAX, step=1, key=KEYS[c.code],
                      help=f"{c.direction.capitalize()}. Score: {c.rule}.")
        st.button("Equal weights", on_click=set_weights, args=(prioritise.default_weights(),))
    weights = {code: st.session_state[key] for code, key in KEYS.items()}
    ranking = prioritise.score(candidates, weights)
    if ranking.problem:
        ranking_col.warning(ranking.problem)
    else:
        chart = charts.ranking_chart(ranking)
        ranking_col.plotly_chart(chart.figure, alt=chart.summary)
        ranking_col.caption(md(chart.summary))
        ui.table(prioritise.ranking_table(ranking), column_order=[
            "Rank", "Project ID", "Project", "Service group", "Stage", "Score (0-100)"],
            column_config={"Score (0-100)": st.column_config.NumberColumn(format="%.1f")})
        gaps = [f"{n} with no {label.lower()} recorded"
                for label, n in ranking.missing.items() if n]
        st.caption("The chart shows each criterion's points; the CSV holds every value, "
                   "normalised score, weight and points. "
                   + ("Not recorded (scored 0): " + "; ".join(gaps) + "." if gaps else ""))
        st.download_button("Download the ranking (CSV)", prioritise.ranking_csv(ranking),
                           file_name="pipeline_ranking.csv", mime="text/csv",
                           on_click="ignore", icon=":material/download:")
        st.markdown("**Why this score?**")
        names = dict(zip(ranking.table["project_id"], ranking.table["project_name"],
                         strict=True))
        pick = st.selectbox("Project", list(names), format_func=lambda p: f"{p} {names[p]}",
                            key="explain_project")
        ui.table(prioritise.explain(ranking, pick), missing="",
                 column_order=["Criterion", "Value", "Normalised (0-1)", "Weight",
                               "Weight share", "Contribution (points)"],
                 column_config={
                     "Value": st.column_config.TextColumn(width="medium"),
                     "Normalised (0-1)": st.column_config.NumberColumn(format="%.2f"),
                     "Weight": st.column_config.NumberColumn(format="%.0f"),
                     "Weight share": st.column_config.NumberColumn(format="percent"),
                     "Contribution (points)": st.column_config.NumberColumn(
                         format="%.1f")})

    st.markdown("**Saved weightings** (kept in the database for everyone)")
    save_col, load_col = st.columns(2)
    with save_col:
        name = st.text_input("Name for the current weights", key="weighting_name",
                             max_chars=prioritise.NAME_MAX)
        if st.button("Save weighting", icon=":material/save:"):
            try:
                version = prioritise.save_weighting(ui.db_path(), name, weights,
                                                    saved_by=ui.user_email())
            except ValueError as exc:
                st.error(md(exc))
            else:
                ui.clear_caches()
                st.success(f"Saved “{md(name.strip())}” (database version {version}).")
    with load_col:
        saved = ui.call(prioritise.saved_weightings)
        if saved:
            st.selectbox("Saved weighting", [s.name for s in saved], key="saved_choice")
            st.button("Load weighting", on_click=load_saved, icon=":material/upload:")
            st.caption("; ".join(f"{md(s.name)}: saved by {md(s.saved_by) or 'unknown'}"
                                 f"{f' on {s.saved_at:%d %b %Y %H:%M}' if s.saved_at else ''}"
                                 for s in saved))
        else:
            st.caption("No weightings saved yet.")


ranking_panel()
