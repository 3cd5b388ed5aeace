"""The Overview page's headline tiles: one per catalogue metric, ready to draw.

Why this module exists: the Head of PMO asks "are we on track this year?" and wants the
answer at a glance, with enough around each number to trust it: the target (and where the
year should be by now), the change on last year, how fresh the data is, and whether the
monthly pattern shows special cause (Making Data Count icons). The numbers come from
``metrics.compute_all`` only, so a tile can never disagree with the catalogue, the board
pack or the CLI; this module adds the words, the SPC verdict and the link to the page
behind each tile. It also lists the projects whose RAG moved in their latest report.
No streamlit here; every text is formatted here so the page has no logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from pmo_data import fmt, freshness, metrics, plan, spc_rules
from pmo_data.db import Database
from pmo_data.metrics import MetricDefinition, MetricValue
from pmo_data.periods import evaluation_date, previous_report_date
from pmo_data.portfolio import drill_down_link
from pmo_data.spc import fmt_date

#: The page behind each built-in metric: (page file, link label). Plan KPIs go to
#: ``KPI_PAGE``.
PAGE_LINKS: dict[str, tuple[str, str]] = {
    "TRAINED_STAFF": ("pages/training.py", "Training"),
    "TRAINING_DNA_RATE": ("pages/training.py", "Training"),
    "PROJECTS_SUPPORTED": ("pages/five_year_plan.py", "Five-year plan"),
    "COACHING_ENGAGEMENTS": ("pages/five_year_plan.py", "Five-year plan"),
    "ACTIVE_PROJECTS": ("pages/portfolio.py", "Portfolio delivery"),
    "HIGHLIGHT_COMPLIANCE": ("pages/portfolio.py", "Portfolio delivery"),
    "PORTFOLIO_RAG": ("pages/portfolio.py", "Portfolio delivery"),
    "MILESTONES_ON_TIME": ("pages/portfolio.py", "Portfolio delivery"),
    "MILESTONE_SLIPPAGE_DAYS": ("pages/portfolio.py", "Portfolio delivery"),
    "BENEFITS_REALISED_GBP": ("pages/benefits.py", "Benefits"),
    "OPEN_HIGH_RISKS": ("pages/risks.py", "Risks and issues"),
}
KPI_PAGE: tuple[str, str] = ("pages/five_year_plan.py", "Five-year plan")

#: The Overview's sections, in order, and the built-in metrics in each; plan KPIs go last
#: under ``KPI_SECTION``.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Portfolio delivery": ("PORTFOLIO_RAG", "ACTIVE_PROJECTS", "HIGHLIGHT_COMPLIANCE",
                           "OPEN_HIGH_RISKS"),
    "Milestones and benefits": ("MILESTONES_ON_TIME", "MILESTONE_SLIPPAGE_DAYS",
                                "BENEFITS_REALISED_GBP"),
    "Training and PM services": ("TRAINED_STAFF", "TRAINING_DNA_RATE", "PROJECTS_SUPPORTED",
                                 "COACHING_ENGAGEMENTS"),
}
KPI_SECTION = "Five-year plan measures"

#: How many months of history an SPC verdict uses (at most; complete months).
SPC_MONTHS = spc_rules.WINDOW_MONTHS
NO_DATA = fmt.NO_DATA


# --- formatting: pmo_data.fmt (one spelling of a value on screen and in the pack) ------------

format_value = fmt.value
format_delta = fmt.delta
is_percent = fmt.is_percent


def freshness_text(source: str, day: date | None) -> str:
    """``pmo_data.freshness.text``: "training data up to 19 Nov 2026"."""
    return freshness.text(source, day)


# --- SPC on the monthly series ---------------------------------------------------------------


def spc_window(at: date) -> tuple[date, date]:
    """The SPC window at ``at`` (``pmo_data.spc_rules.window``: complete months)."""
    return spc_rules.window(at)


def monthly_target(defn: MetricDefinition, target: float | None) -> float | None:
    """The target in the unit of the monthly series (``pmo_data.spc_rules``)."""
    return spc_rules.monthly_target(
        target, spc_rules.target_rule(defn.code, defn.unit, defn.cumulative))


@dataclass(frozen=True)
class SpcVerdict:
    """The Making Data Count icons of a metric's monthly series and the sentence behind them
    (``SpcResult.summary``, which says why when there are too few months for limits)."""

    variation_icon: str | None
    assurance_icon: str | None
    summary: str
    months: int


def spc_verdict(defn: MetricDefinition, target: float | None,
                series: list[tuple[date, float]]) -> SpcVerdict:
    """SPC of ``defn``'s monthly ``series`` (``metrics.monthly_series_many`` over
    ``spc_window``), judged as everywhere else (``pmo_data.spc_rules.verdict``: limits
    recalculated at sustained step changes), with ``monthly_target``."""
    result = spc_rules.verdict([v for _, v in series], [d for d, _ in series],
                               defn.direction, monthly_target(defn, target))
    return SpcVerdict(result.variation_icon, result.assurance_icon, result.summary,
                      len(series))


# --- tiles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One headline tile, every text ready to show.

    value_text is "no data" when the value is missing. delta_* are for ``st.metric``:
    delta_text None when either year has no value; delta_description "vs 2025/26" (the
    previous FY at the same point); delta_color "normal" (up is better), "inverse" (down
    is better) or "off" (neither, or no change); delta_arrow "off" for no change.
    target_text says the target (the year-to-date pro-rata target too, for cumulative
    metrics) and whether it is met; target_met is None without a target, a value or a
    direction. previous_text is the previous FY's value at the same point.
    variation_icon/assurance_icon are MDC icon names (None without a monthly series or with
    too few months); spc_text explains them. breakdown (PORTFOLIO_RAG only) is (RAG,
    count) in RAG order. page is the file of the page behind the tile (for
    ``st.page_link``); section is its heading on the Overview.
    """

    code: str
    name: str
    definition: str
    owner: str
    unit: str
    direction: str
    value: float | None
    value_text: str
    target: float | None
    ytd_target: float | None
    target_text: str | None
    target_met: bool | None
    previous: float | None
    previous_text: str
    delta: float | None
    delta_text: str | None
    delta_description: str | None
    delta_color: str
    delta_arrow: str
    freshness: date | None
    freshness_text: str
    variation_icon: str | None
    assurance_icon: str | None
    spc_text: str | None
    page: str
    page_label: str
    section: str
    breakdown: tuple[tuple[str, int], ...] | None = None

    @property
    def help(self) -> str:
        """The tooltip: the definition, the data owner and the SPC sentence."""
        parts = [self.definition, f"Data: {self.owner}."]
        if self.spc_text:
            parts.append(f"Monthly pattern: {self.spc_text}")
        return "\n\n".join(parts)


