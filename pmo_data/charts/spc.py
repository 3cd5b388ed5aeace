"""Making Data Count SPC chart (plotly) and the MDC icons as small inline SVGs.

Why this module exists: the SPC page, the board pack and the HTML report must draw the same
chart from the same ``pmo_data.spc`` result, in the Making Data Count style: grey line and grey
dots for common cause, blue for improvement, orange for concern, purple for special cause where
neither direction is better; solid mean line, dashed process limits, red dashed target; the
variation and assurance icons beside the title; the one-sentence summary under the chart (and
returned, for screen readers and board papers). No streamlit here.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

import plotly.graph_objects as go

from pmo_data.charts.figure import FigureBuilder, trace
from pmo_data.charts.palette import (
    NHS_BLACK,
    NHS_DARK_GREY,
    NHS_PALE_GREY,
    NHS_RED,
    NHS_WHITE,
    SPC_COMMON,
    SPC_CONCERN,
    SPC_IMPROVEMENT,
    SPC_NEUTRAL,
    contrast_ratio,
)
from pmo_data.spc import (
    COMMON_CAUSE,
    CONCERN,
    IMPROVEMENT,
    NEUTRAL_HIGH,
    NEUTRAL_LOW,
    POINT_TYPES,
    SpcPoint,
    SpcResult,
    fmt_date,
    fmt_number,
)

#: Marker colour for each point classification.
POINT_COLOURS: dict[str, str] = {
    COMMON_CAUSE: SPC_COMMON,
    IMPROVEMENT: SPC_IMPROVEMENT,
    CONCERN: SPC_CONCERN,
    NEUTRAL_HIGH: SPC_NEUTRAL,
    NEUTRAL_LOW: SPC_NEUTRAL,
}

#: Legend / hover label for each point classification.
POINT_LABELS: dict[str, str] = {
    COMMON_CAUSE: "Common cause",
    IMPROVEMENT: "Special cause improvement",
    CONCERN: "Special cause concern",
    NEUTRAL_HIGH: "Special cause (high)",
    NEUTRAL_LOW: "Special cause (low)",
}

RULE_LABELS: dict[str, str] = {
    "beyond_limits": "beyond a process limit",
    "two_of_three": "two of three near a limit",
    "shift": "shift",
    "trend": "trend",
}


@dataclass(frozen=True)
class IconSpec:
    """How one MDC icon is drawn: fill colour, letter, letter colour, outline and title."""

    colour: str
    letter: str
    text_colour: str
    outline: str
    title: str


def _icon(colour: str, letter: str, title: str) -> IconSpec:
    """Letter in white or NHS black, whichever contrasts more with the fill; a black outline
    when the fill alone is below the 3:1 non-text contrast against a white page."""
    text = NHS_WHITE
    if contrast_ratio(colour, NHS_BLACK) > contrast_ratio(colour, NHS_WHITE):
        text = NHS_BLACK
    outline = colour if contrast_ratio(colour, NHS_WHITE) >= 3 else NHS_BLACK
    return IconSpec(colour, letter, text, outline, title)


#: Every variation and assurance icon (keys are SpcResult.variation_icon / assurance_icon).
#: Grey icons use NHS dark grey (SPC_COMMON is too pale behind a letter for WCAG AA).
ICONS: dict[str, IconSpec] = {
    "common_cause": _icon(NHS_DARK_GREY, "~", "Common cause variation"),
    "improvement_high": _icon(SPC_IMPROVEMENT, "H", "Special cause improvement (high)"),
    "improvement_low": _icon(SPC_IMPROVEMENT, "L", "Special cause improvement (low)"),
    "concern_high": _icon(SPC_CONCERN, "H", "Special cause concern (high)"),
    "concern_low": _icon(SPC_CONCERN, "L", "Special cause concern (low)"),
    "neutral_high": _icon(SPC_NEUTRAL, "H", "Special cause variation (high)"),
    "neutral_low": _icon(SPC_NEUTRAL, "L", "Special cause variation (low)"),
    "pass": _icon(SPC_IMPROVEMENT, "P", "Target consistently met (pass)"),
    "fail": _icon(SPC_CONCERN, "F", "Target consistently missed (fail)"),
    "hit_or_miss": _icon(NHS_DARK_GREY, "?", "Target may or may not be met (hit or miss)"),
}


@dataclass(frozen=True)
class SpcChart:
    """A drawn SPC chart and its one-sentence text alternative."""

    figure: go.Figure
    summary: str


def spc_icon_svg(kind: str, size: int = 28) -> str:
    """Inline SVG of an MDC icon: a filled circle with a letter and a <title> for screen readers.

    kind is a variation icon ("common_cause", "improvement_high", ...) or an assurance icon
    ("pass", "fail", "hit_or_miss"); size is in CSS pixels. Raises ValueError for anything else.
    """
    if kind not in ICONS:
        raise ValueError(f"unknown SPC icon {kind!r}; expected one of {', '.join(ICONS)}")
    spec = ICONS[kind]
    title = escape(spec.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 32 32" role="img" aria-label="{title}" class="spc-icon spc-icon-{kind}">'
        f"<title>{title}</title>"
        f'<circle cx="16" cy="16" r="15" fill="{spec.colour}" stroke="{spec.outline}" '
        'stroke-width="1.5"/>'
        f'<text x="16" y="21.5" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-size="16" font-weight="bold" fill="{spec.text_colour}">'
        f"{escape(spec.letter)}</text></svg>"
    )


def spc_figure(
    result: SpcResult,
    *,
    title: str,
    unit: str = "",
    target: float | None = None,
    y_title: str = "",
    summary_in_figure: bool = True,
) -> SpcChart:
    """Draw an SPC result as a Making Data Count chart.

    x is the date of each point when the result has dates, else the 1-based point number.
    Mean and process limits are drawn per segment (they step at a rebase). target defaults to
    result.target and is drawn as a red dashed line labelled "Target". With too few points for
    limits the chart is a plain run chart (no limits, no icons) and the summary says why. The
    y axis is titled y_title, else unit. The summary is result.summary, also placed under the
    chart as an annotation named "summary" unless ``summary_in_figure`` is False (a page that
    shows it as a caption: then no annotation and no space kept for it).
    """
    if target is None:
        target = result.target
    points = result.points
    has_dates = bool(points) and points[0].date is not None
    xs = [p.date if has_dates else p.index + 1 for p in points]
    suffix = f" {unit}" if unit else ""
    monthly = has_dates and all(p.date is not None and p.date.day == 1 for p in points)

    fig = FigureBuilder()
    fig.add_trace(
        trace(
            "scatter",
            x=xs,
            y=[p.value for p in points],
            mode="lines",
            name="Values",
            line={"color": SPC_COMMON, "width": 2},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if result.segments:
        _add_levels(fig, result, xs, ("mean",), "Mean", "solid")
        _add_levels(fig, result, xs, ("upl", "lpl"), "Process limits", "dash")
    if target is not None and points:
        fig.add_trace(
            trace(
                "scatter",
                x=[xs[0], xs[-1]],
                y=[target, target],
                mode="lines",
                name=f"Target {fmt_number(target)}{suffix}",
                line={"color": NHS_RED, "width": 2, "dash": "dash"},
                hoverinfo="skip",
            )
        )
        fig.add_annotation(
            name="target_label",
            x=xs[-1],
            y=target,
            text=f"Target {fmt_number(target)}",
            showarrow=False,
            xanchor="left",
            yanchor="middle",
            xshift=6,
            font={"color": NHS_RED, "size": 12},
        )
    for kind in POINT_TYPES:
        chosen = [i for i, p in enumerate(points) if p.type == kind]
        if not chosen:
            continue
        fig.add_trace(
            trace(
                "scatter",
                x=[xs[i] for i in chosen],
                y=[points[i].value for i in chosen],
                mode="markers",
                name=POINT_LABELS[kind],
                marker={
                    "color": POINT_COLOURS[kind],
                    "size": 9,
                    "line": {"color": NHS_WHITE, "width": 1},
                },
                customdata=chosen,
                hovertext=[_hover(points[i], monthly, suffix) for i in chosen],
                hoverinfo="text",
            )
        )

    icons = [("variation_icon", result.variation_icon), ("assurance_icon", result.assurance_icon)]
    drawn = [(name, kind) for name, kind in icons if kind is not None]
    for slot, (name, kind) in enumerate(reversed(drawn)):
        _add_icon(fig, name, kind, slot)

    summary = result.summary
    if summary_in_figure:
        fig.add_annotation(
            name="summary",
            text="<br>".join(textwrap.wrap(summary, 110)) or summary,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-62,
            align="left",
            showarrow=False,
            font={"size": 12, "color": NHS_BLACK},
        )
    lines = max(1, len(textwrap.wrap(summary, 110)))
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 16, "l": 12},
            "font": {"size": 18, "color": NHS_BLACK},
        },
        font={"family": "Arial, Helvetica, sans-serif", "color": NHS_BLACK},
        plot_bgcolor=NHS_WHITE,
        paper_bgcolor=NHS_WHITE,
        margin={"l": 60, "r": 90, "t": 100,
                "b": 84 + 16 * lines if summary_in_figure else 60},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        hovermode="closest",
        xaxis={
            "title": {"text": "Date" if has_dates else "Point"},
            "gridcolor": NHS_PALE_GREY,
            "linecolor": NHS_DARK_GREY,
        },
        yaxis={
            "title": {"text": y_title or unit},
            "gridcolor": NHS_PALE_GREY,
            "linecolor": NHS_DARK_GREY,
            "zeroline": False,
        },
    )
    return SpcChart(figure=fig.build(), summary=summary)


def _add_levels(
    fig: FigureBuilder,
    result: SpcResult,
    xs: list,
    attrs: tuple[str, ...],
    name: str,
    dash: str,
) -> None:
    """Horizontal lines, one per segment and attribute, as a single trace (None between)."""
    line_x: list = []
    line_y: list = []
    for attr in attrs:
        for seg in result.segments:
            level = getattr(seg, attr)
            if line_x:
                line_x.append(None)
                line_y.append(None)
            line_x += [xs[seg.start], xs[seg.end - 1]]
            line_y += [level, level]
    fig.add_trace(
        trace(
            "scatter",
            x=line_x,
            y=line_y,
            mode="lines",
            name=name,
            line={"color": NHS_DARK_GREY, "width": 1.5, "dash": dash},
            hovertemplate=f"{name}: %{{y:.4g}}<extra></extra>",
        )
    )


def _hover(p: SpcPoint, monthly: bool, suffix: str) -> str:
    """Hover text: date (or point number), value with unit, classification and rules."""
    when = fmt_date(p.date, monthly) if p.date is not None else f"Point {p.index + 1}"
    rules = ", ".join(RULE_LABELS.get(r, r) for r in p.rules)
    text = f"{when}<br>Value: {fmt_number(p.value)}{suffix}<br>{POINT_LABELS[p.type]}"
    return f"{text} ({rules})" if rules else text


def _add_icon(fig: FigureBuilder, name: str, kind: str, slot: int) -> None:
    """A circle with a letter at the top right, above the plot; slot 0 is the rightmost."""
    spec = ICONS[kind]
    x_px = -16 - slot * 40
    fig.add_shape(
        name=name,
        type="circle",
        xref="paper",
        yref="paper",
        xsizemode="pixel",
        ysizemode="pixel",
        xanchor=1,
        yanchor=1,
        x0=x_px - 16,
        x1=x_px + 16,
        y0=50,
        y1=82,
        fillcolor=spec.colour,
        line={"color": spec.outline, "width": 1.5},
        layer="above",
    )
    fig.add_annotation(
        name=name,
        text=f"<b>{escape(spec.letter)}</b>",
        hovertext=spec.title,
        xref="paper",
        yref="paper",
        x=1,
        y=1,
        xanchor="center",
        yanchor="middle",
        xshift=x_px,
        yshift=66,
        showarrow=False,
        font={"size": 16, "color": spec.text_colour},
    )
