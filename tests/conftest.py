"""Fixtures several test modules share (helpers that are plain functions live in
apptest_support, governance_support and streamlit_server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_data.db import Database, build_database
from pmo_data.store import Store


@pytest.fixture()
def empty_db(tmp_path: Path) -> Iterator[Database]:
    """A database with every table and no rows."""
    handle = Database(build_database(tmp_path / "empty.duckdb", {}))
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def pack_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A versioned store holding the board-pack fixture data (test_export.fill_pack_data),
    one per test module."""
    from test_export import fill_pack_data

    path = tmp_path_factory.mktemp("pack") / "pmo.duckdb"
    Store(path).write(fill_pack_data)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo trust's exports (as at 21 Nov 2026) imported into a versioned store, once per
    test run; tests only read it."""
    from datetime import date

    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    base = tmp_path_factory.mktemp("demo_trust")
    exports = write_demo_exports(base / "sample", as_at=date(2026, 11, 21))
    assert import_paths(exports, base / "pmo.duckdb").version is not None
    return base / "pmo.duckdb"
