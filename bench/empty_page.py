"""The floor: an empty Streamlit page, to compare every page's time with Streamlit's own."""

import streamlit as st

st.title("Empty page")
