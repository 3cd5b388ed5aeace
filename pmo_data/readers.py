"""Read export files (CSV, XLSX, XLS, ODS) into raw sheets of cells.

Readers do no interpretation beyond decoding: every sheet comes back as a list of rows,
row ``i`` being the spreadsheet's row ``i + 1`` so that error reports can quote the row
number a person sees in Excel. CSV cells stay text (so pandas cannot turn 01/04/2025
into 4 January, or "007" into 7); workbook cells keep the types calamine gives them.

Readers are bounded, because a small hostile file can expand enormously: a 4 MB xlsx can
declare a 4 GB sheet, and 50 MB of newlines is 52 million rows. Nothing reads a whole sheet's
XML or decodes a whole CSV at once: a workbook's declared unzipped size is checked before
anything is decompressed, each sheet's XML is then streamed (counting the bytes actually
inflated, its rows and the extent of its cells) before the workbook parser sees it, and a CSV
is decoded and split as a stream. Past a limit (``pmo_data.limits``) the file is refused in
one line naming it; a single cell longer than Excel's own limit (32,767 characters) is
recorded in ``RawSheet.too_long`` so that its row is rejected, not the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmo_data import limits

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
#: Microsoft Project / Primavera files: read by ``project_files`` (MPXJ), not here.
PROJECT_SUFFIXES = frozenset({".mpp", ".mpt", ".mpx", ".xml", ".xer"})
SUPPORTED_SUFFIXES = CSV_SUFFIXES | WORKBOOK_SUFFIXES | PROJECT_SUFFIXES

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file (xls, or encrypted xlsx)
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # stream of an encrypted xlsx
_XLS_WORKBOOK = "Workbook".encode("utf-16-le")  # stream of an Excel 97-2003 workbook
#: Leading bytes of common files that are not exports, named in the refusal.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
)


class ReadError(Exception):
    """A file that cannot be read at all; the message is one plain sentence.

    ``sheet`` and ``row`` (1-based, as the spreadsheet shows it) say where, when known.
    """

    def __init__(self, message: str, *, sheet: str | None = None, row: int | None = None):
        super().__init__(message)
        self.sheet = sheet
        self.row = row


@dataclass(frozen=True)
class RawSheet:
    """The cells of one sheet (or one CSV file).

    ``rows[i]`` is spreadsheet row ``i + 1``; rows may have different lengths.
    ``errors`` maps (row index, column index) to an Excel error value such as ``#REF!``
    that the cell held (workbook readers drop those to blank, so they are kept here).
    ``too_long`` maps (row index, column index) to the length of a cell longer than
    ``limits.MAX_CELL_CHARS``; the cell itself is blanked (its row is rejected on import).
    """

    file: str
    sheet: str
    rows: list[list[Any]]
    errors: dict[tuple[int, int], str]
    too_long: dict[tuple[int, int], int] = field(default_factory=dict)


def supported(path: Path) -> bool:
    """True for a file whose suffix a reader handles (Office lock files ``~$x`` excluded)."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(("~$", "."))


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named, plus the supported files inside named folders (sorted, not recursive
    into hidden folders). Missing paths raise ReadError."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and supported(p)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ReadError(f"{path}: no such file or folder")
    return found


def text_encoding(data: bytes) -> str:
    """The codec of CSV bytes: UTF-8 with BOM (``utf-8-sig``), UTF-16 with or without a BOM,
    UTF-8, else Windows-1252. UTF-8 validity is checked by streaming the bytes through an
    incremental decoder, so nothing the size of the file is built. ReadError for bytes that
    claim to be UTF-16 but are not."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    even_nuls, odd_nuls = sample[1::2].count(0), sample[0::2].count(0)
    if max(even_nuls, odd_nuls) > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        encoding = "utf-16-le" if even_nuls > odd_nuls else "utf-16-be"
        if not _decodes(data, encoding):
            raise ReadError("not a text file (binary content)")
        return encoding
    return "utf-8" if _decodes(data, "utf-8") else "cp1252"


def _decodes(data: bytes, encoding: str, chunk: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(data[start:start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_stream(data: bytes) -> io.TextIOWrapper:
    """The bytes as a text stream in their codec (undecodable cp1252 bytes replaced)."""
    encoding = text_encoding(data)
    errors = "replace" if encoding == "cp1252" else "strict"
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors, newline="")


def decode_text(data: bytes) -> str:
    """Decode CSV bytes whole (see ``text_encoding``); for small texts and tests only."""
    with _text_stream(data) as stream:
        text = stream.read()
    if _looks_binary(text):
        raise ReadError("not a text file (binary content)")
    return text


def _looks_binary(text: str) -> bool:
    """True when over 5% of the first 8,192 characters are control characters (other than
    tab and line breaks): text exports have almost none, binary files many."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return controls > len(sample) // 20


