"""The SQL box's sandbox: one user query, checked, then run where it cannot do harm.

Why this module exists: the Explore page lets trusted staff type SQL, and DuckDB's own advice
is to treat SQL like code. Two walls stand between a query and the data everyone is served:

1. **The parse tree** (``pmo_data.sqlguard``): the query's own DuckDB parse tree must be a
   plain SELECT made of allowed tables, table functions, functions and expression kinds.
2. **Where it runs**: a child process (``pmo_data.isolate``) with hard limits on address
   space, CPU seconds, wall clock, output bytes and file writes (none). In it, a fresh
   in-memory DuckDB attaches the database version READ_ONLY, copies its tables into memory
   and detaches it again, then switches external access off (no files, no network), turns
   extension loading off and locks its configuration. Only then is the query parsed and run.
   No database file is attached while the user's SQL exists in the process, so even a query
   that got past the first wall has no file to write to (no ``.wal`` beside the version) and
   nothing of the server's to read.

A version with a write-ahead log beside it is refused (``pmo_data.sealed``): published
versions never have one, so a log there means someone changed the file after publishing.

Every outcome is one plain sentence or a frame of at most ``max_rows`` rows and
``max_result_mb`` of data. Settings come from the environment (``sql_settings``).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import signal
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_data import isolate
from pmo_data.sealed import UnsealedVersion, check_sealed

if TYPE_CHECKING:  # the child process never imports pandas
    import pandas as pd

#: The longest query text accepted (characters); longer text is refused before any parser.
MAX_SQL_CHARS = 20_000
#: Seconds the child may spend starting (Python, DuckDB, copying the tables) beyond the query's
#: own time limit before the parent kills it.
STARTUP_ALLOWANCE_S = 10.0
_HEADER = struct.Struct("<Q")


@dataclass(frozen=True)
class SqlSettings:
    """Limits of the SQL box, from the environment (defaults in brackets).

    ``PMO_SQL_TIMEOUT_S`` (10) seconds a query may run; ``PMO_SQL_MAX_ROWS`` (10000) rows
    returned at most; ``PMO_SQL_MEMORY`` (512MB) DuckDB's memory limit; ``PMO_SQL_THREADS``
    (2) worker threads; ``PMO_SQL_ADDRESS_SPACE_MB`` (2048) the child process's hard
    address-space limit (a DuckDB process needs about 1.2 GB of address space before it does
    anything, so values under 1536 are raised to that); ``PMO_SQL_MAX_RESULT_MB`` (50) the
    largest result sent back.
    """

    timeout_s: float = 10.0
    max_rows: int = 10_000
    memory_limit: str = "512MB"
    threads: int = 2
    address_space_mb: int = 2048
    max_result_mb: int = 50


def sql_settings() -> SqlSettings:
    """The SQL box limits from the environment, falling back to the defaults on bad values."""
    default = SqlSettings()

    def number(name: str, fallback: float) -> float:
        try:
            value = float(os.environ.get(name, ""))
        except ValueError:
            return fallback
        return value if value > 0 else fallback

    memory = os.environ.get("PMO_SQL_MEMORY", "").strip()
    return SqlSettings(
        timeout_s=number("PMO_SQL_TIMEOUT_S", default.timeout_s),
        max_rows=int(number("PMO_SQL_MAX_ROWS", default.max_rows)),
        memory_limit=memory if re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", memory, re.I)
        else default.memory_limit,
        threads=int(number("PMO_SQL_THREADS", default.threads)),
        address_space_mb=max(1536, int(number("PMO_SQL_ADDRESS_SPACE_MB",
                                              default.address_space_mb))),
        max_result_mb=int(number("PMO_SQL_MAX_RESULT_MB", default.max_result_mb)),
    )


@dataclass(frozen=True)
class SqlResult:
    """The outcome of one SQL box query.

    Exactly one of ``frame`` (at most ``max_rows`` rows) and ``error`` (one plain sentence) is
    set. ``truncated``: the query returned more rows than ``max_rows``. ``elapsed_s``: wall
    time including the sandbox set-up.
    """

    frame: pd.DataFrame | None
    error: str | None
    truncated: bool
    elapsed_s: float

    @property
    def ok(self) -> bool:
        """True when the query ran."""
        return self.error is None


# --- the parent's side ---------------------------------------------------------------------


def run_sql(db_path: Path | str, sql: str, *, views: Sequence[tuple[str, str]] = (),
            settings: SqlSettings | None = None) -> SqlResult:
    """Run one read-only SELECT on the version at ``db_path`` in the sandbox.

    ``views``: (name, SELECT text) pairs of the app's own prepared views, created in the
    sandbox before it is locked. Never raises for a bad query: the error is one sentence.
    """
    limits = settings or sql_settings()
    started = time.monotonic()

    def failed(sentence: str) -> SqlResult:
        return SqlResult(None, sentence, False, round(time.monotonic() - started, 3))

    if not sql.strip():
        return failed("Type a SELECT query first.")
    if len(sql) > MAX_SQL_CHARS:
        return failed(f"The query is {len(sql):,} characters long; the SQL box takes at most "
                      f"{MAX_SQL_CHARS:,}. Shorten it (a long IN list is better as a join).")
    try:
        check_sealed(Path(db_path))
    except UnsealedVersion as exc:
        return failed(str(exc))
    request = {"db_path": str(db_path), "sql": sql, "views": [list(v) for v in views],
               **asdict(limits)}
    max_bytes = limits.max_result_mb * 1024 * 1024
    outcome = isolate.run("pmo_data.sqlbox:child", json.dumps(request).encode("utf-8"),
                          isolate.Limits(
                              address_space_mb=limits.address_space_mb,
                              cpu_s=int((limits.timeout_s + STARTUP_ALLOWANCE_S)
                                        * max(1, limits.threads)),
                              wall_s=limits.timeout_s + STARTUP_ALLOWANCE_S,
                              max_output_bytes=max_bytes + 1024 * 1024))
    if outcome.status == "timeout":
        return failed(_stopped(limits.timeout_s))
    if outcome.status == "memory":
        return failed(_too_much_memory(limits.memory_limit))
    if outcome.status == "too_large":
        return failed(_too_large(limits.max_result_mb))
    if outcome.status != "ok":
        return failed("The query failed: the SQL box stopped unexpectedly; simplify the query "
                      "and try again.")
    header, table = _decode(outcome.output)
    if header.get("error"):
        return failed(str(header["error"]))
    import pandas as pd

    frame = table.to_pandas() if table is not None else pd.DataFrame()
    truncated = len(frame) > limits.max_rows
    return SqlResult(frame.head(limits.max_rows), None, truncated,
                     round(time.monotonic() - started, 3))


def _decode(data: bytes) -> tuple[dict[str, Any], Any]:
    import pyarrow.ipc

    (size,) = _HEADER.unpack_from(data)
    header = json.loads(data[_HEADER.size:_HEADER.size + size])
    body = data[_HEADER.size + size:]
    table = pyarrow.ipc.open_stream(body).read_all() if body else None
    return header, table


def _encode(header: dict[str, Any], table: Any = None) -> bytes:
    raw = json.dumps(header).encode("utf-8")
    body = b""
    if table is not None:
        import pyarrow.ipc

        sink = io.BytesIO()
        with pyarrow.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        body = sink.getvalue()
    return _HEADER.pack(len(raw)) + raw + body


def _stopped(timeout_s: float) -> str:
    unit = "second" if timeout_s == 1 else "seconds"
    return (f"The query was stopped after {timeout_s:g} {unit}; filter or aggregate more, or "
            "add a LIMIT, and try again.")


def _too_much_memory(memory_limit: str) -> str:
    return (f"The query needed more than the {memory_limit} of memory it may use; filter or "
            "aggregate more and try again.")


def _too_large(max_mb: int) -> str:
    return (f"The result is larger than {max_mb} MB; select fewer columns or rows, or "
            "aggregate, and try again.")


# --- the child's side ----------------------------------------------------------------------


def sandbox_connection(db_path: str, memory_limit: str, threads: int,
                       views: Sequence[tuple[str, str]] = ()) -> Any:
    """An in-memory DuckDB holding a copy of the version's tables, with no file attached,
    external access off, extension loading off and its configuration locked.

    Used in the child process (and by tests). The version is attached READ_ONLY only while
    its tables are copied, then detached. Raises ``UnsealedVersion`` for a version with a
    write-ahead log beside it, and DuckDB's errors for a file it cannot open.
    """
    import duckdb

    check_sealed(Path(db_path))
    con = duckdb.connect(":memory:", config={
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "memory_limit": memory_limit,
        "threads": threads,
        "temp_directory": "",
    })
    try:
        con.execute("ATTACH ? AS version_file (READ_ONLY)", [db_path])
        con.execute("COPY FROM DATABASE version_file TO memory")
        con.execute("DETACH version_file")
        for name, select in views:
            con.execute(f'CREATE VIEW "{name}" AS {select}')
        con.execute("SET python_enable_replacements = false")
        con.execute("SET enable_external_access = false")
        con.execute("SET allow_extension_repositories = 'forbidden'")
        con.execute("SET lock_configuration = true")
    except Exception:
        con.close()
        raise
    return con


def table_names(con: Any) -> list[str]:
    """The tables and views the sandbox holds (what a query may read)."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'memory'"
    ).fetchall()]


