"""Explore engine: datasets, data dictionary, filters, pivots, the chart, and the SQL sandbox.

Fixtures are tiny hand-built databases; every expected number is worked out in a comment.
The sandbox tests prove the SQL box cannot read files, write, attach, install, change settings
or run more than one SELECT, that a runaway query is stopped, and that the database is
byte-for-byte and table-for-table unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_data import explore
from pmo_data.charts.explore import pivot_chart
from pmo_data.charts.palette import RAG_COLOURS
from pmo_data.db import Database, build_database
from pmo_data.explore import Filter
from pmo_data.schema import SOURCES
from pmo_data.sqlbox import SqlSettings

PROJECTS = [
    {"project_id": "P1", "project_name": "Alpha", "service_group": "Medicine", "stage": "Delivery",
     "start_date": date(2025, 4, 1), "planned_end_date": date(2026, 3, 31), "budget_gbp": 100.0},
    {"project_id": "P2", "project_name": "Beta", "service_group": "Medicine", "stage": "Planning",
     "start_date": date(2025, 5, 1), "planned_end_date": date(2026, 5, 31), "budget_gbp": 300.0},
    {"project_id": "P3", "project_name": "Gamma", "service_group": "Surgery", "stage": "Delivery",
     "start_date": date(2025, 6, 1), "planned_end_date": date(2026, 6, 30), "budget_gbp": 50.0},
    {"project_id": "P4", "project_name": "=HYPERLINK(\"x\")", "service_group": None,
     "stage": "Closed", "start_date": date(2024, 1, 1), "planned_end_date": date(2025, 1, 1),
     "budget_gbp": None},
]
REPORTS = [
    {"project_id": "P1", "report_date": date(2025, 9, 30), "overall_rag": "Green"},
    {"project_id": "P1", "report_date": date(2025, 10, 31), "overall_rag": "Red"},
    {"project_id": "P2", "report_date": date(2025, 10, 31), "overall_rag": "Amber"},
    {"project_id": "P3", "report_date": date(2025, 8, 31), "overall_rag": "Amber",
     "percent_complete": 40.0},
    {"project_id": "P3", "report_date": date(2025, 10, 15), "overall_rag": "Amber",
     "percent_complete": 60.0},
]
BENEFITS = [
    {"benefit_id": "B1", "project_id": "P1", "description": "Beds", "category": "Cash-releasing",
     "target_value": 1000.0, "realised_value": 250.0, "target_date": date(2026, 3, 31)},
    {"benefit_id": "B2", "project_id": "P3", "description": "Falls", "category": "Safety",
     "target_value": 0.0, "realised_value": 5.0, "target_date": date(2026, 4, 1)},
]
TRAINING = [
    # staff S1: two attended sessions in 2025/26 (two courses), one DNA in 2024/25
    {"staff_id": "S1", "course": "Intro", "session_date": date(2025, 5, 1),
     "attendance": "Attended", "staff_group": "Nursing", "service_group": "Medicine",
     "feedback_score": 4, "confidence_before": 3, "confidence_after": 7},
    {"staff_id": "S1", "course": "Risk", "session_date": date(2026, 2, 1),
     "attendance": "Attended", "staff_group": "Nursing", "service_group": "Surgery",
     "feedback_score": 5},
    {"staff_id": "S1", "course": "Intro", "session_date": date(2025, 3, 31),
     "attendance": "Did not attend", "staff_group": "Nursing", "service_group": "Medicine"},
    # staff S2: one DNA and one booking in 2025/26, never attended
    {"staff_id": "S2", "course": "Intro", "session_date": date(2025, 6, 1),
     "attendance": "Did not attend", "staff_group": "Admin", "service_group": "Surgery"},
    {"staff_id": "S2", "course": "Intro", "session_date": date(2025, 12, 1),
     "attendance": "Booked", "staff_group": "Admin", "service_group": "Surgery"},
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("explore") / "pmo.duckdb", {
        "projects": PROJECTS, "status_reports": REPORTS, "benefits": BENEFITS,
        "training": TRAINING,
    })


@pytest.fixture(scope="module")
def db(db_path: Path) -> Database:
    with Database(db_path) as handle:
        yield handle


# --- datasets and the dictionary ----------------------------------------------------------


def test_every_source_is_a_dataset_with_its_contract_columns() -> None:
    for name, source in SOURCES.items():
        ds = explore.dataset(name)
        assert ds.column_names[: len(source.columns)] == source.column_names
        assert not ds.prepared


def test_prepared_views_return_exactly_their_declared_columns(db: Database) -> None:
    for view in explore.PREPARED_VIEWS:
        frame = db.df(f"SELECT * FROM ({view.sql}) LIMIT 0")
        assert tuple(frame.columns) == view.column_names, view.name


def test_data_dictionary_uses_contract_descriptions_and_lists_vocabulary() -> None:
    dictionary = explore.data_dictionary("projects").set_index("Column")
    assert list(dictionary.index[:3]) == ["project_id", "project_name", "service_group"]
    assert dictionary.loc["project_name", "Meaning"] == SOURCES["projects"].column(
        "project_name").description
    assert dictionary.loc["budget_gbp", "Type"] == "pounds"
    assert "Values: Pipeline, Initiation, Planning" in dictionary.loc["stage", "Meaning"]


def test_unknown_dataset_and_column_are_plain_sentences() -> None:
    with pytest.raises(ValueError, match="no dataset"):
        explore.dataset("passwords")
    with pytest.raises(ValueError, match="has no column"):
        explore.dataset("projects").column('stage"; DROP TABLE projects; --')


# --- prepared views ------------------------------------------------------------------------


def test_projects_latest_status_takes_each_projects_newest_report(db: Database) -> None:
    frame = explore.preview(db, "projects_latest_status").set_index("project_id")
    # P1: 31 Oct Red beats 30 Sep Green; P3: 15 Oct Amber at 60 %; P4 has no report
    assert frame.loc["P1", "latest_overall_rag"] == "Red"
    assert frame.loc["P1", "reports_received"] == 2
    assert frame.loc["P3", "latest_percent_complete"] == 60.0
    assert frame.loc["P4", "latest_overall_rag"] == "Not reported"
    assert pd.isna(frame.loc["P4", "latest_report_date"])
    assert frame.loc["P4", "reports_received"] == 0


def test_benefits_with_project_adds_year_and_share_realised(db: Database) -> None:
    frame = explore.preview(db, "benefits_with_project").set_index("benefit_id")
    # B1: 31 Mar 2026 is in 2025/26; 250 / 1000 = 25.0 %
    assert frame.loc["B1", "target_financial_year"] == "2025/26"
    assert frame.loc["B1", "realised_percent"] == 25.0
    assert frame.loc["B1", "project_name"] == "Alpha"
    # B2: 1 Apr 2026 starts 2026/27; target 0 gives no percentage (missing, not infinite)
    assert frame.loc["B2", "target_financial_year"] == "2026/27"
    assert pd.isna(frame.loc["B2", "realised_percent"])


def test_training_by_person_year(db: Database) -> None:
    frame = explore.preview(db, "training_person_year")
    rows = {(r.financial_year, r.staff_id): r for r in frame.itertuples()}
    assert set(rows) == {("2024/25", "S1"), ("2025/26", "S1"), ("2025/26", "S2")}
    s1 = rows[("2025/26", "S1")]
    # two attended sessions on two courses; latest session (Feb 2026) was for Surgery
    assert (s1.sessions_attended, s1.courses_attended, s1.sessions_missed) == (2, 2, 0)
    assert s1.trained and s1.service_group == "Surgery"
    assert s1.first_attended == pd.Timestamp(2025, 5, 1)
    # feedback (4 + 5) / 2 = 4.5; confidence gain only where both recorded: 7 - 3 = 4
    assert s1.mean_feedback_score == 4.5 and s1.mean_confidence_gain == 4.0
    s2 = rows[("2025/26", "S2")]
    assert not s2.trained
    assert (s2.sessions_attended, s2.sessions_missed, s2.sessions_booked) == (0, 1, 1)


# --- filters -------------------------------------------------------------------------------


def test_filters_in_between_contains_missing(db: Database) -> None:
    assert explore.row_count(db, "projects") == 4
    # in: Medicine -> P1, P2
    assert explore.row_count(db, "projects", (Filter("service_group", "in", ("Medicine",)),)) == 2
    # between 60 and 300 inclusive -> P1 (100), P2 (300); P3 (50) and blank P4 out
    assert explore.row_count(db, "projects", (Filter("budget_gbp", "between", (60, 300)),)) == 2
    # open-ended: from 1 May 2025 -> P2, P3
    assert explore.row_count(
        db, "projects", (Filter("start_date", "between", (date(2025, 5, 1), None)),)) == 2
    # contains, case-insensitive: "ALP" -> Alpha
    assert explore.row_count(db, "projects", (Filter("project_name", "contains", ("ALP",)),)) == 1
    assert explore.row_count(db, "projects", (Filter("service_group", "missing"),)) == 1
    assert explore.row_count(db, "projects", (Filter("service_group", "present"),)) == 3
    # an empty pick list filters nothing
    assert explore.row_count(db, "projects", (Filter("stage", "in", ()),)) == 4


def test_filter_values_are_bound_never_sql(db: Database) -> None:
    sneaky = "x' OR 1=1 --"
    assert explore.row_count(db, "projects", (Filter("project_name", "in", (sneaky,)),)) == 0
    assert explore.row_count(db, "projects", (Filter("project_name", "contains", (sneaky,)),)) == 0
    with pytest.raises(ValueError):
        explore.row_count(db, "projects", (Filter("1=1 OR project_id", "missing"),))
    assert explore.row_count(db, "projects") == 4


def test_distinct_values_and_range(db: Database) -> None:
    assert explore.distinct_values(db, "projects", "stage") == ["Closed", "Delivery", "Planning"]
    # limit + 1 values come back when the list is cut
    assert len(explore.distinct_values(db, "projects", "project_id", limit=2)) == 3
    assert explore.column_range(db, "projects", "budget_gbp") == (50.0, 300.0)
    assert explore.filter_style("projects", "budget_gbp") == "range"
    assert explore.filter_style("projects", "stage") == "values"
    assert explore.filter_style("projects", "project_name") == "text"


# --- pivots --------------------------------------------------------------------------------


def test_count_by_one_row_dimension_in_lifecycle_order(db: Database) -> None:
    result = explore.pivot(db, "projects", rows=("stage",))
    # stages in vocabulary order (Planning before Delivery before Closed), not alphabetical
    assert list(result.table["stage"]) == ["Planning", "Delivery", "Closed"]
    assert list(result.table["Count of rows"]) == [1, 2, 1]
    assert result.source_rows == 4 and result.value_columns == ("Count of rows",)


def test_count_with_a_column_dimension_has_an_all_column(db: Database) -> None:
    result = explore.pivot(db, "projects_latest_status", rows=("service_group",),
                           column="latest_overall_rag")
    # RAG columns in RAG order (worst first), Not reported last
    assert result.value_columns == ("Red", "Amber", "Not reported", "All")
    table = result.table.set_index("service_group")
    # Medicine: P1 Red, P2 Amber; Surgery: P3 Amber; blank group: P4 Not reported
    assert table.loc["Medicine", ["Red", "Amber", "Not reported", "All"]].tolist() == [1, 1, 0, 2]
    assert table.loc["Surgery", "Amber"] == 1 and table.loc["Surgery", "Red"] == 0
    blank = result.table[result.table["service_group"].isna()].iloc[0]
    assert (blank["Not reported"], blank["All"]) == (1, 1)
    assert list(result.table["service_group"].isna()) == [False, False, True]  # blanks last


def test_sum_mean_median_of_a_money_column(db: Database) -> None:
    by = ("service_group",)
    total = explore.pivot(db, "projects", rows=by, measure="budget_gbp", aggregation="sum")
    sums = dict(zip(total.table["service_group"], total.table["Sum of Budget gbp"],
                    strict=True))
    # Medicine 100 + 300 = 400; Surgery 50; blank group has no budget: missing, not 0
    assert sums["Medicine"] == 400 and sums["Surgery"] == 50
    assert math.isnan(total.table["Sum of Budget gbp"].iloc[-1])
    mean = explore.pivot(db, "projects", measure="budget_gbp", aggregation="mean")
    # (100 + 300 + 50) / 3 = 150 (blank left out)
    assert mean.table["Mean of Budget gbp"].iloc[0] == 150.0
    median = explore.pivot(db, "projects", measure="budget_gbp", aggregation="median")
    assert median.table["Median of Budget gbp"].iloc[0] == 100.0  # 50, 100, 300


def test_count_of_a_measure_and_distinct_count(db: Database) -> None:
    count = explore.pivot(db, "projects", measure="budget_gbp", aggregation="count")
    assert count.table.iloc[0, 0] == 3  # non-blank budgets
    people = explore.pivot(db, "training", rows=("attendance",), measure="staff_id",
                           aggregation="distinct_count")
    got = dict(zip(people.table["attendance"], people.table.iloc[:, 1], strict=True))
    # Attended: S1 only; Did not attend: S1 and S2; Booked: S2
    assert got == {"Attended": 1, "Did not attend": 2, "Booked": 1}


def test_pivot_with_filters(db: Database) -> None:
    result = explore.pivot(db, "projects", rows=("stage",),
                           filters=(Filter("service_group", "in", ("Medicine",)),))
    assert dict(zip(result.table["stage"], result.table["Count of rows"], strict=True)) == {
        "Planning": 1, "Delivery": 1}
    assert result.source_rows == 2


def test_pivot_refuses_what_it_cannot_compute(db: Database) -> None:
    with pytest.raises(ValueError, match="needs a number column"):
        explore.pivot(db, "projects", measure="project_name", aggregation="sum")
    with pytest.raises(ValueError, match="needs a measure"):
        explore.pivot(db, "projects", aggregation="median")
    with pytest.raises(ValueError, match="at most 3"):
        explore.pivot(db, "projects", rows=("stage", "service_group", "programme", "sro"))
    with pytest.raises(ValueError, match="both a row and the column"):
        explore.pivot(db, "projects", rows=("stage",), column="stage")
    with pytest.raises(ValueError, match="has no column"):
        explore.pivot(db, "projects", rows=("stage; DROP TABLE projects",))


def test_pivot_long_and_chart_follow_the_table(db: Database) -> None:
    result = explore.pivot(db, "projects_latest_status", rows=("service_group",),
                           column="latest_overall_rag")
    long = explore.pivot_long(result)
    assert "All" not in set(long["series"])
    assert set(long["group"]) == {"Medicine", "Surgery", "(blank)"}
    chart = pivot_chart(result)
    traces = {t.name: t for t in chart.figure.data}
    assert list(traces) == ["Red", "Amber", "Not reported"]
    assert traces["Red"].marker.color == RAG_COLOURS["Red"]
    assert list(traces["Amber"].y) == [1.0, 1.0, 0.0]
    assert chart.figure.layout.barmode == "stack"
    # totals (All): Medicine 2, Surgery 1, blank 1
    assert chart.summary.startswith("Count of rows by Service group and Latest overall rag: "
                                    "highest Medicine (2), lowest Surgery (1); 3 groups")


def test_chart_leaves_missing_values_out(db: Database) -> None:
    result = explore.pivot(db, "projects", rows=("service_group",), measure="budget_gbp",
                           aggregation="mean")
    chart = pivot_chart(result)
    assert list(chart.figure.data[0].y) == [200.0, 50.0, None]  # Medicine (100+300)/2, Surgery
    assert chart.figure.layout.barmode == "group"
    assert "1 with no value" in chart.summary


# --- the SQL sandbox -------------------------------------------------------------------------


def _checksums(path: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY 1").fetchall()]
        return {t: tuple(con.execute(
            f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {t} t").fetchone())
            for t in tables}
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sealed(db_path: Path):
    """The database's table checksums and file hash before, asserted unchanged after."""
    before, sha = _checksums(db_path), _sha(db_path)
    yield db_path
    assert _checksums(db_path) == before
    assert _sha(db_path) == sha


