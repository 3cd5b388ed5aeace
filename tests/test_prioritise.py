"""pmo_data.prioritise on a hand-worked pipeline: raw values, normalisation, weighted scores,
ranking, term-by-term explanation, CSV, and named weightings saved through the store.

Three candidates (A, B Pipeline/Initiation in Medicine; C Pipeline in Surgery) and one project
in Delivery (not a candidate). Normalised scores, worked by hand:

    criterion   A                       B                       C
    shift       1 (Hospital to comm.)   0 (not tagged)          1 (Analogue to digital)
    priority    (5-1)/4 = 1             (5-5)/4 = 0             missing -> 0
    benefit     400k/400k = 1           0 (none cash-releasing) 200k/400k = 0.5
    budget      1 - 100k/100k = 0       1 - 50k/100k = 0.5      missing -> 0
    risk        1 - 26/26 = 0           1 - 0/26 = 1            no RAID entries -> 0
    capacity    1 - 200/200 = 0         1 - 0/200 = 1           1 - 13/200 = 0.935

Equal weights: A 3/6 = 50.0, B 2.5/6 = 41.667, C 2.435/6 = 40.583 -> A, B, C.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pmo_data import prioritise
from pmo_data.db import Database, build_database, insert_rows
from pmo_data.store import Store

D = date


def _project(pid: str, stage: str, group: str, shift: str | None, priority: int | None,
             budget: float | None, pmo_service: str | None) -> dict[str, Any]:
    return {"project_id": pid, "project_name": f"Project {pid}", "service_group": group,
            "stage": stage, "start_date": D(2026, 1, 1), "planned_end_date": D(2027, 1, 1),
            "strategic_shift": shift, "priority": priority, "budget_gbp": budget,
            "pmo_service": pmo_service}


def _risk(rid: str, pid: str, kind: str, status: str, likelihood: int, impact: int
          ) -> dict[str, Any]:
    return {"raid_id": rid, "project_id": pid, "raid_type": kind, "title": rid,
            "status": status, "likelihood": likelihood, "impact": impact}


def _ben(bid: str, pid: str, category: str, target: float) -> dict[str, Any]:
    return {"benefit_id": bid, "project_id": pid, "description": bid, "category": category,
            "target_value": target}


def _req(rid: str, service: str, status: str, hours: float | None,
         project: str | None = None, end: date | None = None) -> dict[str, Any]:
    return {"request_id": rid, "received_date": D(2025, 6, 1), "service": service,
            "service_group": "Medicine", "status": status, "project_id": project,
            "start_date": D(2025, 6, 2), "end_date": end, "hours": hours}


def pipeline_tables() -> dict[str, list[dict[str, Any]]]:
    """The fixture described in the module docstring."""
    return {
        "projects": [
            _project("A", "Pipeline", "Medicine", "Hospital to community", 1, 100_000,
                     "Immersive PM"),
            _project("B", "Initiation", "Medicine", None, 5, 50_000, "Self-managed"),
            _project("C", "Pipeline", "Surgery", "Analogue to digital", None, None, None),
            _project("D", "Delivery", "Medicine", "Analogue to digital", 1, 10, None),
        ],
        "benefits": [
            _ben("B1", "A", "Cash-releasing", 300_000), _ben("B2", "A", "Cash-releasing", 100_000),
            _ben("B3", "B", "Quality", 50), _ben("B4", "C", "Cash-releasing", 200_000),
            _ben("B5", "D", "Cash-releasing", 9_000_000),
        ],
        "raid": [
            _risk("R1", "A", "Risk", "Open", 4, 5),  # 20
            _risk("R2", "A", "Risk", "Open", 2, 3),  # 6 -> A total 26
            _risk("R3", "A", "Risk", "Closed", 5, 5),  # closed: left out
            _risk("R4", "A", "Issue", "Open", 3, 3),  # an issue, not a risk
            _risk("R5", "B", "Risk", "Closed", 5, 5),  # B has RAID entries, no open risk
        ],
        "service_requests": [
            # typical Immersive PM: median of 100, 200, 400 = 200 h
            _req("S1", "Immersive PM", "Closed", 100, end=D(2025, 7, 1)),
            _req("S2", "Immersive PM", "closed", 200, end=D(2025, 7, 1)),
            _req("S3", "Immersive PM", "CLOSED", 400, end=D(2025, 7, 1)),
            # typical Coaching: median of 10, 20 = 15 h
            _req("S4", "Coaching", "Closed", 10, end=D(2025, 7, 1)),
            _req("S5", "Coaching", "Closed", 20, end=D(2025, 7, 1)),
            # C has an open coaching request with 2 h given: needs 15 - 2 = 13 h
            _req("S6", "Coaching", "In progress", 2, project="C"),
            # a declined request for B does not count
            _req("S7", "Immersive PM", "Declined", None, project="B"),
        ],
    }


@pytest.fixture
def db(tmp_path: Path) -> Database:
    with Database(build_database(tmp_path / "p.duckdb", pipeline_tables())) as handle:
        yield handle


def test_candidates_raw_values(db: Database) -> None:
    c = prioritise.candidates(db).set_index("project_id")
    assert list(c.index) == ["A", "B", "C"]  # D is in Delivery
    assert c.loc["A", "benefit_gbp"] == 400_000 and c.loc["A", "cash_benefits"] == 2
    assert c.loc["B", "benefit_gbp"] == 0 and c.loc["B", "cash_benefits"] == 0
    assert (c.loc["A", "open_risk_score"], c.loc["A", "open_risks"]) == (26, 2)
    assert (c.loc["B", "open_risk_score"], c.loc["B", "raid_items"]) == (0, 1)
    assert pd.isna(c.loc["C", "open_risk_score"]) and c.loc["C", "raid_items"] == 0
    assert c.loc["A", "capacity_hours"] == 200
    assert c.loc["A", "capacity_basis"] == "Register says Immersive PM: typical 200 h"
    assert c.loc["B", "capacity_hours"] == 0
    assert c.loc["B", "capacity_basis"] == "No PMO support requested or planned"
    assert c.loc["C", "capacity_hours"] == 13
    assert c.loc["C", "capacity_basis"] == (
        "Open request: Coaching (S6): typical 15 h less 2 h given")


def test_candidates_service_group_filter(db: Database) -> None:
    assert list(prioritise.candidates(db, service_group="MEDICINE")["project_id"]) == ["A", "B"]


def test_unknown_typical_hours_is_missing(tmp_path: Path) -> None:
    tables = pipeline_tables()
    tables["projects"].append(_project("E", "Initiation", "Medicine", None, 3, 1, None))
    tables["service_requests"].append(_req("S8", "Assurance review", "Received", None, "E"))
    with Database(build_database(tmp_path / "e.duckdb", tables)) as handle:
        c = prioritise.candidates(handle).set_index("project_id")
        assert pd.isna(c.loc["E", "capacity_hours"])  # no closed assurance reviews
        r = prioritise.score(c.reset_index(), prioritise.default_weights())
        e = prioritise.explain(r, "E").set_index("Criterion")
        assert e.loc["PMO capacity needed", "Normalised (0-1)"] == 0
        assert e.loc["PMO capacity needed", "Value"].startswith("Not recorded")
        assert r.missing["PMO capacity needed"] == 1


def test_normalised_scores(db: Database) -> None:
    n = prioritise.normalise(prioritise.candidates(db))
    assert n["shift"][1] == [1.0, 0.0, 1.0]
    assert n["priority"][1] == [1.0, 0.0, 0.0] and n["priority"][2] == [False, False, True]
    assert n["benefit"][1] == [1.0, 0.0, 0.5]
    assert n["budget"][1] == [0.0, 0.5, 0.0] and n["budget"][2] == [False, False, True]
    assert n["risk"][1] == [0.0, 1.0, 0.0] and n["risk"][2] == [False, False, True]
    assert n["capacity"][1] == pytest.approx([0.0, 1.0, 0.935])
    assert n["benefit"][0][1] == "No cash-releasing benefit recorded"
    assert n["benefit"][0][0] == "£400,000 (2 cash-releasing benefits)"
    assert n["risk"][0][2] == "Not recorded (no RAID entries)"
    assert n["shift"][0][1] == "Not tagged"


def test_equal_weights_ranking(db: Database) -> None:
    r = prioritise.score(prioritise.candidates(db), prioritise.default_weights())
    assert r.problem is None
    assert list(r.table["project_id"]) == ["A", "B", "C"]
    assert list(r.table["rank"]) == [1, 2, 3]
    assert r.table["score"].tolist() == pytest.approx([50.0, 250 / 6, 243.5 / 6])
    assert r.missing == {"Three-shifts alignment": 0, "Priority": 1,
                         "Cash-releasing benefit target": 0, "Budget": 1,
                         "Open risk score": 1, "PMO capacity needed": 0}


def test_moving_weights_changes_ranking(db: Database) -> None:
    cands = prioritise.candidates(db)
    weights = {**prioritise.default_weights(), "shift": 0, "priority": 0, "benefit": 0}
    r = prioritise.score(cands, weights)
    # A (0+0+0)/3 = 0; B (0.5+1+1)/3 = 83.3; C (0+0+0.935)/3 = 31.2
    assert list(r.table["project_id"]) == ["B", "C", "A"]
    assert r.table["score"].tolist() == pytest.approx([250 / 3, 93.5 / 3, 0.0])
    only_benefit = {c: 0 for c in prioritise.CRITERION_CODES} | {"benefit": 10}
    r = prioritise.score(cands, only_benefit)
    assert r.table["score"].tolist() == pytest.approx([100.0, 50.0, 0.0])
    assert list(r.table["project_id"]) == ["A", "C", "B"]


def test_ties_share_a_rank(db: Database) -> None:
    only_shift = {c: 0 for c in prioritise.CRITERION_CODES} | {"shift": 3}
    r = prioritise.score(prioritise.candidates(db), only_shift)
    assert list(zip(r.table["project_id"], r.table["rank"], strict=True)) == [
        ("A", 1), ("C", 1), ("B", 3)]


def test_all_zero_weights_and_no_candidates(db: Database) -> None:
    zero = dict.fromkeys(prioritise.CRITERION_CODES, 0)
    r = prioritise.score(prioritise.candidates(db), zero)
    assert r.problem and "zero" in r.problem and r.table.empty
    empty = prioritise.candidates(db, service_group="Nowhere")
    r = prioritise.score(empty, prioritise.default_weights())
    assert r.problem and r.table.empty
    assert prioritise.ranking_csv(r) == b""


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError):
        prioritise.clean_weights({"shift": 11})
    with pytest.raises(ValueError):
        prioritise.clean_weights({"risk": -1})
    cleaned = prioritise.clean_weights({"shift": 2, "nonsense": 9})
    assert cleaned["shift"] == 2 and "nonsense" not in cleaned
    assert cleaned["budget"] == prioritise.DEFAULT_WEIGHT


def test_explain_adds_up(db: Database) -> None:
    weights = {**prioritise.default_weights(), "benefit": 10, "risk": 0}
    r = prioritise.score(prioritise.candidates(db), weights)
    e = prioritise.explain(r, "C").set_index("Criterion")
    # total weight 5+5+10+5+0+5 = 30; benefit share 10/30; C's benefit score 0.5 -> 16.67 pts
    assert e.loc["Cash-releasing benefit target", "Weight share"] == pytest.approx(1 / 3)
    assert e.loc["Cash-releasing benefit target", "Contribution (points)"] == pytest.approx(
        100 * 0.5 / 3)
    assert e.loc["Open risk score", "Contribution (points)"] == 0
    assert e.loc["Priority", "Value"] == "Not recorded"
    parts = e.drop(index="Total score")["Contribution (points)"].sum()
    score_c = float(r.table.set_index("project_id").loc["C", "score"])
    assert parts == pytest.approx(score_c)
    assert e.loc["Total score", "Contribution (points)"] == pytest.approx(score_c)
    assert e.loc["Total score", "Weight"] == 30
    # C: shift 5x1 + benefit 10x0.5 + capacity 5x0.935 = 14.675 / 30 x 100
    assert score_c == pytest.approx(1467.5 / 30)
    with pytest.raises(KeyError):
        prioritise.explain(r, "D")


def test_ranking_table_and_csv(db: Database) -> None:
    r = prioritise.score(prioritise.candidates(db), prioritise.default_weights())
    table = prioritise.ranking_table(r)
    assert list(table.columns[:6]) == ["Rank", "Project ID", "Project", "Service group",
                                       "Stage", "Score (0-100)"]
    assert "Risk (pts)" in table.columns
    csv = pd.read_csv(io.BytesIO(prioritise.ranking_csv(r)))
    assert list(csv["Project ID"]) == ["A", "B", "C"]
    assert csv.loc[0, "Score (0-100)"] == 50.0
    assert csv.loc[2, "PMO capacity needed: normalised (0-1)"] == pytest.approx(0.935)
    assert csv.loc[1, "Budget: value"] == "£50,000"
    assert csv.loc[0, "Priority: weight"] == 5
    assert csv.loc[0, "Three-shifts alignment: points"] == pytest.approx(16.67, abs=0.01)


def test_criteria_table_documents_each_rule() -> None:
    t = prioritise.criteria_table()
    assert len(t) == 6
    assert t.set_index("Criterion").loc["Budget", "Better when"] == "lower is better"


# --- saved weightings ----------------------------------------------------------------------


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    tables = pipeline_tables()
    Store(path).write(lambda con: [insert_rows(con, name, rows) for name, rows in tables.items()])
    return path


def _current(path: Path) -> Database:
    version = Store(path).current()
    assert version is not None
    return Database(version.path, version=version.number)


def test_save_and_reload_weighting(store_path: Path) -> None:
    weights = {**prioritise.default_weights(), "benefit": 10, "risk": 0}
    when = datetime(2026, 1, 5, 9, 30)
    version = prioritise.save_weighting(store_path, "  Benefit   first ", weights,
                                        saved_by="ana@example.nhs.uk", now=when)
    assert version == 2  # the fixture was version 1: a new version was published
    with _current(store_path) as db:
        saved = prioritise.saved_weightings(db)
    assert [s.name for s in saved] == ["Benefit first"]
    assert dict(saved[0].weights) == weights
    assert (saved[0].saved_by, saved[0].saved_at) == ("ana@example.nhs.uk", when)
    # the earlier version is untouched: readers of it never see a write
    with Database(Store(store_path).versions()[0].path) as old:
        assert prioritise.saved_weightings(old) == []


def test_saving_the_same_name_replaces(store_path: Path) -> None:
    prioritise.save_weighting(store_path, "Mine", {"shift": 1}, saved_by="a")
    prioritise.save_weighting(store_path, "Mine", {"shift": 9}, saved_by="b")
    prioritise.save_weighting(store_path, "Another", {}, saved_by="b")
    with _current(store_path) as db:
        saved = {s.name: s for s in prioritise.saved_weightings(db)}
    assert set(saved) == {"Mine", "Another"}
    assert saved["Mine"].weights["shift"] == 9 and saved["Mine"].saved_by == "b"
    assert dict(saved["Another"].weights) == prioritise.default_weights()


def test_save_refuses_bad_input(store_path: Path) -> None:
    with pytest.raises(ValueError):
        prioritise.save_weighting(store_path, "   ", {})
    with pytest.raises(ValueError):
        prioritise.save_weighting(store_path, "x" * 81, {})
    with pytest.raises(ValueError):
        prioritise.save_weighting(store_path, "Too heavy", {"shift": 50})
    assert Store(store_path).current().number == 1  # nothing was published
