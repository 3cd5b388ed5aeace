"""Charts for the PMO value and prioritisation pages (plotly; no streamlit).

Why this module exists: the PMO value page must show effort, demand, the supported/unsupported
comparison and training reach in a way a board member can read, and the prioritisation page
must show how each project's score is built. Every builder returns a ``ValueChart``: the
figure (NHS palette, title, axis labels, hover text) and a one-sentence summary for screen
readers and board papers. Missing data is drawn as missing (an annotation), never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from pmo_data import fmt
from pmo_data.charts.figure import FigureBuilder
from pmo_data.charts.palette import (
    CATEGORICAL,
    NHS_AQUA_GREEN,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_WARM_YELLOW,
)
from pmo_data.prioritise import CRITERIA, Ranking
from pmo_data.schema import SERVICE
from pmo_data.value import SUPPORTED, UNSUPPORTED, Comparison, Demand, Effort, Window

#: A fixed colour per service so charts agree with each other.
SERVICE_COLOURS: dict[str, str] = dict(zip(SERVICE.values, CATEGORICAL, strict=False))
GROUP_COLOURS: dict[str, str] = {SUPPORTED: NHS_BLUE, UNSUPPORTED: NHS_MID_GREY}
FLOW_COLOURS: dict[str, str] = {"Received": NHS_DARK_BLUE, "Started": NHS_AQUA_GREEN,
                                "Closed": NHS_BLUE}
CRITERION_COLOURS: dict[str, str] = dict(
    zip([c.label for c in CRITERIA], CATEGORICAL, strict=False))


@dataclass(frozen=True)
class ValueChart:
    """A figure and its one-sentence text alternative."""

    figure: go.Figure
    summary: str


def _layout(fig: FigureBuilder, title: str, x: str | None, y: str | None,
            height: int = 380, legend: Literal["top", "right"] = "top") -> FigureBuilder:
    """Common look: title top left, legend in one row under the title (few series) or in a
    column on the right (many series), so the two never overlap."""
    placement = ({"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left",
                  "x": 0} if legend == "top" else
                 {"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.02,
                  "traceorder": "normal"})
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top",
               "yref": "container"},
        template="plotly_white", height=height,
        margin={"l": 10, "r": 10, "t": 90 if legend == "top" else 60, "b": 10},
        font={"family": "Arial, sans-serif", "size": 13, "color": NHS_DARK_GREY},
        legend={**placement, "title": None},
        hoverlabel={"font_size": 13})
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    return fig


def _no_data(fig: FigureBuilder, text: str) -> None:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 15, "color": NHS_DARK_GREY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def _n(count: int, noun: str) -> str:
    """``1 project``, ``2 projects``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _hours(v: float) -> str:
    return f"{v:,.0f} hour{'s' if round(v) != 1 else ''}"


# --- PMO value -----------------------------------------------------------------------------


def quarter_tick(label: str, w: Window, started: bool = True) -> str:
    """An NHS quarter as the x axis shows it: ``Q3 Oct-Dec<br>(to date)`` while the quarter
    is still running at the window's date (its bars are part of a quarter),
    ``<label><br>(not started)`` for one not begun, else the label."""
    if not started:
        return f"{label}<br>(not started)"
    return f"{label}<br>(to date)" if label == w.running_quarter else label


def effort_chart(effort: Effort, by: Literal["service", "service_group"] = "service"
                 ) -> ValueChart:
    """Stacked bars of PMO hours per NHS quarter, one colour per service (or service group).

    Quarters not yet started are labelled "not started" (no data, not zero hours), the one
    still running "to date" (``quarter_tick``).
    """
    frame = effort.by_service if by == "service" else effort.by_group
    noun = "service" if by == "service" else "service group"
    w = effort.window
    title = f"PMO hours by {noun}, {w.fy} by quarter"
    fig = FigureBuilder()
    if frame.empty:
        _layout(fig, title, None, None)
        _no_data(fig, "No PMO hours recorded in this period")
        return ValueChart(fig.build(), f"No PMO hours were recorded in {w.fy} up to "
                                       f"{fmt.day(w.at)}.")
    labels = list(effort.quarters)
    ticks = [quarter_tick(q, w, q in effort.quarters_started) for q in labels]
    hours: dict[str, dict[str, float]] = {}  # name -> quarter -> hours (a few dozen rows)
    for name, quarter, h in zip(frame[by], frame["quarter"], frame["hours"], strict=True):
        row = hours.setdefault(name, {})
        row[quarter] = row.get(quarter, 0.0) + float(h)
    totals = {name: sum(row.values()) for name, row in hours.items()}
    by_total = sorted(sorted(hours), key=lambda name: totals[name], reverse=True)
    if by == "service":
        order = [s for s in SERVICE.values if s in hours]
        colours = SERVICE_COLOURS
    else:
        order = by_total
        colours = dict(zip(order, CATEGORICAL * 3, strict=False))
    for i, name in enumerate(order):
        ys = [hours[name].get(q, 0.0) for q in labels]
        ys_shown = [y if q in effort.quarters_started else None for y, q in zip(ys, labels,
                                                                                strict=True)]
        fig.add_bar(x=ticks, y=ys_shown, name=str(name),
                    marker_color=colours.get(name, CATEGORICAL[i % len(CATEGORICAL)]),
                    hovertemplate=f"{name}<br>%{{x}}: %{{y:,.0f}} hours<extra></extra>")
    fig.update_layout(barmode="stack")
    _layout(fig, title, "NHS quarter", "Hours", legend="right")
    fig.update_layout(legend_traceorder="reversed")  # legend top = top of the stack
    fig.update_xaxes(tickangle=0)
    top, top_hours = str(by_total[0]), totals[by_total[0]]
    share = 100 * top_hours / effort.total_hours if effort.total_hours else 0
    summary = (f"The PMO logged {_hours(effort.total_hours)} in {w.fy} up to {fmt.day(w.at)}; "
               f"{top} took the most ({_hours(top_hours)}, {share:.0f}%).")
    return ValueChart(fig.build(), summary)


