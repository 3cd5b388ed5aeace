"""Data quality: source summaries, import history and rejected rows, as the Data quality page
and the board pack show them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from pmo_data import ingest, quality
from pmo_data.db import Database
from pmo_data.ingest import import_files
from pmo_data.schema import SOURCES_LIST
from pmo_data.store import Store

PROJECTS = b"Project ID,Project Name,Service Group,Stage,Start Date,Planned End Date," \
           b"Last Updated\r\n"
TRAINING = b"Assignment Number,Course Title,Course Date,Attendance Status\r\n"


def project(pid: str, stage: str = "Delivery", updated: str = "15/10/2026") -> bytes:
    return f"{pid},Project {pid},Medicine,{stage},01/04/2025,31/03/2026,{updated}\r\n".encode()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pmo.duckdb"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Set the time imports are recorded at (ingest stamps ``datetime.now()``)."""
    current = [datetime(2026, 11, 2, 9, 0, 0)]

    class Clock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return current[0]

    monkeypatch.setattr(ingest, "datetime", Clock)

    def set_time(when: datetime) -> None:
        current[0] = when

    yield set_time


def open_db(db: Path) -> Database:
    return Database(Store(db).current().path)


def test_source_summaries(db: Path, clock: Callable[[datetime], None]) -> None:
    clock(datetime(2026, 11, 2, 9, 30, 0))
    projects = PROJECTS + project("P1", updated="15/10/2026") + project("P2", updated="01/01/2099")
    training = TRAINING + b"1,Intro,01/04/2025,Attended\r\n2,Intro,31/02/2025,DNA\r\n" \
        + b"3,Intro,01/05/2099,Booked\r\n"
    import_files([("register.csv", projects), ("lms.csv", training)], db)
    with open_db(db) as con:
        summaries = {s.source: s for s in quality.source_summaries(con)}
    assert list(summaries) == [s.name for s in SOURCES_LIST]
    p = summaries["projects"]
    assert (p.title, p.rows, p.latest_date, p.last_file, p.rejected_in_last_import) == (
        "Projects", 2, date(2026, 10, 15), "register.csv", 0)  # 2099 is a plan, not data
    assert p.last_import == datetime(2026, 11, 2, 9, 30, 0)
    t = summaries["training"]
    assert (t.rows, t.latest_date, t.last_file, t.rejected_in_last_import) == (
        2, date(2025, 4, 1), "lms.csv", 1)
    never = summaries["benefits"]
    assert (never.rows, never.latest_date, never.last_import, never.last_file,
            never.rejected_in_last_import) == (0, None, None, None, 0)


def test_source_table_has_a_row_per_source(db: Path) -> None:
    import_files([("register.csv", PROJECTS + project("P1"))], db)
    with open_db(db) as con:
        table = quality.source_table(con)
    assert list(table.columns) == ["Source", "Rows", "Latest data date", "Last import",
                                   "From file", "Rejected in last import"]
    assert list(table["Source"]) == [s.title for s in SOURCES_LIST]
    assert table.loc[0, "Rows"] == 1


def test_import_history_newest_first(db: Path, clock: Callable[[datetime], None]) -> None:
    first = PROJECTS + project("P1")
    import_files([("register.csv", first)], db, user="alice")
    clock(datetime(2026, 11, 3, 9, 0, 0))
    second = TRAINING + b"1,Intro,01/04/2025,Attended\r\n"
    import_files([("lms.csv", second), ("notes.csv", b"Colour,Shape\r\nred,round\r\n")], db,
                 user="bob")
    with open_db(db) as con:
        history = quality.import_history(con)
    assert list(history.columns) == [
        "Import", "Version", "Imported at", "By", "File", "Sheet", "Source", "Rows read",
        "Rows loaded", "Rows rejected", "Columns not stored", "Message", "SHA-256 (start)"]
    assert list(history["Import"]) == [2, 2, 1]
    assert list(history["File"]) == ["lms.csv", "notes.csv", "register.csv"]
    assert list(history["By"]) == ["bob", "bob", "alice"]
    assert list(history["Source"]) == ["training", "not recognised", "projects"]
    assert history.loc[1, "Message"] == "not recognised; no column matches any source"
    assert history.loc[2, "SHA-256 (start)"] == hashlib.sha256(first).hexdigest()[:12]
    with open_db(db) as con:
        assert len(quality.import_history(con, limit=1)) == 1


