"""Mapping proposals: likely sources and column choices from header similarity and value
shape, unknown vocabulary with suggestions, and the draft profile they make."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pmo_data import mapping
from pmo_data.ingest import import_files
from pmo_data.profiles import MappingOptions, profile_from_toml, profile_to_toml
from pmo_data.readers import RawSheet
from pmo_data.schema import SOURCES, VOCABULARIES

HEADER = ["Scheme Ref", "Scheme", "Directorate", "Phase", "Kick-off", "Target finish", "Health",
          "Budget (£)"]


def tracker(rows: int = 30) -> RawSheet:
    body = [["Scheme tracker, exported 01/03/2026"], [], HEADER]
    for i in range(rows):
        body.append([f"SR-{i:03d}", f"Scheme {i}", ["Medicine", "Surgery"][i % 2],
                     ["In progress", "Not started", "Planning"][i % 3],
                     datetime(2025, 4, 1) + timedelta(days=i), f"{i % 28 + 1:02d}/03/2027",
                     ["Red", "Yellow", "Green", "On track"][i % 4], f"£{i * 1000:,}"])
    return RawSheet("tracker.xlsx", "Schemes", body, {})


def test_header_row_under_a_title_is_found() -> None:
    assert mapping.find_header_row(tracker()) == 2


def test_projects_proposed_with_columns_by_header_and_shape() -> None:
    proposal = mapping.propose(tracker())
    assert proposal.sources[0].source == "projects"
    chosen = {c.column: c.header for c in proposal.sources[0].choices if c.header}
    assert chosen == {"project_id": "Scheme Ref", "service_group": "Directorate",
                      "stage": "Phase", "start_date": "Kick-off",
                      "planned_end_date": "Target finish", "budget_gbp": "Budget (£)"}
    assert proposal.sources[0].missing_required == ("project_name",)


def test_a_rag_column_is_offered_by_its_values_alone() -> None:
    proposal = mapping.propose(tracker())
    reports = proposal.for_source("status_reports")
    assert {c.column: c.header for c in reports.choices}["overall_rag"] == "Health"
    plain = RawSheet("x.csv", "x", [["Ref", "Colour of the month"],
                                    *[[f"P{i}", ["Red", "Amber", "Green"][i % 3]]
                                      for i in range(9)]], {})
    reports = mapping.propose(plain).for_source("status_reports")
    assert {c.column: c.header for c in reports.choices}["overall_rag"] == \
        "Colour of the month"


def test_dates_are_not_proposed_for_a_text_column() -> None:
    sheet = RawSheet("x.csv", "x", [["Start", "Owner"], *[["not a date", "Jo"]] * 5], {})
    choices = {c.column: c.header for c in
               mapping.propose(sheet).for_source("projects").choices}
    assert choices["start_date"] is None


@pytest.mark.parametrize(("vocab", "value", "expected"), [
    ("rag", "Yellow", "Amber"), ("rag", "On track", "Green"), ("stage", "Not started",
                                                              "Pipeline"),
    ("stage", "In progress", "Delivery"), ("raid_status", "Resolved", "Closed"),
    ("rag", "Purple", None), ("stage", "Deliverry", "Delivery"),
])
def test_value_suggestions(vocab: str, value: str, expected: str | None) -> None:
    assert mapping.suggest_value(VOCABULARIES[vocab], value) == expected


def test_unknown_values_are_counted_most_frequent_first() -> None:
    sheet = tracker()
    unknown = mapping.unknown_values(sheet, 2, "Health", VOCABULARIES["rag"])
    assert [(u.value, u.count, u.suggestion) for u in unknown] == [("Yellow", 8, "Amber")]
    unknown = mapping.unknown_values(sheet, 2, "Phase", VOCABULARIES["stage"],
                                     mapped={"Not started": "Pipeline"})
    assert unknown == []


def test_draft_loads_exactly_as_previewed(tmp_path) -> None:  # noqa: ANN001
    sheet = tracker(4)
    proposal = mapping.propose(sheet)
    choices = {c.column: c.header for c in proposal.sources[0].choices}
    target = mapping.draft_target("projects", {**choices, "project_name": "Scheme"},
                                  values={"stage": {"Not started": "Pipeline"}})
    assert target.unmapped_required() == []
    draft = mapping.draft_profile("  Scheme   tracker ", proposal, [target])
    assert draft.name == "Scheme tracker" and draft.headers == tuple(HEADER)
    assert profile_from_toml(profile_to_toml(draft)).targets == draft.targets
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Schemes"
    for row in sheet.rows:
        book.active.append(row)
    book.save(tmp_path / "tracker.xlsx")
    data = (tmp_path / "tracker.xlsx").read_bytes()
    options = MappingOptions(drafts={("tracker.xlsx", "Schemes"): draft})
    report = import_files([("tracker.xlsx", data)], tmp_path / "db.duckdb", mapping=options)
    assert report.loaded == {"projects": 4} and report.problems == ()
    assert report.sheets[0].profile == "Scheme tracker"


def test_every_source_can_be_asked_for() -> None:
    proposal = mapping.propose(tracker())
    for name in SOURCES:
        assert proposal.for_source(name).source == name


def test_wide_sheet_proposal_is_complete() -> None:
    header = [f"Column {j} {'date' if j % 5 == 0 else 'value'}" for j in range(50)]
    rows = [header] + [[datetime(2025, 1, 1) if j % 5 == 0 else i for j in range(50)]
                       for i in range(500)]
    proposal = mapping.propose(RawSheet("w.xlsx", "W", rows, {}))
    assert len(proposal.columns) == 50
    assert proposal.columns[0].shape.dates == 1.0 and proposal.columns[1].shape.numbers == 1.0
