"""Portfolio delivery: the project register with its latest RAG, and one project in depth.

Why this module exists: the Head of PMO drills from a red tile to the projects behind it,
and board papers need the same project list, RAG by service group, stage pipeline,
milestone slippage and baseline-against-forecast timeline. Every piece starts from the same
selection of projects in DuckDB (``ProjectFilter`` plus the shared service-group filter), so
the table and the charts on the Portfolio delivery page can never disagree; the list and its
counts (RAG tiles, RAG by group, stage pipeline) are one query (``project_view``), counted
from the listed rows. No streamlit here.

Common rules:

* **Evaluation date** ``at``: the page passes ``evaluation_date(fy, as_at)`` (the as-at
  date, or the FY's 31 March for a past year), as the metric catalogue does.
* **Latest RAG**: the overall_rag of the project's latest highlight report dated on or
  before ``at``; no report (or a blank RAG) is "Not reported", never Green.
* **Selection**: projects in the chosen stages (default: the active stages). A project in
  an active stage is listed only once it had started (``start_date <= at`` or blank), as
  ACTIVE_PROJECTS counts it, so with the default stages the table has exactly
  ACTIVE_PROJECTS rows and its RAG counts equal PORTFOLIO_RAG. Other stages are listed as
  the register holds them today (it has no stage history).
* **Slippage** of a project = (actual end, else forecast end) - planned end, in days
  (positive = late); missing when neither end date is known.
* Service groups match ignoring case and outer spaces. Values are always bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd

from pmo_data import pages
from pmo_data.db import Database
from pmo_data.parse import fy_bounds, parse_fy
from pmo_data.schema import ACTIVE_STAGES, RAG_ORDER, STAGE
from pmo_data.spc import fmt_date
from pmo_data.sqlparts import any_group_or, bind, group_key, in_group

#: Every stage in lifecycle order (the stage pipeline's order).
STAGE_ORDER: tuple[str, ...] = STAGE.values
NOT_REPORTED = "Not reported"
#: The page (url path) that shows a project in depth; it reads ``?project=<id>``.
PAGE = pages.by_key("portfolio").url_name

#: Headings for the snake_case columns returned here (see ``for_display``).
LABELS: dict[str, str] = {
    "project_id": "Project",
    "project_name": "Project name",
    "service_group": "Service group",
    "stage": "Stage",
    "overall_rag": "Latest RAG",
    "reason": "Reason",
    "report_date": "Latest report",
    "project_manager": "Project manager",
    "sro": "SRO",
    "start_date": "Start",
    "planned_end_date": "Planned end",
    "forecast_end_date": "Forecast end",
    "actual_end_date": "Actual end",
    "slippage_days": "Slippage (days)",
    "schedule_rag": "Schedule",
    "cost_rag": "Cost",
    "risk_rag": "Risk",
    "benefits_rag": "Benefits",
    "dca": "Delivery confidence",
    "percent_complete": "% complete",
    "author": "Author",
    "milestone_id": "Reference",
    "milestone": "Milestone",
    "baseline_date": "Baseline",
    "forecast_date": "Forecast",
    "actual_date": "Actual",
    "status": "Status",
    "raid_id": "Reference",
    "raid_type": "Type",
    "title": "Title",
    "likelihood": "Likelihood",
    "impact": "Impact",
    "score": "Score",
    "owner": "Owner",
    "raised_date": "Raised",
    "review_date": "Review date",
    "closed_date": "Closed",
    "mitigation": "Mitigation",
    "benefit_id": "Reference",
    "description": "Description",
    "category": "Category",
    "measure": "Measure",
    "unit": "Unit",
    "baseline_value": "Baseline value",
    "target_value": "Target value",
    "realised_value": "Realised value",
    "target_date": "Target date",
    "band": "Slippage",
    "milestones": "Milestones",
    "projects": "Projects",
}

#: Columns holding a RAG value (for colouring on screen).
RAG_COLUMNS: tuple[str, ...] = ("overall_rag", "schedule_rag", "cost_rag", "risk_rag",
                                "benefits_rag", "dca")


#: Headings for ``ProjectDetail.reports`` (a history, so not "latest").
HISTORY_LABELS: dict[str, str] = {"report_date": "Report date", "overall_rag": "Overall RAG"}


def for_display(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy for people to read: columns renamed with ``LABELS`` (``labels`` win where
    given), datetimes as plain dates (no midnight time), nullable integers kept (missing
    stays blank, never 0)."""
    out = frame.rename(columns={**LABELS, **(labels or {})})
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = [None if pd.isna(v) else v.date() for v in out[col]]
    return out


