"""The stack's floor: a page that imports what every dashboard page needs (pandas, pyarrow,
DuckDB, plotly) and shows one small table, with no query and no pmo_data. Its cold time is
what a fresh process pays before any of this app's own work."""

import duckdb  # noqa: F401 - imported for its cost
import pandas as pd
import plotly.graph_objects  # noqa: F401 - imported for its cost
import pyarrow  # noqa: F401 - imported for its cost
import streamlit as st

st.title("Stack page")
st.dataframe(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), hide_index=True)
