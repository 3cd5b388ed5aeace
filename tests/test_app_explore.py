"""AppTest: the Explore page pivots without SQL (numbers equal the engine's), shows the data
dictionary, offers downloads, and runs the SQL box in its sandbox (refusals in one sentence)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apptest_support import page, plain, served

from pmo_data import explore
from pmo_data.db import Database
from pmo_data.explore import Filter


@pytest.fixture
def db(pack_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    with served(pack_store, monkeypatch) as handle:
        yield handle


def _pivot_table(at):  # noqa: ANN001, ANN202 - AppTest
    """The pivot result table (the dataframe after the dictionary)."""
    return at.dataframe[1].value


def test_default_view_is_a_benefits_advisors_question(db: Database) -> None:
    at = page("explore").run()
    assert not at.exception
    # realised value by category and unit for each target year: never adds up units
    assert at.selectbox(key="ex_dataset").value == "benefits_with_project"
    engine = explore.pivot(db, "benefits_with_project", rows=("category", "unit"),
                           column="target_financial_year", measure="realised_value",
                           aggregation="sum")
    shown = _pivot_table(at)
    assert list(shown.columns[:2]) == ["Category", "Unit"]  # labels, not column names
    assert shown.fillna(-1).values.tolist() == engine.table.fillna(-1).values.tolist()
    assert [plain(s.value) for s in at.subheader][-1] == "Sum of Realised value"


def test_adding_up_different_units_is_refused_in_a_sentence(db: Database) -> None:
    at = page("explore").run()
    at.multiselect(key="ex_rows_benefits_with_project").set_value([])
    at.selectbox(key="ex_col_benefits_with_project").set_value(None).run()
    assert not at.exception
    assert "different units" in plain(at.warning[0].value)


def test_default_pivot_and_dictionary(db: Database) -> None:
    at = page("explore").run()
    at.selectbox(key="ex_dataset").set_value("projects_latest_status")
    at.selectbox(key="ex_agg").set_value("count").run()
    assert not at.exception
    assert at.selectbox(key="ex_dataset").value == "projects_latest_status"
    dictionary = at.dataframe[0].value
    assert list(dictionary["Column"]) == list(explore.PROJECTS_LATEST_STATUS.column_names)
    # no rows chosen: one cell, the number of projects (4)
    assert _pivot_table(at).iloc[0, 0] == explore.row_count(db, "projects_latest_status") == 4
    assert [b.label for b in at.download_button][:2] == ["Download CSV", "Download XLSX"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["y"] == [4]


def test_rows_and_columns_equal_the_engine(db: Database) -> None:
    at = page("explore").run()
    at.selectbox(key="ex_dataset").set_value("projects_latest_status")
    at.selectbox(key="ex_agg").set_value("count").run()
    at.multiselect(key="ex_rows_projects_latest_status").set_value(["service_group"])
    at.selectbox(key="ex_col_projects_latest_status").set_value("latest_overall_rag")
    at.run()
    assert not at.exception
    shown = _pivot_table(at)
    engine = explore.pivot(db, "projects_latest_status", rows=("service_group",),
                           column="latest_overall_rag")
    assert list(shown.columns) == ["Service group", *engine.table.columns[1:]]
    assert shown.fillna(-1).values.tolist() == engine.table.fillna(-1).values.tolist()
    # hand check: Medicine has P1 (Red) and P2 (Amber)
    medicine = shown.set_index("Service group").loc["Medicine"]
    assert (medicine["Red"], medicine["Amber"], medicine["All"]) == (1, 1, 2)
    assert any("highest Medicine (2)" in plain(c.value) for c in at.caption)


def test_a_filter_and_a_measure_change_the_answer(db: Database) -> None:
    at = page("explore").run()
    at.selectbox(key="ex_dataset").set_value("training").run()
    at.multiselect(key="ex_filters_training").set_value(["attendance"]).run()
    at.multiselect(key="ex_f_training_attendance").set_value(["Attended"])
    at.selectbox(key="ex_measure_training").set_value("staff_id")
    at.selectbox(key="ex_agg").set_value("distinct_count")
    at.run()
    assert not at.exception
    engine = explore.pivot(db, "training", measure="staff_id", aggregation="distinct_count",
                           filters=(Filter("attendance", "in", ("Attended",)),))
    # attended: S1 (twice), S2, S3 -> 3 different people
    assert _pivot_table(at).iloc[0, 0] == engine.table.iloc[0, 0] == 3
    assert any("4 rows pass the filters" in plain(c.value) for c in at.caption)


def test_an_impossible_pivot_is_a_warning_not_a_crash(db: Database) -> None:
    at = page("explore").run()
    at.selectbox(key="ex_dataset").set_value("projects_latest_status").run()
    at.selectbox(key="ex_measure_projects_latest_status").set_value("project_name")
    at.selectbox(key="ex_agg").set_value("sum")
    at.run()
    assert not at.exception
    assert "needs a number column" in at.warning[0].value


def test_sql_box_runs_a_select(db: Database) -> None:
    at = page("explore").run()
    at.text_area(key="ex_sql").set_value(
        "SELECT raid_id, likelihood * impact AS score FROM raid "
        "WHERE status = 'Open' AND raid_type = 'Risk' ORDER BY score DESC")
    at.button(key="ex_run").click().run()
    assert not at.exception
    result = at.dataframe[-1].value
    assert result.to_dict("list") == {"raid_id": ["R1", "R2", "R5"], "score": [20, 15, 2]}
    assert any(c.value.startswith("3 rows in") for c in at.caption)
    assert "Download CSV" in [b.label for b in at.download_button]


@pytest.mark.parametrize("sql, expected", [
    ("COPY projects TO '/tmp/x.csv'", "Only a SELECT query can run here"),
    ("SELECT * FROM read_csv('/etc/passwd')", "cannot read or write files"),
    ("SELECT 1; SELECT 2", "Only one statement"),
])
def test_sql_box_refusals_are_one_sentence(db: Database, sql: str, expected: str) -> None:
    at = page("explore").run()
    at.text_area(key="ex_sql").set_value(sql)
    at.button(key="ex_run").click().run()
    assert not at.exception
    assert expected in at.error[0].value and "\n" not in at.error[0].value


def test_sql_box_hidden_without_the_role(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_SQL_ROLE", "analyst")
    at = page("explore").run()
    assert not at.exception
    assert not at.text_area and not at.tabs
    assert at.dataframe  # the pivot is still there
