"""Recognition: header row detection, source choice, blank and Total rows, unrecognised sheets."""

from __future__ import annotations

from typing import Any

import pytest

from pmo_data.readers import RawSheet
from pmo_data.recognise import HEADER_SEARCH_ROWS, Recognised, Unrecognised, recognise
from pmo_data.schema import SOURCES_LIST

TRAINING = ["Assignment Number", "Course Title", "Course Date", "Attendance Status"]


def sheet(rows: list[list[Any]], errors: dict[tuple[int, int], str] | None = None) -> RawSheet:
    return RawSheet("f.xlsx", "Sheet1", rows, errors or {})


def test_header_below_title_rows() -> None:
    rows = [["Training export", "", "", ""], ["", "", "", ""], ["Run by: LMS", "21/11/2026"],
            TRAINING + ["Full Name"], ["1", "Intro", "01/04/2025", "Attended", "A Person"]]
    found = recognise(sheet(rows))
    assert isinstance(found, Recognised)
    assert found.source.name == "training"
    assert found.header_row == 3
    assert found.columns == {"staff_id": (0, "Assignment Number"), "course": (1, "Course Title"),
                             "session_date": (2, "Course Date"),
                             "attendance": (3, "Attendance Status")}
    assert found.extra == ("Full Name",)
    assert found.data_rows() == [(5, rows[4])]


@pytest.mark.parametrize("source", SOURCES_LIST, ids=lambda s: s.name)
def test_every_source_recognised_by_its_required_columns(source: Any) -> None:
    found = recognise(sheet([[c.upper() for c in source.required]]))
    assert isinstance(found, Recognised)
    assert found.source.name == source.name


def test_recognised_by_columns_not_by_names_or_order() -> None:
    header = ["attendance", "Notes", "session_date", "course", "staff_id"]
    found = recognise(RawSheet("projects.csv", "projects", [header], {}))
    assert isinstance(found, Recognised) and found.source.name == "training"
    assert found.columns["staff_id"] == (4, "staff_id")
    assert found.extra == ("Notes",)


def test_most_matched_columns_wins() -> None:
    # Every status_reports required column is here too, but projects matches more columns.
    header = ["Project ID", "Project Name", "Service Group", "Stage", "Start Date", "End Date",
              "Report Date", "RAG"]
    found = recognise(sheet([header]))
    assert isinstance(found, Recognised) and found.source.name == "projects"
    assert set(found.extra) == {"Report Date", "RAG"}


def test_blank_and_total_rows_are_skipped() -> None:
    rows = [
        TRAINING,
        ["1", "Intro", "01/04/2025", "Attended"],
        [None, "", "   ", None],
        [],
        ["2", "Total Quality Management", "01/04/2025", "Attended"],
        ["Total", None, None, 2],
        ["", "Grand Total", "", 2],
        ["Subtotal:", "", "", ""],
        ["TOTALS", "", "", ""],
    ]
    found = recognise(sheet(rows))
    assert isinstance(found, Recognised)
    assert [n for n, _ in found.data_rows()] == [2, 5]


def test_a_row_with_only_an_error_cell_is_a_data_row() -> None:
    rows = [TRAINING, ["1", "Intro", "01/04/2025", "Attended"], ["", "", "", ""]]
    found = recognise(sheet(rows, {(2, 2): "#REF!"}))
    assert isinstance(found, Recognised)
    assert [n for n, _ in found.data_rows()] == [2, 3]


def test_single_text_cell_rows_are_never_the_header() -> None:
    rows = [["staff_id"], ["course"], TRAINING]
    found = recognise(sheet(rows))
    assert isinstance(found, Recognised) and found.header_row == 2


def test_header_must_be_within_the_search_window() -> None:
    rows = [["title", "x"]] * HEADER_SEARCH_ROWS + [TRAINING]
    found = recognise(sheet(rows))
    assert isinstance(found, Unrecognised)
    found = recognise(sheet(rows[1:]))
    assert isinstance(found, Recognised) and found.header_row == HEADER_SEARCH_ROWS - 1


def test_unrecognised_names_the_closest_source_and_what_it_lacks() -> None:
    found = recognise(sheet([["Project ID", "Project Name", "Directorate", "Budget"]]))
    assert isinstance(found, Unrecognised)
    assert found.closest == "projects"
    assert found.missing == ("stage", "start_date", "planned_end_date")
    assert found.message == ("not recognised; closest source projects, missing: stage, "
                             "start_date, planned_end_date")


def test_unrecognised_without_any_matching_column() -> None:
    found = recognise(sheet([["Colour", "Shape"], ["red", "round"]]))
    assert isinstance(found, Unrecognised)
    assert found.message == "not recognised; no column matches any source"
    assert found.closest is None


def test_empty_sheet() -> None:
    for rows in ([], [[None, ""], []]):
        found = recognise(sheet(rows))
        assert isinstance(found, Unrecognised)
        assert found.message == "the sheet is empty"


def test_duplicate_header_takes_the_first_column() -> None:
    header = ["Assignment Number", "Staff Number", "Course", "Course Date", "Attendance"]
    found = recognise(sheet([header]))
    assert isinstance(found, Recognised)
    assert found.columns["staff_id"] == (0, "Assignment Number")
    assert found.extra == ("Staff Number",)
