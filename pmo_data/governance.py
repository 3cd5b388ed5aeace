"""Governance questions a PMO board asks, answered from the imported registers.

Why this module exists: NHS PMOs say they struggle to answer five questions: what value
are we delivering (benefits), what could hurt us (risks and issues), what changed since
last month (portfolio history), which RAG reports can we trust (RAG integrity) and how
realistic are our estimates (planned against actual duration). Each function here answers
one part with one aggregate query in DuckDB (parameters bound, identifiers fixed) and
returns a small DataFrame or frozen dataclass the pages, the Overview and the board pack
share. No streamlit here.

Conventions: every function takes the read-only ``Database`` first and plain keyword
arguments (hashable, so ``ui.call`` can cache the result). ``service_group=None`` means
the whole trust. Columns are snake_case; ``LABELS`` maps them to the headings people read.
Missing data stays missing (NULL/NaN), never zero or Green.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from pmo_data import pages, populations
from pmo_data.db import Database
from pmo_data.periods import previous_report_date
from pmo_data.schema import ACTIVE_STAGES, RAG_ORDER
from pmo_data.sqlparts import any_group_or, bind, group_key

#: Headings for the snake_case columns returned here (``df.rename(columns=LABELS)``).
LABELS: dict[str, str] = {
    "benefit_id": "Benefit",
    "project_id": "Project",
    "project_name": "Project name",
    "service_group": "Service group",
    "strategic_shift": "Strategic shift",
    "description": "Description",
    "category": "Category",
    "measure": "Measure",
    "unit": "Unit",
    "baseline_value": "Baseline",
    "target_value": "Target",
    "realised_value": "Realised",
    "realised_pct": "Realised %",
    "target_date": "Target date",
    "owner": "Owner",
    "status": "Status",
    "benefits": "Benefits",
    "benefits_realised": "Realised (count)",
    "group": "Group",
    "financial_year": "Financial year",
    "missing": "Missing",
    "days_past_target": "Days past target",
    "raid_id": "Reference",
    "raid_type": "Type",
    "title": "Title",
    "likelihood": "Likelihood",
    "impact": "Impact",
    "score": "Score",
    "raised_date": "Raised",
    "review_date": "Review date",
    "days_past_review": "Days past review",
    "closed_date": "Closed",
    "mitigation": "Mitigation",
    "open": "Open",
    "closed": "Closed",
    "month": "Month",
    "raised": "Raised in month",
    "closed_in_month": "Closed in month",
    "open_at_month_end": "Open at month end",
    "stage": "Stage",
    "overall_rag": "Overall RAG",
    "report_date": "Latest report",
    "report_age_days": "Report age (days)",
    "overdue_milestones": "Overdue milestones",
    "worst_overdue_days": "Worst overdue (days)",
    "reasons": "Why flagged",
    "rules": "Rule",
    "end_slip_days": "Forecast end slip (days)",
    "very_high_risks": "Very high risks",
    "rag_before": "RAG before",
    "rag_after": "RAG after",
    "report_before": "Report before",
    "report_after": "Report after",
    "change": "Change",
    "start_date": "Start",
    "planned_end_date": "Planned end",
    "forecast_end_date": "Forecast end",
    "actual_end_date": "Actual end",
    "days_moved": "Days moved",
    "milestones": "Milestones",
    "days_overdue": "Days overdue",
    "pmo_service": "PMO service",
    "planned_days": "Planned duration (days)",
    "actual_days": "Actual duration (days)",
    "overrun_days": "Overrun (days)",
    "overrun_pct": "Overrun %",
    "projects": "Projects",
    "late_pct": "Finished late %",
    "median_overrun_days": "Median overrun (days)",
    "p80_overrun_days": "80th percentile overrun (days)",
    "median_overrun_pct": "Median overrun %",
    "p80_overrun_pct": "80th percentile overrun %",
    "p80_ratio": "80th percentile actual / planned",
    "link": "Open",
}

#: The page that shows one project in detail; it reads ``?project=<id>``.
PROJECT_PAGE = pages.by_key("portfolio").url_name

# Service groups match ignoring case and outer spaces (``sqlparts``); $sg is ``group_key``.
_GROUP_SQL = any_group_or("p.service_group")


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for showing people: columns renamed with ``LABELS``, dates as plain dates
    (no midnight time), booleans and everything else unchanged."""
    out = frame.rename(columns=LABELS)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = [None if pd.isna(v) else v.date() for v in out[col]]
    return out


def _df(db: Database, sql: str, params: dict[str, object]) -> pd.DataFrame:
    return db.df(sql, bind(sql, params))


def _rows(db: Database, sql: str, params: dict[str, object]) -> list[tuple[object, ...]]:
    return db.rows(sql, bind(sql, params))


def project_link(project_id: str) -> str:
    """Relative URL of a project's drill-down: ``portfolio?project=<id>`` (URL-encoded).

    Relative (no leading slash), so it also works when the app is served under a path.
    """
    return pages.project_link(project_id)


