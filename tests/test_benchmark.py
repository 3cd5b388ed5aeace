"""Benchmarking snapshots: export with suppression and a preview, import with validation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_data import benchmark
from pmo_data.benchmark import Organisation, Snapshot, SnapshotRow
from pmo_data.cli import main
from pmo_data.db import Database, insert_rows
from pmo_data.store import Store

ORG = Organisation("RZZ", "Test Hospitals NHS Trust", 5000)


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "benchmark.toml"
    path.write_text('[organisation]\ncode = "RZZ"\nname = "Test Hospitals NHS Trust"\n'
                    "headcount = 5000\n", encoding="utf-8")
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(path))
    return path


def _risks(n: int) -> list[dict]:
    return [{"raid_id": f"R{i}", "project_id": "P1", "raid_type": "Risk", "title": "t",
             "status": "Open", "likelihood": 5, "impact": 4, "raised_date": date(2025, 5, 1)}
            for i in range(n)]


def _training(attended: int, dna: int) -> list[dict]:
    rows = [{"staff_id": f"S{i}", "course": "Intro", "session_date": date(2025, 6, 2),
             "attendance": "Attended"} for i in range(attended)]
    rows += [{"staff_id": f"D{i}", "course": "Intro", "session_date": date(2025, 6, 2),
              "attendance": "Did not attend"} for i in range(dna)]
    return rows


def _db(tmp_path: Path, name: str, risks: int, attended: int = 20, dna: int = 4) -> Path:
    path = tmp_path / f"{name}.duckdb"
    Store(path).write(lambda con: (insert_rows(con, "raid", _risks(risks)),
                                   insert_rows(con, "training", _training(attended, dna))))
    return path


def _snapshot(db: Path, **kw: object) -> Snapshot:
    with Database(Store(db).current().path) as con:
        return benchmark.build_snapshot(con, "2025/26", date(2026, 3, 31), ORG, **kw)


def _row(snapshot: Snapshot, code: str) -> SnapshotRow:
    return next(r for r in snapshot.rows if r.code == code)


def test_suppression_boundary_4_suppressed_5_shown(tmp_path: Path) -> None:
    four = _snapshot(_db(tmp_path, "four", risks=4, dna=4))
    five = _snapshot(_db(tmp_path, "five", risks=5, dna=5))
    assert _row(four, "OPEN_HIGH_RISKS") == SnapshotRow("OPEN_HIGH_RISKS", None, None, None,
                                                        "count", "down", None, True)
    assert _row(five, "OPEN_HIGH_RISKS").value == 5 and not _row(five, "OPEN_HIGH_RISKS"
                                                                 ).suppressed
    dna4, dna5 = _row(four, "TRAINING_DNA_RATE"), _row(five, "TRAINING_DNA_RATE")
    assert dna4.suppressed and (dna4.value, dna4.numerator, dna4.denominator) == (None,) * 3
    assert (dna5.numerator, dna5.denominator) == (5, 25) and dna5.value == pytest.approx(20)
    assert not dna5.suppressed
    # zero identifies nobody; the trust's own view of itself is not suppressed
    zero = benchmark.suppress(SnapshotRow("X", 0, 0, None, "count", "down", None))
    assert not zero.suppressed and zero.value == 0
    assert _row(_snapshot(_db(tmp_path, "own", risks=4), disclose=True),
                "OPEN_HIGH_RISKS").value == 4
    # a rate with a small denominator is suppressed too
    assert benchmark.suppress(SnapshotRow("R", 50.0, 2, 4, "%", "up", None)).suppressed


def test_export_writes_parquet_and_csv_twin_with_suppressed_cells(tmp_path: Path) -> None:
    db = _db(tmp_path, "trust", risks=3)
    out = tmp_path / "out"
    assert main(["benchmark", "export", "--db", str(db), "--fy", "2025/26", "--as-at",
                 "2026-03-31", "--out", str(out)]) == 0
    parquet = out / "pmo-benchmark-RZZ-2025-26.parquet"
    csv = parquet.with_suffix(".csv")
    frame = duckdb.read_parquet(str(parquet)).df()
    assert list(frame.columns) == list(benchmark.SNAPSHOT_COLUMNS)
    assert set(frame["org_code"]) == {"RZZ"} and set(frame["fy"]) == {"2025/26"}
    risk = frame[frame["code"] == "OPEN_HIGH_RISKS"].iloc[0]
    assert bool(risk["suppressed"]) and pd.isna(risk["value"])
    text = csv.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(benchmark.SNAPSHOT_COLUMNS)
    line = next(x for x in text.splitlines() if "OPEN_HIGH_RISKS" in x)
    assert ",OPEN_HIGH_RISKS,,,,count,down,,true" in line  # empty, flagged: never 0
    # aggregates only: nothing from the rows themselves
    assert "S1" not in text and "Intro" not in text


def test_dry_run_says_what_it_holds_and_writes_nothing(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    db = _db(tmp_path, "trust", risks=3)
    out = tmp_path / "out"
    assert main(["benchmark", "export", "--db", str(db), "--fy", "2025/26", "--as-at",
                 "2026-03-31", "--out", str(out), "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert not out.exists()
    assert "Organisation: RZZ Test Hospitals NHS Trust; headcount 5,000" in shown
    assert "Financial year 2025/26, as at 2026-03-31" in shown
    assert "OPEN_HIGH_RISKS          suppressed (a count under 5)" in shown
    assert "TRAINING_DNA_RATE        suppressed (a count under 5)" in shown  # 4 DNA
    assert "TRAINED_STAFF            20" in shown
    assert "dry run: nothing written" in shown


def test_placeholder_organisation_is_flagged_and_refused_by_peers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(tmp_path / "absent.toml"))
    db = _db(tmp_path, "trust", risks=6)
    assert main(["benchmark", "export", "--db", str(db), "--out", str(tmp_path / "o")]) == 0
    assert "warning: the organisation is the placeholder XXX" in capsys.readouterr().err
    written = next((tmp_path / "o").glob("*.parquet"))
    result = benchmark.import_paths([written], tmp_path / "peer.duckdb")
    assert result.version is None and len(result.problems) == 1
    assert "org_code: the placeholder XXX" in result.problems[0]


def _write(tmp_path: Path, frame: pd.DataFrame, name: str) -> tuple[str, bytes]:
    path = tmp_path / name
    con = duckdb.connect()
    rel = con.from_df(frame)
    if name.endswith(".csv"):
        rel.write_csv(str(path), header=True)
    else:
        rel.write_parquet(str(path))
    con.close()
    return name, path.read_bytes()


def _good(org: str = "RA1", name: str = "Eastmoor NHS Trust", value: float = 80.0
          ) -> pd.DataFrame:
    snap = Snapshot(Organisation(org, name, 4000), "2025/26", date(2026, 3, 31), (
        SnapshotRow("HIGHLIGHT_COMPLIANCE", value, value / 2, 50, "%", "up", 90.0),
        SnapshotRow("OPEN_HIGH_RISKS", 12, 12, None, "count", "down", None),
        SnapshotRow("TRAINED_STAFF", None, None, None, "count", "up", None, True)))
    return benchmark.snapshot_frame(snap)


def _edit(frame: pd.DataFrame, **changes: object) -> pd.DataFrame:
    out = frame.copy()
    for column, value in changes.items():
        out[column] = out[column].astype(object)
        out.loc[0, column] = value
    return out


BAD = {
    "version.parquet": (lambda f: f.assign(schema_version=2),
                        "version.parquet: unknown schema version 2 (this dashboard reads "
                        "version 1); nothing loaded from this file"),
    "rows.parquet": (lambda f: f.assign(staff_id="S1"),
                     "rows.parquet: holds columns a snapshot may not (staff_id): snapshots "
                     "carry aggregates only, no row-level data or free text; nothing loaded "
                     "from this file"),
    "dupe.parquet": (lambda f: pd.concat([f, f.iloc[[0]]]),
                     "dupe.parquet: duplicate organisation and FY: RA1 2025/26 has "
                     "HIGHLIGHT_COMPLIANCE more than once; nothing loaded from this file"),
    "pct.parquet": (lambda f: _edit(f, value=140.0, numerator=None, denominator=None),
                    "pct.parquet:1:value: a percentage must be between 0 and 100 (140.0); "
                    "nothing loaded from this file"),
    "small.csv": (lambda f: _edit(f, numerator=3.0, value=6.0),
                  "small.csv:2:numerator: a count under 5 that should have been suppressed "
                  "(3.0); nothing loaded from this file"),
    "over.parquet": (lambda f: _edit(f, numerator=60.0, value=120.0),
                     "over.parquet:1:value: a percentage must be between 0 and 100 (120.0); "
                     "nothing loaded from this file"),
    "many.parquet": (lambda f: pd.concat([f] * 700, ignore_index=True),
                     "many.parquet: holds 2,100 rows, more than 2,000: a snapshot has one row "
                     "per metric, so this looks like row-level data; nothing loaded from this "
                     "file"),
    "nover.parquet": (lambda f: f.drop(columns=["schema_version"]),
                      "nover.parquet: not a benchmarking snapshot (no schema_version column); "
                      "nothing loaded from this file"),
}


def test_each_bad_file_gets_one_line_and_loads_nothing(tmp_path: Path) -> None:
    files = [_write(tmp_path, make(_good()), name) for name, (make, _) in BAD.items()]
    files.append(("notes.txt", b"project names and staff"))
    files.append(_write(tmp_path, _good(), "good.parquet"))
    db = tmp_path / "pmo.duckdb"
    result = benchmark.import_snapshots(files, db)
    assert list(result.problems) == [line for _, line in BAD.values()] + [
        "notes.txt: not a benchmarking snapshot (neither Parquet nor CSV); nothing loaded "
        "from this file"]
    assert result.loaded == (("RA1", "Eastmoor NHS Trust", "2025/26", "good.parquet"),)
    assert result.version == 1 and result.exit_code == 1
    with Database(Store(db).current().path) as con:
        rows = benchmark.snapshot_rows(con)
    assert len(rows) == 3 and set(rows["org_code"]) == {"RA1"}


def test_a_new_snapshot_replaces_the_peers_earlier_one_for_the_same_fy(tmp_path: Path
                                                                      ) -> None:
    db = tmp_path / "pmo.duckdb"
    first = benchmark.import_snapshots([_write(tmp_path, _good(value=80.0), "a.parquet"),
                                        _write(tmp_path, _good("RB2", "Westvale"),
                                               "b.csv")], db)
    assert first.version == 1 and first.exit_code == 0
    later = _good(value=60.0, name="Eastmoor Hospitals NHS Trust")
    assert benchmark.import_snapshots([_write(tmp_path, later, "a2.parquet")], db).version == 2
    with Database(Store(db).current().path) as con:
        rows = benchmark.snapshot_rows(con)
    eastmoor = rows[rows["org_code"] == "RA1"]
    assert len(eastmoor) == 3 and set(eastmoor["org_name"]) == {"Eastmoor Hospitals NHS Trust"}
    assert eastmoor[eastmoor["code"] == "HIGHLIGHT_COMPLIANCE"]["value"].tolist() == [60.0]
    assert len(rows[rows["org_code"] == "RB2"]) == 3  # the other peer is untouched
    assert [v.number for v in Store(db).versions()] == [1, 2]  # through the store


def test_cli_import_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, data = _write(tmp_path, _good(), "good.parquet")
    bad_name, _ = _write(tmp_path, _good().assign(schema_version=9), "bad.parquet")
    db = str(tmp_path / "pmo.duckdb")
    assert main(["benchmark", "import", str(tmp_path / bad_name), "--db", db]) == 2
    assert "unknown schema version 9" in capsys.readouterr().err
    assert main(["benchmark", "import", str(tmp_path / name), "--db", db]) == 0
    assert "loaded RA1 Eastmoor NHS Trust 2025/26 from good.parquet" in capsys.readouterr().out


def test_snapshot_matches_the_metrics_command(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = _db(tmp_path, "trust", risks=7, dna=6)
    assert main(["metrics", "--db", str(db), "--fy", "2025/26", "--as-at", "2026-03-31",
                 "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    for row in _snapshot(db).rows:
        assert row.value == shown[row.code.lower()]["value"], row.code
        assert row.numerator == shown[row.code.lower()]["numerator"], row.code
