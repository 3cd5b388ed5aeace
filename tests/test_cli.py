"""Command line (a contract, docs/contract.md): exit codes, stderr problem lines, --db, PMO_DB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmo_data import cli, ingest
from pmo_data.store import Store

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = "Project ID,Project Name,Service Group,Stage,Start Date,Planned End Date\n"
GOOD = PROJECTS + "P1,E-obs,Medicine,Delivery,01/04/2025,31/03/2026\n"
MIXED = GOOD + "P2,Theatres,Surgery,Purple,01/04/2025,31/03/2026\n" \
    + "P3,Discharge,Surgery,Planning,31/02/2026,31/03/2026\n"
BAD = PROJECTS + "P2,Theatres,Surgery,Purple,01/04/2025,31/03/2026\n"
STAGE_ERROR = ("not a known stage; expected one of Pipeline, Initiation, Planning, Delivery, "
               "Closure, Closed, On hold, Cancelled (Purple)")


@pytest.fixture(autouse=True)
def no_ambient_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the developer's data/pmo.duckdb: run in tmp_path without PMO_DB."""
    monkeypatch.delenv("PMO_DB", raising=False)
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_import_all_loaded_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path, "register.csv", GOOD)
    db = tmp_path / "db" / "pmo.duckdb"
    code, out, err = run(capsys, "import", str(export), "--db", str(db))
    assert code == 0
    assert err == []
    assert out == ["register.csv:register: projects, 1 rows read, 1 valid, 0 rejected",
                   "loaded 1 rows into version 1; 0 problems"]
    assert Store(db).current().number == 1


def test_import_some_rejected_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path, "register.csv", MIXED)
    code, out, err = run(capsys, "import", str(export), "--db", str(tmp_path / "pmo.duckdb"))
    assert code == 1
    assert err == [f"register.csv:register:3:Stage: {STAGE_ERROR}",
                   "register.csv:register:4:Start Date: impossible date (31/02/2026)"]
    assert out[-1] == "loaded 1 rows into version 1; 2 problems"


def test_import_nothing_loaded_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path, "register.csv", BAD)
    db = tmp_path / "pmo.duckdb"
    code, out, err = run(capsys, "import", str(export), "--db", str(db))
    assert code == 2
    assert err == [f"register.csv:register:2:Stage: {STAGE_ERROR}"]
    assert out[-1] == "nothing loaded; the database is unchanged"
    assert Store(db).current() is None


def test_import_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path, "register.csv", MIXED)
    db = tmp_path / "pmo.duckdb"
    code, out, err = run(capsys, "import", str(export), "--db", str(db), "--strict")
    assert code == 2
    assert len(err) == 2
    assert out[-1] == ("nothing loaded; the database is unchanged (--strict: nothing loaded "
                       "because of the problems)")
    assert Store(db).current() is None


def test_import_folder_of_several_files(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "a.csv", GOOD)
    write(folder, "b.csv", "Assignment Number,Course Name,Course Date,Attendance Status\n"
                           "1,Intro,01/04/2025,DNA\n")
    write(folder, "readme.md", "not an export")
    code, out, err = run(capsys, "import", str(folder), "--db", str(tmp_path / "pmo.duckdb"))
    assert (code, err) == (0, [])
    assert out == ["a.csv:a: projects, 1 rows read, 1 valid, 0 rejected",
                   "b.csv:b: training, 1 rows read, 1 valid, 0 rejected",
                   "loaded 2 rows into version 1; 0 problems"]


def test_validate_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "pmo.duckdb"
    monkeypatch.setenv("PMO_DB", str(db))
    for text, expected in ((GOOD, 0), (MIXED, 1), (BAD, 2)):
        export = write(tmp_path, "register.csv", text)
        code, out, err = run(capsys, "validate", str(export))
        assert code == expected
        assert out[-1].startswith("validated: ") and out[-1].endswith("(nothing written)")
        assert all(line.startswith("register.csv:register:") for line in err)
    assert not db.exists() and not Store(db).dir.exists()
    assert not (tmp_path / "data").exists()


