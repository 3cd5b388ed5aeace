"""Data quality: what was imported, what was rejected and why, how fresh each source is.

The Data quality page and the board pack's data-sources slide read these functions, so
a reader of a dashboard figure can always find the file, date and caveats behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from pmo_data.db import Database
from pmo_data.schema import SOURCES_LIST, Source


@dataclass(frozen=True)
class SourceSummary:
    """Row count, latest data date and last import of one source."""

    source: str
    title: str
    rows: int
    latest_date: date | None
    last_import: datetime | None
    last_file: str | None
    rejected_in_last_import: int


def _latest_expr(source: Source) -> str:
    """SQL for the latest event date of a source on or before today (None if it has none):
    bookings and plans in the future are not "fresh data"."""
    if not source.event_columns:
        return "NULL"
    parts = [f'max(CASE WHEN "{c}" <= current_date AND ({source.event_filter}) THEN "{c}" END)'
             for c in source.event_columns]
    return f"greatest({', '.join(parts)})"


def source_summaries(db: Database) -> list[SourceSummary]:
    """One summary per source in contract order; sources never imported have 0 rows.

    The latest date is the newest event date (``Source.event_columns``) on or before today
    (future bookings, target dates and plans never make a source look fresh).
    """
    imports = db.df(
        """
        WITH latest AS (
            SELECT source, max(import_id) AS import_id FROM imports
            WHERE source IS NOT NULL AND rows_loaded > 0 GROUP BY source)
        SELECT i.source, max(i.imported_at) AS last_import,
               string_agg(DISTINCT i.file_name, ', ' ORDER BY i.file_name) AS last_file,
               sum(i.rows_rejected) AS rejected
        FROM imports i JOIN latest USING (source, import_id)
        GROUP BY i.source
        """
    ).set_index("source")
    counts = {name: (n, latest) for name, n, latest in db.rows(" UNION ALL ".join(
        f"SELECT '{source.name}', count(*), CAST({_latest_expr(source)} AS DATE) "
        f"FROM {source.name}" for source in SOURCES_LIST))}  # one round trip for all sources
    out = []
    for source in SOURCES_LIST:
        count, latest = counts[source.name]
        info = imports.loc[source.name] if source.name in imports.index else None
        out.append(SourceSummary(
            source=source.name,
            title=source.title,
            rows=int(count),
            latest_date=latest,
            last_import=None if info is None else info["last_import"].to_pydatetime(),
            last_file=None if info is None else str(info["last_file"]),
            rejected_in_last_import=0 if info is None else int(info["rejected"]),
        ))
    return out


def import_history(db: Database, limit: int = 500) -> pd.DataFrame:
    """Every sheet of every import, newest first: file, sheet, source, counts, who, when."""
    return db.df(
        """
        SELECT import_id AS "Import", version AS "Version", imported_at AS "Imported at",
               user_name AS "By", file_name AS "File", sheet AS "Sheet",
               coalesce(source, 'not recognised') AS "Source", rows_read AS "Rows read",
               rows_loaded AS "Rows loaded", rows_rejected AS "Rows rejected",
               extra_columns AS "Columns not stored", message AS "Message",
               left(sha256, 12) AS "SHA-256 (start)"
        FROM imports ORDER BY import_id DESC, file_name, sheet LIMIT ?
        """,
        [limit],
    )


def rejected_rows(db: Database, source: str | None = None, latest_only: bool = True
                  ) -> pd.DataFrame:
    """Rejected rows with their reasons; by default only from each source's latest loading
    import (older rejections were superseded when the source was reloaded)."""
    return db.df(
        """
        WITH latest AS (
            SELECT source, max(import_id) AS import_id FROM imports
            WHERE source IS NOT NULL AND rows_loaded > 0 GROUP BY source)
        SELECT r.import_id AS "Import", r.source AS "Source", r.file_name AS "File",
               r.sheet AS "Sheet", r.row_number AS "Row", r.column_name AS "Column",
               r.message AS "Problem", r.value AS "Value"
        FROM rejected_rows r LEFT JOIN latest l USING (source)
        WHERE (NOT ? OR r.import_id = l.import_id) AND (? IS NULL OR r.source = ?)
        ORDER BY r.import_id DESC, r.file_name, r.sheet, r.row_number
        """,
        [latest_only, source, source],
    )


def source_table(db: Database) -> pd.DataFrame:
    """``source_summaries`` as a table for display."""
    return pd.DataFrame([
        {"Source": s.title, "Rows": s.rows,
         "Latest data date": s.latest_date, "Last import": s.last_import,
         "From file": s.last_file, "Rejected in last import": s.rejected_in_last_import}
        for s in source_summaries(db)
    ])
