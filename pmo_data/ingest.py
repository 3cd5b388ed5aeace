"""Validate export files against the data contract and load them as one new version.

The pipeline is read -> recognise -> validate -> load. Every bad row is reported as
``file:sheet:row:column: message (value)`` with the spreadsheet's own row number and kept
in ``rejected_rows``; valid rows load. The load is one transaction on a copy of the
database (see ``store``), so an import that fails, or is killed, changes nothing.
Reloading a source replaces its rows; status reports accumulate (same project and date:
the newer import wins). Only contract columns are ever stored, so staff names in
training exports never reach the database.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from pmo_data import profiles, project_files
from pmo_data.db import insert_rows
from pmo_data.limits import MAX_CELL_CHARS, max_file_bytes, max_upload_mb
from pmo_data.parse import is_blank
from pmo_data.readers import RawSheet, ReadError, expand_paths, read_bytes
from pmo_data.recognise import Recognised, Unrecognised, recognise
from pmo_data.schema import ROW_MODELS, SOURCES, Column, Source
from pmo_data.store import Store

Progress = Callable[[float, str], None]


def _too_large(name: str, size: int) -> Problem:
    return Problem(name, None, None, None,
                   f"the file is over the {max_upload_mb()} MB import limit; split it, or ask "
                   "the administrator to raise PMO_MAX_UPLOAD_MB",
                   f"{size / 1024 / 1024:.1f} MB")


@dataclass(frozen=True)
class Problem:
    """One problem, printed as ``file:sheet:row:column: message (value)``.

    File-level and sheet-level problems leave row and column as None (printed ``-``).
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    value: str | None = None

    def line(self) -> str:
        """The one-line report form."""
        parts = [self.file, self.sheet or "-", str(self.row) if self.row else "-",
                 self.column or "-"]
        tail = f" ({self.value})" if self.value is not None else ""
        return " ".join(f"{':'.join(parts)}: {self.message}{tail}".split())


@dataclass(frozen=True)
class SheetResult:
    """What became of one sheet: its source (None if unrecognised) and row counts."""

    file: str
    sheet: str
    source: str | None
    sha256: str
    rows_read: int
    rows_valid: int
    extra_columns: tuple[str, ...] = ()
    message: str | None = None
    profile: str | None = None  # the import profile that mapped the sheet, if any

    @property
    def rows_rejected(self) -> int:
        """Rows read that did not validate."""
        return self.rows_read - self.rows_valid


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import or a validation.

    ``loaded`` maps source to rows written (empty for validation or when nothing loaded);
    ``version`` is the published version, None when nothing was written.
    """

    sheets: tuple[SheetResult, ...]
    problems: tuple[Problem, ...]
    loaded: dict[str, int] = field(default_factory=dict)
    valid: dict[str, int] = field(default_factory=dict)
    version: int | None = None
    dry_run: bool = False
    strict: bool = False
    #: Sources whose load would replace what the database holds with far fewer rows, each as
    #: one sentence (see ``shrinking_sources``). Without ``force`` nothing is loaded.
    held: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 every row loaded (or valid), 1 some rows rejected, 2 nothing loaded."""
        rows = self.valid if self.dry_run else self.loaded
        if not any(rows.values()):
            return 2
        return 1 if self.problems else 0

    def sheet_rows(self) -> list[dict[str, object]]:
        """One row per sheet for a table: file, sheet, source, counts, columns not stored."""
        return [
            {"File": s.file, "Sheet": s.sheet, "Source": s.source or "not recognised",
             "Rows read": s.rows_read, "Valid": s.rows_valid, "Rejected": s.rows_rejected,
             "Columns not stored": ", ".join(s.extra_columns), "Message": s.message or ""}
            for s in self.sheets
        ]

    def problem_rows(self) -> list[dict[str, object]]:
        """One row per problem for a table."""
        return [
            {"File": p.file, "Sheet": p.sheet or "", "Row": p.row, "Column": p.column or "",
             "Problem": p.message, "Value": p.value or ""}
            for p in self.problems
        ]

    def summary_lines(self) -> list[str]:
        """Human summary: one line per sheet, then totals."""
        lines = []
        for s in self.sheets:
            if s.source is None:
                continue
            extra = f"; not stored: {', '.join(s.extra_columns)}" if s.extra_columns else ""
            mapped = f" ({s.message})" if s.message else ""
            lines.append(f"{s.file}:{s.sheet}: {s.source}{mapped}, {s.rows_read} rows read, "
                         f"{s.rows_valid} valid, {s.rows_rejected} rejected{extra}")
        verb = "valid" if self.dry_run else "loaded"
        counts = self.valid if self.dry_run else self.loaded
        total = sum(counts.values())
        if self.dry_run:
            lines.extend(self.held)
            lines.append(f"validated: {total} rows {verb}, {len(self.problems)} problems "
                         "(nothing written)")
        elif self.version is None:
            why = " (--strict: nothing loaded because of the problems)" if (
                self.strict and self.problems) else ""
            if self.held:
                why = (" (most rows were rejected: fix the file, or load it anyway with "
                       "--force or the Import page's 'Load anyway')")
            lines.extend(self.held)
            lines.append(f"nothing loaded; the database is unchanged{why}")
        else:
            lines.append(f"loaded {total} rows into version {self.version}; "
                         f"{len(self.problems)} problems")
        return lines


