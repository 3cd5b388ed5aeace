"""PMO value: where the PMO's time goes, the demand it meets, what its support goes with."""

import streamlit as st

import ui
from pmo_data import fmt, value
from pmo_data.charts import value as charts
from pmo_data.text import md

f = ui.filters()
scope = dict(fy=f.fy, as_at=f.as_at, service_group=f.service_group)
ui.page_header("PMO value", f"{f.fy}, {f.service_group or 'all service groups'}, up to "
               f"{fmt.day(f.as_at)}: the PMO's effort, the demand on it, and how the projects "
               "it supports compare with the rest.")
ui.freshness_line(ui.call(value.data_dates, at=f.at))


def show(chart: charts.ValueChart, where=st) -> None:  # noqa: ANN001 - a container
    where.plotly_chart(chart.figure, alt=chart.summary)
    where.caption(md(chart.summary))


st.subheader("PMO effort")
effort = ui.call(value.effort, **scope)
by_service, by_group = st.tabs(["By service", "By service group"])
show(charts.effort_chart(effort, "service"), by_service)
show(charts.effort_chart(effort, "service_group"), by_group)
if effort.requests_without_hours:
    st.caption(f"{effort.requests_without_hours} requests in this period have no hours "
               "recorded: their effort is missing from these charts, not zero.")

st.subheader("Demand and capacity")
demand = ui.call(value.demand, **scope)
cols = st.columns(5)
cols[0].metric("Requests received", demand.received)
cols[1].metric("Started", demand.started)
cols[2].metric("Closed", demand.closed)
cols[3].metric("Open backlog", demand.backlog,
               help=f"{demand.backlog_waiting} waiting to start, "
                    f"{demand.backlog_in_progress} in progress")
cols[4].metric("Median age of backlog",
               "none open" if demand.backlog_median_age_days is None
               else f"{demand.backlog_median_age_days:.0f} days")
left, right = st.columns([3, 2])
show(charts.flow_chart(demand), left)
show(charts.backlog_chart(demand), right)

st.subheader("Supported and unsupported projects")
st.info(value.ASSOCIATION_NOTE, icon=":material/info:")
compared = ui.call(value.comparison, **scope)
withheld = [g.label for g in (compared.supported, compared.unsupported) if not g.comparable]
table = value.comparison_table(compared)  # text cells; withheld columns greyed
ui.table(table.style.map(lambda v: "color: #768692", subset=withheld) if withheld
         else table)
for group in (compared.supported, compared.unsupported):
    if group.reason:
        st.caption(f"**{md(group.label)}**: {md(group.reason)}")
if len(withheld) < 2:
    show(charts.comparison_chart(compared))
st.caption(value.SUPPORT_DEFINITION + f" The register's PMO service field disagrees with the "
           f"log for {compared.register_disagreements} of the projects compared.")

@st.fragment
def return_on_time() -> None:
    """Return on PMO time: a new hourly cost reruns this section only."""
    st.subheader("Return on PMO time")
    default_cost = value.afc_band7_hourly_cost()
    setting, source = st.columns([1, 3])
    hourly = setting.number_input("Hourly cost of PMO time (£)", min_value=1.0,
                                  max_value=500.0, value=default_cost.hourly, step=0.5,
                                  key="hourly_cost", help=default_cost.source)
    source.caption(f"Default: {default_cost.source} {default_cost.arithmetic}.")
    ret = ui.call(value.return_statement, **scope, hourly_cost=float(hourly))
    left, right = st.columns([3, 2])
    with left:
        a, b, c = st.columns(3)
        a.metric("Benefits realised", "no benefits due"
                 if ret.benefits_realised_gbp is None else f"£{ret.benefits_realised_gbp:,.0f}",
                 help=f"Cash-releasing, due in {f.fy}: {ret.benefits_due_projects} of "
                      f"{ret.supported_projects} supported projects had benefits due")
        b.metric("PMO time on them", f"{ret.support_hours:,.0f} h",
                 help=f"costed at £{ret.hourly_cost:,.2f} an hour = "
                      f"£{ret.support_cost_gbp:,.0f}")
        c.metric("Return per £1", "not computable" if ret.ratio is None
                 else f"£{ret.ratio:,.2f}")
        st.markdown(value.return_sentence(ret))
    with right:
        st.markdown("**Caveats**\n\n" + "\n".join(f"- {line}" for line in ret.caveats))


return_on_time()

st.subheader("Training's contribution")
reach = ui.call(value.training_reach, **scope)
show(charts.training_chart(reach))
ui.table(value.training_table(reach), missing="no self-run projects",
         column_config={"Trained staff per self-run project": st.column_config.NumberColumn(
             format="%.1f")})
st.caption("Self-run projects: active projects without Immersive PM or Coaching from the "
           "PMO, usually led by occasional project managers. Training records hold no names, "
           "so trained staff cannot be matched to the projects they lead.")
