"""What changed since the last pack: every figure the pack reports, at the previous report
date and now, with the signed change and a word saying whether it is better or worse.

Why this module exists: a board reads this month's pack against last month's. Without one
table of changes each member subtracts by hand, from two packs that may have been built on
different days with different rules. This is the one definition the slide, the HTML section
and the XLSX sheet share (``PackContent.changes``), and the figures at both dates come from
the functions the rest of the pack uses, so "then" is what the last pack said (on the same
data) and "now" is what this pack says.

Rules (``changes``):

* **Dates**: now is the evaluation date ``at = min(as_at, FY end)``; then is
  ``periods.previous_report_date(at)`` (one calendar month before), the date the portfolio
  slide and the exceptions list compare with.
* **Year of the "then" figures**: the pack's FY when the previous date falls inside it,
  else the FY containing the previous date (at 15 April 2026 the last pack was for
  2025/26). That is always ``fy_of(previous date)``; ``Changes.year_differs`` says when it
  is not the pack's FY, and the slide says so.
* **Figures**, in catalogue order: every catalogue metric (``metrics.compute_all`` now,
  ``metrics.compute_many`` for ``fy_then`` at the previous date: the same evaluation without
  the previous year), except that PORTFOLIO_RAG is shown as its counts of active projects
  rated Red, Amber/Red, Amber, Amber/Green and Green (its ``breakdown``, as the portfolio
  slide) followed by the number of exceptions (``pmo_data.exceptions``: every Red and
  Amber/Red project, On hold included).
* **Change** = now - then, in the figure's unit, written by ``fmt.delta`` ("+3", "-£1,200",
  "+2.5 pts" for percentages: percentage points).
* **Direction word** (``Figure.verdict``), judged on the change as written: "no change" when
  ``fmt.unchanged`` (it rounds to zero); else for a metric whose better direction is up,
  "better" for a rise and "worse" for a fall (down: the reverse); for a figure with no better
  direction ("neither", e.g. active projects, Amber), "higher" or "lower".
* **Not comparable**: when either side is missing (None or NaN: missing is never zero), and
  for a year-to-date figure (``MetricDefinition.cumulative``: staff trained, projects
  supported ...) whose "then" is for another FY, because it restarts at zero on 1 April;
  its change is then blank ("–") rather than a fall nobody caused.
* **RAG counts** by RAG: Red and Amber/Red better down, Amber neither, Amber/Green and Green
  better up; exceptions better down. With no project register both sides are missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from pmo_data import exceptions as exceptions_list
from pmo_data import fmt, metrics
from pmo_data.db import Database
from pmo_data.metrics import Direction, MetricValue
from pmo_data.parse import fy_bounds, fy_of, parse_fy
from pmo_data.periods import evaluation_date, previous_report_date

__all__ = ["EXCEPTIONS_KEY", "NOT_COMPARABLE", "RAG_DIRECTIONS", "Changes", "Figure",
           "Verdict", "by_key", "changes", "figures", "fy_then", "rag_key"]

Verdict = Literal["better", "worse", "higher", "lower", "no change", "not comparable"]
NOT_COMPARABLE: Verdict = "not comparable"
#: The change text when there is nothing to subtract.
NO_CHANGE_TEXT = "–"

#: The RAG counts shown, and the direction that is better for each.
RAG_DIRECTIONS: dict[str, Direction] = {
    "Red": "down", "Amber/Red": "down", "Amber": "neither", "Amber/Green": "up", "Green": "up"}
EXCEPTIONS_KEY = "EXCEPTIONS"
EXCEPTIONS_NAME = "Exceptions (Red and Amber/Red, On hold included)"

#: The columns of ``Changes.frame`` (what the XLSX sheet holds).
COLUMNS = ("key", "measure", "unit", "direction", "then", "now", "change", "then_text",
           "now_text", "change_text", "verdict", "fy_then", "fy", "previous_date", "at")


def rag_key(rag: str) -> str:
    """The figure key of a RAG count: "Amber/Red" -> "RAG_AMBER_RED"."""
    return "RAG_" + rag.upper().replace("/", "_")


def _number(v: object) -> float | None:
    """A figure as a float, None when missing (None or NaN)."""
    return None if fmt.is_missing(v) else float(v)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figure:
    """One figure at the previous report date (``then``) and now, in ``unit``.

    ``direction`` is the better direction ("up", "down", "neither"); ``restarts`` marks a
    year-to-date figure whose "then" is another FY's (not comparable).
    """

    key: str
    name: str
    unit: str
    direction: Direction
    then: float | None
    now: float | None
    restarts: bool = False

    @property
    def comparable(self) -> bool:
        """Both sides present and for a comparable period."""
        return self.then is not None and self.now is not None and not self.restarts

    @property
    def change(self) -> float | None:
        """now - then in the figure's unit; None when not comparable."""
        if not self.comparable:
            return None
        return float(self.now) - float(self.then)  # type: ignore[arg-type]

    @property
    def then_text(self) -> str:
        """The previous value as the pack writes it ("no data" when missing)."""
        return fmt.value(self.then, self.unit)

    @property
    def now_text(self) -> str:
        """The value now as the pack writes it ("no data" when missing)."""
        return fmt.value(self.now, self.unit)

    @property
    def change_text(self) -> str:
        """``fmt.delta`` of the change ("+3", "-£1,200", "+2.5 pts", "No change"); "–" when
        not comparable."""
        change = self.change
        return NO_CHANGE_TEXT if change is None else fmt.delta(change, self.unit)

    @property
    def verdict(self) -> Verdict:
        """"better", "worse", "higher", "lower", "no change" or "not comparable" (module
        rules)."""
        change = self.change
        if change is None:
            return NOT_COMPARABLE
        if fmt.unchanged(change, self.unit):
            return "no change"
        if self.direction == "neither":
            return "higher" if change > 0 else "lower"
        return "better" if (change > 0) == (self.direction == "up") else "worse"


