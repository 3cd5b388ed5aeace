"""Recognise which source a raw sheet holds, find its header row, and map its columns.

A source is recognised by its columns, not by file or sheet name: the header row is the
first of the top rows in which every required column of some source is present (under its
canonical name or an alias). Title rows above it are skipped. A sheet that matches no
source is reported with the closest source and what it lacks, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pmo_data.parse import is_blank
from pmo_data.readers import RawSheet
from pmo_data.schema import SOURCES_LIST, Source, normalise_header

HEADER_SEARCH_ROWS = 30
#: Header of the guide sheet in our own import templates: such a sheet is skipped.
GUIDE_HEADER = ("Column", "Required", "Type", "Meaning", "Also accepted headers")
_TOTAL = re.compile(r"^(grand\s+)?(sub\s*)?totals?:?$", re.IGNORECASE)


@dataclass(frozen=True)
class Recognised:
    """A sheet matched to a source.

    ``header_row`` is the 0-based row index of the header; ``columns`` maps each
    canonical column found to (column index, header text as written); ``extra`` lists
    header texts that belong to no column of the source (they are not stored).
    """

    sheet: RawSheet
    source: Source
    header_row: int
    columns: dict[str, tuple[int, str]]
    extra: tuple[str, ...]

    def data_rows(self) -> list[tuple[int, list[Any]]]:
        """(spreadsheet row number, cells) of every data row: blank and Total rows skipped."""
        out: list[tuple[int, list[Any]]] = []
        for index in range(self.header_row + 1, len(self.sheet.rows)):
            cells = self.sheet.rows[index]
            filled = [c for c in cells if not is_blank(c)]
            if not filled and not any(
                (index, col) in self.sheet.errors or (index, col) in self.sheet.too_long
                for col in range(len(cells))
            ):
                continue
            if filled and isinstance(filled[0], str) and _TOTAL.match(filled[0].strip()):
                continue
            out.append((index + 1, cells))
        return out


@dataclass(frozen=True)
class Unrecognised:
    """A sheet that matches no source; ``message`` says the closest source and what is missing."""

    sheet: RawSheet
    message: str
    closest: str | None
    missing: tuple[str, ...]
    skipped: bool = False  # a template guide sheet: not data, not a problem


def _match(source: Source, header: list[Any]) -> tuple[dict[str, tuple[int, str]], list[str]]:
    table = source.header_map()
    canonical = {normalise_header(c) for c in source.column_names}
    columns: dict[str, tuple[int, str]] = {}
    # Canonical spellings first, so an alias never takes a column another header names exactly.
    for pass_canonical in (True, False):
        for index, cell in enumerate(header):
            key = normalise_header(cell)
            if not key or (key in canonical) != pass_canonical:
                continue
            name = table.get(key)
            if name is not None and name not in columns and index not in {
                i for i, _ in columns.values()
            }:
                columns[name] = (index, str(cell).strip())
    used = {i for i, _ in columns.values()}
    extra = [" ".join(str(c).split()) for i, c in enumerate(header)
             if i not in used and not is_blank(c)]
    return columns, extra


def recognise(sheet: RawSheet) -> Recognised | Unrecognised:
    """Find the header row and source of a sheet (see module docstring).

    When several sources match the same header row, the one with the most matched
    columns wins (ties: the one listed first in the contract).
    """
    if sheet.rows and tuple(sheet.rows[0][: len(GUIDE_HEADER)]) == GUIDE_HEADER:
        return Unrecognised(sheet, "template guide (not imported)", None, (), skipped=True)
    best_partial: tuple[float, int, str, tuple[str, ...]] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for c in row if isinstance(c, str) and c.strip()) < 2:
            continue
        full: list[tuple[int, Source, dict[str, tuple[int, str]], list[str]]] = []
        for source in SOURCES_LIST:
            columns, extra = _match(source, row)
            missing = tuple(c for c in source.required if c not in columns)
            if not missing:
                full.append((len(columns), source, columns, extra))
                continue
            share = (len(source.required) - len(missing)) / len(source.required)
            candidate = (share, len(columns), source.name, missing)
            if share > 0 and (best_partial is None or candidate[:2] > best_partial[:2]):
                best_partial = candidate
        if full:
            _, source, columns, extra = max(full, key=lambda f: f[0])
            return Recognised(sheet, source, index, columns, tuple(extra))
    if not any(not is_blank(c) for row in sheet.rows for c in row):
        return Unrecognised(sheet, "the sheet is empty", None, ())
    if best_partial is None:
        return Unrecognised(sheet, "not recognised; no column matches any source", None, ())
    _, _, name, missing = best_partial
    return Unrecognised(
        sheet,
        f"not recognised; closest source {name}, missing: {', '.join(missing)}",
        name,
        missing,
    )
