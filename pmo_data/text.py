"""Show text that came from a file, a database or a URL exactly as it is, never as markup.

Why this module exists: project names, IDs, service groups, course names, peer trust names
and query parameters come from people's spreadsheets and links. Rendered as Markdown they
can become live links, remote images fetched by every viewer's browser, coloured or hidden
text (Streamlit's ``:red[...]``, ``:material/...:``) or formulae (``$...$``); in a plotly
figure, ``<a href=...>`` in a label is a clickable link. Every page caption, title and
message that includes such text passes it through ``md``; every figure's data fields
are escaped by ``escape_trace`` when it is built (``FigureBuilder.build`` in
``pmo_data.charts.figure``), and the charts escape the data they write into hover text
with ``html``; downloads pass cells and headers
through ``cell`` (spreadsheet formulae). One helper per medium, used everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Characters with a meaning in Markdown or in Streamlit's Markdown extensions (colour and
#: icon directives ``:name[...]``, emoji shortcodes ``:smile:``, LaTeX ``$``, HTML ``<``).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=^\"'])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")

#: Text a spreadsheet would run as a formula when it starts a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

#: Trace fields that hold data values, which plotly shows (in ticks, legends, hover labels
#: via ``%{x}``, ``%{customdata}``) reading a subset of HTML in them. ``text`` and
#: ``hovertext`` are not listed: the charts build those with their own ``<br>`` markup and
#: escape the data they put in them with ``html``.
DATA_FIELDS = frozenset({"x", "y", "labels", "ids", "parents", "customdata", "name",
                         "legendgroup", "ticktext"})
#: Nested parts of a trace holding data fields (Sankey nodes and links, table cells).
_NESTED = {"node": frozenset({"label", "customdata"}), "link": frozenset({"label",
                                                                          "customdata"}),
           "header": frozenset({"values"}), "cells": frozenset({"values"})}


def md(value: object) -> str:
    """``value`` as Markdown that displays exactly its characters: every Markdown or
    Streamlit directive character is backslash-escaped and line breaks become spaces.
    None gives an empty string."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    return _MARKDOWN.sub(r"\\\1", text)


def html(value: object) -> str:
    """``value`` with ``&``, ``<`` and ``>`` escaped, for plotly labels and HTML reports."""
    if value is None:
        return ""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: Any) -> Any:
    """A value safe in a spreadsheet cell or CSV field: text that would run as a formula
    gets a leading apostrophe (shown, not run); other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def label(value: object) -> str:
    """``html(value)`` that keeps line breaks (``<br>``): for chart labels, where the charts
    break long category names on purpose. A break is the only markup that survives (it can
    change a label's layout, never make a link, an image or a style)."""
    return html(value).replace("&lt;br&gt;", "<br>").replace("&lt;br/&gt;", "<br>")


def _escape_data(value: Any) -> Any:
    if isinstance(value, str):
        return label(value)
    if isinstance(value, list | tuple):
        return [_escape_data(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays, series
        return _escape_data(value.tolist())
    return value


def escape_trace(trace: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a plotly trace dict with its data fields (``DATA_FIELDS`` and the nested
    ones) HTML-escaped, so a category, name or custom value such as ``<a href=...>`` shows
    as typed instead of becoming a link."""
    fixed = dict(trace)
    for key, value in trace.items():
        if key in DATA_FIELDS:
            fixed[key] = _escape_data(value)
        elif key in _NESTED and isinstance(value, Mapping):
            fixed[key] = {k: _escape_data(v) if k in _NESTED[key] else v
                          for k, v in value.items()}
    return fixed


def escape_axes(layout: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a layout whose axes' ``ticktext`` is HTML-escaped."""
    fixed = dict(layout)
    for key, axis in layout.items():
        if (key.startswith(("xaxis", "yaxis")) and isinstance(axis, Mapping)
                and "ticktext" in axis):
            fixed[key] = {**axis, "ticktext": _escape_data(axis["ticktext"])}
    return fixed