def _other_format(data: bytes) -> str | None:
    """The name of a well-known non-export format the bytes start with, if any."""
    return next((name for magic, name in _OTHER_MAGIC if data.startswith(magic)), None)


def _is_zip_workbook(data: bytes) -> bool:
    """True for a zip archive holding an xlsx/xlsm/xlsb or OpenDocument workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return bool(names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"})


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) that splits the most of the first 30
    lines into three or more fields; title rows above the header do not confuse it.
    Ties go to the comma. Only the first 64 KB of ``text`` is looked at."""
    lines = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t", "|"):
        rows = list(csv.reader(lines, delimiter=delimiter))
        score = sum(1 for row in rows if len(row) >= 3)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _too_many_rows(file: str) -> ReadError:
    return ReadError(f"{file} has more than {limits.max_rows():,} rows (Excel's own limit); "
                     "split it into smaller files")


def _too_many_columns(file: str, width: int, row: int, sheet: str | None = None) -> ReadError:
    return ReadError(f"{file} has {width:,} columns in row {row}; the most an import reads is "
                     f"{limits.max_columns():,}", sheet=sheet, row=row)


def _bounded_rows(rows: Iterator[list[str]], file: str, sheet: str, out: list[list[Any]],
                  too_long: dict[tuple[int, int], int]) -> None:
    """Collect CSV rows into ``out``, refusing past the row and column limits and blanking
    (and noting in ``too_long``) cells longer than the cell limit."""
    max_rows, max_cols, max_chars = limits.max_rows(), limits.max_columns(), limits.MAX_CELL_CHARS
    blank: list[Any] = []  # one shared object for every empty line
    for row in rows:
        if len(out) >= max_rows:
            raise _too_many_rows(file)
        if len(row) > max_cols:
            raise _too_many_columns(file, len(row), len(out) + 1, sheet)
        if not row:
            out.append(blank)
            continue
        for col, cell in enumerate(row):
            if len(cell) > max_chars:
                too_long[(len(out), col)] = len(cell)
                row[col] = None
        out.append(row)


