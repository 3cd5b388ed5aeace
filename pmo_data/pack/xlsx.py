"""The board pack's XLSX: the data behind every chart and table, a sheet each, and a README.

Why this module exists: a board member or analyst can check any figure against its data, and
the README sheet says what the pack's parameters were, what each sheet holds and how every
metric is defined (the catalogue). Sheets are registered in ``SHEETS`` (order, description,
frame); written through ``pmo_data.downloads.xlsx_bytes`` (text never becomes a formula).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from pmo_data.downloads import xlsx_bytes
from pmo_data.pack.content import TOP_RISKS, PackContent


@dataclass(frozen=True)
class Sheet:
    """A registered sheet: its name, its line in the README, and the frame it holds (None:
    nothing to show for this pack, so no sheet and no README line: benchmarking without peer
    data)."""

    name: str
    description: str
    frame: Callable[[PackContent], pd.DataFrame | None]


def _summary(c: PackContent) -> pd.DataFrame:
    return pd.DataFrame({"key": [s.key for s in c.sentences],
                         "sentence": [s.text for s in c.sentences]})


#: Every data sheet, in order, after the README: the one registry.
SHEETS: tuple[Sheet, ...] = (
    Sheet("Definitions", "The metric catalogue: code, name, definition, unit, direction, "
          "target source, data owner.", lambda c: c.definitions.copy()),
    Sheet("Scorecard", "Each plan KPI's status in the financial year: Met and On track count "
          "as on track (n of m on the scorecard slide).", lambda c: pd.DataFrame(
              list(c.scorecard.rows) if c.scorecard else [], columns=["kpi", "status"])),
    Sheet("Summary", "The executive-summary sentences, as edited by the author.", _summary),
    Sheet("What changed", "Every figure of the pack at the previous report date and now: "
          "values, their text, the change (now minus then; percentages in points), its "
          "direction word, and the financial year and date of each side.",
          lambda c: c.changes),
    Sheet("KPIs", "Each measure: value, target, year-to-date target, last year, SPC icons.",
          lambda c: c.kpis),
    Sheet("Portfolio RAG", "Active projects by latest overall RAG, previous report date and "
          "now.", lambda c: c.rag),
    Sheet("RAG changes", "Projects whose RAG changed between the previous report date and "
          "now.", lambda c: c.rag_changes),
    Sheet("Exceptions", "Every Red and Amber/Red project (On hold included), worst first: "
          "reason, slippage in days, SRO, days since report, RAG at the previous report date "
          "and the change.", lambda c: c.exceptions.drop(columns=["link"], errors="ignore")),
    Sheet("Training", "Distinct staff trained, cumulative by month, and the pro-rata target.",
          lambda c: c.training),
    Sheet("Five-year plan", "Every plan KPI's target per financial year, and the actual so "
          "far.", lambda c: c.plan),
    Sheet("Shifts", "Projects per strategic shift by stage and latest RAG (Cancelled left "
          "out).", lambda c: c.shifts.by_stage_rag if c.shifts else pd.DataFrame()),
    Sheet("Shift trend", "Per shift and month end: active projects and how many reported Red "
          "or Amber/Red.", lambda c: c.shifts.trend if c.shifts else pd.DataFrame()),
    Sheet("Benefits", "Cash-releasing benefits due in the year by service group (pounds).",
          lambda c: c.benefits),
    Sheet("Top risks", f"The {TOP_RISKS} open risks with the highest likelihood x impact.",
          lambda c: c.risks),
    Sheet("Benchmarking", "This trust beside its peer trusts (when peers shared): each "
          "shared metric's value, network median, interquartile range and rank.",
          lambda c: c.benchmarking.table if c.benchmarking else None),
    Sheet("Data sources", "Each source's file, import date, rows, latest data date, caveats.",
          lambda c: c.sources),
)


def readme(c: PackContent, shown: Sequence[str] | None = None) -> pd.DataFrame:
    """The README sheet: the pack's parameters, one line per sheet of ``SHEETS`` written
    (``shown``: their names; default those whose frame is not None), and every catalogue
    metric's definition."""
    rows = [
        ("Pack", "Report", f"{c.trust} PMO board report"),
        ("Pack", "Financial year", c.fy),
        ("Pack", "As at", c.as_at.isoformat()),
        ("Pack", "Evaluated at", f"{c.at.isoformat()} (the as-at date, or the end of the "
                                 "financial year if earlier)"),
        ("Pack", "Service group", c.service_group or "All service groups"),
        ("Pack", "Previous report date", f"{c.previous_date.isoformat()} (one month before "
                                         "the evaluation date)"),
        ("Pack", "Previous figures' financial year",
         f"{c.fy_then} (the financial year containing the previous report date)"),
    ]
    if shown is None:
        shown = [sheet.name for sheet in SHEETS if sheet.frame(c) is not None]
    rows += [("Sheet", sheet.name, sheet.description) for sheet in SHEETS
             if sheet.name in shown]
    rows += [("Metric", f"{d.code}: {d.name}",
              f"{d.definition} Unit: {d.unit or 'none'}; better: {d.direction}; "
              f"target: {d.target_source}; data owner: {d.data_owner}.")
             for d in c.definitions.itertuples()]
    return pd.DataFrame(rows, columns=["section", "name", "description"])


def render_xlsx(c: PackContent) -> bytes:
    """The README, then each sheet of ``SHEETS``, dated the as-at date (repeatable bytes)."""
    frames = {sheet.name: frame for sheet in SHEETS if (frame := sheet.frame(c)) is not None}
    sheets = {"README": readme(c, list(frames)), **frames}
    return xlsx_bytes(sheets, when=c.as_at)
