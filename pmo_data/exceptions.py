"""The exceptions list: every Red and Amber/Red project, why, how late, who owns it, and what
changed since the previous report.

Why this module exists: a Head of PMO is asked "which projects are red, and why?". The
Portfolio table lists the Red projects with no reason, the reason sat at the bottom of a
drill-down, and the board pack had no list of red projects at all. This is the one
definition the Overview, the board-pack slide, its HTML section and its XLSX sheet share.

Rules (``exceptions``):

* **Population**: projects of the service group whose latest overall RAG reported on or
  before the evaluation date ``at`` is Red or Amber/Red, and which are active at ``at``
  (``pmo_data.populations.active_project``) or On hold (started by ``at``, or no start
  date). On hold is included on purpose: a paused red project still needs a decision.
* **Reason**: the summary of the latest highlight report on or before ``at`` that has one
  (``reason_date`` says which report; missing when none has a summary).
* **Slippage** (days): actual end (else forecast end) minus planned (baseline) end, as on
  the Portfolio page; positive is late, missing without a forecast or actual end.
* **Days since last report**: ``at`` minus the latest report date.
* **Change since the previous report**: the RAG at ``periods.previous_report_date(at)``
  (latest report on or before it) against the RAG now: "Worse (Amber to Red)", "Better
  (Red to Amber/Red)", "No change" or "New (no report by 2 Nov 2026)".
* **Order**: Red first, then Amber/Red; within each, most slippage first (missing last),
  then project ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pmo_data import fmt, populations
from pmo_data.db import Database
from pmo_data.governance import project_link, rag_rank_sql
from pmo_data.periods import previous_report_date
from pmo_data.schema import ACTIVE_STAGES
from pmo_data.sqlparts import any_group_or, bind, group_key

__all__ = ["EXCEPTION_RAGS", "LABELS", "ExceptionList", "exceptions", "summary_text"]

#: The overall RAGs that make a project an exception, most severe first.
EXCEPTION_RAGS: tuple[str, ...] = ("Red", "Amber/Red")

#: Headings for the columns of ``ExceptionList.table``.
LABELS: dict[str, str] = {
    "project_id": "Project",
    "project_name": "Project name",
    "service_group": "Service group",
    "stage": "Stage",
    "overall_rag": "RAG",
    "reason": "Reason",
    "reason_date": "Reason reported",
    "slippage_days": "Slippage (days)",
    "sro": "SRO",
    "report_date": "Latest report",
    "days_since_report": "Days since report",
    "rag_before": "RAG at previous report",
    "change": "Change since previous report",
    "link": "Open",
}

_SQL = f"""
    WITH now AS (
        SELECT project_id, max(report_date) AS report_date,
               arg_max(overall_rag, report_date) AS overall_rag
        FROM status_reports WHERE report_date <= CAST($at AS DATE) GROUP BY project_id),
    said AS (
        SELECT project_id, max(report_date) AS reason_date,
               arg_max(trim(summary), report_date) AS reason
        FROM status_reports
        WHERE report_date <= CAST($at AS DATE) AND nullif(trim(summary), '') IS NOT NULL
        GROUP BY project_id),
    before AS (
        SELECT project_id, arg_max(overall_rag, report_date) AS rag_before
        FROM status_reports WHERE report_date <= CAST($prev AS DATE) GROUP BY project_id)
    SELECT p.project_id, p.project_name, p.service_group, p.stage, n.overall_rag,
           s.reason, s.reason_date,
           datediff('day', p.planned_end_date,
                    coalesce(p.actual_end_date, p.forecast_end_date)) AS slippage_days,
           p.sro, n.report_date,
           CAST($at AS DATE) - n.report_date AS days_since_report,
           b.rag_before,
           {rag_rank_sql("n.overall_rag")} AS rank_now,
           {rag_rank_sql("b.rag_before")} AS rank_before
    FROM projects p JOIN now n USING (project_id)
    LEFT JOIN said s USING (project_id) LEFT JOIN before b USING (project_id)
    WHERE list_contains(CAST($rags AS VARCHAR[]), n.overall_rag)
      AND ({populations.active_project("p.", "at")}
           OR (p.stage = 'On hold'
               AND (p.start_date IS NULL OR p.start_date <= CAST($at AS DATE))))
      AND {any_group_or("p.service_group")}
    ORDER BY rank_now, slippage_days DESC NULLS LAST, p.project_id
"""


@dataclass(frozen=True)
class ExceptionList:
    """The exceptions at ``at`` compared with ``previous`` (see the module rules).

    ``table`` columns: project_id, project_name, service_group, stage, overall_rag, reason,
    reason_date, slippage_days (Int64), sro, report_date, days_since_report (Int64),
    rag_before, change, link (``governance.project_link``). ``red`` / ``amber_red``: how
    many of each; ``on_hold``: how many of them are On hold.
    """

    at: date
    previous: date
    table: pd.DataFrame
    red: int
    amber_red: int
    on_hold: int

    @property
    def summary(self) -> str:
        """``summary_text`` of this list."""
        return summary_text(self.table, self.at, self.previous)


def summary_text(table: pd.DataFrame, at: date, previous: date) -> str:
    """One sentence about an exceptions table (columns overall_rag, stage): "3 Red and 2
    Amber/Red projects at 21 Nov 2026 (1 On hold); change since the previous report,
    21 Oct 2026." or "No Red or Amber/Red projects at 21 Nov 2026."."""
    if not len(table):
        return f"No Red or Amber/Red projects at {fmt.day(at)}."
    red = int((table["overall_rag"] == "Red").sum())
    held = int((table["stage"] == "On hold").sum())
    held_text = f" ({held} On hold)" if held else ""
    return (f"{red} Red and {len(table) - red} Amber/Red "
            f"{'project' if len(table) == 1 else 'projects'} at {fmt.day(at)}{held_text}; "
            f"change since the previous report, {fmt.day(previous)}.")


def _change(before: object, rank_before: object, rank_now: object, now: str,
            previous: date) -> str:
    if before is None or pd.isna(before):
        return f"New (no report by {fmt.day(previous)})"
    if before == now:
        return "No change"
    if pd.isna(rank_before) or pd.isna(rank_now):
        return f"Changed ({before} to {now})"
    word = "Worse" if int(rank_now) < int(rank_before) else "Better"
    return f"{word} ({before} to {now})"


def exceptions(db: Database, at: date, service_group: str | None = None) -> ExceptionList:
    """Every Red and Amber/Red project at the evaluation date ``at`` (module rules), worst
    first, with reason, slippage, SRO, days since report and change since the previous
    report date (``periods.previous_report_date(at)``)."""
    previous = previous_report_date(at)
    params = {"at": at, "prev": previous, "sg": group_key(service_group),
              "rags": list(EXCEPTION_RAGS), "active": list(ACTIVE_STAGES)}
    frame = db.df(_SQL, bind(_SQL, params))
    frame["change"] = [_change(b, rb, rn, n, previous) for b, rb, rn, n in zip(
        frame["rag_before"], frame["rank_before"], frame["rank_now"], frame["overall_rag"],
        strict=True)]
    frame = frame.drop(columns=["rank_now", "rank_before"])
    for col in ("slippage_days", "days_since_report"):
        frame[col] = frame[col].astype("Int64")
    frame["link"] = [project_link(p) for p in frame["project_id"]]
    rags = frame["overall_rag"]
    return ExceptionList(at, previous, frame.reset_index(drop=True),
                         red=int((rags == "Red").sum()),
                         amber_red=int((rags == "Amber/Red").sum()),
                         on_hold=int((frame["stage"] == "On hold").sum()))
