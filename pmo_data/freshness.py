"""How fresh the data behind a figure is: the latest data date of each source on or before
the date the figure is worked out at.

Why this module exists: every tile, page caption, pack table and the command line says
"training data up to 19 Nov 2026". That date used to be worked out in five places, some of
them uncapped (a figure as at 30 June said its data ran to November) or capped at the
database's ``today()`` instead of the as-at date. It is worked out here only.

Rules:

* A source's **event dates** are its registry columns (``Source.event_columns``, never a
  plan date): projects.last_updated, status_reports.report_date, milestones.actual_date,
  raid raised and closed dates, training.session_date (Attended or DNA places only, so a
  future booking does not count), service_requests.received_date, kpi_actuals.period (the
  first of the month), maturity.assessment_date.
* The **data date** of a source at a date ``at`` is its latest event date on or before
  ``at``. A source with rows but no event dates at all (benefits, the plan, a register
  without last_updated) has the date of its latest import that loaded rows, but never later
  than ``at``. An empty source has none (shown as "no data", never as a date).
* ``latest_data_date`` (the default as-at date) is the latest event date in the database;
  import dates do not count.
"""

from __future__ import annotations

from datetime import date, datetime

from pmo_data.db import Database
from pmo_data.schema import SOURCES

#: Event dates per source (``Source.event_columns``). Training dates count only for places
#: with an outcome (Attended or DNA), so future bookings do not move "as at".
EVENT_DATES: dict[str, tuple[str, ...]] = {n: s.event_columns for n, s in SOURCES.items()}
EVENT_FILTER: dict[str, str] = {n: s.event_filter for n, s in SOURCES.items()}


def _fresh_sql(sources: tuple[str, ...], caps: int | None) -> str:
    """Rows (source, latest_0, latest_1, ...): per source, its latest event date on or before
    each ``$cap_i`` (``caps=None``: no cap, one column); for a source with rows but no event
    dates at all, the date of its latest import that loaded rows (never after the cap);
    NULL for an empty source.
    One scan per source whatever the number of caps. Table and column names come from the
    registry above, never from data; the caps are bound."""
    conditions = ["TRUE"] if caps is None else [f"{{c}} <= $cap_{i}" for i in range(caps)]
    parts = []
    for name in sources:
        cols = EVENT_DATES.get(name, ())
        where = EVENT_FILTER.get(name, "TRUE")
        latest = []
        for j, cond in enumerate(conditions):
            if cols:
                expr = "greatest(" + ", ".join(
                    f"max({c}) FILTER (WHERE {where} AND {cond.format(c=c)})"
                    for c in cols) + ")"
            else:
                expr = "CAST(NULL AS DATE)"
            latest.append(f"{expr} AS l{j}")
        dated = " + ".join(f"count({c}) FILTER (WHERE {where})" for c in cols) if cols else "0"
        parts.append(f"SELECT '{name}' AS source, count(*) AS n, {dated} AS dated, "
                     f"{', '.join(latest)} FROM {name}")
    imported = ["CAST(i.last AS DATE)"] if caps is None else [
        f"least(CAST(i.last AS DATE), $cap_{j})" for j in range(caps)]
    shown = ", ".join(
        f"CASE WHEN f.n = 0 THEN NULL WHEN f.dated = 0 THEN {imported[j]} "
        f"ELSE f.l{j} END" for j in range(len(conditions)))
    return f"""
        SELECT f.source, {shown}
        FROM ({' UNION ALL '.join(parts)}) AS f
        LEFT JOIN (SELECT source, max(imported_at) AS last FROM imports
                   WHERE rows_loaded > 0 GROUP BY source) AS i ON i.source = f.source"""


def latest_dates(db: Database, sources: tuple[str, ...], caps: list[date]
                 ) -> list[dict[str, date | None]]:
    """For each cap, the latest data date of each source on or before it (see _fresh_sql)."""
    if not sources or not caps:
        return [{} for _ in caps]
    rows = db.rows(_fresh_sql(sources, len(caps)),
                   {f"cap_{i}": cap for i, cap in enumerate(caps)})
    return [{row[0]: row[1 + i] for row in rows} for i in range(len(caps))]


def _last_imports(db: Database) -> dict[str, datetime]:
    rows = db.rows("SELECT source, max(imported_at) FROM imports "
                   "WHERE rows_loaded > 0 AND source IS NOT NULL GROUP BY source")
    return {src: when for src, when in rows if when is not None}


def source_freshness(db: Database) -> dict[str, date | None]:
    """Latest data date per source (every source in the contract, in contract order).

    Event dates: projects.last_updated, status_reports.report_date, milestones.actual_date,
    raid raised/closed dates, training.session_date (Attended or DNA places only),
    service_requests.received_date, kpi_actuals.period (first of the month),
    maturity.assessment_date. A source with rows but no event dates at all (benefits, kpi_plan,
    a register without last_updated) gives the date of its latest import; an empty source None.
    """
    found = dict(db.rows(_fresh_sql(tuple(SOURCES), None)))
    return {name: found.get(name) for name in SOURCES}


def last_import(db: Database) -> dict[str, datetime | None]:
    """When each source was last loaded (latest import that loaded rows), None if never."""
    imports = _last_imports(db)
    return {name: imports.get(name) for name in SOURCES}


def latest_data_date(db: Database) -> date | None:
    """The default as-at date: the latest event date in the database (see ``source_freshness``
    for the columns; import dates do not count). None for an empty database."""
    parts = []
    for name, cols in EVENT_DATES.items():
        where = EVENT_FILTER.get(name, "TRUE")
        parts += [f"SELECT max({c}) AS d FROM {name} WHERE {where}" for c in cols]
    return db.scalar(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})")


def data_dates(db: Database, sources: tuple[str, ...] | list[str], at: date
               ) -> dict[str, date | None]:
    """Source -> its data date at ``at`` (see the module rules), for each of ``sources``."""
    names = tuple(dict.fromkeys(sources))
    for name in names:
        if name not in SOURCES:
            raise KeyError(f"unknown source {name!r}")
    return latest_dates(db, names, [at])[0] if names else {}


def labelled(db: Database, sources: tuple[str, ...] | list[str], at: date
             ) -> dict[str, date | None]:
    """``data_dates`` keyed by each source's short name ("highlight report", "training"),
    for a page's freshness line."""
    dates = data_dates(db, sources, at)
    return {SOURCES[name].short_name: dates[name] for name in dates}


#: Sources whose dates are months (the first of the month): their data date is a month.
MONTHLY_SOURCES = frozenset({"kpi_actuals"})


def text(source: str, day: date | None) -> str:
    """"training data up to 19 Nov 2026" ("KPI data up to Oct 2026" for monthly data);
    "no training data" when the source has none. ``source`` is a source name (its short
    name is used) or already a label."""
    from pmo_data import fmt

    word = SOURCES[source].short_name if source in SOURCES else source
    if day is None:
        return f"no {word} data"
    shown = fmt.month(day) if source in MONTHLY_SOURCES else fmt.day(day)
    return f"{word} data up to {shown}"


def line(parts: dict[str, date | None]) -> str:
    """One sentence for a page: ``text`` of each part joined by "; ", with a capital first
    letter and a full stop ("Highlight report data up to 31 Oct 2026; training data up to
    19 Nov 2026."); empty for no parts."""
    sentence = "; ".join(text(name, day) for name, day in parts.items())
    return sentence[:1].upper() + sentence[1:] + "." if sentence else ""