def _one_sentence(text: str | None) -> None:
    assert text and "\n" not in text and text.endswith(".")


def test_a_select_runs(sealed: Path) -> None:
    result = explore.run_sql(sealed, "SELECT stage, count(*) AS n FROM projects "
                                     "GROUP BY stage ORDER BY n DESC, stage")
    assert result.ok and not result.truncated and result.elapsed_s >= 0
    assert result.frame.to_dict("list") == {"stage": ["Delivery", "Closed", "Planning"],
                                            "n": [2, 1, 1]}


def test_with_and_prepared_views_run(sealed: Path) -> None:
    result = explore.run_sql(sealed, "WITH r AS (SELECT * FROM projects_latest_status) "
                                     "SELECT project_id, latest_overall_rag FROM r "
                                     "ORDER BY project_id;")
    assert result.ok, result.error
    assert list(result.frame["latest_overall_rag"]) == ["Red", "Amber", "Amber", "Not reported"]


@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM read_csv('/etc/passwd')", "cannot read or write files"),
    ("SELECT * FROM read_text('/etc/passwd')", "cannot read or write files"),
    ("COPY projects TO '/tmp/pmo_leak.csv'", "COPY statement"),
    ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH statement"),
    ("INSTALL httpfs", "Only a SELECT query"),
    ("LOAD icu", "Only a SELECT query"),
    ("SET threads = 64", "SET statement"),
    ("PRAGMA enable_profiling", "PRAGMA statement"),
    ("CREATE TABLE x AS SELECT 1", "CREATE statement"),
    ("CREATE TEMP TABLE x AS SELECT 1", "CREATE statement"),
    ("DELETE FROM projects", "DELETE statement"),
    ("UPDATE projects SET stage = 'Closed'", "UPDATE statement"),
    ("DROP TABLE projects", "DROP statement"),
    ("SELECT 1; DROP TABLE projects", "Only one statement"),
    ("SELECT 1; SELECT 2", "this text has 2"),
    ("SELEC 1", "could not be read"),
    ("SELECT * FROM no_such_table", "does not exist"),
    ("SELECT no_such_column FROM projects", "not valid"),
    ("", "Type a SELECT query first"),
])
def test_everything_but_one_select_is_refused(sealed: Path, sql: str, expected: str) -> None:
    result = explore.run_sql(sealed, sql)
    assert not result.ok and result.frame is None
    assert expected in result.error
    _one_sentence(result.error)
    assert not Path("/tmp/pmo_leak.csv").exists()


