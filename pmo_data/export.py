"""The board pack (PowerPoint, printable HTML, XLSX data) and safe CSV/XLSX downloads.

Why this module exists: a board paper must be dated, reproducible and editable. From one
database, a financial year and an as-at date this module gathers everything the pack shows
(``pack_content``), writes the narrative sentences (``narrative``) and renders the same content
three ways (``build_pack``):

* **PowerPoint** with native, editable charts (``add_chart`` with ``CategoryChartData``), so
  the author can restyle them in the trust template;
* **HTML**: one self-contained printable file (inline SVG charts, inline CSS, no scripts, no
  links to anything outside the file), with a page break per section;
* **XLSX**: the data behind every chart and table, a sheet each, with a README of definitions
  (the metric catalogue).

Reproducible: the content depends only on the database and the parameters (no "now": the
as-at date is the only date printed, document properties use it too; ordering is explicit).
Safe: text from spreadsheets is escaped in HTML, and written to XLSX as explicit strings (a
cell beginning ``=``, ``+``, ``-`` or ``@`` can never become a formula); CSV text cells that
begin with one of those are prefixed with a single quote (OWASP "CSV injection").
python-pptx is imported inside the functions that need it, so pages that never build a pack
do not pay for the import.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from pmo_data import metrics, quality, text
from pmo_data.charts.board import SvgSeries, bar_chart, line_chart
from pmo_data.charts.palette import (
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    NHS_WARM_YELLOW,
    NHS_WHITE,
    RAG_COLOURS,
)
from pmo_data.db import Database
from pmo_data.parse import fy_bounds, fy_of, parse_fy
from pmo_data.quality_scores import STALE_AFTER_DAYS
from pmo_data.schema import RAG_ORDER
from pmo_data.spc import compute_spc

DEFAULT_TRUST = "NHS Trust"
#: Months of history in each SPC chart behind the KPI icons (complete months only).
SPC_MONTHS = 24
TOP_RISKS = 10
KPI_ROWS_PER_SLIDE = 13
MAX_CHANGES_SHOWN = 10
FORMULA_PREFIXES = text.FORMULA_PREFIXES
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- safe tabular downloads ----------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A cell value as a plain Python value; NaN/NaT/None become None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            return str(value)
        return _plain(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, so Excel reads £ and accents) with formula-like text neutralised.

    Text cells and column headers beginning ``=``, ``+``, ``-``, ``@``, tab or a line break
    get a leading single quote (``text.cell``), so a spreadsheet opening the file cannot run
    them; pivot columns named after data values are headers too. Numbers are unchanged.
    """
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = [text.cell(v) for v in safe[col]]
    safe.columns = [text.cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, when: date | None = None) -> bytes:
    """An XLSX workbook with one sheet per frame (header row bold, frozen, widths fitted).

    Every text cell is written as an explicit string (inline string type, quote-prefix style),
    so ``=SUM(A1)`` stays text; characters XML cannot hold are removed. Dates are real dates.
    ``when`` sets the document's created/modified dates (default 1 January 2000), so the same
    data give the same workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    stamp = datetime.combine(when or date(2000, 1, 1), datetime.min.time())
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "PMO dashboard"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_title(name, taken))
        headers = [str(c) for c in frame.columns]
        widths = [len(h) for h in headers]
        for j, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=j)
            _set_cell(cell, header)
            cell.font = Font(bold=True)
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            for j, raw in enumerate(row, start=1):
                value = _plain(raw)
                cell = ws.cell(row=i, column=j)
                _set_cell(cell, value)
                widths[j - 1] = max(widths[j - 1], min(60, len(str(value or ""))))
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = width + 2
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


def _set_cell(cell: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        text = _ILLEGAL_XML.sub("", value)
        cell.value = text
        cell.data_type = "s"  # never "f": text that looks like a formula stays text
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
        return
    if isinstance(value, bool | int | float):
        cell.value = value
        return
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return
    _set_cell(cell, str(value))


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Re-write a zip (xlsx/pptx) so its bytes are repeatable: every entry dated ``stamp``,
    the document's created/modified properties set to ``stamp`` (openpyxl and XlsxWriter
    write "now" there), and workbooks embedded in it (chart data) treated the same way."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename.endswith(".xlsx"):
                blob = _fixed_zip(blob, stamp)
            elif info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + iso + rb"\g<2>", blob)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, blob)
    return out.getvalue()


# --- settings ------------------------------------------------------------------------------


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


# --- formatting ----------------------------------------------------------------------------


def fmt_date(day: date | None) -> str:
    """``21 November 2026`` (UK long form); "no date" for None."""
    return f"{day.day} {day:%B %Y}" if day else "no date"


def fmt_value(value: float | None, unit: str) -> str:
    """A metric value for people: ``87``, ``85.3%``, ``£351,500``, ``12 days``; "no data".

    Whole numbers print without decimals; other values with one decimal (pounds: none).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    v = float(value)
    if unit == "£":
        return f"£{v:,.0f}"
    text = f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"
    if unit == "%":
        return f"{text}%"
    if unit == "days":
        return f"{text} day{'s' if abs(v) != 1 else ''}"
    return text


def _pct(part: float | None, whole: float | None) -> str | None:
    if part is None or not whole:
        return None
    return f"{round(100 * float(part) / float(whole)):,}%"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "pack"


# --- content -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One narrative sentence: ``key`` says what it is about (training, portfolio ...)."""

    key: str
    text: str

    @property
    def label(self) -> str:
        """What the sentence is about, for the editing form: "Training reach" ..."""
        return SENTENCE_LABELS.get(self.key, self.key.replace("_", " ").capitalize())


SENTENCE_LABELS = {
    "training": "Training reach", "immersive": "Immersive PM support",
    "portfolio": "Portfolio RAG", "compliance": "Highlight reports", "milestones": "Milestones",
    "benefits": "Benefits", "risks": "Risks", "spc": "SPC signals", "data": "Data caveats",
}


@dataclass(frozen=True)
class PackContent:
    """Everything the board pack shows, computed once from the database.

    ``at`` is the evaluation date ``min(as_at, FY end)`` (see ``pmo_data.metrics``);
    ``previous_date`` is one month before it (the "previous report" RAG is compared with).
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
    training: pd.DataFrame = field(hash=False)
    training_forecast: float | None
    plan: pd.DataFrame = field(hash=False)
    plan_chart: pd.DataFrame = field(hash=False)
    benefits: pd.DataFrame = field(hash=False)
    risks: pd.DataFrame = field(hash=False)
    sources: pd.DataFrame = field(hash=False)
    caveats: tuple[str, ...]
    definitions: pd.DataFrame = field(hash=False)


def _month_before(day: date) -> date:
    month = day.month - 1 or 12
    year = day.year - (1 if day.month == 1 else 0)
    for d in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - a month always has a 28th


def _complete_months_end(at: date) -> date:
    """``at`` if it is a month's last day, else the last day of the month before."""
    return at if (at + timedelta(days=1)).day == 1 else at.replace(day=1) - timedelta(days=1)


