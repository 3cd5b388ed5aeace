"""Self-service exploration for benefits advisors: pivots without SQL, and a sandboxed SQL box.

Why this module exists: advisors ask their own questions ("benefits by category for the
Medicine projects", "who attended more than one course last year") and should not need a
developer. Two ways in, both here so the page stays a render script:

* **Pivot** (`pivot`, `distinct_values`, `column_range`): pick a dataset (a source table or a
  prepared view), filter by any column, group by rows and one column dimension, aggregate a
  measure. Column identifiers only ever come from the dataset's known column list (the source
  registry or the prepared views below); every value the user types or picks is a bound
  parameter. Aggregation happens in DuckDB, including the wide pivot (one ``FILTER`` clause per
  column value, bound as a parameter, aliased positionally), so no data value is ever formatted
  into SQL.
* **SQL box** (`run_sql`): one SELECT, checked against an allow-list of its own parse tree and
  run in a child process on an in-memory copy of the data, under hard limits (see
  ``pmo_data.sqlguard`` and ``pmo_data.sqlbox``). This module adds the prepared views and
  the schema listing; ``sql_box_allowed`` is the switch for the whole box.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from pmo_data import sqlbox
from pmo_data.db import LINEAGE_COLUMNS, Database
from pmo_data.schema import SOURCES, SOURCES_LIST, VOCABULARIES, Kind
from pmo_data.sqlbox import SqlResult, SqlSettings

# --- datasets: source tables and prepared views ------------------------------------------


@dataclass(frozen=True)
class ColumnInfo:
    """One column a user can filter, group or measure, with its meaning for the dictionary."""

    name: str
    kind: Kind | Literal["bool"]
    description: str
    vocab: str | None = None

    @property
    def numeric(self) -> bool:
        """True for columns that can be summed, averaged or medianed."""
        return self.kind in ("int", "float", "money", "percent")

    @property
    def label(self) -> str:
        """A readable label: ``budget_gbp`` -> ``Budget gbp`` (the name stays visible too)."""
        return column_label(self.name)


@dataclass(frozen=True)
class Dataset:
    """Something to explore: a source table or a prepared view over them.

    ``sql`` is a constant written here (a table name or a SELECT), never built from user text.
    """

    name: str
    title: str
    description: str
    columns: tuple[ColumnInfo, ...]
    sql: str
    prepared: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of every column, in display order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnInfo:
        """The column called ``name``; ValueError (a plain sentence) if the dataset has none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise ValueError(f"{self.title} has no column called {name!r}.")

    def ident(self, name: str) -> str:
        """The quoted identifier of a known column (the registry's spelling, not the caller's)."""
        return f'"{self.column(name).name}"'


_LINEAGE_TEXT = {
    "import_id": "Number of the import that loaded the row.",
    "source_file": "File the row was read from.",
    "source_sheet": "Sheet the row was read from (blank for CSV).",
    "source_row": "Row number in that file or sheet.",
}
_LINEAGE_KIND: dict[str, Kind] = {"INTEGER": "int", "VARCHAR": "text"}


def _from_source(source_name: str, column: str, *, name: str | None = None,
                 prefix: str = "") -> ColumnInfo:
    col = SOURCES[source_name].column(column)
    return ColumnInfo(name or col.name, col.kind, prefix + col.description, col.vocab)


def _source_dataset(source_name: str) -> Dataset:
    spec = SOURCES[source_name]
    cols = tuple(ColumnInfo(c.name, c.kind, c.description, c.vocab) for c in spec.columns)
    cols += tuple(ColumnInfo(n, _LINEAGE_KIND[t], _LINEAGE_TEXT[n]) for n, t in LINEAGE_COLUMNS)
    return Dataset(spec.name, spec.title, spec.description, cols, spec.name)


def fy_sql(column: str) -> str:
    """SQL for the NHS financial year (``2025/26``) of a DATE column (1 April to 31 March).

    ``column`` must be a constant identifier written in this package, never user text.
    """
    start = f"(year({column}) - CASE WHEN month({column}) < 4 THEN 1 ELSE 0 END)"
    return (f"CASE WHEN {column} IS NULL THEN NULL ELSE "
            f"{start}::VARCHAR || '/' || lpad(((({start}) + 1) % 100)::VARCHAR, 2, '0') END")


