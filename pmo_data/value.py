"""PMO value: what the PMO spends its time on, and what its support goes with.

Why this module exists: PMO leads are asked to "demonstrate the value of the PMO". The honest
answer from the data already loaded has four parts, each a function here (no streamlit):

- ``effort``: PMO hours by service and by service group, by NHS quarter (Q1 Apr-Jun ...).
- ``demand``: requests received, started and closed, and the open backlog with its age.
- ``comparison``: projects the PMO supports against those it does not, side by side, with
  counts, with groups too small to compare withheld, and with the plain warning that this is
  an association, not proof that the support caused the difference.
- ``return_statement``: cash-releasing benefits realised by supported projects against the
  cost of PMO time (hours x an hourly cost setting whose default, ``afc_band7_hourly_cost``,
  is worked out in the open), with its caveats.
- ``training_reach``: staff trained by service group against the group's active projects,
  to show where "occasional project managers" run projects without training.

Definitions shared by every function:

- Window: FY start to ``at = min(as_at, FY end)`` (an FY not started by the as-at date has an
  empty window). Service group matching is case-insensitive, as in ``pmo_data.metrics``.
- Request status is free text in the service log; it is folded to lower case. Withdrawn:
  cancelled, canceled, declined, withdrawn, rejected. Closed: closed, complete, completed.
- **Supported project** (``SUPPORT_SERVICES``): the project_id appears in service_requests
  with service Immersive PM or Coaching, a status that is not withdrawn, and a start_date on
  or before ``at``. This, not ``projects.pmo_service``, is the signal used: the service log
  records support the PMO actually started (with dates and hours), while the register field is
  a label set when the project was registered, is free text, and is not kept up to date when
  support starts, ends or is declined. How often the two disagree is reported
  (``Comparison.register_disagreements``) so the choice can be checked.
- **Projects compared**: projects live in the year, i.e. stage Initiation, Planning, Delivery
  or Closure now (started on or before ``at``), or Closed with an actual end date in the window.
  Pipeline, On hold and Cancelled projects have no delivery to compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from pmo_data import fmt, freshness
from pmo_data.db import Database
from pmo_data.periods import is_part_period
from pmo_data.schema import ACTIVE_STAGES, SERVICE
from pmo_data.sqlparts import bind, fy_window, group_key, in_group

#: Services that count as hands-on PMO support of a project.
SUPPORT_SERVICES: tuple[str, ...] = ("Immersive PM", "Coaching")
#: Folded request statuses meaning the request was withdrawn (no support given).
WITHDRAWN_STATUSES: tuple[str, ...] = ("cancelled", "canceled", "declined", "withdrawn",
                                       "rejected")
#: Folded request statuses meaning the request is finished.
CLOSED_STATUSES: tuple[str, ...] = ("closed", "complete", "completed")
#: A group with fewer projects than this is not compared (its figures are withheld).
MIN_GROUP = 5
#: Days before the as-at date within which a highlight report counts as current.
REPORT_DAYS = 31
#: NHS financial-year quarters: label, first month, last month.
QUARTERS: tuple[tuple[str, int, int], ...] = (
    ("Q1 Apr-Jun", 4, 6), ("Q2 Jul-Sep", 7, 9), ("Q3 Oct-Dec", 10, 12), ("Q4 Jan-Mar", 1, 3))
#: Backlog age bands (label, lowest age in days, highest or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30 days", 0, 30), ("31-90 days", 31, 90), ("91-180 days", 91, 180),
    ("Over 180 days", 181, None))

ASSOCIATION_NOTE = (
    "This is an association, not proof of cause. The PMO chooses which projects to support "
    "(often the largest, riskiest or most troubled), so supported and unsupported projects "
    "differ in more ways than the support itself.")

SUPPORTED, UNSUPPORTED = "Supported", "Not supported"

SUPPORT_DEFINITION = (
    "Supported: the service log shows an Immersive PM or Coaching engagement for the project, "
    "not cancelled or declined, started on or before the as-at date (the log records support "
    "actually given; the register's PMO service field is a label that is not kept up to "
    "date). Compared: projects active now, or closed during the year.")


# --- shared helpers ------------------------------------------------------------------------

def _df(db: Database, sql: str, **params: Any) -> pd.DataFrame:
    return db.df(sql, bind(sql, params))


def _row(db: Database, sql: str, **params: Any) -> tuple[Any, ...]:
    rows = db.rows(sql, bind(sql, params))
    return rows[0] if rows else ()


@dataclass(frozen=True)
class Window:
    """The period a page looks at: FY start to ``at`` (= min(as_at, FY end))."""

    fy: str
    start: date
    end: date  # FY end
    at: date

    @property
    def empty(self) -> bool:
        """True when the FY had not started at the as-at date."""
        return self.at < self.start

    def quarters(self) -> list[tuple[str, date, date]]:
        """The FY's four quarters as (label, first day, last day)."""
        out = []
        for label, first, last in QUARTERS:
            year = self.start.year if first >= 4 else self.start.year + 1
            q_end = (date(year, last + 1, 1) - timedelta(days=1)) if last < 12 else date(
                year, 12, 31)
            out.append((label, date(year, first, 1), q_end))
        return out

    @property
    def running_quarter(self) -> str | None:
        """The label of the quarter still running at ``at`` (its figures are "to date"),
        None when ``at`` is a quarter's last day or outside the FY."""
        return next((label for label, first, last in self.quarters()
                     if is_part_period(first, last, self.at)), None)


