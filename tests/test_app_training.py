"""AppTest: the Training reach page shows the catalogue's numbers for the chosen year, as-at
date and service group, and every chart with its sentence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, metric_values, plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_plan import plan_tables

from pmo_data import metrics, plan, training
from pmo_data.db import Database

FY = "2025/26"
AS_AT = date(2025, 9, 30)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, plan_tables())


def _run(fy: str = FY, as_at: date = AS_AT, group: str | None = None) -> AppTest:
    return run_filtered("training", fy, as_at, group)


def _expected_tiles(db: Database, fy: str, as_at: date, group: str | None) -> dict[str, str]:
    trained = metrics.trained_staff(db, fy, as_at, group)
    dna = metrics.training_dna_rate(db, fy, as_at, group)
    forecast = metrics.training_forecast(db, fy, as_at, group)
    return {
        "Staff trained": plan.format_value(trained.value, "count"),
        "Pro-rata target to date": plan.format_value(trained.ytd_target, "count",
                                                     missing="no target"),
        "Forecast at year end": plan.format_value(
            None if forecast.forecast is None else round(forecast.forecast), "count"),
        "Did-not-attend rate": plan.format_value(
            None if dna.value is None else round(dna.value, 1), "%"),
    }


def test_tiles_equal_the_catalogue(db_path: Path) -> None:
    at = _run()
    with engine(db_path) as db:
        expected = _expected_tiles(db, FY, AS_AT, None)
    assert metric_values(at) == expected
    # By hand (see test_training): A, B, D trained; pro-rata 120 x 6 / 12 = 60; DNA 2 of 7
    # outcome rows = 28.6%; forecast 3 / 183 days x 365 = 6.
    assert expected == {"Staff trained": "3", "Pro-rata target to date": "60",
                        "Forecast at year end": "6", "Did-not-attend rate": "28.6%"}


@pytest.mark.parametrize(("fy", "as_at", "group", "trained"), [
    (FY, AS_AT, "Surgery", "1"),  # A only
    (FY, date(2025, 6, 30), None, "2"),  # A (May) and B (June)
    ("2024/25", AS_AT, None, "2"),  # H and G
])
def test_filters_change_the_numbers(db_path: Path, fy: str, as_at: date, group: str | None,
                                    trained: str) -> None:
    at = _run(fy, as_at, group)
    with engine(db_path) as db:
        expected = _expected_tiles(db, fy, as_at, group)
    assert metric_values(at) == expected
    assert expected["Staff trained"] == trained


def test_funnel_table_and_years_table(db_path: Path) -> None:
    at = _run()
    with engine(db_path) as db:
        funnel = training.funnel_table(training.course_funnel(db, FY, AS_AT))
        years = training.years_table(training.trained_by_year(db, AS_AT))
    shown = at.dataframe[0].value.reset_index(drop=True)
    assert list(shown["Course"]) == list(funnel["Course"]) == ["Intro", "Risk"]
    assert list(shown["Booked"]) == list(funnel["Booked"]) == [3, 3]
    assert list(shown["Attended"]) == [2, 2]
    shown_years = at.dataframe[1].value
    assert list(shown_years["Financial year"]) == list(years["Financial year"])
    assert list(shown_years["Status"]) == ["No target", "Off track", "Not yet started"]


def test_every_chart_has_its_sentence(db_path: Path) -> None:
    at = _run()
    charts = at.get("plotly_chart")
    # Cumulative, two group splits, funnel, confidence, change, feedback, years.
    assert len(charts) == 8
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts]
    assert titles[0] == "Staff trained in 2025/26, cumulative"
    assert titles[-1] == "Staff trained each financial year"
    captions = [plain(c.value) for c in at.caption]
    assert any(c.startswith("By 30 Sep 2025, 3 people had been trained in 2025/26") for c in
               captions)
    assert any("mean confidence went from 5.0 to 5.7" in c for c in captions)


def test_service_group_changes_the_group_chart(db_path: Path) -> None:
    everyone = json.loads(_run().get("plotly_chart")[1].proto.spec)["data"][0]["y"]
    surgery = json.loads(_run(group="Surgery").get("plotly_chart")[1].proto.spec)["data"][0]["y"]
    assert sorted(everyone) == ["Medicine", "Not recorded", "Surgery"]
    assert surgery == ["Surgery"]


def test_a_year_not_started_shows_missing_not_zero(db_path: Path) -> None:
    at = _run(fy="2026/27")
    tiles = metric_values(at)
    assert tiles["Staff trained"] == "no data"
    assert tiles["Did-not-attend rate"] == "no data"
    assert any("no training records for 2026/27" in plain(c.value) for c in at.caption)
