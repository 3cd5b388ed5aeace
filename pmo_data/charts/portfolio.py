"""Charts of the Portfolio delivery page: RAG by service group, the stage pipeline, milestone
slippage, the baseline-against-forecast timeline and one project's RAG history strip.

Why this module exists: the page and the board pack must draw the same figures from the same
``pmo_data.portfolio`` results, in the NHS palette with the RAG colours, each with a title,
labelled axes, hover text and a one-sentence summary for screen readers and board papers.
It also colours RAG cells in tables (text labels on a RAG fill with a contrasting letter
colour, so the label is readable and nothing relies on colour alone). No queries, no
streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from pmo_data.charts.figure import FigureBuilder, house_layout, trace
from pmo_data.charts.palette import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PALE_GREY,
    NHS_PURPLE,
    NHS_WHITE,
    RAG_COLOURS,
    text_on,
)
from pmo_data.charts.table_style import fast_styler
from pmo_data.portfolio import NOT_REPORTED, SLIPPAGE_BANDS, SlippageDistribution, Timeline
from pmo_data.schema import RAG_ORDER
from pmo_data.spc import fmt_date
from pmo_data.text import html

#: Longest project or group label drawn in full on an axis (the rest end in "...").
LABEL_CHARS = 48
#: RAG dimensions of a highlight report, as (column, row label) in strip order.
RAG_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("overall_rag", "Overall"), ("schedule_rag", "Schedule"), ("cost_rag", "Cost"),
    ("risk_rag", "Risk"), ("benefits_rag", "Benefits"), ("dca", "Delivery confidence"))


@dataclass(frozen=True)
class PortfolioChart:
    """A figure with its one-sentence text alternative."""

    figure: go.Figure
    summary: str


@cache
def rag_text_colour(rag: str) -> str:
    """White or NHS black, whichever contrasts more with the RAG's fill colour (4.5:1 or
    more for every RAG value: tests/test_palette.py)."""
    return text_on(RAG_COLOURS.get(rag, NHS_MID_GREY))


def rag_cell_css(value: object) -> str:
    """CSS for a table cell holding a RAG value: its RAG fill and a contrasting text colour;
    "" for anything that is not a RAG value (blank cells stay plain)."""
    if not isinstance(value, str) or value not in RAG_COLOURS:
        return ""
    return f"background-color: {RAG_COLOURS[value]}; color: {rag_text_colour(value)}"


def style_rags(frame: pd.DataFrame, columns: Iterable[str]) -> Styler:
    """``frame`` as a Styler whose RAG columns (those of ``columns`` it has) are coloured
    with ``rag_cell_css``; the values stay the text labels."""
    present = [c for c in columns if c in frame.columns]
    styler = fast_styler(frame)  # frame.style, but cheap for st.dataframe to send
    return styler.map(rag_cell_css, subset=present) if present else styler



def _empty(title: str, message: str) -> PortfolioChart:
    fig = FigureBuilder()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=14, color=NHS_DARK_GREY))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return PortfolioChart(house_layout(fig, title, height=220).build(), message)


def _short(text: object, chars: int = LABEL_CHARS) -> str:
    s = str(text)
    return s if len(s) <= chars else s[: chars - 3] + "..."


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


# --- RAG by service group ------------------------------------------------------------------


def rag_by_group_chart(frame: pd.DataFrame, title: str = "Latest RAG by service group",
                       axis: str = "Service group", noun: str = "service group"
                       ) -> PortfolioChart:
    """Stacked horizontal bars: projects per service group (or another group in the
    ``service_group`` column, named by ``axis`` and ``noun``), split by latest RAG, from
    ``portfolio.rag_by_group``. Groups with the most Red (then Amber/Red) projects on top.

    Summary: "<n> projects in <g> service groups; <r> Red, most in <group> (<k>)." or, with
    no Red project, "... none Red."
    """
    if frame.empty:
        return _empty(title, "No projects match the filters.")
    cells: dict[str, dict[str, int]] = {}  # group -> RAG -> projects (a few dozen rows)
    for group, rag, n in zip(frame["service_group"], frame["overall_rag"], frame["projects"],
                             strict=True):
        row = cells.setdefault(group, {})
        row[rag] = row.get(rag, 0) + int(n)
    present = {rag for row in cells.values() for rag in row}
    rags = [r for r in RAG_ORDER if r in present] + sorted(present - set(RAG_ORDER))
    totals = {g: sum(row.values()) for g, row in cells.items()}
    # by name, then most Red, most Amber/Red, most projects first (ties keep name order)
    groups = sorted(sorted(cells), key=lambda g: (cells[g].get("Red", 0),
                                                  cells[g].get("Amber/Red", 0), totals[g]),
                    reverse=True)
    fig = FigureBuilder()
    for rag in rags:
        counts = [cells[g].get(rag, 0) for g in groups]
        fig.add_trace(trace("bar",
            y=[_short(g, 30) for g in groups], x=counts, orientation="h", name=rag,
            marker_color=RAG_COLOURS.get(rag, NHS_MID_GREY),
            text=[str(v) if v else "" for v in counts], textposition="inside",
            insidetextanchor="middle", textfont=dict(color=rag_text_colour(rag)),
            customdata=groups,
            hovertemplate=f"%{{customdata}}<br>{rag}: %{{x}} projects<extra></extra>"))
    house_layout(fig, title, height=max(260, 110 + 34 * len(groups)), barmode="stack")
    fig.update_xaxes(title_text="Projects")
    fig.update_yaxes(title_text=axis, autorange="reversed")
    total = sum(totals.values())
    red = sum(row.get("Red", 0) for row in cells.values())
    summary = (f"{_plural(total, 'project')} in {_plural(len(groups), noun)}; ")
    if red:
        top = groups[0]  # the most Red comes first
        summary += f"{red:,} Red, most in {top} ({cells[top]['Red']:,})."
    else:
        summary += "none Red."
    return PortfolioChart(fig.build(), summary)


# --- stage pipeline ------------------------------------------------------------------------


def stage_pipeline_chart(frame: pd.DataFrame) -> PortfolioChart:
    """Horizontal bars of projects per stage in lifecycle order, from
    ``portfolio.stage_pipeline``: active stages NHS blue, the others grey.

    Summary: "<a> projects in the active stages (Initiation to Closure), most in <stage>
    (<n>); <p> in the pipeline, <h> on hold."
    """
    title = "Stage pipeline"
    if int(frame["projects"].sum()) == 0:
        return _empty(title, "No projects match the filters.")
    colours = [NHS_BLUE if a else NHS_MID_GREY for a in frame["active"]]
    counts = [int(v) for v in frame["projects"]]
    fig = FigureBuilder(trace("bar",
        y=list(frame["stage"]), x=counts, orientation="h", marker_color=colours,
        text=[f"{v:,}" for v in counts], textposition="outside",
        customdata=["active stage" if a else "not active" for a in frame["active"]],
        hovertemplate="%{y} (%{customdata}): %{x} projects<extra></extra>", showlegend=False))
    house_layout(fig, title, height=max(260, 110 + 32 * len(frame)))
    # room right of the longest bar for its label (plotly clips "outside" text at the axis)
    fig.update_xaxes(title_text="Projects", range=[0, max(counts) * 1.15])
    fig.update_yaxes(title_text="Stage", autorange="reversed")
    active = frame[frame["active"]]
    n_active = int(active["projects"].sum())
    by_stage = dict(zip(frame["stage"], counts, strict=True))
    summary = f"{_plural(n_active, 'project')} in the active stages (Initiation to Closure)"
    if n_active:
        top = active.loc[active["projects"].idxmax()]
        summary += f", most in {top['stage']} ({int(top['projects']):,})"
    summary += (f"; {by_stage.get('Pipeline', 0):,} in the pipeline, "
                f"{by_stage.get('On hold', 0):,} on hold.")
    return PortfolioChart(fig.build(), summary)


# --- milestone slippage --------------------------------------------------------------------

_BAND_COLOURS = {"Early": NHS_BLUE, "On time": NHS_BLUE}


def _days(value: float | None) -> str:
    """"12 days late", "1 day early", "on time" (0), "not known" (None)."""
    if value is None:
        return "not known"
    if value == 0:
        return "0 days (on time)"
    amount = f"{abs(value):,.0f}" if float(value).is_integer() else f"{abs(value):,.1f}"
    unit = "day" if abs(value) == 1 else "days"
    return f"{amount} {unit} {'late' if value > 0 else 'early'}"


def slippage_chart(dist: SlippageDistribution) -> PortfolioChart:
    """Bars of milestones per slippage band (``portfolio.SLIPPAGE_BANDS`` order), early and
    on time in NHS blue, late in orange.

    Summary: "Median slippage <d> days over <n> milestones; <late> late, <l30> of them by
    more than 30 days." plus the count left out for having no forecast.
    """
    title = "Milestone slippage against baseline"
    if dist.measured == 0:
        message = "No milestones with a forecast or actual date for these projects."
        if dist.no_forecast:
            message = ("No milestone slippage to show: "
                       f"{_plural(dist.no_forecast, 'open milestone')} without a forecast date.")
        return _empty(title, message)
    bands = dist.bands
    counts = [int(v) for v in bands["milestones"]]
    fig = FigureBuilder(trace("bar",
        x=list(bands["band"]), y=counts,
        marker_color=[_BAND_COLOURS.get(b, NHS_ORANGE) for b in bands["band"]],
        text=[f"{v:,}" for v in counts], textposition="outside",
        hovertemplate="%{x}: %{y} milestones<extra></extra>", showlegend=False))
    house_layout(fig, title, height=360)
    fig.update_xaxes(title_text="Days late against baseline (forecast or actual date)",
                     categoryorder="array", categoryarray=list(SLIPPAGE_BANDS))
    fig.update_yaxes(title_text="Milestones", rangemode="tozero")
    by_band = dict(zip(bands["band"], counts, strict=True))
    late = sum(v for b, v in by_band.items() if b not in ("Early", "On time"))
    over_30 = late - by_band.get("1-30 days late", 0)
    summary = (f"Median slippage {_days(dist.median_days)} over "
               f"{_plural(dist.measured, 'milestone')}; {late:,} late, {over_30:,} of them by "
               "more than 30 days.")
    if dist.no_forecast:
        summary = summary[:-1] + (f"; {_plural(dist.no_forecast, 'open milestone')} without "
                                  "a forecast left out.")
    return PortfolioChart(fig.build(), summary)


# --- timeline ------------------------------------------------------------------------------

_DAY_MS = 86_400_000


def _ms(days: int) -> int:
    return int(days) * _DAY_MS


def timeline_chart(tl: Timeline, as_at: date) -> PortfolioChart:
    """Gantt-like chart from ``portfolio.timeline``: per project a grey bar from start to
    planned end (the baseline), an orange bar from planned end to forecast end when it is
    forecast late, and a diamond at the forecast (or actual) end in the project's latest RAG
    colour; a dashed line at the as-at date. Projects top to bottom in the timeline's order.

    Summary: "<late> of <n> projects shown are forecast to finish after their planned end;
    the largest slip is <id> (<d> days)." with "(first <k> of <total>)" when cut.
    """
    title = "Planned against forecast end"
    frame = tl.frame
    if frame.empty:
        return _empty(title, "No projects with a planned end date match the filters.")
    labels = [_short(f"{pid} {name}".strip()) for pid, name in
              zip(frame["project_id"], frame["project_name"].fillna(""), strict=True)]
    starts = pd.to_datetime(frame["start_date"])
    planned = pd.to_datetime(frame["planned_end_date"])
    ends = pd.to_datetime(frame["end_date"])
    base = [p if pd.isna(s) else s for s, p in zip(starts, planned, strict=True)]
    fig = FigureBuilder()
    fig.add_trace(trace("bar",
        y=labels, base=[b.strftime("%Y-%m-%d") for b in base],
        x=[_ms((p - b).days) for b, p in zip(base, planned, strict=True)], orientation="h",
        name="Baseline: start to planned end", marker_color=NHS_PALE_GREY,
        marker_line=dict(color=NHS_MID_GREY, width=1), width=0.6,
        customdata=[[fmt_date(b.date()), fmt_date(p.date())] for b, p in
                    zip(base, planned, strict=True)],
        hovertemplate="%{y}<br>Start %{customdata[0]}, planned end %{customdata[1]}"
                      "<extra></extra>"))
    late = [(i, p, e) for i, (p, e) in enumerate(zip(planned, ends, strict=True))
            if not pd.isna(e) and e > p]
    if late:
        fig.add_trace(trace("bar",
            y=[labels[i] for i, _, _ in late], base=[p.strftime("%Y-%m-%d") for _, p, _ in late],
            x=[_ms((e - p).days) for _, p, e in late], orientation="h",
            name="Forecast late: planned end to forecast end", marker_color=NHS_ORANGE,
            width=0.6, customdata=[(e - p).days for _, p, e in late],
            hovertemplate="%{y}<br>%{customdata} days late<extra></extra>"))
    marked = [i for i, e in enumerate(ends) if not pd.isna(e)]
    rags = list(frame["overall_rag"])
    fig.add_trace(trace("scatter",
        y=[labels[i] for i in marked], x=[ends[i].strftime("%Y-%m-%d") for i in marked],
        mode="markers", name="Forecast end (colour: latest RAG)",
        marker=dict(symbol="diamond", size=11, line=dict(color=NHS_BLACK, width=1),
                    color=[RAG_COLOURS.get(rags[i], NHS_MID_GREY) for i in marked]),
        customdata=[[fmt_date(ends[i].date()), rags[i]] for i in marked],
        hovertemplate="%{y}<br>Forecast end %{customdata[0]}; latest RAG %{customdata[1]}"
                      "<extra></extra>"))
    at_ms = pd.Timestamp(as_at).timestamp() * 1000  # a dashed line at the as-at date
    fig.add_shape(type="line", x0=at_ms, x1=at_ms, xref="x", y0=0, y1=1, yref="y domain",
                  line={"color": NHS_DARK_GREY, "dash": "dash"})
    fig.add_annotation(text=f"As at {fmt_date(as_at)}", showarrow=False, x=at_ms, xref="x",
                       xanchor="center", y=1, yref="y domain", yanchor="bottom")
    house_layout(fig, title, height=max(300, 130 + 26 * len(frame)), barmode="overlay")
    fig.update_xaxes(type="date", title_text="Date")
    fig.update_yaxes(title_text="", autorange="reversed", categoryorder="array",
                     categoryarray=labels)
    slips = frame["slippage_days"]
    n_late = int((slips > 0).sum())
    summary = (f"{n_late:,} of {_plural(len(frame), 'project')} shown are forecast to finish "
               "after their planned end")
    if n_late:
        worst = frame.loc[slips.fillna(-10**9).astype("int64").idxmax()]
        summary += (f"; the largest slip is {worst['project_id']} "
                    f"({int(worst['slippage_days']):,} days)")
    if tl.total > len(frame):
        summary += f" (first {len(frame):,} of {tl.total:,})"
    return PortfolioChart(fig.build(), summary + ".")


# --- one project's RAG history -------------------------------------------------------------


def rag_strip(reports: pd.DataFrame, project: str) -> PortfolioChart:
    """A strip of coloured cells, one column per highlight report (oldest left, evenly
    spaced so cells never overlap; ticks name report dates) and one row per RAG dimension
    the reports fill (overall first), from ``ProjectDetail.reports``. Blank cells are left
    blank (no colour: missing is not Green). Hover gives the date, dimension and RAG.

    Summary: "<project>: <n> highlight reports from <first> to <last>; latest overall RAG
    <rag> (was <previous>); Red in <k> of them."
    """
    title = f"Highlight report history: {project}"
    if reports.empty:
        return _empty(title, f"{project} has no highlight reports up to this date.")
    dims = [(col, label) for col, label in RAG_DIMENSIONS
            if col in reports.columns and reports[col].notna().any()]
    dates = [pd.Timestamp(d).date() for d in reports["report_date"]]
    n = len(dates)
    fig = FigureBuilder()
    extra = sorted({str(v) for c, _ in dims for v in reports[c].dropna()} - set(RAG_ORDER))
    for rag in [*RAG_ORDER, *extra]:
        xs, ys, hover = [], [], []
        for col, label in dims:
            for i, (d, value) in enumerate(zip(dates, reports[col], strict=True)):
                if value == rag:
                    xs.append(i)
                    ys.append(label)
                    hover.append(f"{fmt_date(d)}<br>{label}: {html(rag)}")
        if xs:
            fig.add_trace(trace("scatter",
                x=xs, y=ys, mode="markers", name=rag,
                marker=dict(symbol="square", size=max(5, min(18, 480 // n)),
                            color=RAG_COLOURS.get(rag, NHS_MID_GREY),
                            line=dict(color=NHS_WHITE, width=1)),
                hovertext=hover, hoverinfo="text"))
    step = max(1, round(n / 6))
    ticks = sorted({*range(0, n, step), n - 1})
    if len(ticks) > 1 and ticks[-1] - ticks[-2] < step / 2:
        ticks.pop(-2)
    house_layout(fig, title, height=170 + 34 * len(dims))
    fig.update_xaxes(title_text="Highlight report date", showgrid=False, zeroline=False,
                     range=[-0.7, n - 0.3], tickmode="array", tickvals=ticks,
                     ticktext=[f"{dates[i]:%b %Y}" for i in ticks])
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=[label for _, label in dims], showgrid=False)
    overall = list(reports["overall_rag"].fillna(NOT_REPORTED))
    summary = (f"{project}: {_plural(n, 'highlight report')} from "
               f"{fmt_date(dates[0])} to {fmt_date(dates[-1])}; latest overall RAG "
               f"{overall[-1]}")
    if n > 1 and overall[-2] != overall[-1]:
        summary += f" (was {overall[-2]})"
    summary += f"; Red in {overall.count('Red'):,} of them."
    return PortfolioChart(fig.build(), summary)


def shift_trend_chart(trend: pd.DataFrame) -> PortfolioChart:
    """Lines, one per strategic shift: active projects reporting Red or Amber/Red at each
    month end, from ``pmo_data.shifts.ShiftView.trend`` (whole-number axis from 0).

    Summary: "At <last month end>: <shift> <n> of <m>, ..." (each shift's latest point)."""
    title = "Active projects Red or Amber/Red, by shift, at each month end"
    if trend.empty:
        return _empty(title, "No active projects in the months shown.")
    fig = FigureBuilder()
    colours = (NHS_BLUE, NHS_PURPLE, NHS_DARK_GREY, NHS_MID_GREY)
    parts = []
    for i, (shift, rows) in enumerate(trend.groupby("strategic_shift", sort=False)):
        days = [pd.Timestamp(d).date() for d in rows["month_end"]]
        fig.add_trace(trace("scatter", x=[d.isoformat() for d in days],
                            y=[int(v) for v in rows["red_or_amber_red"]], mode="lines+markers",
                            name=shift, line=dict(color=colours[i % len(colours)], width=3),
                            customdata=[int(v) for v in rows["active"]],
                            hovertemplate=f"{shift}<br>%{{x}}: %{{y}} of %{{customdata}} "
                                          "active<extra></extra>"))
        parts.append(f"{shift} {int(rows['red_or_amber_red'].iloc[-1])} of "
                     f"{int(rows['active'].iloc[-1])}")
    house_layout(fig, title, height=320)
    fig.update_xaxes(title_text="Month end", tickformat="%b %Y")
    fig.update_yaxes(title_text="Projects Red or Amber/Red", rangemode="nonnegative",
                     dtick=1, tick0=0)
    last = max(pd.Timestamp(d).date() for d in trend["month_end"])
    return PortfolioChart(fig.build(), f"At {fmt_date(last)}: " + "; ".join(parts) + ".")
