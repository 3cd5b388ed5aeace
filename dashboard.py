"""PMO analytics dashboard: entry point (``streamlit run dashboard.py``).

Builds ``st.navigation`` from the page registry (``pmo_data.pages``; a page is listed for
the roles that may open it, so Import only for importers), asks for sign-in when it is
configured, builds the database from the demo exports on first run, and draws the shared
sidebar filters every page reads.
"""

import streamlit as st

import ui
from pmo_data import pages as registry
from pmo_data.bootstrap import ensure_database

st.set_page_config(page_title="PMO dashboard", page_icon=str(ui.ASSETS / "favicon.png"),
                   layout="wide")
ui.accessibility_css()
ui.sign_in_gate()

if ui.current_db() is None:
    bar = st.progress(0.0, text="Building the database from the demo exports")
    ensure_database(ui.db_path(), ui.sample_dir(),
                    progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text))
    bar.empty()
    ui.clear_caches()

pages = {
    section: [st.Page(p.path, title=p.title, icon=p.icon, default=p.default)
              for p in members if ui.can(p.role)]
    for section, members in registry.NAVIGATION.items()
}
navigation = st.navigation({s: listed for s, listed in pages.items() if listed}, expanded=True)
ui.sidebar_filters()
navigation.run()