def drill_down_link(project_id: str) -> str:
    """Relative URL of a project's drill-down on this page: ``portfolio?project=<id>``
    (URL-encoded; relative, so it works when the app is served under a path)."""
    return pages.project_link(project_id)


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a ``link`` column (``drill_down_link`` of project_id)."""
    out = frame.copy()
    out["link"] = [drill_down_link(p) for p in out["project_id"]] if len(out) else []
    return out


def evaluation_date(fy: str, as_at: date) -> date:
    """The date the portfolio is judged at: ``min(as_at, 31 March of fy)``, as the metric
    catalogue does (a past FY is shown as it stood at its end). ValueError for a bad FY."""
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year given")
    return min(as_at, fy_bounds(normalised)[1])


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects the page shows, besides the shared service-group filter.

    stages: stages to list (default the active stages). rags: latest overall RAG values to
    keep (empty: all, Not reported included). project_manager / sro: exact name, None for
    everyone. search: text found (case-insensitive) in the project ID or name.
    """

    stages: tuple[str, ...] = ACTIVE_STAGES
    rags: tuple[str, ...] = ()
    project_manager: str | None = None
    sro: str | None = None
    search: str | None = None

    def params(self) -> dict[str, Any]:
        """Bound values for ``_SELECTED``."""
        text = (self.search or "").strip().lower()
        return {"stages": list(self.stages), "rags": list(self.rags),
                "pm": self.project_manager or None, "sro": self.sro or None,
                "search": text or None}


# The latest report per project on or before $at, and the selected projects with their
# latest RAG and slippage. Every function below starts from this text; values are bound.
_SELECTED = f"""
    latest AS (
        SELECT project_id, max(report_date) AS report_date,
               arg_max(overall_rag, report_date) AS rag
        FROM status_reports WHERE report_date <= $at GROUP BY project_id),
    said AS (
        SELECT project_id, arg_max(trim(summary), report_date) AS reason
        FROM status_reports
        WHERE report_date <= $at AND nullif(trim(summary), '') IS NOT NULL
        GROUP BY project_id),
    sel AS (
        SELECT p.project_id, p.project_name, p.service_group, p.stage,
               coalesce(l.rag, '{NOT_REPORTED}') AS overall_rag, s.reason, l.report_date,
               p.project_manager, p.sro, p.start_date, p.planned_end_date,
               p.forecast_end_date, p.actual_end_date,
               datediff('day', p.planned_end_date,
                        coalesce(p.actual_end_date, p.forecast_end_date)) AS slippage_days
        FROM projects p LEFT JOIN latest l ON l.project_id = p.project_id
        LEFT JOIN said s ON s.project_id = p.project_id
        WHERE {any_group_or("p.service_group")}
          AND list_contains(CAST($stages AS VARCHAR[]), p.stage)
          AND (NOT list_contains(CAST($active AS VARCHAR[]), p.stage)
               OR p.start_date IS NULL OR p.start_date <= $at)
          AND (len(CAST($rags AS VARCHAR[])) = 0
               OR list_contains(CAST($rags AS VARCHAR[]), coalesce(l.rag, '{NOT_REPORTED}')))
          AND ($pm IS NULL OR p.project_manager = $pm)
          AND ($sro IS NULL OR p.sro = $sro)
          AND ($search IS NULL OR contains(lower(p.project_id || ' '
                                                 || coalesce(p.project_name, '')), $search)))"""


