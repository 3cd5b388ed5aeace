"""PMO analytics dashboard: entry point (``streamlit run dashboard.py``).

Declares the pages once with ``st.navigation`` (Import only for importers), asks for
sign-in when it is configured, builds the database from the demo exports on first run,
and draws the shared sidebar filters every page reads.
"""

import streamlit as st

import ui
from pmo_data.bootstrap import ensure_database

st.set_page_config(page_title="PMO dashboard", page_icon=":material/monitoring:",
                   layout="wide")
ui.sign_in_gate()

if ui.current_db() is None:
    bar = st.progress(0.0, text="Building the database from the demo exports")
    ensure_database(ui.db_path(), ui.sample_dir(),
                    progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text))
    bar.empty()
    ui.clear_caches()

pages = {
    "Headlines": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:",
                default=True),
        st.Page("pages/portfolio.py", title="Portfolio delivery", icon=":material/view_timeline:"),
        st.Page("pages/training.py", title="Training reach", icon=":material/school:"),
        st.Page("pages/five_year_plan.py", title="Five-year plan", icon=":material/flag:"),
        st.Page("pages/shifts.py", title="Three shifts", icon=":material/alt_route:"),
    ],
    "Governance": [
        st.Page("pages/benefits.py", title="Benefits", icon=":material/volunteer_activism:"),
        st.Page("pages/risks.py", title="Risks and issues", icon=":material/warning:"),
        st.Page("pages/portfolio_history.py", title="Portfolio history",
                icon=":material/history:"),
        st.Page("pages/estimates.py", title="Estimate realism", icon=":material/timelapse:"),
    ],
    "Analysis": [
        st.Page("pages/pmo_value.py", title="PMO value", icon=":material/savings:"),
        st.Page("pages/prioritisation.py", title="Prioritisation", icon=":material/low_priority:"),
    ],
    "Board and explore": [
        st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:"),
        st.Page("pages/board_pack.py", title="Board pack", icon=":material/co_present:"),
    ],
    "Data": [
        *([st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:")]
          if ui.can("importer") else []),
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ],
}
navigation = st.navigation(pages, expanded=True)
ui.sidebar_filters()
navigation.run()
