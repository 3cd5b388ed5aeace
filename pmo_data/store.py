"""Versioned database files: imports never write to the file viewers are reading.

DuckDB allows one writing process or many read-only ones, and a process that holds the
file read-only blocks a writer. So every write (an import, a rollback, a saved setting)
copies the current version to a new file, changes the copy in one transaction,
checkpoints and closes it, then switches a small pointer file atomically
(write temp + ``os.replace``). Readers open the version the pointer names, read-only;
a version file is never changed after it is published (it is made read-only, and it never
has a write-ahead log beside it: readers refuse one that does, see ``pmo_data.sealed``).
A failed or killed write leaves
only a temporary file behind, which the next write removes: the pointer still names the
previous version, so the database is exactly as it was.

Layout for ``PMO_DB=data/pmo.duckdb``::

    data/pmo.duckdb.d/v000001.duckdb ...   versions (the last KEEP_VERSIONS kept)
    data/pmo.duckdb.d/CURRENT               pointer: the current version's file name
    data/pmo.duckdb                         symlink to the current version (convenience only)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from pmo_data.db import create_schema
from pmo_data.sealed import wal_path

T = TypeVar("T")
KEEP_VERSIONS = 5
LOCK_TIMEOUT_S = 300.0
_VERSION_FILE = re.compile(r"^v(\d{6,})\.duckdb$")


class StoreError(Exception):
    """The store cannot do what was asked (e.g. nothing to roll back to)."""


@dataclass(frozen=True)
class Version:
    """One published version: its number and file."""

    number: int
    path: Path


class Store:
    """The versions of one database name (see the module docstring)."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path)
        self.dir = self.db_path.parent / (self.db_path.name + ".d")
        self.pointer = self.dir / "CURRENT"

    # --- reading -----------------------------------------------------------------------
    def current(self) -> Version | None:
        """The version the pointer names, or None before the first write."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        m = _VERSION_FILE.match(name)
        path = self.dir / name
        if not m or not path.exists():
            return None
        return Version(int(m[1]), path)

    def versions(self) -> list[Version]:
        """Every published version on disk, oldest first."""
        if not self.dir.exists():
            return []
        found = []
        for path in self.dir.iterdir():
            m = _VERSION_FILE.match(path.name)
            if m:
                found.append(Version(int(m[1]), path))
        return sorted(found, key=lambda v: v.number)

    # --- writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """Serialise writers across processes (an exclusive lock on ``.lock``)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.dir / ".lock", "a+b")  # noqa: SIM115 - held for the block
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: single writer assumed
                yield
                return
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError("another import is still running; try again later"
                                         ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        finally:
            handle.close()

    def write(self, change: Callable[[duckdb.DuckDBPyConnection], T]) -> tuple[Version, T]:
        """Publish a new version made by applying ``change`` to a copy of the current one.

        ``change`` runs inside one transaction (``meta.version`` already holds the new
        number); if it raises, nothing is published and the
        exception propagates. Returns the new version and ``change``'s result.
        """
        with self._lock():
            self._remove_temporaries()
            current = self.current()
            number = max([v.number for v in self.versions()] + [0]) + 1
            final = self.dir / f"v{number:06d}.duckdb"
            temp = self.dir / f".v{number:06d}.{os.getpid()}.tmp"
            try:  # a full disk mid-copy must not leave a partial file behind
                if current is not None:  # the file alone: a stray log beside it is not copied
                    shutil.copyfile(current.path, temp)
                con = duckdb.connect(str(temp))
            except BaseException:
                self._discard(temp)
                raise
            try:
                create_schema(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(
                        "INSERT INTO meta VALUES ('version', ?) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", [str(number)])
                    result = change(con)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                self._discard(temp)
                raise
            con.close()
            if wal_path(temp).exists():  # a version is published whole or not at all
                self._discard(temp)
                raise StoreError("the new version could not be written completely (its log "
                                 "was not checkpointed); nothing was changed")
            os.chmod(temp, 0o444)  # published versions are never written again
            os.replace(temp, final)
            self._point_to(final)
            self._prune()
            return Version(number, final), result

    def rollback(self, to: int | None = None) -> Version:
        """Point at an earlier version (default: the one before the current)."""
        with self._lock():
            current = self.current()
            available = self.versions()
            if to is None:
                earlier = [v for v in available if current is None or v.number < current.number]
                if not earlier:
                    raise StoreError("there is no earlier version to roll back to")
                target = earlier[-1]
            else:
                matches = [v for v in available if v.number == to]
                if not matches:
                    kept = ", ".join(str(v.number) for v in available) or "none"
                    raise StoreError(f"version {to} is not kept (kept: {kept})")
                target = matches[0]
            self._point_to(target.path)
            return target

    def _point_to(self, path: Path) -> None:
        temp = self.pointer.with_name(f".CURRENT.{os.getpid()}.tmp")
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(path.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.pointer)
        with contextlib.suppress(OSError):  # convenience link; not used by the app
            link = self.db_path.with_name(f".{self.db_path.name}.{os.getpid()}.lnk")
            link.unlink(missing_ok=True)
            link.symlink_to(os.path.relpath(path, self.db_path.parent))
            if self.db_path.is_symlink() or not self.db_path.exists():
                os.replace(link, self.db_path)
            else:
                link.unlink()

    @staticmethod
    def _discard(temp: Path) -> None:
        temp.unlink(missing_ok=True)
        wal_path(temp).unlink(missing_ok=True)

    def _remove_temporaries(self) -> None:
        for pattern in (".v*.tmp", ".v*.tmp.wal", ".CURRENT.*.tmp"):
            for path in self.dir.glob(pattern):
                path.unlink(missing_ok=True)

    def _prune(self) -> None:
        versions = self.versions()
        current = self.current()
        for old in versions[:-KEEP_VERSIONS]:
            if current is not None and old.number == current.number:
                continue
            with contextlib.suppress(OSError):  # a reader may still have it open (Windows)
                old.path.unlink()
                wal_path(old.path).unlink(missing_ok=True)