def _params(at: date, service_group: str | None, selection: ProjectFilter | None
            ) -> dict[str, Any]:
    return {"at": at, "sg": group_key(service_group), "active": list(ACTIVE_STAGES),
            **(selection or ProjectFilter()).params()}


_bound = bind  # only the parameters ``sql`` names (DuckDB refuses unused ones)


def _df(db: Database, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return db.df(sql, _bound(sql, params))


# --- filter choices -------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the page's filters: every stage (lifecycle order, so a chosen stage stays
    valid when the service group changes), every RAG value (RAG order), and the project
    managers and SROs in the register (sorted, blanks left out)."""

    stages: tuple[str, ...]
    rags: tuple[str, ...]
    project_managers: tuple[str, ...]
    sros: tuple[str, ...]


def filter_options(db: Database, service_group: str | None = None) -> FilterOptions:
    """The values the page's filters can take, within the service group."""
    group = in_group(service_group)
    rows = db.rows(
        f"""SELECT list(DISTINCT project_manager) FILTER (WHERE trim(project_manager) <> ''),
                   list(DISTINCT sro) FILTER (WHERE trim(sro) <> '')
            FROM projects WHERE {group.sql}""", dict(group.params))
    pms, sros = rows[0] if rows else (None, None)
    return FilterOptions(
        stages=STAGE_ORDER,
        rags=RAG_ORDER,
        project_managers=tuple(sorted(pms or (), key=str.lower)),
        sros=tuple(sorted(sros or (), key=str.lower)),
    )


# --- the project table and the charts' data -------------------------------------------------

PROJECT_COLUMNS: tuple[str, ...] = (
    "project_id", "project_name", "service_group", "stage", "overall_rag", "reason",
    "report_date", "project_manager", "sro", "start_date", "planned_end_date", "forecast_end_date",
    "actual_end_date", "slippage_days")


def project_table(db: Database, as_at: date, service_group: str | None = None,
                  selection: ProjectFilter | None = None) -> pd.DataFrame:
    """The selected projects (see the module rules), one row each, worst RAG first, then by
    project ID. Columns: ``PROJECT_COLUMNS``; overall_rag is the latest RAG on or before
    ``as_at`` ("Not reported" when none); reason is the summary of the latest report on or
    before ``as_at`` that has one (as ``pmo_data.exceptions``; missing when none);
    slippage_days is nullable (Int64)."""
    sql = f"""
        WITH {_SELECTED}
        SELECT {', '.join(PROJECT_COLUMNS)} FROM sel
        ORDER BY list_position(CAST($rag_order AS VARCHAR[]), overall_rag) NULLS LAST,
                 project_id"""
    frame = _df(db, sql, {**_params(as_at, service_group, selection),
                          "rag_order": list(RAG_ORDER)})
    frame["slippage_days"] = frame["slippage_days"].astype("Int64")
    return frame


@dataclass(frozen=True)
class ProjectView:
    """The Portfolio page's list and its three counts, from one query (``project_view``).

    ``table``: ``project_table``. ``rag_counts``: the listed projects by latest RAG, every RAG
    in RAG order, zeros included, then any value outside the vocabulary (with the default
    selection this equals the PORTFOLIO_RAG breakdown). ``by_group``: the listed projects by
    service group and latest RAG (long form: service_group, overall_rag, projects), non-zero
    cells only, groups by name, RAGs in RAG order; spellings of a group differing only in
    case or outer spaces are one group, shown by the first alphabetically; blank is "Not
    stated". ``pipeline``: projects per stage, every stage in lifecycle order, zeros included
    (stage, projects, active): the stage filter does not apply, the other filters do.
    """

    table: pd.DataFrame
    rag_counts: dict[str, int]
    by_group: pd.DataFrame
    pipeline: pd.DataFrame


