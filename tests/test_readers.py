"""Readers: CSV encodings and delimiters, xlsx layout traps, error cells, broken files.

Every fixture is built here, in memory or in ``tmp_path`` (openpyxl for xlsx, bytes for CSV).
Problem row numbers must be the spreadsheet's own row numbers, for xlsx and for CSV.
"""

from __future__ import annotations

import io
import os
import random
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pmo_data import ingest
from pmo_data.readers import ReadError, decode_text, expand_paths, read_bytes, read_path

TRAINING_HEADER = "Assignment Number,Course Name,Course Date,Attendance Status"
TRAINING_ROWS = ["1001,Intro to PM,01/04/2025,Attended", "1002,Intro to PM,02/04/2025,DNA"]
PROJECT_HEADER = ["Project Ref", "Project Name", "Directorate", "Phase", "Start Date",
                  "Planned Finish", "Budget"]


def xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register_workbook() -> openpyxl.Workbook:
    """A PPM-style export: merged title on row 1, a subtitle, header on row 4, a blank row,
    an Excel error cell (#REF! on row 8, column F), a trailing Total row, a hidden sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet["A1"] = "Northshire Hospitals: project register"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Exported 21/11/2026"
    for col, text in enumerate(PROJECT_HEADER, start=1):
        sheet.cell(row=4, column=col, value=text)
    rows = [
        ["P001", "E-obs", "Medicine", "Delivery", datetime(2025, 4, 1), date(2026, 3, 31), 1234.5],
        [48, "Theatres", "Surgery", "planning", 45748, "31/03/2026", "£1,234.50"],
        None,  # row 7 blank
        ["P003", "Discharge", "Medicine", "Execution", "01-Apr-2025", None, 10],
        ["P004", "Outpatients", "Surgery", "Purple", "2025-04-01", "12/25/2025", None],
    ]
    for offset, row in enumerate(rows):
        for col, value in enumerate(row or [], start=1):
            sheet.cell(row=5 + offset, column=col, value=value)
    sheet["F8"] = "#REF!"
    sheet["F8"].data_type = "e"
    sheet["A10"] = "Total"
    sheet["G10"] = 1244.5
    hidden = book.create_sheet("Lookups")
    hidden.sheet_state = "hidden"
    hidden.append(["Project ID", "Project Name", "Service Group", "Stage", "Start Date",
                   "End Date"])
    hidden.append(["HIDDEN1", "Should not load", "X", "Delivery", "01/04/2025", "01/04/2026"])
    return book


# --- CSV --------------------------------------------------------------------------------


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_csv_encodings_with_pound_sign(encoding: str) -> None:
    text = csv_text("Project ID,Report Date,Overall RAG,Summary",
                    "P1,01/04/2025,Green,Budget £1,234 (café)")
    text = text.replace("Budget £1,234 (café)", '"Budget £1,234 (café)"')
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    [sheet] = read_bytes(data, "reports.csv")
    assert sheet.rows[0] == ["Project ID", "Report Date", "Overall RAG", "Summary"]
    assert sheet.rows[1] == ["P1", "01/04/2025", "Green", "Budget £1,234 (café)"]
    assert sheet.sheet == "reports" and sheet.errors == {}


def test_decode_text_prefers_utf8_then_windows_1252() -> None:
    assert decode_text("£5".encode()) == "£5"
    assert decode_text(b"\xa35") == "£5"
    assert decode_text(b"\xef\xbb\xbfa,b") == "a,b"
    assert decode_text("a,b".encode("utf-16")) == "a,b"


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_csv_delimiters(delimiter: str) -> None:
    lines = [TRAINING_HEADER, *TRAINING_ROWS]
    data = csv_text(*(line.replace(",", delimiter) for line in lines)).encode()
    [sheet] = read_bytes(data, "training.csv")
    assert sheet.rows[0] == TRAINING_HEADER.split(",")
    assert sheet.rows[2] == ["1002", "Intro to PM", "02/04/2025", "DNA"]


def test_semicolon_csv_with_money_commas_loads() -> None:
    data = csv_text("Benefit ID;Project ID;Description;Category;Target Value",
                    "B1;P1;Fewer bed days;Cash releasing;£1,234.50",
                    "B2;P1;Happier staff;Staff experience;2,000").encode("cp1252")
    batch = ingest.validate_files([("benefits.csv", data)])
    assert batch.problems == []
    assert [r["target_value"] for r in batch.rows["benefits"]] == [1234.5, 2000.0]
    assert [r["category"] for r in batch.rows["benefits"]] == ["Cash-releasing",
                                                               "Staff experience"]


def test_semicolon_csv_with_title_rows() -> None:
    """European-style (semicolon) CSV export with a plain title line above the header."""
    data = csv_text("Training attendance export", "", "",
                    TRAINING_HEADER.replace(",", ";"),
                    *(r.replace(",", ";") for r in TRAINING_ROWS)).encode()
    batch = ingest.validate_files([("training.csv", data)])
    assert batch.problems == []
    assert [r["source_row"] for r in batch.rows["training"]] == [5, 6]


def test_csv_cells_stay_text() -> None:
    [sheet] = read_bytes(csv_text("a,b,c", "007,01/04/2025,1e3").encode(), "x.csv")
    assert sheet.rows[1] == ["007", "01/04/2025", "1e3"]


def test_csv_row_numbers_count_title_and_blank_lines() -> None:
    data = csv_text("Training export from the LMS", "Run 21/11/2026", "", TRAINING_HEADER,
                    TRAINING_ROWS[0], "", "1003,Intro to PM,31/02/2025,Attended",
                    "1004,Intro to PM,03/04/2025,Purple").encode()
    batch = ingest.validate_files([("lms.csv", data)])
    lines = [p.line() for p in batch.problems]
    assert lines == [
        "lms.csv:lms:7:Course Date: impossible date (31/02/2025)",
        "lms.csv:lms:8:Attendance Status: not a known attendance; expected one of Attended, "
        "Did not attend, Cancelled, Booked, Withdrawn (Purple)",
    ]
    assert [r["source_row"] for r in batch.rows["training"]] == [5]


def test_csv_trailing_total_row_is_ignored() -> None:
    data = csv_text(TRAINING_HEADER, *TRAINING_ROWS, "Total,,,", ",,,").encode()
    batch = ingest.validate_files([("t.csv", data)])
    assert batch.problems == []
    assert len(batch.rows["training"]) == 2


def test_workbook_bytes_named_csv_is_refused() -> None:
    data = xlsx_bytes(openpyxl.Workbook())
    with pytest.raises(ReadError, match="workbook, not a CSV"):
        read_bytes(data, "x.csv")


def test_binary_csv_is_refused() -> None:
    with pytest.raises(ReadError, match="not a text file"):
        read_bytes(bytes(range(256)) * 4, "x.csv")


# --- xlsx -------------------------------------------------------------------------------


def test_xlsx_rows_are_spreadsheet_rows_and_hidden_sheets_are_skipped() -> None:
    data = xlsx_bytes(register_workbook())
    sheets = read_bytes(data, "ppm.xlsx")
    assert [s.sheet for s in sheets] == ["Register"]
    sheet = sheets[0]
    assert sheet.rows[0][0] == "Northshire Hospitals: project register"
    assert sheet.rows[3][:6] == PROJECT_HEADER[:6]
    assert sheet.rows[4][4] == date(2025, 4, 1)  # real Excel date cell
    assert sheet.rows[5][0] == 48.0  # a number where the export meant text
    assert sheet.errors == {(7, 5): "#REF!"}


def test_xlsx_hidden_sheet_can_be_read_on_request() -> None:
    from pmo_data.readers import read_workbook_bytes

    data = xlsx_bytes(register_workbook())
    names = [s.sheet for s in read_workbook_bytes(data, "ppm.xlsx", include_hidden=True)]
    assert names == ["Register", "Lookups"]


def test_xlsx_layout_traps_end_to_end() -> None:
    data = xlsx_bytes(register_workbook())
    batch = ingest.validate_files([("ppm.xlsx", data)])
    assert [p.line() for p in batch.problems] == [
        "ppm.xlsx:Register:8:Planned Finish: Excel error value #REF! in the cell (#REF!)",
        "ppm.xlsx:Register:9:Phase: not a known stage; expected one of Pipeline, Initiation, "
        "Planning, Delivery, Closure, Closed, On hold, Cancelled (Purple)",
        "ppm.xlsx:Register:9:Planned Finish: looks like a US mm/dd/yyyy date; use dd/mm/yyyy "
        "(12/25/2025)",
    ]
    rows = batch.rows["projects"]
    assert [(r["source_row"], r["project_id"]) for r in rows] == [(5, "P001"), (6, "48")]
    assert rows[0]["start_date"] == rows[1]["start_date"] == date(2025, 4, 1)
    assert rows[0]["planned_end_date"] == rows[1]["planned_end_date"] == date(2026, 3, 31)
    assert rows[1]["stage"] == "Planning"
    assert [r["budget_gbp"] for r in rows] == [1234.5, 1234.5]
    [result] = batch.sheets
    assert (result.source, result.rows_read, result.rows_valid) == ("projects", 4, 2)


def test_xlsx_na_error_cell_in_a_required_column() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Attendance"
    sheet.append(TRAINING_HEADER.split(","))
    sheet.append([1001, "Intro", date(2025, 4, 1), "Attended"])
    sheet.append([1002, "Intro", None, "Attended"])
    sheet["C3"] = "#N/A"
    sheet["C3"].data_type = "e"
    sheet.append([None, None, None, None])
    sheet["B4"] = "#DIV/0!"
    sheet["B4"].data_type = "e"
    batch = ingest.validate_files([("lms.xlsx", xlsx_bytes(book))])
    lines = [p.line() for p in batch.problems]
    assert "lms.xlsx:Attendance:3:Course Date: Excel error value #N/A in the cell (#N/A)" in lines
    assert "lms.xlsx:Attendance:4:Course Name: Excel error value #DIV/0! in the cell (#DIV/0!)" \
        in lines
    assert [r["staff_id"] for r in batch.rows["training"]] == ["1001"]


def test_xlsx_header_on_row_4_with_empty_rows_above() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for col, text in enumerate(TRAINING_HEADER.split(","), start=2):  # from column B
        sheet.cell(row=4, column=col, value=text)
    sheet.cell(row=5, column=2, value=1001)
    sheet.cell(row=5, column=3, value="Intro")
    sheet.cell(row=5, column=4, value="31/02/2025")
    sheet.cell(row=5, column=5, value="Attended")
    batch = ingest.validate_files([("t.xlsx", xlsx_bytes(book))])
    assert [p.line() for p in batch.problems] == [
        "t.xlsx:Sheet:5:Course Date: impossible date (31/02/2025)"]


def test_workbook_with_several_sources_as_sheets() -> None:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Projects"
    first.append(["Project ID", "Project Name", "Service Group", "Stage", "Start Date",
                  "End Date"])
    first.append(["P1", "X", "Medicine", "Delivery", date(2025, 4, 1), date(2026, 4, 1)])
    second = book.create_sheet("Highlights")
    second.append(["Project ID", "Report Date", "RAG"])
    second.append(["P1", date(2025, 4, 30), "G"])
    third = book.create_sheet("Notes")
    third.append(["Just some notes"])
    batch = ingest.validate_files([("ppm.xlsx", xlsx_bytes(book))])
    assert {s.sheet: s.source for s in batch.sheets} == {
        "Projects": "projects", "Highlights": "status_reports", "Notes": None}
    assert [p.line() for p in batch.problems] == [
        "ppm.xlsx:Notes:-:-: not recognised; no column matches any source"]


def test_unrecognised_sheet_names_closest_source_and_missing_columns() -> None:
    data = csv_text("Assignment Number,Course Name,Notes", "1001,Intro,x").encode()
    batch = ingest.validate_files([("t.csv", data)])
    assert [p.line() for p in batch.problems] == [
        "t.csv:t:-:-: not recognised; closest source training, missing: session_date, "
        "attendance"]
    assert batch.sheets[0].source is None


# --- broken files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_empty_file(name: str) -> None:
    with pytest.raises(ReadError, match="the file is empty"):
        read_bytes(b"", name)
    batch = ingest.validate_files([(name, b"")])
    assert [p.line() for p in batch.problems] == [f"{name}:-:-:-: the file is empty"]


def test_csv_with_only_a_bom_is_an_empty_sheet() -> None:
    batch = ingest.validate_files([("bom.csv", b"\xef\xbb\xbf")])
    assert [p.line() for p in batch.problems] == ["bom.csv:bom:-:-: the sheet is empty"]


def test_corrupt_xlsx_random_bytes() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(ReadError, match="not a valid .xlsx workbook"):
        read_bytes(data, "broken.xlsx")
    with pytest.raises(ReadError, match="not a valid .xlsx workbook"):
        read_bytes(b"PK\x03\x04" + data, "broken.xlsx")
    report = ingest.import_files([("broken.xlsx", data)], "unused.duckdb", dry_run=True)
    assert report.exit_code == 2
    assert [p.line() for p in report.problems] == [
        "broken.xlsx:-:-:-: not a valid .xlsx workbook (the file is damaged or of another type)"]


def test_password_protected_workbook() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(ReadError, match="password-protected"):
        read_bytes(data, "locked.xlsx")


@pytest.mark.parametrize("name", ["report.pdf", "report", "report.docx"])
def test_unsupported_suffix(name: str) -> None:
    with pytest.raises(ReadError, match="unsupported file type"):
        read_bytes(b"data", name)


def test_read_path_and_expand_paths(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / "b.csv").write_text("a,b\n1,2\n")
    (folder / "a.xlsx").write_bytes(xlsx_bytes(openpyxl.Workbook()))
    (folder / "sub" / "c.TSV").write_text("a\tb\n")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / ".d.csv").write_text("x")
    (folder / ".hidden" / "e.csv").write_text("x")
    (folder / "notes.pdf").write_text("x")
    single = tmp_path / "one.csv"
    single.write_text("a,b\n")
    found = expand_paths([folder, single])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "exports/a.xlsx", "exports/b.csv", "exports/sub/c.TSV", "one.csv"]
    assert read_path(folder / "b.csv")[0].rows == [["a", "b"], ["1", "2"]]
    with pytest.raises(ReadError, match="no such file or folder"):
        expand_paths([tmp_path / "missing"])
    assert not os.path.exists(tmp_path / "missing")
