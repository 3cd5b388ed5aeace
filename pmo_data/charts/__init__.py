"""Plotly figures for the dashboard and the board pack (no streamlit here).

Each builder returns a ``Chart``-like result: a plotly figure plus a one-sentence text
summary for screen readers and board papers.
"""