def child(payload: bytes) -> bytes:
    """The child process's work: open the sandbox, check the query, run it, answer."""
    request = json.loads(payload)
    db_path = str(request["db_path"])
    try:
        con = sandbox_connection(db_path, str(request["memory_limit"]),
                                 int(request["threads"]),
                                 [tuple(v) for v in request.get("views", ())])
    except UnsealedVersion as exc:
        return _encode({"error": str(exc)})
    except Exception as exc:
        return _encode({"error": "The database could not be opened: "
                                 f"{_scrub(_first_line(str(exc)), db_path)}."})
    try:
        return _encode(*_query(con, str(request["sql"]), request, db_path))
    finally:
        con.close()


def _query(con: Any, sql: str, request: dict[str, Any], db_path: str
           ) -> tuple[dict[str, Any], Any]:
    import duckdb

    from pmo_data.sqlguard import check_serialized

    timeout_s = float(request["timeout_s"])
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        return {"error": _scrub(sentence(exc), db_path)}, None
    if not statements:
        return {"error": "Type a SELECT query first."}, None
    if len(statements) > 1:
        return {"error": f"Only one statement can run at a time; this text has "
                         f"{len(statements)} (remove the extra semicolon-separated "
                         "statements)."}, None
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name.replace("_STATEMENT", "").replace("_", " ")
        article = "an" if kind[:1] in "AEIOU" else "a"
        return {"error": f"Only a SELECT query can run here (this is {article} {kind} "
                         "statement): the SQL box reads data and cannot change it."}, None
    text = statement.query.strip().rstrip(";").strip()
    serialized = con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0]
    refusal = check_serialized(serialized, table_names(con))
    if refusal is not None:
        return {"error": _scrub(refusal.sentence, db_path)}, None
    cur = con.cursor()
    timer = threading.Timer(timeout_s, cur.interrupt)  # the polite stop, with a sentence
    timer.start()
    # The hard stop: DuckDB's interrupt does not reach constant folding, so one second after
    # the limit the kernel ends the process (SIGALRM left at its default action).
    signal.alarm(math.ceil(timeout_s) + 1)
    try:
        table = cur.sql(text).limit(int(request["max_rows"]) + 1).to_arrow_table()
    except duckdb.Error as exc:
        return {"error": _scrub(sentence(exc, timeout_s, str(request["memory_limit"])),
                                db_path)}, None
    except MemoryError:
        return {"error": _too_much_memory(str(request["memory_limit"]))}, None
    finally:
        signal.alarm(0)
        timer.cancel()
        cur.close()
    if table.nbytes > int(request["max_result_mb"]) * 1024 * 1024:
        return {"error": _too_large(int(request["max_result_mb"]))}, None
    return {"error": None}, table


