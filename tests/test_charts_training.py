"""Unit tests of the Training reach figures, built from hand-made inputs (no database)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_data.charts import training as charts
from pmo_data.charts.palette import NHS_GREEN, NHS_MID_GREY, NHS_ORANGE, NHS_RED
from pmo_data.metrics import TrainingForecast
from pmo_data.training import Confidence, Feedback, Funnel


def _trace(fig, name: str):  # noqa: ANN001, ANN202 - plotly objects
    found = [t for t in fig.data if t.name == name]
    assert found, [t.name for t in fig.data]
    return found[0]


def _annotations(fig, name: str) -> list:  # noqa: ANN001
    return [a for a in fig.layout.annotations if a.name == name]


# --- cumulative ------------------------------------------------------------------------------

CUMULATIVE = pd.DataFrame({
    "month": pd.to_datetime(["2025-04-01", "2025-05-01", "2025-06-01"]),
    "trained_cumulative": [8, 15, 31],
    "pro_rata_target": [10.0, 20.0, 30.0],
})
# As at 15 June 2025: 31 trained; elapsed 76 days (1 Apr - 15 Jun); forecast 31/76 x 365.
RUNNING = TrainingForecast("2025/26", date(2025, 6, 15), 31, 76, 365, 31 / 76 * 365, 120.0,
                           20.0, True)


def test_cumulative_chart_lines() -> None:
    chart = charts.cumulative_chart(CUMULATIVE, RUNNING)
    fig = chart.figure
    actual = _trace(fig, "Staff trained")
    # Starts at 0 on 1 April; each month at its end, the as-at month at the as-at date.
    assert list(actual.x) == [date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 31),
                              date(2025, 6, 15)]
    assert list(actual.y) == [0, 8, 15, 31]
    target = _trace(fig, "Pro-rata target (to 120)")
    assert len(target.x) == 13 and target.x[-1] == date(2026, 3, 31)
    assert target.y[0] == 0 and target.y[3] == pytest.approx(30.0) and target.y[-1] == 120
    forecast = _trace(fig, "Forecast at this rate")
    assert forecast.line.dash == "dot"
    assert list(forecast.x) == [date(2025, 6, 15), date(2026, 3, 31)]
    assert forecast.y[1] == pytest.approx(148.88, abs=0.01)  # 31 / 76 x 365
    assert fig.layout.title.text == "Staff trained in 2025/26, cumulative"
    assert fig.layout.yaxis.title.text == "Staff trained (distinct)"
    assert chart.summary == (
        "By 15 Jun 2025, 31 people had been trained in 2025/26 against a pro-rata target of "
        "20 (annual target 120); at this rate the year will end with about 149 (on track).")


def test_cumulative_chart_finished_year_has_no_forecast() -> None:
    done = TrainingForecast("2025/26", date(2026, 3, 31), 112, 365, 365, 112.0, 120.0, 120.0,
                            False)
    chart = charts.cumulative_chart(CUMULATIVE, done)
    assert "Forecast at this rate" not in [t.name for t in chart.figure.data]
    assert chart.summary == "In 2025/26, 112 people were trained against a target of 120 " \
                            "(missed)."


def test_cumulative_chart_without_target() -> None:
    bare = TrainingForecast("2025/26", date(2025, 6, 15), 31, 76, 365, 148.9, None, None, None)
    chart = charts.cumulative_chart(CUMULATIVE, bare)
    assert [t.name for t in chart.figure.data] == ["Staff trained", "Forecast at this rate"]
    assert "target" not in chart.summary


def test_cumulative_chart_no_data_is_said() -> None:
    empty = pd.DataFrame({"month": pd.Series(dtype="datetime64[us]"),
                          "trained_cumulative": pd.Series(dtype="int64"),
                          "pro_rata_target": pd.Series(dtype="float64")})
    none = TrainingForecast("2025/26", date(2025, 6, 15), None, 76, 365, None, 120.0, 20.0,
                            None)
    chart = charts.cumulative_chart(empty, none)
    assert not chart.figure.data
    assert _annotations(chart.figure, "no_data")
    assert "no training records" in chart.summary


# --- groups ----------------------------------------------------------------------------------


def test_group_chart() -> None:
    frame = pd.DataFrame({"group": ["Surgery", "Medicine", "Not recorded"],
                          "trained": [5, 3, 1]})
    chart = charts.group_chart(frame, "Service group", "2025/26")
    bar = chart.figure.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["Not recorded", "Medicine", "Surgery"]  # most at the top
    assert list(bar.x) == [1, 3, 5]
    assert chart.figure.layout.title.text == "Staff trained by service group, 2025/26"
    assert chart.summary == ("Surgery had the most staff trained (5), across 3 service groups "
                             "in 2025/26.")


def test_group_chart_tie_and_empty() -> None:
    tie = pd.DataFrame({"group": ["A", "B"], "trained": [2, 2]})
    assert charts.group_chart(tie, "Staff group", "2025/26").summary.startswith(
        "2 groups tie for the most staff trained (2 each)")
    empty = charts.group_chart(pd.DataFrame({"group": [], "trained": []}), "Staff group",
                               "2025/26")
    assert not empty.figure.data and "Nobody was recorded as trained" in empty.summary


# --- funnel ----------------------------------------------------------------------------------


def _funnel(completed: int | None, not_recorded: int) -> Funnel:
    return Funnel("2025/26", date(2025, 9, 30), 10, 8, completed, not_recorded, 2, 10, 20.0,
                  pd.DataFrame())


def test_funnel_chart() -> None:
    chart = charts.funnel_chart(_funnel(6, 1))
    trace = chart.figure.data[0]
    assert list(trace.y) == ["Booked", "Attended", "Completed"]
    assert list(trace.x) == [10, 8, 6]
    # 8 of 10 attended (80%); 6 completed of the 7 with a record (86%); 1 unrecorded.
    assert chart.summary == ("Of 10 course enrolments in 2025/26, 8 (80%) were attended and 6 "
                             "completed (86% of those with a record); 1 have no completion "
                             "recorded.")


def test_funnel_chart_completion_missing() -> None:
    chart = charts.funnel_chart(_funnel(None, 8))
    assert list(chart.figure.data[0].y) == ["Booked", "Attended"]
    assert _annotations(chart.figure, "completion_missing")
    assert chart.summary.endswith("were attended and no completion was recorded.")


def test_funnel_chart_no_data() -> None:
    empty = Funnel("2025/26", date(2025, 9, 30), None, None, None, None, None, None, None,
                   pd.DataFrame())
    chart = charts.funnel_chart(empty)
    assert not chart.figure.data and "no course funnel" in chart.summary


# --- confidence and feedback -----------------------------------------------------------------

CONF = Confidence(
    attended_places=5, pairs=3, mean_before=5.0, mean_after=17 / 3, mean_change=2 / 3,
    improved=1, unchanged=1, fell=1,
    before=tuple((r, {3: 1, 5: 1, 7: 1}.get(r, 0)) for r in range(1, 11)),
    after=tuple((r, {5: 1, 6: 2}.get(r, 0)) for r in range(1, 11)),
    change=((-1, 1), (0, 1), (1, 0), (2, 0), (3, 1)))


def test_confidence_chart() -> None:
    chart = charts.confidence_chart(CONF, "2025/26")
    before, after = _trace(chart.figure, "Before"), _trace(chart.figure, "After")
    assert list(before.x) == list(range(1, 11)) and before.y[2] == 1
    assert after.y[5] == 2
    assert chart.figure.layout.barmode == "group"
    assert chart.summary == (
        "Across 3 paired ratings in 2025/26, mean confidence went from 5.0 to 5.7 out of 10 "
        "(mean change +0.7); 1 rose, 1 stayed the same and 1 fell.")


def test_change_chart_colours() -> None:
    chart = charts.change_chart(CONF, "2025/26")
    bar = chart.figure.data[0]
    assert list(bar.x) == [-1, 0, 1, 2, 3]
    assert list(bar.marker.color) == [NHS_ORANGE, NHS_MID_GREY, NHS_GREEN, NHS_GREEN,
                                      NHS_GREEN]
    # 1 of 3 rose (33%); -1, 0 and +3 tie as the most common change (1 pair each).
    assert chart.summary == ("33% of 3 paired ratings in 2025/26 rose after training; the most "
                             "common changes were -1, 0 and +3 points (1 each).")
    single = Confidence(3, 3, 4.0, 6.0, 2.0, 3, 0, 0, (), (), ((0, 0), (1, 1), (2, 2)))
    assert charts.change_chart(single, "2025/26").summary.endswith(
        "the most common change was +2 points.")


def test_confidence_charts_without_pairs() -> None:
    none = Confidence(4, 0, None, None, None, 0, 0, 0, (), (), ((0, 0),))
    for chart in (charts.confidence_chart(none, "2025/26"), charts.change_chart(none, "2025/26")):
        assert not chart.figure.data
        assert _annotations(chart.figure, "no_data")


def test_feedback_chart() -> None:
    fb = Feedback(5, 3, 4.0, ((1, 0), (2, 0), (3, 1), (4, 1), (5, 1)))
    chart = charts.feedback_chart(fb, "2025/26")
    bar = chart.figure.data[0]
    assert list(bar.x) == [1, 2, 3, 4, 5] and list(bar.y) == [0, 0, 1, 1, 1]
    assert bar.marker.color[0] == NHS_RED
    assert chart.summary == ("The mean feedback score in 2025/26 was 4.0 out of 5 from 3 "
                             "responses (60% of attended sessions).")
    empty = charts.feedback_chart(Feedback(5, 0, None, ()), "2025/26")
    assert not empty.figure.data and "No feedback scores" in empty.summary


# --- across the years ------------------------------------------------------------------------

YEARS = pd.DataFrame({
    "fy": ["2024/25", "2025/26", "2026/27"],
    "trained": pd.array([2, 3, None], dtype="Int64"),
    "target": [float("nan"), 120.0, 120.0],
    "ytd_target": [float("nan"), 60.0, float("nan")],
    "status": ["No target", "Off track", "Not yet started"],
    "year_to_date": [False, True, False],
})


def test_years_chart() -> None:
    chart = charts.years_chart(YEARS)
    fig = chart.figure
    bars = _trace(fig, "Staff trained")
    assert list(bars.x) == ["2024/25", "2025/26", "2026/27"]
    assert list(bars.y) == [2, 3, None]  # a year not started has no bar, not a 0 bar
    assert list(bars.text) == ["2", "3 to date", ""]
    target = _trace(fig, "Target")
    assert target.y[0] is None and list(target.y[1:]) == [120.0, 120.0]
    ytd = _trace(fig, "Pro-rata target to date")
    assert list(ytd.y) == [None, 60.0, None]
    assert fig.layout.yaxis.range[1] == pytest.approx(120 * 1.12)
    assert chart.summary == ("Staff trained per financial year: 2024/25 2 (no target); "
                             "2025/26 3 to date (pro-rata target 60).")


def test_years_chart_empty() -> None:
    chart = charts.years_chart(YEARS.iloc[0:0])
    assert not chart.figure.data and "nothing to compare" in chart.summary
