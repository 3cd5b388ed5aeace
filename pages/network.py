"""Network: this trust beside its peer trusts, from the snapshots each PMO shares."""

from functools import partial

import streamlit as st

import ui
from pmo_data import benchmark, fmt, network, text
from pmo_data.charts import network as charts
from pmo_data.charts.palette import NHS_PALE_GREY
from pmo_data.charts.table_style import fast_styler

f = ui.filters()
try:
    org = benchmark.load_organisation()
except benchmark.BenchmarkConfigError as exc:
    ui.page_header("Network")
    st.error(text.md(exc))
    st.stop()
own_name = "This trust" if org.placeholder else org.name
ui.page_header("Network", f"{f.fy}, up to {fmt.day(f.at)}: {text.md(own_name)} beside the "
               "peer trusts whose benchmarking snapshots have been imported. Whole-trust "
               "figures: the service-group filter does not apply.")
if org.placeholder:
    st.info(f"Set this trust's code, name and headcount in `{benchmark.config_path()}` "
            "(see README, Network benchmarking) before sharing a snapshot.")
net = ui.call(network.network, fy=f.fy, as_at=f.as_at, org_code=org.code, org_name=own_name,
              headcount=org.headcount)


def show(chart: charts.NetworkChart) -> None:
    st.plotly_chart(chart.figure, alt=chart.summary)
    st.caption(chart.summary)


if not net.peers:
    st.info("No peer snapshots yet. Import them on the **Import** page, or run "
            "`python -m pmo_data benchmark import FOLDER`.")
else:
    st.caption(f"{net.peers} peer trusts; years shared: {', '.join(net.peer_years)}. "
               "Counts are compared per 1,000 staff where trusts give a headcount. Rank 1 is "
               "best.")
    st.subheader("Every shared metric")
    ui.table(network.summary_table(net.summary), missing="–")
    codes = list(net.views)
    code = st.selectbox("Metric", codes, key="network_metric",
                        format_func=lambda c: net.views[c].name)
    view = net.views[code]
    st.subheader(view.name)
    show(charts.comparison_chart(view, own_name))
    if view.is_rate:
        show(charts.funnel_chart(view, own_name))
    show(charts.trend_chart(view, own_name))
    if view.suppressed:
        st.caption("Suppressed (counts under 5, not zero): "
                   + text.md(", ".join(view.suppressed)) + ".")
    if view.no_headcount:
        st.caption("No headcount given, so left out of the per-1,000 comparison: "
                   + text.md(", ".join(view.no_headcount)) + ".")
    table = network.trust_table(view)
    own_rows = list(table["own"])
    ui.table(fast_styler(table.drop(columns=["own"])).apply(
        lambda col: [f"background-color: {NHS_PALE_GREY}; font-weight: bold" if own else ""
                     for own in own_rows]), missing="–")

if ui.can("importer"):
    with st.expander("Share this trust's snapshot"):
        snapshot = ui.call(benchmark.build_snapshot, fy=f.fy, as_at=f.as_at, org=org)
        st.caption("What the snapshot holds, exactly as it will be written: aggregates only, "
                   "no project names, staff IDs, people, rows or free text; counts under 5 "
                   "suppressed.")
        for line in benchmark.preview_lines(snapshot)[:3 + org.placeholder]:
            st.text(line)
        ui.table(benchmark.preview_rows(snapshot))
        stem = benchmark.file_stem(snapshot)
        for where, suffix, mime in zip(st.columns(2), (".parquet", ".csv"),
                                       ("application/vnd.apache.parquet", "text/csv"),
                                       strict=True):
            where.download_button(f"Download {stem}{suffix}",
                                  partial(benchmark.snapshot_file, snapshot, suffix),
                                  file_name=f"{stem}{suffix}", mime=mime, on_click="ignore",
                                  key=f"snapshot{suffix}")  # written when clicked
