"""AppTest: the prioritisation page ranks the pipeline, re-ranks when a weight moves, explains
a score term by term, and saves a named weighting to the database that a fresh session can
load back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_support import plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_prioritise import pipeline_tables

from pmo_data import prioritise
from pmo_data.db import Database
from pmo_data.store import Store


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, pipeline_tables())


def _run(group: str | None = None) -> AppTest:
    return run_filtered("prioritisation", "2025/26", date(2025, 11, 30), group)


def _ranked(at: AppTest) -> list[str]:
    return list(at.dataframe[1].value["Project ID"])  # [0] is the criteria table


def _button(at: AppTest, label: str):  # noqa: ANN202 - streamlit testing element
    return next(b for b in at.button if b.label == label)


def test_equal_weights_by_default(db_path: Path) -> None:
    at = _run()
    assert [s.value for s in at.slider] == [prioritise.DEFAULT_WEIGHT] * 6
    assert _ranked(at) == ["A", "B", "C"]
    scores = at.dataframe[1].value["Score (0-100)"].tolist()
    assert scores == pytest.approx([50.0, 250 / 6, 243.5 / 6])
    assert any("1 with no priority recorded" in plain(c.value) for c in at.caption)
    assert at.download_button[0].label == "Download the ranking (CSV)"


def test_moving_sliders_changes_the_ranking(db_path: Path) -> None:
    at = _run()
    for code in ("shift", "priority", "benefit"):
        at.slider(key=f"weight_{code}").set_value(0)
    at.run()
    assert not at.exception
    assert _ranked(at) == ["B", "C", "A"]  # see tests/test_prioritise.py for the arithmetic
    # benefit 10, budget/risk/capacity 5 (total 25): A 10x1 = 40; B 5x0.5 + 5 + 5 = 50;
    # C 10x0.5 + 5x0.935 = 38.7 -> A overtakes C
    at.slider(key="weight_benefit").set_value(10).run()
    assert _ranked(at) == ["B", "A", "C"]


def test_score_is_explained_term_by_term(db_path: Path) -> None:
    at = _run()
    at.selectbox(key="explain_project").select("C").run()
    explained = at.dataframe[2].value.set_index("Criterion")
    assert explained.loc["Priority", "Value"] == "Not recorded"
    assert explained.loc["PMO capacity needed", "Normalised (0-1)"] == pytest.approx(0.935)
    total = explained.loc["Total score", "Contribution (points)"]
    assert total == pytest.approx(243.5 / 6)
    assert explained.drop(index="Total score")["Contribution (points)"].sum() == (
        pytest.approx(total))


def test_all_weights_zero_warns(db_path: Path) -> None:
    at = _run()
    for c in prioritise.CRITERIA:
        at.slider(key=f"weight_{c.code}").set_value(0)
    at.run()
    assert "Every weight is zero" in at.warning[0].value


def test_save_then_reload_in_a_fresh_session(db_path: Path) -> None:
    at = _run()
    at.slider(key="weight_benefit").set_value(10)
    at.slider(key="weight_risk").set_value(0)
    at.text_input(key="weighting_name").input("Benefit first")
    at.run()
    _button(at, "Save weighting").click().run()
    assert not at.exception
    assert "Saved “Benefit first”" in at.success[0].value
    assert Store(db_path).current().number == 2  # published as a new version
    with Database(Store(db_path).current().path) as db:
        saved = prioritise.saved_weightings(db)
    assert [s.name for s in saved] == ["Benefit first"]
    assert saved[0].weights["benefit"] == 10 and saved[0].weights["risk"] == 0

    fresh = _run()
    assert [s.value for s in fresh.slider] == [prioritise.DEFAULT_WEIGHT] * 6
    fresh.selectbox(key="saved_choice").select("Benefit first").run()
    _button(fresh, "Load weighting").click().run()
    assert not fresh.exception
    values = {s.key: s.value for s in fresh.slider}
    assert values["weight_benefit"] == 10 and values["weight_risk"] == 0
    assert values["weight_shift"] == prioritise.DEFAULT_WEIGHT
    assert fresh.session_state["weight_benefit"] == 10


def test_blank_name_is_refused(db_path: Path) -> None:
    at = _run()
    _button(at, "Save weighting").click().run()
    assert "give the weighting a name" in at.error[0].value
    assert Store(db_path).current().number == 1


def test_service_group_filter(db_path: Path) -> None:
    at = _run(group="Surgery")
    assert _ranked(at) == ["C"]