def _monthly_target(defn: metrics.MetricDefinition, target: float | None) -> float | None:
    """The annual target expressed per month, for the SPC assurance icon.

    %: the same (a monthly rate is judged against the annual rate). Staff trained and summed
    KPIs: target / 12. Projects supported (concurrent projects per month): no monthly target.
    """
    if target is None:
        return None
    if defn.unit.strip() == "%":
        return target
    if defn.code == "TRAINED_STAFF" or (defn.code not in metrics.BUILT_IN_CODES
                                         and defn.cumulative):
        return target / 12
    return None


def _kpi_table(db: Database, values: Mapping[str, metrics.MetricValue], at: date,
               service_group: str | None) -> pd.DataFrame:
    defs = {d.code: d for d in metrics.catalogue(db)}
    end = _complete_months_end(at)
    start = (end.replace(day=1) - pd.DateOffset(months=SPC_MONTHS - 1)).date()
    charted = [code for code in values if code != "PORTFOLIO_RAG" and defs[code].series]
    all_series = dict(zip(charted, metrics.monthly_series_many(
        db, [(code, start, end) for code in charted], service_group), strict=True))
    rows = []
    for code, mv in values.items():
        if code == "PORTFOLIO_RAG":
            continue
        defn = defs[code]
        variation = assurance = None
        spc_summary = "No SPC chart for this measure."
        if defn.series:
            series = all_series[code]
            if series:
                result = compute_spc([v for _, v in series], [d for d, _ in series],
                                     direction=defn.direction,
                                     target=_monthly_target(defn, mv.target))
                variation, assurance, spc_summary = (result.variation_icon,
                                                     result.assurance_icon, result.summary)
            else:
                spc_summary = "No monthly values for an SPC chart."
        cumulative_ytd = defn.cumulative and mv.ytd_target is not None
        rows.append({
            "code": code,
            "metric": mv.name,
            "unit": mv.unit,
            "direction": mv.direction,
            "value": mv.value,
            "target": mv.target,
            "ytd_target": mv.ytd_target if defn.cumulative else None,
            "previous_year": mv.previous.value if mv.previous else None,
            "latest": fmt_value(mv.value, mv.unit),
            "target_text": (f"{fmt_value(mv.ytd_target, mv.unit)} to date "
                            f"({fmt_value(mv.target, mv.unit)} for the year)"
                            if cumulative_ytd else
                            fmt_value(mv.target, mv.unit) if mv.target is not None
                            else "no target"),
            "previous_text": fmt_value(mv.previous.value if mv.previous else None, mv.unit),
            "variation_icon": variation,
            "assurance_icon": assurance,
            "spc_summary": spc_summary,
            "data_to": mv.freshness,
        })
    return pd.DataFrame(rows)


def _rag_table(db: Database, fy: str, at: date, previous_date: date,
               service_group: str | None, now: metrics.MetricValue) -> pd.DataFrame:
    before = metrics.compute(db, "PORTFOLIO_RAG", fy_of(previous_date), previous_date,
                             service_group)
    now_counts = dict(now.breakdown or {})
    before_counts = dict(before.breakdown or {})
    return pd.DataFrame({
        "rag": list(RAG_ORDER),
        "previous": [before_counts.get(r) if before.breakdown is not None else None
                     for r in RAG_ORDER],
        "now": [now_counts.get(r) if now.breakdown is not None else None for r in RAG_ORDER],
    })


def _changes(db: Database, at: date, previous_date: date, service_group: str | None
             ) -> pd.DataFrame:
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
    return db.df(
        """
        SELECT coalesce(p.service_group, '(no project in register)') AS service_group,
               count(*) AS benefits,
               sum(b.target_value) AS planned_gbp,
               sum(b.realised_value) AS realised_gbp
        FROM benefits b LEFT JOIN projects p USING (project_id)
        WHERE b.category = 'Cash-releasing' AND b.target_date BETWEEN ? AND ?
          AND (?::VARCHAR IS NULL OR lower(trim(p.service_group)) = lower(trim(?)))
        GROUP BY 1 ORDER BY 1
        """,
        [start, end, service_group, service_group],
    )


def _risks(db: Database, at: date, service_group: str | None) -> pd.DataFrame:
    """The open Risks with the highest score (likelihood x impact) raised by ``at``."""
    return db.df(
        """
        SELECT r.raid_id, r.project_id, p.project_name, r.title, r.likelihood, r.impact,
               r.likelihood * r.impact AS score, r.owner, r.review_date, r.mitigation
        FROM raid r LEFT JOIN projects p USING (project_id)
        WHERE r.raid_type = 'Risk' AND r.status = 'Open'
          AND (r.raised_date IS NULL OR r.raised_date <= ?)
          AND (?::VARCHAR IS NULL OR lower(trim(p.service_group)) = lower(trim(?)))
        ORDER BY score DESC NULLS LAST, r.raised_date NULLS LAST, r.raid_id
        LIMIT ?
        """,
        [at, service_group, service_group, TOP_RISKS],
    )


def _older_than_limit(source: str, age_days: int) -> bool:
    """True when a source's data is older than its staleness threshold (None: never)."""
    limit = STALE_AFTER_DAYS.get(source)
    return limit is not None and age_days > limit


def _sources(db: Database, as_at: date) -> tuple[pd.DataFrame, tuple[str, ...]]:
    fresh = metrics.source_freshness(db)
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


def pack_content(db: Database, fy: str, as_at: date, service_group: str | None = None
                 ) -> PackContent:
    """Gather the board pack's content for a financial year and as-at date (see PackContent).

    ValueError if ``fy`` is not a financial year.
    """
    return _content(db, fy, as_at, service_group, full=True)