def test_missing_path_is_one_line_exit_2(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-export.csv"
    for command in ("import", "validate"):
        code, out, err = run(capsys, command, str(missing), *(
            ["--db", str(tmp_path / "pmo.duckdb")] if command == "import" else []))
        assert code == 2
        assert err == [f"{missing}:-:-:-: no such file or folder"]
        assert not any("Traceback" in line for line in out + err)


def test_unreadable_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(os.urandom(2048))
    code, _, err = run(capsys, "validate", str(broken))
    assert code == 2
    assert err == ["broken.xlsx:-:-:-: not a valid .xlsx workbook (the file is damaged or of "
                   "another type)"]


def test_unexpected_failure_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "insert_rows", broken)
    export = write(tmp_path, "register.csv", GOOD)
    db = tmp_path / "pmo.duckdb"
    code, _, err = run(capsys, "import", str(export), "--db", str(db))
    assert code == 2
    assert err == ["import: RuntimeError: disk on fire"]
    assert Store(db).current() is None


def test_pmo_db_environment_variable_and_db_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "env" / "pmo.duckdb"
    from_option = tmp_path / "option" / "pmo.duckdb"
    monkeypatch.setenv("PMO_DB", str(from_env))
    export = write(tmp_path, "register.csv", GOOD)
    assert run(capsys, "import", str(export))[0] == 0
    assert Store(from_env).current().number == 1
    assert run(capsys, "import", str(export), "--db", str(from_option))[0] == 0
    assert Store(from_option).current().number == 1
    assert Store(from_env).current().number == 1  # --db wins over PMO_DB
    code, out, _ = run(capsys, "versions")
    assert (code, out) == (0, [f"* 1\t{Store(from_env).dir / 'v000001.duckdb'}"])
    assert not (tmp_path / "data").exists()


def test_default_database_is_data_pmo_duckdb(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path, "register.csv", GOOD)
    assert run(capsys, "import", str(export))[0] == 0
    assert Store(tmp_path / "data" / "pmo.duckdb").current().number == 1


def test_rollback_and_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "pmo.duckdb"
    monkeypatch.setenv("PMO_DB", str(db))
    code, out, err = run(capsys, "rollback")
    assert code == 2
    assert err == ["rollback: there is no earlier version to roll back to"]
    export = write(tmp_path, "register.csv", GOOD)
    for _ in range(3):
        assert run(capsys, "import", str(export))[0] == 0
    code, out, err = run(capsys, "rollback")
    assert (code, out, err) == (0, ["current version is now 2 (v000002.duckdb)"], [])
    code, out, _ = run(capsys, "versions")
    assert out == [f"  1\t{Store(db).dir / 'v000001.duckdb'}",
                   f"* 2\t{Store(db).dir / 'v000002.duckdb'}",
                   f"  3\t{Store(db).dir / 'v000003.duckdb'}"]
    code, out, _ = run(capsys, "rollback", "--to", "3", "--db", str(db))
    assert (code, out) == (0, ["current version is now 3 (v000003.duckdb)"])
    code, out, err = run(capsys, "rollback", "--to", "9")
    assert code == 2
    assert err == ["rollback: version 9 is not kept (kept: 1, 2, 3)"]
    assert Store(db).current().number == 3


def test_versions_of_an_empty_database(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "versions", "--db", str(tmp_path / "none.duckdb")) == (0, [], [])


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_module_entry_point_validate(tmp_path: Path) -> None:
    export = write(tmp_path, "register.csv", MIXED)
    done = subprocess.run([sys.executable, "-m", "pmo_data", "validate", str(export)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"register.csv:register:3:Stage: {STAGE_ERROR}",
        "register.csv:register:4:Start Date: impossible date (31/02/2026)"]
    assert done.stdout.splitlines()[-1] == "validated: 1 rows valid, 2 problems (nothing written)"


def test_demo_then_import_loads_every_source(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pmo_data.demo")
    from pmo_data.schema import SOURCES

    out_dir = tmp_path / "sample"
    code, out, err = run(capsys, "demo", "--out", str(out_dir), "--as-at", "2026-11-21")
    assert code == 0, err
    assert out and all(Path(line).exists() for line in out)
    db = tmp_path / "pmo.duckdb"
    code, out, err = run(capsys, "import", str(out_dir), "--db", str(db))
    assert code in (0, 1), err
    assert not any("Traceback" in line for line in err)
    version = Store(db).current()
    assert version is not None
    from pmo_data.db import Database

    with Database(version.path) as con:
        for name in SOURCES:
            assert con.scalar(f"SELECT count(*) FROM {name}") > 0, name
