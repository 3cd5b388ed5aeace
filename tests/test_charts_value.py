"""pmo_data.charts.value: the figures and their one-sentence summaries, built from hand-made
results (no database), including empty data, withheld groups and the ranking stack."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_data.charts import value as charts
from pmo_data.charts.palette import NHS_BLUE, NHS_MID_GREY
from pmo_data.prioritise import CRITERIA, default_weights, score
from pmo_data.value import (
    SUPPORTED,
    UNSUPPORTED,
    Comparison,
    Demand,
    Effort,
    GroupOutcome,
    window,
)

W = window("2025/26", date(2025, 11, 30))
QUARTERS = ("Q1 Apr-Jun", "Q2 Jul-Sep", "Q3 Oct-Dec", "Q4 Jan-Mar")


def _effort(rows: list[tuple[str, str, float]]) -> Effort:
    by_service = pd.DataFrame(rows, columns=["quarter", "service", "hours"])
    by_group = pd.DataFrame([(q, "Medicine", h) for q, _, h in rows],
                            columns=["quarter", "service_group", "hours"])
    return Effort(W, by_service, by_group, float(by_service["hours"].sum()), QUARTERS,
                  QUARTERS[:3], len(rows), 0)


def test_effort_chart_stacks_services_and_marks_future_quarters() -> None:
    e = _effort([("Q1 Apr-Jun", "Immersive PM", 30), ("Q2 Jul-Sep", "Immersive PM", 30),
                 ("Q1 Apr-Jun", "Coaching", 10), ("Q3 Oct-Dec", "Advice", 20)])
    chart = charts.effort_chart(e, "service")
    fig = chart.figure
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Immersive PM", "Coaching", "Advice"]  # vocab order
    immersive = fig.data[0]
    # at 30 November Q3 is still running: its bars are a part quarter, labelled "to date"
    assert list(immersive.x) == ["Q1 Apr-Jun", "Q2 Jul-Sep", "Q3 Oct-Dec<br>(to date)",
                                 "Q4 Jan-Mar<br>(not started)"]
    assert list(immersive.y) == [30, 30, 0, None]  # the future quarter is missing, not 0
    assert immersive.marker.color == charts.SERVICE_COLOURS["Immersive PM"]
    assert "by service" in fig.layout.title.text and fig.layout.yaxis.title.text == "Hours"
    assert "hours" in immersive.hovertemplate
    # 90 hours; Immersive PM 60 = 67%
    assert chart.summary == ("The PMO logged 90 hours in 2025/26 up to 30 Nov 2025; "
                             "Immersive PM took the most (60 hours, 67%).")


def test_effort_chart_by_group_and_empty() -> None:
    e = _effort([("Q1 Apr-Jun", "Coaching", 10)])
    chart = charts.effort_chart(e, "service_group")
    assert [t.name for t in chart.figure.data] == ["Medicine"]
    assert "Medicine took the most (10 hours, 100%)" in chart.summary
    empty = _effort([])
    chart = charts.effort_chart(empty, "service")
    assert len(chart.figure.data) == 0
    assert chart.figure.layout.annotations[0].text == "No PMO hours recorded in this period"
    assert chart.summary.startswith("No PMO hours were recorded in 2025/26")


def _demand(backlog: int = 3) -> Demand:
    flow = pd.DataFrame([(q, m, n) for q, ns in zip(QUARTERS[:3], [(2, 1, 1), (3, 2, 1),
                                                                    (2, 2, 1)], strict=True)
                         for m, n in zip(("Received", "Started", "Closed"), ns, strict=True)],
                        columns=["quarter", "measure", "requests"])
    ages = pd.DataFrame({"age_band": ["0-30 days", "31-90 days", "91-180 days",
                                      "Over 180 days"],
                         "waiting": [1, 0, 0, 0], "in_progress": [0, 1, 1, 0]})
    return Demand(W, 7, 5, 3, backlog, 1 if backlog else 0, 2 if backlog else 0,
                  36.0 if backlog else None, 102 if backlog else None, flow, ages, 9)


def test_flow_chart() -> None:
    chart = charts.flow_chart(_demand())
    fig = chart.figure
    assert [t.name for t in fig.data] == ["Received", "Started", "Closed"]
    assert list(fig.data[0].y) == [2, 3, 2]
    assert list(fig.data[0].x) == ["Q1 Apr-Jun", "Q2 Jul-Sep", "Q3 Oct-Dec<br>(to date)"]
    assert fig.layout.barmode == "group"
    assert chart.summary == ("In 2025/26 up to 30 Nov 2025 the PMO received 7 requests, "
                             "started 5 and closed 3; 3 were open, the oldest received 102 days "
                             "ago.")


@pytest.mark.parametrize(("as_at", "running"), [
    (date(2025, 11, 30), "Q3 Oct-Dec"), (date(2025, 12, 31), None),
    (date(2026, 1, 1), "Q4 Jan-Mar"), (date(2025, 4, 1), "Q1 Apr-Jun"),
    (date(2026, 3, 31), None), (date(2026, 6, 2), None)])
def test_only_the_quarter_still_running_is_to_date(as_at: date, running: str | None) -> None:
    w = window("2025/26", as_at)  # 2 June 2026 is past the FY: the year is complete
    assert w.running_quarter == running
    ticks = [charts.quarter_tick(q, w) for q in QUARTERS]
    assert [t for t in ticks if t.endswith("(to date)")] == (
        [f"{running}<br>(to date)"] if running else [])


def test_backlog_chart_and_empty_backlog() -> None:
    chart = charts.backlog_chart(_demand())
    assert [t.name for t in chart.figure.data] == ["Waiting to start", "In progress"]
    assert list(chart.figure.data[1].y) == [0, 1, 1, 0]
    assert "median age 36 days" in chart.summary
    empty = charts.backlog_chart(_demand(backlog=0))
    assert len(empty.figure.data) == 0
    assert empty.summary == "No PMO requests were open on 30 Nov 2025."


def _group(label: str, n: int, on_time: float | None = 50.0) -> GroupOutcome:
    if n < 5:
        return GroupOutcome(label, n, False, f"Withheld: only {n} projects")
    return GroupOutcome(label, n, True, None, on_time_pct=on_time, red_share_pct=20.0,
                        compliance_pct=90.0)


def test_comparison_chart_both_groups() -> None:
    c = Comparison(W, _group(SUPPORTED, 8, 75.0), _group(UNSUPPORTED, 6, None), 0)
    chart = charts.comparison_chart(c)
    fig = chart.figure
    assert [t.name for t in fig.data] == ["Supported (8 projects)", "Not supported (6 projects)"]
    assert fig.data[0].marker.color == NHS_BLUE and fig.data[1].marker.color == NHS_MID_GREY
    assert list(fig.data[0].y) == [75.0, 20.0, 90.0]
    assert list(fig.data[1].text) == ["no data", "20%", "90%"]  # missing shown as missing
    assert "association, not cause" in fig.layout.title.text
    assert chart.summary.startswith("Supported projects (8) met 75% of milestones on time "
                                    "against no data for unsupported (6)")
    assert chart.summary.endswith("This is an association, not proof of cause.")


def test_comparison_chart_withheld_group() -> None:
    c = Comparison(W, _group(SUPPORTED, 8), _group(UNSUPPORTED, 3), 0)
    chart = charts.comparison_chart(c)
    assert [t.name for t in chart.figure.data] == ["Supported (8 projects)"]
    notes = [a.text for a in chart.figure.layout.annotations]
    assert notes == ["Not supported: withheld (3 projects, fewer than 5)"]
    assert chart.summary == ("Not supported projects are withheld (3, fewer than 5), so no "
                             "comparison can be made.")
    both = charts.comparison_chart(Comparison(W, _group(SUPPORTED, 2), _group(UNSUPPORTED, 1),
                                              0))
    assert len(both.figure.data) == 0 and "Both groups are too small" in both.summary
    assert "Not supported: withheld (1 project, fewer than 5)" in [
        a.text for a in both.figure.layout.annotations]


def test_training_chart() -> None:
    frame = pd.DataFrame({"service_group": ["Medicine", "Surgery"], "active_projects": [8, 1],
                          "self_run_projects": [4, 1], "trained_in_year": [1, 1],
                          "trained_to_date": [2, 1], "trained_per_self_run": [0.5, 1.0],
                          "gap": [True, False]})
    chart = charts.training_chart(frame)
    assert [t.name for t in chart.figure.data] == ["Staff trained to date",
                                                   "Active projects without PMO support"]
    assert list(chart.figure.data[0].x) == [2, 1] and list(chart.figure.data[1].x) == [4, 1]
    assert chart.summary == ("Fewer staff have been trained than there are projects run "
                             "without PMO support in: Medicine.")
    no_gap = charts.training_chart(frame.assign(gap=[False, False]))
    assert no_gap.summary.startswith("Every service group has at least as many")


def _candidates() -> pd.DataFrame:
    return pd.DataFrame({
        "project_id": ["A", "B"], "project_name": ["Alpha", "Beta"],
        "service_group": ["Medicine", "Surgery"], "stage": ["Pipeline", "Initiation"],
        "strategic_shift": ["Analogue to digital", None], "priority": [1, 5],
        "budget_gbp": [100.0, 50.0], "benefit_gbp": [10.0, 0.0], "cash_benefits": [1, 0],
        "raid_items": [1, 1], "open_risks": [1, 0], "open_risk_score": [4.0, 0.0],
        "capacity_hours": [0.0, 0.0], "capacity_basis": ["none", "none"]})


def test_ranking_chart_stacks_contributions_to_the_score() -> None:
    r = score(_candidates(), default_weights())
    chart = charts.ranking_chart(r)
    fig = chart.figure
    assert [t.name for t in fig.data] == [c.label for c in CRITERIA]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].y) == ["1. A", "2. B"]
    # A: shift 1, priority 1, benefit 1, budget 0, risk 0, capacity 1 (all 0 h) -> 4/6 = 66.7
    # B: shift 0, priority 0, benefit 0, budget 1 - 50/100 = 0.5, risk 1, capacity 1 -> 41.7
    stacked = [sum(t.x[i] for t in fig.data) for i in range(2)]
    assert stacked == pytest.approx(list(r.table["score"]))
    assert stacked[0] == pytest.approx(400 / 6)
    assert chart.summary == ("A Alpha ranks first with 67 of 100, ahead of B Beta (42); "
                             "2 projects ranked.")


def test_ranking_chart_problem() -> None:
    r = score(_candidates(), dict.fromkeys(default_weights(), 0))
    chart = charts.ranking_chart(r)
    assert len(chart.figure.data) == 0 and "zero" in chart.summary
