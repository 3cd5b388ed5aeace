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
SUPPORTED_SUFFIXES = CSV_SUFFIXES | WORKBOOK_SUFFIXES

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file (xls, or encrypted xlsx)
_ZIP_MAGIC = b"PK\x03\x04"


class ReadError(Exception):
    """A file that cannot be read at all; the message is one plain sentence."""


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
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even_nuls = data[1:4096:2].count(0)
        odd_nuls = data[0:4096:2].count(0)
        encoding = "utf-16-le" if even_nuls > odd_nuls else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise ReadError("not a text file (binary content)") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_bytes(data: bytes, file: str) -> RawSheet:
    """Parse CSV bytes (comma, semicolon, tab or pipe separated) into one raw sheet."""
    text = decode_text(data)
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
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
    if data.startswith(_CFB_MAGIC) and suffix in {".xlsx", ".xlsm", ".xlsb"}:
        raise ReadError("the workbook is password-protected (encrypted); save a copy without a "
                        "password and import that")
    if not data.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
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
        if data.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
            raise ReadError("this is a workbook, not a CSV file; give it an .xlsx suffix")
        return [read_csv_bytes(data, file)]
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_bytes(data, file)
    listed = ", ".join(sorted(SUPPORTED_SUFFIXES))
    raise ReadError(f"unsupported file type {suffix or '(none)'}; use one of {listed}")


def read_path(path: Path) -> list[RawSheet]:
    """Read a file from disk (see ``read_bytes``)."""
    return read_bytes(path.read_bytes(), path.name)
