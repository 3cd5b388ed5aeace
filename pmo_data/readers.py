"""Read export files (CSV, XLSX, XLS, ODS) into raw sheets of cells.

Readers do no interpretation beyond decoding: every sheet comes back as a list of rows,
row ``i`` being the spreadsheet's row ``i + 1`` so that error reports can quote the row
number a person sees in Excel. CSV cells stay text (so pandas cannot turn 01/04/2025
into 4 January, or "007" into 7); workbook cells keep the types calamine gives them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """

    file: str
    sheet: str
    rows: list[list[Any]]
    errors: dict[tuple[int, int], str]


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


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:4096]
    even_nuls, odd_nuls = sample[1::2].count(0), sample[0::2].count(0)
    if max(even_nuls, odd_nuls) > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        encoding = "utf-16-le" if even_nuls > odd_nuls else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ReadError("not a text file (binary content)") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
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
    Ties go to the comma."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t", "|"):
        rows = list(csv.reader(lines, delimiter=delimiter))
        score = sum(1 for row in rows if len(row) >= 3)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_bytes(data: bytes, file: str) -> RawSheet:
    """Parse CSV bytes (comma, semicolon, tab or pipe separated) into one raw sheet."""
    text = decode_text(data)
    delimiter = sniff_delimiter(text)
    rows: list[list[str]] = []
    try:
        # strict: an unclosed quote raises at the end instead of silently swallowing every
        # later line into one cell.
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            rows.append(list(row))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ReadError("a quoted cell starting in this row is never closed (a \" without "
                            "its partner), so the rest of the file cannot be read",
                            sheet=Path(file).stem, row=len(rows) + 1) from None
        # any other strictness complaint (e.g. text after a closing quote): read leniently
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""),
                                            delimiter=delimiter)]
    return RawSheet(file=file, sheet=Path(file).stem, rows=rows, errors={})


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


_ERROR_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f>.*?</f>)?<v>([^<]*)</v>')


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def xlsx_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values (``#REF!``, ``#N/A`` ...) per sheet of an xlsx, by (row, col) index.

    calamine reads error cells as blank, which would hide a broken formula; this scans
    the sheet XML for cells of type ``e`` so the importer can report them.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in _sheet_xml_paths(archive).items():
            try:
                xml = archive.read(part).decode("utf-8", "replace")
            except KeyError:
                continue
            if 't="e"' not in xml:
                continue
            found[name] = {
                (int(m[2]) - 1, _column_index(m[1])): m[3] for m in _ERROR_CELL.finditer(xml)
            }
    return found


def read_workbook_bytes(data: bytes, file: str, *, include_hidden: bool = False) -> list[RawSheet]:
    """Every visible worksheet of an xlsx/xls/ods workbook as raw sheets."""
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
            decode_text(data)
        except ReadError:
            pass
        else:
            raise ReadError(f"this is a text file, not a {suffix} workbook; if it is a CSV "
                            "export, give it a .csv suffix")
        raise ReadError(f"not a valid {suffix} workbook (the file is damaged or of another type)")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types, all meaning "unreadable"
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ReadError("the workbook is password-protected; save a copy without a "
                            "password and import that") from None
        raise ReadError(f"not a valid {suffix} workbook (the file is damaged or of another type)"
                        ) from None
    errors = xlsx_error_cells(data) if data.startswith(_ZIP_MAGIC) and suffix != ".ods" else {}
    sheets: list[RawSheet] = []
    for meta in workbook.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible and not include_hidden:
            continue
        try:
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ReadError(f"sheet {meta.name} cannot be read ({exc})") from None
        sheets.append(RawSheet(file=file, sheet=meta.name, rows=[list(r) for r in rows],
                               errors=errors.get(meta.name, {})))
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
