"""The five-year plan: targets against actuals per year, the maturity grid, and the Making
Data Count (MDC) view of every monthly KPI.

Why this module exists: the Head of PMO and the board ask one question of the plan: "for each
KPI, are we meeting the target this year, and did we meet it in the years gone by?". This
module answers it from the metric catalogue (``pmo_data.metrics``: one definition of every
number) and the SPC engine (``pmo_data.spc``), and returns plain data (numbers, status words,
icon kinds), never HTML or figures (those are in ``pmo_data.charts.plan``).

The plan is trust-wide: targets are for the whole trust, so every number here is computed
without a service-group filter.

Status of a KPI in a plan year (``kpi_status``), in this order:

* **Not yet started**: the as-at date is before the year's 1 April (the actual stays blank,
  never 0).
* **No target**: the plan has no target for the KPI in that year.
* **No data**: the year has started but the KPI has no value (missing is not zero).
* **Not judged**: the KPI's direction is "neither" (no better way to be).
* A **finished** year (as-at on or after 31 March): **Met** when the value meets the target
  in the KPI's direction (up: value >= target; down: value <= target), else **Not met**.
* The **current** year (year to date):
  - cumulative KPIs (counts that grow over the year: staff trained, projects supported,
    summed monthly KPIs) compare the value so far with the **pro-rata target** of the
    catalogue, target x whole months elapsed / 12: **On track** when up and value >= pro-rata
    (down: value <= pro-rata), else **Off track**. An up KPI already at or above the whole
    year's target is **Met**. Before the first month has ended the pro-rata target is 0, so
    any value of an up KPI is on track.
  - other KPIs (percentages, snapshots) compare the latest value with the annual target as
    it stands: **On track** or **Off track**.

Monthly target for SPC (``monthly_target``): a chart of monthly points needs a monthly target,
derived from the annual one of the year of the latest point:

* percentages (unit %) keep the annual target as it is (90% a year is 90% a month);
* KPIs whose year value is the sum of their months (summed kpi_actuals KPIs, and staff
  trained, whose monthly series counts people trained for the first time in the year, so
  the months add up to the year's distinct count) use annual target / 12;
* projects supported has **no** monthly target: its monthly value is the caseload under
  support in the month, which does not add up to the year's number of distinct projects.

SPC series (``kpi_spc``) follow ``pmo_data.spc_rules``, as the Overview and the pack do: from
the first month with data (looking back at most ``HISTORY_MONTHS`` months) to the last
complete month at the as-at date, with limits recalculated at sustained step changes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import pandas as pd

from pmo_data import fmt, metrics, spc_rules
from pmo_data.db import Database
from pmo_data.parse import fy_bounds, fy_of
from pmo_data.spc import SpcOptions, SpcResult, compute_spc

STATUS_MET = "Met"
STATUS_NOT_MET = "Not met"
STATUS_ON_TRACK = "On track"
STATUS_OFF_TRACK = "Off track"
STATUS_NOT_STARTED = "Not yet started"
STATUS_NO_TARGET = "No target"
STATUS_NO_DATA = "No data"
STATUS_NOT_JUDGED = "Not judged"
STATUSES: tuple[str, ...] = (STATUS_MET, STATUS_ON_TRACK, STATUS_OFF_TRACK, STATUS_NOT_MET,
                             STATUS_NOT_STARTED, STATUS_NO_TARGET, STATUS_NO_DATA,
                             STATUS_NOT_JUDGED)

#: The rules above in one paragraph, for the page.
STATUS_RULES = (
    "Status: a finished year is Met or Not met against its target. The current year is "
    "judged so far: counts that build up over the year (staff trained, projects supported, "
    "summed monthly KPIs) against the pro-rata target (annual target x whole months elapsed "
    "/ 12), percentages and snapshots against the annual target as it stands; a count that "
    "has already reached the year's target is Met. Future years are Not yet started and "
    "their actuals are blank. No target, No data and Not judged (no better direction) are "
    "shown as such, never as on track.")

#: The strategy's plan-year labels, used when the plan file gives none for a year.
STRATEGY_LABELS: dict[str, str] = {
    "2025/26": "Year one: come together",
    "2026/27": "Year two: build as one",
    "2027/28": "Improve",
    "2028/29": "Improve",
    "2029/30": "Improve",
}

#: Built-in metrics that always get an SPC chart (the PMO's three aims), in this order.
CORE_SERIES: tuple[str, ...] = ("TRAINED_STAFF", "HIGHLIGHT_COMPLIANCE", "PROJECTS_SUPPORTED")

#: Chart titles and y-axis labels of the built-in monthly series.
SERIES_TITLES: dict[str, tuple[str, str]] = {
    "TRAINED_STAFF": ("Staff trained per month (first time in the year)", "Staff trained"),
    "HIGHLIGHT_COMPLIANCE": ("Highlight report compliance at each month end",
                             "% of active projects"),
    "PROJECTS_SUPPORTED": ("Projects under immersive PM support each month", "Projects"),
    "TRAINING_DNA_RATE": ("Training did-not-attend rate per month", "% of places"),
}

#: How far back an SPC series looks, in months (five years).
HISTORY_MONTHS = spc_rules.WINDOW_MONTHS

#: The SPC window and targets in two sentences, for the page.
SERIES_RULE = (
    "Each chart runs from the first month with data (at most five years back) to the last "
    "complete month at the as-at date, because a part month would look like a fall or a "
    "jump; the limits are recalculated where a run of 12 months sits on one side of the "
    "mean (a sustained step change), as on the Overview and in the board pack. Monthly "
    "targets: percentages keep the annual target, summed counts use the annual target / 12, "
    "and projects supported (a monthly caseload) has none.")

TARGET_AS_IS = spc_rules.TARGET_AS_IS
TARGET_DIVIDE = spc_rules.TARGET_DIVIDE
TARGET_NONE = spc_rules.TARGET_NONE
TARGET_RULE_TEXT: dict[str, str] = {
    TARGET_AS_IS: "the annual target as it is (a percentage)",
    TARGET_DIVIDE: "annual target / 12 (the year's value is the sum of its months)",
    TARGET_NONE: "none: the monthly value is a caseload, which does not add up to the "
                 "year's count",
}


# --- formatting ------------------------------------------------------------------------------

is_percent = fmt.is_percent


def _as_at(db: Database, as_at: date | None) -> date:
    """The evaluation date: ``as_at``, else the latest data date, else today."""
    return as_at or metrics.latest_data_date(db) or date.today()


#: A metric value as people read it (``pmo_data.fmt.value``: one spelling everywhere).
format_value = fmt.value


# --- status ----------------------------------------------------------------------------------


def fy_phase(fy: str, as_at: date) -> str:
    """"future" (as-at before 1 April), "finished" (as-at on or after 31 March) or
    "current"."""
    start, end = fy_bounds(fy)
    if as_at < start:
        return "future"
    return "finished" if as_at >= end else "current"


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "up" else value <= target


def kpi_status(value: float | None, target: float | None, ytd_target: float | None,
               direction: str, cumulative: bool, fy: str, as_at: date) -> str:
    """The status word of one KPI in one plan year (rules in the module docstring).

    ``value`` is the catalogue value at min(as_at, FY end); ``ytd_target`` the catalogue's
    pro-rata target (cumulative KPIs only).
    """
    phase = fy_phase(fy, as_at)
    if phase == "future":
        return STATUS_NOT_STARTED
    if target is None:
        return STATUS_NO_TARGET
    if value is None:
        return STATUS_NO_DATA
    if direction not in ("up", "down"):
        return STATUS_NOT_JUDGED
    if phase == "finished":
        return STATUS_MET if _meets(value, target, direction) else STATUS_NOT_MET
    if cumulative:
        if direction == "up" and value >= target:
            return STATUS_MET
        pro_rata = ytd_target if ytd_target is not None else 0.0
        return STATUS_ON_TRACK if _meets(value, pro_rata, direction) else STATUS_OFF_TRACK
    return STATUS_ON_TRACK if _meets(value, target, direction) else STATUS_OFF_TRACK


# --- the plan grid ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCell:
    """One KPI in one plan year. ``actual`` is None for a future year or when there is no
    data; ``year_to_date`` is True for the current year (the value so far)."""

    fy: str
    target: float | None
    actual: float | None
    ytd_target: float | None
    status: str
    year_to_date: bool


@dataclass(frozen=True)
class PlanKpi:
    """One row of the grid: a KPI of the plan and its cells, one per plan year."""

    code: str
    name: str
    unit: str
    direction: str
    cumulative: bool
    service_area: str | None
    cells: tuple[PlanCell, ...]


@dataclass(frozen=True)
class PlanGrid:
    """The five-year plan against actuals at ``as_at``: ``years`` in order, ``labels`` the
    plan-year label of each year, ``kpis`` one per plan KPI (in the plan file's order)."""

    as_at: date
    years: tuple[str, ...]
    labels: tuple[str, ...]
    kpis: tuple[PlanKpi, ...]


def plan_years(db: Database) -> tuple[str, ...]:
    """The financial years the plan gives targets for, oldest first."""
    return tuple(r[0] for r in db.rows(
        "SELECT DISTINCT financial_year FROM kpi_plan WHERE financial_year IS NOT NULL "
        "AND kpi_code IS NOT NULL AND trim(kpi_code) <> '' ORDER BY 1"))


def plan_labels(db: Database) -> dict[str, str]:
    """Plan-year label per FY: the label the plan gives most often for that year, else the
    strategy's label (``STRATEGY_LABELS``), else ""."""
    found = dict(db.rows(
        "SELECT financial_year, mode(trim(plan_year_label)) FROM kpi_plan "
        "WHERE financial_year IS NOT NULL AND trim(coalesce(plan_year_label, '')) <> '' "
        "GROUP BY 1"))
    return {fy: found.get(fy) or STRATEGY_LABELS.get(fy, "") for fy in plan_years(db)}


def _plan_kpis(db: Database) -> list[tuple[str, str | None, str | None]]:
    """(code, plan name, service area) per plan KPI, in the plan file's row order."""
    return [(r[0], r[1], r[2]) for r in db.rows(
        """SELECT upper(trim(kpi_code)) AS code,
                  arg_max(kpi_name, financial_year) FILTER (WHERE kpi_name IS NOT NULL),
                  arg_max(service_area, financial_year) FILTER (WHERE service_area IS NOT NULL)
           FROM kpi_plan WHERE kpi_code IS NOT NULL AND trim(kpi_code) <> ''
           GROUP BY 1 ORDER BY min(source_row) NULLS LAST, 1""")]


def _targets(db: Database) -> dict[tuple[str, str], float]:
    """(upper-cased code, financial year) -> the plan's target (max when given twice)."""
    return {(code, fy): float(t) for code, fy, t in db.rows(
        "SELECT upper(trim(kpi_code)), financial_year, max(target) FROM kpi_plan "
        "WHERE target IS NOT NULL GROUP BY 1, 2")}


def _definitions(db: Database) -> dict[str, metrics.MetricDefinition]:
    """The catalogue by code (one query for the plan's KPIs, not one per lookup)."""
    return {d.code: d for d in metrics.catalogue(db)}


def plan_grid(db: Database, as_at: date | None = None) -> PlanGrid:
    """Every plan KPI against its target in every plan year, at ``as_at`` (default: the
    latest data date), trust-wide.

    Values and targets are the catalogue's (``metrics.compute_many`` over the started years,
    so a past year is judged at its 31 March, the current year to date). Years not started at the
    as-at date are not computed: actual None, status Not yet started. Statuses follow
    ``kpi_status``. An empty plan gives no years and no KPIs.
    """
    at = _as_at(db, as_at)
    years = plan_years(db)
    labels = plan_labels(db)
    plan_kpis = _plan_kpis(db)
    started = [fy for fy in years if fy_phase(fy, at) != "future"]
    values = (metrics.compute_many(db, started, at, codes=[c for c, _, _ in plan_kpis])
              if plan_kpis else {})  # only the plan's KPIs: the grid shows nothing else
    targets = _targets(db)
    defs = _definitions(db)
    kpis = []
    for code, plan_name, area in plan_kpis:
        defn = defs[code] if code in defs else metrics.get_definition(code, db)
        cells = []
        for fy in years:
            mv = values.get(fy, {}).get(code)
            target = targets.get((code, fy))
            phase = fy_phase(fy, at)
            actual = None if mv is None or phase == "future" else mv.value
            ytd = mv.ytd_target if mv is not None and phase == "current" else None
            status = kpi_status(actual, target, ytd, defn.direction, defn.cumulative, fy, at)
            cells.append(PlanCell(fy, target, None if actual is None else float(actual), ytd,
                                  status, phase == "current"))
        kpis.append(PlanKpi(code, plan_name or defn.name, defn.unit, defn.direction,
                            defn.cumulative, area, tuple(cells)))
    return PlanGrid(at, years, tuple(labels.get(fy, "") for fy in years), tuple(kpis))


def year_heading(fy: str, label: str) -> str:
    """Column heading of a plan year: "2025/26: Year one: come together"."""
    return f"{fy}: {label}" if label else fy


def grid_frame(grid: PlanGrid) -> pd.DataFrame:
    """The grid as a table to show: index KPI name; columns (year heading, Target / Actual /
    Status). Values are display text (``format_value``); a future year's actual and any
    missing value are None (blank), never 0. A current-year actual reads "78 to date"."""
    columns = pd.MultiIndex.from_tuples(
        [(year_heading(fy, label), part) for fy, label in zip(grid.years, grid.labels,
                                                               strict=True)
         for part in ("Target", "Actual", "Status")])
    rows = []
    for kpi in grid.kpis:
        row: list[str | None] = []
        for cell in kpi.cells:
            actual = format_value(cell.actual, kpi.unit, missing="")
            if actual and cell.year_to_date:
                actual += " to date"
            row += [format_value(cell.target, kpi.unit, missing="") or None, actual or None,
                    cell.status]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index([k.name for k in grid.kpis],
                                                               name="KPI"))
    return frame


