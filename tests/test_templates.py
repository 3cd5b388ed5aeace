"""Import templates: one per source, generated from the registry, and each re-imports cleanly."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pmo_data import ingest
from pmo_data.schema import ROW_MODELS, SOURCES
from pmo_data.store import Store
from pmo_data.templates import example_value, template_xlsx

NAMES = list(SOURCES)


@pytest.fixture(scope="module")
def templates() -> dict[str, bytes]:
    return {name: template_xlsx(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_template_example_row_is_valid_and_source_recognised(
    name: str, templates: dict[str, bytes], tmp_path: Path
) -> None:
    report = ingest.import_files([(f"{name}.xlsx", templates[name])], tmp_path / "x.duckdb",
                                 dry_run=True)
    data_sheet = report.sheets[0]
    assert data_sheet.sheet == SOURCES[name].title[:31]
    assert data_sheet.source == name
    assert (data_sheet.rows_read, data_sheet.rows_valid) == (1, 1)
    assert data_sheet.extra_columns == ()
    assert report.valid == {name: 1}
    assert [p for p in report.problems if p.sheet == data_sheet.sheet] == []


def test_every_template_reimports_without_problems(
    templates: dict[str, bytes], tmp_path: Path
) -> None:
    """A filled-in template must import with exit code 0: its guide sheet is not a problem."""
    outcome = {}
    for name in NAMES:
        report = ingest.import_files([(f"{name}.xlsx", templates[name])],
                                     tmp_path / "x.duckdb", dry_run=True)
        outcome[name] = (report.exit_code, [p.line() for p in report.problems])
    assert outcome == {name: (0, []) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_template_layout(name: str, templates: dict[str, bytes]) -> None:
    source = SOURCES[name]
    book = openpyxl.load_workbook(io.BytesIO(templates[name]))
    data, guide = book.worksheets
    assert data.title == source.title[:31] and guide.title == "Guide"
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == list(source.column_names)
    assert len(rows) == 2
    guide_rows = list(guide.iter_rows(values_only=True))
    assert guide_rows[0] == ("Column", "Required", "Type", "Meaning", "Also accepted headers")
    assert [r[0] for r in guide_rows[1:]] == list(source.column_names)
    for column, row in zip(source.columns, guide_rows[1:], strict=True):
        assert row[1] == ("yes" if column.required else "no")
        assert row[3] == column.description
        assert (row[4] or "") == ", ".join(column.aliases)


@pytest.mark.parametrize("name", NAMES)
def test_example_values_satisfy_the_contract(name: str) -> None:
    source = SOURCES[name]
    row = ROW_MODELS[name].model_validate({c.name: example_value(c) for c in source.columns})
    assert all(getattr(row, c.name) is not None for c in source.columns)


def test_template_imports_for_real(templates: dict[str, bytes], tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    files = [(f"{name}.xlsx", templates[name]) for name in NAMES]
    report = ingest.import_files(files, db)
    assert report.loaded == {name: 1 for name in NAMES}
    from pmo_data.db import Database

    with Database(Store(db).current().path) as con:
        assert con.rows("SELECT project_id, start_date, planned_end_date FROM projects") == [
            ("PRJ-0001", date(2025, 4, 1), date(2025, 4, 1))]
        assert con.rows("SELECT kpi_code, financial_year FROM kpi_plan") == [
            ("TRAINED_STAFF", "2025/26")]
