"""Benchmarking snapshots: what one PMO shares with its peers, and loading what they share.

Why this module exists: a region's PMOs want to see where each stands without any of them
seeing another's projects, staff or free text. Each trust exports a small *snapshot*: one row
per shared metric for one financial year, aggregates only, small counts suppressed; the
others import it. This module defines the snapshot (``SNAPSHOT_COLUMNS``, schema version
``SCHEMA_VERSION``), builds it from the metric catalogue (``build_snapshot``), writes it as
Parquet with a CSV twin (``write_snapshot``), describes it before anything is written
(``preview_lines``), validates a received file (``read_snapshot_file``: one line per bad
file, nothing loaded from it) and loads good ones through the versioned store, replacing a
peer's earlier snapshot of the same financial year (``import_snapshots``). The Network page's
numbers are in ``pmo_data.network``; the funnel-plot limits in ``pmo_data.funnel``.

**Organisation**: code, display name and (optional) headcount come from
``config/benchmark.toml`` (or the file named by ``PMO_BENCHMARK_FILE``)::

    [organisation]
    code = "RXX"                          # the trust's ODS code
    name = "Northshire Hospitals NHS Foundation Trust"
    headcount = 7200                      # staff in post, for counts per 1,000 staff

Without the file a placeholder (``PLACEHOLDER_CODE``) is used and every export says so;
snapshots carrying the placeholder are refused on import.

**Suppression** (NHS statistical disclosure practice): a count from 1 to 4 is suppressed,
shown as "suppressed", never as zero. For a count metric the value is suppressed; for a rate
(unit %) the value, numerator and denominator are all suppressed when the numerator or the
denominator is 1 to 4 (with the denominator known, the rate would give the numerator away).
Zero is not suppressed: it identifies nobody. Medians (days) and money are not counts.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmo_data import metrics
from pmo_data.db import Database
from pmo_data.parse import parse_fy

SCHEMA_VERSION = 1
#: Schema versions this release can read.
READABLE_VERSIONS = frozenset({1})
SUPPRESS_BELOW = 5
PLACEHOLDER_CODE = "XXX"
PLACEHOLDER_NAME = "Your organisation (set it in config/benchmark.toml)"
DEFAULT_CONFIG = Path("config/benchmark.toml")
#: A snapshot holds one row per metric; far more rows than any catalogue means row-level data.
MAX_ROWS = 2000
MAX_FILE_BYTES = 5 * 1024 * 1024
UNITS = ("count", "%", "days", "£")
#: The metrics a snapshot shares: the catalogue's, except the RAG mix (a breakdown, whose
#: total is ACTIVE_PROJECTS) and the plan's hand-kept KPIs (each trust's own codes).
SHARED_CODES: tuple[str, ...] = tuple(d.code for d in metrics.CATALOGUE
                                      if d.code != "PORTFOLIO_RAG")
#: Columns of a snapshot file, in order. Nothing else is allowed in a file.
SNAPSHOT_COLUMNS: tuple[str, ...] = (
    "schema_version", "org_code", "org_name", "fy", "as_at", "headcount", "code", "value",
    "numerator", "denominator", "unit", "direction", "target", "suppressed")
_SQL_TYPES = {"schema_version": "INTEGER", "org_code": "VARCHAR", "org_name": "VARCHAR",
              "fy": "VARCHAR", "as_at": "DATE", "headcount": "INTEGER", "code": "VARCHAR",
              "value": "DOUBLE", "numerator": "DOUBLE", "denominator": "DOUBLE",
              "unit": "VARCHAR", "direction": "VARCHAR", "target": "DOUBLE",
              "suppressed": "BOOLEAN"}
_ORG_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
_METRIC_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class BenchmarkConfigError(ValueError):
    """The benchmarking config file is unreadable or holds a bad value."""


@dataclass(frozen=True)
class Organisation:
    """Who this trust is in snapshots: code, display name, headcount (None: not given).
    ``placeholder`` is True when no config file sets the code."""

    code: str
    name: str
    headcount: int | None = None
    placeholder: bool = False


def config_path() -> Path:
    """The config file in force: ``PMO_BENCHMARK_FILE``, else config/benchmark.toml."""
    return Path(os.environ.get("PMO_BENCHMARK_FILE") or DEFAULT_CONFIG)


def load_organisation(path: Path | None = None) -> Organisation:
    """This trust's ``Organisation`` from the config file (see the module docstring); the
    placeholder when the file or its code is absent. BenchmarkConfigError for bad values."""
    path = path or config_path()
    if not path.exists():
        return Organisation(PLACEHOLDER_CODE, PLACEHOLDER_NAME, None, True)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BenchmarkConfigError(f"{path}: {exc}") from None
    org = data.get("organisation", {})
    code = str(org.get("code", "")).strip().upper()
    if not code or code == PLACEHOLDER_CODE:
        return Organisation(PLACEHOLDER_CODE, PLACEHOLDER_NAME, None, True)
    if not _ORG_CODE.match(code):
        raise BenchmarkConfigError(f"{path}: organisation.code must be 3 to 10 letters or "
                                   f"digits ({code})")
    name = " ".join(_CONTROL.sub(" ", str(org.get("name", "")).strip()).split()) or code
    headcount = org.get("headcount")
    if headcount is not None and (not isinstance(headcount, int) or isinstance(headcount, bool)
                                  or not 1 <= headcount <= 2_000_000):
        raise BenchmarkConfigError(f"{path}: organisation.headcount must be a whole number "
                                   f"of staff ({headcount})")
    return Organisation(code, name[:120], headcount, False)


# --- building a snapshot ---------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRow:
    """One metric in a snapshot. ``value`` None and ``suppressed`` False: no data;
    ``suppressed`` True: value (and for a rate its numerator and denominator) withheld."""

    code: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    direction: str
    target: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Snapshot:
    """One organisation's snapshot of one financial year (``as_at``: the evaluation date)."""

    org: Organisation
    fy: str
    as_at: date
    rows: tuple[SnapshotRow, ...]

    @property
    def suppressed(self) -> tuple[str, ...]:
        """Codes whose values are suppressed."""
        return tuple(r.code for r in self.rows if r.suppressed)