def test_python_variables_are_out_of_reach(sealed: Path) -> None:
    secret_frame = pd.DataFrame({"password": ["hunter2"]})  # noqa: F841 - the bait
    result = explore.run_sql(sealed, "SELECT * FROM secret_frame")
    assert not result.ok and "does not exist" in result.error


def test_a_runaway_query_is_stopped(sealed: Path) -> None:
    # a cross join of 10^12 x 1,000 rows: small inputs (no memory pressure), endless work
    result = explore.run_sql(
        sealed, "SELECT count(*) FROM range(1000000000000) a, range(1000) b",
        SqlSettings(timeout_s=0.5))
    assert not result.ok
    assert result.error.startswith("The query was stopped after 0.5 seconds"), result.error
    assert result.elapsed_s < 5


def test_a_memory_hungry_query_is_stopped(sealed: Path) -> None:
    # a 300-million-number string needs far more than the 64MB allowed here
    result = explore.run_sql(sealed, "SELECT max(x) FROM (SELECT string_agg(r::VARCHAR) AS x "
                                     "FROM range(300000000) t(r))",
                             SqlSettings(memory_limit="64MB"))
    assert not result.ok
    assert result.error.startswith("The query needed more than the 64MB of memory")


def test_results_are_capped(sealed: Path) -> None:
    result = explore.run_sql(sealed, "SELECT * FROM range(25)", SqlSettings(max_rows=10))
    assert result.ok and result.truncated and len(result.frame) == 10
    assert list(result.frame.iloc[:, 0]) == list(range(10))
    exact = explore.run_sql(sealed, "SELECT * FROM range(10)", SqlSettings(max_rows=10))
    assert exact.ok and not exact.truncated and len(exact.frame) == 10