@dataclass
class _Batch:
    """Validated rows of every sheet in one import, before loading."""

    sheets: list[SheetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    rejected: list[tuple[str, Problem]] = field(default_factory=list)  # (source, problem)
    headers: dict[tuple[str, str, str], str] = field(default_factory=dict)  # file, sheet, col
    #: Sources some sheet replaces whole, and sources whose sheets replace only the rows of
    #: the projects they hold (a project file, a Planner plan): see ``_load``.
    whole: set[str] = field(default_factory=set)
    per_project: set[str] = field(default_factory=set)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_file_name(name: str) -> str:
    """A file or sheet name safe on one report line: control characters (line breaks, tabs,
    NUL) become spaces, runs of spaces one, and the ends are trimmed; "unnamed" if empty."""
    text = " ".join(_CONTROL.sub(" ", str(name)).split())
    return text or "unnamed"


def show_value(value: Any) -> str:
    """A cell value as the report quotes it: dates as dd/mm/yyyy, 3.0 as 3, text cut at 60."""
    if is_blank(value):
        return "blank"
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict[str, Any], column: Column) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if error.get("input") is None or kind == "missing":
        return "required value is missing"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if column.ge is not None and column.le is not None:
            return f"must be between {column.ge:g} and {column.le:g}"
        if column.ge == 0:
            return "must not be negative"
        return str(error["msg"]).lower()
    return str(error["msg"])


def _validate_sheet(rec: Recognised, batch: _Batch, sha: str, *, message: str | None = None,
                    profile: str | None = None, replace: str = "source") -> None:
    source = rec.source
    (batch.per_project if replace == "project" else batch.whole).add(source.name)
    model = ROW_MODELS[source.name]
    sheet = rec.sheet
    valid = 0
    data = rec.data_rows()
    for name, (_, header) in rec.columns.items():
        batch.headers[(sheet.file, sheet.sheet, name)] = header
    for rownum, cells in data:
        long_cells = [(index, header) for index, header in rec.columns.values()
                      if (rownum - 1, index) in sheet.too_long]
        if long_cells:
            for index, header in long_cells:
                length = sheet.too_long[(rownum - 1, index)]
                problem = Problem(sheet.file, sheet.sheet, rownum, header,
                                  f"the cell holds {length:,} characters; a cell may hold at "
                                  f"most {MAX_CELL_CHARS:,} (Excel's own limit)", "too long")
                batch.problems.append(problem)
                batch.rejected.append((source.name, problem))
            continue
        raw: dict[str, Any] = {}
        for name, (index, _) in rec.columns.items():
            error_value = sheet.errors.get((rownum - 1, index))
            raw[name] = error_value if error_value is not None else (
                cells[index] if index < len(cells) else None)
        try:
            parsed = model.model_validate(raw)
        except ValidationError as exc:
            seen = set()  # one file cell mapped to two columns is reported once
            for err in exc.errors():
                name = str(err["loc"][0])
                problem = Problem(sheet.file, sheet.sheet, rownum, rec.columns[name][1],
                                  _message(err, source.column(name)), show_value(raw.get(name)))
                if problem in seen:
                    continue
                seen.add(problem)
                batch.problems.append(problem)
                batch.rejected.append((source.name, problem))
            continue
        row = parsed.model_dump()
        row.update(source_file=sheet.file, source_sheet=sheet.sheet, source_row=rownum)
        batch.rows[source.name].append(row)
        valid += 1
    batch.sheets.append(SheetResult(sheet.file, sheet.sheet, source.name, sha, len(data), valid,
                                    rec.extra, message, profile))


