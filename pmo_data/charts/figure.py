"""Build plotly figures as plain dicts and construct each figure once.

Why this module exists: plotly validates every property on every ``add_trace``,
``add_annotation``, ``add_shape`` and ``update_*`` call, and each ``add_annotation`` re-validates
every annotation already added (so a 7x7 heatmap with a label per cell took over a second),
while ``template="plotly_white"`` re-validates the whole template on every ``update_layout``.
A page of six charts spent most of its time there. The chart modules therefore record traces,
annotations, shapes and layout in a ``FigureBuilder`` (same method names as ``go.Figure``, so
the chart code reads as before) and call ``build()`` once at the end.

``build()`` constructs the ``go.Figure`` without plotly's per-property validation (plotly's
own ``_validate`` switch: the figure and its JSON are the same, only the checking is skipped),
except in strict mode (``PMO_STRICT_FIGURES=1``, or whenever pytest is running), where the
same dicts go through full validation: every chart test therefore checks that the figures are
valid plotly, and a test compares the fast figure's JSON with the validated one's.

Magic underscores work as in plotly (``marker_color=...`` is ``marker={"color": ...}``,
``title_text`` is ``title={"text": ...}``), also inside nested dicts; a string ``title`` is the
title's text; ``None`` removes a property (plotly may keep an empty ``{}`` for it instead,
which draws the same). ``update_xaxes``/``update_yaxes``
update the one x/y axis of a single-plot figure (no subplots here).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from pmo_data.charts.palette import FONT, NHS_MID_GREY, NHS_PALE_GREY, NHS_WHITE
from pmo_data.text import escape_axes, escape_trace

#: Plotly property names that contain an underscore (never split as magic underscores).
_UNDERSCORE_NAMES = frozenset({"paper_bgcolor", "plot_bgcolor", "error_x", "error_y",
                               "error_z", "copy_ystyle", "copy_zstyle"})


def strict() -> bool:
    """True when figures are fully validated: ``PMO_STRICT_FIGURES=1``, or under pytest."""
    flag = os.environ.get("PMO_STRICT_FIGURES")
    if flag is not None:
        return flag == "1"
    return "pytest" in sys.modules


def _path(key: str) -> list[str]:
    """``"marker_line_color"`` -> ``["marker", "line", "color"]``; names such as
    ``plot_bgcolor`` stay whole."""
    parts = key.split("_")
    out: list[str] = []
    i = 0
    while i < len(parts):
        pair = "_".join(parts[i:i + 2])
        if i + 1 < len(parts) and pair in _UNDERSCORE_NAMES:
            out.append(pair)
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def _merge(target: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """Merge ``props`` into ``target`` the way plotly's ``update`` does: nested dicts are
    merged, anything else replaces, ``None`` removes, magic underscores are expanded."""
    for key, value in props.items():
        path = _path(key) if "_" in key and key not in _UNDERSCORE_NAMES else [key]
        if value is None and len(path) > 1:  # title_text=None: nothing to set
            _remove(target, path)
            continue
        node = target
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {} if not isinstance(child, str) else {"text": child}
            node = child
        last = path[-1]
        if value is None:
            node.pop(last, None)
        elif isinstance(value, dict):
            child = node.get(last)
            if not isinstance(child, dict):
                child = {"text": child} if isinstance(child, str) and last == "title" else {}
                node[last] = child
            _merge(child, value)
        elif last == "title" and isinstance(value, str):
            child = node.get(last)
            node[last] = {**(child if isinstance(child, dict) else {}), "text": value}
        else:
            node[last] = value
    return target


def _remove(target: dict[str, Any], path: list[str]) -> None:
    node: Any = target
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(path[-1], None)


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A trace as a dict: ``trace("bar", x=..., marker_color=...)`` (plotly's trace type name,
    lower case, and its properties)."""
    return _merge({"type": kind}, props)


@cache
def _template(name: str) -> dict[str, Any]:
    """A registered plotly template as a plain dict (resolved once per process)."""
    return pio.templates[name].to_plotly_json()


class FigureBuilder:
    """Traces, annotations, shapes and layout of one figure, as dicts, until ``build()``.

    The methods mirror ``go.Figure``'s (``add_trace`` takes a ``trace(...)`` dict) and return
    the builder, so calls chain as before.
    """

    def __init__(self, data: list[dict[str, Any]] | dict[str, Any] | None = None) -> None:
        self.data: list[dict[str, Any]] = (
            [data] if isinstance(data, dict) else list(data or []))
        self.layout: dict[str, Any] = {}

    def add_trace(self, new: dict[str, Any]) -> FigureBuilder:
        """Append a trace (a ``trace(...)`` dict)."""
        self.data.append(new)
        return self

    def add_bar(self, **props: Any) -> FigureBuilder:
        """Append a bar trace (as ``go.Figure.add_bar``)."""
        return self.add_trace(trace("bar", **props))

    def add_annotation(self, **props: Any) -> FigureBuilder:
        """Append a layout annotation."""
        self.layout.setdefault("annotations", []).append(_merge({}, props))
        return self

    def add_shape(self, **props: Any) -> FigureBuilder:
        """Append a layout shape."""
        self.layout.setdefault("shapes", []).append(_merge({}, props))
        return self

    def update_layout(self, props: dict[str, Any] | None = None, **kwargs: Any
                      ) -> FigureBuilder:
        """Merge properties into the layout (as ``go.Figure.update_layout``)."""
        _merge(self.layout, {**(props or {}), **kwargs})
        return self

    def update_xaxes(self, **props: Any) -> FigureBuilder:
        """Merge properties into the x axis."""
        _merge(self.layout.setdefault("xaxis", {}), props)
        return self

    def update_yaxes(self, **props: Any) -> FigureBuilder:
        """Merge properties into the y axis."""
        _merge(self.layout.setdefault("yaxis", {}), props)
        return self

    @property
    def annotations(self) -> list[dict[str, Any]]:
        """The annotations added so far (a list the caller may filter in place)."""
        return self.layout.setdefault("annotations", [])

    def build(self) -> go.Figure:
        """The ``go.Figure``: one constructor call, validated only in strict mode. Data values
        (categories, names, custom data, tick texts) are HTML-escaped first
        (``pmo_data.text.escape_trace``): plotly would render markup in them."""
        data = [escape_trace(t) for t in self.data]
        if strict():
            return go.Figure(data=data, layout=escape_axes(self.layout))
        layout = escape_axes(self.layout)
        if isinstance(layout.get("template"), str):
            layout = {**layout, "template": _template(layout["template"])}
        return go.Figure(data=data, layout=layout, _validate=False)


def house_layout(fig: FigureBuilder, title: str, *, height: int, **kw: object) -> FigureBuilder:
    """The house style of the dashboard's bar, line and scatter charts: the title top left,
    Arial, a white plot, the legend in one row above the plot (right-aligned), pale grid
    lines; ``kw`` are further layout properties (barmode, clickmode...). Returns ``fig``."""
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)),
        font=FONT, plot_bgcolor=NHS_WHITE, paper_bgcolor=NHS_WHITE, height=height,
        margin=dict(l=10, r=20, t=84, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="right", x=1,
                    traceorder="normal"),
        hoverlabel=dict(font=dict(family=FONT["family"])), **kw,
    )
    fig.update_xaxes(gridcolor=NHS_PALE_GREY, zerolinecolor=NHS_MID_GREY)
    fig.update_yaxes(gridcolor=NHS_PALE_GREY, zerolinecolor=NHS_MID_GREY)
    return fig
