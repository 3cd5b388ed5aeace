"""First run: with no database the app builds one from the demo exports, then opens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_support import app

from pmo_data.bootstrap import ensure_database
from pmo_data.db import Database
from pmo_data.store import Store


def test_generates_exports_when_absent_then_imports(tmp_path: Path) -> None:
    sample, db = tmp_path / "sample", tmp_path / "pmo.duckdb"
    steps: list[str] = []
    report = ensure_database(db, sample, as_at=date(2026, 11, 21),
                             progress=lambda f, text: steps.append(text))
    assert report is not None and report.version == 1
    assert steps[0] == "Generating demo exports" and steps[-1] == "Done"
    assert {p.suffix for p in sample.iterdir()} == {".xlsx", ".csv"}
    with Database(Store(db).current().path) as con:
        assert con.scalar("SELECT count(*) FROM projects") >= 70
        # the fictional peers' benchmarking snapshots, beside the sample, load next (v2)
        assert con.scalar("SELECT count(DISTINCT org_code || fy) FROM benchmark_snapshots"
                          ) == 36
    assert len(list((tmp_path / "peers").glob("*.parquet"))) == 36
    # a second call finds the database and does nothing
    assert ensure_database(db, sample) is None
    assert Store(db).current().number == 2


def test_uses_exports_already_in_the_folder(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "projects.csv").write_text(
        "Project ID,Project Name,Service Group,Stage,Start Date,End Date\n"
        "P1,EPR,Medicine,Delivery,01/04/2025,31/03/2026\n", encoding="utf-8")
    report = ensure_database(tmp_path / "pmo.duckdb", sample)
    assert report is not None and report.loaded == {"projects": 1}
    assert [p.name for p in sample.iterdir()] == ["projects.csv"]  # nothing generated


def test_the_app_builds_its_database_on_first_run(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "pmo.duckdb"))
    monkeypatch.setenv("PMO_SAMPLE_DIR", str(tmp_path / "sample"))
    at = app().run(timeout=180)
    assert not at.exception, at.exception
    assert Store(tmp_path / "pmo.duckdb").current() is not None
    assert [t.value for t in at.title] == ["Overview"]
