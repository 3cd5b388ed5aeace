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
#: Where GitHub-flavoured Markdown would turn plain text into a link whatever its escapes
#: (it finds ``http://``, ``https://``, ``www.`` and e-mail addresses in the text after
#: escapes are read).
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)(?=:)|\b(www)(?=\.)|(?<=\w)@(?=[\w-]+\.)")
#: An invisible character that breaks an autolink without changing what is shown.
WORD_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")

#: Text a spreadsheet would run as a formula when it starts a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

#: Trace fields that hold data values, which plotly shows (in ticks, legends, hover labels
#: via ``%{x}``, ``%{customdata}``) reading a subset of HTML in them. ``text`` and
#: ``hovertext`` are not listed: the charts build those with their own ``<br>`` markup and
#: escape the data they put in them with ``html``.
DATA_FIELDS = frozenset({"x", "y", "labels", "ids", "parents", "customdata", "name",
                         "legendgroup", "ticktext"})
#: Trace fields the charts write with their own markup (line breaks, bold, ``<extra>``),
#: often around data: every tag in them other than ``SAFE_TAGS`` (bare, no attributes) is
#: escaped, so a name holding ``<a href=...>`` or ``<span style=...>`` shows as typed.
MARKUP_FIELDS = frozenset({"text", "hovertext", "hovertemplate", "texttemplate"})
#: Plotly tags that can change a label's layout but never make a link, image or style.
SAFE_TAGS = frozenset({"br", "b", "i", "em", "sup", "sub", "extra"})
_TAG = re.compile(r"<(/?)([A-Za-z]*)([^<>]*)(>?)")
#: Nested parts of a trace holding data fields (Sankey nodes and links, table cells).
_NESTED = {"node": frozenset({"label", "customdata"}), "link": frozenset({"label",
                                                                          "customdata"}),
           "header": frozenset({"values"}), "cells": frozenset({"values"})}


def md(value: object) -> str:
    """``value`` as Markdown that displays exactly its characters: every Markdown or
    Streamlit directive character is backslash-escaped, line breaks become spaces, and a
    word joiner (invisible) follows ``http``/``https``/``ftp``/``www`` and an e-mail's
    ``@`` so that no address in the text becomes a link. None gives an empty string."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _MARKDOWN.sub(r"\\\1", text)


def md_signed(value: object) -> str:
    """``md(value)`` that keeps a leading "+" or "-" as it is: ``st.metric`` reads a delta's
    direction (its arrow and colour) from that first character, and a sign followed by a
    digit or "£" is never Markdown."""
    text = "" if value is None else str(value)
    if text[:1] in ("+", "-") and text[1:2] not in (" ", ""):
        return text[0] + md(text[1:])
    return md(text)


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


def plotly_markup(value: object) -> str:
    """``value`` with every tag escaped except the bare ``SAFE_TAGS`` (``<br>``, ``<b>``,
    ``</b>``, ``<extra></extra>`` ...): for chart text that mixes the charts' own markup with
    data. ``<br/>`` counts as ``<br>``."""
    def keep(match: re.Match[str]) -> str:
        closing, name, rest, end = match.groups()
        if end and name.lower() in SAFE_TAGS and rest.strip() in ("", "/"):
            return match.group(0)
        return "&lt;" + match.group(0)[1:].replace(">", "&gt;")
    return _TAG.sub(keep, "" if value is None else str(value))


def _escape_markup(value: Any) -> Any:
    if isinstance(value, str):
        return plotly_markup(value)
    if isinstance(value, list | tuple):
        return [_escape_markup(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):
        return _escape_markup(value.tolist())
    return value


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
        elif key in MARKUP_FIELDS:
            fixed[key] = _escape_markup(value)
        elif key in _NESTED and isinstance(value, Mapping):
            fixed[key] = {k: _escape_data(v) if k in _NESTED[key] else v
                          for k, v in value.items()}
    return fixed


def escape_axes(layout: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a layout with the text plotly reads as HTML, where data can appear, escaped:
    axes' ``ticktext`` and titles and the figure's and legend's titles (``label``: line
    breaks kept); string ``x``/``y`` positions of annotations and shapes (they name a
    category, which ``escape_trace`` escaped, so they are escaped the same way to stay on
    it); annotations' text (every tag but the bare ``SAFE_TAGS`` escaped)."""
    fixed = {key: _escape_title(value) if key in ("title", "legend") else value
             for key, value in layout.items()}
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, Mapping):
            axis = {**axis, "title": _escape_title(axis["title"])} if "title" in axis else axis
            if "ticktext" in axis:
                axis = {**axis, "ticktext": _escape_data(axis["ticktext"])}
            fixed[key] = axis
    for key in ("annotations", "shapes"):
        items = layout.get(key)
        if isinstance(items, list | tuple):
            fixed[key] = [_escape_positions(item) for item in items]
    return fixed


def _escape_title(title: Any) -> Any:
    if isinstance(title, str):
        return label(title)
    if isinstance(title, Mapping):
        fixed = dict(title)
        if isinstance(title.get("text"), str):
            fixed["text"] = label(title["text"])
        if isinstance(title.get("title"), Mapping | str):  # a legend's title
            fixed["title"] = _escape_title(title["title"])
        return fixed
    return title


def _escape_positions(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    fixed = {k: (label(v) if k in {"x", "y", "x0", "x1", "y0", "y1"} and isinstance(v, str)
                 else v) for k, v in item.items()}
    if isinstance(item.get("text"), str):  # an annotation's text: the charts' markup kept
        fixed["text"] = plotly_markup(item["text"])
    return fixed
