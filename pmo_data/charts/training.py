"""Charts of the Training reach page (plotly; no streamlit).

Why this module exists: the Head of PMO reads training reach at a glance (are we on the way to
120 this year?) and the board paper needs the same pictures with a sentence each. Every
builder returns a ``TrainingChart``: the figure (NHS palette, title, axis labels, hover text)
and a one-sentence summary for screen readers and board papers. Missing data is drawn as
missing (an annotation saying so), never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from pmo_data import fmt
from pmo_data.charts.figure import FigureBuilder, trace
from pmo_data.charts.palette import (
    NHS_AQUA_GREEN,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_GREEN,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PALE_GREY,
    NHS_RED,
    NHS_WHITE,
)
from pmo_data.metrics import TrainingForecast
from pmo_data.parse import fy_bounds
from pmo_data.training import Confidence, Feedback, Funnel


@dataclass(frozen=True)
class TrainingChart:
    """A figure and its one-sentence text alternative."""

    figure: go.Figure
    summary: str


def _layout(fig: FigureBuilder, title: str, x: str | None, y: str | None,
            height: int = 380) -> FigureBuilder:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.97, "yanchor": "top",
               "yref": "container", "font": {"size": 17, "color": NHS_BLACK}},
        template="plotly_white", height=height,
        margin={"l": 10, "r": 20, "t": 80, "b": 10},
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": NHS_DARK_GREY},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
                "title": None},
        hoverlabel={"font_size": 13})
    fig.update_xaxes(title_text=x, showgrid=False, linecolor=NHS_MID_GREY)
    fig.update_yaxes(title_text=y, gridcolor=NHS_PALE_GREY, zeroline=False)
    return fig


def _no_data(fig: FigureBuilder, text: str) -> None:
    fig.add_annotation(name="no_data", text=text, showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 15, "color": NHS_DARK_GREY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _day(d: date) -> str:
    return fmt.day(d)


def _month_end(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(first: date, k: int) -> date:
    index = first.year * 12 + first.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


# --- cumulative reach and forecast -----------------------------------------------------------


def cumulative_chart(frame: pd.DataFrame, forecast: TrainingForecast) -> TrainingChart:
    """Distinct staff trained so far this FY, month by month, against the pro-rata line to the
    target, with the run-rate forecast to 31 March as a dotted line.

    ``frame`` is ``metrics.cumulative_trained_by_month``: each row's count is at the month's
    end, or at the as-at date in its month, and is drawn there; the line starts at 0 on
    1 April. The pro-rata line joins 0 on 1 April to the target at each month's end. The
    forecast (``metrics.training_forecast``) is drawn only while the year is running.
    """
    fy = forecast.fy
    start, end = fy_bounds(fy)
    fig = FigureBuilder()
    title = f"Staff trained in {fy}, cumulative"
    if frame.empty or forecast.trained_to_date is None:
        _no_data(fig, f"No training records for {fy} up to {_day(forecast.as_at)}")
        _layout(fig, title, None, None)
        return TrainingChart(fig.build(), f"There are no training records for {fy} up to "
                                          f"{_day(forecast.as_at)}, so staff trained is not known.")
    months = [m.date() if hasattr(m, "date") else m for m in frame["month"]]
    xs = [start] + [min(_month_end(m), forecast.as_at) for m in months]
    ys = [0] + [int(v) for v in frame["trained_cumulative"]]
    target = forecast.target
    if target is not None:
        line_x = [start] + [_month_end(_add_months(start, k)) for k in range(12)]
        line_y = [target * k / 12 for k in range(13)]
        fig.add_trace(trace("scatter",
            x=line_x, y=line_y, mode="lines", name=f"Pro-rata target (to {_n(target)})",
            line={"color": NHS_MID_GREY, "width": 2, "dash": "dash"},
            hovertemplate="%{x|%d %b %Y}: pro-rata target %{y:.0f}<extra></extra>"))
    fig.add_trace(trace("scatter",
        x=xs, y=ys, mode="lines+markers", name="Staff trained",
        line={"color": NHS_BLUE, "width": 3}, marker={"size": 7},
        hovertemplate="%{x|%d %b %Y}: %{y} staff trained<extra></extra>"))
    running = forecast.as_at < end and forecast.forecast is not None
    if running:
        assert forecast.forecast is not None
        fig.add_trace(trace("scatter",
            x=[xs[-1], end], y=[ys[-1], forecast.forecast], mode="lines+markers",
            name="Forecast at this rate", line={"color": NHS_BLUE, "width": 2, "dash": "dot"},
            marker={"size": [0, 8], "symbol": "circle-open"},
            hovertemplate="%{x|%d %b %Y}: forecast %{y:.0f}<extra></extra>"))
        fig.add_annotation(name="forecast_label", x=end, y=forecast.forecast,
                           text=f"Forecast {_n(forecast.forecast)}", showarrow=False,
                           xanchor="right", yanchor="bottom", yshift=8,
                           font={"color": NHS_DARK_BLUE})
    fig.update_xaxes(range=[start - timedelta(days=5), end + timedelta(days=5)],
                     tickformat="%b %Y")
    _layout(fig, title, None, "Staff trained (distinct)")

    trained = forecast.trained_to_date
    if not running:
        summary = f"In {fy}, {_people(trained)} were trained"
        if target is not None:
            verdict = "met" if trained >= target else "missed"
            summary += f" against a target of {_n(target)} ({verdict})"
        return TrainingChart(fig.build(), summary + ".")
    summary = f"By {_day(forecast.as_at)}, {_people(trained)} had been trained in {fy}"
    if forecast.ytd_target is not None and target is not None:
        summary += (f" against a pro-rata target of {_n(forecast.ytd_target)} (annual target "
                    f"{_n(target)})")
    assert forecast.forecast is not None
    summary += f"; at this rate the year will end with about {_n(forecast.forecast)}"
    if forecast.on_track is not None:
        summary += f" ({'on track' if forecast.on_track else 'short of the target'})"
    return TrainingChart(fig.build(), summary + ".")


# --- reach by group --------------------------------------------------------------------------


def group_chart(frame: pd.DataFrame, label: str, fy: str) -> TrainingChart:
    """Horizontal bars of staff trained per group (``training.reach_by_group``), most at the
    top. ``label`` names the grouping ("Service group")."""
    fig = FigureBuilder()
    title = f"Staff trained by {label.lower()}, {fy}"
    if frame.empty:
        _no_data(fig, "Nobody trained in this period")
        _layout(fig, title, None, None, height=320)
        return TrainingChart(fig.build(), f"Nobody was recorded as trained in {fy}, so there is no "
                                          f"split by {label.lower()}.")
    ordered = frame.iloc[::-1]
    fig.add_trace(trace("bar",
        x=ordered["trained"], y=ordered["group"], orientation="h", marker_color=NHS_BLUE,
        text=[str(v) for v in ordered["trained"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} staff trained<extra></extra>", name="Staff trained"))
    _layout(fig, title, "Staff trained (distinct)", None,
            height=max(260, 110 + 34 * len(frame)))
    fig.update_yaxes(automargin=True)
    top = frame.iloc[0]
    tied = int((frame["trained"] == top["trained"]).sum())
    lead = (f"{top['group']} had the most staff trained ({int(top['trained'])})" if tied == 1
            else f"{tied} groups tie for the most staff trained ({int(top['trained'])} each)")
    return TrainingChart(fig.build(), f"{lead}, across {len(frame)} {label.lower()}"
                                      f"{'s' if len(frame) != 1 else ''} in {fy}.")


# --- the course funnel -----------------------------------------------------------------------


def funnel_chart(funnel: Funnel) -> TrainingChart:
    """Booked, attended and completed enrolments as a funnel (definitions in
    ``pmo_data.training``). Completed is left out, and the gap said, when not recorded."""
    fig = FigureBuilder()
    title = f"Course funnel, {funnel.fy}"
    if funnel.booked is None or funnel.attended is None:
        _no_data(fig, "No course bookings in this period")
        _layout(fig, title, None, None, height=320)
        return TrainingChart(fig.build(), f"There are no training records for {funnel.fy} up to "
                                          f"{_day(funnel.at)}, so there is no course funnel.")
    stages = ["Booked", "Attended"]
    values = [funnel.booked, funnel.attended]
    colours = [NHS_DARK_BLUE, NHS_BLUE]
    if funnel.completed is not None:
        stages.append("Completed")
        values.append(funnel.completed)
        colours.append(NHS_AQUA_GREEN)
    fig.add_trace(trace("funnel",
        y=stages, x=values, textinfo="value+percent initial", marker={"color": colours},
        connector={"fillcolor": NHS_PALE_GREY},
        hovertemplate="%{y}: %{x} enrolments (%{percentInitial:.0%} of booked)<extra></extra>",
        name="Enrolments"))
    _layout(fig, title, None, None, height=320)
    fig.update_layout(margin={"l": 90, "r": 20, "t": 60, "b": 10})
    summary = f"Of {funnel.booked:,} course enrolments in {funnel.fy}, {funnel.attended:,}"
    if funnel.booked:
        summary += f" ({100 * funnel.attended / funnel.booked:.0f}%)"
    summary += " were attended"
    recorded = funnel.attended - (funnel.completion_not_recorded or 0)
    if funnel.completed is None:
        summary += " and no completion was recorded"
        fig.add_annotation(name="completion_missing", text="Completion not recorded",
                           showarrow=False, x=0.5, y=-0.02, xref="paper", yref="paper",
                           yanchor="top", font={"color": NHS_DARK_GREY})
    else:
        summary += f" and {funnel.completed:,} completed"
        if recorded:
            summary += f" ({100 * funnel.completed / recorded:.0f}% of those with a record)"
        if funnel.completion_not_recorded:
            summary += f"; {funnel.completion_not_recorded:,} have no completion recorded"
    return TrainingChart(fig.build(), summary + ".")


# --- feedback and confidence -----------------------------------------------------------------


def _one(value: float | None) -> str:
    return "none" if value is None else f"{value:.1f}"


def confidence_chart(conf: Confidence, fy: str) -> TrainingChart:
    """Paired confidence ratings: how many pairs gave each rating 1-10 before and after."""
    fig = FigureBuilder()
    title = "Confidence before and after"
    if not conf.pairs:
        _no_data(fig, "No paired confidence ratings in this period")
        _layout(fig, title, None, None, height=340)
        return TrainingChart(fig.build(), f"No attendee in {fy} rated their confidence both before "
                                          "and after, so the change is not known.")
    for name, counts, colour in (("Before", conf.before, NHS_MID_GREY),
                                 ("After", conf.after, NHS_BLUE)):
        fig.add_trace(trace("bar",
            x=[r for r, _ in counts], y=[n for _, n in counts], name=name,
            marker_color=colour,
            hovertemplate=f"{name}: %{{y}} rated %{{x}} out of 10<extra></extra>"))
    _layout(fig, title, "Confidence (1 low, 10 high)", "Paired ratings", height=340)
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickmode="linear", dtick=1, range=[0.5, 10.5])
    sign = "+" if (conf.mean_change or 0) > 0 else ""
    return TrainingChart(fig.build(), (
        f"Across {conf.pairs:,} paired ratings in {fy}, mean confidence went from "
        f"{_one(conf.mean_before)} to {_one(conf.mean_after)} out of 10 (mean change "
        f"{sign}{_one(conf.mean_change)}); {conf.improved:,} rose, {conf.unchanged:,} stayed "
        f"the same and {conf.fell:,} fell."))


def change_chart(conf: Confidence, fy: str) -> TrainingChart:
    """Distribution of the paired change in confidence (after - before), coloured rose
    (green), same (grey), fell (orange)."""
    fig = FigureBuilder()
    title = "Change in confidence"
    if not conf.pairs:
        _no_data(fig, "No paired confidence ratings in this period")
        _layout(fig, title, None, None, height=340)
        return TrainingChart(fig.build(), f"No paired confidence ratings in {fy}, so there is no "
                                          "distribution of change.")
    steps = [s for s, _ in conf.change]
    counts = [n for _, n in conf.change]
    colours = [NHS_GREEN if s > 0 else NHS_ORANGE if s < 0 else NHS_MID_GREY for s in steps]
    fig.add_trace(trace("bar",
        x=steps, y=counts, marker_color=colours, name="Paired ratings",
        text=[str(n) for n in counts], textposition="outside", cliponaxis=False,
        hovertemplate="Change %{x:+d}: %{y} paired ratings<extra></extra>"))
    _layout(fig, title, "Change (after - before)", "Paired ratings", height=340)
    fig.update_xaxes(tickmode="linear", dtick=1, tickformat="+d")
    share = 100 * conf.improved / conf.pairs
    top = max(n for _, n in conf.change)
    common = [s for s, n in conf.change if n == top]
    if len(common) == 1:
        most = ("the most common change was none" if common[0] == 0 else
                f"the most common change was {common[0]:+d} "
                f"point{'s' if abs(common[0]) != 1 else ''}")
    else:
        signed = [f"{s:+d}" if s else "0" for s in common]
        steps_text = ", ".join(signed[:-1]) + f" and {signed[-1]}"
        most = f"the most common changes were {steps_text} points ({top:,} each)"
    return TrainingChart(fig.build(), (
        f"{share:.0f}% of {conf.pairs:,} paired ratings in {fy} rose after training; {most}."))


def feedback_chart(feedback: Feedback, fy: str) -> TrainingChart:
    """Feedback scores 1-5 on attended sessions, with the response rate."""
    fig = FigureBuilder()
    title = "Feedback scores"
    if not feedback.responses:
        _no_data(fig, "No feedback scores in this period")
        _layout(fig, title, None, None, height=340)
        return TrainingChart(fig.build(), f"No feedback scores were recorded for {fy}.")
    fig.add_trace(trace("bar",
        x=[s for s, _ in feedback.counts], y=[n for _, n in feedback.counts],
        marker_color=[NHS_RED, NHS_ORANGE, NHS_MID_GREY, NHS_LIGHT_BLUE, NHS_BLUE],
        text=[str(n) for _, n in feedback.counts], textposition="outside", cliponaxis=False,
        name="Responses", hovertemplate="Score %{x}: %{y} responses<extra></extra>"))
    _layout(fig, title, "Score (1 poor, 5 excellent)", "Responses", height=340)
    fig.update_xaxes(tickmode="linear", dtick=1)
    rate = 100 * feedback.responses / feedback.attended_places
    return TrainingChart(fig.build(), (
        f"The mean feedback score in {fy} was {_one(feedback.mean)} out of 5 from "
        f"{feedback.responses:,} responses ({rate:.0f}% of attended sessions)."))


# --- across the years ------------------------------------------------------------------------


def years_chart(frame: pd.DataFrame) -> TrainingChart:
    """Staff trained per FY (``training.trained_by_year``) as bars against each year's target
    (a red dash); the current year's bar is lighter and labelled "to date", with its pro-rata
    target as a grey dash. Future years show the target only."""
    fig = FigureBuilder()
    title = "Staff trained each financial year"
    if frame.empty:
        _no_data(fig, "No training records and no target")
        _layout(fig, title, None, None)
        return TrainingChart(fig.build(), "There are no training records and no training "
                                          "target, so there is nothing to compare across the "
                                          "years.")
    fys = list(frame["fy"])
    trained = [None if pd.isna(v) else int(v) for v in frame["trained"]]
    current = list(frame["year_to_date"])
    fig.add_trace(trace("bar",
        x=fys, y=trained, name="Staff trained",
        marker_color=[NHS_LIGHT_BLUE if c else NHS_BLUE for c in current],
        text=[("" if v is None else f"{v} to date" if c else str(v))
              for v, c in zip(trained, current, strict=True)],
        textposition="inside", insidetextanchor="middle",
        insidetextfont={"color": [NHS_BLACK if c else NHS_WHITE for c in current]},
        hovertemplate="%{x}: %{y} staff trained<extra></extra>"))
    targets = [None if pd.isna(t) else float(t) for t in frame["target"]]
    if any(t is not None for t in targets):
        fig.add_trace(trace("scatter",
            x=fys, y=targets, mode="markers", name="Target",
            marker={"symbol": "line-ew", "size": 44, "line": {"color": NHS_RED, "width": 3}},
            hovertemplate="%{x}: target %{y:.0f}<extra></extra>"))
    ytd = [None if pd.isna(t) else float(t) for t in frame["ytd_target"]]
    if any(t is not None for t in ytd):
        fig.add_trace(trace("scatter",
            x=fys, y=ytd, mode="markers", name="Pro-rata target to date",
            marker={"symbol": "line-ew", "size": 44,
                    "line": {"color": NHS_DARK_GREY, "width": 3}},
            hovertemplate="%{x}: pro-rata target %{y:.0f}<extra></extra>"))
    _layout(fig, title, "Financial year", "Staff trained (distinct)")
    highest = max([0.0] + [v for v in [*trained, *targets] if v is not None])
    fig.update_yaxes(range=[0, max(1.0, highest) * 1.12])
    fig.update_xaxes(type="category")
    fig.update_layout(bargap=0.45)
    parts = []
    for row, value in zip(frame.itertuples(index=False), trained, strict=True):
        if value is None:
            continue
        target = row.ytd_target if row.year_to_date else row.target
        against = ("no target" if pd.isna(target) else
                   f"pro-rata target {_n(target)}" if row.year_to_date else f"target {_n(target)}")
        parts.append(f"{row.fy} {value}{' to date' if row.year_to_date else ''} ({against})")
    if not parts:
        return TrainingChart(fig.build(), "No staff trained are recorded yet; the chart shows the "
                                          "targets only.")
    return TrainingChart(fig.build(), "Staff trained per financial year: " + "; ".join(parts) + ".")

