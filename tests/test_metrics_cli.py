"""The ``python -m pmo_data metrics`` command: a contract scripts rely on (DESIGN.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pmo_data.cli import main
from pmo_data.db import Database, insert_rows
from pmo_data.freshness import last_import
from pmo_data.metrics import CATALOGUE
from pmo_data.store import Store

REPO = Path(__file__).resolve().parents[1]


def _tables() -> dict[str, list[dict]]:
    return {
        "training": [
            {"staff_id": "S1", "course": "Intro", "session_date": date(2025, 4, 1),
             "attendance": "Attended", "service_group": "Surgery"},
            {"staff_id": "S2", "course": "Intro", "session_date": date(2025, 5, 6),
             "attendance": "Attended", "service_group": "Medicine"},
            {"staff_id": "S2", "course": "Advanced", "session_date": date(2025, 6, 3),
             "attendance": "Attended", "service_group": "Medicine"},
            {"staff_id": "S3", "course": "Intro", "session_date": date(2025, 6, 10),
             "attendance": "Did not attend", "service_group": "Surgery"},
            {"staff_id": "S4", "course": "Intro", "session_date": date(2024, 6, 10),
             "attendance": "Attended", "service_group": "Surgery"},
        ],
        "projects": [
            {"project_id": "PA", "project_name": "A", "service_group": "Surgery",
             "stage": "Delivery", "start_date": date(2024, 1, 1),
             "planned_end_date": date(2026, 1, 1)},
            {"project_id": "PB", "project_name": "B", "service_group": "Medicine",
             "stage": "Planning", "start_date": date(2024, 1, 1),
             "planned_end_date": date(2026, 1, 1)},
        ],
        "status_reports": [
            {"project_id": "PA", "report_date": date(2025, 5, 31), "overall_rag": "Amber"},
        ],
        "kpi_plan": [
            {"kpi_code": "TRAINED_STAFF", "financial_year": "2025/26", "target": 120},
        ],
    }


def _write(con, tables: dict[str, list[dict]]) -> None:  # noqa: ANN001 - duckdb connection
    for source, rows in tables.items():
        insert_rows(con, source, rows)


@pytest.fixture()
def store_db(tmp_path: Path) -> Path:
    path = tmp_path / "pmo.duckdb"
    Store(path).write(lambda con: _write(con, _tables()))
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["metrics", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_keys_values_and_rag_mapping(store_db: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code, out, err = _run(capsys, "--db", str(store_db), "--fy", "2025/26",
                          "--as-at", "2025-06-30", "--json")
    assert code == 0, err
    data = json.loads(out)  # exactly one JSON object
    assert list(data)[: len(CATALOGUE)] == [d.code.lower() for d in CATALOGUE]
    trained = data["trained_staff"]
    # S1 (1 Apr) and S2 (twice) attended in 2025/26 by 30 June -> 2; S4 was 2024/25.
    assert trained["value"] == 2
    assert trained["target"] == 120
    assert trained["ytd_target"] == pytest.approx(30)  # 120 x 3 / 12
    assert trained["unit"] == "count" and trained["direction"] == "up"
    assert trained["as_at"] == "2025-06-30" and trained["fy"] == "2025/26"
    assert trained["previous"] == 1  # 2024/25 as at 30 June 2024: S4
    # Active PA (Amber, 31 May) and PB (no report).
    rag = data["portfolio_rag"]["value"]
    assert rag == {"Red": 0, "Amber/Red": 0, "Amber": 1, "Amber/Green": 0, "Green": 0,
                   "Blue": 0, "Not reported": 1}
    # Missing is null, not 0: no service log, milestones, benefits or RAID log.
    for key in ("projects_supported", "milestones_on_time", "benefits_realised_gbp",
                "open_high_risks"):
        assert data[key]["value"] is None, key


def test_defaults_as_at_latest_data_and_fy_of_it(
        store_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--db", str(store_db), "--json")
    assert code == 0
    data = json.loads(out)
    # Latest event date: S3's DNA on 10 June 2025 -> FY 2025/26.
    assert data["trained_staff"]["as_at"] == "2025-06-10"
    assert data["trained_staff"]["fy"] == "2025/26"


def test_service_group_changes_numbers(store_db: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    _, out, _ = _run(capsys, "--db", str(store_db), "--as-at", "2025-06-30",
                     "--service-group", "Medicine", "--json")
    data = json.loads(out)
    assert data["trained_staff"]["value"] == 1  # S2 only
    assert data["active_projects"]["value"] == 1  # PB only
    assert data["trained_staff"]["service_group"] == "Medicine"


def test_pmo_db_environment_variable(store_db: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(store_db))
    code, out, _ = _run(capsys, "--as-at", "2025-06-30", "--json")
    assert code == 0
    assert json.loads(out)["trained_staff"]["value"] == 2


def test_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.duckdb"
    code, out, err = _run(capsys, "--db", str(missing), "--json")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"no database at {missing}: run python -m pmo_data import")


@pytest.mark.parametrize("fy", ["2025/27", "next year", "1890/91"])
def test_bad_fy_is_one_line(store_db: Path, capsys: pytest.CaptureFixture[str], fy: str
                            ) -> None:
    code, out, err = _run(capsys, "--db", str(store_db), "--fy", fy, "--json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--fy" in err and "Traceback" not in err


def test_bad_as_at_is_one_line(store_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--db", str(store_db), "--as-at", "30/06/2025", "--json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--as-at" in err


def test_text_output(store_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--db", str(store_db), "--as-at", "2025-06-30")
    assert code == 0
    assert out.splitlines()[0] == "2025/26 as at 2025-06-30"
    assert any(line.startswith("TRAINED_STAFF") and " 2 " in line for line in out.splitlines())


def test_imported_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the real import: aliases, UK dates and synonyms reach the metric."""
    from pmo_data.ingest import import_paths

    csv = tmp_path / "training.csv"
    csv.write_text(
        "Assignment Number,Course Name,Course Date,Attendance Status,Directorate\n"
        "A1,Intro,01/04/2025,Attended,Surgery\n"
        "A1,Intro,02/05/2025,Attended,Surgery\n"
        "A2,Intro,02/05/2025,DNA,Surgery\n"
        "A3,Intro,31/03/2025,Attended,Surgery\n",
        encoding="utf-8")
    db = tmp_path / "pmo.duckdb"
    report = import_paths([csv], db)
    assert report.exit_code == 0
    code, out, _ = _run(capsys, "--db", str(db), "--fy", "2025/26", "--json")
    assert code == 0
    data = json.loads(out)
    # 2025/26: A1 (twice) -> 1 trained; DNA 1 of 3 outcome rows -> 33.3 %; A3 is 2024/25.
    assert data["trained_staff"]["value"] == 1
    assert data["training_dna_rate"]["value"] == pytest.approx(100 / 3)
    # Previous: 2024/25 as at 2 May 2024 (one year before the latest date): no rows -> null.
    # A3's 31 March 2025 session counts for 2024/25 as a whole:
    assert data["trained_staff"]["previous"] is None
    code, out, _ = _run(capsys, "--db", str(db), "--fy", "2024/25", "--json")
    assert json.loads(out)["trained_staff"]["value"] == 1
    # The import is recorded: last_import knows when training was loaded; nothing else was.
    version = Store(db).current()
    with Database(version.path, version=version.number) as handle:
        loaded = last_import(handle)
    assert loaded["training"] is not None and loaded["projects"] is None
    assert data["trained_staff"]["freshness"] == "2025-05-02"


def test_subprocess_json_with_pmo_db(store_db: Path) -> None:
    env = dict(os.environ, PMO_DB=str(store_db))
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "pmo_data", "metrics", "--as-at", "2025-06-30", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["trained_staff"]["value"] == 2
    assert data["highlight_compliance"]["value"] == 50  # PA reported 30 days before; PB never