_PROJECT_COLS = SOURCES["projects"].column_names
_REPORT_COLS = ("report_date", "overall_rag", "dca", "schedule_rag", "cost_rag", "risk_rag",
                "benefits_rag", "percent_complete")

PROJECTS_LATEST_STATUS = Dataset(
    "projects_latest_status",
    "Projects with latest status",
    "Every project in the register with the fields of its most recent highlight report "
    "(projects with no report show Not reported).",
    tuple(_from_source("projects", c) for c in _PROJECT_COLS)
    + tuple(_from_source("status_reports", c, name=f"latest_{c}", prefix="Latest report: ")
            for c in _REPORT_COLS)
    + (ColumnInfo("reports_received", "int", "Number of highlight reports received for the "
                  "project, all periods."),),
    "SELECT "
    + ", ".join(f'p."{c}"' for c in _PROJECT_COLS)
    + ", "
    + ", ".join(
        f"coalesce(s.\"{c}\", 'Not reported') AS \"latest_{c}\"" if c == "overall_rag"
        else f's."{c}" AS "latest_{c}"' for c in _REPORT_COLS)
    + ", coalesce(n.reports, 0) AS reports_received "
    "FROM projects p "
    "LEFT JOIN (SELECT * FROM status_reports QUALIFY row_number() OVER "
    "(PARTITION BY project_id ORDER BY report_date DESC) = 1) s USING (project_id) "
    "LEFT JOIN (SELECT project_id, count(*) AS reports FROM status_reports GROUP BY project_id) n "
    "USING (project_id)",
    prepared=True,
)

_BENEFIT_COLS = SOURCES["benefits"].column_names
_BENEFIT_PROJECT_COLS = ("project_name", "service_group", "stage", "programme", "strategic_shift")

BENEFITS_WITH_PROJECT = Dataset(
    "benefits_with_project",
    "Benefits with project",
    "The benefits register joined to each benefit's project (name, service group, stage), with "
    "the financial year of the target date and the share realised.",
    tuple(_from_source("benefits", c) for c in _BENEFIT_COLS)
    + tuple(_from_source("projects", c, prefix="Project: ") for c in _BENEFIT_PROJECT_COLS)
    + (
        ColumnInfo("target_financial_year", "fy",
                   "Financial year of the target date (1 April to 31 March)."),
        ColumnInfo("realised_percent", "percent",
                   "Realised value / target value x 100 (blank when the target is 0 or "
                   "nothing is realised yet)."),
    ),
    "SELECT "
    + ", ".join(f'b."{c}"' for c in _BENEFIT_COLS)
    + ", "
    + ", ".join(f'p."{c}"' for c in _BENEFIT_PROJECT_COLS)
    + f", {fy_sql('b.target_date')} AS target_financial_year, "
    "round(100.0 * b.realised_value / nullif(b.target_value, 0), 1) AS realised_percent "
    "FROM benefits b LEFT JOIN projects p USING (project_id)",
    prepared=True,
)