def project_view(db: Database, as_at: date, service_group: str | None = None,
                 selection: ProjectFilter | None = None) -> ProjectView:
    """The list and its counts in one round trip (each query costs ~10 ms of planning and
    transfer however small the answer). The selected projects of every stage are fetched
    once, in the table's order; the table keeps the chosen stages, and the counts are made
    from those rows (one row per project, already in Python for the table, so counting them
    moves no data). Same selection rules as ``project_table``."""
    chosen = selection or ProjectFilter()
    stages = STAGE_ORDER + tuple(s for s in chosen.stages if s not in STAGE_ORDER)
    every = ProjectFilter(stages, chosen.rags, chosen.project_manager, chosen.sro,
                          chosen.search)
    frame = project_table(db, as_at, service_group, every)  # the one query
    table = frame[frame["stage"].isin(chosen.stages)].reset_index(drop=True)
    return ProjectView(table=table, rag_counts=_count_rags(table["overall_rag"]),
                       by_group=_group_rags(table), pipeline=_pipeline(frame["stage"]))


def rag_counts(db: Database, as_at: date, service_group: str | None = None,
               selection: ProjectFilter | None = None) -> dict[str, int]:
    """``project_view(...).rag_counts``: the listed projects by latest RAG."""
    return project_view(db, as_at, service_group, selection).rag_counts


def rag_by_group(db: Database, as_at: date, service_group: str | None = None,
                 selection: ProjectFilter | None = None) -> pd.DataFrame:
    """``project_view(...).by_group``: the listed projects by service group and RAG."""
    return project_view(db, as_at, service_group, selection).by_group


def stage_pipeline(db: Database, as_at: date, service_group: str | None = None,
                   selection: ProjectFilter | None = None) -> pd.DataFrame:
    """``project_view(...).pipeline``: projects per stage, every stage (no stage filter)."""
    return project_view(db, as_at, service_group, selection).pipeline


def _count_rags(rags: pd.Series) -> dict[str, int]:
    """Counts per RAG: every RAG in order (zeros included), then any other value."""
    found: dict[str, int] = {}
    for rag in rags:
        found[rag] = found.get(rag, 0) + 1
    counts = {rag: found.pop(rag, 0) for rag in RAG_ORDER}
    counts.update({str(k): v for k, v in found.items()})
    return counts