def _check_duplicates(batch: _Batch) -> None:
    """Reject every row whose key appears more than once in the batch (all its copies)."""
    for name, rows in batch.rows.items():
        source = SOURCES[name]
        if not source.key:
            continue
        seen: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            seen[tuple(row[k] for k in source.key)].append(row)
        dupes = {k: v for k, v in seen.items() if len(v) > 1}
        if not dupes:
            continue
        bad_ids = set()
        for key, copies in dupes.items():
            where = ", ".join(f"{r['source_sheet']} row {r['source_row']}" for r in copies)
            label = "+".join(source.key)
            for row in copies:
                bad_ids.add(id(row))
                header = batch.headers.get(
                    (row["source_file"], row["source_sheet"], source.key[0]), source.key[0])
                problem = Problem(row["source_file"], row["source_sheet"], row["source_row"],
                                  header, f"duplicate {label} (rows: {where})",
                                  " / ".join(show_value(k) for k in key))
                batch.problems.append(problem)
                batch.rejected.append((name, problem))
        batch.rows[name] = [r for r in rows if id(r) not in bad_ids]
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for row in batch.rows[name]:
            counts[(row["source_file"], row["source_sheet"])] += 1
        batch.sheets = [
            SheetResult(s.file, s.sheet, s.source, s.sha256, s.rows_read,
                        counts[(s.file, s.sheet)], s.extra_columns, s.message, s.profile)
            if s.source == name else s
            for s in batch.sheets
        ]


def validate_files(files: Sequence[tuple[str, bytes]], progress: Progress | None = None, *,
                   refused: Sequence[tuple[str, int]] = (),
                   mapping: profiles.MappingOptions | None = None) -> _Batch:
    """Read, recognise and validate (name, bytes) pairs; nothing is written.

    A file over the size limit (``max_file_bytes``) is refused before any parser sees it;
    ``refused`` names (with their sizes) files too large to have been read at all.
    ``mapping``: import profiles for sheets the contract does not recognise (None: none).
    """
    batch = _Batch()
    limit = max_file_bytes()
    for name, size in refused:
        batch.problems.append(_too_large(name, size))
        batch.sheets.append(SheetResult(name, "-", None, "", 0, 0, (), "over the size limit"))
    for number, (given, data) in enumerate(files):
        name = clean_file_name(given)
        if progress:
            progress(number / max(len(files), 1), f"Reading {name}")
        if len(data) > limit:
            batch.problems.append(_too_large(name, len(data)))
            batch.sheets.append(SheetResult(name, "-", None, "", 0, 0, (),
                                            "over the size limit"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if project_files.is_project_file(name):  # MS Project / Primavera, read with MPXJ
            _add_mapped(project_files.resolve(data, name, mapping and mapping.settings),
                        batch, name, "-", sha)
            continue
        try:
            sheets: list[RawSheet] = read_bytes(data, name)
        except ReadError as exc:
            batch.problems.append(Problem(name, exc.sheet, exc.row, None, str(exc)))
            batch.sheets.append(SheetResult(name, exc.sheet or "-", None, sha, 0, 0, (),
                                            str(exc)))
            continue
        except MemoryError:
            message = "the file needs more memory to read than an import may use; split it"
            batch.problems.append(Problem(name, None, None, None, message))
            batch.sheets.append(SheetResult(name, "-", None, sha, 0, 0, (), message))
            continue
        except Exception as exc:  # a reader's surprise refuses this file only, by name
            message = f"the file could not be read ({type(exc).__name__})"
            batch.problems.append(Problem(name, None, None, None, message))
            batch.sheets.append(SheetResult(name, "-", None, sha, 0, 0, (), message))
            continue
        for sheet in sheets:
            found = recognise(sheet)
            try:
                mapped = profiles.resolve(sheet, found, mapping)  # import profiles
            except profiles.ProfileError as exc:
                mapped = profiles.Resolution(problem=str(exc))
            if mapped is not None:
                _add_mapped(mapped, batch, name, sheet.sheet, sha)
                continue
            if isinstance(found, Unrecognised):
                if not found.skipped:
                    batch.problems.append(Problem(name, sheet.sheet, None, None, found.message))
                batch.sheets.append(SheetResult(name, sheet.sheet, None, sha, 0, 0, (),
                                                found.message))
                continue
            if not found.data_rows():
                message = "no data rows under the header"
                batch.problems.append(Problem(name, sheet.sheet, None, None, message))
            _validate_sheet(found, batch, sha)
    _check_duplicates(batch)
    return batch


def _add_mapped(mapped: profiles.Resolution, batch: _Batch, file: str, sheet: str,
                sha: str) -> None:
    """Validate the sheets an import profile or a project file made, or report why
    nothing could be made (one line)."""
    if mapped.problem is not None:
        batch.problems.append(Problem(file, sheet, None, None, mapped.problem))
        batch.sheets.append(SheetResult(file, sheet, None, sha, 0, 0, (), mapped.problem,
                                        mapped.profile))
        return
    for rec, replace in mapped.recognised:
        if not rec.data_rows():
            message = mapped.no_rows or "no data rows under the header"
            if not any(p.message == message and p.file == file for p in batch.problems):
                batch.problems.append(Problem(file, rec.sheet.sheet, None, None, message))
        _validate_sheet(rec, batch, sha, message=mapped.message(rec.source.name) or None,
                        profile=mapped.profile, replace=replace)


def _load(con: duckdb.DuckDBPyConnection, batch: _Batch, *, user: str, strict: bool
          ) -> dict[str, int]:
    import_id, version = con.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) + 1 FROM imports), "
        "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'version')"
    ).fetchone()
    loaded: dict[str, int] = {}
    for name, rows in batch.rows.items():
        if not rows:
            continue
        source: Source = SOURCES[name]
        for row in rows:
            row["import_id"] = import_id
        if source.accumulate:
            _delete_keys(con, source, rows)
        elif name in batch.per_project and name not in batch.whole:
            _delete_projects(con, source, rows)
        else:
            con.execute(f"DELETE FROM {name}")
        loaded[name] = insert_rows(con, name, rows)
    now = datetime.now().replace(microsecond=0)
    for s in batch.sheets:
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, version, s.file, s.sheet, s.source, s.sha256, s.rows_read,
             s.rows_valid if s.source in loaded else 0, s.rows_rejected,
             ", ".join(s.extra_columns) or None, s.message, user, now, strict],
        )
    if batch.rejected:
        con.executemany(
            "INSERT INTO rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[import_id, p.file, p.sheet, src, p.row, p.column, p.message, p.value]
             for src, p in batch.rejected],
        )
    return loaded