def _scrub(text: str, db_path: str) -> str:
    """The text without server paths (the version file's and its folder's)."""
    folder = str(Path(db_path).parent)
    return text.replace(db_path, "the database").replace(folder, "the data folder")


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    line = re.sub(r"^[A-Za-z ]*(Error|Exception):\s*", "", line).strip()
    return line.rstrip(".!") or "unknown problem"


def sentence(exc: BaseException, timeout_s: float | None = None,
             memory_limit: str | None = None) -> str:
    """One plain sentence for a DuckDB error."""
    import duckdb

    detail = _first_line(str(exc))
    if isinstance(exc, duckdb.InterruptException):
        return _stopped(timeout_s or 0)
    if isinstance(exc, duckdb.PermissionException):
        return ("The SQL box cannot read or write files, reach the network or change settings "
                f"({detail}).")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return _too_much_memory(memory_limit or "")
    if isinstance(exc, duckdb.ParserException):
        return f"The SQL could not be read: {detail}."
    if isinstance(exc, duckdb.CatalogException):
        return f"A table or function in the query does not exist: {detail}."
    if isinstance(exc, duckdb.BinderException):
        return f"A column or expression in the query is not valid: {detail}."
    if isinstance(exc, duckdb.ConversionException):
        return f"A value could not be converted: {detail}."
    if isinstance(exc, duckdb.InvalidInputException) and "configuration" in detail:
        return "The SQL box cannot change settings."
    return f"The query failed: {detail}."
