"""The SQL box against attacks: the corpus in tests/data/sql_attacks, and its walls one by one.

Each corpus file is one attack: a comment naming the finding or variant it reproduces, an
``-- expect:`` line (a regular expression the refusal must match), then the SQL. Placeholders
``{version}`` and ``{dir}`` become the served version's path and its folder, so the attacks
aim at the real file. Every attack must be refused in one sentence that names no server path,
leave the version byte-identical with no write-ahead log beside it, create no file, and leave
the figures the command line reports unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pmo_data import explore, isolate
from pmo_data.db import Database, insert_rows
from pmo_data.sealed import UnsealedVersion, wal_path
from pmo_data.sqlbox import SqlSettings
from pmo_data.store import Store

CORPUS = sorted((Path(__file__).parent / "data" / "sql_attacks").glob("*.sql"))
ROOT = Path(__file__).resolve().parent.parent


def _training_rows() -> list[dict]:
    return [{"staff_id": f"S{i}", "course": "Project basics", "session_date": "2025-05-01",
             "attendance": "Attended" if i % 4 else "Did not attend", "service_group": "Surgery"}
            for i in range(1, 41)]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store with one published version: 30 of 40 staff attended (the figure an
    attacker wants to change)."""
    db = tmp_path_factory.mktemp("box") / "pmo.duckdb"
    version, _ = Store(db).write(lambda con: insert_rows(con, "training", _training_rows()))
    return db


def _version(db: Path) -> Path:
    current = Store(db).current()
    assert current is not None
    return current.path


