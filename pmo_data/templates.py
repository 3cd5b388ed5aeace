"""Import templates: one workbook per source with the headers, an example row and a guide.

Given to people who build exports by hand, so that what they send matches the contract
the first time. Generated from the source registry, so a template cannot go stale.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pmo_data.recognise import GUIDE_HEADER
from pmo_data.schema import SOURCES, VOCABULARIES, Column

_EXAMPLES: dict[str, Any] = {
    "project_id": "PRJ-0001",
    "project_name": "Electronic observations roll-out",
    "service_group": "Medicine",
    "programme": "Digital ward",
    "pmo_service": "Immersive PM",
    "project_manager": "A. Project Manager",
    "sro": "Chief Nursing Information Officer",
    "staff_id": "12345678",
    "course": "Introduction to Project Management",
    "band": "Band 6",
    "staff_group": "Nursing and Midwifery",
    "completion": "Completed",
    "request_id": "REQ-0001",
    "status": "Open",
    "kpi_code": "TRAINED_STAFF",
    "kpi_name": "Staff trained in project management",
    "unit": "staff",
    "plan_year_label": "Year one: come together",
    "service_area": "PM Training and Education",
    "perspective": "Benefits management",
    "benefit_id": "BEN-0001",
    "raid_id": "RSK-0001",
    "milestone": "Go-live on pilot ward",
}


def example_value(column: Column) -> Any:
    """A plausible example for a column, valid under the contract."""
    if column.name in _EXAMPLES:
        return _EXAMPLES[column.name]
    if column.kind == "vocab":
        return VOCABULARIES[column.vocab or ""].values[0]
    if column.kind in ("date", "month"):
        return date(2025, 4, 1)
    if column.kind == "fy":
        return "2025/26"
    if column.kind in ("int", "float", "money", "percent"):
        return int(column.le) if column.le is not None else (1 if column.ge else 1000)
    return "Example text"


def _kind_label(column: Column) -> str:
    if column.kind == "vocab":
        return "one of: " + ", ".join(VOCABULARIES[column.vocab or ""].values)
    labels = {"date": "date (dd/mm/yyyy or an Excel date)", "month": "month (any date in it)",
              "money": "pounds (e.g. £1,234.50)", "percent": "per cent 0-100",
              "fy": "financial year, e.g. 2025/26", "text": "text"}
    label = labels.get(column.kind, "number")
    if column.ge is not None or column.le is not None:
        label += f" ({column.ge if column.ge is not None else ''}-"
        label += f"{column.le if column.le is not None else ''})"
    return label


def template_xlsx(source_name: str) -> bytes:
    """An .xlsx template for one source: a data sheet (headers + example row) and a guide."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    source = SOURCES[source_name]
    book = Workbook()
    sheet = book.active
    sheet.title = source.title[:31]
    sheet.append(list(source.column_names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([example_value(c) for c in source.columns])
    for cell in sheet[2]:
        if isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
    guide = book.create_sheet("Guide")
    guide.append(list(GUIDE_HEADER))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in source.columns:
        guide.append([column.name, "yes" if column.required else "no", _kind_label(column),
                      column.description, ", ".join(column.aliases)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
