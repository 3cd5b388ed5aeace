"""The data contract: sources, every contract alias, every vocabulary value and synonym."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pmo_data import parse
from pmo_data.readers import RawSheet
from pmo_data.recognise import Recognised, recognise
from pmo_data.schema import (
    ROW_MODELS,
    SOURCES,
    SOURCES_LIST,
    VOCABULARIES,
    normalise_header,
)

# The data contract (docs/contract.md): required and optional columns of every source.
CONTRACT_SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "projects": (
        ("project_id", "project_name", "service_group", "stage", "start_date", "planned_end_date"),
        ("programme", "pmo_service", "strategic_shift", "priority", "project_manager", "sro",
         "forecast_end_date", "actual_end_date", "budget_gbp", "spend_to_date_gbp",
         "last_updated",
         # added with project-file import (issue 16): a schedule's % complete has a home
         "percent_complete"),
    ),
    "status_reports": (
        ("project_id", "report_date", "overall_rag"),
        ("schedule_rag", "cost_rag", "risk_rag", "benefits_rag", "dca", "percent_complete",
         "summary", "achievements", "next_steps", "author"),
    ),
    "milestones": (
        ("project_id", "milestone", "baseline_date"),
        ("milestone_id", "forecast_date", "actual_date", "status"),
    ),
    "benefits": (
        ("benefit_id", "project_id", "description", "category", "target_value"),
        ("measure", "unit", "baseline_value", "realised_value", "target_date", "owner", "status"),
    ),
    "raid": (
        ("raid_id", "project_id", "raid_type", "title", "status"),
        ("likelihood", "impact", "owner", "raised_date", "review_date", "closed_date",
         "mitigation"),
    ),
    "training": (
        ("staff_id", "course", "session_date", "attendance"),
        ("staff_group", "service_group", "band", "completion", "feedback_score",
         "confidence_before", "confidence_after"),
    ),
    "service_requests": (
        ("request_id", "received_date", "service", "service_group", "status"),
        ("project_id", "start_date", "end_date", "hours", "outcome"),
    ),
    "kpi_plan": (
        ("kpi_code", "financial_year", "target"),
        ("kpi_name", "direction", "unit", "plan_year_label", "service_area"),
    ),
    "kpi_actuals": (("kpi_code", "period", "value"), ("note",)),
    "maturity": (
        ("assessment_date", "perspective", "level"),
        ("target_level", "scope", "evidence"),
    ),
}

# Header aliases that must be recognised: column -> (sources that have the column, aliases).
# project_id is listed for the sources where it is required (the key of the source's rows).
CONTRACT_ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "project_id": (("projects", "status_reports", "milestones", "benefits", "raid"),
                   ("Project ID", "Project Ref", "Project Reference", "Reference")),
    "service_group": (("projects", "training", "service_requests"),
                      ("Service Group", "Directorate", "Division", "Care Group")),
    "stage": (("projects",), ("Phase", "Project Stage")),
    "overall_rag": (("status_reports",), ("Overall RAG", "Overall Status", "RAG", "Status RAG")),
    "report_date": (("status_reports",), ("Report Date", "Reporting Period", "Period End")),
    "staff_id": (("training",), ("Assignment Number", "Employee Number", "Staff Number")),
    "course": (("training",), ("Course Name", "Course Title", "Event Name")),
    "session_date": (("training",), ("Course Date", "Event Start Date", "Start Date")),
    "attendance": (("training",), ("Attendance Status", "Enrolment Status", "Booking Status")),
    "financial_year": (("kpi_plan",), ("FY", "Year")),
    "planned_end_date": (("projects",), ("End Date", "Planned Finish")),
}

ALIAS_CASES = [
    (source, column, alias)
    for column, (sources, aliases) in CONTRACT_ALIASES.items()
    for source in sources
    for alias in aliases
]


def _fold_variants(alias: str) -> list[str]:
    """The alias as written plus case, space, hyphen and punctuation variants."""
    words = alias.split()
    return [
        alias,
        alias.upper(),
        alias.lower(),
        "  " + "   ".join(words) + "  ",
        "-".join(words),
        "_".join(w.lower() for w in words),
        " / ".join(words) + ".",
        alias.swapcase() + ":",
    ]


@pytest.mark.parametrize(("source", "column", "alias"), ALIAS_CASES)
def test_design_alias_maps_to_its_column(source: str, column: str, alias: str) -> None:
    spec = SOURCES[source]
    assert normalise_header(alias) in spec.header_map()
    for header_text in _fold_variants(alias):
        header = [header_text if c == column else c for c in spec.required]
        if column not in spec.required:
            header.append(header_text)
        found = recognise(RawSheet("f.csv", "f", [header], {}))
        assert isinstance(found, Recognised), (header_text, found)
        assert found.source.name == source, header_text
        assert found.columns[column] == (header.index(header_text), header_text.strip())


def test_start_date_is_session_date_only_in_training() -> None:
    assert SOURCES["training"].header_map()["start_date"] == "session_date"
    assert SOURCES["projects"].header_map()["start_date"] == "start_date"
    assert SOURCES["service_requests"].header_map()["start_date"] == "start_date"


@pytest.mark.parametrize(
    ("text", "folded"),
    [(" Project Ref. ", "project_ref"), ("PROJECT-REF", "project_ref"), ("% Complete", "complete"),
     ("Budget (£)", "budget"), ("Amber / Red", "amber_red"), (None, ""), ("   ", ""),
     ("Start  Date", "start_date"), ("a__b--c", "a_b_c")],
)
def test_normalise_header(text: str | None, folded: str) -> None:
    assert normalise_header(text) == folded


@pytest.mark.parametrize("name", list(CONTRACT_SOURCES))
def test_sources_have_the_design_columns(name: str) -> None:
    required, optional = CONTRACT_SOURCES[name]
    spec = SOURCES[name]
    assert set(spec.required) == set(required)
    assert set(spec.column_names) == set(required) | set(optional)


def test_ten_sources_each_with_a_row_model() -> None:
    assert [s.name for s in SOURCES_LIST] == list(CONTRACT_SOURCES)
    assert set(ROW_MODELS) == set(CONTRACT_SOURCES)


def test_identity_keys_and_accumulation() -> None:
    keys = {s.name: s.key for s in SOURCES_LIST}
    assert keys["projects"] == ("project_id",)
    assert keys["status_reports"] == ("project_id", "report_date")
    assert keys["benefits"] == ("benefit_id",)
    assert keys["raid"] == ("raid_id",)
    assert keys["service_requests"] == ("request_id",)
    assert keys["kpi_plan"] == ("kpi_code", "financial_year")
    assert keys["kpi_actuals"] == ("kpi_code", "period")
    assert [s.name for s in SOURCES_LIST if s.accumulate] == ["status_reports"]


def test_canonical_name_wins_over_another_columns_alias() -> None:
    # "title" is raid's column; "Summary" and "Description" are its aliases.
    header = ["raid_id", "project_id", "raid_type", "Description", "Title", "status"]
    found = recognise(RawSheet("r.csv", "r", [header], {}))
    assert isinstance(found, Recognised)
    assert found.columns["title"] == (4, "Title")
    assert "Description" in found.extra


def test_sql_types() -> None:
    projects = SOURCES["projects"]
    assert projects.column("start_date").sql_type == "DATE"
    assert projects.column("priority").sql_type == "INTEGER"
    assert projects.column("budget_gbp").sql_type == "DOUBLE"
    assert projects.column("stage").sql_type == "VARCHAR"
    assert SOURCES["kpi_plan"].column("financial_year").sql_type == "VARCHAR"
    assert SOURCES["kpi_actuals"].column("period").sql_type == "DATE"
    with pytest.raises(KeyError):
        projects.column("nope")


# --- vocabularies ------------------------------------------------------------------------

# The vocabularies: vocabulary -> canonical value -> synonyms.
CONTRACT_VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "stage": {
        "Pipeline": (), "Initiation": ("Start up", "Initiate"), "Planning": (),
        "Delivery": ("Execution", "In progress"), "Closure": (),
        "Closed": ("Complete", "Completed"), "On hold": (), "Cancelled": (),
    },
    "rag": {
        "Red": ("R", "Off track"), "Amber/Red": ("A/R", "AR", "Amber-Red"),
        "Amber": ("A", "At risk"), "Amber/Green": ("A/G", "AG", "Amber-Green"),
        "Green": ("G", "On track"), "Blue": ("B", "Complete"),
        "Not reported": ("Grey", "N/A"),
    },
    "attendance": {
        "Attended": (), "Did not attend": ("DNA", "No show"), "Cancelled": (),
        "Booked": ("Enrolled", "Placed", "Requested", "Waitlisted"), "Withdrawn": (),
    },
    "raid_type": {"Risk": (), "Assumption": (), "Issue": (), "Dependency": ()},
    "raid_status": {"Open": (), "Closed": ()},
    "benefit_category": {
        "Cash-releasing": (), "Non-cash-releasing": (), "Quality": (), "Patient experience": (),
        "Staff experience": (), "Safety": (), "Societal": (), "Environmental": (),
    },
    "service": {
        "Immersive PM": (), "Coaching": (), "Project design workshop": (),
        "Reporting support": (), "PPM platform onboarding": (), "Assurance review": (),
        "Advice": (),
    },
    "direction": {"up": (), "down": (), "neither": ()},
}

VOCAB_CASES = [
    (vocab, spelling, canonical)
    for vocab, values in CONTRACT_VOCABULARIES.items()
    for canonical, synonyms in values.items()
    for spelling in (canonical, *synonyms)
]


def _cases(text: str) -> list[str]:
    return [text, text.upper(), text.lower(), text.swapcase(), f"  {text}  "]


@pytest.mark.parametrize(("vocab", "spelling", "canonical"), VOCAB_CASES)
def test_vocabulary_spelling_maps_to_canonical(vocab: str, spelling: str, canonical: str) -> None:
    parser = parse.vocab_parser(VOCABULARIES[vocab])
    for text in _cases(spelling):
        assert parser(text) == canonical, text


@pytest.mark.parametrize("vocab", list(CONTRACT_VOCABULARIES))
def test_vocabulary_canonical_values_are_the_design_list(vocab: str) -> None:
    assert list(VOCABULARIES[vocab].values) == list(CONTRACT_VOCABULARIES[vocab])


@pytest.mark.parametrize("vocab", list(VOCABULARIES))
def test_unknown_value_is_an_error_listing_the_values(vocab: str) -> None:
    parser = parse.vocab_parser(VOCABULARIES[vocab])
    with pytest.raises(ValueError, match="not a known") as info:
        parser("Purple")
    assert ", ".join(VOCABULARIES[vocab].values) in str(info.value)


def test_blank_rag_is_not_reported() -> None:
    parser = parse.vocab_parser(VOCABULARIES["rag"])
    assert parser(None) == "Not reported"
    assert parser("") == "Not reported"
    assert parser("  ") == "Not reported"
    assert parse.vocab_parser(VOCABULARIES["stage"])("") is None


def test_rag_variants_with_spaces_around_the_slash() -> None:
    parser = parse.vocab_parser(VOCABULARIES["rag"])
    assert parser("Amber / Red") == "Amber/Red"
    assert parser("amber red") == "Amber/Red"
    assert parser("a/g") == "Amber/Green"


VOCAB_COLUMNS = [(s.name, c.name, c.vocab) for s in SOURCES_LIST for c in s.columns
                 if c.kind == "vocab"]


@pytest.mark.parametrize(("source", "column", "vocab"), VOCAB_COLUMNS)
def test_every_vocabulary_column_validates_through_its_row_model(
    source: str, column: str, vocab: str
) -> None:
    from pmo_data.templates import example_value

    spec = SOURCES[source]
    row = {c.name: example_value(c) for c in spec.columns}
    model = ROW_MODELS[source]
    for spelling, canonical in VOCABULARIES[vocab].lookup().items():
        row[column] = spelling.upper()
        assert getattr(model.model_validate(row), column) == canonical
    row[column] = "Purple"
    with pytest.raises(ValidationError) as info:
        model.model_validate(row)
    assert [e["loc"] for e in info.value.errors()] == [(column,)]


# --- row models --------------------------------------------------------------------------


def test_row_model_requires_required_columns() -> None:
    model = ROW_MODELS["training"]
    with pytest.raises(ValidationError) as info:
        model.model_validate({"staff_id": "1", "course": "Intro", "session_date": "01/04/2025",
                              "attendance": ""})
    assert [e["loc"] for e in info.value.errors()] == [("attendance",)]


def test_row_model_ignores_unknown_fields_and_is_frozen() -> None:
    row = ROW_MODELS["training"].model_validate(
        {"staff_id": 1001.0, "course": " Intro ", "session_date": 45748, "attendance": "dna",
         "full_name": "Zebedee Quaxworthy"})
    assert row.model_dump() == {
        "staff_id": "1001", "course": "Intro", "session_date": date(2025, 4, 1),
        "attendance": "Did not attend", "staff_group": None, "service_group": None,
        "band": None, "completion": None, "feedback_score": None, "confidence_before": None,
        "confidence_after": None,
    }
    with pytest.raises(ValidationError):
        row.course = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("source", "column", "bad", "good"),
    [("projects", "priority", 6, 5), ("raid", "likelihood", 0, 1), ("raid", "impact", 6, 5),
     ("training", "feedback_score", 6, 1), ("training", "confidence_before", 11, 10),
     ("training", "confidence_after", 0, 1), ("maturity", "level", 6, 5),
     ("maturity", "target_level", 0, 5), ("status_reports", "percent_complete", 101, 100),
     ("projects", "budget_gbp", -1, 0), ("service_requests", "hours", -0.5, 0)],
)
def test_bounded_columns(source: str, column: str, bad: float, good: float) -> None:
    from pmo_data.templates import example_value

    model = ROW_MODELS[source]
    row = {c.name: example_value(c) for c in SOURCES[source].columns}
    row[column] = good
    assert getattr(model.model_validate(row), column) == good
    row[column] = bad
    with pytest.raises(ValidationError):
        model.model_validate(row)
