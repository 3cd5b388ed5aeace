"""AppTest: the Estimate realism page: closed projects, overrun table, challenge a plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import run_page, serve
from governance_support import AS_AT, engine, figures, governance_database, metric
from streamlit.testing.v1 import AppTest

from pmo_data import governance as gov


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(governance_database(tmp_path), monkeypatch)


def run(**state: object) -> AppTest:
    return run_page("estimates", **{"as_at": AS_AT, **state})


def test_scatter_table_and_challenge(db: Path) -> None:
    at = run()
    assert not at.exception
    scatter = figures(at)[0]
    # P3 (Medicine): 100 planned, 120 actual days; P4 (Surgery): 100 planned, 200 actual
    points = {t["name"]: (t["x"], t["y"]) for t in scatter["data"][1:]}
    assert points == {"Medicine": ([100], [120]), "Surgery": ([100], [200])}
    shown = at.dataframe[0].value
    expected = gov.for_display(gov.overrun_summary(engine(db)))
    assert list(shown["Group"]) == list(expected["Group"]) == ["Medicine", "Surgery", "All"]
    assert list(shown["Median overrun (days)"]) == [20.0, 100.0, 60.0]
    # ratios 1.2 and 2.0: p80 = 1.2 + 0.8 x 0.8 = 1.84 -> 365 x 1.84 = 671.6
    assert metric(at, "80% confident duration (days)") == "672"
    at.number_input(key="challenge_days").set_value(100).run()
    assert metric(at, "80% confident duration (days)") == "184"
    at.selectbox(key="challenge_service").set_value("Coaching").run()
    assert metric(at, "80% confident duration (days)") == "200"  # P4 alone: ratio 2.0


def test_service_group_filter(db: Path) -> None:
    at = run(service_group="Surgery")
    assert not at.exception
    assert list(at.dataframe[-1].value["Project"]) == ["P4"]
    at.radio(key="estimates_by").set_value("pmo_service").run()
    assert list(at.dataframe[0].value["Group"]) == ["Coaching", "All"]
