"""AppTest: the Data quality page shows sources, rejected rows with reasons, and history."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import page, serve, small_database


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(small_database(tmp_path), monkeypatch)


def test_sources_rejected_rows_and_history(db: Path) -> None:
    at = page("data_quality").run()
    assert not at.exception
    sources = at.dataframe[0].value.set_index("Source")
    assert sources.loc["Projects", "Rows"] == 2
    assert sources.loc["Highlight reports", "Rows"] == 1
    assert sources.loc["Training records", "Rows"] == 0
    rejected = at.dataframe[1].value
    assert len(rejected) == 1
    row = rejected.iloc[0]
    assert (row["File"], row["Row"], row["Column"], row["Value"]) == (
        "reports.csv", 3, "Overall RAG", "Purple")
    history = at.dataframe[2].value
    assert set(history["File"]) == {"projects.csv", "reports.csv"}


def test_no_database_points_to_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "none.duckdb"))
    at = page("data_quality").run()
    assert not at.exception
    assert "No data has been imported yet" in at.info[0].value