def _trained(db: Path) -> object:
    out = subprocess.run([sys.executable, "-m", "pmo_data", "metrics", "--db", str(db),
                          "--fy", "2025/26", "--as-at", "2025-06-30", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["trained_staff"]["value"]


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file()}


def _attack(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    expect = next(line.split(":", 1)[1].strip() for line in lines
                  if line.startswith("-- expect:"))
    sql = "\n".join(line for line in lines if not line.startswith("-- "))
    return expect, sql


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 40  # the findings plus at least 20 variants


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_attack_is_refused_and_changes_nothing(served: Path, path: Path) -> None:
    version = _version(served)
    folder = version.parent
    before = _files(folder)
    expect, template = _attack(path)
    sql = template.replace("{version}", str(version)).replace("{dir}", str(folder))
    # An attack expected to hit the memory wall gets time enough to reach it on a loaded
    # machine (else the clock could stop it first and the memory wall go untested).
    timeout = 15 if "memory" in expect else 2
    result = explore.run_sql(version, sql, SqlSettings(timeout_s=timeout))
    assert not result.ok, f"{path.name} ran: {result.frame}"
    assert re.search(expect, result.error), result.error
    assert "\n" not in result.error and result.error.endswith(".")
    assert str(folder) not in result.error  # no server path in the answer
    assert not wal_path(version).exists()
    assert _files(folder) == before  # the version byte-identical, no file added
    assert Database(version).scalar("SELECT count(*) FROM training") == 40


def test_figures_unchanged_after_the_corpus(served: Path) -> None:
    # runs after the corpus in file order: the command line still sees 30 trained
    assert _trained(served) == 30


def test_a_million_literal_in_list_is_refused_before_parsing(served: Path) -> None:
    sql = "SELECT 1 WHERE 1 IN (" + ",".join(str(i) for i in range(1_000_000)) + ")"
    result = explore.run_sql(_version(served), sql)
    assert not result.ok and "characters long" in result.error
    assert result.elapsed_s < 1  # refused by length, no child started


def test_a_bomb_never_touches_the_servers_memory(served: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = explore.run_sql(_version(served), "SELECT length(lpad('x', 2000000000, 'y'))",
                             SqlSettings(timeout_s=2))
    assert not result.ok
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # the 2 GB string lived (and died) in the child


def test_a_constant_folding_bomb_stops_near_its_limit(served: Path) -> None:
    # DuckDB's interrupt does not reach constant folding; the child's alarm does
    result = explore.run_sql(_version(served), "SELECT length(lpad('x', 2000000000, 'y'))",
                             SqlSettings(timeout_s=2, memory_limit="4GB",
                                         address_space_mb=8192))
    assert not result.ok
    assert result.elapsed_s < 2 + 5, result.elapsed_s


def test_ordinary_queries_still_run(served: Path) -> None:
    version = _version(served)
    result = explore.run_sql(version, """
        WITH a AS (SELECT attendance, count(*) AS n FROM training GROUP BY ALL)
        SELECT attendance, n, round(100.0 * n / sum(n) OVER (), 1) AS pct,
               strftime(DATE '2025-04-01', '%d/%m/%Y') AS since
        FROM a ORDER BY n DESC""")
    assert result.ok, result.error
    assert result.frame.to_dict("list") == {
        "attendance": ["Attended", "Did not attend"], "n": [30, 10], "pct": [75.0, 25.0],
        "since": ["01/04/2025", "01/04/2025"]}
    summary = explore.run_sql(version, "SUMMARIZE SELECT * FROM training")
    assert summary.ok, summary.error
    views = explore.run_sql(version, "SELECT count(*) AS n FROM training_person_year")
    assert views.ok, views.error


def test_a_version_with_a_wal_beside_it_is_refused_everywhere(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    Store(db).write(lambda con: insert_rows(con, "training", _training_rows()))
    version = _version(db)
    # plant a log the way the old attack did: a write to a copy, its log moved beside
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(version.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("SET checkpoint_threshold = '1TB'")
    con.execute("UPDATE training SET attendance = 'Attended'")
    con.close()
    wal_path(copy).rename(wal_path(version))
    with pytest.raises(UnsealedVersion, match="write-ahead log"):
        Database(version)
    box = explore.run_sql(version, "SELECT count(*) FROM training")
    assert not box.ok and "write-ahead log" in box.error
    cli = subprocess.run([sys.executable, "-m", "pmo_data", "metrics", "--db", str(db),
                          "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cli.returncode != 0 and "write-ahead log" in cli.stderr
    assert "Traceback" not in cli.stderr and len(cli.stderr.strip().splitlines()) == 1
    # a new import starts from the published file alone and is served cleanly
    Store(db).write(lambda con: None)
    assert Database(_version(db)).scalar(
        "SELECT count(*) FILTER (WHERE attendance = 'Attended') FROM training") == 30


def test_the_store_never_publishes_a_log(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    store = Store(db)
    for _ in range(3):
        store.write(lambda con: insert_rows(con, "training", _training_rows()))
    assert not list(store.dir.glob("*.wal"))
    version = _version(db)
    assert version.stat().st_mode & 0o222 == 0  # published read-only


# --- the child process's limits, one by one ------------------------------------------------


def _probe(action: str, **limits: object) -> isolate.Outcome:
    return isolate.run("pmo_data.isolate:probe", action.encode(), isolate.Limits(**limits))


def test_child_answers() -> None:
    outcome = _probe("echo")
    assert outcome.status == "ok" and outcome.output == b"echo"


def test_child_address_space_limit() -> None:
    assert _probe("alloc:900", address_space_mb=600).status == "memory"
    assert _probe("alloc:50", address_space_mb=600).status == "ok"


def test_child_wall_clock() -> None:
    outcome = _probe("sleep", wall_s=1)
    assert outcome.status == "timeout" and outcome.elapsed_s < 4


def test_child_cpu_limit() -> None:
    outcome = _probe("spin", cpu_s=1, wall_s=30)
    assert outcome.status == "timeout" and outcome.elapsed_s < 10


def test_child_output_cap() -> None:
    assert _probe("emit:2000", max_output_bytes=1000).status == "too_large"
    assert _probe("emit:1000", max_output_bytes=1000).output == b"x" * 1000


def test_child_cannot_write_files(tmp_path: Path) -> None:
    target = tmp_path / "written.txt"
    outcome = _probe(f"write:{target}")
    assert outcome.status == "ok" and outcome.output.startswith(b"refused")
    assert not target.exists() or target.stat().st_size == 0


def test_only_engine_entry_points_run_in_a_child() -> None:
    with pytest.raises(ValueError):
        isolate.run("os:system", b"")