def _group_rags(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per (service group, RAG) of the table's rows: spellings of a group differing
    in case or outer spaces merged (shown by the first alphabetically), blank = "Not stated"."""
    cells: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for group, rag in zip(table["service_group"], table["overall_rag"], strict=True):
        name = (group.strip(" ") if isinstance(group, str) else "") or "Not stated"
        key = name.lower()
        names[key] = min(names.get(key, name), name)
        row = cells.setdefault(key, {})
        row[rag] = row.get(rag, 0) + 1
    order = {rag: i for i, rag in enumerate(RAG_ORDER)}
    records = [(names[key], rag, n) for key in sorted(cells)
               for rag, n in sorted(cells[key].items(),
                                    key=lambda item: order.get(item[0], len(order)))]
    return pd.DataFrame({"service_group": [r[0] for r in records],
                         "overall_rag": [r[1] for r in records],
                         "projects": pd.array([r[2] for r in records], dtype="int64")})


def _pipeline(stages: pd.Series) -> pd.DataFrame:
    """Projects per stage, every stage in lifecycle order (zeros included)."""
    found: dict[str, int] = {}
    for stage in stages:
        found[stage] = found.get(stage, 0) + 1
    return pd.DataFrame({
        "stage": list(STAGE_ORDER),
        "projects": [found.get(s, 0) for s in STAGE_ORDER],
        "active": [s in ACTIVE_STAGES for s in STAGE_ORDER],
    })


#: Slippage bands in order: under 0 days, 0, 1-30, 31-90, 91-180, over 180 (days late).
SLIPPAGE_BANDS: tuple[str, ...] = ("Early", "On time", "1-30 days late", "31-90 days late",
                                   "91-180 days late", "Over 180 days late")


@dataclass(frozen=True)
class SlippageDistribution:
    """Milestone slippage of the selected projects.

    bands: band, milestones (every band in ``SLIPPAGE_BANDS`` order, zeros included).
    measured: milestones with a slippage; median_days: their median (None when none);
    no_forecast: open milestones with no forecast date (left out, as in the catalogue).
    """

    bands: pd.DataFrame
    measured: int
    median_days: float | None
    no_forecast: int


def milestone_slippage(db: Database, fy: str, as_at: date, service_group: str | None = None,
                       selection: ProjectFilter | None = None) -> SlippageDistribution:
    """Slippage in days of the selected projects' milestones, by the catalogue's rule
    (MILESTONE_SLIPPAGE_DAYS): open milestones (no actual date) use forecast - baseline,
    milestones achieved between 1 April of ``fy`` and ``as_at`` use actual - baseline;
    milestones achieved earlier are left out. Negative = early. ``as_at`` should be the
    evaluation date (see ``evaluation_date``)."""
    start = fy_bounds(parse_fy(fy) or fy)[0]
    sql = f"""
        WITH {_SELECTED},
        ms AS (
            SELECT datediff('day', m.baseline_date,
                            CASE WHEN m.actual_date IS NULL THEN m.forecast_date
                                 ELSE m.actual_date END) AS slip,
                   m.actual_date IS NULL AND m.forecast_date IS NULL AS no_forecast
            FROM milestones m JOIN sel ON sel.project_id = m.project_id
            WHERE m.actual_date IS NULL OR m.actual_date BETWEEN $start AND $at)
        SELECT CASE WHEN slip < 0 THEN 'Early' WHEN slip = 0 THEN 'On time'
                    WHEN slip <= 30 THEN '1-30 days late' WHEN slip <= 90 THEN '31-90 days late'
                    WHEN slip <= 180 THEN '91-180 days late' ELSE 'Over 180 days late' END
                   AS band, count(*) AS n, NULL AS med
        FROM ms WHERE slip IS NOT NULL GROUP BY 1
        UNION ALL
        SELECT '_median', count(slip), median(slip) FROM ms
        UNION ALL
        SELECT '_no_forecast', count(*) FILTER (WHERE no_forecast), NULL FROM ms"""
    params = {**_params(as_at, service_group, selection), "start": start}
    rows = {band: (n, med) for band, n, med in db.rows(sql, _bound(sql, params))}
    measured, median = rows.pop("_median")
    no_forecast = rows.pop("_no_forecast")[0]
    bands = pd.DataFrame({"band": list(SLIPPAGE_BANDS),
                          "milestones": [int(rows.get(b, (0, None))[0])
                                         for b in SLIPPAGE_BANDS]})
    return SlippageDistribution(bands, int(measured),
                                None if median is None else float(median), int(no_forecast))


@dataclass(frozen=True)
class Timeline:
    """Planned against forecast end of the selected projects with a planned end date.

    frame: project_id, project_name, overall_rag, start_date, planned_end_date, end_date
    (actual end, else forecast end; missing when neither), slippage_days (Int64), at most
    ``limit`` rows in the chosen order; total: how many projects qualified.
    """

    frame: pd.DataFrame
    total: int
    sort: str


def timeline(db: Database, as_at: date, service_group: str | None = None,
             selection: ProjectFilter | None = None, *,
             sort: Literal["slippage", "planned_end"] = "slippage", limit: int = 40
             ) -> Timeline:
    """The data for the baseline-against-forecast timeline. ``sort="slippage"``: most late
    first (no forecast last); ``"planned_end"``: earliest planned end first. Ties by ID."""
    order = ("slippage_days DESC NULLS LAST, planned_end_date" if sort == "slippage"
             else "planned_end_date, slippage_days DESC NULLS LAST")
    sql = f"""
        WITH {_SELECTED}
        SELECT project_id, project_name, overall_rag, start_date, planned_end_date,
               coalesce(actual_end_date, forecast_end_date) AS end_date, slippage_days,
               count(*) OVER () AS total
        FROM sel WHERE planned_end_date IS NOT NULL
        ORDER BY {order}, project_id
        LIMIT $limit"""
    frame = _df(db, sql, {**_params(as_at, service_group, selection), "limit": int(limit)})
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    frame = frame.drop(columns="total")
    frame["slippage_days"] = frame["slippage_days"].astype("Int64")
    return Timeline(frame, total, sort)


# --- one project in depth ------------------------------------------------------------------


def project_choices(db: Database) -> list[tuple[str, str]]:
    """Every project in the register as (project_id, project_name), by ID (the drill-down
    lists them all, whatever the filters, so a link from another page always opens)."""
    return [(str(pid), str(name or "")) for pid, name in db.rows(
        "SELECT project_id, project_name FROM projects ORDER BY project_id")]


@dataclass(frozen=True)
class Narrative:
    """The words of the latest highlight report that has any (summary, achievements or
    next steps), with its date and author; ``is_latest`` is False when a newer report had
    none of the three."""

    report_date: date
    summary: str | None
    achievements: str | None
    next_steps: str | None
    author: str | None
    is_latest: bool

    @property
    def note(self) -> str:
        """Where the words come from: "From the highlight report of 31 Oct 2026 by A N Other."
        plus, when a newer report had no narrative, a sentence saying so."""
        text = f"From the highlight report of {fmt_date(self.report_date)}"
        text += f" by {self.author}." if self.author else "."
        if not self.is_latest:
            text += " The latest report has no narrative."
        return text

    @property
    def sections(self) -> tuple[tuple[str, str], ...]:
        """(heading, text) for the parts the report filled: Summary, Achievements, Next
        steps."""
        parts = (("Summary", self.summary), ("Achievements", self.achievements),
                 ("Next steps", self.next_steps))
        return tuple((h, t.strip()) for h, t in parts if t and t.strip())


@dataclass(frozen=True)
class ProjectDetail:
    """One project at a date: its register entry, highlight-report history, narrative,
    milestones, RAID items and benefits.

    register: the projects row as a dict (None when the ID is not in the register; the
    other parts still show what the other sources hold). latest_rag: overall RAG of the
    latest report on or before the date ("Not reported" when none). reports: report_date
    plus the RAG columns, percent_complete and author, oldest first, on or before the date.
    milestones (by baseline, with slippage_days), raid (open first, highest score first),
    benefits (by target date): every row the sources hold for the project.
    """

    project_id: str
    as_at: date
    register: dict[str, Any] | None
    latest_rag: str
    reports: pd.DataFrame
    narrative: Narrative | None
    milestones: pd.DataFrame
    raid: pd.DataFrame
    benefits: pd.DataFrame = field(repr=False)

    @property
    def facts(self) -> pd.DataFrame:
        """The register entry for people to read: columns Field and Value (text; dates as
        "3 Apr 2025", money with £ and separators, missing as "not recorded")."""
        reg = self.register or {}
        if not reg:
            return pd.DataFrame([("Project", self.project_id),
                                 ("Register", "not in the project register"),
                                 ("Latest RAG", self.latest_rag)], columns=["Field", "Value"])
        slip = _slippage(reg.get("planned_end_date"),
                         reg.get("actual_end_date") or reg.get("forecast_end_date"))
        rows = [
            ("Project", f"{self.project_id} {reg.get('project_name') or ''}".strip()),
            ("Latest RAG", self.latest_rag),
            *[(label, _text(reg.get(col), col in _MONEY)) for col, label in _FACTS],
            ("Slippage", slip),
        ]
        return pd.DataFrame(rows, columns=["Field", "Value"])


#: Register columns shown in ``ProjectDetail.facts``, in order, with their labels.
_FACTS: tuple[tuple[str, str], ...] = (
    ("service_group", "Service group"), ("stage", "Stage"), ("programme", "Programme"),
    ("project_manager", "Project manager"), ("sro", "SRO"), ("pmo_service", "PMO service"),
    ("strategic_shift", "Strategic shift"), ("priority", "Priority (1 top)"),
    ("start_date", "Start"), ("planned_end_date", "Planned end"),
    ("forecast_end_date", "Forecast end"), ("actual_end_date", "Actual end"),
    ("budget_gbp", "Budget"), ("spend_to_date_gbp", "Spend to date"),
    ("last_updated", "Register updated"))
_MONEY = frozenset({"budget_gbp", "spend_to_date_gbp"})


def _text(value: Any, money: bool = False) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float):
        return f"£{value:,.0f}" if money else f"{value:,.0f}"
    return str(value)


def _slippage(planned: date | None, end: date | None) -> str:
    if planned is None or end is None:
        return "not known"
    days = (end - planned).days
    if days == 0:
        return "on the planned end date"
    word = "day" if abs(days) == 1 else "days"
    return f"{days:,} {word} late" if days > 0 else f"{-days:,} {word} early"


def _plain(value: Any) -> Any:
    """A pandas/numpy scalar as a plain Python value (dates as dates, missing as None)."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def project_detail(db: Database, project_id: str, as_at: date) -> ProjectDetail:
    """Everything the drill-down shows for one project (see ``ProjectDetail``)."""
    params = {"pid": project_id, "at": as_at}
    register = db.df("SELECT * EXCLUDE (import_id, source_file, source_sheet, source_row) "
                     "FROM projects WHERE project_id = $pid LIMIT 1", {"pid": project_id})
    reports = db.df(
        f"""SELECT report_date, coalesce(overall_rag, '{NOT_REPORTED}') AS overall_rag,
                   schedule_rag, cost_rag, risk_rag, benefits_rag, dca, percent_complete,
                   author
            FROM status_reports WHERE project_id = $pid AND report_date <= $at
            ORDER BY report_date""", params)
    words = db.rows(
        """SELECT report_date, summary, achievements, next_steps, author,
                  report_date = (SELECT max(report_date) FROM status_reports
                                 WHERE project_id = $pid AND report_date <= $at)
           FROM status_reports
           WHERE project_id = $pid AND report_date <= $at
             AND coalesce(nullif(trim(summary), ''), nullif(trim(achievements), ''),
                          nullif(trim(next_steps), '')) IS NOT NULL
           ORDER BY report_date DESC LIMIT 1""", params)
    narrative = None
    if words:
        day, summary, achievements, next_steps, author, latest = words[0]
        narrative = Narrative(day, summary, achievements, next_steps, author, bool(latest))
    milestones = db.df(
        """SELECT milestone_id, milestone, baseline_date, forecast_date, actual_date, status,
                  datediff('day', baseline_date,
                           CASE WHEN actual_date IS NULL THEN forecast_date
                                ELSE actual_date END) AS slippage_days
           FROM milestones WHERE project_id = $pid
           ORDER BY baseline_date NULLS LAST, milestone""", {"pid": project_id})
    milestones["slippage_days"] = milestones["slippage_days"].astype("Int64")
    raid = db.df(
        """SELECT raid_id, raid_type, title, status, likelihood, impact,
                  likelihood * impact AS score, owner, raised_date, review_date, closed_date,
                  mitigation
           FROM raid WHERE project_id = $pid
           ORDER BY status = 'Closed', score DESC NULLS LAST, raid_id""", {"pid": project_id})
    for col in ("likelihood", "impact", "score"):
        raid[col] = raid[col].astype("Int64")
    benefits = db.df(
        """SELECT benefit_id, description, category, measure, unit, baseline_value,
                  target_value, realised_value, target_date, owner, status
           FROM benefits WHERE project_id = $pid
           ORDER BY target_date NULLS LAST, benefit_id""", {"pid": project_id})
    latest_rag = str(reports["overall_rag"].iloc[-1]) if len(reports) else NOT_REPORTED
    return ProjectDetail(
        project_id=project_id, as_at=as_at,
        register=None if register.empty else {
            k: _plain(v) for k, v in register.iloc[0].items()},
        latest_rag=latest_rag, reports=reports, narrative=narrative,
        milestones=milestones, raid=raid, benefits=benefits)
