"""Versioned store: numbering, atomic pointer, rollback, pruning, readers never blocked,
and atomicity of imports that fail mid-way or are killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pmo_data import ingest
from pmo_data.db import Database
from pmo_data.ingest import import_files
from pmo_data.store import KEEP_VERSIONS, Store, StoreError, Version

ROOT = Path(__file__).resolve().parent.parent
HEADER = b"Project ID,Project Name,Service Group,Stage,Start Date,Planned End Date\r\n"
TRAINING = b"Assignment Number,Course Title,Course Date,Attendance Status\r\n"
REPORTS = b"Project ID,Report Date,Overall RAG\r\n"


def projects_csv(*ids: str) -> bytes:
    return HEADER + b"".join(
        f"{i},Project {i},Medicine,Delivery,01/04/2025,31/03/2026\r\n".encode() for i in ids)


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of one database file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def leftovers(store: Store) -> list[str]:
    """Files in the store folder other than versions, the pointer and the lock."""
    return sorted(p.name for p in store.dir.iterdir()
                  if p.name not in ("CURRENT", ".lock") and not (
                      p.name.startswith("v") and p.name.endswith(".duckdb")))


def count_projects(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM projects").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "pmo.duckdb"


def _set(con: duckdb.DuckDBPyConnection, value: str) -> str:
    con.execute("INSERT INTO saved_settings VALUES ('test', 'x', ?, 'me', now()) "
                "ON CONFLICT DO UPDATE SET value = excluded.value", [value])
    return value


# --- numbering, pointer, rollback, pruning -----------------------------------------------


def test_empty_store(db: Path) -> None:
    store = Store(db)
    assert store.current() is None and store.versions() == []


def test_versions_are_numbered_and_the_pointer_names_the_current(db: Path) -> None:
    store = Store(db)
    for number in (1, 2, 3):
        version, result = store.write(lambda con, n=number: _set(con, f"value {n}"))
        assert version == Version(number, store.dir / f"v{number:06d}.duckdb")
        assert result == f"value {number}"
        assert store.pointer.read_text() == f"v{number:06d}.duckdb\n"
        assert store.current() == version
    assert [v.number for v in store.versions()] == [1, 2, 3]
    con = duckdb.connect(str(store.current().path), read_only=True)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("3",)
        assert con.execute("SELECT value FROM saved_settings").fetchall() == [("value 3",)]
    finally:
        con.close()
    assert db.is_symlink() and db.resolve() == store.current().path.resolve()
    assert leftovers(store) == []


def test_a_failing_change_publishes_nothing(db: Path) -> None:
    store = Store(db)
    store.write(lambda con: _set(con, "one"))

    def boom(con: duckdb.DuckDBPyConnection) -> None:
        _set(con, "two")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        store.write(boom)
    assert store.current().number == 1
    assert [v.number for v in store.versions()] == [1]
    assert snapshot(store.current().path)["saved_settings"][0][2] == "one"
    assert leftovers(store) == []
    assert store.write(lambda con: _set(con, "three"))[0].number == 2


def test_rollback_to_previous_and_to_a_number(db: Path) -> None:
    store = Store(db)
    for n in range(1, 5):
        store.write(lambda con, n=n: _set(con, str(n)))
    assert store.rollback().number == 3
    assert store.current().number == 3
    assert store.rollback().number == 2
    assert store.rollback(to=4).number == 4
    assert store.rollback(to=1).number == 1
    assert db.resolve() == store.current().path.resolve()
    with pytest.raises(StoreError, match="there is no earlier version to roll back to"):
        store.rollback()
    with pytest.raises(StoreError, match=r"version 9 is not kept \(kept: 1, 2, 3, 4\)"):
        store.rollback(to=9)
    # the next write builds on the version being served, with a new number
    version, _ = store.write(lambda con: con.execute("SELECT value FROM saved_settings")
                             .fetchall())
    assert version.number == 5
    assert snapshot(version.path)["saved_settings"][0][2] == "1"


def test_rollback_with_nothing_written(db: Path) -> None:
    with pytest.raises(StoreError, match="no earlier version"):
        Store(db).rollback()
    with pytest.raises(StoreError, match=r"version 1 is not kept \(kept: none\)"):
        Store(db).rollback(to=1)


def test_pruning_keeps_the_last_five(db: Path) -> None:
    store = Store(db)
    for n in range(1, 8):
        store.write(lambda con, n=n: _set(con, str(n)))
    assert KEEP_VERSIONS == 5
    assert [v.number for v in store.versions()] == [3, 4, 5, 6, 7]
    assert sorted(p.name for p in store.dir.glob("v*.duckdb")) == [
        f"v{n:06d}.duckdb" for n in range(3, 8)]


def test_pointer_switch_is_atomic(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(db)
    store.write(lambda con: _set(con, "one"))

    def fail(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("pmo_data.store.os.fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        store.write(lambda con: _set(con, "two"))
    assert store.pointer.read_text() == "v000001.duckdb\n"
    assert store.current().number == 1
    assert snapshot(store.current().path)["saved_settings"][0][2] == "one"


def test_pointer_naming_a_missing_file_means_no_version(db: Path) -> None:
    store = Store(db)
    store.write(lambda con: None)
    store.pointer.write_text("v000009.duckdb\n")
    assert store.current() is None
    store.pointer.write_text("garbage\n")
    assert store.current() is None


def test_writers_are_serialised(db: Path) -> None:
    import fcntl

    store = Store(db)
    store.write(lambda con: None)
    with open(store.dir / ".lock", "a+b") as other:  # another writer holds the lock
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another import is still running"):
            with store._lock(timeout=0.2):
                pass
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    assert store.write(lambda con: None)[0].number == 2


# --- readers are never blocked and never see a half-written version ----------------------


def test_reader_of_the_old_version_keeps_reading_old_data(db: Path) -> None:
    import_files([("p.csv", projects_csv("P1"))], db)
    old = Store(db).current()
    reader = duckdb.connect(str(old.path), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM projects").fetchone() == (1,)
        report = import_files([("p.csv", projects_csv("P1", "P2", "P3"))], db)
        assert report.version == 2 and report.exit_code == 0
        assert reader.execute("SELECT count(*) FROM projects").fetchone() == (1,)
        assert count_projects(Store(db).current().path) == 3
    finally:
        reader.close()
    with Database(old.path) as again:  # the old version file itself never changed
        assert again.scalar("SELECT count(*) FROM projects") == 1


def test_read_only_connection_on_current_does_not_block_an_import(db: Path) -> None:
    import_files([("p.csv", projects_csv("P1"))], db)
    with Database(Store(db).current().path) as serving:
        for n in (2, 3):
            report = import_files([("p.csv", projects_csv(*[f"P{i}" for i in range(n)]))], db)
            assert report.version == n
        assert serving.scalar("SELECT count(*) FROM projects") == 1
        assert [v.number for v in Store(db).versions()] == [1, 2, 3]


def test_reader_in_another_process_does_not_block_an_import(db: Path) -> None:
    import_files([("p.csv", projects_csv("P1"))], db)
    script = textwrap.dedent("""
        import sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        print(con.execute("SELECT count(*) FROM projects").fetchone()[0], flush=True)
        sys.stdin.readline()
        print(con.execute("SELECT count(*) FROM projects").fetchone()[0], flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script, str(Store(db).current().path)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env())
    try:
        assert child.stdout.readline().strip() == "1"
        report = import_files([("p.csv", projects_csv("P1", "P2"))], db)
        assert report.version == 2 and report.exit_code == 0
        out, _ = child.communicate("\n", timeout=30)
        assert out.strip() == "1"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert count_projects(Store(db).current().path) == 2