def flow_chart(demand: Demand) -> ValueChart:
    """Grouped bars: requests received, started and closed in each started quarter (the one
    still running labelled "to date": ``quarter_tick``)."""
    w = demand.window
    title = f"PMO requests received, started and closed, {w.fy}"
    fig = FigureBuilder()
    if demand.flow.empty or demand.log_rows == 0:
        _layout(fig, title, None, None)
        _no_data(fig, "No service log data for this period")
        return ValueChart(fig.build(), f"There is no service log data for {w.fy} up to "
                                       f"{fmt.day(w.at)}.")
    for measure, colour in FLOW_COLOURS.items():
        part = demand.flow[demand.flow["measure"] == measure]
        fig.add_bar(x=[quarter_tick(q, w) for q in part["quarter"]], y=part["requests"],
                    name=measure, marker_color=colour,
                    hovertemplate=f"{measure}<br>%{{x}}: %{{y}} requests<extra></extra>")
    fig.update_layout(barmode="group")
    _layout(fig, title, "NHS quarter", "Requests")
    age = ("" if demand.backlog_oldest_days is None else
           f", the oldest received {demand.backlog_oldest_days} days ago")
    summary = (f"In {w.fy} up to {fmt.day(w.at)} the PMO received "
               f"{_n(demand.received, 'request')}, started {demand.started} and closed "
               f"{demand.closed}; {demand.backlog} {'was' if demand.backlog == 1 else 'were'} "
               f"open{age}.")
    return ValueChart(fig.build(), summary)


def backlog_chart(demand: Demand) -> ValueChart:
    """Stacked bars of the open backlog by age band: waiting to start and in progress."""
    w = demand.window
    title = f"Open requests by age on {fmt.day(w.at)}"
    fig = FigureBuilder()
    if demand.backlog == 0:
        _layout(fig, title, None, None, height=300)
        _no_data(fig, "No open requests")
        return ValueChart(fig.build(), f"No PMO requests were open on {fmt.day(w.at)}.")
    ages = demand.backlog_ages
    fig.add_bar(x=ages["age_band"], y=ages["waiting"], name="Waiting to start",
                marker_color=NHS_ORANGE,
                hovertemplate="Waiting to start, %{x}: %{y}<extra></extra>")
    fig.add_bar(x=ages["age_band"], y=ages["in_progress"], name="In progress",
                marker_color=NHS_BLUE, hovertemplate="In progress, %{x}: %{y}<extra></extra>")
    fig.update_layout(barmode="stack")
    _layout(fig, title, "Days since received", "Open requests", height=300)
    median = demand.backlog_median_age_days or 0
    summary = (f"{_n(demand.backlog, 'request')} "
               f"{'was' if demand.backlog == 1 else 'were'} open on {fmt.day(w.at)} "
               f"({demand.backlog_waiting} waiting to start, {demand.backlog_in_progress} in "
               f"progress); median age {median:.0f} days.")
    return ValueChart(fig.build(), summary)


