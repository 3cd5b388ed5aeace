"""Import under attack: bombs, huge fields, hostile names, and loads that would gut a source.

Every hostile file here is generated at test time. Each refusal is one line naming the file;
the database is unchanged when nothing may load; other files in the same import still load.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pmo_data import ingest, readers
from pmo_data.db import Database
from pmo_data.ingest import import_files, import_isolated
from pmo_data.readers import ReadError, read_bytes
from pmo_data.store import Store

ROOT = Path(__file__).resolve().parent.parent
PROJECT_HEADER = "Project ID,Project Name,Service Group,Stage,Start Date,End Date\n"


def projects_csv(*ids: str, bad: int = 0) -> bytes:
    rows = [f"{i},Project {i},Surgery,Delivery,01/04/2025,31/03/2027" for i in ids]
    rows += [f"B{n},Broken {n},Surgery,Sideways,01/04/2025,31/03/2027" for n in range(bad)]
    return (PROJECT_HEADER + "\n".join(rows) + "\n").encode()


def _xlsx(sheet_xml_chunks, *, shared: str | None = None) -> bytes:
    """A minimal xlsx whose one sheet's XML is written from the given chunks (streamed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="'
                   'application/vnd.openxmlformats-package.relationships+xml"/><Default '
                   'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                   'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.'
                   'xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for chunk in sheet_xml_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def _inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _rows(n: int) -> object:
    row = b"".join(_inline(f"{c}{{r}}", "x") for c in "ABCDEF")
    for r in range(1, n + 1):
        yield b'<row r="%d">' % r + row.replace(b"{r}", str(r).encode()) + b"</row>"


