"""Unit tests of pmo_data.governance on tiny hand-worked fixtures (answers worked by hand)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmo_data import governance as gov
from pmo_data.db import Database, build_database


def _db(tmp_path: Path, name: str, tables: dict) -> Database:
    return Database(build_database(tmp_path / f"{name}.duckdb", tables))


def _project(pid: str, **kw) -> dict:
    row = {"project_id": pid, "project_name": f"Name {pid}", "service_group": "Medicine",
           "stage": "Delivery", "start_date": date(2025, 1, 1),
           "planned_end_date": date(2026, 12, 31)}
    row.update(kw)
    return row


def _nan(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --- benefits ---------------------------------------------------------------------------

AS_AT = date(2026, 3, 1)


@pytest.fixture
def benefits_db(tmp_path: Path) -> Database:
    projects = [
        _project("P1", project_name="Alpha", strategic_shift="Analogue to digital"),
        _project("P2", project_name="Beta", service_group="Surgery"),
    ]
    b = dict(measure="m", owner="O", baseline_value=0.0)
    benefits = [
        # cash-releasing, 40% realised, target date in FY 2025/26
        dict(b, benefit_id="B1", project_id="P1", description="d", category="Cash-releasing",
             target_value=1000, realised_value=400, target_date=date(2025, 6, 30),
             status="On track", unit="£"),
        # cash-releasing, no unit (means £), no baseline/measure/owner; 31 March = 2025/26
        dict(benefit_id="B2", project_id="P1", description="d", category="Cash-releasing",
             target_value=3000, target_date=date(2026, 3, 31)),
        # "GBP" unit is £; realised by status; 1 April = 2026/27
        dict(b, benefit_id="B3", project_id="P2", description="d", category="Cash-releasing",
             target_value=500, realised_value=500, target_date=date(2026, 4, 1),
             status="Realised", unit="GBP"),
        # a reduction 20 -> 10, now 15: (15 - 20) / (10 - 20) = 50% realised; overdue
        dict(b, benefit_id="B4", project_id="P2", description="d", category="Quality",
             target_value=10, baseline_value=20, realised_value=15, unit="%",
             target_date=date(2025, 12, 1), status="On track"),
        # a reduction 10 -> 5, now 4: (4 - 10) / (5 - 10) = 120%: realised by value
        dict(b, benefit_id="B5", project_id="P1", description="d", category="Safety",
             target_value=5, baseline_value=10, realised_value=4, unit="incidents",
             target_date=date(2025, 9, 1), status="Partially realised"),
        # withdrawn, no target date
        dict(b, benefit_id="B6", project_id="P2", description="d", category="Societal",
             target_value=100, unit="people", status="Withdrawn"),
        # project missing from the register
        dict(b, benefit_id="B7", project_id="P9", description="d", category="Cash-releasing",
             target_value=200, realised_value=50, unit="£"),
    ]
    return _db(tmp_path, "benefits", {"projects": projects, "benefits": benefits})


def test_benefits_by_category_sums_only_pounds_and_counts_every_unit(benefits_db):
    got = gov.benefits_by(benefits_db, "category").set_index("group")
    # Cash-releasing: B1 1000 + B2 3000 + B3 500 + B7 200 = 4700 planned;
    # realised 400 + 500 + 50 = 950 (B2 has none) -> 950 / 4700 = 20.2%; realised count: B3
    cash = got.loc["Cash-releasing"]
    assert (cash["benefits"], cash["benefits_realised"]) == (4, 1)
    assert (cash["target_value"], cash["realised_value"], cash["realised_pct"]) == (
        4700, 950, 20.2)
    # non-pound categories: counted, never summed
    assert got.loc["Safety", "benefits_realised"] == 1  # B5 at 120%
    assert got.loc["Quality", "benefits_realised"] == 0  # B4 at 50%
    assert _nan(got.loc["Quality", "target_value"])
    assert list(got.index) == ["Cash-releasing", "Quality", "Safety", "Societal"]


def test_benefits_by_service_group_and_project(benefits_db):
    got = gov.benefits_by(benefits_db, "service_group").set_index("group")
    # Medicine = P1: B1, B2, B5 -> £4000 planned, £400 realised = 10%
    assert tuple(got.loc["Medicine", ["benefits", "benefits_realised", "target_value",
                                      "realised_value", "realised_pct"]]) == (3, 1, 4000, 400,
                                                                              10.0)
    # Surgery = P2: B3, B4, B6 -> £500 of £500 = 100%
    assert got.loc["Surgery", "realised_pct"] == 100.0
    # B7's project is not in the register: shown, not dropped
    assert got.loc["Project not in register", "target_value"] == 200
    assert list(got.index) == ["Medicine", "Surgery", "Project not in register"]
    by_project = gov.benefits_by(benefits_db, "project")
    assert list(by_project["group"])[:2] == ["P1 Alpha", "P2 Beta"]
    with pytest.raises(ValueError):
        gov.benefits_by(benefits_db, "owner")


def test_service_group_filter_ignores_case_and_spaces(benefits_db):
    got = gov.benefits_by(benefits_db, "category", service_group=" medicine ")
    # P1 only: B1, B2 cash; B5 safety. B7 (no project) is not in any group.
    assert dict(zip(got["group"], got["benefits"], strict=True)) == {
        "Cash-releasing": 2, "Safety": 1}


def test_cash_releasing_by_fy_uses_april_to_march(benefits_db):
    got = gov.cash_releasing_by_fy(benefits_db)
    # B1 30/06/2025 and B2 31/03/2026 -> 2025/26; B3 01/04/2026 -> 2026/27; B7 undated last
    assert list(got["financial_year"]) == ["2025/26", "2026/27", "No target date"]
    assert list(got["benefits"]) == [2, 1, 1]
    assert list(got["target_value"]) == [4000, 500, 200]
    assert list(got["realised_value"]) == [400, 500, 50]


def test_benefits_map_links_shift_project_category(benefits_db):
    got = gov.benefits_map(benefits_db)
    rows = [tuple(r) for r in got[["strategic_shift", "project_id", "category", "benefits",
                                   "target_value"]].itertuples(index=False)]
    assert rows == [("Analogue to digital", "P1", "Cash-releasing", 2, 4000),
                    ("No shift recorded", "P2", "Cash-releasing", 1, 500),
                    ("No shift recorded", "P9", "Cash-releasing", 1, 200)]
    assert got.loc[got["project_id"] == "P9", "project_name"].iloc[0] == "P9"
    everything = gov.benefits_map(benefits_db, unit=None)
    assert everything["benefits"].sum() == 7


def test_hygiene_missing_fields(benefits_db):
    got = gov.benefits_missing_fields(benefits_db)
    assert dict(zip(got["benefit_id"], got["missing"], strict=True)) == {
        "B2": "baseline, measure, owner", "B6": "target date", "B7": "target date"}


def test_overdue_benefits_leave_out_realised_and_withdrawn(benefits_db):
    got = gov.benefits_overdue(benefits_db, as_at=AS_AT)
    # B1: 30/06/2025 -> 01/03/2026 = 1 (to 1 Jul) + 31+31+30+31+30+31+31+28 = 244 days
    # B4: 01/12/2025 -> 01/03/2026 = 31 + 31 + 28 = 90 days. B5 realised by value (120%).
    assert list(got["benefit_id"]) == ["B1", "B4"]
    assert list(got["days_past_target"]) == [244, 90]


def test_register_realised_pct_and_filters(benefits_db):
    got = gov.benefits_register(benefits_db).set_index("benefit_id")
    assert got.loc["B1", "realised_pct"] == 40.0
    assert got.loc["B4", "realised_pct"] == 50.0
    assert got.loc["B5", "realised_pct"] == 120.0
    assert got.loc["B7", "realised_pct"] == 25.0  # (50 - 0) / (200 - 0)
    assert _nan(got.loc["B2", "realised_pct"])
    assert got.loc["B2", "unit"] == "£" and got.loc["B3", "unit"] == "£"
    assert list(gov.benefits_register(benefits_db, category="Quality")["benefit_id"]) == ["B4"]
    assert list(gov.benefits_register(benefits_db, project_id="P2")["benefit_id"]) == [
        "B3", "B4", "B6"]
    assert list(gov.benefits_register(benefits_db, status="Realised")["benefit_id"]) == ["B3"]


def test_benefit_options_and_totals(benefits_db):
    options = gov.benefit_options(benefits_db)
    assert options.categories == ("Cash-releasing", "Quality", "Safety", "Societal")
    assert options.units == ("£", "%", "incidents", "people")
    assert options.projects == ("P1", "P2", "P9")
    totals = gov.benefit_totals(benefits_db, as_at=AS_AT)
    assert totals == gov.BenefitTotals(benefits=7, realised=2, cash_target=4700.0,
                                       cash_realised=950.0, overdue=2)


def test_empty_register_gives_missing_not_zero(tmp_path: Path):
    db = _db(tmp_path, "empty", {})
    totals = gov.benefit_totals(db, as_at=AS_AT)
    assert totals.cash_target is None and totals.cash_realised is None
    assert gov.benefits_by(db).empty


# --- risks and issues -------------------------------------------------------------------

RISK_AS_AT = date(2026, 2, 25)


@pytest.fixture
def raid_db(tmp_path: Path) -> Database:
    projects = [_project("P1", project_name="Alpha"),
                _project("P2", project_name="Beta", service_group="Surgery")]

    def item(rid, pid, kind, status, **kw):
        return {"raid_id": rid, "project_id": pid, "raid_type": kind, "title": f"t{rid}",
                "status": status, **kw}

    raid = [
        item("R1", "P1", "Risk", "Open", likelihood=5, impact=4, raised_date=date(2025, 11, 10),
             review_date=date(2026, 2, 1)),
        item("R2", "P1", "Risk", "Open", likelihood=5, impact=4, raised_date=date(2025, 12, 5)),
        item("R3", "P2", "Risk", "Open", likelihood=2, impact=3, raised_date=date(2026, 1, 20),
             review_date=date(2026, 3, 15)),
        item("R4", "P2", "Risk", "Open", impact=3, raised_date=date(2026, 2, 10),
             review_date=date(2026, 2, 20)),
        item("R5", "P1", "Risk", "Closed", likelihood=5, impact=5,
             raised_date=date(2025, 10, 1), closed_date=date(2026, 1, 15)),
        item("I1", "P1", "Issue", "Open", raised_date=date(2025, 12, 20),
             review_date=date(2026, 1, 31)),
        item("I2", "P2", "Issue", "Closed", raised_date=date(2025, 11, 1),
             closed_date=date(2025, 12, 10)),
        item("I3", "P2", "Issue", "Closed", raised_date=date(2026, 1, 5)),  # closed, undated
        item("A1", "P9", "Assumption", "Open"),  # no raised date, unknown project
    ]
    return _db(tmp_path, "raid", {"projects": projects, "raid": raid})


def test_risk_matrix_counts_open_scored_risks(raid_db):
    matrix = gov.risk_matrix(raid_db)
    cells = matrix.cells.set_index(["likelihood", "impact"])
    assert len(cells) == 25
    assert cells.loc[(5, 4), "count"] == 2  # R1, R2 (R5 closed)
    assert cells.loc[(5, 4), "score"] == 20
    assert cells.loc[(2, 3), "count"] == 1  # R3
    assert matrix.total == 3
    assert matrix.unscored == 1  # R4 has no likelihood
    surgery = gov.risk_matrix(raid_db, service_group="Surgery")
    assert (surgery.total, surgery.unscored) == (1, 1)


def test_open_risks_order_cell_and_limit(raid_db):
    assert list(gov.open_risks(raid_db)["raid_id"]) == ["R1", "R2", "R3", "R4"]
    assert list(gov.open_risks(raid_db, likelihood=5, impact=4)["raid_id"]) == ["R1", "R2"]
    assert list(gov.open_risks(raid_db, likelihood=2)["raid_id"]) == ["R3"]
    assert list(gov.open_risks(raid_db, limit=1)["raid_id"]) == ["R1"]
    top = gov.open_risks(raid_db).set_index("raid_id")
    assert top.loc["R1", "score"] == 20 and _nan(top.loc["R4", "score"])


def test_past_review_and_totals(raid_db):
    got = gov.raid_past_review(raid_db, as_at=RISK_AS_AT)
    # I1 31/01 (25 days), R1 01/02 (24 days), R4 20/02 (5 days); R3 is due 15/03
    assert list(got["raid_id"]) == ["I1", "R1", "R4"]
    assert list(got["days_past_review"]) == [25, 24, 5]
    assert gov.raid_totals(raid_db, as_at=RISK_AS_AT) == gov.RaidTotals(
        open_risks=4, very_high_risks=2, unscored_risks=1, open_issues=1, past_review=3)


def test_issues_by_project_and_group(raid_db):
    by_project = gov.issues_by(raid_db, "project")
    assert [tuple(r) for r in by_project.itertuples(index=False)] == [
        ("P1 Alpha", 1, 0), ("P2 Beta", 0, 2)]
    by_group = gov.issues_by(raid_db, "service_group").set_index("group")
    assert tuple(by_group.loc["Surgery"]) == (0, 2)
    with pytest.raises(ValueError):
        gov.issues_by(raid_db, "owner")


def test_raid_trend_months(raid_db):
    trend = gov.raid_trend(raid_db, as_at=RISK_AS_AT, months=3)
    t = trend.table
    assert [d.strftime("%Y-%m") for d in pd.to_datetime(t["month"])] == [
        "2025-12", "2026-01", "2026-02"]
    # Dec: raised R2, I1; closed I2; open at 31/12: R1, R2, R5 (closes 15/01), I1
    # Jan: raised R3; closed R5; open R1, R2, R3, I1
    # Feb (to 25/02): raised R4; open R1, R2, R3, R4, I1. I3 (closed, no date) and A1
    # (no raised date) are left out and counted.
    assert list(t["raised"]) == [2, 1, 1]
    assert list(t["closed_in_month"]) == [1, 1, 0]
    assert list(t["open_at_month_end"]) == [4, 4, 5]
    assert (trend.undated_closed, trend.undated_raised) == (1, 1)
    risks = gov.raid_trend(raid_db, as_at=RISK_AS_AT, raid_type="Risk", months=3).table
    assert list(risks["open_at_month_end"]) == [3, 3, 4]


# --- RAG integrity ----------------------------------------------------------------------

INTEGRITY_AS_AT = date(2026, 3, 31)


@pytest.fixture
def integrity_db(tmp_path: Path) -> Database:
    projects = [_project(p) for p in ("G1", "G2", "G3", "G4", "G5", "G7", "G8", "G9")]
    projects += [_project("G6", stage="Closed"), _project("G10", service_group="Surgery")]

    def rep(pid, day, rag):
        return {"project_id": pid, "report_date": day, "overall_rag": rag}

    reports = [
        rep("G1", date(2026, 3, 15), "Green"),
        rep("G2", date(2026, 3, 15), "Green"),
        rep("G3", date(2026, 2, 27), "Amber/Green"),  # 32 days old
        rep("G4", date(2026, 2, 28), "Green"),  # 31 days old: within the limit
        rep("G5", date(2026, 1, 1), "Red"),
        rep("G6", date(2026, 3, 15), "Green"),
        rep("G7", date(2026, 2, 1), "Red"),
        rep("G7", date(2026, 3, 20), "Green"),
        rep("G7", date(2026, 4, 5), "Red"),  # after the as-at date: ignored
        rep("G8", date(2026, 1, 15), "Green"),  # 75 days old
        rep("G10", date(2026, 1, 31), "Green"),  # 59 days old
    ]

    def ms(pid, baseline, actual=None):
        return {"project_id": pid, "milestone": f"m-{pid}-{baseline}",
                "baseline_date": baseline, "actual_date": actual}

    milestones = [
        ms("G1", date(2026, 2, 28)),  # 31 days past baseline: flagged
        ms("G2", date(2026, 3, 1)),  # exactly 30: not flagged
        ms("G2", date(2026, 1, 1), date(2026, 1, 5)),  # achieved
        ms("G5", date(2025, 12, 1)),  # Red project: not flagged
        ms("G6", date(2025, 12, 1)),  # closed project: not flagged
        ms("G7", date(2026, 1, 1), date(2026, 4, 10)),  # achieved after as-at: 89 days
        ms("G8", date(2026, 1, 31)),  # 59 days
        ms("G9", date(2025, 12, 1)),  # no report: not flagged
    ]
    return _db(tmp_path, "integrity", {"projects": projects, "status_reports": reports,
                                       "milestones": milestones})


def test_rag_integrity_defaults(integrity_db):
    got = gov.rag_integrity(integrity_db, INTEGRITY_AS_AT)
    # worst overdue first (G7 89, G8 59, G1 31), then stale reports by age (G10 59, G3 32)
    assert list(got["project_id"]) == ["G7", "G8", "G1", "G10", "G3"]
    row = got.set_index("project_id").loc["G8"]
    assert (row["overdue_milestones"], row["worst_overdue_days"], row["report_age_days"]) == (
        1, 59, 75)
    assert bool(row["milestone_flag"]) and bool(row["stale_report_flag"])
    assert row["reasons"] == (
        "1 milestone more than 30 days past baseline with no actual date (worst 59 days); "
        "latest report is 75 days old (limit 31)")
    g3 = got.set_index("project_id").loc["G3"]
    assert g3["reasons"] == "latest report is 32 days old (limit 31)"
    assert g3["overall_rag"] == "Amber/Green"


def test_rag_integrity_thresholds_are_settings(integrity_db):
    # milestones must be more than 60 days late: only G7 (89); stale G8, G10, G3 remain
    got = gov.rag_integrity(integrity_db, INTEGRITY_AS_AT, milestone_overdue_days=60)
    assert list(got["project_id"]) == ["G7", "G8", "G10", "G3"]
    # reports may be 60 days old: only G8 (75) is stale; milestone flags G7, G8, G1
    got = gov.rag_integrity(integrity_db, INTEGRITY_AS_AT, report_max_age_days=60)
    assert list(got["project_id"]) == ["G7", "G8", "G1"]
    assert list(gov.rag_integrity(integrity_db, INTEGRITY_AS_AT,
                                  service_group="surgery")["project_id"]) == ["G10"]


@pytest.fixture
def watermelon_db(tmp_path: Path) -> Database:
    """Each rule at its threshold (not flagged) and one over (flagged); reports are fresh."""
    planned = date(2026, 12, 31)
    projects = [
        _project("E30", forecast_end_date=date(2027, 1, 30)),  # 30 days late: at the limit
        _project("E31", forecast_end_date=date(2027, 1, 31)),  # 31 days late: flagged
        _project("EAR", forecast_end_date=date(2026, 11, 1)),  # early: never flagged
        _project("M30"), _project("M31"),
        _project("R0"), _project("R1"), _project("R2"),
        _project("RED", forecast_end_date=date(2028, 1, 1)),  # Red report: not a watermelon
    ]
    reports = [{"project_id": p["project_id"], "report_date": date(2026, 3, 20),
                "overall_rag": "Red" if p["project_id"] == "RED" else "Green"}
               for p in projects]
    baseline = date(2026, 9, 1)  # after the as-at date: only the forecast can make it late
    milestones = [
        {"project_id": "M30", "milestone": "m", "baseline_date": baseline,
         "forecast_date": date(2026, 10, 1)},  # 30 days
        {"project_id": "M31", "milestone": "m", "baseline_date": baseline,
         "forecast_date": date(2026, 10, 2)},  # 31 days
        {"project_id": "M30", "milestone": "done", "baseline_date": date(2026, 1, 1),
         "forecast_date": date(2026, 6, 1), "actual_date": date(2026, 3, 1)},  # achieved
    ]

    def risk(rid, pid, likelihood, impact, status="Open", raised=date(2026, 1, 1)):
        return {"raid_id": rid, "project_id": pid, "raid_type": "Risk", "title": rid,
                "status": status, "likelihood": likelihood, "impact": impact,
                "raised_date": raised}

    raid = [
        risk("A", "R0", 4, 3),  # 12: not very high
        risk("B", "R0", 5, 3, status="Closed"),  # closed
        risk("C", "R0", 5, 5, raised=date(2026, 4, 1)),  # raised after the as-at date
        risk("D", "R1", 5, 3),  # 15: very high
        risk("E", "R2", 5, 4), risk("F", "R2", 3, 5),  # two very high
        risk("G", "RED", 5, 5),
    ]
    for p in projects:
        p["planned_end_date"] = planned
    return _db(tmp_path, "watermelon", {"projects": projects, "status_reports": reports,
                                        "milestones": milestones, "raid": raid})


def test_rag_integrity_rule_boundaries(watermelon_db):
    got = gov.rag_integrity(watermelon_db, INTEGRITY_AS_AT).set_index("project_id")
    # worst slip first: E31 and M31 (31 each, by ID), then R2 (2 risks), R1 (1 risk)
    assert list(got.index) == ["E31", "M31", "R2", "R1"]
    assert got.loc["E31", "rules"] == "Forecast end late"
    assert got.loc["E31", "reasons"] == "forecast end 31 days past the planned end (limit 30)"
    assert got.loc["M31", "rules"] == "Milestone late"
    assert got.loc["M31", "reasons"] == (
        "1 milestone more than 30 days past baseline with no actual date (worst 31 days)")
    assert got.loc["R1", "rules"] == "Very high risks open"
    assert got.loc["R1", "reasons"] == "1 very high risk open (limit 0)"
    assert got.loc["R2", "reasons"] == "2 very high risks open (limit 0)"
    assert not got.loc["E31", "milestone_flag"] and bool(got.loc["R2", "risk_flag"])


def test_rag_integrity_rule_thresholds_move(watermelon_db):
    def flagged(**kw):
        return sorted(gov.rag_integrity(watermelon_db, INTEGRITY_AS_AT, **kw)["project_id"])

    assert flagged(forecast_end_days=31) == ["M31", "R1", "R2"]  # 31 is not over 31
    assert flagged(forecast_end_days=29) == ["E30", "E31", "M31", "R1", "R2"]
    assert flagged(milestone_overdue_days=31) == ["E31", "R1", "R2"]
    assert flagged(milestone_overdue_days=29) == ["E31", "M30", "M31", "R1", "R2"]
    assert flagged(very_high_risks_allowed=1) == ["E31", "M31", "R2"]  # 1 is not over 1
    assert flagged(very_high_risks_allowed=2) == ["E31", "M31"]
    # several rules at once: a stale report too
    both = gov.rag_integrity(watermelon_db, date(2026, 4, 30)).set_index("project_id")
    assert both.loc["E31", "rules"] == "Forecast end late; Stale report"


# --- portfolio history ------------------------------------------------------------------

D1, D2 = date(2026, 1, 31), date(2026, 2, 28)


@pytest.fixture
def history_db(tmp_path: Path) -> Database:
    projects = [
        _project("H1", planned_end_date=date(2026, 6, 30), forecast_end_date=date(2026, 8, 29)),
        _project("H2", planned_end_date=date(2026, 6, 30), forecast_end_date=date(2026, 6, 30)),
        _project("H3"),
        _project("H4"),
        _project("H5", stage="Initiation", start_date=date(2026, 2, 10)),
        _project("H6", stage="Closed", planned_end_date=date(2026, 3, 31),
                 actual_end_date=date(2026, 2, 20), forecast_end_date=date(2026, 1, 1)),
        _project("H7", stage="Pipeline", start_date=date(2026, 2, 1)),
        _project("H8"),
        _project("H9", planned_end_date=date(2026, 12, 31), forecast_end_date=date(2026, 12, 1)),
    ]

    def rep(pid, day, rag):
        return {"project_id": pid, "report_date": day, "overall_rag": rag}

    reports = [
        rep("H1", D1, "Green"), rep("H1", D2, "Red"),
        rep("H2", D1, "Red"), rep("H2", D2, "Amber"),
        rep("H3", D1, "Red"), rep("H3", D2, "Red"),
        rep("H4", date(2026, 1, 15), "Green"),
        rep("H5", D2, "Amber"),
        rep("H6", D1, "Green"),
        rep("H8", D1, "Red"), rep("H8", D2, "Not reported"),
        rep("H9", date(2025, 12, 31), "Amber/Red"), rep("H9", D2, "Green"),
    ]

    def ms(pid, name, baseline, actual=None):
        return {"project_id": pid, "milestone": name, "baseline_date": baseline,
                "actual_date": actual}

    milestones = [
        ms("H1", "M1", date(2026, 2, 10)),
        ms("H1", "M2", date(2026, 2, 20), date(2026, 3, 5)),  # achieved after D2
        ms("H2", "M3", date(2026, 1, 20)),  # already overdue at D1
        ms("H3", "M4", date(2026, 2, 15), date(2026, 2, 14)),  # achieved
    ]
    return _db(tmp_path, "history", {"projects": projects, "status_reports": reports,
                                     "milestones": milestones})


def test_reporting_dates_and_default_comparison(history_db):
    assert gov.reporting_dates(history_db) == [D2, D1, date(2026, 1, 15), date(2025, 12, 31)]
    # the previous report date (one calendar month earlier) and the as-at date, as on the
    # Overview and in the board pack
    assert gov.default_comparison(history_db, as_at=D2) == (date(2026, 1, 28), D2)
    assert gov.default_comparison(history_db, as_at=date(2026, 3, 31)) == (
        date(2026, 2, 28), date(2026, 3, 31))
    assert gov.default_comparison(history_db, as_at=date(2026, 2, 10)) == (
        date(2026, 1, 10), date(2026, 2, 10))
    assert gov.default_comparison(history_db, as_at=D2, service_group="Nowhere") is None


def test_portfolio_diff(history_db):
    diff = gov.portfolio_diff(history_db, D1, D2)
    changes = diff.rag_changes
    # by RAG at D2 (worst first, Not reported last): H1 Red, H2 Amber, H5 Amber, H9 Green, H8
    assert list(changes["project_id"]) == ["H1", "H2", "H5", "H9", "H8"]
    assert list(changes["change"]) == ["Worse", "Better", "Changed", "Better", "Changed"]
    assert list(diff.newly_red["project_id"]) == ["H1"]
    assert list(diff.recovered["project_id"]) == ["H2"]  # H8 went to Not reported
    # H4's last report (15/01) is 44 days old at D2; H8 now says Not reported
    assert list(diff.newly_not_reported["project_id"]) == ["H4", "H8"]
    assert list(diff.new_projects["project_id"]) == ["H5"]  # H7 is still Pipeline
    assert list(diff.closed_projects["project_id"]) == ["H6"]
    assert diff.closed_projects["overrun_days"].iloc[0] == -39  # 20/02 vs 31/03
    overdue = diff.newly_overdue_milestones
    assert list(overdue["project_id"]) == ["H1"]
    # M1 due 10/02 and M2 due 20/02, neither achieved by 28/02; 28/02 - 10/02 = 18 days
    assert (overdue["overdue_milestones"].iloc[0], overdue["milestones"].iloc[0],
            overdue["days_overdue"].iloc[0]) == (2, "M1; M2", 18)
    moves = diff.end_date_moves
    assert list(moves["project_id"]) == ["H1", "H9"]  # H6 has closed
    assert list(moves["days_moved"]) == [60, -30]


def test_portfolio_diff_rag_counts_and_swapped_dates(history_db):
    diff = gov.portfolio_diff(history_db, D2, D1)  # given the wrong way round
    assert (diff.before, diff.after) == (D1, D2)
    counts = diff.rag_counts.set_index("overall_rag")
    assert list(counts.index) == ["Red", "Amber/Red", "Amber", "Amber/Green", "Green", "Blue",
                                  "Not reported"]
    # active at D1 (the catalogue's population: today's stage, so H6, Closed since, is not):
    # H1 G, H2 R, H3 R, H4 G, H8 R, H9 A/R
    assert dict(counts["before"][counts["before"] > 0]) == {"Red": 3, "Amber/Red": 1,
                                                            "Green": 2}
    # live at D2: H1 R, H2 A, H3 R, H4 G (last known), H5 A, H8 NR, H9 G
    assert dict(counts["after"][counts["after"] > 0]) == {"Red": 2, "Amber": 2, "Green": 2,
                                                          "Not reported": 1}


def test_project_links():
    assert gov.project_link("P 1/2") == "portfolio?project=P%201%2F2"
    frame = gov.with_project_links(pd.DataFrame({"project_id": ["A1"]}))
    assert list(frame["link"]) == ["portfolio?project=A1"]
    assert gov.with_project_links(pd.DataFrame({"project_id": []}))["link"].empty


def test_for_display_renames_and_drops_times():
    frame = pd.DataFrame({"project_id": ["A"], "report_date": pd.to_datetime(["2026-01-31"])})
    shown = gov.for_display(frame)
    assert list(shown.columns) == ["Project", "Latest report"]
    assert shown["Latest report"].iloc[0] == date(2026, 1, 31)


# --- estimate realism -------------------------------------------------------------------


@pytest.fixture
def estimates_db(tmp_path: Path) -> Database:
    start = date(2025, 1, 1)
    projects = [
        # 100 planned days (to 11/04), 120 actual (to 01/05): +20 days, +20%, ratio 1.2
        _project("E1", start_date=start, planned_end_date=date(2025, 4, 11),
                 actual_end_date=date(2025, 5, 1), pmo_service="Immersive PM"),
        # 100 planned, 90 actual (01/04): -10 days, -10%, ratio 0.9
        _project("E2", start_date=start, planned_end_date=date(2025, 4, 11),
                 actual_end_date=date(2025, 4, 1), pmo_service="Immersive PM"),
        # 100 planned, 200 actual (20/07): +100 days, +100%, ratio 2.0
        _project("E3", start_date=start, planned_end_date=date(2025, 4, 11),
                 actual_end_date=date(2025, 7, 20), pmo_service="Coaching"),
        # 0 planned days, 10 actual: +10 days, no % or ratio
        _project("E4", service_group="Surgery", start_date=start, planned_end_date=start,
                 actual_end_date=date(2025, 1, 11)),
        # ends before it starts: left out
        _project("E5", service_group="Surgery", start_date=start,
                 actual_end_date=date(2024, 12, 1)),
        _project("E6", service_group="Surgery"),  # not closed
    ]
    return _db(tmp_path, "estimates", {"projects": projects})


def test_closed_durations(estimates_db):
    got = gov.closed_durations(estimates_db)
    assert list(got["project_id"]) == ["E4", "E2", "E1", "E3"]  # by actual end
    row = got.set_index("project_id").loc["E1"]
    assert (row["planned_days"], row["actual_days"], row["overrun_days"], row["overrun_pct"]
            ) == (100, 120, 20, 20.0)
    assert _nan(got.set_index("project_id").loc["E4", "overrun_pct"])
    assert got.set_index("project_id").loc["E4", "pmo_service"] == "Not recorded"


def test_overrun_summary_by_service_group(estimates_db):
    got = gov.overrun_summary(estimates_db).set_index("group")
    assert list(got.index) == ["Medicine", "Surgery", "All"]
    med = got.loc["Medicine"]
    # overruns -10, 20, 100: median 20; p80 at position 0.8 x 2 = 1.6 -> 20 + 0.6 x 80 = 68
    assert (med["projects"], med["late_pct"], med["median_overrun_days"],
            med["p80_overrun_days"]) == (3, 66.7, 20, 68)
    # ratios 0.9, 1.2, 2.0: p80 = 1.2 + 0.6 x 0.8 = 1.68
    assert (med["median_overrun_pct"], med["p80_overrun_pct"], med["p80_ratio"]) == (
        20.0, 68.0, 1.68)
    surgery = got.loc["Surgery"]
    assert (surgery["projects"], surgery["median_overrun_days"]) == (1, 10)
    assert _nan(surgery["p80_ratio"])
    everyone = got.loc["All"]
    # -10, 10, 20, 100: median 15; p80 at 0.8 x 3 = 2.4 -> 20 + 0.4 x 80 = 52; 3 of 4 late
    assert (everyone["projects"], everyone["late_pct"], everyone["median_overrun_days"],
            everyone["p80_overrun_days"]) == (4, 75.0, 15, 52)


def test_overrun_summary_by_pmo_service(estimates_db):
    got = gov.overrun_summary(estimates_db, "pmo_service").set_index("group")
    assert list(got.index) == ["Immersive PM", "Coaching", "Not recorded", "All"]
    # Immersive PM: -10 and 20 -> median 5, p80 = -10 + 0.8 x 30 = 14
    assert (got.loc["Immersive PM", "median_overrun_days"],
            got.loc["Immersive PM", "p80_overrun_days"]) == (5, 14)
    with pytest.raises(ValueError):
        gov.overrun_summary(estimates_db, "programme")


def test_challenge_duration(estimates_db):
    # ratios 0.9, 1.2, 2.0 (E4 has no planned duration): median 1.2, p80 1.68
    assert gov.challenge_duration(estimates_db, planned_days=100) == gov.DurationChallenge(
        planned_days=100, projects=3, median_days=120.0, p80_days=168.0)
    # Immersive PM: 0.9, 1.2 -> median 1.05, p80 0.9 + 0.8 x 0.3 = 1.14
    got = gov.challenge_duration(estimates_db, planned_days=100, pmo_service="Immersive PM")
    assert (got.projects, got.median_days, got.p80_days) == (2, 105.0, 114.0)
    none = gov.challenge_duration(estimates_db, planned_days=100, service_group="Surgery")
    assert (none.projects, none.median_days, none.p80_days) == (0, None, None)