def test_rejected_rows_with_reasons(db: Path) -> None:
    training = TRAINING + b"1,Intro,01/04/2025,Attended\r\n2,Intro,31/02/2025,DNA\r\n"
    projects = PROJECTS + project("P1") + project("P2", stage="Purple")
    import_files([("lms.csv", training), ("register.csv", projects)], db)
    with open_db(db) as con:
        rejected = quality.rejected_rows(con)
        only_training = quality.rejected_rows(con, source="training")
    assert list(rejected.columns) == ["Import", "Source", "File", "Sheet", "Row", "Column",
                                      "Problem", "Value"]
    assert rejected[["Source", "File", "Row", "Column", "Problem", "Value"]].values.tolist() == [
        ["training", "lms.csv", 3, "Course Date", "impossible date", "31/02/2025"],
        ["projects", "register.csv", 3, "Stage",
         "not a known stage; expected one of Pipeline, Initiation, Planning, Delivery, "
         "Closure, Closed, On hold, Cancelled", "Purple"],
    ]
    assert only_training["Source"].tolist() == ["training"]


def test_a_clean_reload_supersedes_earlier_rejections(
    db: Path, clock: Callable[[datetime], None]
) -> None:
    import_files([("register.csv", PROJECTS + project("P1") + project("P2", stage="Purple"))],
                 db)
    clock(datetime(2026, 11, 3, 9, 0, 0))
    import_files([("register.csv", PROJECTS + project("P1") + project("P2"))], db)
    with open_db(db) as con:
        summary = {s.source: s for s in quality.source_summaries(con)}["projects"]
        assert summary.rows == 2 and summary.rejected_in_last_import == 0
        assert len(quality.rejected_rows(con, latest_only=False)) == 1  # history is kept
        assert quality.rejected_rows(con).empty  # ... but it no longer applies


def test_rejected_in_last_import_counts_every_sheet_of_that_import(db: Path) -> None:
    first = TRAINING + b"1,Intro,01/04/2025,Attended\r\n2,Intro,31/02/2025,DNA\r\n"
    second = TRAINING + b"3,Intro,01/04/2025,Attended\r\n4,Intro,01/04/2025,Purple\r\n"
    import_files([("lms-a.csv", first), ("lms-b.csv", second)], db)
    with open_db(db) as con:
        summary = {s.source: s for s in quality.source_summaries(con)}["training"]
        assert summary.rows == 2
        assert summary.rejected_in_last_import == 2
        assert len(quality.rejected_rows(con)) == 2


def test_two_imports_in_the_same_second_the_later_one_is_the_last(
    db: Path, clock: Callable[[datetime], None]
) -> None:
    """Scripts import several times a second; "last import" must follow import order."""
    import_files([("old.csv", PROJECTS + project("P1") + project("P2", stage="Purple"))], db)
    import_files([("new.csv", PROJECTS + project("P1") + project("P2"))], db)
    with open_db(db) as con:
        summary = {s.source: s for s in quality.source_summaries(con)}["projects"]
    assert (summary.last_file, summary.rejected_in_last_import) == ("new.csv", 0)


def test_clock_fixture_stamps_imports(db: Path, clock: Callable[[datetime], None]) -> None:
    when = datetime(2026, 11, 4, 12, 0, 0)
    clock(when)
    import_files([("register.csv", PROJECTS + project("P1"))], db)
    with open_db(db) as con:
        assert con.scalar("SELECT imported_at FROM imports") == when
