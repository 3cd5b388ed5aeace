"""pmo_data.exceptions: who is Red or Amber/Red, why, how late, and what changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmo_data import exceptions as ex
from pmo_data.db import Database, build_database

AT = date(2026, 3, 31)  # previous report date: 28 February 2026


def _project(pid: str, **kw) -> dict:
    row = {"project_id": pid, "project_name": f"Name {pid}", "service_group": "Medicine",
           "stage": "Delivery", "start_date": date(2025, 1, 1),
           "planned_end_date": date(2026, 6, 30), "sro": f"SRO {pid}"}
    row.update(kw)
    return row


@pytest.fixture
def db(tmp_path: Path) -> Database:
    projects = [
        _project("A", forecast_end_date=date(2026, 7, 30)),  # Red, 30 days late
        _project("B", forecast_end_date=date(2026, 9, 28)),  # Red, 90 days late
        _project("C"),  # Red, no forecast: slippage missing, last of the Reds
        _project("D", stage="On hold", forecast_end_date=date(2027, 6, 30)),  # Amber/Red
        _project("E", actual_end_date=date(2026, 2, 1), stage="Closed"),  # closed: left out
        _project("F", stage="Pipeline"),  # not started: left out
        _project("G"),  # Green: left out
        _project("H", service_group="Surgery"),  # Amber/Red, other group
        _project("I"),  # Red only after the evaluation date
    ]

    def rep(pid, day, rag, summary=None):
        return {"project_id": pid, "report_date": day, "overall_rag": rag, "summary": summary}

    reports = [
        rep("A", date(2026, 2, 27), "Amber", "supplier late"),
        rep("A", date(2026, 3, 27), "Red", "  recruitment stalled  "),
        rep("B", date(2026, 2, 27), "Red", "estates"),
        rep("B", date(2026, 3, 20), "Red", ""),  # blank: the earlier summary is the reason
        rep("C", date(2026, 3, 15), "Red"),  # no report by 28 Feb; no summary at all
        rep("D", date(2026, 1, 31), "Red", "paused"),
        rep("D", date(2026, 3, 1), "Amber/Red", "paused for funding"),
        rep("E", date(2026, 3, 1), "Red", "closed"),
        rep("F", date(2026, 3, 1), "Red", "pipeline"),
        rep("G", date(2026, 3, 1), "Green", "fine"),
        rep("H", date(2026, 3, 1), "Amber/Red", "surgery"),
        rep("I", date(2026, 3, 1), "Green"), rep("I", date(2026, 4, 2), "Red", "later"),
    ]
    return Database(build_database(tmp_path / "x.duckdb", {"projects": projects,
                                                            "status_reports": reports}))


def test_population_order_and_columns(db: Database) -> None:
    got = ex.exceptions(db, AT)
    t = got.table.set_index("project_id")
    # Red by slippage (B 90, A 30, C missing), then Amber/Red (D 365 days late, H missing)
    assert list(got.table["project_id"]) == ["B", "A", "C", "D", "H"]
    assert (got.red, got.amber_red, got.on_hold) == (3, 2, 1)
    assert got.previous == date(2026, 2, 28)
    assert t.loc["A", "reason"] == "recruitment stalled"
    assert (t.loc["B", "reason"], t.loc["B", "reason_date"].date()) == ("estates",
                                                                        date(2026, 2, 27))
    assert pd.isna(t.loc["C", "reason"])
    assert (t.loc["B", "slippage_days"], t.loc["A", "slippage_days"]) == (90, 30)
    assert str(t.loc["C", "slippage_days"]) == "<NA>"
    assert t.loc["A", "days_since_report"] == 4
    assert t.loc["A", "sro"] == "SRO A"
    assert t.loc["A", "link"] == "portfolio?project=A"
    assert t.loc["A", "change"] == "Worse (Amber to Red)"
    assert t.loc["B", "change"] == "No change"
    assert t.loc["C", "change"] == "New (no report by 28 Feb 2026)"
    assert t.loc["D", "change"] == "Better (Red to Amber/Red)"
    assert got.summary == ("3 Red and 2 Amber/Red projects at 31 Mar 2026 (1 On hold); "
                           "change since the previous report, 28 Feb 2026.")


def test_service_group_and_date(db: Database) -> None:
    assert list(ex.exceptions(db, AT, " surgery").table["project_id"]) == ["H"]
    later = ex.exceptions(db, date(2026, 4, 30), "Medicine").table
    assert "I" in set(later["project_id"])


def test_none(empty_db: Database) -> None:
    got = ex.exceptions(empty_db, AT)
    assert got.table.empty and got.summary == "No Red or Amber/Red projects at 31 Mar 2026."
