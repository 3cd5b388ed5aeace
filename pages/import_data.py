"""Import: upload exports, preview every problem, then load them as a new version."""

from functools import partial

import streamlit as st

import mapping_ui
import ui
from pmo_data import limits, templates, text
from pmo_data.schema import SOURCES_LIST
from pmo_data.store import Store, StoreError
from pmo_data.text import md

MAX_UPLOAD_MB = limits.max_upload_mb()  # the import's own limit (PMO_MAX_UPLOAD_MB)

ui.require_page("import_data")
ui.page_header("Import", "Upload exports from the PPM platform, training records, the service "
               "log or the five-year plan. Sources are recognised by their columns.")

uploads = st.file_uploader("Export files (.xlsx, .xls, .ods, .csv; Microsoft Project .mpp, "
                           ".mpx, .xml; Primavera .xer)", accept_multiple_files=True,
                           type=["xlsx", "xlsm", "xls", "ods", "csv", "mpp", "mpx", "xml",
                                 "xer"], key="uploads", max_upload_size=MAX_UPLOAD_MB)
strict = st.checkbox("Strict: load nothing if any row fails", key="strict")

if uploads:
    files = [(f.name, f.getvalue()) for f in uploads]
    mapping_ui.saved_message()
    preview, mapping = mapping_ui.upload_preview(tuple(files))  # saved profiles apply
    st.subheader("Validation preview")
    ui.table(preview.sheet_rows())
    if preview.problems:
        st.warning(f"{len(preview.problems)} problems: rows with problems will not load.")
        ui.table(preview.problem_rows())
    else:
        st.success("Every row is valid.")
    mapping_ui.mapping_step(tuple(files))  # sheets no source or profile fits
    force = False
    if preview.held:
        for sentence in preview.held:
            st.warning(md(sentence))
        force = st.checkbox("Load anyway: replace what the dashboard holds with these rows",
                            key="force")
    if st.button("Load", type="primary", disabled=preview.exit_code == 2):
        from pmo_data import ingest  # only when loading

        with st.spinner("Loading (in a separate process)"):
            report = ingest.import_isolated(files, ui.db_path(), strict=strict, force=force,
                                            user=ui.user_email(), mapping=mapping)
        ui.clear_caches()
        for line in report.summary_lines():
            (st.success if report.version else st.error)(md(line))

st.subheader("Peer benchmarking snapshots")
st.caption("Snapshots other PMOs shared (Parquet, or the CSV twin): aggregates only. A new "
           "snapshot replaces the same trust's earlier one for that year; a bad file loads "
           "nothing. Shown on the Network page.")
snapshots = st.file_uploader(
    "Snapshot files (.parquet, .csv)", accept_multiple_files=True, type=["parquet", "csv"],
    key="snapshots") if st.toggle("Load peers' snapshots", key="snapshot_toggle") else None
if snapshots and st.button("Load snapshots", key="load_snapshots"):
    from pmo_data import benchmark  # only when loading

    result = benchmark.import_snapshots([(s.name, s.getvalue()) for s in snapshots],
                                        ui.db_path(), user=ui.user_email())
    ui.clear_caches()
    for problem in result.problems:
        st.error(text.md(problem))
    for line in result.summary_lines():
        (st.success if result.version else st.warning)(text.md(line))

st.subheader("Import templates")
st.caption("One workbook per source: the headers, an example row and a guide to each column.")
columns = st.columns(5)
for index, source in enumerate(SOURCES_LIST):
    columns[index % 5].download_button(
        source.title, partial(templates.template_xlsx, source.name),  # built when clicked
        file_name=f"{source.name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore", key=f"template_{source.name}")

st.subheader("Import profiles")
st.caption("How exports of other tools map onto the sources: built in for Microsoft Planner, "
           "Smartsheet and GMPP data, and the ones saved here.")
mapping_ui.profiles_section()

st.subheader("Versions")
store = Store(ui.db_path())
current = store.current()
st.write(f"Serving version **{current.number}**." if current else "No version yet.")
if current and st.button("Roll back to the previous version"):
    try:
        st.success(f"Now serving version {store.rollback().number}.")
        ui.clear_caches()
    except StoreError as exc:
        st.error(md(exc))