def _content(db: Database, fy: str, as_at: date, service_group: str | None, *, full: bool
             ) -> PackContent:
    """``pack_content``; with ``full=False`` only what the sentences read is gathered (the
    rest left empty), so the narrative a page shows costs half the queries."""
    fy = parse_fy(fy) or fy
    values = metrics.compute_all(db, fy, as_at, service_group)
    any_mv = next(iter(values.values()))
    at = any_mv.as_at
    previous_date = _month_before(at)
    empty = pd.DataFrame()
    kpis = _kpi_table(db, values, at, service_group)
    rag = (_rag_table(db, fy, at, previous_date, service_group, values["PORTFOLIO_RAG"])
           if full else empty)
    changes = _changes(db, at, previous_date, service_group)
    training = (metrics.cumulative_trained_by_month(db, fy, as_at, service_group) if full
                else empty)
    forecast = metrics.training_forecast(db, fy, as_at, service_group)
    plan, plan_chart = _plan(db, as_at) if full else (empty, empty)
    benefits = _benefits(db, fy, service_group)
    risks = _risks(db, at, service_group) if full else empty
    sources, caveats = _sources(db, as_at)
    content = PackContent(
        trust=trust_name(db) if full else "", fy=fy, as_at=as_at, at=at,
        service_group=service_group, previous_date=previous_date, sentences=(), kpis=kpis,
        rag=rag, rag_changes=changes, training=training, training_forecast=forecast.forecast,
        plan=plan, plan_chart=plan_chart, benefits=benefits, risks=risks, sources=sources,
        caveats=caveats, definitions=_definitions(db) if full else empty,
    )
    return replace(content, sentences=tuple(_sentences(content, values, forecast)))


# --- narrative -----------------------------------------------------------------------------


def _sentences(c: PackContent, values: Mapping[str, metrics.MetricValue],
               forecast: metrics.TrainingForecast) -> list[Sentence]:
    _, fy_end = fy_bounds(c.fy)
    year_over = c.at >= fy_end
    out: list[Sentence] = []

    mv = values["TRAINED_STAFF"]
    if mv.value is None:
        text = f"No training attendance is recorded for {c.fy} up to {fmt_date(c.at)}."
    else:
        n = int(mv.value)
        text = f"{n:,} staff trained"
        if year_over and mv.target is not None:
            text += f" in {c.fy} against a target of {fmt_value(mv.target, '')}"
            text += f" ({_pct(n, mv.target)})" if _pct(n, mv.target) else ""
        elif mv.ytd_target:
            text += (f" against a year-to-date target of {fmt_value(mv.ytd_target, '')}"
                     f" ({_pct(n, mv.ytd_target)})")
            if forecast.forecast is not None:
                text += f", on course for {round(forecast.forecast):,} by March"
                if mv.target is not None:
                    text += f" (target {fmt_value(mv.target, '')})"
        elif mv.target is not None:
            text += f" so far in {c.fy}; the year's target is {fmt_value(mv.target, '')}"
        else:
            text += f" in {c.fy} so far (the plan has no target)"
        text += "."
    out.append(Sentence("training", text))

    mv = values["PROJECTS_SUPPORTED"]
    if mv.value is None:
        text = f"The PMO service log has no data for {c.fy} up to {fmt_date(c.at)}."
    else:
        n = int(mv.value)
        text = f"{n:,} project{'s' if n != 1 else ''} given immersive PM support"
        if mv.ytd_target and not year_over:
            text += (f" against a year-to-date target of {fmt_value(mv.ytd_target, '')}"
                     f" ({_pct(n, mv.ytd_target)}); the year's target is "
                     f"{fmt_value(mv.target, '')}")
        elif mv.target is not None:
            text += f" in {c.fy} against a target of {fmt_value(mv.target, '')}"
            text += f" ({_pct(n, mv.target)})"
        text += "."
    out.append(Sentence("immersive", text))

    mv = values["PORTFOLIO_RAG"]
    if mv.value is None or mv.breakdown is None:
        text = "The project register is empty, so there is no portfolio RAG."
    else:
        bd = dict(mv.breakdown)
        parts = []
        groups = (("Red or Amber/Red", ("Red", "Amber/Red")), ("Amber", ("Amber",)),
                  ("Green or Amber/Green", ("Green", "Amber/Green")), ("Blue", ("Blue",)))
        for label, keys in groups:
            n = sum(bd.get(k, 0) for k in keys)
            if n:
                parts.append(f"{n} {label}")
        missing = bd.get("Not reported", 0)
        if missing:
            parts.append(f"{missing} with no highlight report")
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] \
            if parts else "none rated"
        text = f"Of {int(mv.value):,} active projects, {listed}."
        worse = int((c.rag_changes["direction"] == "worse").sum()) if len(c.rag_changes) else 0
        better = int((c.rag_changes["direction"] == "better").sum()) if len(c.rag_changes) else 0
        if worse or better:
            text += (f" Since {fmt_date(c.previous_date)}, {worse} project"
                     f"{'s' if worse != 1 else ''} worsened and {better} improved.")
        else:
            text += f" No project's overall RAG changed since {fmt_date(c.previous_date)}."
    out.append(Sentence("portfolio", text))

    mv = values["HIGHLIGHT_COMPLIANCE"]
    if mv.value is not None:
        text = (f"{fmt_value(mv.value, '%')} of active projects sent a highlight report in the "
                f"31 days to {fmt_date(c.at)}")
        text += f" (target {fmt_value(mv.target, '%')})." if mv.target is not None else "."
        out.append(Sentence("compliance", text))

    on_time, slip = values["MILESTONES_ON_TIME"], values["MILESTONE_SLIPPAGE_DAYS"]
    if on_time.value is None:
        text = f"No milestones were achieved in {c.fy} up to {fmt_date(c.at)}"
    else:
        text = f"{fmt_value(on_time.value, '%')} of milestones achieved in {c.fy} were on time"
        if on_time.target is not None:
            text += f" (target {fmt_value(on_time.target, '%')})"
    if slip.value is not None:
        days = float(slip.value)
        text += ("; the median milestone is on its baseline date" if days == 0 else
                 f"; the median milestone is {fmt_value(abs(days), 'days')} "
                 f"{'late' if days > 0 else 'early'}")
    out.append(Sentence("milestones", text + "."))

    mv = values["BENEFITS_REALISED_GBP"]
    if mv.value is None:
        text = f"No cash-releasing benefit due in {c.fy} has a realised value yet."
    else:
        text = (f"{fmt_value(mv.value, '£')} of cash-releasing benefits realised for benefits "
                f"due in {c.fy}")
        planned = c.benefits["planned_gbp"].sum() if len(c.benefits) else None
        if mv.target is not None:
            text += (f" against a target of {fmt_value(mv.target, '£')} "
                     f"({_pct(mv.value, mv.target)})")
        elif planned:
            text += f", of {fmt_value(float(planned), '£')} planned"
        text += "."
    out.append(Sentence("benefits", text))

    mv = values["OPEN_HIGH_RISKS"]
    if mv.value is not None:
        n = int(mv.value)
        text = (f"{n:,} open high risk{'s' if n != 1 else ''} (likelihood x impact 15 or "
                "more)")
        prev = mv.previous.value if mv.previous else None
        if prev is not None:
            d = n - int(prev)
            text += (", the same as a year earlier" if d == 0 else
                     f", {abs(d)} {'more' if d > 0 else 'fewer'} than a year earlier")
        out.append(Sentence("risks", text + "."))

    icons = [(r.metric, _icon_kind(r.variation_icon)) for r in c.kpis.itertuples()]
    improving = [m for m, k in icons if k and k.startswith("improvement")]
    concern = [m for m, k in icons if k and k.startswith("concern")]
    charted = [m for m, k in icons if k]
    if charted:
        bits = []
        if improving:
            bits.append("special cause improvement in " + _and(improving))
        if concern:
            bits.append("special cause concern in " + _and(concern))
        others = [m for m in charted if m not in improving and m not in concern]
        if bits:
            text = "SPC shows " + "; ".join(bits)
            if len(others) > 2:
                text += (f"; the other {len(others)} charted measures show common cause or "
                         "neutral variation")
            elif others:
                text += f"; common cause or neutral variation in {_and(others)}"
        else:
            text = f"SPC shows only common cause or neutral variation in {_and(others)}"
        out.append(Sentence("spc", text + "."))

    data = _data_sentence(c)
    if data:
        out.append(Sentence("data", data))
    return out


