"""Ingest: problem lines, rejected rows, duplicates, strict mode, replace vs accumulate,
staff names never stored, the imports record, exit codes, and a property test that random
exports never crash the importer and never load a row that breaks the contract."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_data import ingest
from pmo_data.ingest import Problem, import_files, import_paths, show_value
from pmo_data.schema import ROW_MODELS, SOURCES, SOURCES_LIST, VOCABULARIES
from pmo_data.store import Store
from pmo_data.templates import example_value

PROJECTS = ["Project ID", "Project Name", "Service Group", "Stage", "Start Date",
            "Planned End Date"]
REPORTS = ["Project ID", "Report Date", "Overall RAG"]
TRAINING = ["Assignment Number", "Course Title", "Course Date", "Attendance Status"]
STAGES = ("Pipeline, Initiation, Planning, Delivery, Closure, Closed, On hold, Cancelled")


def csv_bytes(header: list[str], *rows: list[Any], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def project(pid: str, stage: str = "Delivery", start: str = "01/04/2025",
            end: str = "31/03/2026", name: str | None = None) -> list[str]:
    return [pid, name or f"Project {pid}", "Medicine", stage, start, end]


def current_path(db: Path) -> Path:
    version = Store(db).current()
    assert version is not None
    return version.path


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(current_path(db)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pmo.duckdb"


# --- problems and rejected rows ----------------------------------------------------------


def test_bad_rows_reported_kept_and_valid_rows_load(db: Path) -> None:
    data = csv_bytes(PROJECTS, project("P1"), project("P2", stage="Purple"),
                     project("P3", start="31/02/2026"), project("  P4 ", stage=" in progress "),
                     ["", "No id", "Medicine", "Delivery", "01/04/2025", "01/04/2026"])
    report = import_files([("register.csv", data)], db, user="tester")
    assert [p.line() for p in report.problems] == [
        f"register.csv:register:3:Stage: not a known stage; expected one of {STAGES} (Purple)",
        "register.csv:register:4:Start Date: impossible date (31/02/2026)",
        "register.csv:register:6:Project ID: required value is missing (blank)",
    ]
    assert report.exit_code == 1
    assert report.loaded == {"projects": 2} and report.version == 1
    assert query(db, "SELECT project_id, stage, source_row FROM projects ORDER BY 1") == [
        ("P1", "Delivery", 2), ("P4", "Delivery", 5)]
    assert query(db, "SELECT import_id, file_name, sheet, source, row_number, column_name, "
                     "message, value FROM rejected_rows ORDER BY row_number") == [
        (1, "register.csv", "register", "projects", 3, "Stage",
         f"not a known stage; expected one of {STAGES}", "Purple"),
        (1, "register.csv", "register", "projects", 4, "Start Date", "impossible date",
         "31/02/2026"),
        (1, "register.csv", "register", "projects", 6, "Project ID",
         "required value is missing", "blank"),
    ]


VOCAB_COLUMNS = [(s.name, c.name) for s in SOURCES_LIST for c in s.columns if c.kind == "vocab"]


def _cell(value: Any) -> Any:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else value


@pytest.mark.parametrize(("source", "column"), VOCAB_COLUMNS)
def test_unknown_vocabulary_value_is_a_row_error_naming_the_column(
    source: str, column: str
) -> None:
    spec = SOURCES[source]
    header = [c.name.replace("_", " ").title() for c in spec.columns]
    good = [_cell(example_value(c)) for c in spec.columns]
    bad = ["Purple" if c.name == column else v for c, v in zip(spec.columns, good, strict=True)]
    batch = ingest.validate_files([(f"{source}.csv", csv_bytes(header, good, bad))])
    title = column.replace("_", " ").title()
    vocab = VOCABULARIES[spec.column(column).vocab or ""]
    assert [p.line() for p in batch.problems] == [
        f"{source}.csv:{source}:3:{title}: not a known {vocab.name.replace('_', ' ')}; "
        f"expected one of {', '.join(vocab.values)} (Purple)"]
    assert len(batch.rows[source]) == 1


def test_several_problems_in_one_row_are_all_reported(db: Path) -> None:
    data = csv_bytes(PROJECTS + ["Priority", "Budget"],
                     project("P1", stage="Purple", end="12/25/2025") + ["9", "-£5"])
    report = import_files([("p.csv", data)], db)
    assert [p.line() for p in report.problems] == [
        f"p.csv:p:2:Stage: not a known stage; expected one of {STAGES} (Purple)",
        "p.csv:p:2:Planned End Date: looks like a US mm/dd/yyyy date; use dd/mm/yyyy "
        "(12/25/2025)",
        "p.csv:p:2:Priority: must be between 1 and 5 (9)",
        "p.csv:p:2:Budget: must not be negative (-£5)",
    ]
    assert report.exit_code == 2 and report.version is None
    assert Store(db).current() is None


def test_line_breaks_in_headers_and_cells_still_give_one_line_per_problem() -> None:
    """Excel headers and cells often hold Alt+Enter line breaks; the report stays one line
    per problem (the command line's contract, docs/contract.md)."""
    data = csv_bytes(["Project ID", "Report\nDate", "Overall\r\nRAG"],
                     ["P1", "30/04/2025", "Amber\n(see notes)"], ["P2", "31/02/2025", "G"])
    batch = ingest.validate_files([("r.csv", data)])
    lines = [p.line() for p in batch.problems]
    assert len(lines) == 2
    for line in lines:
        assert len(line.splitlines()) == 1, repr(line)
    assert lines[0].startswith("r.csv:r:2:Overall RAG: not a known rag;")
    assert lines[0].endswith(" (Amber (see notes))")
    assert lines[1] == "r.csv:r:3:Report Date: impossible date (31/02/2025)"


def test_problem_line_format() -> None:
    assert Problem("a.csv", "a", 7, "Stage", "bad", "x").line() == "a.csv:a:7:Stage: bad (x)"
    assert Problem("a.csv", None, None, None, "the file is empty").line() == \
        "a.csv:-:-:-: the file is empty"


def test_show_value() -> None:
    assert show_value(None) == "blank"
    assert show_value(date(2025, 4, 1)) == "01/04/2025"
    assert show_value(datetime(2025, 4, 1)) == "01/04/2025"
    assert show_value(3.0) == "3"
    assert show_value(" x ") == "x"
    assert show_value("y" * 80) == "y" * 57 + "..."


def test_extra_columns_listed_and_not_stored(db: Path) -> None:
    data = csv_bytes(PROJECTS + ["Colour", "RAG Notes"], project("P1") + ["red", "fine"])
    report = import_files([("p.csv", data)], db)
    assert report.exit_code == 0
    assert report.sheets[0].extra_columns == ("Colour", "RAG Notes")
    assert "p.csv:p: projects, 1 rows read, 1 valid, 0 rejected; not stored: Colour, RAG Notes" \
        in report.summary_lines()
    columns = [r[0] for r in query(db, "SELECT column_name FROM information_schema.columns "
                                       "WHERE table_name = 'projects'")]
    assert "Colour" not in columns and "colour" not in columns
    assert query(db, "SELECT extra_columns FROM imports") == [("Colour, RAG Notes",)]


def test_aliases_only_header_loads(db: Path) -> None:
    data = csv_bytes(["Project Reference", "Title", "Care Group", "Project Stage", "Start",
                      "Planned Finish"], ["P1", "X", "Surgery", "Start up", "45748", "1-Apr-26"])
    import_files([("p.csv", data)], db)
    assert query(db, "SELECT project_id, project_name, service_group, stage, start_date, "
                     "planned_end_date FROM projects") == [
        ("P1", "X", "Surgery", "Initiation", date(2025, 4, 1), date(2026, 4, 1))]


# --- duplicates --------------------------------------------------------------------------


def test_duplicate_keys_in_one_file_reject_every_copy(db: Path) -> None:
    data = csv_bytes(PROJECTS, project("P1"), project("P2"), project("P1", name="Again"))
    report = import_files([("p.csv", data)], db)
    assert [p.line() for p in report.problems] == [
        "p.csv:p:2:Project ID: duplicate project_id (rows: p row 2, p row 4) (P1)",
        "p.csv:p:4:Project ID: duplicate project_id (rows: p row 2, p row 4) (P1)",
    ]
    assert report.exit_code == 1
    assert query(db, "SELECT project_id FROM projects") == [("P2",)]
    assert query(db, "SELECT row_number, value FROM rejected_rows ORDER BY 1") == [
        (2, "P1"), (4, "P1")]
    assert query(db, "SELECT rows_read, rows_loaded, rows_rejected FROM imports") == [(3, 1, 2)]


def test_duplicate_keys_across_two_files_of_one_import(db: Path) -> None:
    first = csv_bytes(PROJECTS, project("P1"), project("P2"))
    second = csv_bytes(PROJECTS, project("P3"), project("P1"))
    report = import_files([("a.csv", first), ("b.csv", second)], db)
    assert sorted(p.line() for p in report.problems) == [
        "a.csv:a:2:Project ID: duplicate project_id (rows: a row 2, b row 3) (P1)",
        "b.csv:b:3:Project ID: duplicate project_id (rows: a row 2, b row 3) (P1)",
    ]
    assert query(db, "SELECT project_id FROM projects ORDER BY 1") == [("P2",), ("P3",)]


def test_composite_key_duplicates(db: Path) -> None:
    data = csv_bytes(REPORTS, ["P1", "30/04/2025", "G"], ["P1", "31/05/2025", "A"],
                     ["P1", "2025-04-30", "R"])
    report = import_files([("r.csv", data)], db)
    assert [p.line() for p in report.problems] == [
        "r.csv:r:2:Project ID: duplicate project_id+report_date (rows: r row 2, r row 4) "
        "(P1 / 30/04/2025)",
        "r.csv:r:4:Project ID: duplicate project_id+report_date (rows: r row 2, r row 4) "
        "(P1 / 30/04/2025)",
    ]
    assert query(db, "SELECT report_date, overall_rag FROM status_reports") == [
        (date(2025, 5, 31), "Amber")]


def test_keys_compare_parsed_values(db: Path) -> None:
    """2025/26 and FY25/26 are one financial year; Apr 2025 and 15/04/2025 one month."""
    plan = csv_bytes(["KPI Code", "FY", "Target"], ["TRAINED_STAFF", "2025/26", "120"],
                     ["TRAINED_STAFF", "FY25/26", "100"], ["TRAINED_STAFF", "2026-27", "120"],
                     ["TRAINED_STAFF", "2027", "120"])
    actuals = csv_bytes(["KPI Code", "Month", "Value"], ["K1", "Apr 2025", "1"],
                        ["K1", "15/04/2025", "2"], ["K1", "2025-05", "3"])
    report = import_files([("plan.csv", plan), ("actuals.csv", actuals)], db)
    assert sorted(p.line() for p in report.problems) == [
        "actuals.csv:actuals:2:KPI Code: duplicate kpi_code+period (rows: actuals row 2, "
        "actuals row 3) (K1 / 01/04/2025)",
        "actuals.csv:actuals:3:KPI Code: duplicate kpi_code+period (rows: actuals row 2, "
        "actuals row 3) (K1 / 01/04/2025)",
        "plan.csv:plan:2:KPI Code: duplicate kpi_code+financial_year (rows: plan row 2, "
        "plan row 3) (TRAINED_STAFF / 2025/26)",
        "plan.csv:plan:3:KPI Code: duplicate kpi_code+financial_year (rows: plan row 2, "
        "plan row 3) (TRAINED_STAFF / 2025/26)",
    ]
    assert query(db, "SELECT financial_year FROM kpi_plan ORDER BY 1") == [
        ("2026/27",), ("2027/28",)]
    assert query(db, "SELECT period, value FROM kpi_actuals") == [(date(2025, 5, 1), 3.0)]


def test_sources_without_a_key_allow_repeats(db: Path) -> None:
    row = ["1001", "Intro", "01/04/2025", "Attended"]
    report = import_files([("t.csv", csv_bytes(TRAINING, row, row))], db)
    assert report.exit_code == 0 and report.loaded == {"training": 2}


# --- strict, replace, accumulate ---------------------------------------------------------


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the current version."""
    con = duckdb.connect(str(current_path(db)), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def test_strict_loads_nothing_if_any_row_fails(db: Path) -> None:
    import_files([("p.csv", csv_bytes(PROJECTS, project("P0")))], db)
    before = snapshot(db)
    data = csv_bytes(PROJECTS, project("P1"), project("P2", stage="Purple"))
    report = import_files([("p.csv", data)], db, strict=True)
    assert report.exit_code == 2 and report.version is None and report.loaded == {}
    assert report.valid == {"projects": 1}
    assert report.summary_lines()[-1] == (
        "nothing loaded; the database is unchanged (--strict: nothing loaded because of the "
        "problems)")
    assert Store(db).current().number == 1
    assert snapshot(db) == before
    report = import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db, strict=True)
    assert report.exit_code == 0 and report.version == 2
    assert query(db, "SELECT strict FROM imports WHERE import_id = 2") == [(True,)]


def test_reloading_a_source_replaces_its_rows_only(db: Path) -> None:
    import_files([("p.csv", csv_bytes(PROJECTS, project("P1"), project("P2"))),
                  ("t.csv", csv_bytes(TRAINING, ["1", "Intro", "01/04/2025", "Attended"]))], db)
    report = import_files([("p2.csv", csv_bytes(PROJECTS, project("P3")))], db)
    assert report.version == 2
    assert query(db, "SELECT project_id, import_id, source_file FROM projects") == [
        ("P3", 2, "p2.csv")]
    assert query(db, "SELECT staff_id, import_id FROM training") == [("1", 1)]


def test_import_with_no_valid_row_changes_nothing(db: Path) -> None:
    import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db)
    before = snapshot(db)
    report = import_files([("p.csv", csv_bytes(PROJECTS, project("P2", stage="Purple")))], db)
    assert report.exit_code == 2 and report.version is None
    assert report.summary_lines()[-1] == "nothing loaded; the database is unchanged"
    assert snapshot(db) == before


def test_status_reports_accumulate_and_the_newer_import_wins(db: Path) -> None:
    first = csv_bytes(REPORTS, ["P1", "31/03/2025", "Green"], ["P1", "30/04/2025", "Amber"],
                      ["P2", "30/04/2025", "R"])
    import_files([("april.csv", first)], db)
    second = csv_bytes(REPORTS, ["P1", "30/04/2025", "Red"], ["P1", "31/05/2025", "On track"])
    import_files([("may.csv", second)], db)
    assert query(db, "SELECT project_id, report_date, overall_rag, import_id, source_file "
                     "FROM status_reports ORDER BY 1, 2") == [
        ("P1", date(2025, 3, 31), "Green", 1, "april.csv"),
        ("P1", date(2025, 4, 30), "Red", 2, "may.csv"),
        ("P1", date(2025, 5, 31), "Green", 2, "may.csv"),
        ("P2", date(2025, 4, 30), "Red", 1, "april.csv"),
    ]


# --- staff names -------------------------------------------------------------------------

NAMES = ("Zebedee", "Quaxworthy", "Philippa Fenwick-Strood", "Oswin", "Tregothnan")


def _scan_database(path: Path, needles: tuple[str, ...]) -> list[str]:
    """Every (table, VARCHAR column) that holds any of the needles, case-insensitively."""
    hits = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' ORDER BY 1, 2").fetchall()
        assert ("training", "staff_id") in columns and ("imports", "file_name") in columns
        for table, column in columns:
            for needle in needles:
                found = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE contains(lower("{column}"), ?)',
                    [needle.lower()]).fetchone()[0]
                if found:
                    hits.append(f"{table}.{column}: {needle}")
    finally:
        con.close()
    return hits


def test_staff_names_in_training_exports_are_never_stored(db: Path) -> None:
    header = ["Assignment Number", "Full Name", "First Name", "Surname", "Course Title",
              "Course Date", "Attendance Status", "Staff Group", "Name"]
    data = csv_bytes(
        header,
        ["1001", "Zebedee Quaxworthy", "Zebedee", "Quaxworthy", "Intro", "01/04/2025",
         "Attended", "Nursing", "Zebedee Quaxworthy"],
        ["1002", "Philippa Fenwick-Strood", "Philippa", "Fenwick-Strood", "Intro",
         "31/02/2025", "DNA", "AHP", "Philippa Fenwick-Strood"],
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Attendance"
    sheet.append(["LMS export"])
    sheet.append(["Employee Number", "Employee Name", "Event Name", "Event Start Date",
                  "Booking Status"])
    sheet.append([2001, "Oswin Tregothnan", "Coaching", date(2025, 5, 1), "Placed"])
    sheet.append([2002, "Oswin Tregothnan", "Coaching", date(2025, 5, 1), "Maybe"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_files([("lms.csv", data), ("events.xlsx", buffer.getvalue())], db)
    assert report.exit_code == 1
    assert report.loaded == {"training": 2}
    assert set(report.sheets[0].extra_columns) == {"Full Name", "First Name", "Surname", "Name"}
    assert _scan_database(current_path(db), NAMES) == []
    for path in Store(db).dir.iterdir():
        if path.is_file():
            raw = path.read_bytes()
            assert not any(n.encode() in raw for n in NAMES), path
    # and the rows themselves did load, without their names
    assert query(db, "SELECT staff_id, course, attendance FROM training ORDER BY 1") == [
        ("1001", "Intro", "Attended"), ("2001", "Coaching", "Booked")]


# --- the imports record ------------------------------------------------------------------


def test_imports_record_file_sheet_sha_counts_user_and_time(db: Path) -> None:
    projects = csv_bytes(PROJECTS, project("P1"), project("P2", stage="Purple"))
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Reports"
    first.append(REPORTS)
    first.append(["P1", date(2025, 4, 30), "G"])
    book.create_sheet("Notes").append(["nothing", "here"])
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = buffer.getvalue()
    started = datetime.now().replace(microsecond=0)
    import_files([("p.csv", projects), ("ppm.xlsx", workbook)], db, user="a.tester")
    rows = query(db, "SELECT import_id, version, file_name, sheet, source, sha256, rows_read, "
                     "rows_loaded, rows_rejected, user_name, imported_at, message, strict "
                     "FROM imports ORDER BY file_name, sheet")
    assert [r[:10] + r[11:] for r in rows] == [
        (1, 1, "p.csv", "p", "projects", hashlib.sha256(projects).hexdigest(), 2, 1, 1,
         "a.tester", None, False),
        (1, 1, "ppm.xlsx", "Notes", None, hashlib.sha256(workbook).hexdigest(), 0, 0, 0,
         "a.tester", "not recognised; no column matches any source", False),
        (1, 1, "ppm.xlsx", "Reports", "status_reports", hashlib.sha256(workbook).hexdigest(),
         1, 1, 0, "a.tester", None, False),
    ]
    for row in rows:
        assert started <= row[10] <= datetime.now() + timedelta(seconds=1)


def test_imports_default_user_is_the_login_name(db: Path) -> None:
    import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db)
    import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db)
    assert query(db, "SELECT import_id, version, user_name FROM imports ORDER BY 1") == [
        (1, 1, getpass.getuser()), (2, 2, getpass.getuser())]


# --- exit codes and paths ----------------------------------------------------------------


def test_exit_codes(db: Path) -> None:
    good = ("p.csv", csv_bytes(PROJECTS, project("P1")))
    some = ("q.csv", csv_bytes(PROJECTS, project("P1"), project("P2", stage="Purple")))
    none = ("r.csv", csv_bytes(PROJECTS, project("P2", stage="Purple")))
    for files, code in (([good], 0), ([some], 1), ([none], 2), ([], 2),
                        ([("x.pdf", b"x")], 2)):
        assert import_files(files, db, dry_run=True).exit_code == code, files
        assert import_files(files, db).exit_code == code, files
    assert Store(db).current().number == 2  # only the two imports that loaded rows


def test_dry_run_writes_nothing(db: Path) -> None:
    report = import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db, dry_run=True)
    assert report.valid == {"projects": 1} and report.loaded == {} and report.version is None
    assert report.summary_lines()[-1] == "validated: 1 rows valid, 0 problems (nothing written)"
    assert not db.exists() and not Store(db).dir.exists()


def test_progress_is_reported(db: Path) -> None:
    seen: list[tuple[float, str]] = []
    import_files([("p.csv", csv_bytes(PROJECTS, project("P1")))], db,
                 progress=lambda f, m: seen.append((f, m)))
    assert seen[0] == (0.0, "Reading p.csv")
    assert seen[-1] == (1.0, "Done")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_import_paths_folders_and_missing_paths(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "p.csv").write_bytes(csv_bytes(PROJECTS, project("P1")))
    (folder / "t.csv").write_bytes(csv_bytes(TRAINING, ["1", "Intro", "01/04/2025", "DNA"]))
    report = import_paths([folder], db)
    assert report.exit_code == 0 and report.loaded == {"projects": 1, "training": 1}
    missing = import_paths([tmp_path / "nope.csv"], db)
    assert missing.exit_code == 2
    assert [p.line() for p in missing.problems] == [
        f"{tmp_path / 'nope.csv'}:-:-:-: no such file or folder"]
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = import_paths([empty], db)
    assert nothing.exit_code == 2
    assert [p.message for p in nothing.problems] == ["no importable files found"]
    assert Store(db).current().number == 1


def test_sheet_with_a_header_and_no_rows(db: Path) -> None:
    report = import_files([("p.csv", csv_bytes(PROJECTS))], db)
    assert [p.line() for p in report.problems] == ["p.csv:p:-:-: no data rows under the header"]
    assert report.exit_code == 2


# --- property: random exports never crash and never load a row that breaks the contract ---

_VOCAB_SPELLINGS = sorted({k for v in VOCABULARIES.values() for k in v.lookup()}
                          | {s for v in VOCABULARIES.values() for s in v.synonyms})
_JUNK = ["", " ", "-", "TBC", "N/A", "#REF!", "#N/A", "Total", "£1,234.50", "(250)", "45%",
         "0.45", "2025/26", "FY25/26", "12/25/2025", "31/02/2026", "45748", "45748.0", "1e309",
         "nan", "NaN", "None", "null", "Purple", "0", "-1", "6", "11", "1,000", "=1+1", "'",
         '"', ";", ",", "|", "\t", "\n", "\r", "\x00", "🙂", "Zebedee Quaxworthy",
         *_VOCAB_SPELLINGS]


def _pool(kind: str, vocab: str | None) -> list[str]:
    """Plausible cell texts for a column kind: mostly valid forms, some out of range."""
    rng = random.Random(kind)
    days = [date(1985, 1, 1) + timedelta(days=rng.randrange(45000)) for _ in range(12)]
    if kind == "vocab":
        spellings = sorted(VOCABULARIES[vocab or ""].lookup())
        return [s.replace("_", " ") for s in spellings] + [s.upper() for s in spellings]
    if kind in ("date", "month"):
        return ([d.strftime("%d/%m/%Y") for d in days] + [d.isoformat() for d in days]
                + [d.strftime("%d-%b-%Y") for d in days]
                + [str((d - date(1899, 12, 30)).days) for d in days] + ["Apr 2025", "2025-04"])
    if kind in ("int", "float", "money", "percent"):
        return ["1", "2", "3", "4", "5", "10", "0", "-3", "0.5", "2.5", "99.9", "100", "101",
                "45%", "£1,234.50", "1e6", "3.0", "(12)"]
    if kind == "fy":
        return ["2025/26", "2026-27", "FY27/28", "2028", "2030/31", "2025/27", "1980/81"]
    return ["P1", "P2", "48", "48.0", " P3 ", "K1", "Medicine", "Intro to PM"]


def _cell_strategy(column: Any) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(_pool(column.kind, column.vocab)),
                     st.sampled_from(_JUNK), st.text(max_size=8))


@st.composite
def export(draw: st.DrawFn, source: Any) -> bytes:
    optional = [c for c in source.columns if not c.required]
    chosen = [c for c in source.columns if c.required] + draw(
        st.lists(st.sampled_from(optional), unique=True, max_size=len(optional))
        if optional else st.just([]))
    order = draw(st.permutations(chosen))
    header = [c.name for c in order]
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["Full Name", "Notes", "", "Colour"])))
    cells = [_cell_strategy(c) for c in order]
    if len(header) > len(order):
        cells.append(st.sampled_from(_JUNK))
    rows = draw(st.lists(st.tuples(*cells).map(list), max_size=5))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return csv_bytes(header, *rows, encoding=encoding)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.tuples(*(export(s) for s in SOURCES_LIST)))
def test_random_exports_never_crash_and_loaded_rows_satisfy_the_contract(
    files: tuple[bytes, ...]
) -> None:
    named = [(f"{s.name}.csv", data) for s, data in zip(SOURCES_LIST, files, strict=True)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pmo.duckdb"
        report = import_files(named, db, user="hypothesis")
        assert report.exit_code in (0, 1, 2)
        for problem in report.problems:
            assert problem.line().startswith(f"{problem.file}:")
            assert "\n" not in problem.message
        if report.version is None:
            assert Store(db).current() is None
            return
        con = duckdb.connect(str(Store(db).current().path), read_only=True)
        try:
            for source in SOURCES_LIST:
                cur = con.execute(f"SELECT * FROM {source.name}")
                names = [d[0] for d in cur.description]
                rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
                assert len(rows) == report.loaded.get(source.name, 0), source.name
                for row in rows:
                    for required in source.required:
                        assert row[required] is not None, (source.name, required, row)
                    ROW_MODELS[source.name].model_validate(row)
                    for column in source.columns:
                        if column.kind == "vocab" and row[column.name] is not None:
                            vocab = VOCABULARIES[column.vocab or ""]
                            assert row[column.name] in vocab.values
                if source.key:
                    keys = [tuple(r[k] for k in source.key) for r in rows]
                    assert len(keys) == len(set(keys)), source.name
            rejected = con.execute("SELECT count(*) FROM rejected_rows").fetchone()[0]
            assert rejected == sum(1 for p in report.problems if p.row is not None)
        finally:
            con.close()
