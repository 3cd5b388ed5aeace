"""The metric catalogue: every number the dashboard, the board pack and the CLI show.

Why this module exists: DESIGN.md makes the metric catalogue the single source of truth. Each
metric is defined once here (code, name, plain-English definition, unit, direction, target,
data owner) and computed once here, in DuckDB, so a tile in the app, a slide in the board pack
and ``python -m pmo_data metrics --json`` can never disagree. All the metric SQL lives in this
module; every value is bound as a parameter, never formatted into SQL.

Common rules (they apply to every metric unless its own docstring says otherwise):

* **Financial year (FY)**: 1 April to 31 March, written ``2025/26``.
* **As at**: defaults to ``latest_data_date(db)`` (the latest event date in the database; see
  there). The *evaluation date* is ``at = min(as_at, FY end)``: a past FY is judged at its
  31 March, so choosing last year shows last year's picture, not today's.
* **Rows in the FY** ("period" metrics): dated on or after 1 April and on or before ``at``.
  If ``at`` is before 1 April (a future FY) a period metric has no data (None).
* **Snapshot metrics** (ACTIVE_PROJECTS, HIGHLIGHT_COMPLIANCE, PORTFOLIO_RAG, OPEN_HIGH_RISKS)
  are evaluated at ``at``. The project register and the RAID log are snapshots with no history
  (no stage or status history), so "at a date" means the current stage/status of the items that
  had started (projects: ``start_date <= at``; risks: ``raised_date <= at`` or blank).
  Highlight reports do accumulate, so RAG and compliance are true point-in-time figures.
* **Missing is never zero**: a value is None when the source has no data for the period (the
  rule for each metric is in its docstring). Once the source does have data for the period, a
  service-group filter that matches nothing gives a true 0: the data is there and shows nobody.
* **Service group** (case-insensitive, trimmed): ``projects.service_group`` for project metrics
  (status reports, milestones, benefits and risks are joined to the register by project_id, so
  with a filter, rows whose project is not in the register drop out; without one they count),
  ``training.service_group``, ``service_requests.service_group``. KPI actuals ignore it.
* **Targets** come from ``kpi_plan`` for the FY (matched on the upper-cased, trimmed kpi_code);
  None when the plan has no row. ``ytd_target`` (cumulative metrics only: TRAINED_STAFF,
  PROJECTS_SUPPORTED, COACHING_ENGAGEMENTS and summed KPIs) = target x elapsed months / 12,
  where elapsed months counts the months of the FY whose **last day** is on or before ``at``
  (a part month does not count: 10 June gives 2, 30 June gives 3), clamped to 0..12.
* **Freshness** of a value: the latest event date of the metric's primary source on or before
  ``at``; for a source with no event dates at all (benefits, the plan, a register without
  ``last_updated``) the date of its latest import; None when it has no data.
* **Previous**: ``compute_all`` attaches the same metric for the previous FY at the as-at date
  one year earlier (29 February becomes 28 February), for deltas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from pmo_data import fmt, populations
from pmo_data.db import Database
from pmo_data.freshness import (
    EVENT_DATES,
    latest_data_date,
    latest_dates,
)
from pmo_data.parse import fy_bounds, parse_fy
from pmo_data.periods import elapsed_months, month_end, one_year_earlier, previous_fy
from pmo_data.schema import ACTIVE_STAGES, RAG_ORDER

Direction = Literal["up", "down", "neither"]
Number = float | int

# --- the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricDefinition:
    """What a metric is: shown in the app's metric catalogue and next to every tile.

    ``sources`` lists the tables read, the primary one (freshness, data owner) first.
    ``cumulative`` metrics grow from zero over the year, so they get a year-to-date pro-rata
    target. ``series`` says whether ``monthly_series`` can chart it.
    """

    code: str
    name: str
    definition: str
    unit: str
    direction: Direction
    target_source: str
    owner: str
    sources: tuple[str, ...]
    cumulative: bool = False
    series: bool = False


@dataclass(frozen=True)
class MetricValue:
    """One metric computed for one FY, service group and as-at date.

    ``value`` is None when there is no data (never 0 for missing). For PORTFOLIO_RAG ``value``
    is the number of active projects and ``breakdown`` maps every RAG value (in RAG order,
    zeros and "Not reported" included) to a count. ``as_at`` is the evaluation date
    ``min(as_at, FY end)``. ``previous`` is the previous FY's value at the as-at date one year
    earlier (set by ``compute_all``; its own ``previous`` is None).

    ``numerator`` and ``denominator`` are the two counts behind a rate (unit %): value =
    100 x numerator / denominator (e.g. DNA places / places with an outcome). For a count
    metric the numerator is the count and the denominator None; for other metrics (medians,
    money, KPI actuals) both are None. Both are None whenever ``value`` is None.
    """

    code: str
    name: str
    value: Number | None
    target: float | None
    ytd_target: float | None
    unit: str
    direction: Direction
    as_at: date
    freshness: date | None
    fy: str
    service_group: str | None = None
    breakdown: Mapping[str, int] | None = field(default=None, hash=False)
    previous: MetricValue | None = field(default=None, hash=False)
    numerator: float | None = None
    denominator: float | None = None

    @property
    def delta(self) -> Number | None:
        """value - previous value, None if either is missing."""
        if self.value is None or self.previous is None or self.previous.value is None:
            return None
        return self.value - self.previous.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: dates as ISO text; PORTFOLIO_RAG's value (and previous) is the
        RAG -> count mapping, its total is under ``total``."""

        def plain(mv: MetricValue | None) -> Any:
            if mv is None:
                return None
            if mv.breakdown is not None or mv.code == "PORTFOLIO_RAG":
                return None if mv.breakdown is None else dict(mv.breakdown)
            return mv.value

        out: dict[str, Any] = {
            "name": self.name,
            "value": plain(self),
            "target": self.target,
            "ytd_target": self.ytd_target,
            "unit": self.unit,
            "direction": self.direction,
            "fy": self.fy,
            "as_at": self.as_at.isoformat(),
            "freshness": self.freshness.isoformat() if self.freshness else None,
            "service_group": self.service_group,
            "previous": plain(self.previous),
            "numerator": self.numerator,
            "denominator": self.denominator,
        }
        if self.code == "PORTFOLIO_RAG":
            out["total"] = self.value
        return out


_PLAN = "kpi_plan (five-year plan), this FY's row for this code"