TRAINING_PERSON_YEAR = Dataset(
    "training_person_year",
    "Training by person-year",
    "One row per member of staff per financial year of their sessions: what they attended, "
    "missed, and how they rated it. Staff group, service group and band are from their latest "
    "session in the year.",
    (
        ColumnInfo("financial_year", "fy", "Financial year of the sessions (1 April to 31 March)."),
        _from_source("training", "staff_id"),
        ColumnInfo("staff_group", "text", "Staff group (latest session in the year)."),
        ColumnInfo("service_group", "text", "Service group (latest session in the year)."),
        ColumnInfo("band", "text", "Agenda for Change band (latest session in the year)."),
        ColumnInfo("trained", "bool", "Attended at least one session in the year (counts "
                   "towards TRAINED_STAFF)."),
        ColumnInfo("sessions_attended", "int", "Sessions with attendance = Attended."),
        ColumnInfo("courses_attended", "int", "Distinct courses attended."),
        ColumnInfo("sessions_missed", "int", "Sessions with attendance = Did not attend."),
        ColumnInfo("sessions_booked", "int", "Sessions still booked (not yet held or recorded)."),
        ColumnInfo("first_attended", "date", "Date of the first attended session in the year."),
        ColumnInfo("last_attended", "date", "Date of the last attended session in the year."),
        ColumnInfo("mean_feedback_score", "float", "Mean feedback score 1-5 over the year's "
                   "sessions that have one."),
        ColumnInfo("mean_confidence_gain", "float", "Mean of confidence after - confidence "
                   "before (points on the 1-10 scale) where both are recorded."),
    ),
    f"SELECT {fy_sql('session_date')} AS financial_year, staff_id, "
    "arg_max(staff_group, session_date) AS staff_group, "
    "arg_max(service_group, session_date) AS service_group, "
    "arg_max(band, session_date) AS band, "
    "bool_or(attendance = 'Attended') AS trained, "
    "count(*) FILTER (WHERE attendance = 'Attended') AS sessions_attended, "
    "count(DISTINCT course) FILTER (WHERE attendance = 'Attended') AS courses_attended, "
    "count(*) FILTER (WHERE attendance = 'Did not attend') AS sessions_missed, "
    "count(*) FILTER (WHERE attendance = 'Booked') AS sessions_booked, "
    "min(session_date) FILTER (WHERE attendance = 'Attended') AS first_attended, "
    "max(session_date) FILTER (WHERE attendance = 'Attended') AS last_attended, "
    "round(avg(feedback_score), 2) AS mean_feedback_score, "
    "round(avg(confidence_after - confidence_before), 2) AS mean_confidence_gain "
    "FROM training GROUP BY 1, 2",
    prepared=True,
)

PREPARED_VIEWS: tuple[Dataset, ...] = (
    PROJECTS_LATEST_STATUS, BENEFITS_WITH_PROJECT, TRAINING_PERSON_YEAR)

#: Every dataset a user can explore: prepared views first, then each source table.
DATASETS: dict[str, Dataset] = {
    d.name: d for d in (*PREPARED_VIEWS, *(_source_dataset(s.name) for s in SOURCES_LIST))
}


def dataset(name: str) -> Dataset:
    """The dataset called ``name``; ValueError if there is none."""
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"There is no dataset called {name!r}.") from None


_KIND_TEXT = {
    "text": "text", "date": "date", "month": "month (first day)", "int": "whole number",
    "float": "number", "money": "pounds", "percent": "per cent", "vocab": "list",
    "fy": "financial year", "bool": "yes/no",
}


def data_dictionary(name: str) -> pd.DataFrame:
    """The columns of a dataset with their type and meaning (from the data contract).

    List-valued columns name their allowed values. No database needed.
    """
    rows = []
    for c in dataset(name).columns:
        meaning = c.description
        if c.kind == "vocab" and c.vocab:
            meaning += " Values: " + ", ".join(VOCABULARIES[c.vocab].values) + "."
        rows.append({"Column": c.name, "Type": _KIND_TEXT[c.kind], "Meaning": meaning})
    return pd.DataFrame(rows, columns=["Column", "Type", "Meaning"])


# --- filters ------------------------------------------------------------------------------

FilterOp = Literal["in", "between", "contains", "missing", "present"]


@dataclass(frozen=True)
class Filter:
    """One condition on a column; every value is bound as a parameter.

    ``in``: the column equals one of ``values``; ``between``: ``values = (low, high)``, either
    may be None (open end), both ends inclusive; ``contains``: text contains ``values[0]``,
    case-insensitive; ``missing`` / ``present``: the cell is blank / not blank.
    """

    column: str
    op: FilterOp
    values: tuple[Any, ...] = ()


def filter_style(name: str, column: str) -> Literal["values", "range", "text"]:
    """How a page should ask for a filter on this column: pick values, a range, or text.

    Dates and numbers take a range; list, yes/no and financial-year columns take values; free
    text takes values too when it has few distinct values (the page decides with
    ``distinct_values``), else a contains-text box.
    """
    col = dataset(name).column(column)
    if col.kind in ("date", "month") or col.numeric:
        return "range"
    if col.kind in ("vocab", "fy", "bool"):
        return "values"
    return "text"