def target_status(mv: MetricValue, cumulative: bool) -> str:
    """The status word of a value against its target (``pmo_data.plan.kpi_status``: the
    words the Five-year plan and the pack use: On track, Off track, Met, Not met ...)."""
    return plan.kpi_status(mv.value, mv.target, mv.ytd_target, mv.direction, cumulative,
                           mv.fy, mv.as_at)


_MET = {plan.STATUS_MET: True, plan.STATUS_ON_TRACK: True, plan.STATUS_NOT_MET: False,
        plan.STATUS_OFF_TRACK: False}


def _target_met(mv: MetricValue, cumulative: bool) -> bool | None:
    return _MET.get(target_status(mv, cumulative))


def target_text(mv: MetricValue, cumulative: bool) -> str | None:
    """"Year-to-date target 30 (120 a year): Off track", "Target 90%: Met", "No target in
    the plan"; None for a measure with no direction and no target. The same words on the
    Overview and in the pack."""
    if mv.target is None:
        return "No target in the plan" if mv.direction != "neither" else None
    if cumulative and mv.ytd_target is not None:
        text = (f"Year-to-date target {format_value(mv.ytd_target, mv.unit)} "
                f"({format_value(mv.target, mv.unit)} a year)")
    else:
        text = f"Target {format_value(mv.target, mv.unit)}"
    status = target_status(mv, cumulative)
    return f"{text}: {status}" if status in _MET else text


def make_tile(defn: MetricDefinition, mv: MetricValue, spc: SpcVerdict | None = None) -> Tile:
    """The tile of one computed metric (``spc`` from ``spc_verdict`` when it has a series)."""
    met = _target_met(mv, defn.cumulative)
    prev = mv.previous
    delta = mv.delta
    if delta is None:
        delta_text, description, colour = None, None, "off"
    else:
        delta_text = format_delta(delta, mv.unit)
        description = f"vs {prev.fy}" if prev is not None else None
        colour = "off" if delta_text == "No change" else {
            "up": "normal", "down": "inverse"}.get(mv.direction, "off")
    if prev is None:
        previous_text = "No previous year to compare."
    else:
        previous_text = (f"{prev.fy} to {fmt_date(prev.as_at)}: "
                         f"{format_value(prev.value, prev.unit)}")
    page, label = PAGE_LINKS.get(defn.code, KPI_PAGE)
    section = next((name for name, codes in SECTIONS.items() if defn.code in codes),
                   KPI_SECTION)
    return Tile(
        code=defn.code, name=defn.name, definition=defn.definition, owner=defn.owner,
        unit=mv.unit, direction=mv.direction, value=mv.value,
        value_text=format_value(mv.value, mv.unit), target=mv.target,
        ytd_target=mv.ytd_target if defn.cumulative else None,
        target_text=target_text(mv, defn.cumulative), target_met=met,
        previous=None if prev is None else prev.value, previous_text=previous_text,
        delta=delta, delta_text=delta_text, delta_description=description,
        delta_color=colour, delta_arrow="off" if delta_text == "No change" else "auto",
        freshness=mv.freshness,
        freshness_text=freshness_text(defn.sources[0], mv.freshness),
        variation_icon=None if spc is None else spc.variation_icon,
        assurance_icon=None if spc is None else spc.assurance_icon,
        spc_text=None if spc is None else spc.summary,
        page=page, page_label=label, section=section,
        breakdown=None if mv.breakdown is None else tuple(
            (str(k), int(v)) for k, v in mv.breakdown.items()),
    )