def comparison_chart(result: Comparison) -> ValueChart:
    """Grouped bars of the three percentage measures for supported and unsupported projects.

    A withheld group (too few projects) has no bars and is named in an annotation.
    """
    measures = (("Milestones on time", "on_time_pct"),
                ("Reports Red or Amber/Red", "red_share_pct"),
                ("Highlight-report compliance", "compliance_pct"))
    w = result.window
    title = f"Supported and unsupported projects, {w.fy} (association, not cause)"
    fig = FigureBuilder()
    shown = [g for g in (result.supported, result.unsupported) if g.comparable]
    withheld = [g for g in (result.supported, result.unsupported) if not g.comparable]
    for g in shown:
        ys = [getattr(g, attr) for _, attr in measures]
        fig.add_bar(x=[m for m, _ in measures], y=ys,
                    name=f"{g.label} ({_n(g.projects, 'project')})",
                    marker_color=GROUP_COLOURS[g.label],
                    text=["no data" if y is None else f"{y:.0f}%" for y in ys],
                    textposition="outside",
                    hovertemplate=f"{g.label}<br>%{{x}}: %{{y:.0f}}%<extra></extra>")
    fig.update_layout(barmode="group")
    _layout(fig, title, None, "Per cent")
    fig.update_yaxes(range=[0, 110])
    for i, g in enumerate(withheld):
        fig.add_annotation(text=f"{g.label}: withheld ({_n(g.projects, 'project')}, fewer "
                                "than 5)",
                           showarrow=False, x=0.5, y=0.92 - 0.08 * i, xref="paper",
                           yref="paper", font={"size": 13, "color": NHS_DARK_GREY})
    if not shown:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return ValueChart(fig.build(), "Both groups are too small to compare (fewer than 5 "
                                       "projects each), so their figures are withheld.")
    if withheld:
        g = withheld[0]
        return ValueChart(fig.build(), f"{g.label} projects are withheld ({g.projects}, fewer "
                                       "than 5), so no comparison can be made.")
    s, u = result.supported, result.unsupported

    def pct(v: float | None) -> str:
        return "no data" if v is None else f"{v:.0f}%"

    summary = (f"Supported projects ({s.projects}) met {pct(s.on_time_pct)} of milestones on "
               f"time against {pct(u.on_time_pct)} for unsupported ({u.projects}); "
               f"{pct(s.red_share_pct)} against {pct(u.red_share_pct)} of reports were Red or "
               f"Amber/Red. This is an association, not proof of cause.")
    return ValueChart(fig.build(), summary)


def training_chart(frame: pd.DataFrame) -> ValueChart:
    """Horizontal bars per service group: staff trained to date against self-run projects."""
    title = "Staff trained against projects run without PMO support"
    fig = FigureBuilder()
    if frame.empty:
        _layout(fig, title, None, None)
        _no_data(fig, "No projects or training records")
        return ValueChart(fig.build(), "There are no active projects or training records to "
                                       "compare.")
    groups = list(frame["service_group"])
    fig.add_bar(y=groups, x=frame["trained_to_date"], orientation="h",
                name="Staff trained to date", marker_color=NHS_BLUE,
                hovertemplate="%{y}: %{x} staff trained<extra></extra>")
    fig.add_bar(y=groups, x=frame["self_run_projects"], orientation="h",
                name="Active projects without PMO support", marker_color=NHS_WARM_YELLOW,
                hovertemplate="%{y}: %{x} self-run projects<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    _layout(fig, title, "Count", None, height=max(300, 60 + 46 * len(groups)))
    gaps = list(frame.loc[frame["gap"], "service_group"])
    if gaps:
        summary = ("Fewer staff have been trained than there are projects run without PMO "
                   f"support in: {', '.join(gaps)}.")
    else:
        summary = ("Every service group has at least as many trained staff as projects run "
                   "without PMO support.")
    return ValueChart(fig.build(), summary)


# --- prioritisation ------------------------------------------------------------------------


def ranking_chart(ranking: Ranking, top: int = 15) -> ValueChart:
    """Horizontal stacked bars: each project's score split into criterion contributions."""
    title = "Pipeline ranking: how each score is made up"
    fig = FigureBuilder()
    if ranking.problem or ranking.table.empty:
        _layout(fig, title, None, None)
        _no_data(fig, ranking.problem or "Nothing to rank")
        return ValueChart(fig.build(), ranking.problem or "There is nothing to rank.")
    table = ranking.table.head(top)
    names = [f"{r} {p}" for r, p in zip(table["rank"].astype(str) + ".", table["project_id"],
                                        strict=True)]
    for c in CRITERIA:
        fig.add_bar(y=names, x=table[c.label], orientation="h", name=c.label,
                    marker_color=CRITERION_COLOURS[c.label],
                    customdata=table["project_name"],
                    hovertemplate=(f"%{{customdata}}<br>{c.label}: %{{x:.1f}} points"
                                   "<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 100])
    _layout(fig, title, "Score (0-100): contribution of each criterion", None,
            height=max(320, 110 + 34 * len(table)), legend="right")
    first = ranking.table.iloc[0]
    summary = (f"{first['project_id']} {first['project_name']} ranks first with "
               f"{first['score']:.0f} of 100")
    if len(ranking.table) > 1:
        second = ranking.table.iloc[1]
        summary += (f", ahead of {second['project_id']} {second['project_name']} "
                    f"({second['score']:.0f})")
    return ValueChart(fig.build(), summary + f"; {len(ranking.table)} projects ranked.")
