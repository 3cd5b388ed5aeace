"""Small inline SVG charts for the printable HTML board report.

Why this module exists: the HTML pack must open anywhere with no internet (no plotly.js, no
fonts, no external images) and print cleanly, so its charts are plain SVG strings drawn here:
grouped bars and lines with axis labels, value labels, a legend, and a ``<title>``/``<desc>``
text alternative. Output is deterministic (same data, same bytes). Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pmo_data.charts.palette import NHS_BLACK, NHS_DARK_GREY, NHS_PALE_GREY

FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class SvgSeries:
    """One series: a name, a value per category (None = missing, not drawn) and colours.

    ``colours`` may give one colour per category (e.g. RAG colours); else ``colour`` is used.
    """

    name: str
    values: tuple[float | None, ...]
    colour: str
    colours: tuple[str, ...] | None = None


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 x a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"
    if unit == "£":
        return f"£{text}"
    if unit == "%":
        return f"{text}%"
    return text


def _legend(series: Sequence[SvgSeries], x: float, y: float) -> list[str]:
    out = []
    for s in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" '
                   f'fill="{s.colour}"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="12">{escape(s.name)}</text>')
        x += 28 + 7 * len(s.name)
    return out


def _frame(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}: {escape(description)}" font-family="{FONT}" '
        f'fill="{NHS_BLACK}">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body) + "</svg>"
    )


def _value_axis(series: Sequence[SvgSeries], unit: str, *, left: float, right: float,
                top: float, plot_h: float) -> tuple[float, list[str]]:
    """The value axis from zero to a round maximum above every value: the legend, five
    grid lines with their labels. Returns (maximum, the SVG elements so far)."""
    values = [v for s in series for v in s.values if v is not None]
    vmax = _nice_max(max(values) if values else 1.0)
    body = _legend(series, left, 18)
    for k in range(5):
        v = vmax * k / 4
        y = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                    f'stroke="{NHS_PALE_GREY}"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                    f"{escape(_fmt(v, unit))}</text>")
    return vmax, body


def bar_chart(
    categories: Sequence[str],
    series: Sequence[SvgSeries],
    *,
    title: str,
    description: str,
    unit: str = "",
    width: int = 900,
    height: int = 360,
) -> str:
    """Vertical grouped bars, one group per category, value labels above each bar.

    Missing values (None) leave a gap with a "no data" mark; the axis starts at zero.
    """
    left, right, top, bottom = 70, 20, 36, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax, body = _value_axis(series, unit, left=left, right=width - right, top=top,
                             plot_h=plot_h)
    n = max(1, len(categories))
    group_w = plot_w / n
    bar_w = min(48.0, group_w * 0.8 / max(1, len(series)))
    for i, cat in enumerate(categories):
        gx = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            x = gx + bar_w * j
            if v is None:
                body.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 4:.1f}" '
                            f'font-size="10" text-anchor="middle" fill="{NHS_DARK_GREY}">'
                            "no data</text>")
                continue
            h = plot_h * max(v, 0) / vmax
            colour = s.colours[i] if s.colours else s.colour
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"><title>{escape(cat)}, '
                        f"{escape(s.name)}: {escape(_fmt(v, unit))}</title></rect>")
            body.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{top + plot_h - h - 4:.1f}" '
                        f'font-size="11" text-anchor="middle">{escape(_fmt(v, unit))}</text>')
        body.append(f'<text x="{left + group_w * (i + 0.5):.1f}" y="{top + plot_h + 18:.1f}" '
                    f'font-size="12" text-anchor="middle">{escape(cat)}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                f'y2="{top + plot_h}" stroke="{NHS_DARK_GREY}"/>')
    return _frame(width, height, title, description, body)


def line_chart(
    categories: Sequence[str],
    series: Sequence[SvgSeries],
    *,
    title: str,
    description: str,
    unit: str = "",
    width: int = 900,
    height: int = 340,
    dashed: Sequence[str] = (),
) -> str:
    """Lines with markers over ordered categories (months); series named in ``dashed`` are
    drawn dashed (targets). Missing values break the line."""
    left, right, top, bottom = 70, 30, 36, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax, body = _value_axis(series, unit, left=left, right=width - right, top=top,
                             plot_h=plot_h)
    n = len(categories)
    step = plot_w / max(1, n - 1) if n > 1 else 0.0

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (step * i if n > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * v / vmax

    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, v))
        dash = ' stroke-dasharray="6 4"' if s.name in dashed else ""
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(f'<polyline points="{pts}" fill="none" stroke="{s.colour}" '
                            f'stroke-width="2.5"{dash}/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            x, y = xy(i, v)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.colour}">'
                        f"<title>{escape(categories[i])}, {escape(s.name)}: "
                        f"{escape(_fmt(v, unit))}</title></circle>")
        last = [(i, v) for i, v in enumerate(s.values) if v is not None]
        if last:
            x, y = xy(*last[-1])
            body.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="12" text-anchor="end" '
                        f'font-weight="bold">{escape(_fmt(last[-1][1], unit))}</text>')
    for i, cat in enumerate(categories):
        x, _ = xy(i, 0)
        body.append(f'<text x="{x:.1f}" y="{top + plot_h + 18:.1f}" font-size="11" '
                    f'text-anchor="middle">{escape(cat)}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                f'y2="{top + plot_h}" stroke="{NHS_DARK_GREY}"/>')
    return _frame(width, height, title, description, body)
