"""What the board pack shows, gathered once from the database (``gather``).

Why this module exists: the PowerPoint, the HTML and the XLSX render the same content, and the
narrative reads it, so each figure is computed in one place. One small builder per frame (the
data behind a chart or table, which the XLSX writes as a sheet).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmo_data import exceptions as exceptions_list
from pmo_data import (
    freshness,
    governance,
    metrics,
    overview,
    plan,
    quality,
    shifts,
    spc_rules,
)
from pmo_data.db import Database
from pmo_data.downloads import plain
from pmo_data.pack import changes as since_last
from pmo_data.pack.benchmarking import Benchmarking, benchmarking
from pmo_data.pack.formats import fmt_value
from pmo_data.pack.logo import trust_logo
from pmo_data.parse import fy_bounds, parse_fy
from pmo_data.periods import previous_report_date
from pmo_data.quality_scores import STALE_AFTER_DAYS
from pmo_data.schema import RAG_ORDER, SOURCES
from pmo_data.sqlparts import any_group_or, group_key
from pmo_data.store import Store

if TYPE_CHECKING:
    from pmo_data.pack.narrative import Sentence

DEFAULT_TRUST = "NHS Trust"
#: Months of history in each SPC chart behind the KPI icons (complete months only).
SPC_MONTHS = spc_rules.WINDOW_MONTHS
TOP_RISKS = 10


def trust_name(db: Database) -> str:
    """The trust's name for titles and file names.

    ``PMO_TRUST_NAME`` if set; else a saved setting (``saved_settings`` kind ``setting``, name
    ``trust_name``); else "NHS Trust".
    """
    env = os.environ.get("PMO_TRUST_NAME", "").strip()
    if env:
        return env
    saved = db.scalar("SELECT value FROM saved_settings WHERE kind = 'setting' "
                      "AND name = 'trust_name' AND trim(coalesce(value, '')) <> ''")
    return str(saved).strip() if saved else DEFAULT_TRUST


TRUST_NAME_MAX = 120


def save_trust_name(db_path: Path | str, name: str, saved_by: str | None = None,
                    now: datetime | None = None) -> int:
    """Keep the trust's name for the pack in the database (``saved_settings`` kind
    ``setting``, name ``trust_name``), written through the versioned store so it survives
    and rolls back like the data; a blank name removes it (the pack then says "NHS Trust").
    Returns the new version number. ValueError for a name over ``TRUST_NAME_MAX``
    characters or one holding a line break."""
    cleaned = " ".join(str(name).split())
    if len(cleaned) > TRUST_NAME_MAX:
        raise ValueError(f"a trust name is at most {TRUST_NAME_MAX} characters")
    if any(ch in str(name) for ch in "\r\n"):
        raise ValueError("a trust name is one line")
    when = now or datetime.now().replace(microsecond=0)

    def write(con: Any) -> None:
        con.execute("DELETE FROM saved_settings WHERE kind = 'setting' AND name = 'trust_name'")
        if cleaned:
            con.execute("INSERT INTO saved_settings VALUES ('setting', 'trust_name', ?, ?, ?)",
                        [cleaned, saved_by, when])

    version, _ = Store(db_path).write(write)
    return version.number


@dataclass(frozen=True)
class PackContent:
    """Everything the board pack shows, computed once from the database.

    ``at`` is the evaluation date ``min(as_at, FY end)`` (``pmo_data.periods``);
    ``previous_date`` is the previous report date (``periods.previous_report_date``: one
    calendar month before, as on the Overview and Portfolio history).
    Frames hold the data behind each chart or table (what the XLSX writes).
    """

    trust: str
    fy: str
    as_at: date
    at: date
    service_group: str | None
    previous_date: date
    sentences: tuple[Sentence, ...]
    kpis: pd.DataFrame = field(hash=False)
    rag: pd.DataFrame = field(hash=False)
    rag_changes: pd.DataFrame = field(hash=False)
    #: Every figure at the previous report date and now, with the change and its direction
    #: (``pmo_data.pack.changes``: ``Changes.frame``; empty when not ``full``).
    changes: pd.DataFrame = field(hash=False)
    #: The FY of the previous-report-date figures in ``changes`` (the pack's FY unless the
    #: previous report date falls in the year before).
    fy_then: str
    #: Every Red and Amber/Red project, worst first (``pmo_data.exceptions``).
    exceptions: pd.DataFrame = field(hash=False)
    training: pd.DataFrame = field(hash=False)
    training_forecast: float | None
    #: "n of m plan KPIs on track" in the FY (``pmo_data.plan.scorecard``; None if not full).
    scorecard: plan.Scorecard | None
    #: The three shifts at ``at`` (``pmo_data.shifts.shift_view``; None if not full).
    shifts: shifts.ShiftView | None
    plan: pd.DataFrame = field(hash=False)
    plan_chart: pd.DataFrame = field(hash=False)
    benefits: pd.DataFrame = field(hash=False)
    risks: pd.DataFrame = field(hash=False)
    sources: pd.DataFrame = field(hash=False)
    caveats: tuple[str, ...]
    definitions: pd.DataFrame = field(hash=False)
    #: The catalogue's values for the FY, as-at date and service group (what sentences read).
    values: Mapping[str, metrics.MetricValue] = field(hash=False, repr=False)
    #: The trust's logo as PNG bytes (``pmo_data.pack.logo``), None when none is saved.
    logo: bytes | None = field(default=None, hash=False, repr=False)
    #: This trust beside its peers (``pmo_data.pack.benchmarking``), None without peer data.
    benchmarking: Benchmarking | None = field(default=None, hash=False, repr=False)


def _spc_icons(defn: metrics.MetricDefinition, mv: metrics.MetricValue,
               series: Sequence[tuple[date, float]] | None
               ) -> tuple[str | None, str | None, str]:
    """(variation icon, assurance icon, summary) of a measure's SPC chart over ``series``
    (None: the measure has no monthly series), judged as on the Overview and the Five-year
    plan page (``pmo_data.overview.spc_verdict``: ``pmo_data.spc_rules``)."""
    if not defn.series:
        return None, None, "No SPC chart for this measure."
    if not series:
        return None, None, "No monthly values for an SPC chart."
    verdict = overview.spc_verdict(defn, mv.target, list(series))
    return verdict.variation_icon, verdict.assurance_icon, verdict.summary


def _target_text(defn: metrics.MetricDefinition, mv: metrics.MetricValue) -> str:
    """``80 to date (120 for the year)`` for a cumulative measure with a year-to-date target,
    else the target, else "no target"."""
    if defn.cumulative and mv.ytd_target is not None:
        return (f"{fmt_value(mv.ytd_target, mv.unit)} to date "
                f"({fmt_value(mv.target, mv.unit)} for the year)")
    return fmt_value(mv.target, mv.unit) if mv.target is not None else "no target"


def _kpi_row(defn: metrics.MetricDefinition, mv: metrics.MetricValue,
             series: Sequence[tuple[date, float]] | None) -> dict[str, Any]:
    """One row of the KPI table: the measure's values, their text and its SPC icons."""
    variation, assurance, spc_summary = _spc_icons(defn, mv, series)
    return {
        "code": defn.code,
        "metric": mv.name,
        "unit": mv.unit,
        "direction": mv.direction,
        "value": mv.value,
        "target": mv.target,
        "ytd_target": mv.ytd_target if defn.cumulative else None,
        "previous_year": mv.previous.value if mv.previous else None,
        "latest": fmt_value(mv.value, mv.unit),
        "target_text": _target_text(defn, mv),
        "previous_text": fmt_value(mv.previous.value if mv.previous else None, mv.unit),
        "variation_icon": variation,
        "assurance_icon": assurance,
        "spc_summary": spc_summary,
        "data_to": mv.freshness,
    }