# --- maturity --------------------------------------------------------------------------------

#: P3M3 level names.
MATURITY_LEVELS: dict[int, str] = {1: "Awareness", 2: "Repeatable", 3: "Defined",
                                   4: "Managed", 5: "Optimised"}


@dataclass(frozen=True)
class MaturityGrid:
    """Maturity by perspective (rows) and assessment date (columns).

    ``levels[i][j]`` and ``targets[i][j]`` are perspective i at date j (None: not assessed,
    or no target given). A perspective assessed twice on one date takes the lower level and
    the higher target (the cautious reading).
    """

    perspectives: tuple[str, ...]
    dates: tuple[date, ...]
    levels: tuple[tuple[int | None, ...], ...]
    targets: tuple[tuple[int | None, ...], ...]


def maturity_grid(db: Database, as_at: date | None = None) -> MaturityGrid:
    """Self-assessments dated on or before ``as_at`` (default: the latest data date).
    Perspectives in the order the file first lists them; dates oldest first."""
    at = _as_at(db, as_at)
    rows = db.rows(
        """SELECT trim(perspective) AS p, assessment_date, min(level), max(target_level),
                  min(min(source_row)) OVER (PARTITION BY trim(perspective)) AS first_row
           FROM maturity WHERE assessment_date <= $at AND level IS NOT NULL
             AND trim(coalesce(perspective, '')) <> ''
           GROUP BY 1, 2 ORDER BY first_row NULLS LAST, p, assessment_date""", {"at": at})
    perspectives = tuple(dict.fromkeys(r[0] for r in rows))
    dates = tuple(sorted({r[1] for r in rows}))
    found = {(r[0], r[1]): (int(r[2]), None if r[3] is None else int(r[3])) for r in rows}
    levels = tuple(tuple(found[(p, d)][0] if (p, d) in found else None for d in dates)
                   for p in perspectives)
    targets = tuple(tuple(found[(p, d)][1] if (p, d) in found else None for d in dates)
                    for p in perspectives)
    return MaturityGrid(perspectives, dates, levels, targets)


