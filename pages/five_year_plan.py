"""Five-year plan: every KPI against its target for 2025/26 to 2029/30, the maturity
self-assessment, and a Making Data Count SPC chart for each monthly KPI."""

from datetime import date

import streamlit as st

import ui
from pmo_data import fmt, freshness, plan
from pmo_data.charts import plan as charts
from pmo_data.spc import SpcOptions
from pmo_data.text import md

f = ui.filters()
ui.page_header("Five-year plan", f"Trust-wide, as at {fmt.day(f.as_at)}: each KPI of the plan "
               "against its target year by year, maturity, and Making Data Count charts.")
ui.freshness_line(ui.call(freshness.data_dates, sources=("kpi_plan", "kpi_actuals", "maturity"),
                          at=f.as_at))
if f.service_group:
    st.caption(f"The plan's targets are for the whole trust, so this page ignores the "
               f"service-group filter ({f.service_group}).")

st.subheader("Targets and actuals")
grid = ui.call(plan.plan_grid, as_at=f.as_at)
if not grid.kpis:
    st.info("The five-year plan has no targets yet: import the KPI plan (kpi_plan).")
else:
    st.markdown(charts.grid_html(grid), unsafe_allow_html=True)
    st.caption(plan.STATUS_RULES)
    st.download_button("Download the grid (CSV)", plan.grid_frame(grid).to_csv(),
                       file_name=f"five_year_plan_{grid.as_at:%Y-%m-%d}.csv", mime="text/csv",
                       on_click="ignore", icon=":material/download:")

st.subheader("Maturity")
maturity = charts.maturity_heatmap(ui.call(plan.maturity_grid, as_at=f.as_at))
st.plotly_chart(maturity.figure, alt=maturity.summary)
st.caption(md(maturity.summary) + " Cells show level / target level; a red outline marks a "
           "perspective below its target.")

st.subheader("Making Data Count")
series = ui.call(plan.kpi_series, as_at=f.as_at)
st.markdown(charts.ipr_table_html(plan.ipr_table(series)), unsafe_allow_html=True)
st.caption("The table uses the Making Data Count defaults; options changed on a chart below "
           "apply to that chart only. " + plan.SERIES_RULE)


@st.fragment
def spc_panel(kpi: plan.KpiSeries) -> None:
    """One KPI's SPC chart with its own options (reruns on its own when they change)."""
    key = f"spc_{kpi.code}"
    holder = st.container()
    with st.expander("Options for the chart above"):
        a, b, c = st.columns(3)
        shift = a.number_input("Shift: points on one side of the mean", 3, 15, 7,
                               key=f"{key}_shift")
        trend = b.number_input("Trend: points rising or falling", 3, 15, 7, key=f"{key}_trend")
        minimum = c.number_input("Minimum points for limits", 2, 60, 13, key=f"{key}_min")
        baseline = a.number_input("Baseline: fix limits after n points (0 = all points)", 0, 60,
                                  0, key=f"{key}_baseline")
        rebase = b.date_input("Rebase: recalculate limits from", value=None,
                              min_value=date(2000, 1, 1), format="DD/MM/YYYY",
                              key=f"{key}_rebase")
        screen = c.checkbox("Screen moving-range outliers", False, key=f"{key}_screen")
        beyond = c.checkbox("Points beyond 3 sigma count for two-of-three", True,
                            key=f"{key}_beyond")
    options = SpcOptions(shift_points=int(shift), trend_points=int(trend),
                         min_points=int(minimum), screen_outliers=screen,
                         beyond_3_sigma_counts_for_two_of_three=beyond,
                         baseline_points=int(baseline) if baseline >= 2 else None,
                         rebase_dates=(rebase,) if rebase else ())
    data = plan.spc_of(kpi, options)  # no query: the series came with the page
    chart = charts.kpi_spc_chart(data)
    holder.plotly_chart(chart.figure, alt=chart.summary, key=f"{key}_chart")
    holder.caption(" ".join([chart.summary, charts.target_note(data),
                             *data.result.warnings]))


for kpi in series:
    spc_panel(kpi)
