"""pmo_data.value on hand-worked fixtures: effort, demand, supported vs unsupported (with the
small-group rule and projects with no benefits), the return statement and training reach.

FY 2025/26 throughout, as at 30 Nov 2025: the window is 1 Apr 2025 - 30 Nov 2025
(Q1 Apr-Jun, Q2 Jul-Sep and Q3 Oct-Dec have started; Q4 Jan-Mar has not).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pmo_data import value
from pmo_data.db import Database, build_database

AS_AT = date(2025, 11, 30)
FY = "2025/26"
D = date
PROJECT_START = date(2025, 1, 1)


# --- effort and demand fixture ------------------------------------------------------------


def _req(rid: str, received: date, service: str, status: str, *, start: date | None = None,
         end: date | None = None, hours: float | None = None, group: str = "Medicine",
         project: str | None = None) -> dict[str, Any]:
    return {"request_id": rid, "received_date": received, "service": service,
            "service_group": group, "status": status, "start_date": start, "end_date": end,
            "hours": hours, "project_id": project}


def log_rows() -> list[dict[str, Any]]:
    """Nine requests. Hours are spread evenly over each request's days:
    A 60 h over 1 Jun-30 Jul (60 days): Q1 30 h (June), Q2 30 h (July).
    B 20 h over 22 Mar-10 Apr (20 days): 10 h in the window (1-10 Apr, Q1).
    C 15 h, open, from 1 Nov to the as-at date 30 Nov (30 days): Q3 15 h.
    D 4 h, closed with no end date: all on its start day 15 Aug (Q2).
    E started, no hours: missing. F cancelled, 2 h, no dates: on its received day 5 May (Q1).
    G (Surgery) 5 h over 1-10 Oct: Q3. H received, waiting. I closed in the previous FY.
    """
    return [
        _req("A", D(2025, 5, 20), "Immersive PM", "Closed", start=D(2025, 6, 1),
             end=D(2025, 7, 30), hours=60),
        _req("B", D(2025, 3, 1), "Coaching", "closed", start=D(2025, 3, 22),
             end=D(2025, 4, 10), hours=20),
        _req("C", D(2025, 10, 25), "Advice", "In progress", start=D(2025, 11, 1), hours=15),
        _req("D", D(2025, 8, 1), "Assurance review", "CLOSED", start=D(2025, 8, 15), hours=4),
        _req("E", D(2025, 8, 20), "Coaching", "in progress", start=D(2025, 9, 1)),
        _req("F", D(2025, 5, 5), "Project design workshop", "Cancelled", hours=2),
        _req("G", D(2025, 9, 25), "Reporting support", "Closed", start=D(2025, 10, 1),
             end=D(2025, 10, 10), hours=5, group="Surgery"),
        _req("H", D(2025, 11, 20), "Advice", "Received"),
        _req("I", D(2025, 2, 1), "Advice", "Closed", start=D(2025, 2, 1), end=D(2025, 2, 10),
             hours=1),
    ]


@pytest.fixture
def log_db(tmp_path: Path) -> Database:
    with Database(build_database(tmp_path / "log.duckdb",
                                 {"service_requests": log_rows()})) as db:
        yield db


def _cell(frame: Any, **match: str) -> float:
    part = frame
    for col, val in match.items():
        part = part[part[col] == val]
    assert len(part) == 1, part
    return float(part["hours"].iloc[0])


def test_effort_spreads_hours_over_quarters(log_db: Database) -> None:
    e = value.effort(log_db, FY, AS_AT)
    s = e.by_service
    assert _cell(s, quarter="Q1 Apr-Jun", service="Immersive PM") == pytest.approx(30)
    assert _cell(s, quarter="Q2 Jul-Sep", service="Immersive PM") == pytest.approx(30)
    assert _cell(s, quarter="Q1 Apr-Jun", service="Coaching") == pytest.approx(10)
    assert _cell(s, quarter="Q1 Apr-Jun", service="Project design workshop") == pytest.approx(2)
    assert _cell(s, quarter="Q2 Jul-Sep", service="Assurance review") == pytest.approx(4)
    assert _cell(s, quarter="Q3 Oct-Dec", service="Advice") == pytest.approx(15)
    assert _cell(s, quarter="Q3 Oct-Dec", service="Reporting support") == pytest.approx(5)
    # 30 + 30 + 10 + 2 + 4 + 15 + 5; I (previous FY) and E (no hours) add nothing
    assert e.total_hours == pytest.approx(96)
    assert e.quarters == ("Q1 Apr-Jun", "Q2 Jul-Sep", "Q3 Oct-Dec", "Q4 Jan-Mar")
    assert e.quarters_started == ("Q1 Apr-Jun", "Q2 Jul-Sep", "Q3 Oct-Dec")
    # live in the window, not withdrawn, started: A B C D G with hours; E without
    assert (e.requests_with_hours, e.requests_without_hours) == (5, 1)
    # services in vocabulary order within a quarter
    q1 = list(s[s["quarter"] == "Q1 Apr-Jun"]["service"])
    assert q1 == ["Immersive PM", "Coaching", "Project design workshop"]


def test_effort_by_group_and_filter(log_db: Database) -> None:
    e = value.effort(log_db, FY, AS_AT)
    assert _cell(e.by_group, quarter="Q3 Oct-Dec", service_group="Surgery") == 5
    assert _cell(e.by_group, quarter="Q3 Oct-Dec", service_group="Medicine") == 15
    medicine = value.effort(log_db, FY, AS_AT, service_group="medicine ")
    assert medicine.total_hours == pytest.approx(91)  # 96 - G's 5
    assert set(medicine.by_group["service_group"]) == {"Medicine"}


def test_effort_as_at_cuts_spread_hours(log_db: Database) -> None:
    # as at 15 Jun: A has run 1-15 Jun = 15 of its 60 days -> 15 h; B 10 h; F 2 h
    e = value.effort(log_db, FY, D(2025, 6, 15))
    assert e.total_hours == pytest.approx(27)
    assert e.quarters_started == ("Q1 Apr-Jun",)


def test_effort_before_the_year_starts_is_empty(log_db: Database) -> None:
    e = value.effort(log_db, "2026/27", AS_AT)
    assert e.by_service.empty and e.total_hours == 0 and e.quarters_started == ()


def test_demand_flow_and_backlog(log_db: Database) -> None:
    d = value.demand(log_db, FY, AS_AT)
    # received in window: A F (Q1), D E G (Q2), C H (Q3)
    assert (d.received, d.started, d.closed) == (7, 5, 3)
    flow = d.flow.set_index(["quarter", "measure"])["requests"]
    assert flow[("Q1 Apr-Jun", "Received")] == 2
    assert flow[("Q2 Jul-Sep", "Received")] == 3
    assert flow[("Q3 Oct-Dec", "Received")] == 2
    assert flow[("Q1 Apr-Jun", "Started")] == 1  # A
    assert flow[("Q2 Jul-Sep", "Started")] == 2  # D, E
    assert flow[("Q3 Oct-Dec", "Started")] == 2  # C, G
    assert flow[("Q1 Apr-Jun", "Closed")] == 1  # B (10 Apr); D closed without a date
    assert flow[("Q2 Jul-Sep", "Closed")] == 1  # A
    assert flow[("Q3 Oct-Dec", "Closed")] == 1  # G
    assert len(d.flow) == 9  # three started quarters x three measures
    # backlog on 30 Nov: C (in progress, 36 days), E (in progress, 102 days), H (waiting, 10)
    assert (d.backlog, d.backlog_waiting, d.backlog_in_progress) == (3, 1, 2)
    assert d.backlog_median_age_days == 36
    assert d.backlog_oldest_days == 102
    ages = d.backlog_ages.set_index("age_band")
    assert list(ages.index) == ["0-30 days", "31-90 days", "91-180 days", "Over 180 days"]
    assert ages.loc["0-30 days"].tolist() == [1, 0]
    assert ages.loc["31-90 days"].tolist() == [0, 1]
    assert ages.loc["91-180 days"].tolist() == [0, 1]
    assert ages.loc["Over 180 days"].tolist() == [0, 0]


def test_demand_for_one_group_with_no_backlog(log_db: Database) -> None:
    d = value.demand(log_db, FY, AS_AT, service_group="Surgery")
    assert (d.received, d.started, d.closed, d.backlog) == (1, 1, 1, 0)
    assert d.backlog_median_age_days is None and d.backlog_oldest_days is None


# --- supported against unsupported fixture -------------------------------------------------


def _project(pid: str, stage: str = "Delivery", group: str = "Medicine",
             pmo_service: str | None = "Self-managed", start: date = PROJECT_START,
             actual_end: date | None = None) -> dict[str, Any]:
    return {"project_id": pid, "project_name": f"Project {pid}", "service_group": group,
            "stage": stage, "start_date": start, "planned_end_date": D(2026, 12, 31),
            "pmo_service": pmo_service, "actual_end_date": actual_end}


def _ms(pid: str, baseline: date, actual: date | None = None,
        forecast: date | None = None) -> dict[str, Any]:
    return {"project_id": pid, "milestone": f"{pid} {baseline}", "baseline_date": baseline,
            "actual_date": actual, "forecast_date": forecast}


def _rep(pid: str, day: date, rag: str) -> dict[str, Any]:
    return {"project_id": pid, "report_date": day, "overall_rag": rag}


def _ben(bid: str, pid: str, target: date, realised: float | None,
         category: str = "Cash-releasing") -> dict[str, Any]:
    return {"benefit_id": bid, "project_id": pid, "description": bid, "category": category,
            "target_value": 50_000.0, "target_date": target, "realised_value": realised}


def _staff(sid: str, day: date, group: str | None, attendance: str = "Attended"
           ) -> dict[str, Any]:
    return {"staff_id": sid, "course": "Introduction to PM", "session_date": day,
            "attendance": attendance, "service_group": group}


def value_tables() -> dict[str, list[dict[str, Any]]]:
    """Five supported projects (S1-S5), five unsupported (U1-U4 Medicine, U5 Surgery), and
    four outside the comparison (X1 Pipeline, X2 closed before the year, X3 Cancelled,
    X4 not started by the as-at date). Every figure is worked out in the tests below."""
    projects = [
        _project("S1", pmo_service="Immersive PM"),
        _project("S2", pmo_service="Coaching"),
        _project("S3", pmo_service="Immersive PM"),
        _project("S4", pmo_service="Self-managed"),  # register disagrees with the log
        _project("S5", stage="Closed", pmo_service="Immersive PM", actual_end=D(2025, 9, 30)),
        _project("U1", pmo_service="Immersive PM"),  # register disagrees: request declined
        _project("U2"), _project("U3"), _project("U4", pmo_service=None),
        _project("U5", stage="Closure", group="Surgery"),
        _project("X1", stage="Pipeline"),
        _project("X2", stage="Closed", actual_end=D(2025, 2, 1)),
        _project("X3", stage="Cancelled"),
        _project("X4", start=D(2026, 1, 1)),
    ]
    requests = [
        # S1: 230 h over 15 Apr - 30 Nov (230 days) = 1 h a day; plus 6 h Advice on 10 Nov
        _req("R1", D(2025, 4, 1), "Immersive PM", "In progress", start=D(2025, 4, 15),
             hours=230, project="S1"),
        _req("R1b", D(2025, 11, 5), "Advice", "Closed", start=D(2025, 11, 10),
             end=D(2025, 11, 10), hours=6, project="S1"),
        # S2: coaching before the year: still supported, no hours in the window
        _req("R2", D(2024, 9, 1), "Coaching", "Closed", start=D(2024, 10, 1),
             end=D(2025, 1, 31), hours=12, project="S2"),
        # S3: 184 h over 1 May - 31 Oct (184 days)
        _req("R3", D(2025, 4, 1), "Immersive PM", "closed", start=D(2025, 5, 1),
             end=D(2025, 10, 31), hours=184, project="S3"),
        # S4: coaching, hours not recorded
        _req("R4", D(2025, 8, 1), "Coaching", "In progress", start=D(2025, 9, 1),
             project="S4"),
        # S5: 122 h over 1 Jun - 30 Sep (122 days)
        _req("R5", D(2025, 5, 1), "Immersive PM", "Closed", start=D(2025, 6, 1),
             end=D(2025, 9, 30), hours=122, project="S5"),
        _req("R6", D(2025, 5, 1), "Immersive PM", "Declined", project="U1"),
        _req("R7", D(2025, 11, 1), "Coaching", "Received", project="U2"),
        _req("R8", D(2025, 11, 1), "Immersive PM", "In progress", start=D(2025, 12, 15),
             hours=10, project="U3"),
        _req("R9", D(2025, 6, 20), "Reporting support", "Closed", start=D(2025, 7, 1),
             end=D(2025, 7, 10), hours=8, project="U4"),
        # X1 is supported but in Pipeline: 61 h over 1 Oct - 30 Nov (61 days)
        _req("R10", D(2025, 9, 1), "Immersive PM", "In progress", start=D(2025, 10, 1),
             hours=61, project="X1"),
    ]
    milestones = [
        _ms("S1", D(2025, 5, 1), actual=D(2025, 4, 28)),  # on time, -3
        _ms("S1", D(2025, 6, 1), actual=D(2025, 6, 11)),  # late, +10
        _ms("S2", D(2025, 7, 1), forecast=D(2025, 7, 21)),  # open, +20
        _ms("S3", D(2025, 8, 1), actual=D(2025, 8, 1)),  # on time, 0
        _ms("S4", D(2025, 9, 1)),  # open, no forecast: left out
        _ms("S5", D(2025, 3, 1), actual=D(2025, 3, 5)),  # done before the window: left out
        _ms("S5", D(2025, 10, 1), actual=D(2025, 12, 10), forecast=D(2025, 10, 11)),  # open
        _ms("U1", D(2025, 5, 10), actual=D(2025, 5, 30)),  # late, +20
        _ms("U2", D(2025, 6, 10), actual=D(2025, 6, 5)),  # on time, -5
        _ms("U5", D(2025, 7, 15), forecast=D(2025, 8, 14)),  # open, +30
        _ms("U3", D(2025, 9, 1), forecast=D(2025, 9, 1)),  # open, 0
        _ms("X1", D(2025, 5, 1), actual=D(2025, 5, 1)),  # not compared
    ]
    reports = [
        _rep("S1", D(2025, 5, 31), "Red"), _rep("S1", D(2025, 11, 15), "Amber"),
        _rep("S2", D(2025, 6, 30), "Amber/Red"), _rep("S2", D(2025, 11, 20), "Green"),
        _rep("S3", D(2025, 7, 31), "Green"), _rep("S3", D(2025, 10, 31), "Not reported"),
        _rep("S4", D(2025, 3, 31), "Red"), _rep("S4", D(2025, 10, 15), "Green"),
        _rep("S5", D(2025, 9, 30), "Blue"),
        _rep("U1", D(2025, 11, 25), "Red"), _rep("U2", D(2025, 8, 31), "Amber"),
        _rep("U4", D(2025, 6, 30), "Red"), _rep("U4", D(2025, 11, 1), "Green"),
        _rep("U5", D(2025, 10, 31), "Amber/Green"),
    ]
    benefits = [
        _ben("B1", "S1", D(2025, 12, 31), 10_000.0),
        _ben("B2", "S1", D(2025, 6, 30), None),  # due, nothing realised yet
        _ben("B3", "S3", D(2026, 3, 31), 5_000.0),
        _ben("B4", "S2", D(2025, 9, 30), 99.0, category="Quality"),
        _ben("B5", "S4", D(2026, 6, 30), 7_000.0),  # next FY
        _ben("B6", "U1", D(2025, 9, 30), 2_000.0),
    ]
    training = [
        _staff("m1", D(2025, 5, 1), "Medicine"), _staff("m1", D(2025, 7, 1), "Medicine"),
        _staff("m2", D(2024, 6, 1), "Medicine"),
        _staff("m3", D(2025, 6, 1), "Medicine", attendance="Did not attend"),
        _staff("s1", D(2025, 9, 1), "Surgery"), _staff("s2", D(2025, 12, 5), "Surgery"),
        _staff("n1", D(2025, 5, 1), None),
    ]
    return {"projects": projects, "service_requests": requests, "milestones": milestones,
            "status_reports": reports, "benefits": benefits, "training": training}


@pytest.fixture
def vdb(tmp_path: Path) -> Database:
    with Database(build_database(tmp_path / "value.duckdb", value_tables())) as db:
        yield db


def test_comparison_supported_group(vdb: Database) -> None:
    c = value.comparison(vdb, FY, AS_AT)
    s = c.supported
    assert (s.projects, s.comparable, s.reason) == (5, True, None)
    # done in window: S1 x2, S3 -> 3; on time: S1 (-3), S3 (0) -> 2 of 3
    assert (s.milestones_completed, s.milestones_on_time) == (3, 2)
    assert s.on_time_pct == pytest.approx(200 / 3)
    # slips -3, +10, +20, 0, +10 (S5 open, forecast) -> median 10
    assert (s.slippage_milestones, s.median_slippage_days) == (5, 10)
    # rated reports in window: S1 2, S2 2, S3 1 (Not reported left out), S4 1, S5 1 = 7;
    # Red S1, Amber/Red S2 -> 2 of 7
    assert (s.reports, s.red_reports) == (7, 2)
    assert s.red_share_pct == pytest.approx(200 / 7)
    # active S1-S4 (S5 closed); reports on 30 Oct - 30 Nov: S1, S2, S3 -> 3 of 4
    assert (s.active_projects, s.reporting_projects, s.compliance_pct) == (4, 3, 75.0)
    # cash-releasing due in FY: B1 10,000 + B2 nothing + B3 5,000, from S1 and S3;
    # per project over all five (S2, S4, S5 have none due): 15,000 / 5
    assert (s.benefits_due_projects, s.benefits_realised_gbp) == (2, 15_000)
    assert s.benefits_per_project_gbp == 3_000


def test_comparison_unsupported_group(vdb: Database) -> None:
    c = value.comparison(vdb, FY, AS_AT)
    u = c.unsupported
    # U1 declined, U2 not started, U3 starts after the as-at date, U4 reporting support only
    assert (u.projects, u.comparable) == (5, True)
    assert (u.milestones_completed, u.milestones_on_time, u.on_time_pct) == (2, 1, 50.0)
    # slips +20, -5, +30, 0 -> median (0 + 20) / 2
    assert (u.slippage_milestones, u.median_slippage_days) == (4, 10)
    assert (u.reports, u.red_reports, u.red_share_pct) == (5, 2, 40.0)
    # active U1-U5 (Closure counts); reports since 30 Oct: U1, U4, U5
    assert (u.active_projects, u.reporting_projects, u.compliance_pct) == (5, 3, 60.0)
    assert (u.benefits_due_projects, u.benefits_realised_gbp) == (1, 2_000)
    assert u.benefits_per_project_gbp == 400  # 2,000 / 5
    assert c.register_disagreements == 2  # S4, U1
    assert c.comparable
    assert "not proof of cause" in c.note


def test_small_group_is_withheld_with_reason(vdb: Database) -> None:
    c = value.comparison(vdb, FY, AS_AT, service_group="Medicine")
    assert c.supported.comparable and c.supported.projects == 5
    u = c.unsupported
    assert (u.projects, u.comparable) == (4, False)  # U5 is Surgery
    assert u.reason is not None and "only 4 projects" in u.reason and "5" in u.reason
    assert u.on_time_pct is None and u.red_share_pct is None
    assert u.benefits_per_project_gbp is None and u.milestones_completed is None
    assert not c.comparable
    table = value.comparison_table(c).set_index("Measure")
    assert table.loc["Projects", "Not supported"] == "4"
    assert set(table["Not supported"].iloc[1:]) == {"Withheld"}
    assert table.loc["Milestones on time", "Supported"] == "67% (2 of 3)"


def test_one_project_group_reason_is_singular(vdb: Database) -> None:
    c = value.comparison(vdb, FY, AS_AT, service_group="Surgery")
    assert c.unsupported.projects == 1 and "only 1 project in" in c.unsupported.reason
    assert c.supported.projects == 0 and not c.supported.comparable


def test_comparison_table_cells(vdb: Database) -> None:
    table = value.comparison_table(value.comparison(vdb, FY, AS_AT)).set_index("Measure")
    assert table.loc["Median milestone slippage", "Supported"] == "+10 days (5 milestones)"
    assert table.loc["Reports Red or Amber/Red", "Not supported"] == "40% (2 of 5 reports)"
    assert table.loc["Highlight-report compliance", "Supported"] == "75% (3 of 4 active)"
    assert table.loc["Cash-releasing benefits realised", "Supported"] == (
        "£15,000 (2 of 5 projects had benefits due)")
    assert table.loc["Benefits realised per project", "Not supported"] == (
        "£400 (over all 5 projects)")


def test_group_with_no_benefits_shows_missing_not_zero(tmp_path: Path) -> None:
    tables = {
        "projects": [_project(f"P{i}") for i in range(5)],
        "service_requests": [_req(f"R{i}", D(2025, 4, 1), "Coaching", "In progress",
                                  start=D(2025, 4, 2), hours=10, project=f"P{i}")
                             for i in range(5)],
    }
    with Database(build_database(tmp_path / "nob.duckdb", tables)) as db:
        c = value.comparison(db, FY, AS_AT)
        s = c.supported
        assert s.comparable and s.benefits_due_projects == 0
        assert s.benefits_realised_gbp is None and s.benefits_per_project_gbp is None
        assert s.on_time_pct is None and s.median_slippage_days is None  # no milestones
        assert s.compliance_pct == 0.0  # five active projects, none reported
        table = value.comparison_table(c).set_index("Measure")
        assert table.loc["Benefits realised per project", "Supported"] == "no benefits due"
        assert table.loc["Milestones on time", "Supported"] == "no data (0 of 0)"
        ret = value.return_statement(db, FY, AS_AT)
        assert ret.benefits_realised_gbp is None and ret.ratio is None
        assert "no return can be stated" in value.return_sentence(ret)


def test_year_not_started_withholds_both(vdb: Database) -> None:
    c = value.comparison(vdb, "2026/27", AS_AT)
    assert not c.supported.comparable and not c.unsupported.comparable
    assert "had not started" in (c.supported.reason or "")


def test_hourly_cost_default_arithmetic() -> None:
    cost = value.afc_band7_hourly_cost()
    assert cost.salary == 50_273  # AfC 2025/26 band 7 middle pay point
    assert cost.employer_ni == pytest.approx(6_790.95)  # 0.15 x (50,273 - 5,000)
    assert cost.employer_pension == pytest.approx(11_914.70)  # 0.237 x 50,273
    assert cost.annual_cost == pytest.approx(68_978.65)
    assert cost.hours_per_year == pytest.approx(1_955.25)  # 37.5 x 52.14
    assert cost.hourly == pytest.approx(35.28)  # 68,978.65 / 1,955.25 = 35.279...
    assert "band 7" in cost.source and "23.7%" in cost.source
    assert "£35.28 an hour" in cost.arithmetic


def test_return_statement(vdb: Database) -> None:
    ret = value.return_statement(vdb, FY, AS_AT, hourly_cost=40.0)
    assert ret.supported_projects == 5
    assert (ret.benefits_due_projects, ret.benefits_realised_gbp) == (2, 15_000)
    # S1 230 + 6, S3 184, S5 122 (S2's coaching ended before the year; S4 has no hours)
    assert ret.support_hours == pytest.approx(542)
    assert ret.support_cost_gbp == pytest.approx(21_680)  # 542 x 40
    assert ret.ratio == pytest.approx(15_000 / 21_680)  # 0.69
    # all hours: + U4 8 + X1 61 (U3 starts after the as-at date)
    assert ret.all_hours == pytest.approx(611)
    assert ret.ratio_all == pytest.approx(15_000 / 24_440)
    assert ret.requests_without_hours == 1  # S4's coaching
    assert any("association, not proof of cause" in c for c in ret.caveats)
    assert any("1 request in the window had no hours" in c for c in ret.caveats)
    assert any("£40.00" in c for c in ret.caveats)
    sentence = value.return_sentence(ret)
    assert "£15,000" in sentence and "£0.69 for every £1" in sentence


def test_return_statement_default_cost_and_bad_cost(vdb: Database) -> None:
    ret = value.return_statement(vdb, FY, AS_AT)
    assert ret.hourly_cost == value.afc_band7_hourly_cost().hourly
    with pytest.raises(ValueError):
        value.return_statement(vdb, FY, AS_AT, hourly_cost=0)


def test_training_reach(vdb: Database) -> None:
    t = value.training_reach(vdb, FY, AS_AT)
    assert list(t["service_group"]) == ["Medicine", "Surgery", "Not recorded"]
    rows = t.set_index("service_group")
    # Medicine: active S1-S4, U1-U4 (S5 closed, X1 pipeline, X4 not started); self-run U1-U4
    assert rows.loc["Medicine", ["active_projects", "self_run_projects"]].tolist() == [8, 4]
    # m1 trained this year (twice), m2 last year; m3 did not attend
    assert rows.loc["Medicine", ["trained_in_year", "trained_to_date"]].tolist() == [1, 2]
    assert rows.loc["Medicine", "trained_per_self_run"] == 0.5
    assert bool(rows.loc["Medicine", "gap"]) is True  # 2 trained < 4 self-run projects
    # Surgery: U5 active and self-run; s1 trained, s2's session is after the as-at date
    assert rows.loc["Surgery", ["active_projects", "self_run_projects", "trained_in_year",
                                "trained_to_date"]].tolist() == [1, 1, 1, 1]
    assert bool(rows.loc["Surgery", "gap"]) is False
    assert rows.loc["Not recorded", ["active_projects", "trained_to_date"]].tolist() == [0, 1]
    assert pd.isna(rows.loc["Not recorded", "trained_per_self_run"])  # no self-run projects
    table = value.training_table(t)
    assert table.loc[0, "Training gap"] == "Fewer trained staff than self-run projects"


def test_training_reach_filtered(vdb: Database) -> None:
    t = value.training_reach(vdb, FY, AS_AT, service_group="surgery")
    assert list(t["service_group"]) == ["Surgery"]


def test_data_dates(vdb: Database) -> None:
    dates = value.data_dates(vdb, D(2030, 1, 1))
    assert dates["highlight report"] == D(2025, 11, 25)
    assert dates["service log"] == D(2025, 11, 5)
    # worked out at a date: nothing after it counts
    earlier = value.data_dates(vdb, D(2025, 11, 10))
    assert earlier["highlight report"] < D(2025, 11, 25) and earlier["service log"] == D(
        2025, 11, 5)
