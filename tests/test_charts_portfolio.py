"""Unit tests of the Portfolio delivery charts, on small frames worked out by hand: the
figures' traces, colours, axis titles and the one-sentence summaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pmo_data.charts import portfolio as charts
from pmo_data.charts.palette import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_WHITE,
    RAG_COLOURS,
)
from pmo_data.portfolio import SLIPPAGE_BANDS, STAGE_ORDER, SlippageDistribution, Timeline

DAY_MS = 86_400_000


def test_rag_text_colour_picks_the_higher_contrast() -> None:
    # WCAG ratios against white / NHS black: Red 4.87 / 3.35 -> white; Amber 1.73 / 9.41
    # -> black; Green (NHS dark green) 6.93 / 2.35 -> white; Blue 6.38 / 2.56 -> white;
    # Not reported (NHS dark grey) 7.75 / 2.10 -> white.
    assert charts.rag_text_colour("Red") == NHS_WHITE
    assert charts.rag_text_colour("Amber") == NHS_BLACK
    assert charts.rag_text_colour("Green") == NHS_WHITE
    assert charts.rag_text_colour("Blue") == NHS_WHITE
    assert charts.rag_text_colour("Not reported") == NHS_WHITE


def test_rag_cells_are_coloured_and_keep_their_labels() -> None:
    assert charts.rag_cell_css("Red") == f"background-color: {RAG_COLOURS['Red']}; color: #FFFFFF"
    assert charts.rag_cell_css("Purple") == ""
    assert charts.rag_cell_css(None) == ""
    frame = pd.DataFrame({"Project": ["P1", "P2"], "Latest RAG": ["Amber", None]})
    html = charts.style_rags(frame, ["Latest RAG", "Missing column"]).to_html()
    assert f"background-color: {RAG_COLOURS['Amber']}" in html
    assert ">Amber<" in html  # the label stays text
    assert html.count("background-color") == 1  # the blank cell stays plain


RAG_BY_GROUP = pd.DataFrame({
    "service_group": ["Medicine", "Medicine", "Surgery", "Surgery", "Surgery"],
    "overall_rag": ["Amber/Green", "Not reported", "Red", "Green", "Amber"],
    "projects": [1, 1, 2, 1, 3],
})


def test_rag_by_group_chart() -> None:
    chart = charts.rag_by_group_chart(RAG_BY_GROUP)
    fig = chart.figure
    # One trace per RAG present, in RAG order.
    assert [t.name for t in fig.data] == ["Red", "Amber", "Amber/Green", "Green",
                                         "Not reported"]
    assert [t.marker.color for t in fig.data] == [RAG_COLOURS[t.name] for t in fig.data]
    # Surgery has the Red projects, so it comes first (top: the y axis is reversed).
    red = fig.data[0]
    assert list(red.y) == ["Surgery", "Medicine"] and list(red.x) == [2, 0]
    assert list(red.text) == ["2", ""]  # no "0" label on an empty segment
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.title.text == "Projects"
    assert fig.layout.yaxis.title.text == "Service group"
    assert fig.layout.title.text == "Latest RAG by service group"
    # 1 + 1 + 2 + 1 + 3 = 8 projects; Red only in Surgery (2).
    assert chart.summary == "8 projects in 2 service groups; 2 Red, most in Surgery (2)."


def test_rag_by_group_chart_without_red_or_projects() -> None:
    calm = RAG_BY_GROUP[RAG_BY_GROUP["overall_rag"] != "Red"]
    assert charts.rag_by_group_chart(calm).summary == (
        "6 projects in 2 service groups; none Red.")
    empty = charts.rag_by_group_chart(RAG_BY_GROUP.iloc[0:0])
    assert empty.summary == "No projects match the filters."
    assert empty.figure.layout.annotations[0].text == "No projects match the filters."


def test_stage_pipeline_chart() -> None:
    counts = [1, 1, 1, 2, 1, 1, 0, 0]
    frame = pd.DataFrame({"stage": list(STAGE_ORDER), "projects": counts,
                          "active": [s in ("Initiation", "Planning", "Delivery", "Closure")
                                     for s in STAGE_ORDER]})
    chart = charts.stage_pipeline_chart(frame)
    bar = chart.figure.data[0]
    assert list(bar.y) == list(STAGE_ORDER) and list(bar.x) == counts
    assert list(bar.marker.color) == [NHS_MID_GREY, NHS_BLUE, NHS_BLUE, NHS_BLUE, NHS_BLUE,
                                      NHS_MID_GREY, NHS_MID_GREY, NHS_MID_GREY]
    assert chart.figure.layout.yaxis.autorange == "reversed"  # lifecycle order top down
    # the axis runs past the longest bar so its label (outside the bar) is not clipped
    assert tuple(chart.figure.layout.xaxis.range) == (0, 2 * 1.15)
    # Active: 1 + 1 + 2 + 1 = 5, most in Delivery (2).
    assert chart.summary == ("5 projects in the active stages (Initiation to Closure), most "
                             "in Delivery (2); 1 in the pipeline, 0 on hold.")
    none = charts.stage_pipeline_chart(frame.assign(projects=0))
    assert none.summary == "No projects match the filters."


def _dist(counts: list[int], median: float | None, no_forecast: int = 0
          ) -> SlippageDistribution:
    return SlippageDistribution(pd.DataFrame({"band": list(SLIPPAGE_BANDS),
                                              "milestones": counts}),
                                sum(counts), median, no_forecast)


def test_slippage_chart() -> None:
    chart = charts.slippage_chart(_dist([1, 1, 1, 1, 0, 1], 10.0, no_forecast=1))
    bar = chart.figure.data[0]
    assert list(bar.x) == list(SLIPPAGE_BANDS) and list(bar.y) == [1, 1, 1, 1, 0, 1]
    assert list(bar.marker.color) == [NHS_BLUE, NHS_BLUE] + [NHS_ORANGE] * 4
    assert chart.figure.layout.yaxis.title.text == "Milestones"
    # Late: 1-30 (1) + 31-90 (1) + over 180 (1) = 3; beyond 30 days: 2.
    assert chart.summary == ("Median slippage 10 days late over 5 milestones; 3 late, 2 of "
                             "them by more than 30 days; 1 open milestone without a forecast "
                             "left out.")
    early = charts.slippage_chart(_dist([3, 0, 0, 0, 0, 0], -1.0))
    assert early.summary == ("Median slippage 1 day early over 3 milestones; 0 late, 0 of "
                             "them by more than 30 days.")


def test_slippage_chart_with_nothing_measured() -> None:
    chart = charts.slippage_chart(_dist([0] * 6, None, no_forecast=2))
    assert chart.summary == ("No milestone slippage to show: 2 open milestones without a "
                             "forecast date.")


def _timeline() -> Timeline:
    frame = pd.DataFrame({
        "project_id": ["P7", "P1", "P3", "P2"],
        "project_name": ["Eta", "Alpha", "Gamma", None],
        "overall_rag": ["Amber/Green", "Red", "Not reported", "Green"],
        "start_date": pd.to_datetime(["2024-03-01", "2024-01-01", "2025-06-01", None]),
        "planned_end_date": pd.to_datetime(["2025-05-31", "2025-12-31", "2026-06-30",
                                            "2026-03-31"]),
        "end_date": pd.to_datetime(["2025-08-31", "2026-01-30", "2026-06-20", None]),
        "slippage_days": pd.array([92, 30, -10, None], dtype="Int64"),
    })
    return Timeline(frame, total=6, sort="slippage")


def test_timeline_chart() -> None:
    chart = charts.timeline_chart(_timeline(), date(2025, 6, 30))
    fig = chart.figure
    baseline, late, ends = fig.data
    assert baseline.name == "Baseline: start to planned end"
    assert list(baseline.y) == ["P7 Eta", "P1 Alpha", "P3 Gamma", "P2"]
    # P7: 1 March 2024 to 31 May 2025 = 456 days; P2 has no start: a zero-length bar.
    assert baseline.x[0] == 456 * DAY_MS and baseline.base[0] == "2024-03-01"
    assert baseline.x[3] == 0
    # Late only where the forecast end is after the planned end: P7 (92), P1 (30).
    assert list(late.y) == ["P7 Eta", "P1 Alpha"]
    assert list(late.x) == [92 * DAY_MS, 30 * DAY_MS]
    assert list(late.base) == ["2025-05-31", "2025-12-31"]
    # Diamonds where an end date is known, coloured by latest RAG.
    assert list(ends.x) == ["2025-08-31", "2026-01-30", "2026-06-20"]
    assert list(ends.marker.color) == [RAG_COLOURS["Amber/Green"], RAG_COLOURS["Red"],
                                       RAG_COLOURS["Not reported"]]
    assert fig.layout.shapes[0].x0 == fig.layout.shapes[0].x1  # the as-at line
    assert fig.layout.annotations[0].text == "As at 30 Jun 2025"
    assert list(fig.layout.yaxis.categoryarray) == list(baseline.y)
    assert chart.summary == ("2 of 4 projects shown are forecast to finish after their "
                             "planned end; the largest slip is P7 (92 days) (first 4 of 6).")


def test_timeline_chart_empty() -> None:
    empty = Timeline(_timeline().frame.iloc[0:0], 0, "slippage")
    chart = charts.timeline_chart(empty, date(2025, 6, 30))
    assert chart.summary == "No projects with a planned end date match the filters."


def test_rag_strip() -> None:
    reports = pd.DataFrame({
        "report_date": pd.to_datetime(["2025-04-30", "2025-05-31", "2025-06-30"]),
        "overall_rag": ["Amber", "Red", "Red"],
        "schedule_rag": ["Green", None, "Red"],
        "cost_rag": [None, None, None],  # never filled: no row
    })
    chart = charts.rag_strip(reports, "P1")
    fig = chart.figure
    by_rag = {t.name: t for t in fig.data}
    assert list(by_rag) == ["Red", "Amber", "Green"]  # RAG order, only those present
    # Red: overall in reports 2 and 3 (x 1, 2), schedule in report 3 (x 2).
    assert list(by_rag["Red"].x) == [1, 2, 2]
    assert list(by_rag["Red"].y) == ["Overall", "Overall", "Schedule"]
    assert by_rag["Red"].marker.color == RAG_COLOURS["Red"]
    assert by_rag["Amber"].hovertext[0] == "30 Apr 2025<br>Overall: Amber"
    assert list(fig.layout.yaxis.categoryarray) == ["Overall", "Schedule"]
    assert list(fig.layout.xaxis.ticktext) == ["Apr 2025", "May 2025", "Jun 2025"]
    assert chart.summary == ("P1: 3 highlight reports from 30 Apr 2025 to 30 Jun 2025; latest "
                             "overall RAG Red; Red in 2 of them.")
    changed = charts.rag_strip(reports.iloc[:2], "P1")
    assert "latest overall RAG Red (was Amber)" in changed.summary
    none = charts.rag_strip(reports.iloc[0:0], "P9")
    assert none.summary == "P9 has no highlight reports up to this date."
