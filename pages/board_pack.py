"""Board pack: preview and edit the narrative, then build and download the PowerPoint, the
printable HTML report and the XLSX of the data behind every chart."""

import streamlit as st

import ui
from pmo_data.pack import (
    build_pack,
    fmt_date,
    narrative,
    save_trust_logo,
    save_trust_name,
    trust_logo,
    trust_name,
)
from pmo_data.text import md

ui.page_header("Board pack", "A dated, reproducible pack for the board paper: PowerPoint with "
               "editable charts, a printable report and the data behind every chart.")
f = ui.filters()
scope = md(f.service_group) or "all service groups"
st.caption(f"Financial year {f.fy}, as at {fmt_date(f.as_at)}, {scope} (change these in "
           "the sidebar). The same data and choices always give the same pack.")

if ui.can("importer"):
    with st.expander("Trust name and logo on the pack"):
        current = ui.call(trust_name)
        wanted = st.text_input("Trust name", value=current, key="bp_trust", max_chars=120,
                               help="Kept in the database for everyone (PMO_TRUST_NAME, "
                                    "when set on the server, takes precedence).")
        if st.button("Save the name", icon=":material/save:"):
            try:
                version = save_trust_name(ui.db_path(), wanted, saved_by=ui.user_email())
            except ValueError as exc:
                st.error(md(exc))
            else:
                ui.clear_caches()
                st.success(f"Saved: the pack now names {md(wanted.strip() or 'NHS Trust')} "
                           f"(database version {version}).")
        upload = st.file_uploader("Logo (PNG or JPEG, at most 2 MB)", type=["png", "jpg", "jpeg"],
                                  key="bp_logo")
        save, remove = st.columns(2)
        if upload is not None and save.button("Save the logo", icon=":material/image:"):
            try:
                version = save_trust_logo(ui.db_path(), upload.getvalue(),
                                          saved_by=ui.user_email())
            except ValueError as exc:
                st.error(f"Logo not saved: {md(exc)}.")
            else:
                ui.clear_caches()
                st.success(f"Saved the logo (database version {version}).")
        if ui.call(trust_logo) and remove.button("Remove the logo", icon=":material/delete:"):
            version = save_trust_logo(ui.db_path(), None, saved_by=ui.user_email())
            ui.clear_caches()
            st.success(f"Removed the logo (database version {version}).")
        logo = ui.call(trust_logo)
        if logo:
            st.image(logo, caption="The logo on the title slide and the printed report",
                     width=240)
        else:
            st.caption("No logo: the pack shows the trust's name only.")

generated = ui.call(narrative, fy=f.fy, as_at=f.as_at, service_group=f.service_group)
params = (f.fy, f.as_at, f.service_group)
if st.session_state.get("bp_params") != params:  # new choices: start from the generated text
    st.session_state["bp_params"] = params
    st.session_state.pop("bp_sentences", None)
    for i, sentence in enumerate(generated):
        st.session_state[f"bp_text_{i}"] = sentence.text

st.subheader("Executive summary")
st.caption("Each sentence is generated from the metric catalogue. Edit any of them (clear one "
           "to leave it out), then build the pack: the downloads use your wording.")
with st.form("bp_narrative"):
    texts = [st.text_area(s.label, key=f"bp_text_{i}", height=100)
             for i, s in enumerate(generated)]
    if st.form_submit_button("Build the pack", type="primary", icon=":material/build:"):
        st.session_state["bp_sentences"] = tuple(texts)

sentences = st.session_state.get("bp_sentences")
if sentences is None:
    st.info("Check the sentences above, then choose **Build the pack**.")
    st.stop()

with st.spinner("Building the pack"):
    pack = ui.call(build_pack, fy=f.fy, as_at=f.as_at, service_group=f.service_group,
                    sentences=sentences)
st.success(f"Pack built for {md(pack.trust)}, {pack.fy}, as at {fmt_date(pack.as_at)}.")
a, b, c = st.columns(3)
a.download_button("PowerPoint (.pptx)", pack.pptx, pack.pptx_name, on_click="ignore",
                  mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                  icon=":material/slideshow:", key="bp_pptx")
b.download_button("Printable report (.html)", pack.html, pack.html_name, "text/html",
                  on_click="ignore", icon=":material/print:", key="bp_html")
c.download_button("Data behind the charts (.xlsx)", pack.xlsx, pack.xlsx_name, on_click="ignore",
                  mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  icon=":material/table:", key="bp_xlsx")
with st.expander("Preview the printable report"):
    st.iframe(pack.html.decode("utf-8"), height=700)  # our own, fully escaped HTML