def _kpi_table(db: Database, values: Mapping[str, metrics.MetricValue], at: date,
               service_group: str | None) -> pd.DataFrame:
    """Every catalogue measure but the portfolio RAG, one row each (``_kpi_row``), with SPC
    icons over the window every surface uses (``pmo_data.spc_rules.window`` at ``at``; one
    query for all series)."""
    defs = {d.code: d for d in metrics.catalogue(db)}
    start, end = spc_rules.window(at)
    charted = [code for code in values if code != "PORTFOLIO_RAG" and defs[code].series
               and values[code].value is not None]
    all_series = dict(zip(charted, metrics.monthly_series_many(
        db, [(code, start, end) for code in charted], service_group), strict=True))
    return pd.DataFrame([_kpi_row(defs[code], mv, all_series.get(code))
                         for code, mv in values.items() if code != "PORTFOLIO_RAG"])


def _rag_table(now: metrics.MetricValue, before: metrics.MetricValue) -> pd.DataFrame:
    """Active projects by latest overall RAG (every RAG value, in RAG order) at the previous
    report date (``before``: PORTFOLIO_RAG for the FY containing that date, at that date) and
    now; None for both counts of a side with no register."""
    now_counts = dict(now.breakdown or {})
    before_counts = dict(before.breakdown or {})
    return pd.DataFrame({
        "rag": list(RAG_ORDER),
        "previous": [before_counts.get(r) if before.breakdown is not None else None
                     for r in RAG_ORDER],
        "now": [now_counts.get(r) if now.breakdown is not None else None for r in RAG_ORDER],
    })