CATALOGUE: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        "TRAINED_STAFF", "Staff trained",
        "Number of different staff (by staff ID) recorded as Attended on any course with a "
        "session date in the financial year up to the as-at date. Someone trained twice counts "
        "once. The year-to-date target is the annual target x whole months elapsed / 12.",
        "count", "up", _PLAN, "PM Training and Education lead (training records)",
        ("training",), cumulative=True, series=True),
    MetricDefinition(
        "TRAINING_DNA_RATE", "Training did-not-attend rate",
        "Per cent of training places with an outcome that were Did not attend: DNA / "
        "(Attended + DNA), over session dates in the financial year up to the as-at date. "
        "Cancelled, withdrawn and booked places are left out.",
        "%", "down", _PLAN, "PM Training and Education lead (training records)",
        ("training",), series=True),
    MetricDefinition(
        "PROJECTS_SUPPORTED", "Projects given immersive PM support",
        "Number of different projects with an Immersive PM request in the PMO service log "
        "(not Cancelled or Declined) whose support period (start date, or received date if "
        "not started, to end date, or still open) overlaps the financial year up to the "
        "as-at date. A request with no project ID counts as its own project.",
        "count", "up", _PLAN, "PM Services lead (PMO service log)",
        ("service_requests",), cumulative=True, series=True),
    MetricDefinition(
        "COACHING_ENGAGEMENTS", "Coaching engagements",
        "Number of Coaching requests in the PMO service log received in the financial year "
        "up to the as-at date (any status).",
        "count", "up", _PLAN, "PM Services lead (PMO service log)",
        ("service_requests",), cumulative=True),
    MetricDefinition(
        "ACTIVE_PROJECTS", "Active projects",
        "Number of projects in the register at stage Initiation, Planning, Delivery or "
        "Closure that had started by the as-at date. The register holds today's stage only "
        "(no stage history).",
        "count", "neither", _PLAN, "PMO Services lead (PPM platform project register)",
        ("projects",)),
    MetricDefinition(
        "HIGHLIGHT_COMPLIANCE", "Highlight report compliance",
        "Per cent of active projects with a highlight report dated in the 31 days up to "
        "and including the as-at date (a report exactly 31 days old counts, 32 does not).",
        "%", "up", _PLAN, "PMO Services lead (PPM platform highlight reports)",
        ("status_reports", "projects"), series=True),
    MetricDefinition(
        "PORTFOLIO_RAG", "Portfolio RAG",
        "Active projects counted by the overall RAG of their latest highlight report dated "
        "on or before the as-at date. A project with no report is Not reported (never "
        "Green). The latest report counts however old it is: see highlight compliance.",
        "count", "neither", "none (no target)", "PMO Services lead (PPM platform highlight "
        "reports)", ("status_reports", "projects")),
    MetricDefinition(
        "MILESTONES_ON_TIME", "Milestones achieved on time",
        "Per cent of milestones achieved in the financial year up to the as-at date whose "
        "actual date was on or before the baseline date.",
        "%", "up", _PLAN, "Project managers (PPM platform milestones)", ("milestones",)),
    MetricDefinition(
        "MILESTONE_SLIPPAGE_DAYS", "Median milestone slippage",
        "Median of days late against baseline (negative = early), over milestones still "
        "open (forecast date - baseline) and milestones achieved in the financial year up to "
        "the as-at date (actual date - baseline). Open milestones with no forecast are left "
        "out.",
        "days", "down", _PLAN, "Project managers (PPM platform milestones)", ("milestones",)),
    MetricDefinition(
        "BENEFITS_REALISED_GBP", "Cash-releasing benefits realised",
        "Sum of the realised value of Cash-releasing benefits whose target date falls in the "
        "financial year (the whole year: realised values have no date of their own). Blank "
        "realised values are left out, not counted as zero.",
        "£", "up", _PLAN, "Benefits advisors (benefits register)", ("benefits",)),
    MetricDefinition(
        "OPEN_HIGH_RISKS", "Open high risks",
        "Number of open Risks in the RAID log scoring 15 or more (likelihood x impact, each "
        "1-5) raised on or before the as-at date. Status and scores are today's (the log has "
        "no history).",
        "count", "down", _PLAN, "Project managers (RAID log)", ("raid",)),
)

BUILT_IN_CODES: frozenset[str] = frozenset(d.code for d in CATALOGUE)
#: Codes with a built-in monthly series (besides every kpi_actuals code).
SERIES_CODES: tuple[str, ...] = tuple(d.code for d in CATALOGUE if d.series)
_BY_CODE: dict[str, MetricDefinition] = {d.code: d for d in CATALOGUE}



_is_percent = fmt.is_percent


def _kpi_rows(db: Database) -> list[tuple[Any, ...]]:
    return db.rows(
        """SELECT upper(trim(kpi_code)) AS code,
                  arg_max(kpi_name, financial_year) FILTER (WHERE kpi_name IS NOT NULL),
                  arg_max(direction, financial_year) FILTER (WHERE direction IS NOT NULL),
                  arg_max(unit, financial_year) FILTER (WHERE unit IS NOT NULL),
                  arg_max(service_area, financial_year) FILTER (WHERE service_area IS NOT NULL)
           FROM kpi_plan WHERE kpi_code IS NOT NULL AND trim(kpi_code) <> ''
           GROUP BY 1 ORDER BY 1""")


def _kpi_definition(code: str, name: str | None, direction: str | None, unit: str | None,
                    area: str | None) -> MetricDefinition:
    label = name or code
    if _is_percent(unit):
        how = ("the latest month's value in the financial year up to the as-at date "
               "(a percentage, so months are not added up)")
    else:
        how = "the sum of the monthly values in the financial year up to the as-at date"
    polarity: Direction = "up" if direction == "up" else "down" if direction == "down" else (
        "neither")
    return MetricDefinition(
        code, label,
        f"{label}: from the monthly KPI actuals kept by hand; the year's value is {how}.",
        unit or "", polarity, _PLAN, f"PMO ({area or 'KPI actuals kept by hand'})",
        ("kpi_actuals", "kpi_plan"),
        cumulative=not _is_percent(unit), series=True)


def kpi_definitions(db: Database) -> tuple[MetricDefinition, ...]:
    """Definitions of the KPIs taken from kpi_actuals: every kpi_code in kpi_plan (upper-cased,
    trimmed) that is not a built-in metric, in code order. Name, unit and direction come from
    the plan's latest FY that gives them (direction defaults to "neither")."""
    return tuple(_kpi_definition(*row) for row in _kpi_rows(db) if row[0] not in BUILT_IN_CODES)


def catalogue(db: Database | None = None) -> tuple[MetricDefinition, ...]:
    """The ordered catalogue: the built-in metrics, then (given a database) its plan's KPIs."""
    return CATALOGUE + (kpi_definitions(db) if db is not None else ())


def get_definition(code: str, db: Database | None = None) -> MetricDefinition:
    """The definition of one metric code (case-insensitive); KeyError if unknown."""
    wanted = code.strip().upper()
    for d in catalogue(db):
        if d.code == wanted:
            return d
    raise KeyError(code)


