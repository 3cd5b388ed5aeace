"""Unit tests of pmo_data.quality_scores on tiny imported databases (worked by hand), and
the Quality scores section of the Data quality page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest_support import page

from pmo_data import quality_scores as qs
from pmo_data.db import Database, insert_rows
from pmo_data.ingest import import_files
from pmo_data.store import Store

TODAY = date.today()


def _uk(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).strftime("%d/%m/%Y")


PROJECTS = (
    "Project ID,Project Name,Service Group,Stage,Start Date,Planned Finish,Last Updated\n"
    f"P1,Alpha,Medicine,Delivery,01/04/2025,31/03/2026,{_uk(36)}\n"
    "P2,Beta,Surgery,Planning,01/06/2025,30/09/2026,\n"
    "P3,Gamma,Surgery,Purple,01/06/2025,30/09/2026,\n"  # bad stage: rejected
)
REPORTS = (
    "Project ID,Report Date,Overall RAG,Schedule RAG\n"
    f"P1,{_uk(15)},Green,\n"
    f"P2,{_uk(-30)},Amber,Amber\n"  # dated in the future: not counted as fresh
    f"P2,{_uk(46)},,Red\n"  # blank overall RAG = Not reported: an empty cell
)
BENEFITS = (
    "Benefit ID,Project ID,Description,Category,Target\n"
    "B1,P1,Fewer bed days,Quality,10\n"
)
PLAN = "KPI Code,FY,Target\nTRAINED_STAFF,2026/27,120\n"


def _current(path: Path) -> Database:
    version = Store(path).current()
    assert version is not None
    return Database(version.path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "pmo.duckdb"
    report = import_files([("projects.csv", PROJECTS.encode()),
                           ("reports.csv", REPORTS.encode()),
                           ("benefits.csv", BENEFITS.encode()),
                           ("plan.csv", PLAN.encode())], path)
    assert report.version == 1, report.problems
    return path


def test_projects_score(db_path: Path):
    scores = {s.source: s for s in qs.source_scores(_current(db_path), TODAY)}
    p = scores["projects"]
    assert p.rows == 2
    assert p.required_completeness_pct == 100.0
    # 12 optional columns x 2 rows = 24 cells, one filled (P1's last_updated): 4.2%
    assert p.optional_completeness_pct == 4.2
    # 3 rows read, 2 loaded: 66.7%
    assert (p.rows_read, p.rows_loaded, p.validity_pct) == (3, 2, 66.7)
    assert p.record_age_days == 36 and p.import_age_days == 0
    assert (p.basis, p.stale_after_days, p.stale) == ("newest record", 31, True)
    assert p.duplicate_rows == 0
    # mean of 100 (required), 66.7 (valid), 100 (unique), 0 (stale) = 66.675 -> 66.7
    assert p.score == 66.7


def test_reports_blank_rag_is_empty_and_future_dates_ignored(db_path: Path):
    r = {s.source: s for s in qs.source_scores(_current(db_path), TODAY)}["status_reports"]
    # 3 required columns x 3 rows = 9 cells; the blank overall RAG (Not reported) is empty
    assert r.required_completeness_pct == round(100 * 8 / 9, 1)
    # 10 optional columns x 3 rows = 30 cells; Amber and Red filled: 6.7%
    assert r.optional_completeness_pct == 6.7
    assert r.newest_record == TODAY - timedelta(days=15)  # not the future report
    assert (r.stale, r.validity_pct) == (False, 100.0)


def test_sources_without_record_dates_use_the_import(db_path: Path):
    scores = {s.source: s for s in qs.source_scores(_current(db_path), TODAY)}
    b = scores["benefits"]
    assert (b.newest_record, b.basis, b.age_days, b.stale) == (None, "last import", 0, False)
    plan = scores["kpi_plan"]
    assert (plan.stale_after_days, plan.stale) == (None, None)
    training = scores["training"]
    assert (training.rows, training.score, training.validity_pct, training.stale) == (
        0, None, None, None)


def test_old_import_makes_a_register_stale(db_path: Path):
    Store(db_path).write(lambda con: con.execute(
        "UPDATE imports SET imported_at = imported_at - INTERVAL 100 DAY "
        "WHERE source = 'benefits'"))
    b = {s.source: s for s in qs.source_scores(_current(db_path), TODAY)}["benefits"]
    assert (b.import_age_days, b.stale) == (100, True)  # threshold 92


def test_stale_sources_and_overrides(db_path: Path):
    db = _current(db_path)
    stale = qs.stale_sources(db, TODAY)
    assert [s.source for s in stale] == ["projects"]
    assert stale[0].message == "Projects: newest record is 36 days old (stale after 31 days)."
    # thresholds are settings: reports stale after 10 days, projects never
    stale = qs.stale_sources(db, TODAY, stale_after=(("status_reports", 10), ("projects", None)))
    assert [(s.source, s.age_days) for s in stale] == [("status_reports", 15)]


def test_duplicate_keys_counted(tmp_path: Path):
    path = tmp_path / "dupes.duckdb"
    row = {"project_name": "x", "service_group": "Medicine", "stage": "Delivery",
           "start_date": date(2025, 4, 1), "planned_end_date": date(2026, 3, 31)}
    Store(path).write(lambda con: insert_rows(con, "projects", [
        {**row, "project_id": "P1"}, {**row, "project_id": "P1"}, {**row, "project_id": "P2"}]))
    p = {s.source: s for s in qs.source_scores(_current(path), TODAY)}["projects"]
    assert p.duplicate_rows == 2  # both copies of P1
    assert p.validity_pct is None  # loaded without an import record
    # no last_updated and no import: no age, so no timeliness; score = mean of 100 required
    # and 100 - 2/3 x 100 = 33.3 unique -> 66.7
    assert (p.basis, p.stale) == (None, None)
    assert p.score == 66.7
    milestones = {s.source: s for s in qs.source_scores(_current(path), TODAY)}["milestones"]
    assert milestones.duplicate_rows is None  # no key in the contract


def test_freshness_lines(db_path: Path):
    db = _current(db_path)
    got = qs.freshness(db, ("status_reports", "benefits", "training"), TODAY)
    assert got == {"highlight report": TODAY - timedelta(days=15), "benefits": TODAY,
                   "training": None}
    assert qs.page_freshness(db, "estimates", TODAY) == {
        "project register": TODAY - timedelta(days=36)}
    with pytest.raises(KeyError):
        qs.freshness(db, ("nonsense",), TODAY)


def test_the_freshness_line_is_a_sentence() -> None:
    from pmo_data import freshness

    assert freshness.line({"highlight report": date(2026, 10, 31), "training": None}) == (
        "Highlight report data up to 31 Oct 2026; no training data.")
    assert freshness.line({"KPI": date(2026, 10, 31)}).startswith("KPI data")
    assert freshness.line({}) == ""


def test_thresholds_round_trip():
    frame = qs.thresholds_frame((("training", 90),))
    assert frame.set_index("Source").loc["Training records", "Stale after (days)"] == 90
    frame.loc[frame["Source"] == "Projects", "Stale after (days)"] = 0
    back = dict(qs.thresholds_from_frame(frame))
    assert back["training"] == 90 and back["projects"] is None
    assert back["status_reports"] == 35


def test_score_table_on_the_data_quality_page(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PMO_DB", str(db_path))
    at = page("data_quality").run()
    assert not at.exception
    shown = at.dataframe[-1].value.set_index("Source")
    expected = qs.score_table(_current(db_path), TODAY).set_index("Source")
    assert shown.loc["Projects", "Score"] == expected.loc["Projects", "Score"] == 66.7
    assert shown.loc["Projects", "Timeliness"] == "Stale"
    assert shown.loc["Highlight reports", "Timeliness"] == "Fresh"
