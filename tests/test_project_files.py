"""Microsoft Project files read with MPXJ: files built at test time with MPXJ's MSPDI and
MPX writers (project_support), what one file becomes, per-project replace, bad files in
one line, and the JVM started lazily, once, only for such files."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from project_support import Task, sample_tasks, write_project

from pmo_data import project_files
from pmo_data.ingest import import_files, import_paths
from pmo_data.store import Store

ROOT = Path(__file__).resolve().parent.parent


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("suffix", [".xml", ".mpx"])
def test_project_file_reads_the_project_and_its_milestones(tmp_path: Path, suffix: str) -> None:
    path = write_project(tmp_path / f"P0123 EPR rollout{suffix}", sample_tasks(9))
    data = project_files.read_project(path.read_bytes(), path.name)
    assert data.title == "EPR rollout"
    assert (data.start, data.finish) == (date(2025, 4, 1), date(2025, 5, 27))
    assert data.baseline_finish == date(2025, 5, 25)  # the latest baseline finish
    assert data.task_count == 9 and len(data.milestones) == 3
    first = data.milestones[0]
    assert (first.name, first.baseline_finish, first.finish, first.actual_finish) == (
        "Milestone 2", date(2025, 4, 13), date(2025, 4, 15), date(2025, 4, 15))
    assert data.percent_complete is not None and 0 < data.percent_complete < 100


def test_mspdi_file_imports_as_one_project(tmp_path: Path) -> None:
    path = write_project(tmp_path / "P0123 EPR rollout.xml", sample_tasks(9))
    db = tmp_path / "pmo.duckdb"
    report = import_paths([path], db)
    assert report.problems == () and report.loaded == {"projects": 1, "milestones": 3}
    lines = report.summary_lines()
    assert lines[0].startswith("P0123 EPR rollout.xml:project: projects (project file read "
                               "with MPXJ: 9 tasks, 3 milestones; ")
    assert rows(db, "SELECT project_id, project_name, service_group, stage, start_date, "
                    "planned_end_date, forecast_end_date, project_manager, last_updated "
                    "FROM projects") == [
        ("P0123", "EPR rollout", "Medicine", "Delivery", date(2025, 4, 1), date(2025, 5, 25),
         date(2025, 5, 27), "A. Manager", date(2026, 3, 2))]
    assert rows(db, "SELECT milestone, baseline_date, forecast_date, actual_date, status FROM "
                    "milestones ORDER BY baseline_date") == [
        ("Milestone 2", date(2025, 4, 13), date(2025, 4, 15), date(2025, 4, 15), "Complete"),
        ("Milestone 5", date(2025, 5, 4), date(2025, 5, 6), None, "Not started"),
        ("Milestone 8", date(2025, 5, 25), date(2025, 5, 27), None, "Not started")]
    percent, = rows(db, "SELECT percent_complete FROM projects")[0]
    assert percent == pytest.approx(project_files.read_project(
        path.read_bytes(), path.name).percent_complete)


def test_second_project_file_replaces_only_its_own_project(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    first = write_project(tmp_path / "P1 first.xml", sample_tasks(6))
    second = write_project(tmp_path / "P2 second.xml", sample_tasks(3), title="Second")
    import_paths([first], db)
    import_paths([second], db)
    import_paths([first], db)  # again: its rows replace themselves, not P2's
    assert rows(db, "SELECT project_id, count(*) FROM milestones GROUP BY 1 ORDER BY 1") == [
        ("P1", 2), ("P2", 1)]
    assert rows(db, "SELECT project_id FROM projects ORDER BY 1") == [("P1",), ("P2",)]


def test_mpx_without_a_category_needs_the_service_group(tmp_path: Path) -> None:
    path = write_project(tmp_path / "Ward moves.mpx", sample_tasks(3), category=None)
    report = import_paths([path], tmp_path / "pmo.duckdb")
    assert [p.line() for p in report.problems] == [
        "Ward moves.mpx:project:2:Category: required value is missing (blank)"]
    assert "no service group in the file" in report.summary_lines()[0]
    assert report.loaded == {"milestones": 1}
    from pmo_data.profiles import default_options

    options = default_options(tmp_path / "pmo.duckdb", settings={"service_group": "Surgery"})
    report = import_files([(path.name, path.read_bytes())], tmp_path / "pmo.duckdb",
                          mapping=options)
    assert report.problems == ()
    assert rows(tmp_path / "pmo.duckdb", "SELECT project_id, service_group FROM projects") == [
        ("Ward moves", "Surgery")]


def test_milestone_without_baseline_is_a_row_error(tmp_path: Path) -> None:
    tasks = [Task("Build", date(2025, 4, 1), date(2025, 4, 9), 50.0),
             Task("Go live", date(2025, 5, 1), date(2025, 5, 1), milestone=True)]
    path = write_project(tmp_path / "P7.xml", tasks, summary=False)
    report = import_paths([path], tmp_path / "pmo.duckdb")
    assert [p.line() for p in report.problems] == [
        "P7.xml:tasks:2:Baseline Finish: required value is missing (blank)"]
    assert "no baseline in the file: planned end taken from the current finish" in \
        report.summary_lines()[0]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("plan.mpp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048,
     "plan.mpp:-:-:-: not a readable Microsoft Project file (damaged, or of another type)"),
    ("plan.mpp", b"just some text", "plan.mpp:-:-:-: not a readable Microsoft Project file "
                                    "(damaged, or of another type)"),
    ("feed.xml", b"<?xml version='1.0'?><rss><channel/></rss>",
     "feed.xml:-:-:-: this XML file is not a Microsoft Project (MSPDI) project file"),
    ("fake.xml", b"<?xml version='1.0'?><Project><Broken>",
     "fake.xml:-:-:-: this XML file is not a Microsoft Project (MSPDI) project file"),
    ("plan.xer", b"ERMHDR\tnonsense", "plan.xer:-:-:-: not a readable Primavera P6 XER file "
                                      "(damaged, or of another type)"),
    ("plan.mpx", b"", "plan.mpx:-:-:-: the file is empty"),
])
def test_bad_project_files_give_one_line_and_change_nothing(tmp_path: Path, name: str,
                                                            data: bytes, message: str) -> None:
    db = tmp_path / "pmo.duckdb"
    report = import_files([(name, data)], db)
    assert [p.line() for p in report.problems] == [message]
    assert report.exit_code == 2 and Store(db).current() is None


def test_project_with_no_tasks(tmp_path: Path) -> None:
    path = write_project(tmp_path / "empty.xml", [], summary=False)
    report = import_paths([path], tmp_path / "pmo.duckdb")
    assert [p.line() for p in report.problems] == [
        "empty.xml:-:-:-: the project file has no tasks"]


def test_password_protected_mpp_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    class JavaError(Exception):
        pass

    def refuse(path: str, suffix: str) -> None:
        raise project_files.ProjectFileError(
            project_files._explain(JavaError("File is password protected"), suffix))

    monkeypatch.setattr(project_files, "_read_java", refuse)
    result = project_files.resolve(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "secret.mpp")
    assert result.problem == ("the project file is password-protected; save a copy without a "
                              "password and import that")


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_jvm_starts_only_when_a_project_file_arrives(tmp_path: Path) -> None:
    path = write_project(tmp_path / "P9.xml", sample_tasks(3))
    code = (
        "import sys\n"
        "from pmo_data import ingest, project_files\n"
        f"db = {str(tmp_path / 'x.duckdb')!r}\n"
        "ingest.import_files([('p.csv', b'Project ID,Project Name,Service Group,Stage,"
        "Start Date,End Date\\nP1,X,Medicine,Delivery,01/04/2025,01/04/2026\\n')], db)\n"
        "print('jpype' in sys.modules, project_files.jvm_started())\n"
        f"ingest.import_paths([{str(path)!r}], db)\n"
        f"ingest.import_paths([{str(path)!r}], db)\n"
        "print(project_files.jvm_started())\n")
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True"]
    assert done.stderr == ""  # no Java logging noise


def test_java_missing_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    path = write_project(tmp_path / "P9.xml", sample_tasks(3))
    done = subprocess.run([sys.executable, "-m", "pmo_data", "import", str(path), "--db",
                           str(tmp_path / "x.duckdb")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PMO_JVM_PATH": str(tmp_path / "no-libjvm.so")})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "P9.xml:-:-:-: Java is not installed, and Microsoft Project and Primavera files need "
        "it: install a Java runtime (e.g. apt-get install default-jre-headless) or set "
        "PMO_JVM_PATH"]
    assert not (tmp_path / "x.duckdb.d").exists() or Store(tmp_path / "x.duckdb").current() \
        is None