# --- dates ---------------------------------------------------------------------------------


def _norm_fy(fy: str) -> str:
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year given")
    return normalised


def _norm_date(day: date | None) -> date | None:
    return day.date() if isinstance(day, datetime) else day


# --- query helpers -------------------------------------------------------------------------

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _bind(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The named parameters ``sql`` uses (DuckDB refuses unused ones)."""
    return {name: params[name] for name in set(_PARAM.findall(sql))}


def _rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with the named parameters it uses. Given ``sg=None`` (no service group),
    the service-group conditions are first dropped from the text (see ``_filtered``)."""
    if "sg" in params and params["sg"] is None:
        sql = _filtered(sql, False)
    return db.rows(sql, _bind(sql, params))


def _sg(service_group: str | None) -> str | None:
    if service_group is None or not service_group.strip():
        return None
    return service_group.strip().lower()


# Filter fragments (SQL text only: the value is always the bound $sg).
_SG_OWN = "($sg IS NULL OR lower(trim(service_group)) = $sg)"
_SG_PROJECT = ("($sg IS NULL OR project_id IN (SELECT project_id FROM projects "
               "WHERE lower(trim(service_group)) = $sg))")
_ACTIVE_AT = populations.active_project() + " AND " + _SG_OWN


# --- freshness and the database's dates: pmo_data.freshness ---------------------------------


def service_groups(db: Database) -> list[str]:
    """Every service group named in projects, training or service_requests, sorted, blanks
    left out; spellings differing only in case are listed once (the first alphabetically)."""
    rows = db.rows(
        """SELECT min(sg) FROM (
               SELECT trim(service_group) AS sg FROM projects
               UNION ALL SELECT trim(service_group) FROM training
               UNION ALL SELECT trim(service_group) FROM service_requests)
           WHERE sg IS NOT NULL AND sg <> '' GROUP BY lower(sg) ORDER BY lower(sg)""")
    return [r[0] for r in rows]


def financial_years(db: Database) -> list[str]:
    """FYs with any data (any event date, training bookings included, or a kpi_actuals month)
    plus every FY in the plan, oldest first."""
    parts = []
    for name, cols in EVENT_DATES.items():
        parts += [f"SELECT DISTINCT CAST(year({c} - INTERVAL 3 MONTH) AS INTEGER) AS y "
                  f"FROM {name} WHERE {c} IS NOT NULL" for c in cols]
    years = {int(r[0]) for r in db.rows(" UNION ".join(parts))}
    found = {f"{y}/{(y + 1) % 100:02d}" for y in years}
    for (fy,) in db.rows("SELECT DISTINCT financial_year FROM kpi_plan "
                         "WHERE financial_year IS NOT NULL"):
        try:
            normalised = parse_fy(fy)
        except ValueError:
            continue
        if normalised:
            found.add(normalised)
    return sorted(found)


# --- the period a metric is computed for ---------------------------------------------------


@dataclass(frozen=True)
class _Period:
    fy: str
    start: date
    end: date
    as_at: date
    at: date  # evaluation date: min(as_at, FY end)
    sg: str | None  # folded for matching
    service_group: str | None  # as given (trimmed), for display
    months: int  # elapsed whole months

    @property
    def empty(self) -> bool:
        """The FY had not started at the as-at date: period metrics have no data."""
        return self.at < self.start

    def params(self) -> dict[str, Any]:
        return {"fy": self.fy, "start": self.start, "end": self.end, "at": self.at,
                "since": self.at - timedelta(days=31), "sg": self.sg,
                "active": list(ACTIVE_STAGES)}


def _resolve_as_at(db: Database, as_at: date | None) -> date:
    return _norm_date(as_at) or latest_data_date(db) or date.today()


def _period(fy: str, as_at: date, service_group: str | None) -> _Period:
    fy = _norm_fy(fy)
    start, end = fy_bounds(fy)
    shown = service_group.strip() if service_group and service_group.strip() else None
    return _Period(fy, start, end, as_at, min(as_at, end), _sg(shown), shown,
                   elapsed_months(fy, as_at))


# --- the metrics (SQL) ---------------------------------------------------------------------
# The SQL is grouped into *branches*, one aggregate per source table, each giving the raw
# numbers for one or more metrics. ``_evaluate`` runs every branch it needs, for every period
# (parameters renamed per period: $p0_at, $p1_at ...), as ONE ``UNION ALL`` statement of
# rows (p, kind, key, a, b, c, e, d); a ``finish`` per metric turns them into the value.
# (UNION branches, not scalar subqueries: DuckDB 2.0 plans a scalar subquery far slower.)


@dataclass(frozen=True)
class _Branch:
    sql: str  # columns: key plus the value columns named in ``cols`` (a, b, c, e, d)
    cols: tuple[str, ...]


_BRANCH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("a", "DOUBLE"), ("b", "DOUBLE"), ("c", "DOUBLE"), ("e", "DOUBLE"), ("d", "DATE"))

_IMMERSIVE = ("service = 'Immersive PM' "
              "AND coalesce(lower(trim(status)), '') NOT IN ('cancelled', 'declined')")