def _data_sentence(c: PackContent) -> str | None:
    """One sentence on stale sources and rejected rows (None when there is nothing to say)."""
    bits = []
    stale = [r for r in c.sources.itertuples() if str(r.caveat or "").find("stale") >= 0]
    if stale:
        bits.append(_and([f"{r.title} ({int(r.age_days)} days)" for r in stale])
                    + (" are" if len(stale) > 1 else " is")
                    + " older than usual at the as-at date")
    rejected = int(c.sources["rejected_last_import"].fillna(0).sum()) if len(c.sources) else 0
    if rejected:
        where = int((c.sources["rejected_last_import"].fillna(0) > 0).sum())
        bits.append(f"{rejected} row{'s' if rejected != 1 else ''} in {where} source"
                    f"{'s' if where != 1 else ''} failed validation at the last import and "
                    "are left out (see Data sources)")
    if not bits:
        return None
    text = "; ".join(bits)
    return f"Data caveats: {text}."


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def narrative(db: Database, fy: str, as_at: date, service_group: str | None = None
              ) -> list[Sentence]:
    """The pack's executive-summary sentences, generated from the metric catalogue.

    One sentence each (in this order, left out when the data say nothing): training reach
    ("87 staff trained against a year-to-date target of 80 (109%), on course for 126 by
    March"), immersive support, portfolio RAG and changes in the month before the evaluation
    date, highlight compliance, milestones, cash-releasing benefits, open high risks, SPC
    special causes, data caveats. Deterministic: same database and parameters, same words.
    """
    return list(_content(db, fy, as_at, service_group, full=False).sentences)


# --- the pack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardPack:
    """The three files of a board pack (bytes and file names) and the sentences used."""

    fy: str
    as_at: date
    trust: str
    sentences: tuple[Sentence, ...]
    pptx: bytes
    html: bytes
    xlsx: bytes
    pptx_name: str
    html_name: str
    xlsx_name: str
    paths: tuple[Path, ...] = ()

    def files(self) -> dict[str, bytes]:
        """File name -> bytes, in the order PowerPoint, HTML, XLSX."""
        return {self.pptx_name: self.pptx, self.html_name: self.html, self.xlsx_name: self.xlsx}


def file_stem(trust: str, fy: str, as_at: date, service_group: str | None = None) -> str:
    """``Northshire-Hospitals-NHS-Foundation-Trust_PMO-board-pack_2025-26_2026-11-21``."""
    parts = [_slug(trust), "PMO-board-pack", fy.replace("/", "-")]
    if service_group:
        parts.append(_slug(service_group))
    parts.append(as_at.isoformat())
    return "_".join(parts)


def build_pack(
    db: Database,
    fy: str,
    as_at: date,
    *,
    sentences: Sequence[Sentence | str] | None = None,
    out_dir: Path | str | None = None,
    service_group: str | None = None,
) -> BoardPack:
    """Build the PowerPoint, HTML and XLSX for a financial year and as-at date.

    ``sentences`` replaces the generated narrative (the author's edits; blank ones dropped).
    With ``out_dir`` the three files are also written there (folder created).
    """
    content = pack_content(db, fy, as_at, service_group)
    if sentences is not None:
        edited = []
        for i, s in enumerate(sentences):
            text = s.text if isinstance(s, Sentence) else str(s)
            key = s.key if isinstance(s, Sentence) else (
                content.sentences[i].key if i < len(content.sentences) else f"note{i + 1}")
            if text.strip():
                edited.append(Sentence(key, text.strip()))
        content = replace(content, sentences=tuple(edited))
    stem = file_stem(content.trust, content.fy, as_at, service_group)
    from pmo_data.pack_network import add_benchmarking_slide  # when peers shared (issue 18)

    pptx = render_pptx(content)
    if not service_group:  # the network compares whole trusts
        pptx = add_benchmarking_slide(pptx, db, content.fy, as_at, content.trust)
    pack = BoardPack(
        fy=content.fy, as_at=as_at, trust=content.trust, sentences=content.sentences,
        pptx=pptx, html=render_html(content).encode("utf-8"),
        xlsx=render_xlsx(content), pptx_name=f"{stem}.pptx", html_name=f"{stem}.html",
        xlsx_name=f"{stem}.xlsx",
    )
    if out_dir is not None:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in pack.files().items():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        pack = replace(pack, paths=tuple(paths))
    return pack


# --- shared slide/section text -------------------------------------------------------------


SECTION_TITLES = {
    "title": "PMO board report",
    "summary": "Executive summary",
    "kpis": "Performance against plan",
    "portfolio": "Portfolio RAG and changes since the previous report",
    "training": "Training reach",
    "plan": "Five-year plan",
    "benefits": "Benefits",
    "risks": "Top risks",
    "sources": "Data sources",
}

ICON_TEXT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
    "pass": "Pass: target met",
    "fail": "Fail: target missed",
    "hit_or_miss": "Hit or miss",
}


def _subtitle(c: PackContent) -> str:
    scope = c.service_group or "all service groups"
    return f"Financial year {c.fy} · as at {fmt_date(c.as_at)} · {scope}"


def _month_labels(frame: pd.DataFrame) -> list[str]:
    return [f"{pd.Timestamp(m):%b %Y}" for m in frame["month"]]


def _num(value: Any) -> float | None:
    value = _plain(value)
    return None if value is None else float(value)


def _rag_summary(c: PackContent) -> str:
    now = {r.rag: r.now for r in c.rag.itertuples()}
    total = sum(int(v) for v in now.values() if v is not None and not pd.isna(v))
    return (f"{total} active projects at {fmt_date(c.at)} by latest overall RAG, against "
            f"{fmt_date(c.previous_date)}; {len(c.rag_changes)} changed RAG in between.")