def _small(x: float | None) -> bool:
    return x is not None and 0 < x < SUPPRESS_BELOW


def suppress(row: SnapshotRow) -> SnapshotRow:
    """``row`` with disclosure control applied (module docstring): a count metric of 1-4,
    or a rate whose numerator or denominator is 1-4, loses its value, numerator and
    denominator and is flagged ``suppressed``. Other rows are returned unchanged."""
    if row.unit == "count":
        hit = _small(row.value) or _small(row.numerator)
    elif row.unit == "%":
        hit = _small(row.numerator) or _small(row.denominator)
    else:
        hit = False
    if not hit:
        return row
    return replace(row, value=None, numerator=None, denominator=None, suppressed=True)


def _plain_number(x: Any) -> float | None:
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value


def build_snapshot(db: Database, fy: str, as_at: date | None = None,
                   org: Organisation | None = None, *, disclose: bool = False) -> Snapshot:
    """The snapshot of ``fy`` as at ``as_at`` (default: the latest data date), built from
    ``metrics.compute_all`` for the trust as a whole (no service group): the shared metrics
    (``SHARED_CODES``) with their value, numerator, denominator, unit, direction and target,
    as the metrics command prints them. Suppression is applied unless ``disclose`` (the
    trust's own view of itself on the Network page). ValueError for a bad FY."""
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year given")
    org = org or load_organisation()
    as_at = as_at or metrics.latest_data_date(db) or date.today()
    values = metrics.compute_all(db, normalised, as_at)
    rows = []
    for code in SHARED_CODES:
        mv = values[code]
        row = SnapshotRow(code, _plain_number(mv.value), _plain_number(mv.numerator),
                          _plain_number(mv.denominator), mv.unit, mv.direction,
                          _plain_number(mv.target))
        rows.append(row if disclose else suppress(row))
    at = next(iter(values.values())).as_at
    return Snapshot(org, normalised, at, tuple(rows))


