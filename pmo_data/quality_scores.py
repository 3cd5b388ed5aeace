"""How good is our data? A score per source, stale-source warnings and freshness lines.

Why this module exists: a board figure is only as good as the export behind it, and NHS
PMOs find it hard to say how complete, valid, timely and unique their registers are. This
module measures each source on four dimensions, from the database and its import log:

- completeness: share of filled cells in the contract's columns, required and optional
  reported separately (a RAG cell saying "Not reported" counts as empty: it is no status);
- validity: rows loaded / rows read in the source's latest import;
- timeliness: age in days of the newest record (dates after ``today`` ignored) and of the
  last import, judged against a per-source threshold (``STALE_AFTER_DAYS``, a setting);
- duplicates: rows sharing the source's key (``schema.Source.key``) in the database.

The Data quality page shows ``score_table``; the Overview warns with ``stale_sources``;
every page's freshness caption comes from ``freshness`` / ``page_freshness``. No streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from pmo_data.db import Database
from pmo_data.freshness import labelled
from pmo_data.schema import SOURCES, SOURCES_LIST, Source

#: Default thresholds: a source is stale when its age (see ``SourceScore.basis``) exceeds
#: this many days. None: never stale (plans). Override per call with ``stale_after``.
STALE_AFTER_DAYS: dict[str, int | None] = {
    "projects": 31,          # the register should be refreshed monthly
    "status_reports": 35,    # monthly highlight reports, with a few days' grace
    "milestones": 62,        # some milestone is achieved most months in a live portfolio
    "benefits": 92,          # benefits are reviewed quarterly
    "raid": 31,              # RAID logs are reviewed monthly
    "training": 60,          # courses run at least every couple of months
    "service_requests": 31,  # the PMO's own log
    "kpi_plan": None,        # a plan is never stale
    "kpi_actuals": 62,       # monthly figures dated the first of their month
    "maturity": 400,         # an annual self-assessment
}

#: The columns whose dates say when something happened in each source (the registry's
#: ``Source.event_columns``). A source with none is judged on its last import.
RECORD_DATES: dict[str, tuple[str, ...]] = {n: s.event_columns for n, s in SOURCES.items()}
#: Rows whose record dates count (training: places with an outcome, not future bookings).
_RECORD_FILTER: dict[str, str] = {n: s.event_filter for n, s in SOURCES.items()}
#: Short names for freshness captions ("highlight report data up to 31 Oct 2026").
SHORT_NAMES: dict[str, str] = {n: s.short_name for n, s in SOURCES.items()}

#: The sources behind each page (file stem), for its freshness line.
PAGE_SOURCES: dict[str, tuple[str, ...]] = {
    "overview": ("projects", "status_reports", "training", "service_requests", "kpi_actuals"),
    "portfolio": ("projects", "status_reports", "milestones"),
    "benefits": ("benefits", "projects"),
    "risks": ("raid",),
    "portfolio_history": ("status_reports", "projects", "milestones"),
    "estimates": ("projects",),
    "training": ("training",),
    "services": ("service_requests",),
    "kpis": ("kpi_plan", "kpi_actuals"),
    "maturity": ("maturity",),
}


@dataclass(frozen=True)
class SourceScore:
    """The quality of one source. Percentages are 0-100; None means "cannot be measured"
    (no rows, never imported, no optional columns, no key, no threshold)."""

    source: str
    title: str
    rows: int
    required_completeness_pct: float | None
    optional_completeness_pct: float | None
    rows_read: int | None
    rows_loaded: int | None
    validity_pct: float | None
    newest_record: date | None
    record_age_days: int | None
    last_import: datetime | None
    import_age_days: int | None
    stale_after_days: int | None
    basis: str | None  # "newest record" or "last import": which age the threshold judges
    stale: bool | None
    duplicate_rows: int | None
    score: float | None

    @property
    def age_days(self) -> int | None:
        """The age the threshold judges (record age, or import age without record dates)."""
        return self.record_age_days if self.basis == "newest record" else self.import_age_days


def _thresholds(stale_after: tuple[tuple[str, int | None], ...] | Mapping[str, int | None]
                ) -> dict[str, int | None]:
    out = dict(STALE_AFTER_DAYS)
    out.update(dict(stale_after))
    return out


def _filled(source: Source, column: str) -> str:
    col = source.column(column)
    if col.vocab == "rag":  # "Not reported" is the vocabulary's word for a blank RAG
        return (f"count(*) FILTER (WHERE \"{column}\" IS NOT NULL "
                f"AND \"{column}\" <> 'Not reported')")
    return f'count("{column}")'


def _newest_expr(source: Source) -> str:
    """SQL for the newest record date of a source on or before ``$today`` (NULL without
    record dates). Column names come from the registry only."""
    dates = RECORD_DATES.get(source.name, ())
    where = _RECORD_FILTER.get(source.name, "TRUE")
    return ("greatest(" + ", ".join(
        f"max(\"{c}\") FILTER (WHERE {where} AND \"{c}\" <= $today)" for c in dates) + ")"
        if dates else "CAST(NULL AS DATE)")


def _newest(db: Database, sources: tuple[Source, ...], today: date
            ) -> dict[str, tuple[int, date | None]]:
    """Per source: (rows, newest record date on or before ``today``), all in ONE statement
    (a freshness line needs these two numbers, not a full quality score)."""
    if not sources:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT '{s.name}' AS source, count(*) AS n, CAST({_newest_expr(s)} AS DATE) AS d "
        f"FROM {s.name}" for s in sources)
    dated = any(RECORD_DATES.get(s.name) for s in sources)
    return {name: (int(n), day) for name, n, day in
            db.rows(sql, {"today": today} if dated else None)}


def _measure(db: Database, source: Source, today: date) -> tuple[int, float | None,
                                                                  float | None, date | None,
                                                                  int | None]:
    """rows, required %, optional %, newest record on or before today, duplicate rows."""
    required = [c.name for c in source.columns if c.required]
    optional = [c.name for c in source.columns if not c.required]
    counts = ", ".join(_filled(source, c) for c in required + optional)
    dates = RECORD_DATES.get(source.name, ())
    sql = f"SELECT count(*), {_newest_expr(source)}, {counts} FROM {source.name}"
    row = db.rows(sql, {"today": today} if dates else None)[0]
    n, latest, filled = int(row[0]), row[1], [int(v) for v in row[2:]]
    req = sum(filled[: len(required)])
    opt = sum(filled[len(required):])
    req_pct = round(100.0 * req / (n * len(required)), 1) if n and required else None
    opt_pct = round(100.0 * opt / (n * len(optional)), 1) if n and optional else None
    dupes = None
    if source.key:
        keys = ", ".join(f'"{k}"' for k in source.key)
        dupes = int(db.scalar(
            f"SELECT coalesce(sum(k), 0) FROM (SELECT count(*) AS k FROM {source.name} "
            f"GROUP BY {keys} HAVING count(*) > 1)"))
    return n, req_pct, opt_pct, latest, dupes


def _latest_imports(db: Database) -> dict[str, tuple[int, int, datetime]]:
    """Per source: rows read, rows loaded and time of its latest import (all its sheets)."""
    rows = db.rows(
        """
        WITH last AS (SELECT source, max(import_id) AS import_id FROM imports
                      WHERE source IS NOT NULL GROUP BY source)
        SELECT i.source, sum(i.rows_read), sum(i.rows_loaded), max(i.imported_at)
        FROM imports i JOIN last USING (source, import_id) GROUP BY i.source
        """
    )
    return {src: (int(read or 0), int(loaded or 0), when) for src, read, loaded, when in rows}


def _timeliness(n: int, newest: date | None, when: datetime | None, today: date,
                limit: int | None) -> tuple[int | None, int | None, str | None, int | None,
                                            bool | None]:
    """(record age, import age, basis, age judged, stale) as ``source_scores`` defines them."""
    record_age = (today - newest).days if newest is not None else None
    import_age = (today - when.date()).days if when is not None else None
    if n and record_age is not None:
        basis, age = "newest record", record_age
    elif n and import_age is not None:
        basis, age = "last import", import_age
    else:
        basis, age = None, None
    stale = None if limit is None or age is None else age > limit
    return record_age, import_age, basis, age, stale


def source_scores(
    db: Database,
    today: date,
    stale_after: tuple[tuple[str, int | None], ...] = (),
) -> list[SourceScore]:
    """One ``SourceScore`` per source, in contract order.

    - required / optional completeness = filled cells / (rows x columns) x 100 over the
      contract's required / optional columns (None with no rows).
    - validity = rows_loaded / rows_read x 100 in the source's latest import (all its
      sheets); None if never imported or nothing was read.
    - record_age_days = today - newest record date on or before today (``RECORD_DATES``);
      import_age_days = today - date of the latest import.
    - stale: age > threshold, where age is the record age, or the import age for a source
      without record dates (``basis`` says which; None when neither is known). None
      without a threshold, rows or a known age.
    - duplicate_rows: rows whose key value occurs more than once (None: source has no key).
    - score = mean of the dimensions that can be measured: required completeness,
      validity, uniqueness (100 - duplicate_rows / rows x 100) and timeliness (100 fresh,
      0 stale). Optional completeness is shown but not scored. None with no rows.

    ``stale_after`` overrides ``STALE_AFTER_DAYS`` as ((source, days or None), ...).
    """
    limits = _thresholds(stale_after)
    imports = _latest_imports(db)
    out: list[SourceScore] = []
    for source in SOURCES_LIST:
        n, req, opt, newest, dupes = _measure(db, source, today)
        read, loaded, when = imports.get(source.name, (None, None, None))
        validity = round(100.0 * loaded / read, 1) if read else None
        limit = limits.get(source.name)
        record_age, import_age, basis, age, stale = _timeliness(n, newest, when, today, limit)
        parts = [p for p in (req, validity) if p is not None]
        if n and dupes is not None:
            parts.append(100.0 - 100.0 * dupes / n)
        if stale is not None:
            parts.append(0.0 if stale else 100.0)
        score = round(sum(parts) / len(parts), 1) if n and parts else None
        out.append(SourceScore(
            source=source.name, title=source.title, rows=n,
            required_completeness_pct=req, optional_completeness_pct=opt,
            rows_read=read, rows_loaded=loaded, validity_pct=validity,
            newest_record=newest, record_age_days=record_age,
            last_import=when, import_age_days=import_age,
            stale_after_days=limit, basis=basis, stale=stale,
            duplicate_rows=dupes, score=score,
        ))
    return out


def score_table(
    db: Database,
    today: date,
    stale_after: tuple[tuple[str, int | None], ...] = (),
) -> pd.DataFrame:
    """``source_scores`` as a table for display (missing measures stay empty)."""
    def fresh(s: SourceScore) -> str | None:
        if s.stale is None:
            return "No threshold" if s.rows and s.stale_after_days is None else None
        return "Stale" if s.stale else "Fresh"

    table = pd.DataFrame([
        {"Source": s.title, "Score": s.score, "Rows": s.rows,
         "Required columns filled %": s.required_completeness_pct,
         "Optional columns filled %": s.optional_completeness_pct,
         "Valid rows in last import %": s.validity_pct,
         "Newest record": s.newest_record, "Record age (days)": s.record_age_days,
         "Last import age (days)": s.import_age_days,
         "Stale after (days)": s.stale_after_days, "Judged on": s.basis,
         "Timeliness": fresh(s), "Duplicate rows": s.duplicate_rows}
        for s in source_scores(db, today, stale_after)
    ])
    for col in ("Record age (days)", "Last import age (days)", "Stale after (days)",
                "Duplicate rows"):
        table[col] = table[col].astype("Int64")
    return table


@dataclass(frozen=True)
class StaleSource:
    """A source whose data is older than its threshold, with a sentence to show."""

    source: str
    title: str
    age_days: int
    stale_after_days: int
    basis: str
    message: str


def stale_sources(
    db: Database,
    today: date,
    stale_after: tuple[tuple[str, int | None], ...] = (),
) -> list[StaleSource]:
    """Sources with rows whose age exceeds their threshold (see ``source_scores``), oldest
    first. Empty sources and sources without a threshold are never listed. Two queries:
    rows and newest record per source, and the import log."""
    limits = _thresholds(stale_after)
    newest = _newest(db, SOURCES_LIST, today)
    imports = _latest_imports(db)
    found = []
    for source in SOURCES_LIST:
        n, day = newest[source.name]
        when = imports.get(source.name, (None, None, None))[2]
        limit = limits.get(source.name)
        _, _, basis, age, stale = _timeliness(n, day, when, today, limit)
        if stale:
            found.append(StaleSource(
                source=source.name, title=source.title, age_days=int(age or 0),
                stale_after_days=int(limit or 0), basis=str(basis),
                message=(f"{source.title}: {basis} is {age} days old "
                         f"(stale after {limit} days).")))
    return sorted(found, key=lambda s: (-s.age_days, s.source))


def freshness(db: Database, sources: tuple[str, ...], at: date) -> dict[str, date | None]:
    """For ``ui.freshness_line``: short name -> the source's data date at ``at``
    (``pmo_data.freshness``: the newest record on or before ``at``, or the last import
    for a source without record dates, never after ``at``); None when it has no rows."""
    return labelled(db, sources, at)


def page_freshness(db: Database, page: str, at: date) -> dict[str, date | None]:
    """``freshness`` of the sources behind a page (``PAGE_SOURCES``; file stem) at ``at``."""
    return freshness(db, PAGE_SOURCES[page], at)


def thresholds_frame(stale_after: tuple[tuple[str, int | None], ...] = ()) -> pd.DataFrame:
    """The thresholds in force as an editable table (Source title, Stale after (days))."""
    limits = _thresholds(stale_after)
    return pd.DataFrame({"Source": [s.title for s in SOURCES_LIST],
                         "Stale after (days)": [limits[s.name] for s in SOURCES_LIST]})


def thresholds_from_frame(frame: pd.DataFrame) -> tuple[tuple[str, int | None], ...]:
    """Read an edited ``thresholds_frame`` back as a ``stale_after`` argument (a blank or
    zero threshold means never stale)."""
    by_title = {s.title: s.name for s in SOURCES_LIST}
    out = []
    for title, days in zip(frame["Source"], frame["Stale after (days)"], strict=True):
        value = None if days is None or pd.isna(days) or int(days) <= 0 else int(days)
        out.append((by_title[title], value))
    return tuple(out)