def window(fy: str, as_at: date) -> Window:
    """The window for a financial year (``2025/26``) at an as-at date."""
    start, end, at = fy_window(fy, as_at)
    return Window(f"{start.year}/{(start.year + 1) % 100:02d}", start, end, at)


def _params(w: Window, service_group: str | None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "start": w.start, "end": w.end, "at": w.at, "sg": group_key(service_group),
        "withdrawn": list(WITHDRAWN_STATUSES), "closed": list(CLOSED_STATUSES),
        "active": list(ACTIVE_STAGES), "support": list(SUPPORT_SERVICES)}
    base.update(extra)
    return base


_STATUS = "lower(trim(coalesce(status, '')))"
#: Projects whose support started by $at (see the module docstring).
SUPPORTED_SQL = f"""
    SELECT DISTINCT project_id FROM service_requests
    WHERE project_id IS NOT NULL AND list_contains($support, service)
      AND NOT list_contains($withdrawn, {_STATUS})
      AND start_date IS NOT NULL AND start_date <= $at"""

def population_sql(service_group: str | None) -> str:
    """Projects live in the window, in the service group, with their supported flag."""
    return f"""
    SELECT p.project_id, p.stage, p.pmo_service,
           p.project_id IN ({SUPPORTED_SQL}) AS supported,
           list_contains($active, p.stage) AS active
    FROM projects p
    WHERE p.project_id IS NOT NULL AND {in_group(service_group, 'p.service_group').sql}
      AND ((list_contains($active, p.stage)
            AND (p.start_date IS NULL OR p.start_date <= $at))
           OR (p.stage = 'Closed' AND p.actual_end_date BETWEEN $start AND $at))"""


def _spread_sql(service_group: str | None, project_filter: str = "TRUE") -> str:
    """Hours of each request spread evenly over its days, clipped to each quarter of the window.

    A request's hours are a total with no timesheet, so they are spread evenly over the days
    from start_date (received_date if blank) to end_date (the as-at date while open; the start
    date for a closed or withdrawn request with no end date). Only days up to ``$at`` count.
    Returns one row per (request, quarter) with the hours falling in that quarter.
    """
    return f"""
    WITH req AS (
        SELECT request_id, project_id, service, service_group, hours,
               coalesce(start_date, received_date) AS s,
               greatest(coalesce(end_date,
                                 CASE WHEN list_contains($closed, {_STATUS})
                                        OR list_contains($withdrawn, {_STATUS})
                                      THEN coalesce(start_date, received_date) ELSE $at END),
                        coalesce(start_date, received_date)) AS e
        FROM service_requests
        WHERE hours IS NOT NULL AND hours > 0 AND {in_group(service_group).sql}
          AND ({project_filter})),
    q AS (SELECT unnest($q_label) AS quarter, unnest($q_start) AS qs,
                 unnest($q_end) AS qe, unnest($q_order) AS q_order),
    parts AS (
        SELECT r.*, q.quarter, q.q_order,
               greatest(r.s, q.qs, $start) AS o_s, least(r.e, q.qe, $at) AS o_e
        FROM req r CROSS JOIN q)
    SELECT request_id, project_id, service, service_group, quarter, q_order,
           hours * (datediff('day', o_s, o_e) + 1) / (datediff('day', s, e) + 1) AS hours
    FROM parts WHERE o_s <= o_e"""


def _quarter_params(w: Window) -> dict[str, Any]:
    qs = w.quarters()
    return {"q_label": [q[0] for q in qs], "q_start": [q[1] for q in qs],
            "q_end": [q[2] for q in qs], "q_order": list(range(1, len(qs) + 1))}


# --- effort --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effort:
    """PMO hours in the window, by quarter.

    ``by_service``: columns quarter, service, hours (services in vocabulary order; only
    non-zero cells). ``by_group``: quarter, service_group, hours. ``quarters``: the FY's four
    labels; ``quarters_started``: those that had begun by ``at`` (later ones have no data
    yet, which is not the same as zero hours). ``requests_without_hours``: requests live in
    the window (started, not withdrawn) whose hours are blank: their effort is missing.
    """

    window: Window
    by_service: pd.DataFrame
    by_group: pd.DataFrame
    total_hours: float
    quarters: tuple[str, ...]
    quarters_started: tuple[str, ...]
    requests_with_hours: int
    requests_without_hours: int