_BRANCHES: dict[str, _Branch] = {
    # a: rows in the window (any attendance, before the service-group filter); b: distinct
    # staff attended; c: DNA rows; e: Attended + DNA rows.
    "training": _Branch(f"""
        SELECT NULL AS key, count(*) AS a,
               count(DISTINCT staff_id) FILTER (WHERE attendance = 'Attended' AND {_SG_OWN})
                   AS b,
               count(*) FILTER (WHERE attendance = 'Did not attend' AND {_SG_OWN}) AS c,
               count(*) FILTER (WHERE attendance IN ('Attended', 'Did not attend')
                                  AND {_SG_OWN}) AS e
        FROM training WHERE session_date BETWEEN $start AND $at""", ("a", "b", "c", "e")),
    # a: 1 if the log's received dates span part of the window; b: immersive projects;
    # c: coaching requests received in the window.
    "service_log": _Branch(f"""
        SELECT NULL AS key,
               CAST(coalesce(min(received_date) <= $at AND max(received_date) >= $start,
                             FALSE) AS INTEGER) AS a,
               count(DISTINCT coalesce(project_id, 'request ' || request_id)) FILTER (
                   WHERE {_IMMERSIVE}
                     AND coalesce(start_date, received_date) <= $at
                     AND (end_date IS NULL OR end_date >= $start) AND {_SG_OWN}) AS b,
               count(*) FILTER (WHERE service = 'Coaching'
                                  AND received_date BETWEEN $start AND $at AND {_SG_OWN}) AS c
        FROM service_requests""", ("a", "b", "c")),
    # a: projects in the register; b: active at the evaluation date.
    "register": _Branch(f"""
        SELECT NULL AS key, count(*) AS a, count(*) FILTER (WHERE {_ACTIVE_AT}) AS b
        FROM projects""", ("a", "b")),
    # Per latest overall RAG (key): a: active projects; b: of those, latest report within
    # 31 days; c: projects (any) whose latest report on or before the date has that RAG.
    "reports": _Branch(f"""
        SELECT key, a, b, c FROM (
            WITH latest AS (
                     SELECT project_id, max(report_date) AS last_date,
                            arg_max(overall_rag, report_date) AS rag
                     FROM status_reports WHERE report_date <= $at GROUP BY project_id),
                 act AS (SELECT project_id FROM projects WHERE {_ACTIVE_AT})
            SELECT coalesce(latest.rag, 'Not reported') AS key,
                   count(act.project_id) AS a,
                   count(act.project_id) FILTER (WHERE latest.last_date >= $since) AS b,
                   count(latest.project_id) AS c
            FROM latest FULL OUTER JOIN act ON act.project_id = latest.project_id
            GROUP BY 1)""", ("a", "b", "c")),
    # a: achieved in the window; b: of those on time; c: median slippage (days).
    "milestones": _Branch(f"""
        SELECT NULL AS key,
               count(*) FILTER (WHERE actual_date BETWEEN $start AND $at) AS a,
               count(*) FILTER (WHERE actual_date BETWEEN $start AND $at
                                  AND actual_date <= baseline_date) AS b,
               median(datediff('day', baseline_date,
                               CASE WHEN actual_date IS NULL THEN forecast_date
                                    ELSE actual_date END))
                   FILTER (WHERE actual_date IS NULL OR actual_date BETWEEN $start AND $at)
                   AS c
        FROM milestones WHERE {_SG_PROJECT}""", ("a", "b", "c")),
    # a: realised value (NULL when no matching benefit has one).
    "benefits": _Branch(f"""
        SELECT NULL AS key, sum(realised_value) AS a FROM benefits
        WHERE category = 'Cash-releasing' AND target_date BETWEEN $start AND $end
          AND {_SG_PROJECT}""", ("a",)),
    # a: items in the log; b: open high risks.
    "raid": _Branch(f"""
        SELECT NULL AS key, count(*) AS a, count(*) FILTER (
                   WHERE raid_type = 'Risk' AND {populations.open_raid()}
                     AND {populations.very_high()} AND {_SG_PROJECT}) AS b
        FROM raid""", ("a", "b")),
    # Per kpi_code: a: sum of the window's months; b: the latest month's value.
    "kpi": _Branch("""
        SELECT upper(trim(kpi_code)) AS key, sum(value) AS a,
               arg_max(value, period) AS b
        FROM kpi_actuals
        WHERE period BETWEEN $start AND $at AND value IS NOT NULL GROUP BY 1""", ("a", "b")),
    "target": _Branch("""
        SELECT upper(trim(kpi_code)) AS key, max(target) AS a FROM kpi_plan
        WHERE financial_year = $fy AND target IS NOT NULL GROUP BY 1""", ("a",)),
}

_Row = tuple[Any, ...]  # (key, a, b, c, e, d)


@dataclass(frozen=True)
class _Result:
    """What a finish returns: the value and, where they exist, its parts."""

    value: Number | None
    breakdown: dict[str, int] | None = None
    numerator: float | None = None
    denominator: float | None = None


_NONE = _Result(None)
Finish = Callable[[Mapping[str, list[_Row]], _Period], _Result]


def _count(n: Any) -> _Result:
    return _Result(int(n), None, float(n), None)


def _rate(part: float, whole: float) -> _Result:
    """100 x part / whole with its parts; no value (and no parts) when whole is 0."""
    if not whole:
        return _NONE
    return _Result(100.0 * part / whole, None, float(part), float(whole))


def _one(rows: Mapping[str, list[_Row]], branch: str) -> _Row:
    return rows[branch][0]


