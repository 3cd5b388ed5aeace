"""Helpers for AppTest page tests: a small imported database and page runners."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent

PROJECTS_CSV = (
    "Project Reference,Project Name,Directorate,Phase,Start Date,Planned Finish\n"
    "P001,Electronic observations,Medicine,In progress,01/04/2025,31/03/2026\n"
    "P002,Theatre scheduling,Surgery,Planning,01/06/2025,30/09/2026\n"
)
REPORTS_CSV = (
    "Project ID,Report Date,Overall RAG\n"
    "P001,31/10/2026,A/G\n"
    "P002,31/10/2026,Purple\n"
)


def small_database(tmp_path: Path) -> Path:
    """Import two tiny exports (one bad row) into ``tmp_path/pmo.duckdb``; return its path."""
    from pmo_data.ingest import import_files

    db = tmp_path / "pmo.duckdb"
    report = import_files([("projects.csv", PROJECTS_CSV.encode()),
                           ("reports.csv", REPORTS_CSV.encode())], db)
    assert report.version == 1, report.problems
    return db


def page(name: str) -> AppTest:
    """An AppTest of ``pages/<name>.py`` run on its own (filters at their defaults)."""
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=30)


def app() -> AppTest:
    """An AppTest of the whole app (dashboard.py with navigation)."""
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