def _delete_keys(con: duckdb.DuckDBPyConnection, source: Source,
                 rows: list[dict[str, Any]]) -> None:
    """Delete the rows of an accumulating source whose keys the incoming rows carry."""
    keys = list(source.key)
    types = ", ".join(f"{k} {source.column(k).sql_type}" for k in keys)
    con.execute(f"CREATE TEMP TABLE _keys ({types})")
    try:
        con.executemany(f"INSERT INTO _keys VALUES ({', '.join('?' for _ in keys)})",
                        [[r[k] for k in keys] for r in rows])
        match = " AND ".join(f"t.{k} = _keys.{k}" for k in keys)
        con.execute(f"DELETE FROM {source.name} t USING _keys WHERE {match}")
    finally:
        con.execute("DROP TABLE _keys")


DEFAULT_REJECTED_SHARE = 0.5


def rejected_share_limit() -> float:
    """The share of a source's rows that may be rejected before a load that would shrink it
    stops and asks (``PMO_REPLACE_REJECTED_SHARE``, a fraction, default 0.5)."""
    try:
        value = float(os.environ.get("PMO_REPLACE_REJECTED_SHARE", "").strip())
    except ValueError:
        return DEFAULT_REJECTED_SHARE
    return value if 0 <= value <= 1 else DEFAULT_REJECTED_SHARE


def shrinking_sources(batch: _Batch, db_path: Path | str) -> tuple[str, ...]:
    """Sentences for the sources a load would replace with far fewer rows than they hold.

    Rule: a source replaced whole (not an accumulating one, nor one that replaces only the
    rows of the projects it holds, as project files do) whose sheets had more than
    ``rejected_share_limit()`` of their rows rejected, and whose valid rows are fewer than the
    rows the current version holds. (A wholly rejected file loads nothing anyway.)
    """
    version = Store(db_path).current()
    if version is None:
        return ()
    limit = rejected_share_limit()
    candidates = []
    for name, rows in batch.rows.items():
        read = sum(s.rows_read for s in batch.sheets if s.source == name)
        if SOURCES[name].accumulate or not rows or not read:
            continue
        if name in batch.per_project and name not in batch.whole:
            continue  # replaces only its own projects' rows (a project file, a plan)
        rejected = read - len(rows)
        if rejected / read > limit:
            candidates.append((name, read, rejected, len(rows)))
    if not candidates:
        return ()
    from pmo_data.db import Database

    out = []
    with Database(version.path) as db:
        for name, read, rejected, valid in candidates:
            held = int(db.scalar(f"SELECT count(*) FROM {SOURCES[name].name}") or 0)
            if valid < held:
                out.append(f"{SOURCES[name].title}: {rejected:,} of {read:,} rows were "
                           f"rejected; loading would replace the {held:,} rows held with "
                           f"{valid:,}.")
    return tuple(out)


