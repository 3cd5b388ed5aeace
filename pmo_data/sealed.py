"""Published database versions are immutable; this is how a reader tells that one is not.

Why this module exists: DuckDB replays a write-ahead log (``<file>.wal``) found beside a
database file whenever it opens it, read-only included. The store (``pmo_data.store``)
checkpoints and closes every version before publishing it, so a published version never has
a log beside it. A log there means the file was changed after publishing (by hand, a crashed
tool, or an attack through the SQL box), and its figures can no longer be trusted to match
the import that made them. Every reader (the app, the command line, the SQL box sandbox)
refuses such a version and says so, instead of silently serving changed numbers.

Light on purpose (no DuckDB, no pandas): the SQL box's child process imports it.
"""

from __future__ import annotations

from pathlib import Path


class UnsealedVersion(Exception):
    """A database file with a write-ahead log beside it; the message is one sentence."""


def wal_path(db_file: Path) -> Path:
    """Where DuckDB keeps the write-ahead log of ``db_file``."""
    return db_file.with_name(db_file.name + ".wal")


def check_sealed(db_file: Path) -> None:
    """Raise ``UnsealedVersion`` if ``db_file`` has a write-ahead log beside it."""
    if wal_path(db_file).exists():
        raise UnsealedVersion(
            f"The database version {db_file.name} has a write-ahead log beside it, so it was "
            "changed after it was published; it is not read. Roll back to an earlier version "
            "or import again (python -m pmo_data rollback, or the Import page), and tell "
            "the administrator.")