def read_csv_bytes(data: bytes, file: str) -> RawSheet:
    """Parse CSV bytes (comma, semicolon, tab or pipe separated) into one raw sheet, as a
    stream (see the module docstring for the limits)."""
    with _text_stream(data) as stream:
        try:
            head = stream.read(65536)
        except UnicodeDecodeError:
            raise ReadError("not a text file (binary content)") from None
    if _looks_binary(head):
        raise ReadError("not a text file (binary content)")
    delimiter = sniff_delimiter(head)
    sheet = Path(file).stem
    csv.field_size_limit(max(len(data), 131072))  # long cells become row errors, not aborts

    def parse(strict: bool) -> RawSheet:
        rows: list[list[Any]] = []
        too_long: dict[tuple[int, int], int] = {}
        with _text_stream(data) as stream:
            try:
                _bounded_rows(csv.reader(stream, delimiter=delimiter, strict=strict), file,
                              sheet, rows, too_long)
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise ReadError("a quoted cell starting in this row is never closed (a \" "
                                    "without its partner), so the rest of the file cannot be "
                                    "read", sheet=sheet, row=len(rows) + 1) from None
                raise
            except UnicodeDecodeError:
                raise ReadError("not a text file (binary content)") from None
        return RawSheet(file=file, sheet=sheet, rows=rows, errors={}, too_long=too_long)

    try:
        # strict: an unclosed quote raises at the end instead of silently swallowing every
        # later line into one cell.
        return parse(strict=True)
    except csv.Error:
        # any other strictness complaint (e.g. text after a closing quote): read leniently
        return parse(strict=False)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet names to their XML part inside an xlsx archive."""
    from xml.etree import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "").lstrip("/")
        out[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f>.*?</f>)?<v>([^<]*)</v>')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_ROW_TAG = re.compile(rb"<row[ >]")
_CHUNK = 1 << 20


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


@dataclass(frozen=True)
class SheetScan:
    """What one streamed pass over a sheet's XML found: its used range (``rows`` x
    ``columns``, from the cell references and row tags), the bytes it inflated to, and its
    Excel error cells by (row, column) index."""

    rows: int
    columns: int
    inflated: int
    errors: dict[tuple[int, int], str]


def _scan_sheet(stream: Any, budget: int, file: str, sheet: str) -> SheetScan:
    """Stream one sheet part, refusing as soon as it inflates past ``budget`` bytes or its
    used range passes the row, column or cell limits.

    Each chunk is processed up to the last cell or row tag that starts in it; the rest is
    carried into the next chunk, so no tag (nor an error cell with its value) is ever split.
    """
    errors: dict[tuple[int, int], str] = {}
    max_row = max_col = row_tags = 0
    inflated = 0
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        inflated += len(chunk)
        if inflated > budget:
            raise _too_big_unzipped(file)
        window = carry + chunk
        if chunk:
            cut = max(window.rfind(b"<c "), window.rfind(b"<row"))
            if cut <= 0:
                cut = max(0, len(window) - 64)
        else:
            cut = len(window)
        done, carry = window[:cut], window[cut:]
        for m in _CELL_REF.finditer(done):
            max_col = max(max_col, _column_index(m[1].decode()) + 1)
            max_row = max(max_row, int(m[2]))
        row_tags += len(_ROW_TAG.findall(done))
        if b't="e"' in done:
            for m in _ERROR_CELL.finditer(done):
                errors[(int(m[2]) - 1, _column_index(m[1].decode()))] = m[3].decode(
                    "utf-8", "replace")
        if max(max_row, row_tags) > limits.max_rows():
            raise ReadError(f"{file} has more than {limits.max_rows():,} rows in sheet {sheet} "
                            "(Excel's own limit); split it into smaller files", sheet=sheet)
        if max_col > limits.max_columns():
            raise ReadError(f"{file} uses {max_col:,} columns in sheet {sheet}; the most an "
                            f"import reads is {limits.max_columns():,}", sheet=sheet)
        if not chunk:
            break
    rows = max(max_row, row_tags)
    if rows * max_col > limits.max_cells():
        raise ReadError(f"{file} spans {rows:,} rows x {max_col:,} columns in sheet {sheet} "
                        f"({rows * max_col:,} cells); the most an import reads is "
                        f"{limits.max_cells():,} cells: delete the unused rows and columns, or "
                        "split the sheet", sheet=sheet)
    return SheetScan(rows, max_col, inflated, errors)


def _too_big_unzipped(file: str) -> ReadError:
    return ReadError(f"{file} expands to more than {limits.max_unzipped_bytes() // 2**20:,} MB "
                     "when unzipped (the most an import reads); it may be damaged or "
                     "deliberately inflated; save it again from Excel or split it")


def _check_archive(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a zip whose declared unzipped size is past the limit (before inflating)."""
    declared = sum(info.file_size for info in archive.infolist())
    if declared > limits.max_unzipped_bytes():
        raise _too_big_unzipped(file)


def scan_xlsx(data: bytes, file: str) -> dict[str, SheetScan]:
    """Stream every sheet of an xlsx once (bounded; see the module docstring): its used
    range and Excel error values per sheet name. ReadError past a limit.

    calamine reads error cells as blank, which would hide a broken formula, so the error
    values (cells of type ``e``) are kept here for the importer to report.
    """
    found: dict[str, SheetScan] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_archive(archive, file)
        budget = limits.max_unzipped_bytes()
        for name, part in _sheet_xml_paths(archive).items():
            try:
                stream = archive.open(part)
            except KeyError:
                continue
            with stream:
                scan = _scan_sheet(stream, budget, file, name)
            budget -= scan.inflated
            found[name] = scan
    return found


