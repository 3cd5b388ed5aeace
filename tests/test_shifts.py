"""pmo_data.shifts: per shift, projects by stage and RAG, benefits, and the monthly trend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pmo_data import shifts
from pmo_data.db import Database, build_database

AT = date(2026, 3, 15)  # last complete month: February 2026


def _p(pid: str, shift: str | None, stage: str = "Delivery", start: date = date(2025, 1, 1),
       group: str = "Medicine") -> dict:
    return {"project_id": pid, "project_name": pid, "service_group": group, "stage": stage,
            "start_date": start, "planned_end_date": date(2027, 1, 1), "strategic_shift": shift}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    projects = [
        _p("H1", "Hospital to community"), _p("H2", "Hospital to community"),
        _p("H3", "Hospital to community", stage="Closed"),
        _p("H4", "Hospital to community", stage="Cancelled"),  # left out
        _p("H5", "Hospital to community", start=date(2026, 3, 20)),  # not started by AT
        _p("D1", "Analogue to digital", group="Surgery"),
        _p("N1", None),
    ]
    reports = [
        {"project_id": "H1", "report_date": date(2026, 1, 31), "overall_rag": "Green"},
        {"project_id": "H1", "report_date": date(2026, 2, 28), "overall_rag": "Red"},
        {"project_id": "H2", "report_date": date(2026, 1, 31), "overall_rag": "Amber/Red"},
        {"project_id": "H2", "report_date": date(2026, 3, 31), "overall_rag": "Green"},  # later
        {"project_id": "D1", "report_date": date(2026, 2, 1), "overall_rag": "Amber"},
    ]
    benefits = [
        {"benefit_id": "B1", "project_id": "H1", "description": "x", "category":
         "Cash-releasing", "target_value": 100.0, "realised_value": 100.0},  # realised
        {"benefit_id": "B2", "project_id": "H2", "description": "y", "category":
         "Cash-releasing", "target_value": 300.0, "realised_value": 50.0},
        {"benefit_id": "B3", "project_id": "D1", "description": "z", "category": "Quality",
         "target_value": 5.0, "unit": "score"},
    ]
    return Database(build_database(tmp_path / "s.duckdb", {
        "projects": projects, "status_reports": reports, "benefits": benefits}))


def test_by_stage_and_rag(db: Database) -> None:
    v = shifts.shift_view(db, AT)
    assert v.shifts == ("Hospital to community", "Sickness to prevention",
                        "Analogue to digital", "No shift recorded")
    h = v.by_stage_rag[v.by_stage_rag["strategic_shift"] == "Hospital to community"]
    got = {(s, r): n for s, r, n in zip(h["stage"], h["overall_rag"], h["projects"],
                                        strict=True)}
    # H4 Cancelled and H5 (starts after AT) left out; H2's 31 March report is after AT
    assert got == {("Delivery", "Red"): 1, ("Delivery", "Amber/Red"): 1,
                   ("Closed", "Not reported"): 1}
    assert v.sentence("Hospital to community") == (
        "3 projects (2 active), 2 active Red or Amber/Red; 1 of 2 benefits realised.")
    assert v.sentence("Sickness to prevention") == (
        "0 projects (0 active), 0 active Red or Amber/Red; 0 of 0 benefits realised.")


def test_benefits_in_pounds_only(db: Database) -> None:
    b = shifts.shift_view(db, AT).benefits.set_index("strategic_shift")
    assert (b.loc["Hospital to community", "target_value"],
            b.loc["Hospital to community", "realised_value"]) == (400.0, 150.0)
    assert b.loc["Analogue to digital", "benefits"] == 1  # counted, but not in pounds
    assert str(b.loc["Analogue to digital", "target_value"]) == "nan"


def test_benefits_table_whole_pounds_and_missing_values() -> None:
    import pandas as pd

    benefits = pd.DataFrame({
        "strategic_shift": ["Hospital to community", "Analogue to digital"],
        "benefits": [2, 1], "benefits_realised": [1, 0],
        "target_value": [1200.4, float("nan")], "realised_value": [154660.67, float("nan")],
        "realised_pct": [12.9, float("nan")]})
    view = shifts.ShiftView(AT, shifts.SHIFTS, pd.DataFrame(), benefits, pd.DataFrame())
    t = shifts.benefits_table(view).set_index("Strategic shift")
    assert list(t.index) == list(shifts.SHIFTS)
    assert (t.loc["Hospital to community", "Planned (£)"],
            t.loc["Hospital to community", "Realised (£)"]) == (1200.0, 154661.0)
    assert t.loc["Sickness to prevention", "Benefits planned"] == 0  # a count: 0, not blank
    assert t.loc["Analogue to digital", ["Planned (£)", "Realised %"]].isna().all()


def test_trend_month_ends_and_service_group(db: Database) -> None:
    t = shifts.shift_view(db, AT, months=2).trend
    h = t[t["strategic_shift"] == "Hospital to community"]
    assert [d.date() for d in h["month_end"]] == [date(2026, 1, 31), date(2026, 2, 28)]
    # 31 Jan: H1 Green, H2 Amber/Red -> 1; 28 Feb: H1 Red, H2 Amber/Red -> 2
    assert list(h["active"]) == [2, 2] and list(h["red_or_amber_red"]) == [1, 2]
    surgery = shifts.shift_view(db, AT, "surgery")
    assert set(surgery.by_stage_rag["strategic_shift"]) == {"Analogue to digital"}
    assert surgery.shifts == shifts.SHIFTS  # no unrecorded shift in Surgery
