"""DuckDB tables and the read-only query handle every reader uses.

Tables are derived from the source registry (``schema.SOURCES``), so the database, the
validation models and the data dictionary cannot drift apart. Readers never write: the
app and the command line open one version of the database read-only and run each query
on its own cursor (DuckDB 2.0 refuses one connection used from two threads at once).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmo_data.schema import SOURCES, SOURCES_LIST, Source
from pmo_data.sealed import check_sealed

SCHEMA_VERSION = 1
DEFAULT_DB = Path("data/pmo.duckdb")

#: Columns every source table carries besides the contract's.
LINEAGE_COLUMNS = (("import_id", "INTEGER"), ("source_file", "VARCHAR"),
                   ("source_sheet", "VARCHAR"), ("source_row", "INTEGER"))

META_DDL = (
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS imports (
        import_id INTEGER, version INTEGER, file_name VARCHAR, sheet VARCHAR, source VARCHAR,
        sha256 VARCHAR, rows_read INTEGER, rows_loaded INTEGER, rows_rejected INTEGER,
        extra_columns VARCHAR, message VARCHAR, user_name VARCHAR, imported_at TIMESTAMP,
        strict BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS rejected_rows (
        import_id INTEGER, file_name VARCHAR, sheet VARCHAR, source VARCHAR, row_number INTEGER,
        column_name VARCHAR, message VARCHAR, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS saved_settings (
        kind VARCHAR, name VARCHAR, value VARCHAR, saved_by VARCHAR, saved_at TIMESTAMP,
        PRIMARY KEY (kind, name))""",
    # peer trusts' benchmarking snapshots (pmo_data.benchmark): aggregates only, one row per
    # organisation, financial year and metric
    """CREATE TABLE IF NOT EXISTS benchmark_snapshots (
        schema_version INTEGER, org_code VARCHAR, org_name VARCHAR, fy VARCHAR, as_at DATE,
        headcount INTEGER, code VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE,
        unit VARCHAR, direction VARCHAR, target DOUBLE, suppressed BOOLEAN, file_name VARCHAR,
        imported_at TIMESTAMP, imported_by VARCHAR)""",
)


def db_path_from_env(value: str | os.PathLike[str] | None = None) -> Path:
    """The database named by ``--db``, else the ``PMO_DB`` environment variable, else
    ``data/pmo.duckdb``."""
    if value:
        return Path(value)
    return Path(os.environ.get("PMO_DB") or DEFAULT_DB)


def table_ddl(source: Source) -> str:
    """CREATE TABLE for a source: its contract columns, typed, then the lineage columns."""
    cols = [f'"{c.name}" {c.sql_type}' for c in source.columns]
    cols += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {source.name} ({', '.join(cols)})"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every source and meta table that does not exist yet."""
    for ddl in META_DDL:
        con.execute(ddl)
    for source in SOURCES_LIST:
        con.execute(table_ddl(source))
    add_missing_columns(con)
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET "
        "value = excluded.value",
        [str(SCHEMA_VERSION)],
    )


def add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Add contract columns a database made by an earlier release lacks (an optional
    column added to the contract, e.g. projects.percent_complete); new columns are NULL
    for the rows already there. Names and types come from the registry only."""
    rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                       "WHERE schema_name = 'main'").fetchall()
    present = {(t, c) for t, c in rows}
    for source in SOURCES_LIST:
        for column in source.columns:
            if (source.name, column.name) not in present:
                con.execute(f'ALTER TABLE {source.name} ADD COLUMN "{column.name}" '
                            f"{column.sql_type}")


def insert_rows(
    con: duckdb.DuckDBPyConnection, source: str, rows: Sequence[Mapping[str, Any]]
) -> int:
    """Insert dicts into a source table (missing columns are NULL); returns the count.

    Column names come from the registry only, never from the data.
    """
    spec = SOURCES[source]
    if not rows:
        return 0
    names = list(spec.column_names) + [n for n, _ in LINEAGE_COLUMNS]
    frame = pd.DataFrame([{n: r.get(n) for n in names} for r in rows], columns=names)
    for col in spec.columns:
        if col.sql_type == "DATE":
            frame[col.name] = pd.to_datetime(frame[col.name]).dt.date
        elif col.sql_type in ("DOUBLE", "INTEGER"):
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
    for name, kind in LINEAGE_COLUMNS:
        if kind == "INTEGER":
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
    quoted = ", ".join(f'"{n}"' for n in names)
    casts = ", ".join(
        f'CAST("{n}" AS {t}) AS "{n}"'
        for n, t in [(c.name, c.sql_type) for c in spec.columns] + list(LINEAGE_COLUMNS)
    )
    con.register("_incoming", frame)
    try:
        con.execute(f"INSERT INTO {spec.name} ({quoted}) SELECT {casts} FROM _incoming")
    finally:
        con.unregister("_incoming")
    return len(rows)


def build_database(path: Path, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
    """Write a plain (unversioned) database file with the given rows; for tests and fixtures."""
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        for source, rows in tables.items():
            insert_rows(con, source, rows)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


class Database:
    """A read-only handle on one database file (one version).

    Each query runs on a fresh cursor, so one handle can serve many threads. Parameters
    are always bound, never formatted into SQL. A file with a write-ahead log beside it is
    refused (``UnsealedVersion``, see ``pmo_data.sealed``): DuckDB would replay the log.
    """

    def __init__(self, path: Path | str, *, version: int = 0) -> None:
        self.path = Path(path)
        self.version = version
        check_sealed(self.path)
        self._con = duckdb.connect(str(self.path), read_only=True)

    def df(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame."""
        with self._con.cursor() as cur:
            return cur.execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
             ) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        with self._con.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run a query and return the first column of the first row (None if no rows)."""
        with self._con.cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on this version (the caller closes it)."""
        return self._con.cursor()

    def close(self) -> None:
        """Close the connection (queries still running on its cursors fail)."""
        self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