def _training_summary(c: PackContent) -> str:
    if c.training.empty:
        return f"No training attendance recorded for {c.fy}."
    last = c.training.iloc[-1]
    text = (f"{int(last['trained_cumulative']):,} staff trained by {fmt_date(c.at)}")
    target = _num(last["pro_rata_target"])
    if target is not None:
        text += f" against a pro-rata target of {fmt_value(target, '')}"
    if c.training_forecast is not None:
        text += f"; run-rate forecast {round(c.training_forecast):,} by 31 March"
    return text + "."


def _plan_summary(c: PackContent) -> str:
    years = len(c.plan_chart)
    return (f"Staff trained against the five-year plan target for each of {years} financial "
            "years (actuals for years begun by the as-at date).")


def _benefits_summary(c: PackContent) -> str:
    if c.benefits.empty:
        return f"No cash-releasing benefits are due in {c.fy}."
    planned = float(c.benefits["planned_gbp"].fillna(0).sum())
    realised = float(c.benefits["realised_gbp"].fillna(0).sum())
    return (f"Cash-releasing benefits due in {c.fy}: {fmt_value(realised, '£')} realised of "
            f"{fmt_value(planned, '£')} planned, by service group.")


# --- PowerPoint ----------------------------------------------------------------------------


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def render_pptx(c: PackContent) -> bytes:
    """The pack as a 16:9 PowerPoint deck with native, editable charts (see the module doc)."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    stamp = datetime.combine(c.as_at, datetime.min.time())
    props = prs.core_properties
    props.title = f"{c.trust} {SECTION_TITLES['title']} {c.fy}"
    props.author = f"{c.trust} PMO"
    props.last_modified_by = f"{c.trust} PMO"
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    footer = f"{c.trust} · PMO board report · {c.fy} · as at {fmt_date(c.as_at)}"
    page = [0]

    def text_box(slide: Any, left: float, top: float, width: float, height: float,
                 lines: Sequence[str], size: int = 14, colour: str = "#231F20",
                 bold: bool = False, bullets: bool = False) -> Any:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = ("•  " if bullets else "") + line
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = "Arial"
            run.font.color.rgb = _rgb(colour)
            para.space_after = Pt(8 if bullets else 2)
        return box

    def new_slide(key: str) -> Any:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        title = slide.shapes.title
        title.left, title.top = Inches(0.5), Inches(0.3)
        title.width, title.height = Inches(12.3), Inches(0.9)
        title.text = SECTION_TITLES[key]
        para = title.text_frame.paragraphs[0]
        para.alignment = 1  # left
        for run in para.runs:
            run.font.size, run.font.bold, run.font.name = Pt(28), True, "Arial"
            run.font.color.rgb = _rgb(NHS_BLUE)
        page[0] += 1
        text_box(slide, 0.5, 7.0, 11.0, 0.35, [footer], size=10, colour=NHS_DARK_GREY)
        text_box(slide, 12.2, 7.0, 0.8, 0.35, [str(page[0] + 1)], size=10, colour=NHS_DARK_GREY)
        return slide

    def table(slide: Any, frame: Sequence[Sequence[str]], left: float, top: float,
              width: float, col_widths: Sequence[float], size: int = 11,
              fills: Mapping[tuple[int, int], tuple[str, str]] | None = None,
              row_height: float = 0.3) -> Any:
        rows, cols = len(frame), len(frame[0])
        shape = slide.shapes.add_table(rows, cols, Inches(left), Inches(top), Inches(width),
                                       Inches(0.3 * rows))
        tbl = shape.table
        for j, w in enumerate(col_widths):
            tbl.columns[j].width = Inches(w)
        for i in range(rows):
            tbl.rows[i].height = Inches(row_height)
        for i, row in enumerate(frame):
            for j, value in enumerate(row):
                cell = tbl.cell(i, j)
                cell.text = str(value)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                cell.margin_left = cell.margin_right = Inches(0.06)
                para = cell.text_frame.paragraphs[0]
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.name = "Arial"
                    run.font.bold = i == 0
                    if i == 0:
                        run.font.color.rgb = _rgb(NHS_WHITE)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(NHS_DARK_BLUE if i == 0 else
                                                NHS_WHITE if i % 2 else NHS_PALE_GREY)
                if fills and (i, j) in fills:
                    back, fore = fills[(i, j)]
                    cell.fill.fore_color.rgb = _rgb(back)
                    for run in para.runs:
                        run.font.color.rgb = _rgb(fore)
                        run.font.bold = True
        return shape

    def chart(slide: Any, kind: Any, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[float | None]]], left: float, top: float,
              width: float, height: float, number_format: str = "#,##0",
              colours: Sequence[str] = (NHS_BLUE, NHS_MID_GREY, NHS_WARM_YELLOW),
              title: str = "") -> Any:
        data = CategoryChartData(number_format=number_format)
        data.categories = list(categories)
        for name, values in series:
            data.add_series(name, [None if v is None else float(v) for v in values])
        frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width),
                                       Inches(height), data)
        ch = frame.chart
        ch.has_legend = True
        ch.legend.position = XL_LEGEND_POSITION.TOP
        ch.legend.include_in_layout = False
        ch.font.size = Pt(12)
        ch.font.name = "Arial"
        if title:
            ch.has_title = True
            ch.chart_title.text_frame.text = title
            for run in ch.chart_title.text_frame.paragraphs[0].runs:
                run.font.size = Pt(14)
                run.font.bold = True
        if kind in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED):
            ch.value_axis.minimum_scale = 0
            ch.value_axis.tick_labels.number_format = number_format
            ch.value_axis.tick_labels.number_format_is_linked = False
        if kind == XL_CHART_TYPE.BAR_CLUSTERED:
            ch.category_axis.reverse_order = True  # first category at the top, as in the table
        plot = ch.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = number_format
        plot.data_labels.number_format_is_linked = False
        for s, colour in zip(plot.series, colours, strict=False):
            fmt = s.format
            if kind in (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.LINE):
                fmt.line.color.rgb = _rgb(colour)
                fmt.line.width = Pt(2.5)
                s.smooth = False
            else:
                fmt.fill.solid()
                fmt.fill.fore_color.rgb = _rgb(colour)
        return frame

    # 1. title slide
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = f"{c.trust}\n{SECTION_TITLES['title']}"
    for para in slide.shapes.title.text_frame.paragraphs:
        for run in para.runs:
            run.font.name, run.font.bold = "Arial", True
            run.font.color.rgb = _rgb(NHS_BLUE)
    slide.shapes.title.left, slide.shapes.title.width = Inches(0.8), Inches(11.7)
    slide.shapes.title.top, slide.shapes.title.height = Inches(1.6), Inches(2.4)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.width = Inches(0.8), Inches(11.7)
    subtitle.top, subtitle.height = Inches(4.3), Inches(1.0)
    subtitle.text = _subtitle(c)

    # 2. executive summary
    slide = new_slide("summary")
    text_box(slide, 0.6, 1.3, 12.1, 5.6, [s.text for s in c.sentences], size=16, bullets=True)

    # 3. KPI table (continued on further slides when the plan has many KPIs)
    from pmo_data.charts.spc import ICONS

    header = ["Measure", "Latest", "Target", "Last year", "Variation", "Assurance", "Data to"]
    kpi_rows = list(c.kpis.itertuples())
    for first in range(0, max(1, len(kpi_rows)), KPI_ROWS_PER_SLIDE):
        slide = new_slide("kpis")
        if first:
            slide.shapes.title.text_frame.paragraphs[0].runs[0].text += " (continued)"
        body: list[list[str]] = [header]
        fills: dict[tuple[int, int], tuple[str, str]] = {}
        for i, r in enumerate(kpi_rows[first:first + KPI_ROWS_PER_SLIDE], start=1):
            variation, assurance = _icon_kind(r.variation_icon), _icon_kind(r.assurance_icon)
            data_to = _plain(r.data_to)
            body.append([r.metric, r.latest, r.target_text, r.previous_text,
                         ICON_TEXT.get(variation or "", "–"), ICON_TEXT.get(assurance or "", "–"),
                         f"{data_to:%d %b %Y}" if data_to else "no data"])
            for j, kind in ((4, variation), (5, assurance)):
                if kind in ICONS:
                    fills[(i, j)] = (ICONS[kind].colour, ICONS[kind].text_colour)
        table(slide, body, 0.4, 1.15, 12.5, [3.4, 1.0, 2.8, 1.0, 1.7, 1.5, 1.1], size=10,
              fills=fills, row_height=0.36)
        text_box(slide, 0.4, 6.55, 12.5, 0.4,
                 ["Variation and assurance: NHS England Making Data Count icons from an XmR "
                  f"chart of up to {SPC_MONTHS} complete months; – means no monthly series or "
                  "too few points."], size=10, colour=NHS_DARK_GREY)

    # 4. portfolio RAG and changes
    slide = new_slide("portfolio")
    frame = chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, list(c.rag["rag"]),
                  [(f"Previous ({c.previous_date:%d %b %Y})", list(c.rag["previous"])),
                   (f"Now ({c.at:%d %b %Y})", list(c.rag["now"]))],
                  0.4, 1.2, 6.6, 5.2, colours=(NHS_DARK_GREY, NHS_BLUE))
    now_series = frame.chart.plots[0].series[1]
    for i, rag in enumerate(c.rag["rag"]):
        point = now_series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(RAG_COLOURS.get(rag, NHS_BLUE))
    rows = [["Project", "From", "To", "Date"]]
    for r in c.rag_changes.head(MAX_CHANGES_SHOWN).itertuples():
        rows.append([f"{r.project_id} {r.project_name or ''}".strip()[:38], r.from_rag,
                     r.to_rag, f"{pd.Timestamp(r.to_date):%d %b}"])
    if len(rows) == 1:
        rows.append(["No RAG changes in the month", "", "", ""])
    table(slide, rows, 7.2, 1.2, 5.7, [2.9, 1.05, 1.05, 0.7], size=10)
    text_box(slide, 0.4, 6.45, 12.5, 0.5, [_rag_summary(c)], size=11, colour=NHS_DARK_GREY)

    # 5. training reach
    slide = new_slide("training")
    if c.training.empty:
        text_box(slide, 0.6, 1.4, 12, 1, [_training_summary(c)], size=16)
    else:
        chart(slide, XL_CHART_TYPE.LINE_MARKERS, _month_labels(c.training),
              [("Staff trained (cumulative)", list(c.training["trained_cumulative"])),
               ("Pro-rata target", [_num(v) for v in c.training["pro_rata_target"]])],
              0.4, 1.2, 12.5, 5.2, colours=(NHS_BLUE, NHS_WARM_YELLOW))
        text_box(slide, 0.4, 6.45, 12.5, 0.5, [_training_summary(c)], size=11,
                 colour=NHS_DARK_GREY)

    # 6. five-year plan
    slide = new_slide("plan")
    if not c.plan_chart.empty:
        chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, list(c.plan_chart["financial_year"]),
              [("Target", [_num(v) for v in c.plan_chart["target"]]),
               ("Actual", [_num(v) for v in c.plan_chart["actual"]])],
              0.4, 1.2, 5.6, 5.2, colours=(NHS_MID_GREY, NHS_BLUE),
              title="Staff trained: plan and actual")
    years = sorted(set(c.plan["financial_year"]))
    rows = [["KPI", *years]]
    for code in dict.fromkeys(c.plan["kpi_code"]):
        part = c.plan[c.plan["kpi_code"] == code].set_index("financial_year")
        unit = str(part["unit"].iloc[0])
        cells = []
        for fy in years:
            if fy not in part.index:
                cells.append("–")
                continue
            target, actual = _num(part.loc[fy, "target"]), _num(part.loc[fy, "actual"])
            text = fmt_value(target, unit) if target is not None else "–"
            if actual is not None:
                text += f" ({fmt_value(actual, unit)})"
            cells.append(text)
        rows.append([str(part["kpi_name"].iloc[0])[:40], *cells])
    if len(rows) > 1:
        widths = [2.6] + [(6.6 - 2.6) / max(1, len(years))] * len(years)
        table(slide, rows, 6.3, 1.2, 6.6, widths, size=9)
    text_box(slide, 0.4, 6.45, 12.5, 0.5,
             [_plan_summary(c) + " Table: target (actual so far) for each year."], size=11,
             colour=NHS_DARK_GREY)

    # 7. benefits
    slide = new_slide("benefits")
    if c.benefits.empty:
        text_box(slide, 0.6, 1.4, 12, 1, [_benefits_summary(c)], size=16)
    else:
        chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, list(c.benefits["service_group"]),
              [("Planned (£)", [_num(v) for v in c.benefits["planned_gbp"]]),
               ("Realised (£)", [_num(v) for v in c.benefits["realised_gbp"]])],
              0.4, 1.2, 12.5, 5.2, number_format='"£"#,##0', colours=(NHS_MID_GREY, NHS_BLUE))
        text_box(slide, 0.4, 6.45, 12.5, 0.5, [_benefits_summary(c)], size=11,
                 colour=NHS_DARK_GREY)

    # 8. top risks
    slide = new_slide("risks")
    rows = [["Ref", "Project", "Risk", "Score", "Owner", "Review"]]
    for r in c.risks.itertuples():
        review = _plain(r.review_date)
        rows.append([str(r.raid_id), str(r.project_name or r.project_id or "")[:30],
                     str(r.title or "")[:70], "" if _num(r.score) is None else
                     f"{int(_num(r.score) or 0)}", str(_plain(r.owner) or ""),
                     f"{review:%d %b %Y}" if review else ""])
    if len(rows) == 1:
        rows.append(["", "", "No open risks", "", "", ""])
    table(slide, rows, 0.4, 1.2, 12.5, [1.1, 2.6, 5.4, 0.8, 1.4, 1.2], size=10)

    # 9. data sources
    slide = new_slide("sources")
    rows = [["Source", "File", "Imported", "Rows", "Data to", "Caveat"]]
    for r in c.sources.itertuples():
        imported = _plain(r.imported)
        data_to = _plain(r.data_to)
        rows.append([r.title, str(r.file or "–"),
                     f"{imported:%d %b %Y}" if imported else "–", f"{int(r.rows):,}",
                     f"{data_to:%d %b %Y}" if data_to else "–", str(r.caveat or "")])
    table(slide, rows, 0.4, 1.2, 12.5, [2.0, 2.6, 1.3, 0.8, 1.3, 4.5], size=9)

    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


# --- HTML ----------------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#231F20;margin:0;background:#E8EDEE}
main{max-width:1100px;margin:0 auto}
section{background:#fff;margin:16px;padding:24px 32px;break-after:page;page-break-after:always}
section:last-child{break-after:auto;page-break-after:auto}
h1{color:#005EB8;font-size:32px;margin:0 0 8px}
h2{color:#005EB8;font-size:24px;margin:0 0 12px;border-bottom:3px solid #005EB8;padding-bottom:4px}
p.sub{font-size:18px;color:#425563}
p.note,figcaption{font-size:13px;color:#425563}
ul.summary li{font-size:17px;margin:0 0 10px;line-height:1.4}
table{border-collapse:collapse;width:100%;font-size:13px}
th{background:#003087;color:#fff;text-align:left;padding:6px}
td{padding:5px 6px;border-bottom:1px solid #E8EDEE;vertical-align:top}
td.num{text-align:right}
.icon{display:inline-flex;align-items:center;gap:6px}
.cols{display:flex;gap:24px;align-items:flex-start}
.cols>*{flex:1}
#risks td:first-child{white-space:nowrap}
footer{font-size:12px;color:#425563;margin-top:16px}
@page{size:A4 landscape;margin:12mm}
@media print{body{background:#fff}section{margin:0;padding:0 0 8mm}main{max-width:none}}
"""


