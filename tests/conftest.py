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
