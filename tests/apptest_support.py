"""Helpers for AppTest page tests: databases to serve, page runners, what a page shows."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.db import Database, insert_rows
from pmo_data.store import Store

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


def serve(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at ``path`` (PMO_DB) for this test; return ``path``."""
    monkeypatch.setenv("PMO_DB", str(path))
    return path


def serve_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
    """Publish ``tables`` (source name -> rows) as version 1 of ``tmp_path/pmo.duckdb``
    through the versioned store, and serve it."""
    path = tmp_path / "pmo.duckdb"
    Store(path).write(lambda con: [insert_rows(con, name, rows) for name, rows in tables.items()])
    return serve(path, monkeypatch)


def engine(path: Path) -> Database:
    """A read-only handle on the version of ``path`` being served."""
    version = Store(path).current()
    assert version is not None
    return Database(version.path)


@contextmanager
def served(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Serve ``path`` and hold a read-only handle on its current version meanwhile."""
    serve(path, monkeypatch)
    with engine(path) as handle:
        yield handle


def page(name: str) -> AppTest:
    """An AppTest of ``pages/<name>.py`` run on its own (filters at their defaults)."""
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=30)


def app() -> AppTest:
    """An AppTest of the whole app (dashboard.py with navigation)."""
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def run_page(name: str, /, *, query: Mapping[str, str] | None = None, **state: Any) -> AppTest:
    """Run ``pages/<name>.py`` once with ``state`` in session state (the sidebar filters'
    keys are fy, as_at and service_group) and ``query`` as URL query parameters."""
    at = page(name)
    for key, value in state.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def run_filtered(name: str, fy: str, as_at: date, group: str | None = None,
                 **kw: Any) -> AppTest:
    """``run_page`` with the shared filters set (no group: all service groups); the page
    must not raise."""
    at = run_page(name, fy=fy, as_at=as_at, service_group=group or "All service groups", **kw)
    assert not at.exception, at.exception
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """The tiles a page shows: label -> value as displayed."""
    return {plain(m.label): plain(m.value) for m in at.metric}


def plain(source: str) -> str:
    """What a reader sees of an element's Markdown source: the pages escape text from the
    data (``pmo_data.text.md``), so a backslash before a character is not displayed, nor
    the invisible word joiner that keeps an address in the text from becoming a link."""
    return re.sub(r"\\(.)", r"\1", str(source), flags=re.S).replace("\u2060", "")