def _td(value: Any, num: bool = False) -> str:
    text = "" if value is None else str(value)
    return f'<td class="num">{escape(text)}</td>' if num else f"<td>{escape(text)}</td>"


def _table_html(header: Sequence[str], rows: Sequence[Sequence[str]],
                num_cols: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(v, j in num_cols) for j, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _icon_kind(value: Any) -> str | None:
    value = _plain(value)
    return str(value) if value else None


def _icon_html(kind: str | None) -> str:
    kind = _icon_kind(kind)
    if not kind:
        return "–"
    from pmo_data.charts.spc import spc_icon_svg

    svg = spc_icon_svg(kind, size=22).replace(' xmlns="http://www.w3.org/2000/svg"', "")
    return f'<span class="icon">{svg}{escape(ICON_TEXT.get(kind, kind))}</span>'


def render_html(c: PackContent) -> str:
    """The pack as one self-contained, printable HTML page (every text escaped)."""
    footer = (f"<footer>{escape(c.trust)} · PMO board report · {escape(c.fy)} · as at "
              f"{escape(fmt_date(c.as_at))}</footer>")
    parts: list[str] = []

    def section(key: str, inner: str) -> None:
        parts.append(f'<section id="{key}"><h2>{escape(SECTION_TITLES[key])}</h2>{inner}'
                     f"{footer}</section>")

    parts.append(f'<section id="title"><h1>{escape(c.trust)}</h1>'
                 f"<h1>{escape(SECTION_TITLES['title'])}</h1>"
                 f'<p class="sub">{escape(_subtitle(c))}</p>{footer}</section>')
    section("summary", '<ul class="summary">'
            + "".join(f"<li>{escape(s.text)}</li>" for s in c.sentences) + "</ul>")

    kpi_rows = []
    for r in c.kpis.itertuples():
        data_to = _plain(r.data_to)
        kpi_rows.append("<tr>" + _td(r.metric) + _td(r.latest, True) + _td(r.target_text)
                        + _td(r.previous_text, True) + f"<td>{_icon_html(r.variation_icon)}</td>"
                        + f"<td>{_icon_html(r.assurance_icon)}</td>"
                        + _td(fmt_date(data_to) if data_to else "no data") + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Measure", "Latest", "Target", "Last year",
                                             "Variation", "Assurance", "Data to"))
    section("kpis", f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(kpi_rows)}"
            "</tbody></table><p class=\"note\">Variation and assurance: NHS England Making "
            f"Data Count icons from an XmR chart of up to {SPC_MONTHS} complete months; – "
            "means no monthly series or too few points.</p>")

    rag_svg = bar_chart(
        list(c.rag["rag"]),
        [SvgSeries(f"Previous ({c.previous_date:%d %b %Y})",
                   tuple(_num(v) for v in c.rag["previous"]), NHS_DARK_GREY),
         SvgSeries(f"Now ({c.at:%d %b %Y})", tuple(_num(v) for v in c.rag["now"]), NHS_BLUE,
                   tuple(RAG_COLOURS.get(r, NHS_BLUE) for r in c.rag["rag"]))],
        title="Active projects by latest overall RAG", description=_rag_summary(c))
    changes = [[f"{r.project_id} {r.project_name or ''}".strip(), r.from_rag, r.to_rag,
                f"{pd.Timestamp(r.to_date):%d %b %Y}", r.direction]
               for r in c.rag_changes.itertuples()]
    section("portfolio", f"<figure>{rag_svg}<figcaption>{escape(_rag_summary(c))}"
            "</figcaption></figure>"
            + (_table_html(["Project", "From", "To", "Report date", "Change"], changes)
               if changes else "<p>No RAG changes in the month.</p>"))

    if c.training.empty:
        section("training", f"<p>{escape(_training_summary(c))}</p>")
    else:
        svg = line_chart(
            _month_labels(c.training),
            [SvgSeries("Staff trained (cumulative)",
                       tuple(_num(v) for v in c.training["trained_cumulative"]), NHS_BLUE),
             SvgSeries("Pro-rata target", tuple(_num(v) for v in c.training["pro_rata_target"]),
                       NHS_WARM_YELLOW)],
            title="Staff trained this year", description=_training_summary(c),
            dashed=("Pro-rata target",))
        section("training", f"<figure>{svg}<figcaption>{escape(_training_summary(c))}"
                "</figcaption></figure>")

    years = sorted(set(c.plan["financial_year"]))
    plan_rows = []
    for code in dict.fromkeys(c.plan["kpi_code"]):
        part = c.plan[c.plan["kpi_code"] == code].set_index("financial_year")
        unit = str(part["unit"].iloc[0])
        cells = [str(part["kpi_name"].iloc[0])]
        for fy in years:
            if fy not in part.index:
                cells.append("–")
                continue
            target, actual = _num(part.loc[fy, "target"]), _num(part.loc[fy, "actual"])
            text = fmt_value(target, unit) if target is not None else "–"
            if actual is not None:
                text += f" ({fmt_value(actual, unit)})"
            cells.append(text)
        plan_rows.append(cells)
    plan_svg = bar_chart(
        list(c.plan_chart["financial_year"]),
        [SvgSeries("Target", tuple(_num(v) for v in c.plan_chart["target"]), NHS_MID_GREY),
         SvgSeries("Actual", tuple(_num(v) for v in c.plan_chart["actual"]), NHS_BLUE)],
        title="Staff trained: plan and actual", description=_plan_summary(c), height=300,
    ) if not c.plan_chart.empty else ""
    section("plan", f"<figure>{plan_svg}<figcaption>{escape(_plan_summary(c))}</figcaption>"
            "</figure>" + (_table_html(["KPI", *years], plan_rows) if plan_rows else "")
            + '<p class="note">Each cell: target (actual so far).</p>')

    if c.benefits.empty:
        section("benefits", f"<p>{escape(_benefits_summary(c))}</p>")
    else:
        svg = bar_chart(
            list(c.benefits["service_group"]),
            [SvgSeries("Planned", tuple(_num(v) for v in c.benefits["planned_gbp"]),
                       NHS_MID_GREY),
             SvgSeries("Realised", tuple(_num(v) for v in c.benefits["realised_gbp"]),
                       NHS_BLUE)],
            title="Cash-releasing benefits by service group", description=_benefits_summary(c),
            unit="£")
        section("benefits", f"<figure>{svg}<figcaption>{escape(_benefits_summary(c))}"
                "</figcaption></figure>")

    risk_rows = [[r.raid_id, r.project_name or r.project_id or "", r.title or "",
                  "" if _num(r.score) is None else str(int(_num(r.score) or 0)),
                  _plain(r.owner) or "",
                  fmt_date(_plain(r.review_date)) if _plain(r.review_date) else "",
                  _plain(r.mitigation) or ""] for r in c.risks.itertuples()]
    section("risks", _table_html(["Ref", "Project", "Risk", "Score", "Owner", "Review",
                                  "Mitigation"], risk_rows, num_cols=(3,))
            if risk_rows else "<p>No open risks.</p>")

    source_rows = [[r.title, r.file or "–",
                    f"{_plain(r.imported):%d %b %Y %H:%M}" if _plain(r.imported) else "–",
                    f"{int(r.rows):,}",
                    fmt_date(_plain(r.data_to)) if _plain(r.data_to) else "–", r.caveat or ""]
                   for r in c.sources.itertuples()]
    caveats = ("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in c.caveats) + "</ul>"
               if c.caveats else "<p>No caveats: every source is fresh and complete.</p>")
    section("sources", _table_html(["Source", "File", "Imported", "Rows", "Data to", "Caveat"],
                                   source_rows, num_cols=(3,)) + "<h3>Caveats</h3>" + caveats)

    title = f"{c.trust} PMO board report {c.fy} as at {fmt_date(c.as_at)}"
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")