def with_project_links(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with a ``link`` column (see ``project_link``) from ``project_id``."""
    out = frame.copy()
    out["link"] = [project_link(p) for p in out["project_id"]] if len(out) else []
    return out


# --- benefits ---------------------------------------------------------------------------

#: Benefit statuses that mean the benefit has been realised (compared in lower case).
REALISED_STATUSES = ("realised", "realized", "achieved", "complete", "completed", "delivered")
#: Benefit statuses that mean nobody expects it any more (never "overdue").
WITHDRAWN_STATUSES = ("withdrawn", "cancelled", "canceled", "not pursued")

# A benefit's unit: as written, "£" for pound spellings, "£" when a cash-releasing benefit
# leaves it blank (the contract says its values are pounds), else "Not stated".
_UNIT_SQL = """
    CASE
      WHEN lower(trim(b.unit)) IN ('£', 'gbp', 'pounds', 'pound') THEN '£'
      WHEN nullif(trim(b.unit), '') IS NOT NULL THEN trim(b.unit)
      WHEN b.category = 'Cash-releasing' THEN '£'
      ELSE 'Not stated'
    END"""
# Share of the planned change achieved, %: (realised - baseline) / (target - baseline) x 100,
# so a reduction (target below baseline) works too; realised / target x 100 when there is
# no baseline and the target is positive; NULL when it cannot be worked out.
_PROGRESS_SQL = """
    CASE
      WHEN b.realised_value IS NULL OR b.target_value IS NULL THEN NULL
      WHEN b.baseline_value IS NOT NULL AND b.target_value <> b.baseline_value
        THEN 100.0 * (b.realised_value - b.baseline_value) / (b.target_value - b.baseline_value)
      WHEN b.baseline_value IS NULL AND b.target_value > 0
        THEN 100.0 * b.realised_value / b.target_value
    END"""
_STATUS_SQL = "lower(trim(coalesce(b.status, '')))"
_REALISED_SQL = (
    f"({_STATUS_SQL} IN (" + ", ".join(f"'{s}'" for s in REALISED_STATUSES) + ")"
    f" OR coalesce(({_PROGRESS_SQL}) >= 100, FALSE))"
)
_WITHDRAWN_SQL = f"({_STATUS_SQL} IN (" + ", ".join(f"'{s}'" for s in WITHDRAWN_STATUSES) + "))"
_BENEFITS_FROM = f"""
    FROM benefits b LEFT JOIN projects p USING (project_id)
    WHERE {_GROUP_SQL}"""


@dataclass(frozen=True)
class BenefitOptions:
    """Values the benefits filters offer (sorted; units most-used first, "£" first)."""

    categories: tuple[str, ...]
    projects: tuple[str, ...]
    statuses: tuple[str, ...]
    units: tuple[str, ...]


def benefit_options(db: Database, service_group: str | None = None) -> BenefitOptions:
    """The categories, project ids, statuses and units present in the benefits register."""
    params = {"sg": group_key(service_group)}
    cats = _rows(db, f"SELECT DISTINCT b.category {_BENEFITS_FROM} ORDER BY 1", params)
    projs = _rows(db, f"SELECT DISTINCT b.project_id {_BENEFITS_FROM} ORDER BY 1", params)
    stats = _rows(db, f"SELECT DISTINCT b.status {_BENEFITS_FROM} AND b.status IS NOT NULL "
                    "ORDER BY 1", params)
    units = _rows(db, f"SELECT {_UNIT_SQL} AS u, count(*) AS n {_BENEFITS_FROM} GROUP BY u "
                    "ORDER BY (u = '£') DESC, n DESC, u", params)
    return BenefitOptions(tuple(r[0] for r in cats), tuple(r[0] for r in projs),
                          tuple(r[0] for r in stats), tuple(r[0] for r in units))


def benefits_register(
    db: Database,
    service_group: str | None = None,
    category: str | None = None,
    project_id: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The benefits register joined to the project register, filtered.

    ``realised_pct`` = the share of the planned change achieved, %:
    (realised - baseline) / (target - baseline) x 100, so reductions count the right way;
    realised / target x 100 when there is no baseline and the target is positive; NaN when
    it cannot be worked out. ``unit`` is normalised ("£" for pounds; blank means "£"
    for cash-releasing benefits, else "Not stated"). Ordered by project then benefit.
    """
    return _df(
        db,
        f"""
        SELECT b.benefit_id, b.project_id, p.project_name, p.service_group,
               p.strategic_shift, b.description, b.category, b.measure,
               {_UNIT_SQL} AS unit, b.baseline_value, b.target_value, b.realised_value,
               round({_PROGRESS_SQL}, 1) AS realised_pct,
               b.target_date, b.owner, b.status
        {_BENEFITS_FROM}
          AND ($cat IS NULL OR b.category = $cat)
          AND ($pid IS NULL OR b.project_id = $pid)
          AND ($st IS NULL OR b.status = $st)
        ORDER BY b.project_id, b.benefit_id
        """,
        {"sg": group_key(service_group), "cat": category, "pid": project_id, "st": status},
    )


@dataclass(frozen=True)
class BenefitTotals:
    """Headline numbers of the benefits register (for tiles).

    ``benefits``: every benefit; ``realised``: realised ones (see ``benefits_overdue``);
    ``cash_target`` / ``cash_realised``: sums over Cash-releasing benefits, pounds (None
    when there are none, or none has a realised value); ``overdue``: past target date and
    not realised at ``as_at``.
    """

    benefits: int
    realised: int
    cash_target: float | None
    cash_realised: float | None
    overdue: int


def benefit_totals(db: Database, as_at: date, service_group: str | None = None
                   ) -> BenefitTotals:
    """The register's headline numbers at ``as_at`` (see ``BenefitTotals``)."""
    n, realised, target, cash, overdue = _rows(
        db,
        f"""
        SELECT count(*), count(*) FILTER (WHERE {_REALISED_SQL}),
               sum(b.target_value) FILTER (WHERE b.category = 'Cash-releasing'),
               sum(b.realised_value) FILTER (WHERE b.category = 'Cash-releasing'),
               count(*) FILTER (WHERE b.target_date < CAST($as_at AS DATE)
                                AND NOT {_REALISED_SQL} AND NOT {_WITHDRAWN_SQL})
        {_BENEFITS_FROM}
        """,
        {"sg": group_key(service_group), "as_at": as_at},
    )[0]
    return BenefitTotals(int(n), int(realised), None if target is None else float(target),
                         None if cash is None else float(cash), int(overdue))


BenefitsBy = Literal["category", "project", "service_group", "strategic_shift"]
_BY_SQL: dict[str, str] = {
    "category": "b.category",
    "project": "b.project_id || coalesce(' ' || p.project_name, '')",
    "service_group": "coalesce(p.service_group, 'Project not in register')",
    "strategic_shift": "coalesce(p.strategic_shift, 'No shift recorded')",
}


def benefits_by(
    db: Database,
    by: BenefitsBy = "category",
    service_group: str | None = None,
    unit: str = "£",
) -> pd.DataFrame:
    """Planned (target) against realised per category, project, service group or strategic
    shift ("No shift recorded" when blank).

    Columns: group; benefits and benefits_realised (counts over every unit; realised as
    in ``benefits_overdue``); target_value and realised_value (sums over the benefits in
    ``unit`` only, since values in different units cannot be added; NaN when the group
    has none in that unit, or none with a realised value); realised_pct = realised sum /
    target sum x 100 (NaN when the target sum is not positive). Largest target first.
    """
    if by not in _BY_SQL:
        raise ValueError(f"by must be one of {', '.join(_BY_SQL)}")
    in_unit = f"{_UNIT_SQL} = $unit"
    return _df(
        db,
        f"""
        SELECT {_BY_SQL[by]} AS "group", count(*)::INT AS benefits,
               count(*) FILTER (WHERE {_REALISED_SQL})::INT AS benefits_realised,
               sum(b.target_value) FILTER (WHERE {in_unit}) AS target_value,
               sum(b.realised_value) FILTER (WHERE {in_unit}) AS realised_value,
               round(100.0 * sum(b.realised_value) FILTER (WHERE {in_unit})
                     / nullif(greatest(sum(b.target_value) FILTER (WHERE {in_unit}), 0), 0), 1)
                   AS realised_pct
        {_BENEFITS_FROM}
        GROUP BY 1 ORDER BY target_value DESC NULLS LAST, benefits DESC, 1
        """,
        {"sg": group_key(service_group), "unit": unit},
    )


def cash_releasing_by_fy(db: Database, service_group: str | None = None) -> pd.DataFrame:
    """Cash-releasing benefits by the NHS financial year of their target date.

    Columns: financial_year ("2025/26"; "No target date" last), benefits, target_value
    and realised_value (sums, pounds; realised NaN when none recorded).
    """
    return _df(
        db,
        f"""
        WITH b1 AS (
            SELECT b.target_date,
                   year(b.target_date) - CASE WHEN month(b.target_date) < 4 THEN 1 ELSE 0 END
                       AS fy_start,
                   b.target_value, b.realised_value
            {_BENEFITS_FROM} AND b.category = 'Cash-releasing'),
        b2 AS (
            SELECT CASE WHEN target_date IS NULL THEN 'No target date'
                        ELSE printf('%d/%02d', fy_start, (fy_start + 1) % 100)
                   END AS financial_year, target_value, realised_value
            FROM b1)
        SELECT financial_year, count(*) AS benefits, sum(target_value) AS target_value,
               sum(realised_value) AS realised_value
        FROM b2 GROUP BY 1 ORDER BY (financial_year = 'No target date'), 1
        """,
        {"sg": group_key(service_group)},
    )


def benefits_map(db: Database, service_group: str | None = None,
                 unit: str | None = "£") -> pd.DataFrame:
    """The flows of the benefits map: strategic shift -> project -> benefit category.

    One row per (shift, project, category) with benefits (count) and target_value (sum of
    positive targets in ``unit``; benefits with a missing or non-positive target are
    counted but add no value). A project with no shift recorded shows "No shift recorded".
    With ``unit=None`` every benefit is included (size the map by count then).
    """
    return _df(
        db,
        f"""
        SELECT coalesce(p.strategic_shift, 'No shift recorded') AS strategic_shift,
               b.project_id, coalesce(p.project_name, b.project_id) AS project_name,
               b.category, count(*) AS benefits,
               coalesce(sum(CASE WHEN b.target_value > 0 THEN b.target_value END), 0)
                   AS target_value
        {_BENEFITS_FROM} AND ($unit IS NULL OR {_UNIT_SQL} = $unit)
        GROUP BY ALL ORDER BY 1, 2, 4
        """,
        {"sg": group_key(service_group), "unit": unit},
    )


def benefits_missing_fields(db: Database, service_group: str | None = None) -> pd.DataFrame:
    """Benefits lacking a baseline value, a measure, an owner or a target date.

    ``missing`` lists what is absent ("baseline, owner"). Blank text counts as absent.
    """
    return _df(
        db,
        f"""
        WITH m AS (
            SELECT b.benefit_id, b.project_id, p.project_name, p.service_group, b.description,
                   b.category, b.owner, b.target_date,
                   concat_ws(', ',
                     CASE WHEN b.baseline_value IS NULL THEN 'baseline' END,
                     CASE WHEN nullif(trim(b.measure), '') IS NULL THEN 'measure' END,
                     CASE WHEN nullif(trim(b.owner), '') IS NULL THEN 'owner' END,
                     CASE WHEN b.target_date IS NULL THEN 'target date' END) AS missing
            {_BENEFITS_FROM})
        SELECT * FROM m WHERE missing <> '' ORDER BY project_id, benefit_id
        """,
        {"sg": group_key(service_group)},
    )


def benefits_overdue(db: Database, as_at: date, service_group: str | None = None
                     ) -> pd.DataFrame:
    """Benefits past their target date (target_date < as_at) and not realised.

    Realised means a status in ``REALISED_STATUSES`` or a realised_pct (see
    ``benefits_register``) of at least 100. Withdrawn benefits (``WITHDRAWN_STATUSES``)
    are not listed. ``days_past_target`` = as_at - target_date. Oldest first.
    """
    return _df(
        db,
        f"""
        SELECT b.benefit_id, b.project_id, p.project_name, p.service_group, b.description,
               b.category, b.owner, b.target_date, b.target_value, b.realised_value, b.status,
               CAST($as_at AS DATE) - b.target_date AS days_past_target
        {_BENEFITS_FROM} AND b.target_date < CAST($as_at AS DATE)
          AND NOT {_REALISED_SQL} AND NOT {_WITHDRAWN_SQL}
        ORDER BY b.target_date, b.benefit_id
        """,
        {"sg": group_key(service_group), "as_at": as_at},
    )


# --- risks and issues -------------------------------------------------------------------

_RAID_FROM = f"FROM raid r LEFT JOIN projects p USING (project_id) WHERE {_GROUP_SQL}"
#: "No date given": every item open today counts, whenever it was raised.
_FAR_FUTURE = date(9999, 12, 31)


@dataclass(frozen=True)
class RiskMatrix:
    """Open risks on the 5x5 grid.

    ``cells``: 25 rows (likelihood 1-5 x impact 1-5) with count and score = L x I.
    ``unscored``: open risks lacking a likelihood or an impact (not on the grid).
    """

    cells: pd.DataFrame
    unscored: int

    @property
    def total(self) -> int:
        """Open risks on the grid."""
        return int(self.cells["count"].sum())


def risk_matrix(db: Database, service_group: str | None = None, as_at: date | None = None
                ) -> RiskMatrix:
    """Counts of risks open at ``as_at`` (``pmo_data.populations.open_raid``; None: open
    today, whenever raised) per likelihood and impact."""
    cells = _df(
        db,
        f"""
        WITH grid AS (
            SELECT l AS likelihood, i AS impact FROM range(1, 6) a(l), range(1, 6) b(i)),
        open_risks AS (
            SELECT r.likelihood, r.impact {_RAID_FROM}
              AND r.raid_type = 'Risk' AND {populations.open_raid("r.")}
              AND r.likelihood IS NOT NULL AND r.impact IS NOT NULL)
        SELECT g.likelihood::INT AS likelihood, g.impact::INT AS impact,
               (g.likelihood * g.impact)::INT AS score, count(o.likelihood)::INT AS count
        FROM grid g LEFT JOIN open_risks o
          ON o.likelihood = g.likelihood AND o.impact = g.impact
        GROUP BY ALL ORDER BY 1, 2
        """,
        {"sg": group_key(service_group), "at": as_at or _FAR_FUTURE},
    )
    unscored = _rows(
        db,
        f"SELECT count(*) {_RAID_FROM} AND r.raid_type = 'Risk' "
        f"AND {populations.open_raid('r.')} AND (r.likelihood IS NULL OR r.impact IS NULL)",
        {"sg": group_key(service_group), "at": as_at or _FAR_FUTURE},
    )[0][0]
    return RiskMatrix(cells, int(unscored or 0))


@dataclass(frozen=True)
class RaidTotals:
    """Headline numbers of the RAID log (for tiles): open risks, of which very high
    (score >= 15, as OPEN_HIGH_RISKS) and unscored; open issues; open items of any type
    past their review date at ``as_at``."""

    open_risks: int
    very_high_risks: int
    unscored_risks: int
    open_issues: int
    past_review: int


def raid_totals(db: Database, as_at: date, service_group: str | None = None) -> RaidTotals:
    """The RAID log's headline numbers (see ``RaidTotals``)."""
    row = _rows(
        db,
        f"""
        SELECT count(*) FILTER (WHERE r.raid_type = 'Risk'),
               count(*) FILTER (WHERE r.raid_type = 'Risk' AND {populations.very_high("r.")}),
               count(*) FILTER (WHERE r.raid_type = 'Risk'
                                AND (r.likelihood IS NULL OR r.impact IS NULL)),
               count(*) FILTER (WHERE r.raid_type = 'Issue'),
               count(*) FILTER (WHERE r.review_date < CAST($at AS DATE))
        {_RAID_FROM} AND {populations.open_raid("r.")}
        """,
        {"sg": group_key(service_group), "at": as_at},
    )[0]
    return RaidTotals(*(int(v) for v in row))


_RISK_COLUMNS = """r.raid_id, r.project_id, p.project_name, p.service_group, r.title,
    r.likelihood, r.impact, r.likelihood * r.impact AS score, r.owner, r.raised_date,
    r.review_date, r.mitigation"""


def open_risks(
    db: Database,
    service_group: str | None = None,
    likelihood: int | None = None,
    impact: int | None = None,
    limit: int | None = None,
    as_at: date | None = None,
) -> pd.DataFrame:
    """Risks open at ``as_at`` (None: open today), highest score first (unscored last);
    optionally one cell of the grid.

    score = likelihood x impact (NaN when either is missing). ``limit`` keeps the top n.
    """
    return _df(
        db,
        f"""
        SELECT {_RISK_COLUMNS} {_RAID_FROM}
          AND r.raid_type = 'Risk' AND {populations.open_raid("r.")}
          AND ($l IS NULL OR r.likelihood = $l) AND ($i IS NULL OR r.impact = $i)
        ORDER BY score DESC NULLS LAST, r.impact DESC NULLS LAST, r.raid_id
        LIMIT $lim
        """,
        {"sg": group_key(service_group), "l": likelihood, "i": impact, "at": as_at or _FAR_FUTURE,
         "lim": 1_000_000 if limit is None else int(limit)},
    )


def raid_past_review(db: Database, as_at: date, service_group: str | None = None
                     ) -> pd.DataFrame:
    """RAID items (any type) open at ``as_at`` whose review date is before it.

    ``days_past_review`` = as_at - review_date. Most overdue first. Items without a
    review date are not listed here (they are not "past" a date they do not have).
    """
    return _df(
        db,
        f"""
        SELECT r.raid_id, r.raid_type, r.project_id, p.project_name, p.service_group, r.title,
               r.likelihood * r.impact AS score, r.owner, r.review_date,
               CAST($at AS DATE) - r.review_date AS days_past_review
        {_RAID_FROM} AND {populations.open_raid("r.")} AND r.review_date < CAST($at AS DATE)
        ORDER BY r.review_date, r.raid_id
        """,
        {"sg": group_key(service_group), "at": as_at},
    )


def issues_by(db: Database, by: Literal["project", "service_group"] = "project",
              service_group: str | None = None, as_at: date | None = None) -> pd.DataFrame:
    """Issues (raid_type Issue) raised by ``as_at`` (None: all) per project or service
    group: open (``populations.open_raid``) and closed counts.

    Columns: group, open, closed. Ordered by open issues, most first.
    """
    expr = {"project": "r.project_id || coalesce(' ' || p.project_name, '')",
            "service_group": "coalesce(p.service_group, 'Project not in register')"}.get(by)
    if expr is None:
        raise ValueError("by must be 'project' or 'service_group'")
    return _df(
        db,
        f"""
        SELECT {expr} AS "group",
               count(*) FILTER (WHERE {populations.open_raid("r.")})::INT AS open,
               count(*) FILTER (WHERE r.status = 'Closed')::INT AS closed
        {_RAID_FROM} AND r.raid_type = 'Issue'
          AND (r.raised_date IS NULL OR r.raised_date <= CAST($at AS DATE))
        GROUP BY 1 ORDER BY open DESC, closed DESC, 1
        """,
        {"sg": group_key(service_group), "at": as_at or _FAR_FUTURE},
    )


@dataclass(frozen=True)
class RaidTrend:
    """RAID items raised, closed and open per month.

    ``table``: month (first day), raised, closed_in_month, open_at_month_end (raised by
    the month's end and not closed by then). ``undated_closed``: closed items with no
    closed date (left out of the open counts: when they closed is unknown).
    ``undated_raised``: items with no raised date (left out entirely).
    """

    table: pd.DataFrame
    undated_closed: int
    undated_raised: int


def raid_trend(
    db: Database,
    as_at: date,
    service_group: str | None = None,
    raid_type: str | None = None,
    months: int = 24,
) -> RaidTrend:
    """Monthly raised / closed / open-at-month-end counts for the ``months`` months up to
    and including the month of ``as_at`` (the last month ends at ``as_at``). ``raid_type``
    None counts every type."""
    params = {"sg": group_key(service_group), "t": raid_type, "as_at": as_at, "n": int(months) - 1}
    table = _df(
        db,
        f"""
        WITH items AS (
            SELECT r.raised_date, r.closed_date, r.status {_RAID_FROM}
              AND ($t IS NULL OR r.raid_type = $t) AND r.raised_date IS NOT NULL
              AND NOT (r.status = 'Closed' AND r.closed_date IS NULL)),
        months AS (
            SELECT CAST(m AS DATE) AS month,
                   least(CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE),
                         CAST($as_at AS DATE)) AS month_end
            FROM generate_series(
                date_trunc('month', CAST($as_at AS DATE)) - to_months($n),
                date_trunc('month', CAST($as_at AS DATE)), INTERVAL 1 MONTH) t(m))
        SELECT m.month, any_value(m.month_end) AS month_end,
               count(*) FILTER (WHERE date_trunc('month', i.raised_date) = m.month
                                AND i.raised_date <= m.month_end)::INT AS raised,
               count(*) FILTER (WHERE date_trunc('month', i.closed_date) = m.month
                                AND i.closed_date <= m.month_end)::INT AS closed_in_month,
               count(*) FILTER (WHERE i.raised_date <= m.month_end
                                AND (i.closed_date IS NULL OR i.closed_date > m.month_end)
                               )::INT AS open_at_month_end
        FROM months m LEFT JOIN items i ON i.raised_date <= m.month_end
        GROUP BY m.month ORDER BY m.month
        """,
        params,
    )
    undated_closed, undated_raised = _rows(
        db,
        f"""
        SELECT count(*) FILTER (WHERE r.status = 'Closed' AND r.closed_date IS NULL
                                AND r.raised_date IS NOT NULL),
               count(*) FILTER (WHERE r.raised_date IS NULL)
        {_RAID_FROM} AND ($t IS NULL OR r.raid_type = $t)
        """,
        params,
    )[0]
    return RaidTrend(table, int(undated_closed), int(undated_raised))


# --- RAG integrity ----------------------------------------------------------------------


#: The RAG-integrity rules, in the order their reasons are written: (key, name people read).
INTEGRITY_RULES: tuple[tuple[str, str], ...] = (
    ("end_flag", "Forecast end late"),
    ("milestone_flag", "Milestone late"),
    ("stale_report_flag", "Stale report"),
    ("risk_flag", "Very high risks open"),
)


#: The settings of ``rag_integrity`` and their defaults (the pages' inputs start here).
INTEGRITY_DEFAULTS: dict[str, int] = {
    "forecast_end_days": 30,
    "milestone_overdue_days": 30,
    "report_max_age_days": 31,
    "very_high_risks_allowed": 0,
}


def integrity_rules_text(settings: dict[str, int] | None = None) -> str:
    """One sentence naming each RAG-integrity rule with its threshold, for a caption: the
    ``INTEGRITY_DEFAULTS`` overridden by ``settings``."""
    s = {**INTEGRITY_DEFAULTS, **(settings or {})}
    return ("Active projects reporting Green or Amber/Green are flagged when: "
            f"Forecast end late (forecast end more than {s['forecast_end_days']} days past the "
            f"planned end); Milestone late (an open milestone forecast or overdue more than "
            f"{s['milestone_overdue_days']} days past its baseline); Stale report (latest "
            f"report more than {s['report_max_age_days']} days old); Very high risks open "
            f"(open risks scoring {populations.VERY_HIGH_SCORE} or more: more than "
            f"{s['very_high_risks_allowed']}).")


def rag_integrity(
    db: Database,
    as_at: date,
    service_group: str | None = None,
    *,
    milestone_overdue_days: int = 30,
    report_max_age_days: int = 31,
    forecast_end_days: int = 30,
    very_high_risks_allowed: int = 0,
) -> pd.DataFrame:
    """Active projects whose latest RAG says all is well while the evidence disagrees
    (the "watermelon": green outside, red inside).

    A project is considered when it is active at ``as_at`` (``pmo_data.populations``) and
    its latest highlight report dated on or before ``as_at`` has overall_rag Green or
    Amber/Green. It is flagged when any rule fires (each is a setting; a value exactly at
    the threshold does not fire, one over does):

    - **Forecast end late** (``end_flag``): forecast end - planned (baseline) end >
      ``forecast_end_days`` days (the register's current forecast; no forecast: no flag).
    - **Milestone late** (``milestone_flag``): a milestone with no actual date on or before
      ``as_at`` whose slip, max(forecast date, as_at) - baseline date (forecast blank: as_at
      - baseline), is more than ``milestone_overdue_days`` days: overdue now, or forecast to
      be that late.
    - **Stale report** (``stale_report_flag``): as_at - latest report date >
      ``report_max_age_days`` days (31 matches HIGHLIGHT_COMPLIANCE).
    - **Very high risks open** (``risk_flag``): more than ``very_high_risks_allowed`` open
      very high risks (``populations.open_raid`` and ``populations.very_high``, Risk type)
      at ``as_at``. The default 0 flags any: a red-zone risk under a Green report is worth
      a question at the board.

    Projects with no report are not flagged here (they show as Not reported, never Green).

    Returns one row per flagged project, worst first (largest slip in days, forecast end or
    milestone, then oldest report, then most very high risks): project_id, project_name,
    service_group, stage, overall_rag, rules (the names of the rules that fired, "; "),
    reasons (one readable sentence per rule, "; "), report_date, report_age_days,
    end_slip_days (NA without a forecast), overdue_milestones (count),
    worst_overdue_days (NA if none), very_high_risks (count), and the four rule flags
    (bools, ``INTEGRITY_RULES``).
    """
    names = dict(INTEGRITY_RULES)
    return _df(
        db,
        f"""
        WITH latest AS (
            SELECT project_id, max(report_date) AS report_date,
                   arg_max(overall_rag, report_date) AS overall_rag
            FROM status_reports WHERE report_date <= CAST($as_at AS DATE) GROUP BY project_id),
        open_ms AS (
            SELECT project_id,
                   greatest(coalesce(forecast_date, baseline_date), CAST($as_at AS DATE))
                       - baseline_date AS slip
            FROM milestones
            WHERE actual_date IS NULL OR actual_date > CAST($as_at AS DATE)),
        overdue AS (
            SELECT project_id, count(*)::INT AS overdue_milestones,
                   max(slip) AS worst_overdue_days
            FROM open_ms WHERE slip > $mdays GROUP BY project_id),
        risks AS (
            SELECT r.project_id, count(*)::INT AS very_high_risks
            FROM raid r
            WHERE r.raid_type = 'Risk' AND {populations.open_raid("r.", "as_at")}
              AND {populations.very_high("r.")}
            GROUP BY r.project_id),
        flagged AS (
            SELECT p.project_id, p.project_name, p.service_group, p.stage, l.overall_rag,
                   l.report_date, CAST($as_at AS DATE) - l.report_date AS report_age_days,
                   p.forecast_end_date - p.planned_end_date AS end_slip_days,
                   coalesce(o.overdue_milestones, 0)::INT AS overdue_milestones,
                   o.worst_overdue_days,
                   coalesce(k.very_high_risks, 0)::INT AS very_high_risks,
                   coalesce(p.forecast_end_date - p.planned_end_date > $edays, FALSE)
                       AS end_flag,
                   coalesce(o.overdue_milestones, 0) > 0 AS milestone_flag,
                   CAST($as_at AS DATE) - l.report_date > $rdays AS stale_report_flag,
                   coalesce(k.very_high_risks, 0) > $vh AS risk_flag
            FROM projects p JOIN latest l USING (project_id)
            LEFT JOIN overdue o USING (project_id)
            LEFT JOIN risks k USING (project_id)
            WHERE {populations.active_project("p.", "as_at")}
              AND l.overall_rag IN ('Green', 'Amber/Green')
              AND {_GROUP_SQL})
        SELECT project_id, project_name, service_group, stage, overall_rag,
            concat_ws('; ',
                CASE WHEN end_flag THEN $n_end END,
                CASE WHEN milestone_flag THEN $n_ms END,
                CASE WHEN stale_report_flag THEN $n_stale END,
                CASE WHEN risk_flag THEN $n_risk END) AS rules,
            concat_ws('; ',
            CASE WHEN end_flag THEN
                'forecast end ' || end_slip_days || ' days past the planned end (limit '
                || $edays || ')' END,
            CASE WHEN milestone_flag THEN
                overdue_milestones || CASE WHEN overdue_milestones = 1 THEN ' milestone'
                                           ELSE ' milestones' END
                || ' more than ' || $mdays || ' days past baseline with no actual date'
                || ' (worst ' || worst_overdue_days || ' days)' END,
            CASE WHEN stale_report_flag THEN
                'latest report is ' || report_age_days || ' days old (limit '
                || $rdays || ')' END,
            CASE WHEN risk_flag THEN
                very_high_risks || CASE WHEN very_high_risks = 1 THEN ' very high risk'
                                        ELSE ' very high risks' END
                || ' open (limit ' || $vh || ')' END) AS reasons,
            report_date, report_age_days, end_slip_days, overdue_milestones,
            worst_overdue_days, very_high_risks,
            end_flag, milestone_flag, stale_report_flag, risk_flag
        FROM flagged WHERE end_flag OR milestone_flag OR stale_report_flag OR risk_flag
        ORDER BY greatest(CASE WHEN end_flag THEN end_slip_days END,
                          worst_overdue_days) DESC NULLS LAST,
                 report_age_days DESC, very_high_risks DESC, project_id
        """,
        {"as_at": as_at, "sg": group_key(service_group), "mdays": int(milestone_overdue_days),
         "rdays": int(report_max_age_days), "edays": int(forecast_end_days),
         "vh": int(very_high_risks_allowed), "active": list(ACTIVE_STAGES),
         "n_end": names["end_flag"], "n_ms": names["milestone_flag"],
         "n_stale": names["stale_report_flag"], "n_risk": names["risk_flag"]},
    )


# --- portfolio history ------------------------------------------------------------------


def reporting_dates(db: Database, service_group: str | None = None) -> list[date]:
    """Distinct highlight-report dates (newest first), for picking two to compare."""
    rows = _rows(
        db,
        f"""
        SELECT DISTINCT s.report_date FROM status_reports s
        LEFT JOIN projects p USING (project_id) WHERE {_GROUP_SQL}
        ORDER BY 1 DESC
        """,
        {"sg": group_key(service_group)},
    )
    return [r[0] for r in rows]


def default_comparison(db: Database, as_at: date, service_group: str | None = None
                       ) -> tuple[date, date] | None:
    """The two dates to compare by default: the previous report date
    (``pmo_data.periods.previous_report_date``, one calendar month earlier) and ``as_at``,
    as the Overview and the board pack do. None when the highlight reports (of the service
    group) have fewer than two dates."""
    if len(reporting_dates(db, service_group)) < 2:
        return None
    return previous_report_date(as_at), as_at


def _in_portfolio(alias: str, param: str) -> str:
    """SQL: the project was active on date ``$param`` (``pmo_data.populations``: the
    catalogue's population, so these counts equal ACTIVE_PROJECTS and PORTFOLIO_RAG)."""
    return populations.active_project(f"{alias}.", param)


_RAG_VALUES = ", ".join(f"({k}, '{v}')" for k, v in enumerate(RAG_ORDER))  # registry constants


def rag_rank_sql(col: str) -> str:
    """The rank of the RAG in column ``col`` (Red 1 ... Green 5; anything else NULL)."""
    return (f"CASE {col} WHEN 'Red' THEN 1 WHEN 'Amber/Red' THEN 2 WHEN 'Amber' THEN 3 "
            "WHEN 'Amber/Green' THEN 4 WHEN 'Green' THEN 5 END")


@dataclass(frozen=True)
class PortfolioDiff:
    """What changed between two reporting dates (``before`` < ``after``).

    Every table has project_id (and so can link to the project page). A project's RAG at
    a date is its latest overall_rag reported on or before that date; it "reported" at a
    date when that report is at most ``report_max_age_days`` old and not Not reported.

    "Active" is the catalogue's population (``pmo_data.populations.active_project``).

    - ``rag_changes``: projects active at ``after`` whose RAG differs, with change
      Better / Worse / Changed (to or from Blue, Not reported or no report).
    - ``newly_red``: Red at ``after``, not Red (or no report) at ``before``.
    - ``recovered``: Red at ``before``; a reported RAG other than Red at ``after``.
    - ``newly_not_reported``: active at both dates, reported at ``before``, not at ``after``.
    - ``new_projects``: started after ``before`` and by ``after`` (not Pipeline/Cancelled).
    - ``closed_projects``: actual end date after ``before`` and by ``after``.
    - ``newly_overdue_milestones``: per project, milestones whose baseline date falls
      after ``before`` and by ``after`` with no actual date by ``after``
      (milestones, days_overdue = after - earliest such baseline).
    - ``end_date_moves``: projects active at ``after`` whose *current* forecast end date is
      later or earlier than the planned end (days_moved = forecast - planned). The
      register keeps only today's forecast, and milestones and highlight reports carry no
      forecast history, so this is the forecast now against the baseline, not a change
      between the two dates.
    - ``rag_counts``: projects active at each date by RAG (columns before, after).
    """

    before: date
    after: date
    rag_changes: pd.DataFrame
    newly_red: pd.DataFrame
    recovered: pd.DataFrame
    newly_not_reported: pd.DataFrame
    new_projects: pd.DataFrame
    closed_projects: pd.DataFrame
    newly_overdue_milestones: pd.DataFrame
    end_date_moves: pd.DataFrame
    rag_counts: pd.DataFrame


def portfolio_diff(
    db: Database,
    before: date,
    after: date,
    service_group: str | None = None,
    report_max_age_days: int = 31,
) -> PortfolioDiff:
    """Compare the portfolio at two dates (see ``PortfolioDiff``). Dates are swapped if
    given in the wrong order."""
    if before > after:
        before, after = after, before
    params = {"d1": before, "d2": after, "sg": group_key(service_group),
              "age": int(report_max_age_days), "active": list(ACTIVE_STAGES)}
    rank1, rank2 = rag_rank_sql("rag_before"), rag_rank_sql("rag_after")
    snap = f"""
        WITH r1 AS (
            SELECT project_id, max(report_date) AS report_before,
                   arg_max(overall_rag, report_date) AS rag_before
            FROM status_reports WHERE report_date <= CAST($d1 AS DATE) GROUP BY project_id),
        r2 AS (
            SELECT project_id, max(report_date) AS report_after,
                   arg_max(overall_rag, report_date) AS rag_after
            FROM status_reports WHERE report_date <= CAST($d2 AS DATE) GROUP BY project_id),
        snap AS (
            SELECT p.project_id, p.project_name, p.service_group, p.stage,
                   {_in_portfolio('p', 'd1')} AS live_before,
                   {_in_portfolio('p', 'd2')} AS live_after,
                   r1.rag_before, r1.report_before, r2.rag_after, r2.report_after,
                   coalesce(r1.rag_before <> 'Not reported'
                            AND CAST($d1 AS DATE) - r1.report_before <= $age, FALSE)
                       AS reported_before,
                   coalesce(r2.rag_after <> 'Not reported'
                            AND CAST($d2 AS DATE) - r2.report_after <= $age, FALSE)
                       AS reported_after
            FROM projects p LEFT JOIN r1 USING (project_id) LEFT JOIN r2 USING (project_id)
            WHERE {_GROUP_SQL})
    """
    cols = ("project_id, project_name, service_group, stage, rag_before, report_before, "
            "rag_after, report_after")

    def q(where: str, extra: str = "", order: str = "project_id") -> pd.DataFrame:
        return _df(db, f"{snap} SELECT {cols}{extra} FROM snap WHERE {where} ORDER BY {order}",
                     params)

    rag_changes = q(
        "live_after AND rag_before IS DISTINCT FROM rag_after",
        extra=f""", CASE WHEN {rank1} IS NOT NULL AND {rank2} IS NOT NULL
                        THEN CASE WHEN {rank2} > {rank1} THEN 'Better' ELSE 'Worse' END
                        ELSE 'Changed' END AS change""",
        order=f"{rank2} NULLS LAST, project_id",
    )
    newly_red = q("live_after AND rag_after = 'Red' AND rag_before IS DISTINCT FROM 'Red'")
    recovered = q("live_after AND rag_before = 'Red' AND rag_after <> 'Red' AND reported_after")
    not_reported = q("live_before AND live_after AND reported_before AND NOT reported_after")
    new_projects = _df(
        db,
        f"""SELECT p.project_id, p.project_name, p.service_group, p.stage, p.start_date,
                   p.planned_end_date
            FROM projects p
            WHERE p.start_date > CAST($d1 AS DATE) AND p.start_date <= CAST($d2 AS DATE)
              AND p.stage NOT IN ('Pipeline', 'Cancelled') AND {_GROUP_SQL}
            ORDER BY p.start_date, p.project_id""", params)
    closed_projects = _df(
        db,
        f"""SELECT p.project_id, p.project_name, p.service_group, p.stage,
                   p.planned_end_date, p.actual_end_date,
                   p.actual_end_date - p.planned_end_date AS overrun_days
            FROM projects p
            WHERE p.actual_end_date > CAST($d1 AS DATE)
              AND p.actual_end_date <= CAST($d2 AS DATE) AND {_GROUP_SQL}
            ORDER BY p.actual_end_date, p.project_id""", params)
    overdue = _df(
        db,
        f"""SELECT m.project_id, p.project_name, p.service_group,
                   count(*)::INT AS overdue_milestones,
                   string_agg(m.milestone, '; ' ORDER BY m.baseline_date) AS milestones,
                   CAST($d2 AS DATE) - min(m.baseline_date) AS days_overdue
            FROM milestones m LEFT JOIN projects p USING (project_id)
            WHERE m.baseline_date > CAST($d1 AS DATE) AND m.baseline_date <= CAST($d2 AS DATE)
              AND (m.actual_date IS NULL OR m.actual_date > CAST($d2 AS DATE))
              AND {_GROUP_SQL}
            GROUP BY ALL ORDER BY days_overdue DESC, m.project_id""", params)
    moves = _df(
        db,
        f"""SELECT p.project_id, p.project_name, p.service_group, p.stage,
                   p.planned_end_date, p.forecast_end_date,
                   p.forecast_end_date - p.planned_end_date AS days_moved
            FROM projects p
            WHERE {_in_portfolio('p', 'd2')} AND p.forecast_end_date IS NOT NULL
              AND p.forecast_end_date <> p.planned_end_date AND {_GROUP_SQL}
            ORDER BY abs(days_moved) DESC, p.project_id""", params)
    counts = _df(
        db,
        f"""{snap}
        , labelled AS (
            SELECT CASE WHEN live_before THEN coalesce(rag_before, 'Not reported') END AS b,
                   CASE WHEN live_after THEN coalesce(rag_after, 'Not reported') END AS a
            FROM snap),
        rags AS (SELECT * FROM (VALUES {_RAG_VALUES}) v(k, overall_rag))
        SELECT r.overall_rag,
               (SELECT count(*) FROM labelled WHERE b = r.overall_rag)::INT AS before,
               (SELECT count(*) FROM labelled WHERE a = r.overall_rag)::INT AS after
        FROM rags r ORDER BY r.k""", params)
    return PortfolioDiff(before, after, rag_changes, newly_red, recovered, not_reported,
                         new_projects, closed_projects, overdue, moves, counts)


# --- estimate realism -------------------------------------------------------------------

_CLOSED_FROM = f"""
    FROM projects p
    WHERE p.actual_end_date IS NOT NULL AND p.actual_end_date >= p.start_date
      AND {_GROUP_SQL}"""


def closed_durations(db: Database, service_group: str | None = None) -> pd.DataFrame:
    """Planned against actual duration of projects with an actual end date.

    planned_days = planned_end_date - start_date; actual_days = actual_end_date -
    start_date; overrun_days = actual_end_date - planned_end_date (negative: early);
    overrun_pct = overrun_days / planned_days x 100 (NaN when planned_days <= 0).
    Projects whose actual end is before their start are left out (a data error).
    ``pmo_service`` blank shows "Not recorded".
    """
    return _df(
        db,
        f"""
        SELECT p.project_id, p.project_name, p.service_group,
               coalesce(nullif(trim(p.pmo_service), ''), 'Not recorded') AS pmo_service,
               p.start_date, p.planned_end_date, p.actual_end_date,
               p.planned_end_date - p.start_date AS planned_days,
               p.actual_end_date - p.start_date AS actual_days,
               p.actual_end_date - p.planned_end_date AS overrun_days,
               CASE WHEN p.planned_end_date > p.start_date
                    THEN round(100.0 * (p.actual_end_date - p.planned_end_date)
                               / (p.planned_end_date - p.start_date), 1) END AS overrun_pct
        {_CLOSED_FROM}
        ORDER BY p.actual_end_date, p.project_id
        """,
        {"sg": group_key(service_group)},
    )


def overrun_summary(db: Database, by: Literal["service_group", "pmo_service"] = "service_group",
                    service_group: str | None = None) -> pd.DataFrame:
    """Schedule overrun of closed projects per service group or PMO service, plus "All".

    Columns: group, projects, late_pct (share with overrun_days > 0, %),
    median_overrun_days, p80_overrun_days, median_overrun_pct, p80_overrun_pct, p80_ratio
    (80th percentile of actual_days / planned_days: multiply a plan by it to be 80% sure,
    on this history). Days and percentages are rounded to 0.1, ratios to 0.01.
    Percentiles interpolate linearly between ordered values
    (``quantile_cont``, as numpy's default). Percentages and ratios leave out projects
    with planned_days <= 0. "All" is last.
    """
    expr = {"service_group": "p.service_group",
            "pmo_service": "coalesce(nullif(trim(p.pmo_service), ''), 'Not recorded')"}.get(by)
    if expr is None:
        raise ValueError("by must be 'service_group' or 'pmo_service'")
    return _df(
        db,
        f"""
        WITH c AS (
            SELECT {expr} AS grp,
                   p.actual_end_date - p.planned_end_date AS overrun_days,
                   CASE WHEN p.planned_end_date > p.start_date
                        THEN 100.0 * (p.actual_end_date - p.planned_end_date)
                             / (p.planned_end_date - p.start_date) END AS overrun_pct,
                   CASE WHEN p.planned_end_date > p.start_date
                        THEN (p.actual_end_date - p.start_date)
                             / (p.planned_end_date - p.start_date) END AS ratio
            {_CLOSED_FROM})
        SELECT CASE WHEN grouping(grp) = 1 THEN 'All' ELSE grp END AS "group",
               count(*)::INT AS projects,
               round(100.0 * count(*) FILTER (WHERE overrun_days > 0) / count(*), 1) AS late_pct,
               round(quantile_cont(overrun_days, 0.5), 1) AS median_overrun_days,
               round(quantile_cont(overrun_days, 0.8), 1) AS p80_overrun_days,
               round(quantile_cont(overrun_pct, 0.5), 1) AS median_overrun_pct,
               round(quantile_cont(overrun_pct, 0.8), 1) AS p80_overrun_pct,
               round(quantile_cont(ratio, 0.8), 2) AS p80_ratio
        FROM c GROUP BY GROUPING SETS ((grp), ())
        ORDER BY grouping(grp), projects DESC, 1
        """,
        {"sg": group_key(service_group)},
    )


@dataclass(frozen=True)
class DurationChallenge:
    """What history says about a planned duration.

    median_days / p80_days = planned_days x the median / 80th percentile of actual/planned
    among ``projects`` comparable closed projects (None when there are none).
    """

    planned_days: int
    projects: int
    median_days: float | None
    p80_days: float | None


def challenge_duration(db: Database, planned_days: int, service_group: str | None = None,
                       pmo_service: str | None = None) -> DurationChallenge:
    """Reference-class check of a plan at a gate: scale ``planned_days`` by the median and
    80th percentile ratio actual_days / planned_days of closed projects (optionally of
    one service group and/or PMO service)."""
    n, med, p80 = _rows(
        db,
        f"""
        SELECT count(*), quantile_cont(r, 0.5), quantile_cont(r, 0.8) FROM (
            SELECT (p.actual_end_date - p.start_date) / (p.planned_end_date - p.start_date) AS r
            {_CLOSED_FROM} AND p.planned_end_date > p.start_date
              AND ($svc IS NULL OR coalesce(nullif(trim(p.pmo_service), ''), 'Not recorded')
                                   = $svc))
        """,
        {"sg": group_key(service_group), "svc": pmo_service},
    )[0]
    scale = int(planned_days)
    return DurationChallenge(
        planned_days=scale, projects=int(n),
        median_days=None if med is None else round(scale * float(med), 1),
        p80_days=None if p80 is None else round(scale * float(p80), 1),
    )