def effort(db: Database, fy: str, as_at: date, service_group: str | None = None) -> Effort:
    """PMO hours by service and by service group per NHS quarter (unit: hours).

    Formula: each request's ``hours`` are spread evenly over its days (see ``_spread_sql``)
    and summed per quarter; hours of withdrawn requests still count (the time was spent).
    Edge cases: an FY not started by ``as_at`` gives empty tables and 0 hours with no quarter
    started; requests with blank hours are counted in ``requests_without_hours``, not as 0.
    """
    w = window(fy, as_at)
    params = _params(w, service_group, **_quarter_params(w))
    spread = _spread_sql(service_group)
    own = in_group(service_group).sql
    by_service = _df(db, f"""
        SELECT quarter, service, sum(hours) AS hours FROM ({spread})
        GROUP BY quarter, q_order, service
        ORDER BY q_order, list_position($services, service), service""",
                     services=list(SERVICE.values), **params)
    by_group = _df(db, f"""
        SELECT quarter, coalesce(trim(service_group), 'Not recorded') AS service_group,
               sum(hours) AS hours
        FROM ({spread}) GROUP BY quarter, q_order, 2 ORDER BY q_order, 2""", **params)
    with_hours, without = _row(db, f"""
        SELECT count(*) FILTER (WHERE hours IS NOT NULL AND hours > 0),
               count(*) FILTER (WHERE hours IS NULL)
        FROM service_requests
        WHERE {own} AND NOT list_contains($withdrawn, {_STATUS})
          AND start_date IS NOT NULL AND start_date <= $at
          AND coalesce(end_date, $at) >= $start""", **params) or (0, 0)
    started = tuple(label for label, first, _ in w.quarters() if first <= w.at)
    return Effort(
        window=w, by_service=by_service, by_group=by_group,
        total_hours=float(by_service["hours"].sum()) if len(by_service) else 0.0,
        quarters=tuple(q[0] for q in w.quarters()), quarters_started=started,
        requests_with_hours=int(with_hours or 0), requests_without_hours=int(without or 0))