def _where(ds: Dataset, filters: Sequence[Filter]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for f in filters:
        ident = ds.ident(f.column)
        if f.op == "in":
            if not f.values:
                continue
            clauses.append(f"{ident} IN ({', '.join('?' for _ in f.values)})")
            params.extend(f.values)
        elif f.op == "between":
            low, high = (tuple(f.values) + (None, None))[:2]
            if low is not None:
                clauses.append(f"{ident} >= ?")
                params.append(low)
            if high is not None:
                clauses.append(f"{ident} <= ?")
                params.append(high)
        elif f.op == "contains":
            if not f.values or not str(f.values[0]).strip():
                continue
            clauses.append(f"contains(lower({ident}::VARCHAR), lower(?))")
            params.append(str(f.values[0]).strip())
        elif f.op == "missing":
            clauses.append(f"{ident} IS NULL")
        elif f.op == "present":
            clauses.append(f"{ident} IS NOT NULL")
        else:
            raise ValueError(f"Unknown filter {f.op!r}.")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order(ds: Dataset, name: str) -> tuple[str, list[Any]]:
    """ORDER BY term for a column: list columns in their vocabulary's order (RAG worst first,
    stages in lifecycle order), others by value; blanks last. Returns (sql, params)."""
    col, ident = ds.column(name), ds.ident(name)
    if col.kind == "vocab" and col.vocab:
        return (f"list_position(?::VARCHAR[], {ident}) NULLS LAST, {ident} NULLS LAST",
                [list(VOCABULARIES[col.vocab].values)])
    return f"{ident} NULLS LAST", []


def _from(ds: Dataset) -> str:
    return f"({ds.sql}) AS ds" if ds.prepared else f"{ds.sql} AS ds"


def distinct_values(db: Database, name: str, column: str, limit: int = 200) -> list[Any]:
    """The non-blank values of a column, sorted, at most ``limit`` (for a pick list).

    Returns ``limit + 1`` values when there are more, so the caller can tell the list is cut.
    """
    ds = dataset(name)
    ident = ds.ident(column)
    rows = db.rows(f"SELECT DISTINCT {ident} FROM {_from(ds)} WHERE {ident} IS NOT NULL "
                   f"ORDER BY 1 LIMIT ?", [limit + 1])
    return [r[0] for r in rows]


def column_range(db: Database, name: str, column: str) -> tuple[Any, Any]:
    """(min, max) of a column (None, None when it has no values)."""
    ds = dataset(name)
    ident = ds.ident(column)
    low, high = db.rows(f"SELECT min({ident}), max({ident}) FROM {_from(ds)}")[0]
    return low, high


def row_count(db: Database, name: str, filters: tuple[Filter, ...] = ()) -> int:
    """Rows of the dataset that pass the filters."""
    ds = dataset(name)
    where, params = _where(ds, filters)
    return int(db.scalar(f"SELECT count(*) FROM {_from(ds)}{where}", params))


def preview(db: Database, name: str, filters: tuple[Filter, ...] = (), limit: int = 1000
            ) -> pd.DataFrame:
    """The first ``limit`` filtered rows, in a stable order (by every column in turn)."""
    ds = dataset(name)
    where, params = _where(ds, filters)
    order = ", ".join(f"{ds.ident(c)} NULLS LAST" for c in ds.column_names[:3])
    return db.df(f"SELECT * FROM {_from(ds)}{where} ORDER BY {order} LIMIT ?", [*params, limit])


# --- pivot --------------------------------------------------------------------------------

Aggregation = Literal["count", "distinct_count", "sum", "mean", "median"]
AGGREGATIONS: dict[str, str] = {
    "count": "Count",
    "distinct_count": "Distinct count",
    "sum": "Sum",
    "mean": "Mean",
    "median": "Median",
}
MISSING_LABEL = "(blank)"
TOTAL_LABEL = "All"
MAX_PIVOT_COLUMNS = 40
MAX_PIVOT_ROWS = 5000
MAX_ROW_DIMENSIONS = 3


@dataclass(frozen=True)
class PivotResult:
    """A pivot table computed in DuckDB.

    ``table``: one row per combination of the row dimensions (typed values; blank = missing),
    then one value column per value of the column dimension (labelled with the value,
    ``(blank)`` for missing) and an ``All`` column over every value, or a single value column
    named ``value_label`` when there is no column dimension. ``source_rows``: rows that passed
    the filters. ``truncated_rows`` / ``truncated_columns``: the table was cut at
    ``MAX_PIVOT_ROWS`` groups / ``MAX_PIVOT_COLUMNS`` column values (the All column still
    covers everything). ``total_withheld``: the All column is left blank because it would
    add values in different units (each cell has one).
    """

    dataset: str
    rows: tuple[str, ...]
    column: str | None
    measure: str | None
    aggregation: str
    value_label: str
    value_columns: tuple[str, ...]
    table: pd.DataFrame
    source_rows: int
    truncated_rows: bool
    truncated_columns: bool
    total_withheld: bool = False


def column_label(name: str) -> str:
    """How a column is named to people: ``budget_gbp`` -> ``Budget gbp`` (as ``ColumnInfo``)."""
    return name.replace("_", " ").capitalize()


def value_label(measure: str | None, aggregation: str) -> str:
    """``Count of rows``, ``Sum of Budget gbp``, ``Distinct count of Staff id`` ..."""
    return f"{AGGREGATIONS[aggregation]} of {column_label(measure) if measure else 'rows'}"


def _aggregate(ds: Dataset, measure: str | None, aggregation: str) -> str:
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"Unknown aggregation {aggregation!r}.")
    if measure is None:
        if aggregation != "count":
            raise ValueError(f"{AGGREGATIONS[aggregation]} needs a measure column.")
        return "count(*)"
    col = ds.column(measure)
    ident = ds.ident(measure)
    if aggregation == "count":
        return f"count({ident})"
    if aggregation == "distinct_count":
        return f"count(DISTINCT {ident})"
    if not col.numeric:
        raise ValueError(f"{AGGREGATIONS[aggregation]} needs a number column; {col.name} is "
                         f"{_KIND_TEXT[col.kind]}.")
    return {"sum": f"sum({ident})", "mean": f"round(avg({ident}), 2)",
            "median": f"round(median({ident}), 2)"}[aggregation]