def test_settings_cannot_be_changed_inside_a_select(sealed: Path) -> None:
    # settings cannot even be read from the box (current_setting is not on the allow-list) ...
    result = explore.run_sql(sealed, "SELECT current_setting('enable_external_access') AS e")
    assert not result.ok and "current_setting is not available" in result.error
    # ... and the sandbox the query would run in has external access off and is locked.
    from pmo_data import sqlbox

    con = sqlbox.sandbox_connection(str(sealed), "64MB", 1)
    try:
        assert con.execute("SELECT current_setting('enable_external_access'), "
                           "current_setting('lock_configuration')").fetchone() == (False, True)
        with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
            con.execute("SET enable_external_access = true")
        # no database file is attached: only the in-memory copy
        attached = {r[0] for r in con.execute("SELECT path FROM duckdb_databases()").fetchall()}
        assert attached == {None}
    finally:
        con.close()


def test_a_missing_database_is_one_sentence(tmp_path: Path) -> None:
    result = explore.run_sql(tmp_path / "nope.duckdb", "SELECT 1")
    # attaching a missing file READ_ONLY fails; nothing is created
    assert not result.ok and result.error.startswith("The database could not be opened")
    assert not (tmp_path / "nope.duckdb").exists()


def test_sql_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmo_data.sqlbox import sql_settings

    assert sql_settings() == SqlSettings()
    monkeypatch.setenv("PMO_SQL_TIMEOUT_S", "3.5")
    monkeypatch.setenv("PMO_SQL_MAX_ROWS", "500")
    monkeypatch.setenv("PMO_SQL_MEMORY", "256MB")
    monkeypatch.setenv("PMO_SQL_THREADS", "nonsense")
    monkeypatch.setenv("PMO_SQL_ADDRESS_SPACE_MB", "100")  # below what DuckDB needs: raised
    monkeypatch.setenv("PMO_SQL_MAX_RESULT_MB", "5")
    assert sql_settings() == SqlSettings(3.5, 500, "256MB", 2, 1536, 5)
    monkeypatch.setenv("PMO_SQL_MEMORY", "1GB; SET x=1")
    assert sql_settings().memory_limit == "512MB"