def _rag_changes(db: Database, at: date, previous_date: date, service_group: str | None
                 ) -> pd.DataFrame:
    """``metrics.rag_changes`` at ``at`` whose newer report is after ``previous_date``."""
    frame = metrics.rag_changes(db, at, service_group)
    if frame.empty:
        return frame
    to_date = pd.to_datetime(frame["to_date"]).dt.date
    return frame[(to_date > previous_date) & (to_date <= at)].reset_index(drop=True)


def _plan(db: Database, as_at: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The five-year plan (one row per KPI per FY, with the actual for FYs begun by as-at),
    and the staff-trained target against actual per FY (the plan chart).

    The actual for a past FY is its value at 31 March; for the FY containing as-at, at as-at.
    """
    rows = db.rows(
        "SELECT upper(trim(kpi_code)) AS code, financial_year, target, kpi_name, unit, "
        "plan_year_label FROM kpi_plan WHERE kpi_code IS NOT NULL ORDER BY 1, 2")
    defs = {d.code: d for d in metrics.catalogue(db)}
    started = []  # FYs begun by as-at: all their actuals in one statement
    parsed = []
    for code, fy_text, target, name, unit, label in rows:
        try:
            fy = parse_fy(fy_text) or fy_text
            start, _ = fy_bounds(fy)
        except ValueError:
            fy, start = fy_text, None
        if start is not None and start <= as_at:
            started.append(fy)
        parsed.append((code, fy, target, name, unit, label))
    actuals: dict[str, dict[str, Any]] = {
        fy: {c: v.value for c, v in values.items()}
        for fy, values in metrics.compute_many(db, started, as_at).items()}
    out = []
    for code, fy, target, name, unit, label in parsed:
        defn = defs.get(code)
        out.append({"kpi_code": code, "kpi_name": name or (defn.name if defn else code),
                    "unit": (defn.unit if defn and defn.unit else unit) or "",
                    "financial_year": fy, "plan_year_label": label, "target": target,
                    "actual": actuals.get(fy, {}).get(code)})
    plan = pd.DataFrame(out, columns=["kpi_code", "kpi_name", "unit", "financial_year",
                                      "plan_year_label", "target", "actual"])
    chart = plan[plan["kpi_code"] == "TRAINED_STAFF"][["financial_year", "plan_year_label",
                                                        "target", "actual"]]
    return plan, chart.reset_index(drop=True)


def _benefits(db: Database, fy: str, service_group: str | None) -> pd.DataFrame:
    """Cash-releasing benefits with a target date in the FY, by project service group:
    planned = sum(target_value), realised = sum(realised_value) (pounds; blanks skipped)."""
    start, end = fy_bounds(fy)
    sql = f"""
        SELECT coalesce(p.service_group, '(no project in register)') AS service_group,
               count(*) AS benefits,
               sum(b.target_value) AS planned_gbp,
               sum(b.realised_value) AS realised_gbp
        FROM benefits b LEFT JOIN projects p USING (project_id)
        WHERE b.category = 'Cash-releasing' AND b.target_date BETWEEN $start AND $end
          AND {any_group_or("p.service_group")}
        GROUP BY 1 ORDER BY 1
        """
    return db.df(sql, {"start": start, "end": end, "sg": group_key(service_group)})


def _risks(db: Database, at: date, service_group: str | None) -> pd.DataFrame:
    """The risks open at ``at`` with the highest score (``governance.open_risks``: the
    Risks page's list)."""
    return governance.open_risks(db, service_group, limit=TOP_RISKS, as_at=at)


def _older_than_limit(source: str, age_days: int) -> bool:
    """True when a source's data is older than its staleness threshold (None: never)."""
    limit = STALE_AFTER_DAYS.get(source)
    return limit is not None and age_days > limit


def _sources(db: Database, at: date) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Per source: its file, import, rows, data date at ``at`` (``pmo_data.freshness``,
    never after ``at``) and caveats (stale at ``at``, rejected rows)."""
    fresh = freshness.data_dates(db, tuple(SOURCES), at)
    as_at = at
    rows: list[dict[str, Any]] = []
    caveats: list[str] = []
    for s in quality.source_summaries(db):
        data_to = fresh.get(s.source)
        age = (as_at - data_to).days if data_to else None
        notes = []
        if s.rows == 0:
            notes.append("no data loaded")
        elif age is not None and _older_than_limit(s.source, age):
            notes.append(f"stale: latest data {age} days before the as-at date")
        if s.rejected_in_last_import:
            n = s.rejected_in_last_import
            notes.append(f"{n} row{'s' if n != 1 else ''} rejected at the last import")
        if notes and s.rows:
            caveats.append(f"{s.title}: {'; '.join(notes)}.")
        rows.append({"source": s.source, "title": s.title, "file": s.last_file,
                     "imported": s.last_import, "rows": s.rows, "data_to": data_to,
                     "age_days": age, "rejected_last_import": s.rejected_in_last_import,
                     "caveat": "; ".join(notes)})
    return pd.DataFrame(rows), tuple(caveats)


def _definitions(db: Database) -> pd.DataFrame:
    return pd.DataFrame([
        {"code": d.code, "name": d.name, "definition": d.definition, "unit": d.unit,
         "direction": d.direction, "target_source": d.target_source, "data_owner": d.owner,
         "sources": ", ".join(d.sources)}
        for d in metrics.catalogue(db)
    ])


def gather(db: Database, fy: str, as_at: date, service_group: str | None = None, *,
           full: bool = True) -> PackContent:
    """The pack's content without its sentences (``pmo_data.pack.pack_content`` adds them).

    With ``full=False`` only what the sentences read is gathered (the rest left empty), so the
    narrative a page shows costs half the queries. ValueError if ``fy`` is not a financial
    year.
    """
    fy = parse_fy(fy) or fy
    service_group = service_group.strip() if service_group and service_group.strip() else None
    values = metrics.compute_all(db, fy, as_at, service_group)
    any_mv = next(iter(values.values()))
    at = any_mv.as_at
    previous_date = previous_report_date(at)
    empty = pd.DataFrame()
    kpis = _kpi_table(db, values, at, service_group)
    rag_changes = _rag_changes(db, at, previous_date, service_group)
    exceptions = (exceptions_list.exceptions(db, at, service_group).table if full else empty)
    since = (since_last.changes(db, fy, as_at, service_group, now=values,
                                exceptions_now=exceptions) if full else None)
    rag = (_rag_table(values["PORTFOLIO_RAG"], since.then_values["PORTFOLIO_RAG"])
           if since is not None else empty)
    training = (metrics.cumulative_trained_by_month(db, fy, as_at, service_group) if full
                else empty)
    forecast = metrics.training_forecast(db, fy, as_at, service_group)
    plan_frame, plan_chart = _plan(db, as_at) if full else (empty, empty)
    benefits = _benefits(db, fy, service_group)
    risks = _risks(db, at, service_group) if full else empty
    sources, caveats = _sources(db, at)
    trust = trust_name(db) if full else ""
    return PackContent(
        trust=trust, fy=fy, as_at=as_at, at=at,
        service_group=service_group, previous_date=previous_date, sentences=(), kpis=kpis,
        rag=rag, rag_changes=rag_changes, changes=since.frame() if since else empty,
        fy_then=since.fy_then if since else since_last.fy_then(fy, previous_date),
        exceptions=exceptions, training=training,
        training_forecast=forecast.forecast,
        scorecard=plan.scorecard(db, fy, as_at) if full else None,
        shifts=shifts.shift_view(db, at, service_group) if full else None,
        plan=plan_frame, plan_chart=plan_chart, benefits=benefits, risks=risks, sources=sources,
        caveats=caveats, definitions=_definitions(db) if full else empty, values=values,
        logo=trust_logo(db) if full else None,
        benchmarking=benchmarking(db, fy, as_at, trust, service_group) if full else None,
    )


def icon_kind(value: Any) -> str | None:
    """An SPC icon cell of the KPI table as its kind ("common_cause" ...), None when blank."""
    value = plain(value)
    return str(value) if value else None