def _delete_projects(con: duckdb.DuckDBPyConnection, source: Source,
                     rows: list[dict[str, Any]]) -> None:
    """Delete the rows of the projects the incoming rows belong to (a project file or a
    plan replaces its own project's rows, not the whole source)."""
    ids = sorted({r["project_id"] for r in rows if r.get("project_id") is not None})
    con.execute(f"DELETE FROM {source.name} WHERE project_id IN (SELECT unnest(?))", [ids])


def import_files(
    files: Sequence[tuple[str, bytes]],
    db_path: Path | str,
    *,
    strict: bool = False,
    dry_run: bool = False,
    force: bool = False,
    user: str | None = None,
    progress: Progress | None = None,
    refused: Sequence[tuple[str, int]] = (),
    mapping: profiles.MappingOptions | None = None,
) -> ImportReport:
    """Validate (name, bytes) pairs and, unless ``dry_run``, load them as one new version.

    Nothing is written when no row is valid, with ``strict`` when any problem was found, or
    (unless ``force``) when a source would shrink because most of its rows were rejected
    (``shrinking_sources``; the report's ``held`` says which).
    ``refused``: (name, size) of files too large to read (see ``validate_files``).
    ``mapping``: import profiles (default: every saved and built-in profile).
    """
    if mapping is None:
        mapping = profiles.default_options(db_path)
    batch = validate_files(files, progress, refused=refused, mapping=mapping)
    valid = {name: len(rows) for name, rows in batch.rows.items() if rows}
    held = shrinking_sources(batch, db_path) if valid else ()
    common = dict(sheets=tuple(batch.sheets), problems=tuple(batch.problems), valid=valid,
                  strict=strict, held=held)
    if dry_run:
        return ImportReport(**common, dry_run=True)
    if not valid or (strict and batch.problems) or (held and not force):
        return ImportReport(**common)
    if progress:
        progress(0.9, "Writing a new database version")
    who = user or _current_user()
    version, loaded = Store(db_path).write(lambda con: _load(con, batch, user=who, strict=strict))
    if progress:
        progress(1.0, "Done")
    return ImportReport(**common, loaded=loaded, version=version.number)


def import_paths(
    paths: Sequence[Path | str],
    db_path: Path | str,
    *,
    strict: bool = False,
    dry_run: bool = False,
    force: bool = False,
    user: str | None = None,
    progress: Progress | None = None,
    mapping: profiles.MappingOptions | None = None,
) -> ImportReport:
    """Import files and folders from disk (see ``import_files``)."""
    try:
        found = expand_paths([Path(p) for p in paths])
    except ReadError as exc:
        return ImportReport(sheets=(), problems=(Problem(str(exc).split(":")[0], None, None, None,
                                                         "no such file or folder"),))
    limit = max_file_bytes()
    sizes = {p: p.stat().st_size for p in found}
    files = [(p.name, p.read_bytes()) for p in found if sizes[p] <= limit]
    refused = [(p.name, sizes[p]) for p in found if sizes[p] > limit]  # never read into memory
    if not files and not refused:
        return ImportReport(sheets=(), problems=(Problem(", ".join(map(str, paths)), None, None,
                                                         None, "no importable files found"),))
    return import_files(files, db_path, strict=strict, dry_run=dry_run, force=force, user=user,
                        progress=progress, refused=refused, mapping=mapping)


# --- the same, in a child process (uploads on the Import page) ---------------------------

#: Hard limits of an upload's validation or load in a child process (see ``pmo_data.isolate``):
#: ``PMO_IMPORT_ADDRESS_SPACE_MB`` (default 6144) and ``PMO_IMPORT_TIMEOUT_S`` (default 600).
DEFAULT_IMPORT_ADDRESS_SPACE_MB = 6144
DEFAULT_IMPORT_TIMEOUT_S = 600