def _finish_trained(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, n, trained, _, _, _ = _one(rows, "training")
    return _NONE if p.empty or not n else _count(trained)


def _finish_dna(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, _, _, dna, outcome, _ = _one(rows, "training")
    return _NONE if p.empty else _rate(dna, outcome)


def _finish_supported(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, covered, projects, _, _, _ = _one(rows, "service_log")
    return _NONE if p.empty or not covered else _count(projects)


def _finish_coaching(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, covered, _, coaching, _, _ = _one(rows, "service_log")
    return _NONE if p.empty or not covered else _count(coaching)


def _finish_active(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, n, active, _, _, _ = _one(rows, "register")
    return _count(active) if n else _NONE


def _finish_compliance(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    active = sum(r[1] for r in rows["reports"])
    recent = sum(r[2] for r in rows["reports"])
    reporting = sum(r[3] for r in rows["reports"])
    return _rate(recent, active) if reporting else _NONE


def _finish_rag(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    if not _one(rows, "register")[1]:
        return _NONE
    counts = dict.fromkeys(RAG_ORDER, 0)
    for key, active, *_ in rows["reports"]:
        if active:
            counts[key] = counts.get(key, 0) + int(active)
    total = sum(counts.values())
    return _Result(total, counts, float(total), None)


def _finish_on_time(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, done, on_time, _, _, _ = _one(rows, "milestones")
    return _NONE if p.empty else _rate(on_time, done)


def _finish_slippage(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    median = _one(rows, "milestones")[3]
    return _NONE if p.empty or median is None else _Result(float(median))


def _finish_benefits(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    total = _one(rows, "benefits")[1]
    return _NONE if total is None else _Result(float(total))


def _finish_risks(rows: Mapping[str, list[_Row]], p: _Period) -> _Result:
    _, n, high, _, _, _ = _one(rows, "raid")
    return _count(high) if n else _NONE


#: Built-in metric -> (branches it reads, finish).
_SPECS: dict[str, tuple[tuple[str, ...], Finish]] = {
    "TRAINED_STAFF": (("training",), _finish_trained),
    "TRAINING_DNA_RATE": (("training",), _finish_dna),
    "PROJECTS_SUPPORTED": (("service_log",), _finish_supported),
    "COACHING_ENGAGEMENTS": (("service_log",), _finish_coaching),
    "ACTIVE_PROJECTS": (("register",), _finish_active),
    "HIGHLIGHT_COMPLIANCE": (("reports",), _finish_compliance),
    "PORTFOLIO_RAG": (("register", "reports"), _finish_rag),
    "MILESTONES_ON_TIME": (("milestones",), _finish_on_time),
    "MILESTONE_SLIPPAGE_DAYS": (("milestones",), _finish_slippage),
    "BENEFITS_REALISED_GBP": (("benefits",), _finish_benefits),
    "OPEN_HIGH_RISKS": (("raid",), _finish_risks),
}


def _value(defn: MetricDefinition, p: _Period, targets: Mapping[str, float],
           fresh: Mapping[str, date | None], result: _Result) -> MetricValue:
    target = targets.get(defn.code)
    ytd = target * p.months / 12 if target is not None and defn.cumulative else None
    return MetricValue(
        code=defn.code, name=defn.name, value=result.value, target=target, ytd_target=ytd,
        unit=defn.unit, direction=defn.direction, as_at=p.at,
        freshness=fresh.get(defn.sources[0]), fy=p.fy,
        service_group=None if defn.sources[0] == "kpi_actuals" else p.service_group,
        breakdown=None if result.breakdown is None else dict(result.breakdown),
        numerator=result.numerator, denominator=result.denominator)


def _filtered(sql: str, by_group: bool) -> str:
    """``sql`` without its service-group conditions when there is no group to filter by
    (constant SQL text swapped for TRUE: a simpler plan; the value is still only ever bound)."""
    return sql if by_group else sql.replace(_SG_OWN, "TRUE").replace(_SG_PROJECT, "TRUE")


def _branch_sql(name: str, index: int, by_group: bool) -> str:
    """One branch for period ``index``, in the common row shape, parameters renamed."""
    branch = _Branch(_filtered(_BRANCHES[name].sql, by_group), _BRANCHES[name].cols)
    values = ", ".join(
        f"CAST({col if col in branch.cols else 'NULL'} AS {kind}) AS {col}"
        for col, kind in _BRANCH_COLUMNS)
    body = _PARAM.sub(lambda m: f"$p{index}_{m.group(1)}",
                      f"CAST(key AS VARCHAR) AS key, {values} FROM ({branch.sql})")
    return (f"SELECT CAST($p{index}_idx AS INTEGER) AS p, "
            f"CAST($kind_{name} AS VARCHAR) AS kind, {body}")


def _evaluate(db: Database, periods: list[_Period], defs: tuple[MetricDefinition, ...]
              ) -> list[dict[str, MetricValue]]:
    """Compute ``defs`` for each period: one UNION ALL statement for the numbers and one for
    the freshness dates, whatever the number of metrics; results in ``defs`` order."""
    kpis = [d for d in defs if d.code not in _SPECS]
    needed = ["target"] + (["kpi"] if kpis else [])
    for d in defs:
        for name in _SPECS[d.code][0] if d.code in _SPECS else ():
            if name not in needed:
                needed.append(name)
    parts: list[str] = []
    params: dict[str, Any] = {f"kind_{name}": name for name in needed}
    for i, p in enumerate(periods):
        parts += [_branch_sql(name, i, p.sg is not None) for name in needed]
        params.update({f"p{i}_{k}": v for k, v in p.params().items()})
        params[f"p{i}_idx"] = i
    sql = "\nUNION ALL\n".join(parts)
    sources = tuple(dict.fromkeys(d.sources[0] for d in defs))
    freshness = latest_dates(db, sources, [p.at for p in periods])
    grouped: dict[tuple[int, str], list[_Row]] = {}
    for p_index, kind, *rest in _rows(db, sql, **params):
        grouped.setdefault((p_index, kind), []).append(tuple(rest))
    results = []
    for i, p in enumerate(periods):
        rows = {name: grouped.get((i, name), []) for name in needed}
        targets = {r[0]: float(r[1]) for r in rows["target"]}
        fresh = freshness[i]
        kpi_rows = {r[0]: r for r in rows.get("kpi", ())}
        out: dict[str, MetricValue] = {}
        for d in defs:
            if d.code in _SPECS:
                out[d.code] = _value(d, p, targets, fresh, _SPECS[d.code][1](rows, p))
                continue
            found = kpi_rows.get(d.code)
            kpi: Number | None = None
            if found is not None and not p.empty:
                kpi = float(found[2] if _is_percent(d.unit) else found[1])
            out[d.code] = _value(d, p, targets, fresh, _Result(kpi))
        results.append(out)
    return results


# --- public API: all at once, or one metric ------------------------------------------------


def compute_all(db: Database, fy: str, as_at: date | None = None,
                service_group: str | None = None) -> dict[str, MetricValue]:
    """Every metric in catalogue order (built-ins, then the plan's KPIs), keyed by code, each
    with ``previous`` set to the previous FY's value at the as-at date one year earlier.

    ``fy`` is any spelling ``parse_fy`` accepts (ValueError if not a financial year);
    ``as_at`` defaults to ``latest_data_date(db)`` (today for an empty database). Four
    queries in all: the plan's KPI list, the default as-at, the numbers, the freshness dates.
    """
    defs = catalogue(db)
    as_at = _resolve_as_at(db, as_at)
    current = _period(fy, as_at, service_group)
    before = _period(previous_fy(current.fy), one_year_earlier(as_at), service_group)
    now, then = _evaluate(db, [current, before], defs)
    return {code: replace(mv, previous=then[code]) for code, mv in now.items()}


def compute_many(db: Database, fys: Sequence[str], as_at: date | None = None,
                 service_group: str | None = None, codes: Sequence[str] | None = None
                 ) -> dict[str, dict[str, MetricValue]]:
    """Every metric (or just ``codes``) for several FYs at once: ``{fy: {code: MetricValue}}``
    in the order given, each FY evaluated as ``compute_all`` does (at ``min(as_at, FY end)``)
    but without ``previous``. One statement for all the years' numbers and one for their
    freshness (a five-year plan grid is one round trip, not one per year). A repeated FY is
    computed once. ValueError for a bad FY, KeyError for an unknown code."""
    wanted = list(dict.fromkeys(_norm_fy(fy) for fy in fys))
    if not wanted:
        return {}
    if codes is None:
        defs = catalogue(db)
    else:
        keys = [c.strip().upper() for c in codes]
        known = _BY_CODE if all(k in _BY_CODE for k in keys) else {
            d.code: d for d in catalogue(db)}  # one query for the plan's KPIs, not one each
        if any(k not in known for k in keys):
            raise KeyError(next(c for c, k in zip(codes, keys, strict=True) if k not in known))
        defs = tuple(known[k] for k in dict.fromkeys(keys))
    at = _resolve_as_at(db, as_at)
    periods = [_period(fy, at, service_group) for fy in wanted]
    return dict(zip(wanted, _evaluate(db, periods, defs), strict=True))


def compute(db: Database, code: str, fy: str, as_at: date | None = None,
            service_group: str | None = None) -> MetricValue:
    """One metric by code (case-insensitive; built-in or plan KPI), without ``previous``.
    KeyError for an unknown code, ValueError for a bad FY."""
    defn = _BY_CODE.get(code.strip().upper()) or get_definition(code, db)
    period = _period(fy, _resolve_as_at(db, as_at), service_group)
    return _evaluate(db, [period], (defn,))[0][defn.code]


def trained_staff(db: Database, fy: str, as_at: date | None = None,
                  service_group: str | None = None) -> MetricValue:
    """TRAINED_STAFF: count(DISTINCT staff_id) with attendance Attended, session_date in
    [1 April, at]. Unit count, direction up, target and YTD target from kpi_plan.

    None when the training records have no rows at all (any attendance, before the service
    group filter) dated in the window; a window with sessions but nobody attended gives 0.
    A person trained twice (or a DNA then an attendance) counts once.
    """
    return compute(db, "TRAINED_STAFF", fy, as_at, service_group)


def training_dna_rate(db: Database, fy: str, as_at: date | None = None,
                      service_group: str | None = None) -> MetricValue:
    """TRAINING_DNA_RATE = 100 x DNA / (Attended + DNA) over rows with session_date in
    [1 April, at]; Cancelled, Withdrawn and Booked rows are left out. Unit %, direction down.
    Rows, not people: a DNA then an attendance is one of each. None when the denominator is 0.
    """
    return compute(db, "TRAINING_DNA_RATE", fy, as_at, service_group)


def projects_supported(db: Database, fy: str, as_at: date | None = None,
                       service_group: str | None = None) -> MetricValue:
    """PROJECTS_SUPPORTED: count(DISTINCT project_id) of service_requests with service
    Immersive PM, status not Cancelled/Declined (case-insensitive, trimmed), whose interval
    [coalesce(start_date, received_date), end_date or open] overlaps [1 April, at]. A request
    with no project_id counts as its own project. Unit count, direction up, target from plan.

    An engagement spanning two FYs counts in both. None when the service log does not cover
    the window: its received dates (all services) span no part of [1 April, at].
    """
    return compute(db, "PROJECTS_SUPPORTED", fy, as_at, service_group)


def coaching_engagements(db: Database, fy: str, as_at: date | None = None,
                         service_group: str | None = None) -> MetricValue:
    """COACHING_ENGAGEMENTS: count of service_requests with service Coaching and received_date
    in [1 April, at], any status. Unit count, direction up. None when the service log does not
    cover the window (as for PROJECTS_SUPPORTED)."""
    return compute(db, "COACHING_ENGAGEMENTS", fy, as_at, service_group)


def active_projects(db: Database, fy: str, as_at: date | None = None,
                    service_group: str | None = None) -> MetricValue:
    """ACTIVE_PROJECTS: projects whose current stage is Initiation, Planning, Delivery or
    Closure and whose start_date is on or before ``at`` (blank start counts as started). The
    register has no stage history, so for a past date this is today's stage. Unit count,
    direction neither. None when the register is empty."""
    return compute(db, "ACTIVE_PROJECTS", fy, as_at, service_group)


def highlight_compliance(db: Database, fy: str, as_at: date | None = None,
                         service_group: str | None = None) -> MetricValue:
    """HIGHLIGHT_COMPLIANCE = 100 x (active projects with a status report dated in
    [at - 31 days, at], inclusive) / active projects. Unit %, direction up. None when there are
    no active projects or no status reports at all dated on or before ``at``."""
    return compute(db, "HIGHLIGHT_COMPLIANCE", fy, as_at, service_group)


def portfolio_rag(db: Database, fy: str, as_at: date | None = None,
                  service_group: str | None = None) -> MetricValue:
    """PORTFOLIO_RAG: active projects by the overall_rag of their latest report dated on or
    before ``at``; no report (or a blank RAG) is Not reported. ``breakdown`` has every RAG
    value in RAG order with zero counts; ``value`` is the total. None when the register is
    empty. A stale latest report still counts (HIGHLIGHT_COMPLIANCE shows staleness)."""
    return compute(db, "PORTFOLIO_RAG", fy, as_at, service_group)


def milestones_on_time(db: Database, fy: str, as_at: date | None = None,
                       service_group: str | None = None) -> MetricValue:
    """MILESTONES_ON_TIME = 100 x (milestones with actual_date in [1 April, at] and
    actual_date <= baseline_date) / (milestones with actual_date in [1 April, at]). Unit %,
    direction up. None when no milestone was achieved in the window."""
    return compute(db, "MILESTONES_ON_TIME", fy, as_at, service_group)


def milestone_slippage_days(db: Database, fy: str, as_at: date | None = None,
                            service_group: str | None = None) -> MetricValue:
    """MILESTONE_SLIPPAGE_DAYS = median over milestones that are open (no actual_date) or
    achieved in [1 April, at] of (date - baseline_date) in days, where date is the forecast for
    an open milestone and the actual for an achieved one (a stale forecast left on an achieved
    milestone is ignored). Open milestones without a forecast are left out. Even counts take
    the mean of the middle two. Unit days, direction down. None when nothing qualifies."""
    return compute(db, "MILESTONE_SLIPPAGE_DAYS", fy, as_at, service_group)


def benefits_realised_gbp(db: Database, fy: str, as_at: date | None = None,
                          service_group: str | None = None) -> MetricValue:
    """BENEFITS_REALISED_GBP = sum(realised_value) of Cash-releasing benefits with target_date
    anywhere in the FY (not cut at the as-at date: realised values carry no date). Unit £,
    direction up. Blank realised values are skipped; None when no matching benefit has one."""
    return compute(db, "BENEFITS_REALISED_GBP", fy, as_at, service_group)


def open_high_risks(db: Database, fy: str, as_at: date | None = None,
                    service_group: str | None = None) -> MetricValue:
    """OPEN_HIGH_RISKS: RAID items with raid_type Risk, status Open, likelihood x impact >= 15
    (a blank likelihood or impact does not score) and raised_date on or before ``at`` (or
    blank). Today's status and scores (no history). Unit count, direction down. None when the
    RAID log is empty."""
    return compute(db, "OPEN_HIGH_RISKS", fy, as_at, service_group)


def kpi_value(db: Database, code: str, fy: str, as_at: date | None = None) -> MetricValue:
    """A plan KPI from kpi_actuals: months with period in [1 April, at]; the FY value is their
    sum, or the latest month's value when the plan's unit is % (also "percent", "per cent").
    None when the FY has no months yet. Service groups do not apply."""
    return compute(db, code, fy, as_at)


# --- monthly series for SPC ----------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


_MONTHS = """months AS (
        SELECT CAST(m AS DATE) AS month,
               greatest(CAST(m AS DATE), $start) AS w_start,
               least(CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE), $end) AS w_end
        FROM generate_series(CAST($first AS TIMESTAMP), CAST($last AS TIMESTAMP),
                             INTERVAL 1 MONTH) AS t(m))"""


def monthly_series(db: Database, code: str, start: date, end: date,
                   service_group: str | None = None) -> list[tuple[date, float]]:
    """Monthly values for an SPC chart, as (first day of the month, value), oldest first.

    Months are calendar months cut to [start, end] (so a first or last part month is a part
    month). Codes:

    * TRAINED_STAFF: distinct staff Attended in the month; a month with training rows (any
      attendance, before the service-group filter) but nobody attended is 0; a month with no
      rows is omitted.
    * TRAINING_DNA_RATE: DNA / (Attended + DNA) in the month, %; months with neither omitted.
    * HIGHLIGHT_COMPLIANCE: compliance (as the metric) at each month's end (``end`` for the
      last month); omitted when there are no active projects or no reports yet.
    * PROJECTS_SUPPORTED: immersive PM projects whose support overlaps the month; months the
      service log does not cover (no received dates on both sides) are omitted.
    * any other code: that kpi_actuals code's value for the month (service group ignored);
      months with no value are omitted.

    ValueError for a built-in metric with no monthly series.
    """
    return monthly_series_many(db, [(code, start, end)], service_group)[0]


def monthly_series_many(db: Database, requests: Sequence[tuple[str, date, date]],
                        service_group: str | None = None) -> list[list[tuple[date, float]]]:
    """``monthly_series`` of several (code, start, end) requests, in request order, from ONE
    statement (each request's query as a ``UNION ALL`` branch with its own parameters), so a
    page of SPC charts costs one round trip. Same rules and errors as ``monthly_series``."""
    sg = _sg(service_group)
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, (code, start, end) in enumerate(requests):
        code = code.strip().upper()
        start, end = _norm_date(start), _norm_date(end)
        if start is None or end is None or end < start:
            continue
        if code in BUILT_IN_CODES and code not in SERIES_CODES:
            raise ValueError(f"{code} has no monthly series")
        p = {"start": start, "end": end, "first": _month_start(start),
             "last": _month_start(end), "sg": sg, "active": list(ACTIVE_STAGES), "code": code}
        sql = _filtered(_series_sql(code), sg is not None)
        params.update({f"r{i}_{k}": v for k, v in _bind(sql, p).items()})
        params[f"r{i}_idx"] = i
        parts.append(_PARAM.sub(lambda m, i=i: f"$r{i}_{m.group(1)}",
                                f"SELECT CAST($idx AS INTEGER) AS r, CAST(m AS DATE) AS month, "
                                f"CAST(v AS DOUBLE) AS value FROM ({sql}) AS t(m, v)"))
    out: list[list[tuple[date, float]]] = [[] for _ in requests]
    if parts:
        for r, month, value in db.rows(" UNION ALL ".join(parts) + " ORDER BY r, month",
                                       params):
            out[r].append((month, float(value)))
    return out


def _series_sql(code: str) -> str:
    """The query of one monthly series (columns month, value; see ``monthly_series``)."""
    if code == "TRAINED_STAFF":
        # Staff trained for the first time in their financial year in that month, so the
        # months of a year add up to the year's TRAINED_STAFF (someone trained in April
        # and again in May counts in April only).
        sql = f"""
            WITH firsts AS (
                SELECT staff_id, min(session_date) AS first_day
                FROM training WHERE attendance = 'Attended' AND {_SG_OWN}
                GROUP BY staff_id, year(session_date - INTERVAL 3 MONTH))
            SELECT m.month, count(f.staff_id)
            FROM (SELECT DISTINCT CAST(date_trunc('month', session_date) AS DATE) AS month
                  FROM training WHERE session_date BETWEEN $start AND $end) AS m
            LEFT JOIN firsts f ON CAST(date_trunc('month', f.first_day) AS DATE) = m.month
            GROUP BY 1 ORDER BY 1"""
    elif code == "TRAINING_DNA_RATE":
        sql = f"""
            SELECT CAST(date_trunc('month', session_date) AS DATE) AS month,
                   100.0 * count(*) FILTER (WHERE attendance = 'Did not attend') / count(*)
            FROM training
            WHERE session_date BETWEEN $start AND $end
              AND attendance IN ('Attended', 'Did not attend') AND {_SG_OWN}
            GROUP BY 1 ORDER BY 1"""
    elif code == "HIGHLIGHT_COMPLIANCE":
        sql = f"""
            WITH {_MONTHS},
            a AS (SELECT project_id, start_date FROM projects
                  WHERE list_contains($active, stage) AND {_SG_OWN}),
            first_report AS (SELECT min(report_date) AS d FROM status_reports)
            SELECT m.month,
                   100.0 * count(DISTINCT r.project_id) / count(DISTINCT a.project_id)
            FROM months m
            JOIN a ON a.start_date IS NULL OR a.start_date <= m.w_end
            LEFT JOIN status_reports r ON r.project_id = a.project_id
                 AND r.report_date BETWEEN m.w_end - 31 AND m.w_end
            WHERE m.w_end >= (SELECT d FROM first_report)
            GROUP BY m.month ORDER BY m.month"""
    elif code == "PROJECTS_SUPPORTED":
        sql = f"""
            WITH {_MONTHS},
            span AS (SELECT min(received_date) AS lo, max(received_date) AS hi
                     FROM service_requests),
            s AS (SELECT coalesce(project_id, 'request ' || request_id) AS pid,
                         coalesce(start_date, received_date) AS s_from, end_date AS s_to
                  FROM service_requests WHERE {_IMMERSIVE} AND {_SG_OWN})
            SELECT m.month, count(DISTINCT s.pid)
            FROM months m CROSS JOIN span
            LEFT JOIN s ON s.s_from <= m.w_end AND (s.s_to IS NULL OR s.s_to >= m.w_start)
            WHERE span.lo <= m.w_end AND span.hi >= m.w_start
            GROUP BY m.month ORDER BY m.month"""
    else:
        sql = """
            SELECT period, value FROM kpi_actuals
            WHERE upper(trim(kpi_code)) = $code AND period BETWEEN $first AND $end
              AND value IS NOT NULL
            ORDER BY period"""
    return sql


# --- helpers for the pages -----------------------------------------------------------------


def cumulative_trained_by_month(db: Database, fy: str, as_at: date | None = None,
                                service_group: str | None = None) -> pd.DataFrame:
    """Distinct staff trained so far in the FY, month by month, against the pro-rata target.

    Columns: ``month`` (first day, datetime64), ``trained_cumulative`` (distinct staff
    Attended from 1 April to the month's end, or to the as-at date in its month; each person
    counted once, in the month of their first attendance), ``pro_rata_target`` (annual target
    x k / 12 for the k-th month, i.e. where the line should be at that month's end; for a month
    still running at the evaluation date, TRAINED_STAFF's ``ytd_target``, so the chart, its
    caption and the tiles state one target; NaN without a target). One row per month from
    April to the as-at month; empty (with the columns) when TRAINED_STAFF has no data.
    """
    period = _period(fy, _resolve_as_at(db, as_at), service_group)
    trained = _evaluate(db, [period], (_BY_CODE["TRAINED_STAFF"],))[0]["TRAINED_STAFF"]
    if trained.value is None:
        return pd.DataFrame({"month": pd.Series(dtype="datetime64[us]"),
                             "trained_cumulative": pd.Series(dtype="int64"),
                             "pro_rata_target": pd.Series(dtype="float64")})
    firsts = dict(_rows(db, f"""
        SELECT CAST(date_trunc('month', first_date) AS DATE), count(*) FROM (
            SELECT staff_id, min(session_date) AS first_date FROM training
            WHERE attendance = 'Attended' AND session_date BETWEEN $start AND $at
              AND {_SG_OWN}
            GROUP BY staff_id)
        GROUP BY 1""", **period.params()))
    target = trained.target
    months, totals, targets = [], [], []
    running, month, k = 0, period.start, 0
    while month <= period.at:
        k += 1
        running += int(firsts.get(month, 0))
        months.append(month)
        totals.append(running)
        # where the line should be at the month's end; in a month still running at the
        # evaluation date, the catalogue's year-to-date target (whole months elapsed)
        part = month_end(month) > period.at
        targets.append(float("nan") if target is None else
                       (trained.ytd_target if part and trained.ytd_target is not None
                        else target * k / 12))
        month = month_end(month) + timedelta(days=1)
    return pd.DataFrame({"month": pd.to_datetime(months), "trained_cumulative": totals,
                         "pro_rata_target": pd.Series(targets, dtype="float64")})


@dataclass(frozen=True)
class TrainingForecast:
    """Run-rate forecast of staff trained by the FY's end.

    ``forecast = trained_to_date / elapsed_days x days_in_fy`` where elapsed_days counts
    1 April to the evaluation date inclusive (so 1 April is day 1) and days_in_fy is 365 or
    366. It assumes training continues at the year's average daily rate and ignores that
    people trained later may already be counted (so it slightly overstates). None when there is
    no training data for the FY (or it has not started). ``on_track``: forecast >= target.
    """

    fy: str
    as_at: date
    trained_to_date: int | None
    elapsed_days: int
    days_in_fy: int
    forecast: float | None
    target: float | None
    ytd_target: float | None
    on_track: bool | None


def training_forecast(db: Database, fy: str, as_at: date | None = None,
                      service_group: str | None = None) -> TrainingForecast:
    """The run-rate forecast of TRAINED_STAFF at the FY's end (see ``TrainingForecast``)."""
    period = _period(fy, _resolve_as_at(db, as_at), service_group)
    mv = _evaluate(db, [period], (_BY_CODE["TRAINED_STAFF"],))[0]["TRAINED_STAFF"]
    days = (period.end - period.start).days + 1
    elapsed = max(0, (period.at - period.start).days + 1)
    trained = None if mv.value is None else int(mv.value)
    forecast = None if trained is None or not elapsed else trained / elapsed * days
    on_track = None if forecast is None or mv.target is None else forecast >= mv.target
    return TrainingForecast(period.fy, period.at, trained, elapsed, days, forecast, mv.target,
                            mv.ytd_target, on_track)


#: Rank of each rated RAG value, worst first. Blue (complete) ranks above Green.
RAG_RANK: dict[str, int] = {rag: i for i, rag in enumerate(
    ("Red", "Amber/Red", "Amber", "Amber/Green", "Green", "Blue"))}


def rag_direction(from_rag: str, to_rag: str) -> str:
    """"better", "worse", "same" or "unknown" for a change of overall RAG.

    Order: Red < Amber/Red < Amber < Amber/Green < Green < Blue (Blue = complete/delivered,
    so Green -> Blue is better and a reopened Blue -> Green worse). A change to or from Not
    reported (or any unrated value) is "unknown": a missing report is neither better nor
    worse, it is missing.
    """
    if from_rag == to_rag:
        return "same"
    if from_rag not in RAG_RANK or to_rag not in RAG_RANK:
        return "unknown"
    return "better" if RAG_RANK[to_rag] > RAG_RANK[from_rag] else "worse"


def rag_changes(db: Database, as_at: date | None = None,
                service_group: str | None = None) -> pd.DataFrame:
    """Projects whose overall RAG changed between their own two latest reports on or before
    ``as_at`` (default: the latest data date). Each project is compared with itself, because
    projects report on different days; the dates are included so a page can hide old changes.

    Columns: project_id, project_name, service_group, stage, from_date, from_rag, to_date,
    to_rag, direction ("worse", "better", "unknown": see ``rag_direction``). Blank RAG is Not
    reported. Sorted worse first, then better, then unknown; newest change first. Projects not
    in the register are included (blank name) unless a service group is chosen.
    """
    at = _norm_date(as_at) or latest_data_date(db) or date.today()
    rows = _rows(db, f"""
        WITH ranked AS (
            SELECT project_id, report_date, coalesce(overall_rag, 'Not reported') AS rag,
                   row_number() OVER (PARTITION BY project_id ORDER BY report_date DESC) AS k
            FROM status_reports WHERE report_date <= $at AND {_SG_PROJECT}
            QUALIFY k <= 2)
        SELECT cur.project_id, p.project_name, p.service_group, p.stage,
               prev.report_date, prev.rag, cur.report_date, cur.rag
        FROM ranked cur
        JOIN ranked prev ON prev.project_id = cur.project_id AND prev.k = 2
        LEFT JOIN projects p ON p.project_id = cur.project_id
        WHERE cur.k = 1 AND cur.rag <> prev.rag""", at=at, sg=_sg(service_group))
    columns = ["project_id", "project_name", "service_group", "stage", "from_date", "from_rag",
               "to_date", "to_rag"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["direction"] = [rag_direction(f, t) for f, t in zip(frame["from_rag"],
                                                              frame["to_rag"], strict=True)]
    order = {"worse": 0, "better": 1, "unknown": 2}
    frame["_o"] = frame["direction"].map(order)
    frame["_d"] = pd.to_datetime(frame["to_date"])
    frame = frame.sort_values(["_o", "_d", "project_id"], ascending=[True, False, True])
    return frame.drop(columns=["_o", "_d"]).reset_index(drop=True)