def _label(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING_LABEL
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Measures whose values are in the unit another column of the row names (benefits: a saving
#: in pounds, bed days, a percentage, a score ...).
UNIT_COLUMNS: dict[str, str] = {"target_value": "unit", "baseline_value": "unit",
                                "realised_value": "unit"}


def _unit_sql(ds: Dataset, unit_column: str) -> str:
    """The unit of a row: its unit column, or pounds for a Cash-releasing benefit left blank
    (the register's rule), else "no unit"."""
    names = {c.name for c in ds.columns}
    blank = ("CASE WHEN " + ds.ident("category") + " = 'Cash-releasing' THEN '£' END"
             if "category" in names else "NULL")
    return (f"coalesce(nullif(trim({ds.ident(unit_column)}), ''), {blank}, 'no unit')")


def _mixed_units(db: Database, ds: Dataset, measure: str | None, aggregation: str,
                 dimensions: tuple[str, ...], where: str, params: list[Any]
                 ) -> list[str] | None:
    """The units of the first group of ``dimensions`` holding values in more than one unit
    (None when every group has one unit, or the measure has no unit column)."""
    unit_column = UNIT_COLUMNS.get(measure or "")
    if (aggregation not in ("sum", "mean", "median") or unit_column is None
            or unit_column not in {c.name for c in ds.columns}):
        return None
    unit = _unit_sql(ds, unit_column)
    value = ds.ident(measure or "")
    group = (" GROUP BY " + ", ".join(ds.ident(d) for d in dimensions)) if dimensions else ""
    present = f"{value} IS NOT NULL"
    cond = f"{where} AND {present}" if where else f" WHERE {present}"
    mixed = db.rows(
        f"SELECT list_sort(list(DISTINCT {unit})) AS units FROM {_from(ds)}{cond}"
        f"{group} HAVING count(DISTINCT {unit}) > 1 LIMIT 1", params)
    return list(mixed[0][0]) if mixed else None


def _refuse_mixed_units(db: Database, ds: Dataset, measure: str | None, aggregation: str,
                        dimensions: tuple[str | None, ...], where: str, params: list[Any]
                        ) -> None:
    """ValueError (one sentence) when a sum, mean or median would add values in different
    units: some cell of the pivot (a group of the row and column dimensions, or the whole
    filtered set without them) holds values in more than one unit."""
    dims = tuple(d for d in dict.fromkeys(dimensions) if d is not None)
    units = _mixed_units(db, ds, measure, aggregation, dims, where, params)
    if units:
        unit_column = UNIT_COLUMNS[measure or ""]
        shown = ", ".join(units[:6]) + (" ..." if len(units) > 6 else "")
        raise ValueError(
            f"These rows hold {column_label(measure or '')} in {len(units)} different units "
            f"({shown}), so a {AGGREGATIONS[aggregation].lower()} would add them together: "
            f"group the rows or the columns by {unit_column} (and category: a blank unit is "
            "pounds for a Cash-releasing benefit), or filter to one unit.")


def pivot(
    db: Database,
    name: str,
    rows: tuple[str, ...] = (),
    column: str | None = None,
    measure: str | None = None,
    aggregation: str = "count",
    filters: tuple[Filter, ...] = (),
) -> PivotResult:
    """Aggregate a dataset by row dimensions and an optional column dimension, in DuckDB.

    Formula: for each group of ``rows`` (and each value of ``column``), the ``aggregation`` of
    ``measure`` over the filtered rows: count (rows, or non-blank measure cells), distinct count,
    sum, mean or median (mean and median rounded to 2 decimals). Empty cells: count gives 0
    (no rows is a true zero); sum, mean and median give blank (missing, not zero). Blank
    dimension values form their own group (blank cell / ``(blank)`` header), sorted last.
    Raises ValueError (a plain sentence) for unknown columns, more than three row dimensions,
    an aggregation the measure cannot take, or a sum/mean/median over values in different
    units (``UNIT_COLUMNS``) that is not split by the unit.
    """
    ds = dataset(name)
    rows = tuple(dict.fromkeys(rows))
    if len(rows) > MAX_ROW_DIMENSIONS:
        raise ValueError(f"Group by at most {MAX_ROW_DIMENSIONS} row columns.")
    if column is not None and column in rows:
        raise ValueError(f"{column} cannot be both a row and the column.")
    agg = _aggregate(ds, measure, aggregation)
    where, params = _where(ds, filters)
    source = _from(ds)
    label = value_label(measure, aggregation)
    source_rows = int(db.scalar(f"SELECT count(*) FROM {source}{where}", params))
    _refuse_mixed_units(db, ds, measure, aggregation, (*rows, column), where, params)

    selects = [ds.ident(r) for r in rows]
    agg_params: list[Any] = []
    value_columns: list[str] = []
    truncated_columns = False
    if column is not None:
        col_ident = ds.ident(column)
        col_order, col_order_params = _order(ds, column)
        values = [r[0] for r in db.rows(
            f"SELECT {col_ident} FROM {source}{where} GROUP BY {col_ident} "
            f"ORDER BY {col_order} LIMIT ?",
            [*params, *col_order_params, MAX_PIVOT_COLUMNS + 1])]
        truncated_columns = len(values) > MAX_PIVOT_COLUMNS
        values = values[:MAX_PIVOT_COLUMNS]
        for i, v in enumerate(values):
            if v is None:
                selects.append(f"{agg} FILTER (WHERE {col_ident} IS NULL) AS v{i}")
            else:
                selects.append(f"{agg} FILTER (WHERE {col_ident} = ?) AS v{i}")
                agg_params.append(v)
            value_columns.append(_label(v))
        selects.append(f"{agg} AS v_all")
        value_columns.append(TOTAL_LABEL)
    else:
        selects.append(f"{agg} AS v_all")
        value_columns.append(label)

    group = (" GROUP BY " + ", ".join(ds.ident(r) for r in rows)) if rows else ""
    orders = [_order(ds, r) for r in rows]
    order = (" ORDER BY " + ", ".join(o for o, _ in orders)) if rows else ""
    order_params = [p for _, ps in orders for p in ps]
    frame = db.df(
        f"SELECT {', '.join(selects)} FROM {source}{where}{group}{order} LIMIT ?",
        [*agg_params, *params, *order_params, MAX_PIVOT_ROWS + 1],
    )
    truncated_rows = len(frame) > MAX_PIVOT_ROWS
    frame = frame.head(MAX_PIVOT_ROWS)
    frame.columns = [*rows, *_dedupe(value_columns, rows)]
    total_withheld = column is not None and _mixed_units(
        db, ds, measure, aggregation, rows, where, params) is not None
    if total_withheld:  # each cell has one unit, but the All column would add them up
        frame[frame.columns[-1]] = float("nan")
    return PivotResult(
        dataset=name, rows=rows, column=column, measure=measure, aggregation=aggregation,
        value_label=label, value_columns=tuple(frame.columns[len(rows):]), table=frame,
        source_rows=source_rows, truncated_rows=truncated_rows,
        truncated_columns=truncated_columns, total_withheld=total_withheld,
    )


def _dedupe(labels: list[str], taken: Sequence[str]) -> list[str]:
    """Make value-column labels unique and distinct from the row-dimension names."""
    seen = set(taken)
    out = []
    for text in labels:
        candidate, n = text, 2
        while candidate in seen:
            candidate, n = f"{text} ({n})", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def pivot_long(result: PivotResult) -> pd.DataFrame:
    """The pivot as long rows (``group``, ``series``, ``value``) for charts; ``All`` left out.

    ``group`` joins the row dimensions with " / " (blank shown as ``(blank)``); ``series`` is
    the column-dimension label, or the value label without a column dimension.
    """
    table = result.table
    if result.rows:
        groups = [" / ".join(_label(v) for v in row)
                  for row in table[list(result.rows)].itertuples(index=False)]
    else:
        groups = [result.value_label] * len(table)
    series = [c for c in result.value_columns if not (result.column and c == TOTAL_LABEL)]
    out = []
    for i, group in enumerate(groups):
        for s in series:
            out.append({"group": group, "series": s, "value": table[s].iloc[i]})
    return pd.DataFrame(out, columns=["group", "series", "value"])


# --- the SQL box --------------------------------------------------------------------------


def sql_box_allowed(user_roles: Collection[str] | None = None) -> bool:
    """Whether the SQL box is offered at all (the page also checks the user's role).

    ``PMO_SQL_BOX=off`` hides it for everyone. When ``PMO_SQL_ROLE`` names a role, only users
    holding that role see it (with no roles known, nobody does). Otherwise everyone whose
    role allows it (``access.sql_role``) does.
    """
    if os.environ.get("PMO_SQL_BOX", "").strip().lower() in ("off", "0", "false", "no"):
        return False
    role = os.environ.get("PMO_SQL_ROLE", "").strip()
    if not role:
        return True
    return role in set(user_roles or ())


#: Extra names the SQL box can query besides the tables: the prepared views.
SQL_VIEWS: tuple[Dataset, ...] = PREPARED_VIEWS


def run_sql(db_path: Path | str, sql: str, settings: SqlSettings | None = None) -> SqlResult:
    """Run one read-only SELECT in the SQL box's sandbox (``pmo_data.sqlbox``), with the
    prepared views available by name. Never raises for a bad query."""
    return sqlbox.run_sql(db_path, sql, views=tuple((v.name, v.sql) for v in SQL_VIEWS),
                          settings=settings)


def sql_schema(db: Database) -> pd.DataFrame:
    """Tables and views the SQL box can query, with each column's type and meaning.

    Columns of the source tables take their meaning from the data contract; the prepared views
    from their definitions here; housekeeping tables (imports, rejected rows) are listed too.
    """
    info = db.df(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name <> 'meta' "
        "ORDER BY table_name, ordinal_position"
    )
    meanings: dict[tuple[str, str], str] = {}
    for ds in DATASETS.values():
        for c in ds.columns:
            meanings[(ds.name, c.name)] = c.description
    rows = []
    for view in SQL_VIEWS:
        for c in view.columns:
            rows.append({"Table": view.name, "Column": c.name, "Type": _KIND_TEXT[c.kind],
                         "Meaning": c.description})
    for r in info.itertuples(index=False):
        rows.append({"Table": r.table_name, "Column": r.column_name, "Type": r.data_type,
                     "Meaning": meanings.get((r.table_name, r.column_name), "")})
    return pd.DataFrame(rows, columns=["Table", "Column", "Type", "Meaning"])