def test_import_in_another_process_while_this_one_serves(db: Path, tmp_path: Path) -> None:
    import_files([("p.csv", projects_csv("P1"))], db)
    export = tmp_path / "register.csv"
    export.write_bytes(projects_csv("P1", "P2", "P3", "P4"))
    with Database(Store(db).current().path) as serving:
        done = subprocess.run([sys.executable, "-m", "pmo_data", "import", str(export),
                               "--db", str(db)], capture_output=True, text=True, env=env(),
                              cwd=tmp_path, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "into version 2" in done.stdout
        assert serving.scalar("SELECT count(*) FROM projects") == 1
    assert count_projects(Store(db).current().path) == 4


# --- imports that fail or are killed change nothing --------------------------------------


def _first_import(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    report = import_files([
        ("p.csv", projects_csv("P1", "P2")),
        ("r.csv", REPORTS + b"P1,30/04/2025,G\r\n"),
        ("t.csv", TRAINING + b"1,Intro,01/04/2025,Attended\r\n"),
    ], db)
    assert report.version == 1
    return snapshot(Store(db).current().path)


def test_import_failing_midway_leaves_everything_as_it_was(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _first_import(db)
    store = Store(db)
    real = ingest.insert_rows
    calls: list[str] = []

    def fail_after_first_table(con: Any, source: str, rows: Any) -> int:
        calls.append(source)
        if len(calls) > 1:
            raise RuntimeError("disk on fire")
        return real(con, source, rows)

    monkeypatch.setattr(ingest, "insert_rows", fail_after_first_table)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_files([("p.csv", projects_csv("P7", "P8", "P9")),
                      ("r.csv", REPORTS + b"P7,31/05/2025,R\r\n"),
                      ("t.csv", TRAINING + b"2,Intro,02/04/2025,DNA\r\n")], db)
    assert len(calls) == 2  # the first table really was written inside the transaction
    assert store.current().number == 1
    assert [v.number for v in store.versions()] == [1]
    assert snapshot(store.current().path) == before
    assert leftovers(store) == []
    monkeypatch.setattr(ingest, "insert_rows", real)
    report = import_files([("p.csv", projects_csv("P7"))], db)
    assert report.version == 2 and report.exit_code == 0
    assert leftovers(store) == []
    assert {p.parent for p in db.parent.rglob("*.tmp")} == set()


def test_killed_import_leaves_the_previous_version_serving(db: Path, tmp_path: Path) -> None:
    before = _first_import(db)
    store = Store(db)
    marker = tmp_path / "writing"
    script = textwrap.dedent(f"""
        import pathlib, time
        from pmo_data import ingest
        real = ingest.insert_rows
        def slow(con, source, rows):
            count = real(con, source, rows)
            pathlib.Path({str(marker)!r}).write_text("x")
            time.sleep(120)
            return count
        ingest.insert_rows = slow
        ingest.import_files([("p.csv", {projects_csv("K1", "K2")!r})], {str(db)!r})
    """)
    child = subprocess.Popen([sys.executable, "-c", script], env=env())
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the importing child exited early"
            assert time.monotonic() < deadline, "the importing child never started writing"
            time.sleep(0.05)
        assert any(p.name.endswith(".tmp") for p in store.dir.iterdir())  # mid-write
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert store.pointer.read_text() == "v000001.duckdb\n"
    assert store.current().number == 1
    assert snapshot(store.current().path) == before
    with Database(store.current().path) as con:
        assert con.scalar("SELECT count(*) FROM projects") == 2
    report = import_files([("p.csv", projects_csv("N1"))], db)
    assert report.version == 2 and report.exit_code == 0
    assert count_projects(store.current().path) == 1
    assert leftovers(store) == []