@dataclass(frozen=True)
class Changes:
    """Every figure of the pack at ``previous_date`` (for ``fy_then``) and at ``at`` (for
    ``fy``). ``then_values`` are the catalogue's values at the previous date (the portfolio
    slide's "previous" bars read them too)."""

    fy: str
    fy_then: str
    at: date
    previous_date: date
    figures: tuple[Figure, ...]
    then_values: Mapping[str, MetricValue] = field(hash=False, repr=False)

    @property
    def year_differs(self) -> bool:
        """True when the "then" figures are for another FY than the pack's."""
        return self.fy_then != self.fy

    def frame(self) -> pd.DataFrame:
        """One row per figure, columns ``COLUMNS``: values, their text, the change, the
        verdict, both FYs and both dates."""
        rows = [{"key": f.key, "measure": f.name, "unit": f.unit, "direction": f.direction,
                 "then": f.then, "now": f.now, "change": f.change, "then_text": f.then_text,
                 "now_text": f.now_text, "change_text": f.change_text, "verdict": f.verdict,
                 "fy_then": self.fy_then, "fy": self.fy, "previous_date": self.previous_date,
                 "at": self.at} for f in self.figures]
        return pd.DataFrame(rows, columns=list(COLUMNS))


def fy_then(fy: str, previous_date: date) -> str:
    """The FY of the "then" figures: ``fy`` when ``previous_date`` falls inside it, else the
    FY containing ``previous_date`` (2026/27 at 15 Mar 2026 -> 2025/26)."""
    start, end = fy_bounds(fy)
    return fy if start <= previous_date <= end else fy_of(previous_date)


def _rag_count(mv: MetricValue | None, rag: str) -> float | None:
    if mv is None or mv.breakdown is None:
        return None
    return float(mv.breakdown.get(rag, 0))


def figures(now: Mapping[str, MetricValue], then: Mapping[str, MetricValue],
            exceptions_now: float | None, exceptions_then: float | None,
            restarting: frozenset[str] = frozenset()) -> tuple[Figure, ...]:
    """The figures in catalogue order (``now``'s order; a code missing from ``then`` is
    missing there): each metric, PORTFOLIO_RAG replaced by the RAG counts of
    ``RAG_DIRECTIONS`` and the exceptions. ``restarting`` holds the codes whose "then" is
    another FY's year-to-date figure (not comparable)."""
    out: list[Figure] = []
    for code, mv in now.items():
        before = then.get(code)
        if code == "PORTFOLIO_RAG":
            out += [Figure(rag_key(rag), f"Active projects rated {rag}", "count", direction,
                           _rag_count(before, rag), _rag_count(mv, rag))
                    for rag, direction in RAG_DIRECTIONS.items()]
            out.append(Figure(EXCEPTIONS_KEY, EXCEPTIONS_NAME, "count", "down",
                              exceptions_then, exceptions_now))
            continue
        out.append(Figure(code, mv.name, mv.unit, mv.direction,
                          _number(before.value) if before is not None else None,
                          _number(mv.value), code in restarting))
    return tuple(out)


def _exception_count(db: Database, at: date, service_group: str | None,
                     rag: MetricValue | None, table: pd.DataFrame | None = None
                     ) -> float | None:
    """How many exceptions at ``at`` (``table`` if already listed); None with no register
    (PORTFOLIO_RAG missing)."""
    if rag is None or rag.value is None:
        return None
    if table is None:
        table = exceptions_list.exceptions(db, at, service_group).table
    return float(len(table))


def changes(db: Database, fy: str, as_at: date, service_group: str | None = None, *,
            now: Mapping[str, MetricValue] | None = None,
            exceptions_now: pd.DataFrame | None = None) -> Changes:
    """Every figure of the pack for ``fy`` at ``as_at`` and at the previous report date
    (module rules). ``now`` (``metrics.compute_all`` for the same arguments) and
    ``exceptions_now`` (the exceptions table at the evaluation date) save their queries when
    the caller has them. ValueError if ``fy`` is not a financial year."""
    fy = parse_fy(fy) or fy
    group = service_group.strip() if service_group and service_group.strip() else None
    values = now if now is not None else metrics.compute_all(db, fy, as_at, group)
    at = evaluation_date(fy, as_at)
    previous = previous_report_date(at)
    year = fy_then(fy, previous)
    before = metrics.compute_many(db, [year], previous, group)[year]
    restarting = frozenset() if year == fy else frozenset(
        d.code for d in metrics.catalogue(db) if d.cumulative)
    counts_now = _exception_count(db, at, group, values.get("PORTFOLIO_RAG"), exceptions_now)
    counts_then = _exception_count(db, previous, group, before.get("PORTFOLIO_RAG"))
    return Changes(fy=fy, fy_then=year, at=at, previous_date=previous,
                   figures=figures(values, before, counts_now, counts_then, restarting),
                   then_values=before)


def by_key(items: Sequence[Figure]) -> dict[str, Figure]:
    """The figures keyed by ``Figure.key``."""
    return {f.key: f for f in items}