def test_sql_box_role_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    assert explore.sql_box_allowed()
    monkeypatch.setenv("PMO_SQL_ROLE", "analyst")
    assert not explore.sql_box_allowed()
    assert not explore.sql_box_allowed({"viewer"})
    assert explore.sql_box_allowed({"viewer", "analyst"})
    monkeypatch.delenv("PMO_SQL_ROLE")
    monkeypatch.setenv("PMO_SQL_BOX", "off")
    assert not explore.sql_box_allowed({"analyst"})


def test_schema_browser_lists_tables_views_and_meanings(db: Database) -> None:
    schema = explore.sql_schema(db)
    tables = set(schema["Table"])
    assert {"projects", "training", "imports", "projects_latest_status"} <= tables
    assert "meta" not in tables
    row = schema[(schema["Table"] == "projects") & (schema["Column"] == "stage")].iloc[0]
    assert row["Meaning"] == "Lifecycle stage." and row["Type"] == "VARCHAR"


def test_values_in_different_units_are_not_added_up(db: Database) -> None:
    # B1 is a Cash-releasing saving (blank unit: pounds), B2 a Safety benefit with no unit
    for name in ("benefits", "benefits_with_project"):
        for aggregation in ("sum", "mean", "median"):
            with pytest.raises(ValueError, match=r"in 2 different units \(no unit, £\).*"
                                                 r"group the rows or the columns by unit"):
                explore.pivot(db, name, measure="realised_value", aggregation=aggregation)
        # both units are blank: grouping by unit alone still mixes pounds and no unit
        with pytest.raises(ValueError, match="different units"):
            explore.pivot(db, name, rows=("unit",), measure="realised_value",
                          aggregation="sum")
        split = explore.pivot(db, name, rows=("unit", "category"), measure="realised_value",
                              aggregation="sum")
        assert sorted(split.table["Sum of Realised value"]) == [5.0, 250.0]
        by_column = explore.pivot(db, name, rows=("category",), column="unit",
                                  measure="realised_value", aggregation="sum")
        assert by_column.source_rows == 2
        one = explore.pivot(db, name, measure="realised_value", aggregation="sum",
                            filters=(explore.Filter("category", "in", ("Cash-releasing",)),))
        assert one.table.iloc[0, 0] == 250.0
        # counting is not adding: allowed across units
        assert explore.pivot(db, name, measure="realised_value").table.iloc[0, 0] == 2


def test_a_split_by_unit_column_keeps_cells_but_withholds_the_total(db: Database) -> None:
    from pmo_data.charts.explore import pivot_chart

    result = explore.pivot(db, "benefits_with_project", rows=("category",), column="unit",
                           measure="realised_value", aggregation="sum")
    # one category per row: each row has one unit, so the All column is kept
    assert not result.total_withheld
    mixed = explore.pivot(db, "benefits_with_project", column="category",
                          measure="realised_value", aggregation="sum")
    # one row over both categories: pounds and no unit -> no All total, bars not stacked
    assert mixed.total_withheld and math.isnan(mixed.table["All"].iloc[0])
    assert list(mixed.table.iloc[0, :2]) == [250.0, 5.0]
    chart = pivot_chart(mixed)
    assert chart.figure.layout.barmode == "group"
    assert "different units, so no group has a total" in chart.summary
