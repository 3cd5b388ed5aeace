"""Safe CSV/XLSX downloads, and repeatable zip bytes for the Office files the app writes.

Why this module exists: any table a page offers for download, and the board pack's XLSX, go
through one writer each, so a text cell beginning ``=``, ``+``, ``-`` or ``@`` can never become
a formula (OWASP "CSV injection"): CSV cells get a leading single quote, XLSX cells are written
as explicit strings. ``fixed_zip`` makes an XLSX/PPTX byte-for-byte repeatable (entries and
document properties dated by the caller, never "now").
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from pmo_data import text

FORMULA_PREFIXES = text.FORMULA_PREFIXES
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def plain(value: Any) -> Any:
    """A cell value as a plain Python value; NaN/NaT/None become None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            return str(value)
        return plain(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, so Excel reads £ and accents) with formula-like text neutralised.

    Text cells and column headers beginning ``=``, ``+``, ``-``, ``@``, tab or a line break
    get a leading single quote (``text.cell``), so a spreadsheet opening the file cannot run
    them; pivot columns named after data values are headers too. Numbers are unchanged.
    """
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = [text.cell(v) for v in safe[col]]
    safe.columns = [text.cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, when: date | None = None) -> bytes:
    """An XLSX workbook with one sheet per frame (header row bold, frozen, widths fitted).

    Every text cell is written as an explicit string (inline string type, quote-prefix style),
    so ``=SUM(A1)`` stays text; characters XML cannot hold are removed. Dates are real dates.
    ``when`` sets the document's created/modified dates (default 1 January 2000), so the same
    data give the same workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    stamp = datetime.combine(when or date(2000, 1, 1), datetime.min.time())
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "PMO dashboard"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_title(name, taken))
        headers = [str(c) for c in frame.columns]
        widths = [len(h) for h in headers]
        for j, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=j)
            _set_cell(cell, header)
            cell.font = Font(bold=True)
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            for j, raw in enumerate(row, start=1):
                value = plain(raw)
                cell = ws.cell(row=i, column=j)
                _set_cell(cell, value)
                widths[j - 1] = max(widths[j - 1], min(60, len(str(value or ""))))
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = width + 2
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _set_cell(cell: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        text = _ILLEGAL_XML.sub("", value)
        cell.value = text
        cell.data_type = "s"  # never "f": text that looks like a formula stays text
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
        return
    if isinstance(value, bool | int | float):
        cell.value = value
        return
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return
    _set_cell(cell, str(value))


def fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Re-write a zip (xlsx/pptx) so its bytes are repeatable: every entry dated ``stamp``,
    the document's created/modified properties set to ``stamp`` (openpyxl and XlsxWriter
    write "now" there), and workbooks embedded in it (chart data) treated the same way."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename.endswith(".xlsx"):
                blob = fixed_zip(blob, stamp)
            elif info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + iso + rb"\g<2>", blob)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, blob)
    return out.getvalue()


__all__ = ["FORMULA_PREFIXES", "csv_bytes", "fixed_zip", "plain", "xlsx_bytes"]
