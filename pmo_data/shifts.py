"""The three shifts of the ten-year health plan (hospital to community, sickness to
prevention, analogue to digital): how the projects serving each are going.

Why this module exists: a board asks "how are the three shifts going?". The register records
the shift a project serves (``projects.strategic_shift``); this module answers per shift with
the populations and definitions the rest of the dashboard uses, for the Five-year plan page
and the board pack.

Rules:

* **Shifts**: the vocabulary's three (``SHIFTS``), in that order, then "No shift recorded"
  for projects with none (shown only when there are any).
* **Projects by stage and RAG** (``by_stage_rag``): every project of the register but
  Cancelled ones; an active-stage project counts once started by ``at`` (as on the Portfolio
  page); RAG = latest overall RAG reported on or before ``at``, else "Not reported".
* **Benefits** (``benefits``): ``governance.benefits_by(by="strategic_shift")``: counts of
  benefits planned and realised (every unit), and planned and realised value in pounds only
  (values in different units are not added).
* **Trend** (``trend``): at each of the last ``months`` month ends up to the last complete
  month at ``at`` (``periods.complete_months_end``), the shift's active projects
  (``populations.active_project`` at that month end) and how many of them reported Red or
  Amber/Red (latest report on or before that month end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from pmo_data import governance
from pmo_data.db import Database
from pmo_data.periods import complete_months_end
from pmo_data.schema import ACTIVE_STAGES, STRATEGIC_SHIFT
from pmo_data.sqlparts import any_group_or, group_key

__all__ = ["NO_SHIFT", "SHIFTS", "ShiftView", "benefits_table", "rag_frame", "shift_view",
           "stage_table"]

#: The three shifts, in the plan's order.
SHIFTS: tuple[str, ...] = STRATEGIC_SHIFT.values
NO_SHIFT = "No shift recorded"
TREND_MONTHS = 12

_SHIFT_SQL = f"coalesce(p.strategic_shift, '{NO_SHIFT}')"
_GROUP = any_group_or("p.service_group")
# ``populations.active_project`` at each month end ``m.at`` (a column, not a bound date):
# the same stages and start rule.
_ACTIVE_AT_MONTH = ("(list_contains($active, p.stage) AND (p.start_date IS NULL "
                    "OR p.start_date <= m.at))")


@dataclass(frozen=True)
class ShiftView:
    """Per shift (see the module rules).

    ``by_stage_rag``: strategic_shift, stage, overall_rag, projects (non-zero rows).
    ``benefits``: strategic_shift, benefits, benefits_realised, target_value, realised_value
    (pounds), realised_pct. ``trend``: strategic_shift, month_end, active, red_or_amber_red.
    ``shifts``: the shifts shown, in order.
    """

    at: date
    shifts: tuple[str, ...]
    by_stage_rag: pd.DataFrame
    benefits: pd.DataFrame
    trend: pd.DataFrame

    def sentence(self, shift: str) -> str:
        """``12 projects (9 active), 2 Red or Amber/Red; 5 of 20 benefits realised.``"""
        rows = self.by_stage_rag[self.by_stage_rag["strategic_shift"] == shift]
        total = int(rows["projects"].sum())
        active = int(rows.loc[rows["stage"].isin(ACTIVE_STAGES), "projects"].sum())
        off = int(rows.loc[rows["overall_rag"].isin(("Red", "Amber/Red"))
                           & rows["stage"].isin(ACTIVE_STAGES), "projects"].sum())
        b = self.benefits[self.benefits["strategic_shift"] == shift]
        planned = int(b["benefits"].sum()) if len(b) else 0
        realised = int(b["benefits_realised"].sum()) if len(b) else 0
        return (f"{total} {'project' if total == 1 else 'projects'} ({active} active), "
                f"{off} active Red or Amber/Red; {realised} of {planned} "
                f"{'benefit' if planned == 1 else 'benefits'} realised.")


def _month_ends(at: date, months: int) -> list[date]:
    """The last ``months`` month ends up to the last complete month at ``at``, oldest first."""
    out = [complete_months_end(at)]
    while len(out) < months:
        out.append(out[-1].replace(day=1) - timedelta(days=1))
    return out[::-1]


def shift_view(db: Database, at: date, service_group: str | None = None,
               months: int = TREND_MONTHS) -> ShiftView:
    """The three shifts at the evaluation date ``at`` (module rules)."""
    by = db.df(
        f"""
        WITH latest AS (
            SELECT project_id, arg_max(overall_rag, report_date) AS rag
            FROM status_reports WHERE report_date <= CAST($at AS DATE) GROUP BY project_id)
        SELECT {_SHIFT_SQL} AS strategic_shift, p.stage,
               coalesce(l.rag, 'Not reported') AS overall_rag, count(*)::INT AS projects
        FROM projects p LEFT JOIN latest l USING (project_id)
        WHERE p.stage <> 'Cancelled' AND {_GROUP}
          AND (NOT list_contains($active, p.stage) OR p.start_date IS NULL
               OR p.start_date <= CAST($at AS DATE))
        GROUP BY ALL ORDER BY ALL
        """, {"at": at, "sg": group_key(service_group), "active": list(ACTIVE_STAGES)})
    ends = _month_ends(at, months)
    trend = db.df(
        f"""
        WITH m AS (SELECT unnest(CAST($ends AS DATE[])) AS at),
        snap AS (
            SELECT m.at AS month_end, {_SHIFT_SQL} AS strategic_shift,
                   (SELECT arg_max(s.overall_rag, s.report_date) FROM status_reports s
                    WHERE s.project_id = p.project_id AND s.report_date <= m.at) AS rag
            FROM m, projects p
            WHERE {_ACTIVE_AT_MONTH} AND {_GROUP})
        SELECT strategic_shift, month_end, count(*)::INT AS active,
               count(*) FILTER (WHERE rag IN ('Red', 'Amber/Red'))::INT AS red_or_amber_red
        FROM snap GROUP BY ALL ORDER BY 1, 2
        """, {"ends": ends, "sg": group_key(service_group), "active": list(ACTIVE_STAGES)})
    benefits = governance.benefits_by(db, "strategic_shift", service_group).rename(
        columns={"group": "strategic_shift"})
    present = set(by["strategic_shift"]) | set(benefits["strategic_shift"])
    shifts = SHIFTS + ((NO_SHIFT,) if NO_SHIFT in present else ())
    order = {s: i for i, s in enumerate(shifts)}
    trend = trend.sort_values(["strategic_shift", "month_end"],
                              key=lambda c: c.map(order) if c.name == "strategic_shift" else c,
                              ignore_index=True)
    return ShiftView(at, shifts, by, benefits, trend)


def rag_frame(view: ShiftView) -> pd.DataFrame:
    """The shifts' active projects by latest RAG in the form the RAG-by-group chart reads
    (service_group = the shift, overall_rag, projects)."""
    rows = view.by_stage_rag[view.by_stage_rag["stage"].isin(ACTIVE_STAGES)]
    out = rows.groupby(["strategic_shift", "overall_rag"], as_index=False)["projects"].sum()
    return out.rename(columns={"strategic_shift": "service_group"})


def stage_table(view: ShiftView) -> pd.DataFrame:
    """Projects per stage (rows, lifecycle order, stages with none left out) and shift
    (columns, ``view.shifts``), with a Total row; zeros shown as 0."""
    from pmo_data.schema import STAGE

    table = view.by_stage_rag.pivot_table(index="stage", columns="strategic_shift",
                                          values="projects", aggfunc="sum", fill_value=0)
    table = table.reindex(index=[s for s in STAGE.values if s in table.index],
                          columns=list(view.shifts), fill_value=0).astype(int)
    table.loc["Total"] = table.sum()
    return table.rename_axis("Stage").reset_index()


#: What a cell of the benefits table shows when a shift has no value in pounds (no benefit
#: in £, none realised in £, or no planned £ to take a percentage of).
NO_VALUE = "none"


def benefits_table(view: ShiftView) -> pd.DataFrame:
    """The benefits per shift in ``view.shifts`` order, with readable headings. Pounds are
    rounded to the pound (as ``pmo_data.fmt.money`` writes them), Realised % to one decimal;
    they are NaN where the shift has no value (shown as ``NO_VALUE``)."""
    b = view.benefits.set_index("strategic_shift").reindex(list(view.shifts))
    b[["target_value", "realised_value"]] = b[["target_value", "realised_value"]].round(0)
    b["benefits"] = b["benefits"].fillna(0).astype(int)
    b["benefits_realised"] = b["benefits_realised"].fillna(0).astype(int)
    return b.reset_index().rename(columns={
        "strategic_shift": "Strategic shift", "benefits": "Benefits planned",
        "benefits_realised": "Benefits realised", "target_value": "Planned (£)",
        "realised_value": "Realised (£)", "realised_pct": "Realised %"})


#: The pack's shift table header (``summary_rows``).
SUMMARY_HEADER = ("Shift", "Projects (active)", "Active Red or Amber/Red",
                  "Active Green or Amber/Green", "Benefits realised", "Realised £ of planned £",
                  "Red or Amber/Red, trend")


def summary_rows(view: ShiftView) -> list[list[str]]:
    """One row per shift of ``SUMMARY_HEADER``: projects, RAG counts of the active ones,
    benefits realised of planned (counts), pounds realised of planned, and the trend (Red or
    Amber/Red at the first and last month end of ``view.trend``). Missing is a word."""
    from pmo_data import fmt

    rows = []
    for shift in view.shifts:
        p = view.by_stage_rag[view.by_stage_rag["strategic_shift"] == shift]
        active = p[p["stage"].isin(ACTIVE_STAGES)]
        off = int(active.loc[active["overall_rag"].isin(("Red", "Amber/Red")), "projects"].sum())
        on = int(active.loc[active["overall_rag"].isin(("Green", "Amber/Green")),
                            "projects"].sum())
        b = view.benefits[view.benefits["strategic_shift"] == shift]
        count = (f"{int(b['benefits_realised'].sum())} of {int(b['benefits'].sum())}"
                 if len(b) else "none planned")
        money = (f"{fmt.money_short(b['realised_value'].iloc[0], 'none')} of "
                 f"{fmt.money_short(b['target_value'].iloc[0], 'none')}"
                 if len(b) and not pd.isna(b["target_value"].iloc[0]) else "no £ benefits")
        t = view.trend[view.trend["strategic_shift"] == shift]
        first, last = (t.iloc[0], t.iloc[-1]) if len(t) else (None, None)
        trend = (f"{int(first['red_or_amber_red'])} "
                 f"({fmt.month(pd.Timestamp(first['month_end']).date())}) to "
                 f"{int(last['red_or_amber_red'])} "
                 f"({fmt.month(pd.Timestamp(last['month_end']).date())})"
                 if first is not None else "no active projects")
        rows.append([shift, f"{int(p['projects'].sum())} ({int(active['projects'].sum())})",
                     str(off), str(on), count, money, trend])
    return rows