def xlsx_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values (``#REF!``, ``#N/A`` ...) per sheet of an xlsx, by (row, col) index
    (from ``scan_xlsx``)."""
    return {name: scan.errors for name, scan in scan_xlsx(data, "workbook").items()
            if scan.errors}


def _blank_long_cells(rows: list[list[Any]]) -> dict[tuple[int, int], int]:
    too_long: dict[tuple[int, int], int] = {}
    limit = limits.MAX_CELL_CHARS
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > limit:
                too_long[(r, c)] = len(cell)
                row[c] = None
    return too_long


def read_workbook_bytes(data: bytes, file: str, *, include_hidden: bool = False) -> list[RawSheet]:
    """Every visible worksheet of an xlsx/xls/ods workbook as raw sheets (bounded: an xlsx is
    scanned by ``scan_xlsx`` before the parser builds anything; an ods's unzipped size is
    checked from its directory)."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    suffix = Path(file).suffix.lower()
    if data.startswith(_CFB_MAGIC) and suffix in {".xlsx", ".xlsm", ".xlsb"} and (
            _ENCRYPTED_PACKAGE in data or _XLS_WORKBOOK not in data):
        raise ReadError("the workbook is password-protected (encrypted); save a copy without a "
                        "password and import that")
    if not data.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
        other = _other_format(data)
        if other:
            raise ReadError(f"this is {other}, not a {suffix} workbook")
        try:
            decode_text(data[:65536])
        except (ReadError, UnicodeDecodeError):
            pass
        else:
            raise ReadError(f"this is a text file, not a {suffix} workbook; if it is a CSV "
                            "export, give it a .csv suffix")
        raise ReadError(f"not a valid {suffix} workbook (the file is damaged or of another type)")
    scans: dict[str, SheetScan] = {}
    if data.startswith(_ZIP_MAGIC):
        try:
            if suffix == ".ods":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    _check_archive(archive, file)
            else:
                scans = scan_xlsx(data, file)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ReadError(f"not a valid {suffix} workbook (the file is damaged or of another "
                            "type)") from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types, all meaning "unreadable"
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ReadError("the workbook is password-protected; save a copy without a "
                            "password and import that") from None
        raise ReadError(f"not a valid {suffix} workbook (the file is damaged or of another type)"
                        ) from None
    sheets: list[RawSheet] = []
    for meta in workbook.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible and not include_hidden:
            continue
        try:
            rows = [list(r) for r in
                    workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)]
        except Exception as exc:
            raise ReadError(f"sheet {meta.name} cannot be read ({exc})") from None
        if len(rows) > limits.max_rows():  # xls and ods: not scanned beforehand
            raise ReadError(f"{file} has more than {limits.max_rows():,} rows in sheet "
                            f"{meta.name} (Excel's own limit); split it", sheet=meta.name)
        scan = scans.get(meta.name)
        sheets.append(RawSheet(file=file, sheet=meta.name, rows=rows,
                               errors=scan.errors if scan else {},
                               too_long=_blank_long_cells(rows)))
    return sheets


def read_bytes(data: bytes, file: str) -> list[RawSheet]:
    """Read an uploaded or on-disk file's bytes by its suffix; ReadError if unsupported."""
    suffix = Path(file).suffix.lower()
    if not data:
        raise ReadError("the file is empty")
    if suffix in CSV_SUFFIXES:
        if data.startswith(_CFB_MAGIC) or (data.startswith(_ZIP_MAGIC)
                                           and _is_zip_workbook(data)):
            raise ReadError("this is a workbook, not a CSV file; give it an .xlsx suffix")
        if data.startswith(_ZIP_MAGIC):
            raise ReadError("this is a zip archive, not a CSV file; unzip it and import the "
                            "files inside")
        other = _other_format(data)
        if other:
            raise ReadError(f"this is {other}, not a CSV file")
        return [read_csv_bytes(data, file)]
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_bytes(data, file)
    if suffix in PROJECT_SUFFIXES:
        raise ReadError("a project file: import it (project files are read with MPXJ)")
    listed = ", ".join(sorted(SUPPORTED_SUFFIXES))
    raise ReadError(f"unsupported file type {suffix or '(none)'}; use one of {listed}")


def read_path(path: Path) -> list[RawSheet]:
    """Read a file from disk (see ``read_bytes``)."""
    return read_bytes(path.read_bytes(), path.name)