def snapshot_frame(snapshot: Snapshot) -> pd.DataFrame:
    """The snapshot as the table written to file: ``SNAPSHOT_COLUMNS``, one row per metric."""
    org = snapshot.org
    records = [{"schema_version": SCHEMA_VERSION, "org_code": org.code, "org_name": org.name,
                "fy": snapshot.fy, "as_at": snapshot.as_at, "headcount": org.headcount,
                "code": r.code, "value": r.value, "numerator": r.numerator,
                "denominator": r.denominator, "unit": r.unit, "direction": r.direction,
                "target": r.target, "suppressed": r.suppressed} for r in snapshot.rows]
    return pd.DataFrame(records, columns=list(SNAPSHOT_COLUMNS))


def file_stem(snapshot: Snapshot) -> str:
    """``pmo-benchmark-RXX-2025-26``: the file name without suffix."""
    return f"pmo-benchmark-{snapshot.org.code}-{snapshot.fy.replace('/', '-')}"


def _typed(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> duckdb.DuckDBPyRelation:
    """``frame`` as a relation with the schema's column types (names from the schema)."""
    casts = ", ".join(f'CAST("{c}" AS {_SQL_TYPES[c]}) AS "{c}"' for c in SNAPSHOT_COLUMNS)
    return con.from_df(frame).project(casts)


def write_snapshot(snapshot: Snapshot, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<stem>.parquet`` and its CSV twin ``<stem>.csv`` (UTF-8 with a header, for
    people who open it in Excel; suppressed values are empty cells with ``suppressed`` true)
    into ``out_dir`` (created). Returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = snapshot_frame(snapshot)
    stem = file_stem(snapshot)
    parquet, csv = out_dir / f"{stem}.parquet", out_dir / f"{stem}.csv"
    con = duckdb.connect()
    try:
        rel = _typed(con, frame)
        rel.write_parquet(str(parquet))
        rel.write_csv(str(csv), header=True)
    finally:
        con.close()
    return parquet, csv


def snapshot_file(snapshot: Snapshot, suffix: str) -> bytes:
    """The bytes of the ``.parquet`` or ``.csv`` file ``write_snapshot`` writes (for a
    download button)."""
    with tempfile.TemporaryDirectory(prefix="pmo-snapshot-") as tmp:
        parquet, csv = write_snapshot(snapshot, Path(tmp))
        return (csv if suffix == ".csv" else parquet).read_bytes()


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    text = f"{value:,.1f}" if not float(value).is_integer() else f"{value:,.0f}"
    return {"%": f"{text}%", "£": f"£{text}", "days": f"{text} days"}.get(unit, text)


def preview_rows(snapshot: Snapshot) -> pd.DataFrame:
    """What each row of the snapshot will say, for the page's preview: metric, value (or
    "suppressed" / "no data"), numerator, denominator, unit, direction, target."""
    out = []
    for r in snapshot.rows:
        out.append({"Metric": r.code, "Value": "suppressed" if r.suppressed else
                    _show(r.value, r.unit),
                    "Numerator": "suppressed" if r.suppressed else _count(r.numerator),
                    "Denominator": "suppressed" if r.suppressed else _count(r.denominator),
                    "Unit": r.unit, "Direction": r.direction,
                    "Target": "" if r.target is None else _show(r.target, r.unit)})
    return pd.DataFrame(out, columns=["Metric", "Value", "Numerator", "Denominator", "Unit",
                                      "Direction", "Target"])


def _count(x: float | None) -> str:
    return "" if x is None else f"{x:,.0f}"


def preview_lines(snapshot: Snapshot) -> list[str]:
    """One screen saying exactly what the snapshot holds, before anything is written."""
    org = snapshot.org
    lines = []
    if org.placeholder:
        lines.append(f"warning: the organisation is the placeholder {PLACEHOLDER_CODE}: set "
                     f"code, name and headcount in {config_path()} before sharing (peers "
                     "cannot load a snapshot without a code)")
    head = "not given" if org.headcount is None else f"{org.headcount:,}"
    lines += [
        f"Benchmarking snapshot, schema version {SCHEMA_VERSION}",
        f"Organisation: {org.code} {org.name}; headcount {head}",
        f"Financial year {snapshot.fy}, as at {snapshot.as_at.isoformat()}",
        f"{len(snapshot.rows)} metrics, one row each: code, value, numerator, denominator, "
        "unit, direction, target, suppressed",
    ]
    width = max(len(r.code) for r in snapshot.rows) if snapshot.rows else 10
    for r in snapshot.rows:
        shown = "suppressed (a count under 5)" if r.suppressed else _show(r.value, r.unit)
        counts = ""
        if not r.suppressed and r.unit == "%" and r.denominator is not None:
            counts = f"  ({_count(r.numerator)} of {_count(r.denominator)})"
        lines.append(f"  {r.code:<{width}}  {shown}{counts}")
    lines.append(f"{len(snapshot.suppressed)} suppressed. Aggregates only: no project names, "
                 "staff IDs, people, rows or free text.")
    return lines


# --- reading and validating a received file --------------------------------------------


@dataclass(frozen=True)
class ReadResult:
    """A received file: its snapshot rows (``frame``, ``SNAPSHOT_COLUMNS``) or the one line
    saying why nothing in it can be loaded (``problem``)."""

    name: str
    frame: pd.DataFrame | None
    problem: str | None

    @property
    def groups(self) -> list[tuple[str, str, str]]:
        """(org code, org name, FY) of each snapshot in the file."""
        if self.frame is None:
            return []
        seen = self.frame[["org_code", "org_name", "fy"]].drop_duplicates()
        return [tuple(r) for r in seen.itertuples(index=False)]


class _Bad(Exception):
    pass


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _raw(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, name: str) -> pd.DataFrame:
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        return con.read_parquet(str(path)).df()
    if name.lower().endswith(".csv"):
        if b"\x00" in data:
            raise _Bad("not a UTF-8 CSV snapshot (binary content)")
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _Bad("not a UTF-8 CSV snapshot") from None
        return con.read_csv(str(path), header=True, all_varchar=True).df()
    raise _Bad("not a benchmarking snapshot (neither Parquet nor CSV)")


def _number(value: Any, column: str, row: int, *, whole: bool = False) -> float | None:
    if _blank(value):
        return None
    try:
        x = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _Bad(f"{row}:{column}: not a number ({_quote(value)})") from None
    if not math.isfinite(x):
        raise _Bad(f"{row}:{column}: not a finite number ({_quote(value)})")
    if whole and not x.is_integer():
        raise _Bad(f"{row}:{column}: not a whole number ({_quote(value)})")
    return x


def _quote(value: Any) -> str:
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: Any, column: str, row: int) -> str:
    if _blank(value):
        raise _Bad(f"{row}:{column}: blank")
    return str(value).strip()


def _bool(value: Any, row: int) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise _Bad(f"{row}:suppressed: not true or false ({_quote(value)})")


def _date(value: Any, row: int) -> date:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise _Bad(f"{row}:as_at: not a date in YYYY-MM-DD form ({_quote(value)})") from None


def _check_row(r: Mapping[str, Any], row: int) -> dict[str, Any]:
    """One row, typed and range-checked; _Bad with ``row:column: message (value)``."""
    org_code = _text(r["org_code"], "org_code", row).upper()
    if not _ORG_CODE.match(org_code):
        raise _Bad(f"{row}:org_code: not an organisation code, 3 to 10 letters or digits "
                   f"({_quote(r['org_code'])})")
    if org_code == PLACEHOLDER_CODE:
        raise _Bad(f"{row}:org_code: the placeholder {PLACEHOLDER_CODE}: the sender must set "
                   "their organisation in config/benchmark.toml")
    name = " ".join(_CONTROL.sub(" ", _text(r["org_name"], "org_name", row)).split())
    if len(name) > 120:
        raise _Bad(f"{row}:org_name: longer than 120 characters ({_quote(name)})")
    try:
        fy = parse_fy(r["fy"])
    except ValueError:
        fy = None
    if fy is None:
        raise _Bad(f"{row}:fy: not a financial year ({_quote(r['fy'])})")
    code = _text(r["code"], "code", row).upper()
    if not _METRIC_CODE.match(code):
        raise _Bad(f"{row}:code: not a metric code ({_quote(r['code'])})")
    unit = _text(r["unit"], "unit", row)
    if unit not in UNITS:
        raise _Bad(f"{row}:unit: not one of {', '.join(UNITS)} ({_quote(unit)})")
    direction = _text(r["direction"], "direction", row).lower()
    if direction not in ("up", "down", "neither"):
        raise _Bad(f"{row}:direction: not up, down or neither ({_quote(direction)})")
    headcount = _number(r["headcount"], "headcount", row, whole=True)
    if headcount is not None and not 1 <= headcount <= 2_000_000:
        raise _Bad(f"{row}:headcount: out of range 1 to 2,000,000 ({_quote(r['headcount'])})")
    value = _number(r["value"], "value", row)
    num = _number(r["numerator"], "numerator", row, whole=True)
    den = _number(r["denominator"], "denominator", row, whole=True)
    target = _number(r["target"], "target", row)
    suppressed = _bool(r["suppressed"], row)
    if suppressed and (value is not None or num is not None or den is not None):
        raise _Bad(f"{row}:value: marked suppressed but carries a value ({_quote(value)})")
    if unit == "count" and value is not None:
        if value < 0 or not value.is_integer():
            raise _Bad(f"{row}:value: a count must be a whole number of 0 or more "
                       f"({_quote(value)})")
        if _small(value):
            raise _Bad(f"{row}:value: a count under {SUPPRESS_BELOW} that should have been "
                       f"suppressed ({_quote(value)})")
    if unit == "%" and value is not None and not 0 <= value <= 100:
        raise _Bad(f"{row}:value: a percentage must be between 0 and 100 ({_quote(value)})")
    for column, x in (("numerator", num), ("denominator", den)):
        if x is not None and x < 0:
            raise _Bad(f"{row}:{column}: negative ({_quote(x)})")
        if _small(x):
            raise _Bad(f"{row}:{column}: a count under {SUPPRESS_BELOW} that should have been "
                       f"suppressed ({_quote(x)})")
    if unit == "%" and num is not None and den is not None:
        if num > den:
            raise _Bad(f"{row}:numerator: larger than the denominator ({_quote(num)} of "
                       f"{_quote(den)})")
        if den == 0 or value is None or abs(100 * num / den - value) > 0.05:
            raise _Bad(f"{row}:value: not 100 x numerator / denominator ({_quote(value)})")
    if unit == "days" and value is not None and abs(value) > 3650:
        raise _Bad(f"{row}:value: more than ten years of days ({_quote(value)})")
    if unit == "£" and value is not None and abs(value) > 1e11:
        raise _Bad(f"{row}:value: out of range ({_quote(value)})")
    return {"schema_version": SCHEMA_VERSION, "org_code": org_code, "org_name": name,
            "fy": fy, "as_at": _date(r["as_at"], row), "headcount": headcount,
            "code": code, "value": value, "numerator": num, "denominator": den, "unit": unit,
            "direction": direction, "target": target, "suppressed": suppressed}


def _check_frame(raw: pd.DataFrame, first_row: int) -> pd.DataFrame:
    columns = [str(c) for c in raw.columns]
    if "schema_version" not in columns:
        raise _Bad("not a benchmarking snapshot (no schema_version column)")
    versions = set()
    for v in raw["schema_version"]:
        try:
            versions.add(int(float(v)))
        except (TypeError, ValueError):
            raise _Bad(f"unknown schema version ({_quote(v)})") from None
    unknown = sorted(versions - READABLE_VERSIONS)
    if unknown:
        raise _Bad(f"unknown schema version {unknown[0]} (this dashboard reads version "
                   f"{', '.join(str(v) for v in sorted(READABLE_VERSIONS))})")
    extra = [c for c in columns if c not in SNAPSHOT_COLUMNS]
    if extra:
        raise _Bad(f"holds columns a snapshot may not ({', '.join(extra[:5])}): snapshots "
                   "carry aggregates only, no row-level data or free text")
    missing = [c for c in SNAPSHOT_COLUMNS if c not in columns]
    if missing:
        raise _Bad(f"missing columns {', '.join(missing)}")
    if len(raw) > MAX_ROWS:
        raise _Bad(f"holds {len(raw):,} rows, more than {MAX_ROWS:,}: a snapshot has one row "
                   "per metric, so this looks like row-level data")
    if raw.empty:
        raise _Bad("holds no rows")
    rows = [_check_row(r, i) for i, r in enumerate(raw.to_dict("records"), start=first_row)]
    frame = pd.DataFrame(rows, columns=list(SNAPSHOT_COLUMNS))
    dupes = frame[frame.duplicated(["org_code", "fy", "code"], keep=False)]
    if not dupes.empty:
        first = dupes.iloc[0]
        raise _Bad(f"duplicate organisation and FY: {first.org_code} {first.fy} has "
                   f"{first.code} more than once")
    for (org, fy), part in frame.groupby(["org_code", "fy"], sort=True):
        for column in ("org_name", "as_at", "headcount"):
            if part[column].nunique(dropna=False) > 1:
                raise _Bad(f"{org} {fy}: {column} differs between rows")
    return frame


def read_snapshot_file(name: str, data: bytes) -> ReadResult:
    """Validate one received file (Parquet, or its CSV twin). Either every row is good and
    the typed rows come back, or ``problem`` is one line ``name: ...`` and nothing in the
    file is used: an unknown schema version, columns the schema does not allow (row-level
    data, free text), too many rows, a duplicate organisation + FY + metric, a value out of
    range (a percentage outside 0-100, a numerator above its denominator, an unsuppressed
    count under 5, a negative count), a bad code, date or FY."""
    shown = " ".join(_CONTROL.sub(" ", Path(name).name).split()) or "unnamed"
    if len(data) > MAX_FILE_BYTES:
        return ReadResult(shown, None, f"{shown}: larger than {MAX_FILE_BYTES // 2**20} MB: "
                                       "not a snapshot; nothing loaded from this file")
    suffix = ".csv" if shown.lower().endswith(".csv") else ".parquet"
    try:
        with tempfile.TemporaryDirectory(prefix="pmo-snapshot-") as tmp:
            path = Path(tmp) / f"snapshot{suffix}"
            path.write_bytes(data)
            con = duckdb.connect()
            try:
                raw = _raw(con, path, data, shown)
            finally:
                con.close()
        frame = _check_frame(raw, 2 if suffix == ".csv" else 1)  # CSV: the header is row 1
    except _Bad as exc:
        return ReadResult(shown, None, f"{shown}:{'' if str(exc)[:1].isdigit() else ' '}"
                                       f"{exc}; nothing loaded from this file")
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ReadResult(shown, None, f"{shown}: unreadable ({_quote(first)}); nothing "
                                       "loaded from this file")
    return ReadResult(shown, frame, None)


# --- loading through the store ---------------------------------------------------------


@dataclass(frozen=True)
class SnapshotImport:
    """What ``import_snapshots`` did: the (org code, org name, FY, file) loaded, one problem
    line per refused file, the published version (None: nothing written)."""

    loaded: tuple[tuple[str, str, str, str], ...]
    problems: tuple[str, ...]
    version: int | None

    def summary_lines(self) -> list[str]:
        """One line per loaded snapshot, then a total."""
        lines = [f"loaded {code} {name} {fy} from {file}"
                 for code, name, fy, file in self.loaded]
        if self.version is not None:
            count = len(self.loaded)
            lines.append(f"{count} snapshot{'' if count == 1 else 's'} loaded as version "
                         f"{self.version}")
        else:
            lines.append("nothing loaded")
        return lines

    @property
    def exit_code(self) -> int:
        """0 every file loaded, 1 some refused, 2 nothing loaded."""
        if self.version is None:
            return 2
        return 1 if self.problems else 0


def import_snapshots(files: Sequence[tuple[str, bytes]], db_path: Path | str, *,
                     user: str | None = None) -> SnapshotImport:
    """Validate each file (``read_snapshot_file``) and load the good ones in one new
    version of the database (``Store.write``): each snapshot replaces what the table held for
    the same organisation and FY (a later file in ``files`` replaces an earlier one). Bad
    files load nothing and give one line each. Nothing is written when no file is good."""
    from pmo_data.store import Store

    results = [read_snapshot_file(name, data) for name, data in files]
    good = [r for r in results if r.frame is not None]
    problems = tuple(r.problem for r in results if r.problem)
    if not good:
        return SnapshotImport((), problems, None)
    stamp = datetime.now().replace(microsecond=0)
    who = user or _login()

    def change(con: duckdb.DuckDBPyConnection) -> None:
        for result in good:
            frame = result.frame
            assert frame is not None
            for org, _name, fy in result.groups:
                con.execute("DELETE FROM benchmark_snapshots WHERE org_code = ? AND fy = ?",
                            [org, fy])
            rel = _typed(con, frame)
            names = ", ".join(f'"{c}"' for c in SNAPSHOT_COLUMNS)
            con.register("_snapshot", rel)
            try:
                con.execute(f"INSERT INTO benchmark_snapshots ({names}, file_name, "
                            f"imported_at, imported_by) SELECT {names}, ?, ?, ? "
                            "FROM _snapshot", [result.name, stamp, who])
            finally:
                con.unregister("_snapshot")

    version, _ = Store(db_path).write(change)
    loaded = tuple((org, name, fy, r.name) for r in good for org, name, fy in r.groups)
    return SnapshotImport(loaded, problems, version.number)


def import_paths(paths: Sequence[Path], db_path: Path | str, *, user: str | None = None
                 ) -> SnapshotImport:
    """``import_snapshots`` of files and folders (a folder: its ``*.parquet`` files, so a
    CSV twin beside each is not loaded twice; name CSV files to load them). A missing path
    or a file too large to be a snapshot is a problem line."""
    files: list[tuple[str, bytes]] = []
    problems: list[str] = []
    for path in paths:
        found = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
        if path.is_dir() and not found:
            problems.append(f"{path}: no .parquet snapshots in this folder")
        for file in found:
            try:
                size = file.stat().st_size
            except OSError:
                problems.append(f"{file}: no such file")
                continue
            if size > MAX_FILE_BYTES:
                problems.append(f"{file.name}: larger than {MAX_FILE_BYTES // 2**20} MB: not a "
                                "snapshot; nothing loaded from this file")
                continue
            files.append((file.name, file.read_bytes()))
    result = import_snapshots(files, db_path, user=user)
    return replace(result, problems=tuple(problems) + result.problems)


def _login() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def snapshot_rows(db: Database) -> pd.DataFrame:
    """Every imported peer snapshot row (``SNAPSHOT_COLUMNS``), ordered by FY, org, code;
    empty (with the columns) when none, or when the database predates the table."""
    present = db.scalar("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                        "AND table_name = 'benchmark_snapshots'")
    names = ", ".join(f'"{c}"' for c in SNAPSHOT_COLUMNS)
    if not present:
        return pd.DataFrame(columns=list(SNAPSHOT_COLUMNS))
    return db.df(f"SELECT {names} FROM benchmark_snapshots ORDER BY fy, org_code, code")