def _peak_rss_mb(code: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; its peak RSS in MB and what it printed before.

    The peak is ``VmHWM`` of the new process image (``ru_maxrss`` would carry over the test
    runner's own high-water mark across fork and exec)."""
    script = (code + "\nimport re\n"
              "status = open('/proc/self/status').read()\n"
              "print(int(re.search(r'VmHWM:\\s+(\\d+)', status)[1]) / 1024)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    return float(lines[-1]), "\n".join(lines[:-1])


# --- decompression bombs ---------------------------------------------------------------------


def test_a_declared_huge_sheet_is_refused_before_inflating(monkeypatch) -> None:
    monkeypatch.setenv("PMO_MAX_UNZIPPED_MB", "4")
    data = _xlsx(_rows(60_000))  # ~15 MB of sheet XML, ~1.2 MB zipped
    assert len(data) < 2_000_000
    with pytest.raises(ReadError, match=r"bomb.xlsx expands to more than 4 MB"):
        read_bytes(data, "bomb.xlsx")


def test_a_gigabyte_sheet_in_a_small_xlsx_stays_small(tmp_path: Path) -> None:
    # the finding: a 4.2 MB xlsx holding a 4 GB sheet took over 5 GB. This one holds 600 MB
    # of sheet XML (over the default 512 MB limit) in about half a megabyte.
    cell = _inline("A1", "x" * 10_000)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx(cell for _ in range(60_000)))
    assert path.stat().st_size < 2_000_000
    peak, said = _peak_rss_mb(f"""
from pmo_data.readers import read_path, ReadError
try:
    read_path(__import__('pathlib').Path({str(path)!r}))
except ReadError as exc:
    print(exc)
""")
    assert "bomb.xlsx expands to more than 512 MB" in said
    assert peak < 300, peak


def test_a_sparse_sheet_spanning_the_whole_grid_is_refused() -> None:
    data = _xlsx([b'<row r="1">' + _inline("A1", "Project ID") + b"</row>",
                  b'<row r="1048576">' + _inline("XFD1048576", "x") + b"</row>"])
    with pytest.raises(ReadError, match="sparse.xlsx uses 16,384 columns in sheet Sheet1"):
        read_bytes(data, "sparse.xlsx")


def test_a_sheet_spanning_too_many_cells_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("PMO_MAX_CELLS", "1000")
    data = _xlsx([b'<row r="1">' + _inline("A1", "a") + b"</row>",
                  b'<row r="5000">' + _inline("J5000", "b") + b"</row>"])
    with pytest.raises(ReadError, match=r"spans 5,000 rows x 10 columns .* 1,000 cells"):
        read_bytes(data, "wide.xlsx")


def test_rows_past_excels_limit_are_refused() -> None:
    data = _xlsx([b'<row r="1048577">' + _inline("A1048577", "x") + b"</row>"])
    with pytest.raises(ReadError, match="more than 1,048,576 rows"):
        read_bytes(data, "tall.xlsx")


def test_an_ordinary_workbook_still_reads_with_its_error_cells() -> None:
    data = _xlsx([b'<row r="1">' + _inline("A1", "a") + b'<c r="B1" t="e"><v>#REF!</v></c>'
                  b"</row>"])
    sheet = read_bytes(data, "ok.xlsx")[0]
    assert sheet.rows[0][0] == "a" and sheet.errors == {(0, 1): "#REF!"}


# --- CSV bombs and huge fields ---------------------------------------------------------------


def test_fifty_megabytes_of_newlines_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_bytes(PROJECT_HEADER.encode() + b"\n" * (50 * 1024 * 1024 - 100))
    peak, said = _peak_rss_mb(f"""
import time
from pmo_data.readers import read_path, ReadError
t = time.monotonic()
try:
    read_path(__import__('pathlib').Path({str(path)!r}))
except ReadError as exc:
    print(exc)
print(round(time.monotonic() - t, 2))
""")
    message, seconds = said.splitlines()
    assert "lines.csv has more than 1,048,576 rows" in message
    assert float(seconds) < 5 and peak < 400, (seconds, peak)


def test_a_huge_field_rejects_its_row_and_the_rest_loads(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    huge = projects_csv("P1", "P2").decode().replace("Project P2", "P" * 200_000).encode()
    report = import_files([("huge.csv", huge), ("good.csv", projects_csv("P3").replace(
        b"Project ID", b"Project Ref"))], db)
    lines = [p.line() for p in report.problems]
    assert lines == ["huge.csv:huge:3:Project Name: the cell holds 200,000 characters; a cell "
                     "may hold at most 32,767 (Excel's own limit) (too long)"]
    # both files' good rows loaded (the second file replaces nothing: same source, one batch)
    assert report.loaded == {"projects": 2}
    with Database(Store(db).current().path) as con:
        assert sorted(r[0] for r in con.rows("SELECT project_id FROM projects")) == ["P1", "P3"]


def test_a_reader_surprise_refuses_that_file_only(tmp_path: Path, monkeypatch) -> None:
    real = readers.read_bytes

    def flaky(data: bytes, file: str):
        if file == "odd.csv":
            raise RuntimeError("boom")
        return real(data, file)

    monkeypatch.setattr(ingest, "read_bytes", flaky)
    report = import_files([("odd.csv", projects_csv("X1")), ("good.csv", projects_csv("P1"))],
                          tmp_path / "pmo.duckdb")
    assert [p.line() for p in report.problems] == [
        "odd.csv:-:-:-: the file could not be read (RuntimeError)"]
    assert report.loaded == {"projects": 1}


def test_a_newline_in_a_file_name_cannot_split_the_summary(tmp_path: Path) -> None:
    report = import_files([("evil\nloaded 999 rows.csv", projects_csv("P1"))],
                          tmp_path / "pmo.duckdb")
    assert all("\n" not in line for line in report.summary_lines())
    assert report.sheets[0].file == "evil loaded 999 rows.csv"


# --- a load that would gut a source stops and asks ---------------------------------------------


def test_a_mostly_rejected_file_does_not_replace_the_source(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    import_files([("p.csv", projects_csv(*[f"P{i}" for i in range(7)]))], db)
    before = Store(db).current().number
    # the finding: 7 projects became 1 when 6 of 7 rows were rejected
    report = import_files([("p.csv", projects_csv("P1", bad=6))], db)
    assert report.version is None and report.exit_code == 2
    assert report.held == ("Projects: 6 of 7 rows were rejected; loading would replace "
                           "the 7 rows held with 1.",)
    assert Store(db).current().number == before
    assert any("--force" in line for line in report.summary_lines())
    forced = import_files([("p.csv", projects_csv("P1", bad=6))], db, force=True)
    assert forced.version == before + 1 and forced.loaded == {"projects": 1}


def test_the_share_is_a_boundary_and_configurable(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "pmo.duckdb"
    import_files([("p.csv", projects_csv(*[f"P{i}" for i in range(4)]))], db)
    half = import_files([("p.csv", projects_csv("P1", "P2", bad=2))], db)  # 2 of 4: not more
    assert half.version is not None and not half.held
    monkeypatch.setenv("PMO_REPLACE_REJECTED_SHARE", "0.2")
    strict = import_files([("p.csv", projects_csv("P1", bad=1))], db)  # 1 of 2 > 0.2, 1 < 2
    assert strict.version is None and strict.held


def test_growing_a_source_is_never_held(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    import_files([("p.csv", projects_csv("P1"))], db)
    report = import_files([("p.csv", projects_csv("P1", "P2", bad=3))], db)
    assert report.version is not None and not report.held


def test_the_command_line_asks_for_force(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(projects_csv(*[f"P{i}" for i in range(7)]))
    bad.write_bytes(projects_csv("P1", bad=6))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pmo_data", "import", *args, "--db",
                               str(db)], capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert run(str(good)).returncode == 0
    held = run(str(bad))
    assert held.returncode == 2 and "--force" in held.stdout and "Traceback" not in held.stderr
    assert run(str(bad), "--force").returncode == 1  # loaded, some rows rejected


# --- uploads are read in a child process ------------------------------------------------------


def test_an_upload_bomb_is_stopped_in_the_child(tmp_path: Path, monkeypatch) -> None:
    # past the reader's limits, a file that still needs more memory than the child may have
    monkeypatch.setenv("PMO_IMPORT_ADDRESS_SPACE_MB", "700")
    monkeypatch.setenv("PMO_MAX_UNZIPPED_MB", "4000")
    monkeypatch.setenv("PMO_MAX_CELLS", "100000000")
    cell = _inline("A1", "y" * 30_000)
    data = _xlsx(cell for _ in range(20_000))  # 600 MB of one repeated cell
    report = import_isolated([("bomb.xlsx", data), ("good.csv", projects_csv("P1"))],
                             tmp_path / "pmo.duckdb", dry_run=True)
    assert len(report.problems) == 1
    line = report.problems[0].line()
    assert line.startswith("bomb.xlsx, good.csv:-:-:-: reading these files needed more memory")
    assert Store(tmp_path / "pmo.duckdb").current() is None


def test_an_isolated_validation_matches_the_in_process_one(tmp_path: Path) -> None:
    files = [("p.csv", projects_csv("P1", "P2", bad=1))]
    inside = import_files(files, tmp_path / "pmo.duckdb", dry_run=True)
    child = import_isolated(files, tmp_path / "pmo.duckdb", dry_run=True)
    assert child == inside
    loaded = import_isolated(files, tmp_path / "pmo.duckdb")
    assert loaded.version == 1 and loaded.loaded == {"projects": 2}
    assert json.dumps(ingest.report_to_dict(loaded))  # plain JSON all the way


def test_look_alike_ids_are_one_id(tmp_path: Path) -> None:
    # the finding: zero-width characters made look-alike duplicates; now they are the same ID
    text = projects_csv("P1", "P\u200b1", "Ｐ1").decode()
    report = import_files([("p.csv", text.encode())], tmp_path / "pmo.duckdb")
    assert report.loaded == {} and all("duplicate project_id" in p.message
                                       for p in report.problems)
    assert len(report.problems) == 3