def _import_limits() -> Any:
    """The child's limits; it may write files (a new version, project files' temporary copy
    for MPXJ)."""
    from pmo_data import isolate

    def setting(name: str, default: int) -> int:
        try:
            value = int(os.environ.get(name, "").strip())
        except ValueError:
            return default
        return value if value > 0 else default

    wall = setting("PMO_IMPORT_TIMEOUT_S", DEFAULT_IMPORT_TIMEOUT_S)
    return isolate.Limits(
        address_space_mb=setting("PMO_IMPORT_ADDRESS_SPACE_MB", DEFAULT_IMPORT_ADDRESS_SPACE_MB),
        cpu_s=wall, wall_s=float(wall), max_output_bytes=256 * 1024 * 1024, allow_files=True)


def report_to_dict(report: ImportReport) -> dict[str, Any]:
    """A JSON-ready form of a report (for the child process's answer)."""
    return {"sheets": [vars(s) | {"extra_columns": list(s.extra_columns)}
                       for s in report.sheets],
            "problems": [vars(p) for p in report.problems], "loaded": report.loaded,
            "valid": report.valid, "version": report.version, "dry_run": report.dry_run,
            "strict": report.strict, "held": list(report.held)}


def report_from_dict(data: dict[str, Any]) -> ImportReport:
    """The report ``report_to_dict`` described."""
    return ImportReport(
        sheets=tuple(SheetResult(**{**s, "extra_columns": tuple(s["extra_columns"])})
                     for s in data["sheets"]),
        problems=tuple(Problem(**p) for p in data["problems"]),
        loaded=dict(data["loaded"]), valid=dict(data["valid"]), version=data["version"],
        dry_run=bool(data["dry_run"]), strict=bool(data["strict"]), held=tuple(data["held"]))


def _failed_child(files: Sequence[tuple[str, bytes]], status: str, dry_run: bool
                  ) -> ImportReport:
    why = {"memory": "needed more memory than an import may use",
           "timeout": "took longer than an import may take",
           "too_large": "gave a report too large to show"}.get(status, "stopped unexpectedly")
    names = ", ".join(clean_file_name(n) for n, _ in files) or "the upload"
    problem = Problem(names, None, None, None,
                      f"reading these files {why}; nothing was loaded (split the files, or "
                      "remove unused rows and columns, and try again)")
    return ImportReport(sheets=(), problems=(problem,), dry_run=dry_run)


def import_isolated(files: Sequence[tuple[str, bytes]], db_path: Path | str, *,
                    dry_run: bool = False, strict: bool = False, force: bool = False,
                    user: str | None = None,
                    mapping: profiles.MappingOptions | None = None) -> ImportReport:
    """``import_files`` in a child process under hard memory and time limits, so that no
    uploaded file can take the server's memory. A child that is stopped gives one problem
    naming the files; nothing is loaded then (a load is one transaction on a copy).
    ``mapping`` (the app's own options, plain dataclasses) is pickled to the child; nothing
    is ever unpickled from it (its answer is JSON)."""
    import pickle

    from pmo_data import isolate

    options = [] if mapping is None else [pickle.dumps(mapping)]
    payload = isolate.frame({"names": [n for n, _ in files], "db_path": str(db_path),
                             "dry_run": dry_run, "strict": strict, "force": force,
                             "user": user, "mapping": bool(options)},
                            options + [data for _, data in files])
    outcome = isolate.run("pmo_data.ingest:_import_child", payload,
                          _import_limits())
    if outcome.status != "ok":
        return _failed_child(files, outcome.status, dry_run)
    return report_from_dict(json.loads(outcome.output))


def _import_child(payload: bytes) -> bytes:
    import pickle

    from pmo_data import isolate

    header, blobs = isolate.unframe(payload)
    mapping = pickle.loads(blobs.pop(0)) if header.get("mapping") else None  # from the parent
    names = [str(n) for n in header["names"]]  # type: ignore[union-attr]
    report = import_files(list(zip(names, blobs, strict=True)), str(header["db_path"]),
                          dry_run=bool(header["dry_run"]), strict=bool(header["strict"]),
                          force=bool(header["force"]),
                          user=str(header["user"]) if header.get("user") else None,
                          mapping=mapping)
    return json.dumps(report_to_dict(report)).encode("utf-8")


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