def headline_tiles(db: Database, fy: str, as_at: date | None = None,
                   service_group: str | None = None) -> list[Tile]:
    """Every catalogue metric (built-ins, then the plan's KPIs) as a tile, in catalogue
    order, from one ``metrics.compute_all``; metrics with a monthly series also get their
    SPC verdict over ``spc_window`` at the evaluation date (``spc_verdict``; all the series in
    one statement). An SPC verdict is only drawn for a metric that has a value this year (no
    icons beside "no data")."""
    values = metrics.compute_all(db, fy, as_at, service_group)
    defs = metrics.catalogue(db)
    charted = [d for d in defs if d.series and values[d.code].value is not None]
    windows = [(d.code, *spc_window(values[d.code].as_at)) for d in charted]
    series = dict(zip([d.code for d in charted],
                      metrics.monthly_series_many(db, windows, service_group), strict=True))
    tiles = []
    for defn in defs:
        mv = values[defn.code]
        spc = (spc_verdict(defn, mv.target, series[defn.code]) if defn.code in series
               else None)
        tiles.append(make_tile(defn, mv, spc))
    return tiles


def by_section(tiles: list[Tile]) -> list[tuple[str, list[Tile]]]:
    """Tiles grouped by section, sections in ``SECTIONS`` order (then the plan KPIs), tiles
    in ``SECTIONS`` order within a section (plan KPIs in catalogue order); empty sections
    left out."""
    order = [*SECTIONS, KPI_SECTION]
    grouped = {name: [t for t in tiles if t.section == name] for name in order}
    for name, codes in SECTIONS.items():
        grouped[name].sort(key=lambda t: codes.index(t.code))
    return [(name, found) for name, found in grouped.items() if found]


# --- RAG changes since the previous report ---------------------------------------------------

DIRECTION_LABELS: dict[str, str] = {"worse": "Worse", "better": "Better",
                                    "unknown": "Not comparable"}


@dataclass(frozen=True)
class RagChanges:
    """Projects whose overall RAG changed in a report dated within ``within_days`` before
    the date (``since`` to ``as_at``), compared with their own previous report.

    frame: project_id, project_name, service_group, from_rag, from_date, to_rag, to_date,
    change ("Worse", "Better", "Not comparable": to or from Not reported), link (the
    project's drill-down, ``portfolio?project=<id>``); worse first, newest first.
    """

    frame: pd.DataFrame
    worse: int
    better: int
    unknown: int
    since: date
    as_at: date

    @property
    def summary(self) -> str:
        """"3 projects changed RAG in reports since 21 Oct 2026: 2 worse, 1 better." """
        n = len(self.frame)
        if not n:
            return f"No project's overall RAG changed in reports since {fmt_date(self.since)}."
        parts = [f"{self.worse:,} worse", f"{self.better:,} better"]
        if self.unknown:
            parts.append(f"{self.unknown:,} to or from Not reported")
        noun = "project" if n == 1 else "projects"
        return (f"{n:,} {noun} changed RAG in reports since {fmt_date(self.since)}: "
                + ", ".join(parts) + ".")


def recent_rag_changes(db: Database, fy: str, as_at: date, service_group: str | None = None,
                       within_days: int | None = None) -> RagChanges:
    """``metrics.rag_changes`` at the evaluation date, keeping changes whose newer report is
    dated on or after the previous report date (``pmo_data.periods.previous_report_date``,
    the date the pack and Portfolio history compare with), or within ``within_days`` days
    before the evaluation date when given: what changed in the latest reporting round, not
    a change a stale project made a year ago."""
    at = evaluation_date(fy, as_at)
    since = (previous_report_date(at) if within_days is None
             else at - timedelta(days=within_days))
    changes = metrics.rag_changes(db, at, service_group)
    recent = changes[pd.to_datetime(changes["to_date"]) >= pd.Timestamp(since)]
    frame = pd.DataFrame({
        "project_id": recent["project_id"],
        "project_name": recent["project_name"],
        "service_group": recent["service_group"],
        "from_rag": recent["from_rag"],
        "from_date": recent["from_date"],
        "to_rag": recent["to_rag"],
        "to_date": recent["to_date"],
        "change": recent["direction"].map(DIRECTION_LABELS),
        "link": [drill_down_link(p) for p in recent["project_id"]],
    }).reset_index(drop=True)
    counts = recent["direction"].value_counts()
    return RagChanges(frame, int(counts.get("worse", 0)), int(counts.get("better", 0)),
                      int(counts.get("unknown", 0)), since, at)
