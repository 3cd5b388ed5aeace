"""The chart beside an Explore pivot: bars of the aggregated values, one colour per series.

Why this module exists: a benefits advisor's pivot should be readable at a glance as well as
as a table, with a one-sentence summary for screen readers and for pasting into a paper. The
figure is built from the pivot result only (already aggregated in DuckDB): no queries here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go

from pmo_data.charts.figure import FigureBuilder, trace
from pmo_data.charts.palette import (
    CATEGORICAL,
    NHS_BLACK,
    NHS_DARK_GREY,
    NHS_PALE_GREY,
    NHS_WHITE,
    RAG_COLOURS,
)
from pmo_data.explore import PivotResult, column_label, dataset, pivot_long
from pmo_data.text import html

#: Most bar groups drawn; the table still has every row.
MAX_BAR_GROUPS = 40


@dataclass(frozen=True)
class ExploreChart:
    """A pivot drawn as bars, with its one-sentence text alternative."""

    figure: go.Figure
    summary: str


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def pivot_chart(result: PivotResult, *, title: str | None = None) -> ExploreChart:
    """Bars of a pivot: one bar group per row combination, one series per column value.

    Series of a RAG column take the RAG colours. Counts and sums are stacked (they add up);
    distinct counts, means and medians are grouped side by side (they do not). Missing values
    are left out of the bars (never drawn as 0) and the summary says how many groups had none.
    At most ``MAX_BAR_GROUPS`` groups are drawn.
    Summary: "<value label> by <rows>: highest <group> (<value>), lowest <group> (<value>);
    <n> groups." (over the row totals, i.e. the All column when there is a column dimension).
    """
    long = pivot_long(result)
    groups = list(dict.fromkeys(long["group"]))
    shown = groups[:MAX_BAR_GROUPS]
    series = list(dict.fromkeys(long["series"]))
    # stacked only when the bars add up to something: never across different units
    stacked = (result.aggregation in ("count", "sum") and result.column is not None
               and not result.total_withheld)
    names = [column_label(r) for r in result.rows]
    by = " and ".join(names) if names else "all rows"
    column = column_label(result.column) if result.column else None
    heading = title or (f"{result.value_label} by {by}" + (f" and {column}" if column else ""))

    rag = False
    if result.column is not None:
        col = dataset(result.dataset).column(result.column)
        rag = col.vocab == "rag"
    fig = FigureBuilder()
    for i, name in enumerate(series):
        colour = RAG_COLOURS.get(name, NHS_DARK_GREY) if rag else CATEGORICAL[i % len(CATEGORICAL)]
        part = long[(long["series"] == name) & long["group"].isin(shown)]
        values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
                  for v in part["value"]]
        fig.add_trace(trace("bar",
            x=list(part["group"]), y=values, name=name,
            marker={"color": colour},
            hovertemplate=f"%{{x}}<br>{html(name)}: %{{y:,}}<extra></extra>",
        ))
    fig.update_layout(
        title={"text": heading, "x": 0, "xanchor": "left", "font": {"size": 16}},
        barmode="stack" if stacked else "group",
        font={"family": "Arial, Helvetica, sans-serif", "color": NHS_BLACK},
        plot_bgcolor=NHS_WHITE, paper_bgcolor=NHS_WHITE,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        showlegend=result.column is not None,
        legend={"title": {"text": column or ""}, "traceorder": "normal"},
        xaxis={"title": {"text": " / ".join(names) or "All rows"}, "type": "category",
               "automargin": True, "linecolor": NHS_DARK_GREY},
        yaxis={"title": {"text": result.value_label}, "gridcolor": NHS_PALE_GREY,
               "rangemode": "tozero"},
    )
    return ExploreChart(fig.build(), _summary(result, heading, groups, shown))


def _summary(result: PivotResult, heading: str, groups: list[str], shown: list[str]) -> str:
    if result.total_withheld:
        return (f"{heading}: the columns are in different units, so no group has a total; "
                f"{len(groups):,} group{'s' if len(groups) != 1 else ''}.")
    table = result.table
    total_col = result.value_columns[-1]
    totals = [(g, v) for g, v in zip(groups, table[total_col], strict=False)
              if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not groups or not totals:
        return f"{heading}: no values for these filters ({result.source_rows:,} rows)."
    parts = []
    if len(totals) == 1:
        parts.append(f"{totals[0][0]} {_fmt(float(totals[0][1]))}")
    else:
        high = max(totals, key=lambda t: float(t[1]))
        low = min(totals, key=lambda t: float(t[1]))
        parts.append(f"highest {high[0]} ({_fmt(float(high[1]))}), "
                     f"lowest {low[0]} ({_fmt(float(low[1]))})")
    tail = f"{len(groups):,} group{'s' if len(groups) != 1 else ''}"
    if len(shown) < len(groups):
        tail += f", first {len(shown)} drawn"
    if len(totals) < len(groups):
        tail += f", {len(groups) - len(totals)} with no value"
    return f"{heading}: {parts[0]}; {tail}; from {result.source_rows:,} rows."
