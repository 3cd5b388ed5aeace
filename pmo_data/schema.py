"""The data contract: the ten sources, their columns, aliases, vocabularies and row models.

Everything that needs to know what a source looks like reads it from ``SOURCES`` here:
header matching, pydantic validation, the DuckDB tables, the import templates and the
data dictionary shown in the app. Nothing else in the package hard-codes a column list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from pydantic import BaseModel

from pmo_data import parse
from pmo_data.parse import normalise_header as normalise_header  # headers fold as cells do

Kind = Literal["text", "date", "month", "int", "float", "money", "percent", "vocab", "fy"]


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of canonical values, with synonyms that map onto them.

    Matching is case-insensitive after ``normalise_header`` folding, so ``"amber-red"``,
    ``"Amber / Red"`` and ``"A/R"`` all find ``"Amber/Red"``.
    """

    name: str
    values: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)
    blank: str | None = None  # canonical value for a blank cell (None: blank stays missing)

    def lookup(self) -> dict[str, str]:
        """Map every folded spelling (canonical and synonym) to its canonical value."""
        table = {normalise_header(v): v for v in self.values}
        table.update({normalise_header(k): v for k, v in self.synonyms.items()})
        return table


STAGE = Vocabulary(
    "stage",
    ("Pipeline", "Initiation", "Planning", "Delivery", "Closure", "Closed", "On hold", "Cancelled"),
    {
        "Start up": "Initiation",
        "Startup": "Initiation",
        "Initiate": "Initiation",
        "Execution": "Delivery",
        "In progress": "Delivery",
        "Complete": "Closed",
        "Completed": "Closed",
        "Onhold": "On hold",
        "Canceled": "Cancelled",
    },
)
RAG = Vocabulary(
    "rag",
    ("Red", "Amber/Red", "Amber", "Amber/Green", "Green", "Blue", "Not reported"),
    {
        "R": "Red",
        "A/R": "Amber/Red",
        "AR": "Amber/Red",
        "Amber-Red": "Amber/Red",
        "A": "Amber",
        "A/G": "Amber/Green",
        "AG": "Amber/Green",
        "Amber-Green": "Amber/Green",
        "G": "Green",
        "B": "Blue",
        "Complete": "Blue",
        "Grey": "Not reported",
        "Gray": "Not reported",
        "N/A": "Not reported",
        "NA": "Not reported",
        "On track": "Green",
        "At risk": "Amber",
        "Off track": "Red",
    },
    blank="Not reported",
)
ATTENDANCE = Vocabulary(
    "attendance",
    ("Attended", "Did not attend", "Cancelled", "Booked", "Withdrawn"),
    {
        "DNA": "Did not attend",
        "No show": "Did not attend",
        "Noshow": "Did not attend",
        "Enrolled": "Booked",
        "Placed": "Booked",
        "Requested": "Booked",
        "Waitlisted": "Booked",
        "Wait listed": "Booked",
        "Canceled": "Cancelled",
    },
)
RAID_TYPE = Vocabulary("raid_type", ("Risk", "Assumption", "Issue", "Dependency"))
RAID_STATUS = Vocabulary("raid_status", ("Open", "Closed"), {"Active": "Open", "Live": "Open"})
BENEFIT_CATEGORY = Vocabulary(
    "benefit_category",
    (
        "Cash-releasing",
        "Non-cash-releasing",
        "Quality",
        "Patient experience",
        "Staff experience",
        "Safety",
        "Societal",
        "Environmental",
    ),
    {"Cash releasing": "Cash-releasing", "Non cash releasing": "Non-cash-releasing"},
)
SERVICE = Vocabulary(
    "service",
    (
        "Immersive PM",
        "Coaching",
        "Project design workshop",
        "Reporting support",
        "PPM platform onboarding",
        "Assurance review",
        "Advice",
    ),
)
DIRECTION = Vocabulary(
    "direction",
    ("up", "down", "neither"),
    {"higher is better": "up", "lower is better": "down", "increase": "up", "decrease": "down"},
)
STRATEGIC_SHIFT = Vocabulary(
    "strategic_shift",
    ("Hospital to community", "Sickness to prevention", "Analogue to digital"),
)

VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        STAGE,
        RAG,
        ATTENDANCE,
        RAID_TYPE,
        RAID_STATUS,
        BENEFIT_CATEGORY,
        SERVICE,
        DIRECTION,
        STRATEGIC_SHIFT,
    )
}

ACTIVE_STAGES: tuple[str, ...] = ("Initiation", "Planning", "Delivery", "Closure")
RAG_ORDER: tuple[str, ...] = RAG.values


@dataclass(frozen=True)
class Column:
    """One column of a source: its canonical name, type, aliases and meaning.

    ``kind`` decides parsing and the DuckDB type: text, date (ISO, dd/mm/yyyy,
    dd-Mon-yyyy, Excel serial), month (a date folded to the first of its month),
    int and float (optionally bounded by ``ge``/``le``), money (``£1,234.50``; pounds),
    percent (0-100; ``45%`` and fractions 0<x<1 read as per cent), vocab (``vocab``
    names a Vocabulary), fy (financial year ``2025/26``).
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    vocab: str | None = None
    ge: float | None = None
    le: float | None = None

    @property
    def identifier(self) -> bool:
        """True for a reference (``*_id``, ``kpi_code``): normalised with ``parse.parse_id``."""
        return self.kind == "text" and (self.name.endswith("_id") or self.name == "kpi_code")

    @property
    def sql_type(self) -> str:
        """The DuckDB column type."""
        return {
            "date": "DATE",
            "month": "DATE",
            "int": "INTEGER",
            "float": "DOUBLE",
            "money": "DOUBLE",
            "percent": "DOUBLE",
        }.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class Source:
    """A kind of export, recognised by its required columns.

    ``key`` lists the columns that identify a row (unique within an import).
    ``accumulate`` sources keep earlier imports' rows (a newer row with the same key
    replaces the older); every other source is replaced whole by each import.
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    accumulate: bool = False
    #: Date columns saying when something happened (never plan or target dates): they
    #: decide how fresh the source is and the default "as at". Empty: judged on import date.
    event_columns: tuple[str, ...] = ()
    #: SQL condition on rows whose event dates count (fixed text from this registry).
    event_filter: str = "TRUE"
    #: Short name for freshness lines ("training data up to 12 Nov 2026").
    short_name: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of every column, in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name`` (KeyError if the source has none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def header_map(self) -> dict[str, str]:
        """Map folded header spellings to canonical column names.

        Canonical names win over aliases: an alias that is another column's canonical
        name is not listed.
        """
        table: dict[str, str] = {}
        for c in self.columns:
            for alias in c.aliases:
                table.setdefault(normalise_header(alias), c.name)
        for c in self.columns:
            table[normalise_header(c.name)] = c.name
        return table


def _c(name: str, kind: Kind, description: str, **kw: Any) -> Column:
    return Column(name=name, kind=kind, description=description, **kw)


PROJECT_ID = _c(
    "project_id",
    "text",
    "The project's reference in the PPM platform.",
    required=True,
    aliases=("Project ID", "Project Ref", "Project Reference", "Reference", "Project No"),
)
SERVICE_GROUP_ALIASES = ("Service Group", "Directorate", "Division", "Care Group")

SOURCES_LIST: tuple[Source, ...] = (
    Source(
        "projects",
        "Projects",
        "The project register exported from the PPM platform: one row per project.",
        (
            PROJECT_ID,
            _c("project_name", "text", "Project title.", required=True,
               aliases=("Project Name", "Project Title", "Name", "Title")),
            _c("service_group", "text", "Service group (directorate, division or care group).",
               required=True, aliases=SERVICE_GROUP_ALIASES),
            _c("stage", "vocab", "Lifecycle stage.", required=True, vocab="stage",
               aliases=("Phase", "Project Stage", "Stage")),
            _c("start_date", "date", "Date the project started.", required=True,
               aliases=("Start", "Project Start")),
            _c("planned_end_date", "date", "Baselined end date.", required=True,
               aliases=("End Date", "Planned Finish", "Planned End", "Baseline End Date")),
            _c("programme", "text", "Programme the project belongs to."),
            _c("pmo_service", "text", "PMO service model (e.g. Immersive PM, self-managed).",
               aliases=("PMO Service", "Support Model")),
            _c("strategic_shift", "vocab", "Ten-year health plan shift the project serves.",
               vocab="strategic_shift",
               aliases=("Shift", "Strategic Shift", "Ten Year Plan Shift")),
            _c("priority", "int", "Priority, 1 (highest) to 5.", ge=1, le=5),
            _c("project_manager", "text", "Project manager.", aliases=("PM", "Project Manager")),
            _c("sro", "text", "Senior responsible owner.",
               aliases=("SRO", "Senior Responsible Owner")),
            _c("forecast_end_date", "date", "Current forecast end date.",
               aliases=("Forecast Finish", "Forecast End")),
            _c("actual_end_date", "date", "Actual end date (closed projects).",
               aliases=("Actual Finish", "Actual End")),
            _c("budget_gbp", "money", "Approved budget, pounds.", ge=0,
               aliases=("Budget", "Budget (£)", "Approved Budget")),
            _c("spend_to_date_gbp", "money", "Spend to date, pounds.", ge=0,
               aliases=("Spend", "Spend to Date", "Actual Spend", "Spend to date (£)")),
            _c("last_updated", "date", "When the register entry last changed.",
               aliases=("Last Updated", "Modified", "Last Modified")),
            _c("percent_complete", "percent", "Per cent complete, 0-100 (e.g. from the "
               "project's schedule).", ge=0, le=100,
               aliases=("% Complete", "Percent Complete")),
        ),
        key=("project_id",),
        event_columns=("last_updated",),
        short_name="project register",
    ),
    Source(
        "status_reports",
        "Highlight reports",
        "Highlight (status) reports: one per project per reporting period. They accumulate "
        "across imports: history is the point.",
        (
            PROJECT_ID,
            _c("report_date", "date", "Reporting period end date.", required=True,
               aliases=("Report Date", "Reporting Period", "Period End", "Period Ending")),
            _c("overall_rag", "vocab", "Overall delivery confidence.", required=True, vocab="rag",
               aliases=("Overall RAG", "Overall Status", "RAG", "Status RAG",
                        "Delivery Confidence")),
            _c("schedule_rag", "vocab", "Schedule RAG.", vocab="rag",
               aliases=("Schedule", "Schedule Status")),
            _c("cost_rag", "vocab", "Cost RAG.", vocab="rag", aliases=("Cost", "Cost Status")),
            _c("risk_rag", "vocab", "Risk RAG.", vocab="rag", aliases=("Risk", "Risk Status")),
            _c("benefits_rag", "vocab", "Benefits RAG.", vocab="rag",
               aliases=("Benefits", "Benefits Status")),
            _c("dca", "vocab", "Delivery confidence assessment (five-point).", vocab="rag",
               aliases=("DCA", "Delivery Confidence Assessment")),
            _c("percent_complete", "percent", "Per cent complete, 0-100.", ge=0, le=100,
               aliases=("% Complete", "Percent Complete", "Progress")),
            _c("summary", "text", "Summary narrative.", aliases=("Executive Summary",)),
            _c("achievements", "text", "Achievements this period.",
               aliases=("Key Achievements", "Achievements This Period")),
            _c("next_steps", "text", "Next steps.", aliases=("Next Period", "Planned Next")),
            _c("author", "text", "Report author.", aliases=("Submitted By", "Reported By")),
        ),
        key=("project_id", "report_date"),
        accumulate=True,
        event_columns=("report_date",),
        short_name="highlight report",
    ),
    Source(
        "milestones",
        "Milestones",
        "Project milestones with baseline, forecast and actual dates.",
        (
            PROJECT_ID,
            _c("milestone", "text", "Milestone description.", required=True,
               aliases=("Milestone Name", "Milestone Title", "Milestone Description")),
            _c("baseline_date", "date", "Baselined due date.", required=True,
               aliases=("Baseline", "Baseline Due Date", "Due Date", "Baseline Date")),
            _c("milestone_id", "text", "Milestone reference.", aliases=("Milestone Ref",)),
            _c("forecast_date", "date", "Forecast date.", aliases=("Forecast", "Forecast Due")),
            _c("actual_date", "date", "Date achieved.",
               aliases=("Actual", "Completed Date", "Date Achieved")),
            _c("status", "text", "Milestone status."),
        ),
        event_columns=("actual_date",),
        short_name="milestone",
    ),
    Source(
        "benefits",
        "Benefits",
        "The benefits register.",
        (
            _c("benefit_id", "text", "Benefit reference.", required=True,
               aliases=("Benefit ID", "Benefit Ref", "Benefit Reference")),
            PROJECT_ID,
            _c("description", "text", "What the benefit is.", required=True,
               aliases=("Benefit", "Benefit Description")),
            _c("category", "vocab", "Benefit category.", required=True, vocab="benefit_category",
               aliases=("Benefit Category", "Benefit Type", "Type")),
            _c("target_value", "money", "Planned value (in the benefit's unit; pounds for "
               "cash-releasing).", required=True,
               aliases=("Target", "Planned Value", "Target Value")),
            _c("measure", "text", "How the benefit is measured.", aliases=("KPI", "Metric")),
            _c("unit", "text", "Unit of the values.", aliases=("Units",)),
            _c("baseline_value", "money", "Value before the project.", aliases=("Baseline",)),
            _c("realised_value", "money", "Value realised so far.",
               aliases=("Realised", "Actual Value", "Realised to Date")),
            _c("target_date", "date", "When the benefit should be realised.",
               aliases=("Target Date", "Due Date", "Realisation Date")),
            _c("owner", "text", "Benefit owner.", aliases=("Benefit Owner",)),
            _c("status", "text", "Benefit status."),
        ),
        key=("benefit_id",),
        short_name="benefits",
    ),
    Source(
        "raid",
        "RAID log",
        "Risks, assumptions, issues and dependencies.",
        (
            _c("raid_id", "text", "RAID reference.", required=True,
               aliases=("RAID ID", "Ref", "RAID Ref", "ID")),
            PROJECT_ID,
            _c("raid_type", "vocab", "Risk, Assumption, Issue or Dependency.", required=True,
               vocab="raid_type", aliases=("Type", "RAID Type", "Item Type")),
            _c("title", "text", "Short description.", required=True,
               aliases=("Description", "Title", "Summary")),
            _c("status", "vocab", "Open or Closed.", required=True, vocab="raid_status"),
            _c("likelihood", "int", "Likelihood 1-5.", ge=1, le=5, aliases=("Probability", "L")),
            _c("impact", "int", "Impact 1-5.", ge=1, le=5, aliases=("Severity", "I")),
            _c("owner", "text", "Owner.", aliases=("Risk Owner", "Action Owner")),
            _c("raised_date", "date", "Date raised.", aliases=("Date Raised", "Raised", "Created")),
            _c("review_date", "date", "Next review date.", aliases=("Review Date", "Next Review")),
            _c("closed_date", "date", "Date closed.", aliases=("Date Closed", "Closed")),
            _c("mitigation", "text", "Mitigation or action.", aliases=("Mitigations", "Actions")),
        ),
        key=("raid_id",),
        event_columns=("raised_date", "closed_date"),
        short_name="RAID",
    ),
    Source(
        "training",
        "Training records",
        "Training records: one row per person per session. Names are never stored.",
        (
            _c("staff_id", "text", "Staff assignment or employee number (pseudonymous key).",
               required=True, aliases=("Assignment Number", "Employee Number", "Staff Number")),
            _c("course", "text", "Course.", required=True,
               aliases=("Course Name", "Course Title", "Event Name")),
            _c("session_date", "date", "Session date.", required=True,
               aliases=("Course Date", "Event Start Date", "Start Date", "Session Date")),
            _c("attendance", "vocab", "Attendance outcome.", required=True, vocab="attendance",
               aliases=("Attendance Status", "Enrolment Status", "Booking Status")),
            _c("staff_group", "text", "Staff group.", aliases=("Staff Group",)),
            _c("service_group", "text", "Service group of the attendee.",
               aliases=SERVICE_GROUP_ALIASES),
            _c("band", "text", "Agenda for Change band.", aliases=("AfC Band", "Pay Band")),
            _c("completion", "text", "Completion (e.g. Completed, Not completed).",
               aliases=("Completion Status", "Completed")),
            _c("feedback_score", "int", "Feedback score 1-5.", ge=1, le=5,
               aliases=("Feedback", "Evaluation Score")),
            _c("confidence_before", "int", "Self-rated confidence before, 1-10.", ge=1, le=10,
               aliases=("Confidence Before", "Pre Confidence")),
            _c("confidence_after", "int", "Self-rated confidence after, 1-10.", ge=1, le=10,
               aliases=("Confidence After", "Post Confidence")),
        ),
        event_columns=("session_date",),
        event_filter="attendance IN ('Attended', 'Did not attend')",
        short_name="training",
    ),
    Source(
        "service_requests",
        "PMO service log",
        "The PMO's own service log: requests for support and what was delivered.",
        (
            _c("request_id", "text", "Request reference.", required=True,
               aliases=("Request ID", "Request Ref", "Ticket")),
            _c("received_date", "date", "Date received.", required=True,
               aliases=("Date Received", "Received")),
            _c("service", "vocab", "Service requested.", required=True, vocab="service",
               aliases=("Service Type", "Service Requested")),
            _c("service_group", "text", "Service group of the requester.", required=True,
               aliases=SERVICE_GROUP_ALIASES),
            _c("status", "text", "Request status (e.g. Received, In progress, Closed, "
               "Cancelled, Declined).", required=True, aliases=("Request Status",)),
            _c("project_id", "text", "Project supported.",
               aliases=("Project ID", "Project Ref", "Project Reference")),
            _c("start_date", "date", "Support started.", aliases=("Start Date", "Started")),
            _c("end_date", "date", "Support ended.", aliases=("End Date", "Ended")),
            _c("hours", "float", "PMO hours spent.", ge=0, aliases=("Hours", "Effort Hours")),
            _c("outcome", "text", "Outcome.", aliases=("Outcome", "Result")),
        ),
        key=("request_id",),
        event_columns=("received_date",),
        short_name="service log",
    ),
    Source(
        "kpi_plan",
        "Five-year plan targets",
        "Targets of the five-year plan, one per KPI per financial year.",
        (
            _c("kpi_code", "text", "KPI code (built-in metric code or your own).", required=True,
               aliases=("KPI Code", "KPI", "Code", "Measure Code")),
            _c("financial_year", "fy", "Financial year, 2025/26.", required=True,
               aliases=("FY", "Year", "Financial Year")),
            _c("target", "float", "Target for the year.", required=True,
               aliases=("Target", "Plan", "Target Value")),
            _c("kpi_name", "text", "KPI name.", aliases=("KPI Name", "Measure", "Name")),
            _c("direction", "vocab", "up, down or neither: which way is better.", vocab="direction",
               aliases=("Polarity", "Direction")),
            _c("unit", "text", "Unit (count, %, £, days ...).", aliases=("Units",)),
            _c("plan_year_label", "text", "Plan year label.", aliases=("Plan Year", "Theme")),
            _c("service_area", "text", "Service area.", aliases=("Service Area",)),
        ),
        key=("kpi_code", "financial_year"),
        short_name="plan",
    ),
    Source(
        "kpi_actuals",
        "KPI actuals",
        "Monthly KPI measures kept by hand.",
        (
            _c("kpi_code", "text", "KPI code.", required=True,
               aliases=("KPI Code", "KPI", "Code", "Measure Code")),
            _c("period", "month", "Month (any date in it).", required=True,
               aliases=("Month", "Period", "Date")),
            _c("value", "float", "Value for the month.", required=True, aliases=("Actual",)),
            _c("note", "text", "Note.", aliases=("Notes", "Comment", "Comments")),
        ),
        key=("kpi_code", "period"),
        event_columns=("period",),
        short_name="KPI",
    ),
    Source(
        "maturity",
        "Maturity assessments",
        "P3M3-style maturity self-assessments.",
        (
            _c("assessment_date", "date", "Assessment date.", required=True,
               aliases=("Assessment Date", "Date")),
            _c("perspective", "text", "Perspective assessed.", required=True,
               aliases=("Perspective", "Area", "Dimension")),
            _c("level", "int", "Assessed level 1-5.", required=True, ge=1, le=5,
               aliases=("Level", "Maturity Level", "Score")),
            _c("target_level", "int", "Target level 1-5.", ge=1, le=5, aliases=("Target Level",)),
            _c("scope", "text", "Scope assessed.", aliases=("Scope",)),
            _c("evidence", "text", "Evidence.", aliases=("Evidence",)),
        ),
        event_columns=("assessment_date",),
        short_name="maturity",
    ),
)

SOURCES: dict[str, Source] = {s.name: s for s in SOURCES_LIST}


# --- pydantic row models ----------------------------------------------------------------


def _annotated(col: Column) -> Any:
    """The pydantic annotation for a column: a BeforeValidator that parses cell values."""
    from pydantic import BeforeValidator, Field

    if col.kind == "vocab":
        vocab = VOCABULARIES[col.vocab or ""]
        base: Any = str
        validator = BeforeValidator(parse.vocab_parser(vocab))
    elif col.kind == "date":
        base, validator = date, BeforeValidator(parse.parse_date)
    elif col.kind == "month":
        base, validator = date, BeforeValidator(parse.parse_month)
    elif col.kind == "int":
        base, validator = int, BeforeValidator(parse.parse_int)
    elif col.kind in ("float", "money"):
        base, validator = float, BeforeValidator(parse.parse_number)
    elif col.kind == "percent":
        base, validator = float, BeforeValidator(parse.parse_percent)
    elif col.kind == "fy":
        base, validator = str, BeforeValidator(parse.parse_fy)
    elif col.identifier:
        base, validator = str, BeforeValidator(parse.parse_id)
    else:
        base, validator = str, BeforeValidator(parse.parse_text)
    if col.ge is not None or col.le is not None:
        base = Annotated[base, Field(ge=col.ge, le=col.le)]
    if col.required:
        return Annotated[base, validator]
    return Annotated[base | None, validator]


def _model_for(source: Source) -> type[BaseModel]:
    from pydantic import ConfigDict, create_model

    fields: dict[str, Any] = {}
    for col in source.columns:
        if col.required:
            fields[col.name] = (_annotated(col), ...)
        else:
            fields[col.name] = (_annotated(col), None)
    return create_model(
        f"{source.name.title().replace('_', '')}Row",
        __config__=ConfigDict(extra="ignore", frozen=True),
        __doc__=f"One validated row of the {source.title} source.",
        **fields,
    )


def __getattr__(name: str) -> Any:
    """``ROW_MODELS`` (source name -> pydantic row model, ``dict[str, type[BaseModel]]``) is
    built on first use: only imports validate rows, and building ten models (with pydantic's
    import) took a tenth of a second off every page's first run after a server start."""
    if name == "ROW_MODELS":
        models = {s.name: _model_for(s) for s in SOURCES_LIST}
        globals()["ROW_MODELS"] = models
        return models
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