# --- Making Data Count ------------------------------------------------------------------------


def spc_codes(db: Database) -> tuple[str, ...]:
    """The KPIs charted monthly: the three core built-in series, then, in the plan's order,
    every plan KPI taken from kpi_actuals and any other built-in series the plan targets."""
    return _spc_codes(_plan_kpis(db))


def _spc_codes(plan_kpis: list[tuple[str, str | None, str | None]]) -> tuple[str, ...]:
    charted = set(metrics.SERIES_CODES) - set(CORE_SERIES)
    return CORE_SERIES + tuple(
        code for code, _, _ in plan_kpis
        if code in charted or code not in metrics.BUILT_IN_CODES)


target_rule = spc_rules.target_rule
monthly_target = spc_rules.monthly_target


def series_end(as_at: date) -> date:
    """Last day of the SPC window (``pmo_data.spc_rules.window``): the last month end on or
    before ``as_at`` (no measure is judged on a part month)."""
    return spc_rules.window(as_at)[1]


@dataclass(frozen=True)
class KpiSeries:
    """One KPI's monthly series and targets, ready for the SPC engine (no options applied).

    ``months`` (first of each month) and ``values`` are the points; ``annual_target`` is the
    plan's target for ``fy`` (the year of the window's end), ``monthly_target`` the one drawn
    and used for assurance, ``target_rule`` how it was derived. ``title`` and ``y_title`` are
    for the chart; ``unit`` is "%" for percentages, else "".
    """

    code: str
    name: str
    title: str
    y_title: str
    unit: str
    direction: str
    fy: str
    annual_target: float | None
    monthly_target: float | None
    target_rule: str
    months: tuple[date, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class KpiSpc(KpiSeries):
    """A ``KpiSeries`` and its SPC result (``result``)."""

    result: SpcResult


def kpi_series(db: Database, as_at: date | None = None,
               codes: tuple[str, ...] | None = None) -> tuple[KpiSeries, ...]:
    """The monthly series of ``codes`` (default: every charted KPI, ``spc_codes``), trust-wide
    (``metrics.monthly_series``), over the window in the module docstring, with the monthly
    target. Few queries whatever the number of KPIs: the catalogue, the plan, its targets and
    ONE statement for all the series (``metrics.monthly_series_many``). KeyError for an
    unknown code."""
    at = _as_at(db, as_at)
    defs = _definitions(db)
    plan_kpis = _plan_kpis(db)
    wanted = _spc_codes(plan_kpis) if codes is None else codes
    chosen = []
    for code in wanted:
        key = code.strip().upper()
        if key not in defs:
            raise KeyError(code)
        chosen.append(defs[key])
    windows = []
    for defn in chosen:
        windows.append((defn.code, *spc_rules.window(at)))
    all_series = metrics.monthly_series_many(db, windows)
    targets = _targets(db)
    names = {code: name for code, name, _ in plan_kpis}
    out = []
    for defn, (_, _, end), series in zip(chosen, windows, all_series, strict=True):
        fy = fy_of(end)
        annual = targets.get((defn.code, fy))
        rule = target_rule(defn.code, defn.unit, defn.cumulative)
        name = names.get(defn.code) or defn.name
        title, y_title = SERIES_TITLES.get(defn.code, (f"{name} per month",
                                                       (defn.unit or "value").capitalize()))
        out.append(KpiSeries(
            defn.code, name, title, y_title, "%" if is_percent(defn.unit) else "",
            defn.direction, fy, annual, monthly_target(annual, rule), rule,
            tuple(m for m, _ in series), tuple(v for _, v in series)))
    return tuple(out)


def spc_of(series: KpiSeries, options: SpcOptions | None = None) -> KpiSpc:
    """Run one KPI's series through the Making Data Count engine with ``options`` (MDC
    defaults when None) and its monthly target. No database: a page reruns this alone when
    only a chart's options change."""
    chosen = spc_rules.options(series.values, series.months, base=options)
    result = compute_spc(series.values, series.months, direction=series.direction,
                         target=series.monthly_target, options=chosen)
    return KpiSpc(*(getattr(series, f.name) for f in fields(KpiSeries)), result)


def kpi_spc(db: Database, code: str, as_at: date | None = None,
            options: SpcOptions | None = None) -> KpiSpc:
    """Monthly series of ``code`` (``kpi_series``) run through the Making Data Count engine
    with ``options`` (``spc_of``). KeyError for an unknown code."""
    return spc_of(kpi_series(db, as_at, (code,))[0], options)


@dataclass(frozen=True)
class IprRow:
    """One line of the integrated-performance-report table: the KPI, its latest month and
    value, the monthly target, and the MDC icon kinds (None: too few points for limits, or
    no target / no direction for assurance)."""

    code: str
    title: str
    unit: str
    latest_month: date | None
    latest_value: float | None
    target: float | None
    variation_icon: str | None
    assurance_icon: str | None
    summary: str


def ipr_rows(db: Database, as_at: date | None = None) -> tuple[IprRow, ...]:
    """One IprRow per charted KPI (``spc_codes``), with the Making Data Count default
    options (options changed on one chart do not change this table)."""
    return ipr_table(kpi_series(db, as_at))


def ipr_table(series: tuple[KpiSeries, ...]) -> tuple[IprRow, ...]:
    """``ipr_rows`` from series already fetched (``kpi_series``): the MDC default options."""
    rows = []
    for k in (spc_of(s) for s in series):
        rows.append(IprRow(
            k.code, k.title, k.unit, k.months[-1] if k.months else None,
            k.values[-1] if k.values else None, k.monthly_target, k.result.variation_icon,
            k.result.assurance_icon, k.result.summary))
    return tuple(rows)


# --- the scorecard ---------------------------------------------------------------------------

#: Statuses that count as on track in the scorecard.
ON_TRACK_STATUSES: tuple[str, ...] = (STATUS_MET, STATUS_ON_TRACK)
#: Statuses left out of the scorecard's m (nothing to judge against).
UNJUDGED_STATUSES: tuple[str, ...] = (STATUS_NO_TARGET, STATUS_NOT_JUDGED, STATUS_NOT_STARTED)


@dataclass(frozen=True)
class Scorecard:
    """"n of m plan KPIs on track" in one plan year.

    ``on_track`` (n): the plan KPIs whose status in ``fy`` is Met or On track
    (``ON_TRACK_STATUSES``). ``judged`` (m): the plan KPIs with a status other than No target,
    Not judged or Not yet started (``UNJUDGED_STATUSES``), so No data counts against, never
    for. ``rows``: (KPI name, status) of every plan KPI in the plan's order. ``label``: the
    year's plan label ("" when none). ``in_plan``: False when the plan has no targets for
    ``fy`` (then n = m = 0).
    """

    fy: str
    label: str
    at: date
    on_track: int
    judged: int
    rows: tuple[tuple[str, str], ...]
    in_plan: bool

    @property
    def value_text(self) -> str:
        """``5 of 8`` (``–`` when the plan has no targets for the year)."""
        return f"{self.on_track} of {self.judged}" if self.in_plan and self.judged else "–"

    @property
    def sentence(self) -> str:
        """``5 of 8 plan KPIs on track in 2026/27 (Year two: build as one), to date at 21 Nov
        2026.``; a finished year says "met in"; a year outside the plan says so."""
        if not self.in_plan:
            return f"The five-year plan has no targets for {self.fy}."
        label = f" ({self.label})" if self.label else ""
        phase = fy_phase(self.fy, self.at)
        if phase == "future":
            return (f"{self.fy}{label} has not started: its {len(self.rows)} plan KPIs are "
                    "not judged yet.")
        when = (f"to date at {fmt.day(self.at)}" if phase == "current"
                else "not yet started" if phase == "future" else "at the year end")
        kpis = "plan KPI" if self.judged == 1 else "plan KPIs"
        return (f"{self.on_track} of {self.judged} {kpis} on track (Met or On track) in "
                f"{self.fy}{label}, {when}.")


def scorecard(db: Database, fy: str, as_at: date) -> Scorecard:
    """The plan scorecard of ``fy`` at the evaluation date min(as_at, 31 March of ``fy``)
    (``plan_grid`` statuses, trust-wide). ValueError for a bad FY."""
    from pmo_data.periods import evaluation_date, normalise_fy

    fy = normalise_fy(fy)
    at = evaluation_date(fy, as_at)
    grid = plan_grid(db, at)
    if fy not in grid.years:
        return Scorecard(fy, STRATEGY_LABELS.get(fy, ""), at, 0, 0, (), False)
    i = grid.years.index(fy)
    rows = tuple((k.name, k.cells[i].status) for k in grid.kpis)
    judged = [s for _, s in rows if s not in UNJUDGED_STATUSES]
    return Scorecard(fy, grid.labels[i], at,
                     sum(s in ON_TRACK_STATUSES for s in judged), len(judged), rows, True)