# --- XLSX ----------------------------------------------------------------------------------


def render_xlsx(c: PackContent) -> bytes:
    """The data behind every chart and table, a sheet each, with a README of definitions."""
    readme_rows = [
        ("Pack", "Report", f"{c.trust} PMO board report"),
        ("Pack", "Financial year", c.fy),
        ("Pack", "As at", c.as_at.isoformat()),
        ("Pack", "Evaluated at", f"{c.at.isoformat()} (the as-at date, or the end of the "
                                 "financial year if earlier)"),
        ("Pack", "Service group", c.service_group or "All service groups"),
        ("Pack", "Previous report date", f"{c.previous_date.isoformat()} (one month before "
                                         "the evaluation date)"),
    ]
    sheets_doc = {
        "Definitions": "The metric catalogue: code, name, definition, unit, direction, target "
                       "source, data owner.",
        "Summary": "The executive-summary sentences, as edited by the author.",
        "KPIs": "Each measure: value, target, year-to-date target, last year, SPC icons.",
        "Portfolio RAG": "Active projects by latest overall RAG, previous report date and now.",
        "RAG changes": "Projects whose RAG changed between the previous report date and now.",
        "Training": "Distinct staff trained, cumulative by month, and the pro-rata target.",
        "Five-year plan": "Every plan KPI's target per financial year, and the actual so far.",
        "Benefits": "Cash-releasing benefits due in the year by service group (pounds).",
        "Top risks": f"The {TOP_RISKS} open risks with the highest likelihood x impact.",
        "Data sources": "Each source's file, import date, rows, latest data date, caveats.",
    }
    readme_rows += [("Sheet", k, v) for k, v in sheets_doc.items()]
    readme_rows += [("Metric", f"{d.code}: {d.name}",
                     f"{d.definition} Unit: {d.unit or 'none'}; better: {d.direction}; "
                     f"target: {d.target_source}; data owner: {d.data_owner}.")
                    for d in c.definitions.itertuples()]
    readme = pd.DataFrame(readme_rows, columns=["section", "name", "description"])
    definitions = c.definitions.copy()
    sheets: dict[str, pd.DataFrame] = {
        "README": readme,
        "Definitions": definitions,
        "Summary": pd.DataFrame({"key": [s.key for s in c.sentences],
                                 "sentence": [s.text for s in c.sentences]}),
        "KPIs": c.kpis,
        "Portfolio RAG": c.rag,
        "RAG changes": c.rag_changes,
        "Training": c.training,
        "Five-year plan": c.plan,
        "Benefits": c.benefits,
        "Top risks": c.risks,
        "Data sources": c.sources,
    }
    return xlsx_bytes(sheets, when=c.as_at)


__all__ = [
    "BoardPack",
    "PackContent",
    "Sentence",
    "build_pack",
    "csv_bytes",
    "file_stem",
    "fmt_value",
    "narrative",
    "pack_content",
    "render_html",
    "render_pptx",
    "render_xlsx",
    "trust_name",
    "xlsx_bytes",
]
