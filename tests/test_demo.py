"""Tests of the synthetic demo exports (pmo_data.demo): shape, realism targets, determinism.

The exports are read back here with plain openpyxl/csv and a tiny header normaliser of the
test's own, so these tests do not depend on the importer being written alongside.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from pmo_data.demo import PLANTED_BAD_ROWS, TRUST_NAME, write_demo_exports

AS_AT = date(2026, 11, 21)

# The data contract (docs/contract.md): required and optional columns of each source.
SOURCES: dict[str, tuple[set[str], set[str]]] = {
    "projects": ({"project_id", "project_name", "service_group", "stage", "start_date",
                  "planned_end_date"},
                 {"programme", "pmo_service", "strategic_shift", "priority", "project_manager",
                  "sro", "forecast_end_date", "actual_end_date", "budget_gbp",
                  "spend_to_date_gbp", "last_updated"}),
    "status_reports": ({"project_id", "report_date", "overall_rag"},
                       {"schedule_rag", "cost_rag", "risk_rag", "benefits_rag", "dca",
                        "percent_complete", "summary", "achievements", "next_steps", "author"}),
    "milestones": ({"project_id", "milestone", "baseline_date"},
                   {"milestone_id", "forecast_date", "actual_date", "status"}),
    "benefits": ({"benefit_id", "project_id", "description", "category", "target_value"},
                 {"measure", "unit", "baseline_value", "realised_value", "target_date", "owner",
                  "status"}),
    "raid": ({"raid_id", "project_id", "raid_type", "title", "status"},
             {"likelihood", "impact", "owner", "raised_date", "review_date", "closed_date",
              "mitigation"}),
    "training": ({"staff_id", "course", "session_date", "attendance"},
                 {"staff_group", "service_group", "band", "completion", "feedback_score",
                  "confidence_before", "confidence_after"}),
    "service_requests": ({"request_id", "received_date", "service", "service_group", "status"},
                         {"project_id", "start_date", "end_date", "hours", "outcome"}),
    "kpi_plan": ({"kpi_code", "financial_year", "target"},
                 {"kpi_name", "direction", "unit", "plan_year_label", "service_area"}),
    "kpi_actuals": ({"kpi_code", "period", "value"}, {"note"}),
    "maturity": ({"assessment_date", "perspective", "level"},
                 {"target_level", "scope", "evidence"}),
}
ALIASES: dict[str, str] = {
    "project_reference": "project_id", "project_ref": "project_id", "reference": "project_id",
    "directorate": "service_group", "division": "service_group", "care_group": "service_group",
    "phase": "stage", "project_stage": "stage", "planned_finish": "planned_end_date",
    "overall_status": "overall_rag", "status_rag": "overall_rag", "rag": "overall_rag",
    "reporting_period": "report_date", "period_end": "report_date",
    "assignment_number": "staff_id", "employee_number": "staff_id", "course_title": "course",
    "course_name": "course", "course_date": "session_date", "attendance_status": "attendance",
    "booking_status": "attendance", "fy": "financial_year", "year": "financial_year",
}
TRAINING_ONLY = {"start_date": "session_date"}
EXTRAS = {"full_name"}  # deliberately unknown columns the importer must drop

# (file, sheet or None for CSV) -> source
LAYOUT: dict[tuple[str, str | None], str] = {
    ("ppm_export.xlsx", "Projects"): "projects",
    ("ppm_export.xlsx", "Highlight Reports"): "status_reports",
    ("ppm_export.xlsx", "Milestones"): "milestones",
    ("ppm_export.xlsx", "RAID Log"): "raid",
    ("benefits_register.csv", None): "benefits",
    ("training_records.xlsx", "Attendance"): "training",
    ("pmo_service_log.csv", None): "service_requests",
    ("five_year_plan.xlsx", "KPI Plan"): "kpi_plan",
    ("five_year_plan.xlsx", "KPI Actuals"): "kpi_actuals",
    ("five_year_plan.xlsx", "Maturity"): "maturity",
}
ENCODINGS = {"benefits_register.csv": "cp1252", "pmo_service_log.csv": "utf-8-sig"}


def _norm(header: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").strip().lower()).strip("_")


def _canonical(header: object, source: str) -> str:
    name = _norm(header)
    if source == "training" and name in TRAINING_ONLY:
        return TRAINING_ONLY[name]
    return ALIASES.get(name, name)


def _raw_rows(path: Path, sheet: str | None) -> list[list[object]]:
    if sheet is None:
        text = path.read_bytes().decode(ENCODINGS[path.name])
        return [list(r) for r in csv.reader(io.StringIO(text))]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [[_cell(v) for v in row] for row in rows]


def _cell(v: object) -> object:
    """Calamine cell as openpyxl would give it: blanks None, whole floats int."""
    if v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class Table:
    """A sheet read back: where the header was, canonical columns, and the data rows."""

    def __init__(self, path: Path, sheet: str | None, source: str) -> None:
        raw = _raw_rows(path, sheet)
        required = SOURCES[source][0]
        self.header_index = next(
            i for i, row in enumerate(raw[:10])
            if required <= {_canonical(c, source) for c in row if not _blank(c)})
        self.headers = [_canonical(c, source) for c in raw[self.header_index]]
        self.rows: list[dict[str, object]] = []
        for row in raw[self.header_index + 1:]:
            if all(_blank(v) for v in row) or str(row[0]).strip().lower() == "total":
                continue
            self.rows.append(dict(zip(self.headers, row, strict=False)))
        self.raw = raw

    def column(self, name: str) -> list[object]:
        return [r.get(name) for r in self.rows]


def _tables(out: Path) -> dict[str, Table]:
    return {source: Table(out / f, sheet, source) for (f, sheet), source in LAYOUT.items()}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo")
    write_demo_exports(path, as_at=AS_AT)
    return path


@pytest.fixture(scope="module")
def tables(out: Path) -> dict[str, Table]:
    return _tables(out)


def _as_date(v: object) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        parsed = pd.to_datetime(v, format="%d/%m/%Y", errors="coerce")
        return None if pd.isna(parsed) else parsed.date()
    return None


def test_files_written_and_byte_identical_on_rerun(out: Path, tmp_path: Path) -> None:
    paths = write_demo_exports(tmp_path / "new" / "dir", as_at=AS_AT, seed=42)
    assert [p.name for p in paths] == ["ppm_export.xlsx", "benefits_register.csv",
                                       "training_records.xlsx", "pmo_service_log.csv",
                                       "five_year_plan.xlsx"]
    assert {p.name for p in out.iterdir()} == {p.name for p in paths}
    for path in paths:
        assert path.is_file() and path.stat().st_size > 1000
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name


def test_other_seed_differs(out: Path, tmp_path: Path) -> None:
    other = write_demo_exports(tmp_path, as_at=AS_AT, seed=7)
    assert other[1].read_bytes() != (out / other[1].name).read_bytes()


def test_every_sheet_has_its_required_columns_and_nothing_unknown(
        tables: dict[str, Table]) -> None:
    for source, table in tables.items():
        required, optional = SOURCES[source]
        headers = set(table.headers)
        assert required <= headers, source
        assert headers <= required | optional | EXTRAS, (source, headers - required - optional)
    assert "full_name" in tables["training"].headers


def test_each_sheet_matches_exactly_one_source(out: Path) -> None:
    for (f, sheet), source in LAYOUT.items():
        raw = _raw_rows(out / f, sheet)[:10]
        matches = {s for s, (required, _) in SOURCES.items()
                   if any(required <= {_canonical(c, s) for c in row if not _blank(c)}
                          for row in raw)}
        assert matches == {source}, (f, sheet, matches)


def test_workbook_looks_like_a_real_export(out: Path, tables: dict[str, Table]) -> None:
    wb = load_workbook(out / "ppm_export.xlsx", read_only=True)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    wb.close()
    assert states["Lookups"] == "hidden"
    assert sum(s == "visible" for s in states.values()) == 4
    projects = tables["projects"]
    assert projects.header_index >= 1
    assert str(projects.raw[0][0]).startswith("Project register - exported 21/11/2026")
    last = [r for r in projects.raw if not all(_blank(v) for v in r)][-1]
    assert last[0] == "Total"
    assert isinstance(projects.rows[0]["start_date"], date)  # a real Excel date
    assert tables["status_reports"].header_index >= 1
    assert TRUST_NAME in str(tables["status_reports"].raw[0][0])
    raised = [v for v in tables["raid"].column("raised_date") if isinstance(v, str)]
    assert raised and all(re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}", v) for v in raised)


def test_projects_portfolio_shape(tables: dict[str, Table]) -> None:
    rows = tables["projects"].rows
    ids = [r["project_id"] for r in rows if not _blank(r["project_id"])]
    assert len(ids) == len(set(ids)) == 80
    assert len({r["service_group"] for r in rows}) == 8
    stages = {str(r["stage"]).lower() for r in rows}
    for synonym in ("in progress", "complete", "closed", "on hold", "cancelled", "pipeline",
                    "planning", "closure"):
        assert any(synonym == s or synonym in s for s in stages), synonym
    shifts = {r["strategic_shift"] for r in rows if r["strategic_shift"]}
    assert shifts == {"Hospital to community", "Sickness to prevention", "Analogue to digital"}
    closed = [r for r in rows if r["actual_end_date"]]
    overrun = [(_as_date(r["actual_end_date"]) - _as_date(r["planned_end_date"])).days
               for r in closed]
    assert sorted(overrun)[len(overrun) // 2] > 0  # typically late


def test_highlight_reports_drift_and_compliance(tables: dict[str, Table]) -> None:
    reports = tables["status_reports"].rows
    active_stages = {"initiation", "start up", "initiate", "planning", "delivery", "execution",
                     "in progress", "closure"}
    active = {r["project_id"] for r in tables["projects"].rows
              if str(r["stage"]).lower() in active_stages}
    recent = {r["project_id"] for r in reports
              if (d := _as_date(r["report_date"])) and 0 <= (AS_AT - d).days <= 31}
    compliance = 100 * len(active & recent) / len(active)
    assert 80 <= compliance <= 92
    rags = Counter(str(r["overall_rag"]) for r in reports)
    assert {"Green", "Amber/Green", "Amber", "Amber/Red", "Red"} <= set(rags)
    assert {"A/G", "amber-red"} & set(rags)
    by_project: dict[object, list[object]] = {}
    for r in reports:
        by_project.setdefault(r["project_id"], []).append(r["overall_rag"])
    changes = sum(a != b for seq in by_project.values() for a, b in pairwise(seq))
    assert 0 < changes < 0.5 * len(reports)  # mostly stable


def test_all_benefit_categories_and_hygiene_gaps(tables: dict[str, Table]) -> None:
    rows = tables["benefits"].rows
    assert {str(r["category"]) for r in rows} == {
        "Cash-releasing", "Non-cash-releasing", "Quality", "Patient experience",
        "Staff experience", "Safety", "Societal", "Environmental"}
    assert any(_blank(r["baseline_value"]) for r in rows)
    assert any(_blank(r["owner"]) for r in rows)
    money = [str(r["target_value"]) for r in rows if r["category"] == "Cash-releasing"]
    assert all(re.fullmatch(r"£\d{1,3}(,\d{3})*\.\d\d", m) for m in money)


def test_raid_has_open_high_risks_and_overdue_reviews(tables: dict[str, Table]) -> None:
    rows = tables["raid"].rows
    assert {r["raid_type"] for r in rows} >= {"Risk", "Assumption", "Issue", "Dependency"}
    high = [r for r in rows if r["raid_type"] == "Risk" and str(r["status"]).lower() == "open"
            and isinstance(r["likelihood"], int) and isinstance(r["impact"], int)
            and r["likelihood"] * r["impact"] >= 15]
    assert len(high) >= 3
    overdue = [r for r in rows if str(r["status"]).lower() == "open"
               and isinstance(r["review_date"], date) and r["review_date"] < AS_AT]
    assert overdue
    closed = [r for r in rows if str(r["status"]).lower() == "closed"]
    assert all(not _blank(r["closed_date"]) for r in closed)


def _distinct_attended(table: Table, start: date, end: date) -> int:
    return len({r["staff_id"] for r in table.rows
                if str(r["attendance"]).strip().lower() == "attended"
                and (d := _as_date(r["session_date"])) and start <= d <= end})


def test_training_2025_26_just_under_target(tables: dict[str, Table]) -> None:
    assert 110 <= _distinct_attended(tables["training"], date(2025, 4, 1), date(2026, 3, 31)) \
        <= 119


def test_training_current_year_on_pro_rata_track(tables: dict[str, Table]) -> None:
    so_far = _distinct_attended(tables["training"], date(2026, 4, 1), AS_AT)
    pro_rata = 120 * ((AS_AT - date(2026, 4, 1)).days / 365)
    assert 0.8 * pro_rata <= so_far <= 1.2 * pro_rata


def test_training_rows_look_real(tables: dict[str, Table]) -> None:
    rows = tables["training"].rows
    assert 1100 <= len(rows) <= 1800
    assert all(re.fullmatch(r"\d{8}", str(r["staff_id"])) for r in rows)
    attendance = Counter(str(r["attendance"]) for r in rows)
    assert {"DNA", "No show", "Enrolled", "Attended", "Cancelled"} <= set(attendance)
    booked = [r for r in rows if str(r["attendance"]).lower() in
              {"booked", "enrolled", "placed", "waitlisted"}]
    assert booked and all(_as_date(r["session_date"]) > AS_AT for r in booked)
    repeaters = Counter(r["staff_id"] for r in rows
                        if str(r["attendance"]).lower() == "attended")
    assert sum(c > 1 for c in repeaters.values()) > 50
    dna = sum(str(r["attendance"]).lower() in {"dna", "did not attend", "no show"} for r in rows)
    attended = sum(repeaters.values())
    assert 0.08 <= dna / (dna + attended) <= 0.16


def test_service_log_immersive_projects(tables: dict[str, Table]) -> None:
    rows = tables["service_requests"].rows
    assert {r["service"] for r in rows} == {
        "Immersive PM", "Coaching", "Project design workshop", "Reporting support",
        "PPM platform onboarding", "Assurance review", "Advice"}
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    supported = {r["project_id"] for r in rows if r["service"] == "Immersive PM"
                 and str(r["status"]).lower() not in {"cancelled", "declined"}
                 and (s := _as_date(r["start_date"])) and s <= end
                 and (_as_date(r["end_date"]) or end) >= start}
    assert 14 <= len(supported) <= 28
    assert re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}", str(rows[0]["received_date"]))


def test_plan_targets_and_mixed_year_forms(tables: dict[str, Table]) -> None:
    plan = tables["kpi_plan"].rows
    trained = [r for r in plan if r["kpi_code"] == "TRAINED_STAFF"]
    assert len(trained) == 5 and {r["target"] for r in trained} == {120}
    forms = {str(r["financial_year"]) for r in plan}
    assert "2025/26" in forms and any(re.fullmatch(r"\d{4}-\d\d", f) for f in forms)
    codes = {r["kpi_code"] for r in plan}
    assert {"PROJECTS_SUPPORTED", "HIGHLIGHT_COMPLIANCE"} <= codes
    actual_codes = {r["kpi_code"] for r in tables["kpi_actuals"].rows}
    assert actual_codes and actual_codes <= codes
    assert actual_codes.isdisjoint({"TRAINED_STAFF", "PROJECTS_SUPPORTED",
                                    "HIGHLIGHT_COMPLIANCE"})
    periods = [_as_date(r["period"]) for r in tables["kpi_actuals"].rows]
    assert min(periods) == date(2023, 4, 1) and max(periods) == date(2026, 10, 1)
    levels = {r["level"] for r in tables["maturity"].rows}
    assert levels - {6} <= {1, 2, 3, 4, 5}


def test_kpi_actuals_step_change_after_april_2025(tables: dict[str, Table]) -> None:
    rows = [r for r in tables["kpi_actuals"].rows if r["kpi_code"] == "PPM_ADOPTION"]
    before = [r["value"] for r in rows if _as_date(r["period"]) < date(2025, 4, 1)]
    after = [r["value"] for r in rows if _as_date(r["period"]) > date(2025, 5, 1)]
    assert min(after) > max(before)


def test_benefits_csv_is_windows_1252(out: Path) -> None:
    data = (out / "benefits_register.csv").read_bytes()
    assert "£".encode("cp1252") in data
    assert "£" in data.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\r\n" in data
    assert re.search(rb",\d\d/\d\d/\d{4},", data)


def test_planted_bad_rows_present(tables: dict[str, Table]) -> None:
    assert 8 <= len(PLANTED_BAD_ROWS) <= 15
    assert len({b.source for b in PLANTED_BAD_ROWS}) >= 6
    for bad in PLANTED_BAD_ROWS:
        source = LAYOUT[(bad.file, bad.sheet)]
        assert source == bad.source
        table = tables[source]
        assert bad.column in table.headers
        values = [str(v).strip() if v is not None else "" for v in table.column(bad.column)]
        if bad.column == "benefit_id":
            assert values.count(bad.value) == 2
        else:
            assert values.count(bad.value) == 1, (bad, values.count(bad.value))


def test_scale_two_roughly_doubles(out: Path, tables: dict[str, Table],
                                   tmp_path: Path) -> None:
    write_demo_exports(tmp_path, as_at=AS_AT, scale=2)
    doubled = _tables(tmp_path)
    for source in ("projects", "status_reports", "milestones", "benefits", "raid", "training",
                   "service_requests"):
        ratio = len(doubled[source].rows) / len(tables[source].rows)
        assert 1.6 <= ratio <= 2.4, (source, ratio)
    assert len(doubled["kpi_plan"].rows) == len(tables["kpi_plan"].rows)


def test_as_at_too_early_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_demo_exports(tmp_path, as_at=date(2023, 12, 1))
    with pytest.raises(ValueError):
        write_demo_exports(tmp_path, as_at=AS_AT, scale=0)