# --- demand and capacity -------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """Requests flowing through the PMO in the window, and the backlog at ``window.at``.

    ``flow``: columns quarter, measure (Received, Started, Closed), requests, one row per
    started quarter and measure (zeros included: the log covers those quarters).
    ``backlog_ages``: columns age_band, waiting, in_progress (every band, zeros included).
    """

    window: Window
    received: int
    started: int
    closed: int
    backlog: int
    backlog_waiting: int
    backlog_in_progress: int
    backlog_median_age_days: float | None
    backlog_oldest_days: int | None
    flow: pd.DataFrame
    backlog_ages: pd.DataFrame
    log_rows: int


def demand(db: Database, fy: str, as_at: date, service_group: str | None = None) -> Demand:
    """Demand against capacity: requests received, started and closed in the window, and the
    open backlog at ``at`` (unit: requests; age in days).

    Received: received_date in the window (every status: a declined request was demand).
    Started: start_date in the window. Closed: end_date in the window, status not withdrawn.
    Backlog at ``at``: received on or before ``at``, not withdrawn, not ended by ``at``, and not
    marked closed without an end date; *waiting* if not started by ``at``, else *in progress*.
    Age = ``at`` - received_date in days; median over the backlog (None when it is empty).
    The status is today's, so for a past as-at date a request withdrawn since then is missing
    from that day's backlog.
    """
    w = window(fy, as_at)
    params = _params(w, service_group, **_quarter_params(w))
    own = in_group(service_group).sql
    log_rows = int(_row(db, f"SELECT count(*) FROM service_requests WHERE {own}",
                        **params)[0])
    flow = _df(db, f"""
        WITH q AS (SELECT unnest($q_label) AS quarter, unnest($q_start) AS qs,
                          unnest($q_end) AS qe, unnest($q_order) AS q_order),
             r AS (SELECT * FROM service_requests WHERE {own}),
             m AS (SELECT unnest(['Received', 'Started', 'Closed']) AS measure,
                          unnest([1, 2, 3]) AS m_order)
        SELECT q.quarter, m.measure,
               (SELECT count(*) FROM r WHERE
                   CASE m.measure
                     WHEN 'Received' THEN r.received_date
                     WHEN 'Started' THEN r.start_date
                     ELSE CASE WHEN NOT list_contains($withdrawn, {_STATUS})
                               THEN r.end_date END
                   END BETWEEN greatest(q.qs, $start) AND least(q.qe, $at)) AS requests
        FROM q CROSS JOIN m
        WHERE q.qs <= $at AND $at >= $start
        ORDER BY q.q_order, m.m_order""", **params)
    flow["requests"] = flow["requests"].astype(int)
    totals = flow.groupby("measure")["requests"].sum() if len(flow) else pd.Series(dtype=int)
    backlog = _df(db, f"""
        SELECT datediff('day', received_date, $at) AS age,
               (start_date IS NULL OR start_date > $at) AS waiting
        FROM service_requests
        WHERE {own} AND received_date <= $at
          AND NOT list_contains($withdrawn, {_STATUS})
          AND NOT (end_date IS NOT NULL AND end_date <= $at)
          AND NOT (end_date IS NULL AND list_contains($closed, {_STATUS}))""", **params)
    ages = _df(db, f"""
        WITH b AS (
            SELECT datediff('day', received_date, $at) AS age,
                   (start_date IS NULL OR start_date > $at) AS waiting
            FROM service_requests
            WHERE {own} AND received_date <= $at
              AND NOT list_contains($withdrawn, {_STATUS})
              AND NOT (end_date IS NOT NULL AND end_date <= $at)
              AND NOT (end_date IS NULL AND list_contains($closed, {_STATUS}))),
             bands AS (SELECT unnest($b_label) AS age_band, unnest($b_lo) AS lo,
                              unnest($b_hi) AS hi, unnest($b_order) AS b_order)
        SELECT age_band,
               count(b.age) FILTER (WHERE b.waiting) AS waiting,
               count(b.age) FILTER (WHERE NOT b.waiting) AS in_progress
        FROM bands LEFT JOIN b ON b.age >= bands.lo AND (bands.hi IS NULL OR b.age <= bands.hi)
        GROUP BY age_band, b_order ORDER BY b_order""",
                **params, b_label=[b[0] for b in AGE_BANDS], b_lo=[b[1] for b in AGE_BANDS],
                b_hi=[b[2] for b in AGE_BANDS], b_order=list(range(len(AGE_BANDS))))
    for col in ("waiting", "in_progress"):
        ages[col] = ages[col].astype(int)
    n = len(backlog)
    return Demand(
        window=w,
        received=int(totals.get("Received", 0)), started=int(totals.get("Started", 0)),
        closed=int(totals.get("Closed", 0)), backlog=n,
        backlog_waiting=int(backlog["waiting"].sum()) if n else 0,
        backlog_in_progress=int((~backlog["waiting"].astype(bool)).sum()) if n else 0,
        backlog_median_age_days=float(backlog["age"].median()) if n else None,
        backlog_oldest_days=int(backlog["age"].max()) if n else None,
        flow=flow, backlog_ages=ages, log_rows=log_rows)


# --- supported against unsupported ---------------------------------------------------------


@dataclass(frozen=True)
class GroupOutcome:
    """Delivery outcomes of one group of projects in the window.

    When ``comparable`` is False (fewer than ``MIN_GROUP`` projects) every figure below
    ``projects`` is None and ``reason`` says why: small groups are withheld, not shown.
    Percentages are 0-100; None means nothing to measure (e.g. no milestone completed).
    """

    label: str
    projects: int
    comparable: bool
    reason: str | None
    milestones_completed: int | None = None
    milestones_on_time: int | None = None
    on_time_pct: float | None = None
    slippage_milestones: int | None = None
    median_slippage_days: float | None = None
    reports: int | None = None
    red_reports: int | None = None
    red_share_pct: float | None = None
    active_projects: int | None = None
    reporting_projects: int | None = None
    compliance_pct: float | None = None
    benefits_due_projects: int | None = None
    benefits_realised_gbp: float | None = None
    benefits_per_project_gbp: float | None = None


@dataclass(frozen=True)
class Comparison:
    """Supported against unsupported projects (see ``comparison``)."""

    window: Window
    supported: GroupOutcome
    unsupported: GroupOutcome
    register_disagreements: int
    note: str = ASSOCIATION_NOTE

    @property
    def comparable(self) -> bool:
        """True when both groups are large enough to set side by side."""
        return self.supported.comparable and self.unsupported.comparable


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else 100.0 * part / whole


def comparison(db: Database, fy: str, as_at: date,
               service_group: str | None = None) -> Comparison:
    """Projects the PMO supports against those it does not (see the module docstring for
    both definitions), side by side.

    Per group, over the window (the catalogue's definitions restricted to the group):

    - milestones on time: % of milestones with actual_date in the window and actual_date <=
      baseline_date (counts: on time / completed);
    - median slippage (days): median of (actual_date, or forecast_date while open) -
      baseline_date over milestones open at ``at`` or completed in the window; an open
      milestone without a forecast is left out;
    - Red or Amber/Red share: % of the group's highlight reports dated in the window (Not
      reported left out) whose overall_rag is Red or Amber/Red;
    - highlight-report compliance: % of the group's active projects with a report dated in
      the 31 days up to ``at``;
    - benefits realised per project (pounds): realised_value of Cash-releasing benefits with
      target_date in the FY (as BENEFITS_REALISED_GBP), summed over the group and divided by
      *all* the group's projects (a project with no benefit due counts as realising nothing
      in the year; ``benefits_due_projects`` says how many had one). None when no project in
      the group had a cash-releasing benefit due.

    A group with fewer than ``MIN_GROUP`` projects is withheld (figures None, with a reason).
    """
    w = window(fy, as_at)
    params = _params(w, service_group, since=w.at - timedelta(days=REPORT_DAYS))
    if w.empty:
        reason = f"{w.fy} had not started on {fmt.day(w.at)}."
        return Comparison(w, GroupOutcome(SUPPORTED, 0, False, reason),
                          GroupOutcome(UNSUPPORTED, 0, False, reason), 0)
    rows = _df(db, f"""
        WITH pop AS ({population_sql(service_group)}),
        ms AS (
            SELECT pop.supported,
                   count(*) FILTER (WHERE m.actual_date BETWEEN $start AND $at) AS done,
                   count(*) FILTER (WHERE m.actual_date BETWEEN $start AND $at
                                      AND m.actual_date <= m.baseline_date) AS on_time,
                   count(*) FILTER (WHERE slip IS NOT NULL) AS slip_n,
                   median(slip) AS slip_median
            FROM (SELECT *, CASE WHEN actual_date BETWEEN $start AND $at
                                   THEN datediff('day', baseline_date, actual_date)
                                 WHEN actual_date IS NULL OR actual_date > $at
                                   THEN datediff('day', baseline_date, forecast_date)
                            END AS slip
                  FROM milestones) m JOIN pop USING (project_id)
            GROUP BY pop.supported),
        rep AS (
            SELECT pop.supported, count(*) AS reports,
                   count(*) FILTER (WHERE r.overall_rag IN ('Red', 'Amber/Red')) AS red
            FROM status_reports r JOIN pop USING (project_id)
            WHERE r.report_date BETWEEN $start AND $at AND r.overall_rag <> 'Not reported'
            GROUP BY pop.supported),
        comp AS (
            SELECT pop.supported, count(*) AS active,
                   count(*) FILTER (WHERE pop.project_id IN (
                       SELECT project_id FROM status_reports
                       WHERE report_date BETWEEN $since AND $at)) AS reporting
            FROM pop WHERE pop.active GROUP BY pop.supported),
        ben AS (
            SELECT pop.supported, count(DISTINCT b.project_id) AS due_projects,
                   coalesce(sum(b.realised_value), 0) AS realised
            FROM benefits b JOIN pop USING (project_id)
            WHERE b.category = 'Cash-releasing' AND b.target_date BETWEEN $start AND $end
            GROUP BY pop.supported),
        grp AS (SELECT supported, count(*) AS projects,
                       count(*) FILTER (WHERE (lower(trim(coalesce(pmo_service, '')))
                                               IN ('immersive pm', 'coaching')) <> supported)
                           AS disagree
                FROM pop GROUP BY supported),
        sides AS (SELECT unnest([TRUE, FALSE]) AS supported)
        SELECT sides.supported, coalesce(grp.projects, 0) AS projects,
               coalesce(grp.disagree, 0) AS disagree,
               coalesce(ms.done, 0) AS done, coalesce(ms.on_time, 0) AS on_time,
               coalesce(ms.slip_n, 0) AS slip_n, ms.slip_median,
               coalesce(rep.reports, 0) AS reports, coalesce(rep.red, 0) AS red,
               coalesce(comp.active, 0) AS active, coalesce(comp.reporting, 0) AS reporting,
               coalesce(ben.due_projects, 0) AS due_projects, ben.realised
        FROM sides LEFT JOIN grp USING (supported) LEFT JOIN ms USING (supported)
             LEFT JOIN rep USING (supported) LEFT JOIN comp USING (supported)
             LEFT JOIN ben USING (supported)""", **params)
    by_side = {bool(r["supported"]): r for _, r in rows.iterrows()}
    groups = [_outcome(SUPPORTED, by_side[True]), _outcome(UNSUPPORTED, by_side[False])]
    return Comparison(w, groups[0], groups[1], int(rows["disagree"].sum()))


def _outcome(label: str, r: pd.Series) -> GroupOutcome:
    n = int(r["projects"])
    if n < MIN_GROUP:
        reason = (f"Withheld: only {n} project{'s' if n != 1 else ''} in this group, fewer than "
                  f"the {MIN_GROUP} needed for a fair comparison.")
        return GroupOutcome(label, n, False, reason)
    done, on_time = int(r["done"]), int(r["on_time"])
    reports, red = int(r["reports"]), int(r["red"])
    active, reporting = int(r["active"]), int(r["reporting"])
    realised = None if pd.isna(r["realised"]) else float(r["realised"])
    return GroupOutcome(
        label, n, True, None,
        milestones_completed=done, milestones_on_time=on_time, on_time_pct=_pct(on_time, done),
        slippage_milestones=int(r["slip_n"]),
        median_slippage_days=None if pd.isna(r["slip_median"]) else float(r["slip_median"]),
        reports=reports, red_reports=red, red_share_pct=_pct(red, reports),
        active_projects=active, reporting_projects=reporting,
        compliance_pct=_pct(reporting, active),
        benefits_due_projects=int(r["due_projects"]), benefits_realised_gbp=realised,
        benefits_per_project_gbp=None if realised is None else realised / n)


def _fmt_pct(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0f}%"


def _fmt_gbp(value: float | None) -> str:
    return "no data" if value is None else f"£{value:,.0f}"


def comparison_table(result: Comparison) -> pd.DataFrame:
    """The comparison as a display table: one row per measure, one column per group, each
    cell a figure with its counts ("62% (13 of 21)"); withheld groups read "Withheld"."""
    measures = ("Projects", "Milestones on time", "Median milestone slippage",
                "Reports Red or Amber/Red", "Highlight-report compliance",
                "Cash-releasing benefits realised", "Benefits realised per project")
    table: dict[str, list[str]] = {"Measure": list(measures)}
    for g in (result.supported, result.unsupported):
        if not g.comparable:
            table[g.label] = [str(g.projects)] + ["Withheld"] * (len(measures) - 1)
            continue
        slip = ("no data" if g.median_slippage_days is None
                else f"{g.median_slippage_days:+.0f} days ({g.slippage_milestones} milestones)")
        realised = ("no benefits due" if g.benefits_realised_gbp is None else
                    f"{_fmt_gbp(g.benefits_realised_gbp)} ({g.benefits_due_projects} of "
                    f"{g.projects} projects had benefits due)")
        per = ("no benefits due" if g.benefits_per_project_gbp is None else
               f"{_fmt_gbp(g.benefits_per_project_gbp)} (over all {g.projects} projects)")
        table[g.label] = [
            str(g.projects),
            f"{_fmt_pct(g.on_time_pct)} ({g.milestones_on_time} of {g.milestones_completed})",
            slip,
            f"{_fmt_pct(g.red_share_pct)} ({g.red_reports} of {g.reports} reports)",
            f"{_fmt_pct(g.compliance_pct)} ({g.reporting_projects} of {g.active_projects} "
            "active)",
            realised,
            per,
        ]
    return pd.DataFrame(table)


# --- return on PMO time --------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyCost:
    """The default hourly cost of PMO time and the arithmetic behind it (pounds)."""

    salary: float
    employer_ni: float
    employer_pension: float
    annual_cost: float
    hours_per_year: float
    hourly: float
    source: str
    arithmetic: str


#: NHS Agenda for Change 2025/26 (England) band 7 pay points, pounds a year (NHS Employers
#: pay scales, 3.6% award from 1 April 2025): entry, intermediate, top.
AFC_2025_26_BAND7: tuple[int, int, int] = (47_810, 50_273, 54_710)
EMPLOYER_NI_RATE = 0.15  # employer Class 1 NI from 6 April 2025
EMPLOYER_NI_THRESHOLD = 5_000  # secondary threshold, pounds a year, from 6 April 2025
EMPLOYER_PENSION_RATE = 0.237  # NHS Pension Scheme employer contribution from 1 April 2024
WEEKLY_HOURS = 37.5  # AfC full-time standard hours
WEEKS_PER_YEAR = 52.14  # 365.25 / 7, rounded as in AfC hourly-rate tables


def afc_band7_hourly_cost() -> HourlyCost:
    """Default hourly cost of PMO time: AfC 2025/26 band 7 mid pay point with on-costs.

    Assumptions (change the setting on the page if yours differ):

    - salary: the middle of band 7's three pay points, £50,273 (entry £47,810, top £54,710);
    - employer NI: 15% of salary above the £5,000 secondary threshold = 0.15 x 45,273 =
      £6,790.95;
    - employer pension: 23.7% of salary = £11,914.70 (the full employer rate, including the
      part paid centrally for trusts: this is the cost to the NHS);
    - annual cost = 50,273 + 6,790.95 + 11,914.70 = £68,978.65;
    - hours: paid hours, 37.5 h x 52.14 weeks = 1,955.25 h a year;
    - hourly = 68,978.65 / 1,955.25 = £35.28.

    Left out: apprenticeship levy, non-pay overheads, and the fact that leave, bank holidays
    and sickness are paid but not logged as PMO hours. Per productive hour the cost is higher
    (about a fifth higher after 29 days' leave and 8 bank holidays), so the default flatters
    the return; a cautious user raises the setting.
    """
    salary = float(AFC_2025_26_BAND7[1])
    ni = round(EMPLOYER_NI_RATE * (salary - EMPLOYER_NI_THRESHOLD), 2)
    pension = round(EMPLOYER_PENSION_RATE * salary, 2)
    annual = round(salary + ni + pension, 2)
    hours = WEEKLY_HOURS * WEEKS_PER_YEAR
    hourly = round(annual / hours, 2)
    return HourlyCost(
        salary=salary, employer_ni=ni, employer_pension=pension, annual_cost=annual,
        hours_per_year=hours, hourly=hourly,
        source=("NHS Agenda for Change 2025/26 band 7, middle pay point (£50,273), plus employer "
                "National Insurance (15% above £5,000) and NHS Pension employer contribution "
                "(23.7%), over paid hours (37.5 h x 52.14 weeks)."),
        arithmetic=(f"£{salary:,.0f} + £{ni:,.2f} NI + £{pension:,.2f} pension = "
                    f"£{annual:,.2f} a year; / {hours:,.2f} h = £{hourly:,.2f} an hour"),
    )


@dataclass(frozen=True)
class ReturnStatement:
    """Cash-releasing benefits realised by supported projects against the cost of PMO time.

    ``ratio``: pounds realised per pound of PMO time spent on those projects in the window;
    ``ratio_all``: the same benefits against the cost of *all* PMO hours in the window (a
    cautious reading: every hour of the service, not only the hands-on support). None where
    there is nothing to divide (no benefits due, or no hours logged).
    """

    window: Window
    supported_projects: int
    benefits_due_projects: int
    benefits_realised_gbp: float | None
    support_hours: float
    all_hours: float
    hourly_cost: float
    support_cost_gbp: float
    all_cost_gbp: float
    ratio: float | None
    ratio_all: float | None
    requests_without_hours: int
    caveats: tuple[str, ...]


def return_statement(db: Database, fy: str, as_at: date, service_group: str | None = None,
                     hourly_cost: float | None = None) -> ReturnStatement:
    """Return on PMO time (ratio, pounds realised per pound of PMO time).

    Benefits: realised_value of Cash-releasing benefits with target_date in the FY, of the
    supported projects compared in ``comparison``. Hours: PMO hours (any service, spread as in
    ``effort``) logged against those projects in the window. Cost = hours x ``hourly_cost``
    (default ``afc_band7_hourly_cost().hourly``). ratio = benefits / cost.
    """
    if hourly_cost is None:
        hourly_cost = afc_band7_hourly_cost().hourly
    if hourly_cost <= 0:
        raise ValueError("the hourly cost must be more than £0")
    w = window(fy, as_at)
    params = _params(w, service_group, **_quarter_params(w))
    pop = f"SELECT project_id FROM ({population_sql(service_group)}) WHERE supported"
    own = in_group(service_group).sql
    # one statement (four parts, one round trip): benefits, support hours, all hours, gaps
    n_supported, due, realised, support_hours, all_hours, missing = _row(db, f"""
        SELECT b.*,
               (SELECT coalesce(sum(hours), 0)
                FROM ({_spread_sql(service_group, f'project_id IN ({pop})')})) AS support_hours,
               (SELECT coalesce(sum(hours), 0) FROM ({_spread_sql(service_group)})) AS all_hours,
               (SELECT count(*) FROM service_requests
                WHERE hours IS NULL AND {own} AND NOT list_contains($withdrawn, {_STATUS})
                  AND start_date IS NOT NULL AND start_date <= $at
                  AND coalesce(end_date, $at) >= $start) AS missing
        FROM (SELECT (SELECT count(*) FROM ({pop})) AS n_supported,
                     count(DISTINCT project_id) AS due,
                     sum(coalesce(realised_value, 0)) AS realised
              FROM benefits
              WHERE category = 'Cash-releasing' AND target_date BETWEEN $start AND $end
                AND project_id IN ({pop})) AS b""", **params)
    if w.empty:
        n_supported, due, realised, support_hours, all_hours = 0, 0, None, 0.0, 0.0
    realised = None if realised is None or not due else float(realised)
    support_cost = float(support_hours) * hourly_cost
    all_cost = float(all_hours) * hourly_cost
    caveats = [
        ASSOCIATION_NOTE.split(". ")[0] + ": the benefits belong to the projects and their "
        "teams; PMO support is one contributor among many.",
        "Benefits are those due in the financial year; the support that helped deliver them "
        "may have been given in earlier years, and this year's support may pay off later.",
        "Realised values are reported by benefit owners and not audited here.",
        "Only cash-releasing benefits are counted; quality, safety and experience benefits "
        "have no pound value and are left out, so the ratio understates the value of support.",
        "PMO hours are those logged in the service log, spread evenly over each request's "
        "dates.",
        f"The hourly cost is a setting (£{hourly_cost:,.2f}); the default is paid hours, "
        "which understates the cost of a worked hour.",
    ]
    if missing:
        caveats.append(f"{missing} request{'s' if missing != 1 else ''} in the window "
                       "had no hours recorded, so the cost is understated.")
    if 0 < n_supported < MIN_GROUP:
        caveats.append(f"Only {n_supported} supported projects: a small base for a ratio.")
    return ReturnStatement(
        window=w, supported_projects=int(n_supported or 0), benefits_due_projects=int(due or 0),
        benefits_realised_gbp=realised, support_hours=float(support_hours),
        all_hours=float(all_hours), hourly_cost=float(hourly_cost),
        support_cost_gbp=support_cost, all_cost_gbp=all_cost,
        ratio=None if realised is None or not support_cost else realised / support_cost,
        ratio_all=None if realised is None or not all_cost else realised / all_cost,
        requests_without_hours=int(missing or 0), caveats=tuple(caveats))


def return_sentence(ret: ReturnStatement) -> str:
    """The return statement in one or two plain sentences (figures rounded)."""
    w = ret.window
    if ret.benefits_realised_gbp is None:
        return (f"No supported project had a cash-releasing benefit due in {w.fy}, so no "
                "return can be stated.")
    if ret.ratio is None:
        return (f"Supported projects realised £{ret.benefits_realised_gbp:,.0f} of cash-releasing "
                f"benefits due in {w.fy}, but no PMO hours were logged against them, so no "
                "ratio can be stated.")
    text = (f"Supported projects realised £{ret.benefits_realised_gbp:,.0f} of cash-releasing "
            f"benefits due in {w.fy}, against £{ret.support_cost_gbp:,.0f} of PMO time spent on "
            f"them up to {fmt.day(w.at)} ({ret.support_hours:,.0f} h at "
            f"£{ret.hourly_cost:,.2f}): £{ret.ratio:,.2f} for every £1.")
    if ret.ratio_all is not None:
        text += (f" Against all PMO time in the period (£{ret.all_cost_gbp:,.0f}, "
                 f"{ret.all_hours:,.0f} h) it is £{ret.ratio_all:,.2f} for every £1.")
    return text


# --- training's contribution ---------------------------------------------------------------


def training_reach(db: Database, fy: str, as_at: date,
                   service_group: str | None = None) -> pd.DataFrame:
    """Staff trained by service group against the group's active projects.

    Columns: service_group; active_projects (stage Initiation-Closure, started by ``at``);
    self_run_projects (active and not supported by the PMO: run by "occasional project
    managers"); trained_in_year (distinct staff_id Attended in the window); trained_to_date
    (distinct staff_id Attended on or before ``at``, any year); trained_per_self_run
    (trained_to_date / self_run_projects, None with no self-run projects); gap (True when
    fewer staff have been trained than there are self-run projects: at least one such project
    is likely run by someone untrained; staff and project managers cannot be matched because
    training records hold no names).

    Groups come from projects and training (training without a service group is
    "Not recorded"). Sorted by gap first, then trained_per_self_run ascending.
    """
    w = window(fy, as_at)
    params = _params(w, service_group)
    own = in_group(service_group).sql
    frame = _df(db, f"""
        WITH proj AS (
            SELECT trim(service_group) AS service_group,
                   count(*) AS active_projects,
                   count(*) FILTER (WHERE project_id NOT IN ({SUPPORTED_SQL}))
                       AS self_run_projects
            FROM projects
            WHERE list_contains($active, stage) AND (start_date IS NULL OR start_date <= $at)
              AND {own}
            GROUP BY 1),
        tr AS (
            SELECT coalesce(trim(service_group), 'Not recorded') AS service_group,
                   count(DISTINCT staff_id) FILTER (WHERE session_date >= $start)
                       AS trained_in_year,
                   count(DISTINCT staff_id) AS trained_to_date
            FROM training
            WHERE attendance = 'Attended' AND session_date <= $at AND {own}
            GROUP BY 1)
        SELECT coalesce(proj.service_group, tr.service_group) AS service_group,
               coalesce(proj.active_projects, 0) AS active_projects,
               coalesce(proj.self_run_projects, 0) AS self_run_projects,
               coalesce(tr.trained_in_year, 0) AS trained_in_year,
               coalesce(tr.trained_to_date, 0) AS trained_to_date
        FROM proj FULL OUTER JOIN tr ON lower(proj.service_group) = lower(tr.service_group)
        ORDER BY 1""", **params)
    for col in ("active_projects", "self_run_projects", "trained_in_year", "trained_to_date"):
        frame[col] = frame[col].astype(int)
    if w.empty:
        frame["trained_in_year"] = 0
    frame["trained_per_self_run"] = [
        None if s == 0 else t / s
        for t, s in zip(frame["trained_to_date"], frame["self_run_projects"], strict=True)]
    frame["gap"] = frame["trained_to_date"] < frame["self_run_projects"]
    frame["_per"] = frame["trained_per_self_run"].astype(float).fillna(float("inf"))
    frame = frame.sort_values(["gap", "_per", "service_group"],
                              ascending=[False, True, True]).drop(columns="_per")
    return frame.reset_index(drop=True)


def training_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``training_reach`` with display headings."""
    return pd.DataFrame({
        "Service group": frame["service_group"],
        "Active projects": frame["active_projects"],
        "Self-run projects": frame["self_run_projects"],
        "Staff trained this year": frame["trained_in_year"],
        "Staff trained to date": frame["trained_to_date"],
        "Trained staff per self-run project": frame["trained_per_self_run"].astype(float),
        "Training gap": ["Fewer trained staff than self-run projects" if g else ""
                         for g in frame["gap"]],
    })


def data_dates(db: Database, at: date) -> dict[str, date | None]:
    """The data date at ``at`` of each source this page reads (``pmo_data.freshness``),
    labelled for a freshness line."""
    return freshness.labelled(db, ("service_requests", "status_reports", "milestones",
                                   "training"), at)

