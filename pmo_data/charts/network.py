"""Charts of the Network page: this trust beside its peers (plotly; no streamlit).

Why this module exists: a PMO comparing itself with a region needs three pictures per
metric: where each trust stands (bars, this trust highlighted, the network median and
quartiles marked), whether a rate differs by more than chance (a funnel plot with 95% and
99.8% limits, trusts outside the limits labelled) and how the network and this trust moved
over the years. Each builder returns a ``NetworkChart``: the figure and one sentence saying
what it shows, for screen readers and captions. Peer names come from their files: the
figure's data fields are escaped by ``FigureBuilder.build`` and hover text with
``text.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from pmo_data import fmt, text
from pmo_data.charts.figure import FigureBuilder, house_layout, trace
from pmo_data.charts.palette import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_PALE_GREY,
    NHS_RED,
)
from pmo_data.network import MetricView

#: Where a trust falls on the funnel, in words.
_PLACES = {"within": "within the limits", "above 95%": "above the 95% limit",
           "below 95%": "below the 95% limit", "above 99.8%": "above the 99.8% limit",
           "below 99.8%": "below the 99.8% limit"}
#: Labelled on the funnel: trusts outside a limit, at most this many (furthest first).
MAX_LABELS = 12


@dataclass(frozen=True)
class NetworkChart:
    """A figure and its one-sentence text alternative."""

    figure: go.Figure
    summary: str


def _fmt(value: float | None, unit: str) -> str:
    """A value in a chart sentence (``pmo_data.fmt.value``: as on every other page)."""
    return fmt.value(value, unit, missing="no value")


def _unit(view: MetricView) -> str:
    return "per 1,000 staff" if view.basis == "per_1000" else view.unit


def _no_data(fig: FigureBuilder, message: str) -> None:
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 15, "color": NHS_DARK_GREY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)


def comparison_chart(view: MetricView, own_name: str) -> NetworkChart:
    """Horizontal bars of every trust's compared value, best at the top, this trust in NHS
    blue and the peers grey, with the network median (line) and interquartile range (band).
    Suppressed and missing values have no bar (they are named in the summary)."""
    unit = _unit(view)
    shown = view.trusts[view.trusts["compared"].notna()].sort_values(
        ["rank", "org_name"], ascending=[False, False])
    title = f"{view.name}, {view.fy}: this trust and its peers"
    fig = FigureBuilder()
    if shown.empty:
        _no_data(fig, f"No trust has a value for {view.name} in {view.fy}")
        house_layout(fig, title, height=320)
        return NetworkChart(fig.build(), f"No trust has a value for {view.name} in "
                                         f"{view.fy}.")
    names = list(shown["org_name"])
    colours = [NHS_BLUE if own else NHS_MID_GREY for own in shown["own"]]
    hover = [f"{text.html(n)}<br>{_fmt(v, unit)}<br>rank {int(r)} of {view.ranked}"
             for n, v, r in zip(shown["org_name"], shown["compared"], shown["rank"],
                                strict=True)]
    fig.add_trace(trace("bar", x=list(shown["compared"]), y=names, orientation="h",
                        marker_color=colours, name="Trusts", showlegend=False,
                        hovertext=hover, hoverinfo="text"))
    if view.q1 is not None and view.q3 is not None:
        fig.add_shape(type="rect", x0=view.q1, x1=view.q3, y0=0, y1=1, yref="paper",
                      fillcolor=NHS_LIGHT_BLUE, opacity=0.18, line_width=0, layer="below")
    if view.median is not None:
        fig.add_shape(type="line", x0=view.median, x1=view.median, y0=0, y1=1, yref="paper",
                      line={"color": NHS_DARK_GREY, "dash": "dash", "width": 2})
        fig.add_annotation(text=f"median {_fmt(view.median, unit)}", x=view.median, y=1,
                           yref="paper", yanchor="bottom", showarrow=False,
                           font={"color": NHS_DARK_GREY, "size": 12})
    house_layout(fig, title, height=max(320, 60 + 22 * len(names)))
    fig.update_xaxes(title_text=unit if unit != "count" else "count")
    fig.update_yaxes(automargin=True, tickfont={"size": 11})
    own = shown[shown["own"]]
    where = (f"{own_name} ranks {view.own_rank} of {view.ranked} at "
             f"{_fmt(float(own['compared'].iloc[0]), unit)}" if view.own_rank and not own.empty
             else f"{own_name} has no value to compare")
    missing = ""
    if view.suppressed:
        missing += f"; {len(view.suppressed)} suppressed (counts under 5)"
    if view.no_headcount:
        missing += f"; {len(view.no_headcount)} without a headcount left out"
    best = "highest" if view.direction != "down" else "lowest"
    summary = (f"{view.name} in {view.fy} ({unit}, {best} is best at the top): {where}; "
               f"network median {_fmt(view.median, unit)}, interquartile range "
               f"{_fmt(view.q1, unit)} to {_fmt(view.q3, unit)}, across {view.ranked} trusts"
               f"{missing}.")
    return NetworkChart(fig.build(), summary)


def funnel_chart(view: MetricView, own_name: str) -> NetworkChart:
    """A funnel plot: each trust's rate against its denominator, the network mean and the
    95% (inner) and 99.8% (outer) exact binomial limits; trusts outside the 95% limits are
    labelled, this trust in NHS blue."""
    title = f"{view.name}, {view.fy}: funnel plot around the network mean"
    fig = FigureBuilder()
    points = view.trusts[view.trusts["position"].notna()]
    if view.p0 is None or points.empty:
        _no_data(fig, f"No trust shared the counts behind {view.name} in {view.fy}")
        house_layout(fig, title, height=420)
        return NetworkChart(fig.build(), f"No funnel plot of {view.name} in {view.fy}: no "
                                         "trust shared its numerator and denominator.")
    ns = [c.n for c in view.curve]
    for level, lower, upper, dash in (("99.8% limits", "lower998", "upper998", "solid"),
                                      ("95% limits", "lower95", "upper95", "dash")):
        for key, show in ((lower, True), (upper, False)):
            fig.add_trace(trace("scatter", x=ns, y=[100 * getattr(c, key) for c in view.curve],
                                mode="lines", name=level, legendgroup=level,
                                showlegend=show, hoverinfo="skip",
                                line={"color": NHS_DARK_GREY if dash == "solid"
                                      else NHS_MID_GREY, "dash": dash, "width": 1.5}))
    fig.add_trace(trace("scatter", x=[1, max(ns)], y=[100 * view.p0] * 2, mode="lines",
                        name=f"network mean {100 * view.p0:.1f}%", hoverinfo="skip",
                        line={"color": NHS_BLUE, "width": 1}))
    outside = points["position"] != "within"
    colours = [NHS_BLUE if own else (NHS_ORANGE if out else NHS_MID_GREY)
               for own, out in zip(points["own"], outside, strict=True)]
    hover = [f"{text.html(n)}<br>{v:.1f}% ({num:,.0f} of {den:,.0f})<br>{pos}"
             for n, v, num, den, pos in zip(points["org_name"], points["value"],
                                            points["numerator"], points["denominator"],
                                            points["position"], strict=True)]
    fig.add_trace(trace("scatter", x=list(points["denominator"]), y=list(points["value"]),
                        mode="markers", name="Trusts", showlegend=False,
                        marker={"color": colours, "size": [13 if o else 9 for o in
                                                           points["own"]],
                                "line": {"color": "white", "width": 1}},
                        hovertext=hover, hoverinfo="text"))
    labelled = points[outside | points["own"]]
    offsets = (22, 44, 66)  # staggered, so labels of neighbouring points stay legible
    for i, r in enumerate(labelled.sort_values("denominator").head(MAX_LABELS).itertuples()):
        low = r.value > 100 * view.p0  # above the mean: label below the point, and back
        fig.add_annotation(text=text.html(r.org_name), x=r.denominator, y=r.value,
                           showarrow=True, arrowhead=0, ax=0,
                           ay=offsets[i % 3] if low else -offsets[i % 3],
                           bgcolor="rgba(255,255,255,0.8)",
                           font={"size": 11, "color": NHS_RED if r.position != "within"
                                 and not r.own else NHS_BLUE})
    house_layout(fig, title, height=440)
    fig.update_xaxes(title_text="denominator (how many counted)", rangemode="tozero")
    fig.update_yaxes(title_text="%", range=[0, 100], gridcolor=NHS_PALE_GREY)
    out_names = [n for n, p in zip(points["org_name"], points["position"], strict=True)
                 if p != "within"]
    out998 = [n for n, p in zip(points["org_name"], points["position"], strict=True)
              if p.endswith("99.8%")]
    own = points[points["own"]]
    own_text = (f"{own_name} is {_PLACES[own['position'].iloc[0]]}" if not own.empty
                else f"{own_name} is not plotted")
    summary = (f"Funnel plot of {view.name} in {view.fy} for {len(points)} trusts around the "
               f"network mean of {100 * view.p0:.1f}%: {own_text}; "
               f"{len(out_names)} outside the 95% limits, {len(out998)} of them outside "
               f"99.8%" + (f" ({', '.join(out998)})" if out998 else "") + ".")
    return NetworkChart(fig.build(), summary)


def trend_chart(view: MetricView, own_name: str) -> NetworkChart:
    """This trust's compared value year by year beside the network median and its
    interquartile range (a band)."""
    unit = _unit(view)
    trend = view.trend
    title = f"{view.name}: this trust and the network over the years"
    fig = FigureBuilder()
    if trend.empty or trend["median"].isna().all():
        _no_data(fig, f"No values of {view.name} in any year")
        house_layout(fig, title, height=340)
        return NetworkChart(fig.build(), f"No values of {view.name} in any year.")
    years = list(trend["fy"])
    fig.add_trace(trace("scatter", x=years, y=list(trend["q3"]), mode="lines",
                        line={"width": 0}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(trace("scatter", x=years, y=list(trend["q1"]), mode="lines",
                        line={"width": 0}, fill="tonexty", fillcolor="rgba(65,182,230,0.25)",
                        name="interquartile range", hoverinfo="skip"))
    fig.add_trace(trace("scatter", x=years, y=list(trend["median"]), mode="lines+markers",
                        name="network median", line={"color": NHS_DARK_GREY, "dash": "dash"}))
    fig.add_trace(trace("scatter", x=years, y=[None if pd.isna(v) else v
                                               for v in trend["own"]],
                        mode="lines+markers", name=own_name,
                        line={"color": NHS_BLUE, "width": 3}))
    house_layout(fig, title, height=340)
    fig.update_xaxes(type="category", title_text="financial year")
    fig.update_yaxes(title_text=unit)
    first, last = trend.iloc[0], trend.iloc[-1]
    own_bit = (f"{own_name} went from {_fmt(first['own'], unit)} to "
               f"{_fmt(last['own'], unit)}" if pd.notna(first["own"]) and pd.notna(last["own"])
               else f"{own_name} has values in {int(trend['own'].notna().sum())} of "
                    f"{len(trend)} years")
    summary = (f"{view.name} from {years[0]} to {years[-1]}: {own_bit}; the network median "
               f"went from {_fmt(first['median'], unit)} to {_fmt(last['median'], unit)}.")
    return NetworkChart(fig.build(), summary)
