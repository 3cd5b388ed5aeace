"""AppTest: the Benefits page shows the engine's numbers and follows its filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import plain, run_page, serve
from governance_support import AS_AT, engine, figures, governance_database, metric
from streamlit.testing.v1 import AppTest

from pmo_data import fmt, metrics
from pmo_data import governance as gov
from pmo_data.charts import governance as charts


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(governance_database(tmp_path), monkeypatch)


def run(**state: object) -> AppTest:
    return run_page("benefits", **{"as_at": AS_AT, **state})


def test_tiles_charts_and_tables_match_the_engine(db: Path) -> None:
    at = run()
    assert not at.exception
    # B1 (40% realised, due 30/06/2025) and B2 (nothing realised, due 31/12/2025) are
    # overdue at 15/03/2026; B3 is realised; cash realised = 400 + 500
    assert metric(at, "Benefits in the register") == "3"
    assert metric(at, "Realised (all years)") == "1"
    # the catalogue's BENEFITS_REALISED_GBP for 2025/26 (benefits due in the year)
    expected = metrics.benefits_realised_gbp(engine(db), "2025/26", AS_AT)
    assert metric(at, "Cash-releasing realised in 2025/26") == fmt.value(expected.value, "£")
    assert metric(at, "Past target date, not realised") == "2"
    captions = [plain(c.value) for c in at.caption]
    by = gov.benefits_by(engine(db), "category")
    assert charts.benefits_planned_realised(by, "category", "count").summary in captions
    sankey = [f for f in figures(at) if f["data"][0]["type"] == "sankey"][0]
    assert sankey["data"][0]["node"]["label"] == [
        "Analogue to digital", "No shift recorded", "P1 Alpha", "P2 Beta", "Cash-releasing"]
    missing, overdue = at.dataframe[1].value, at.dataframe[2].value
    assert list(missing["Benefit"]) == ["B2"] and list(missing["Missing"]) == ["owner"]
    assert list(overdue["Benefit"]) == ["B1", "B2"]
    assert len(at.dataframe[-1].value) == 3


def test_filters_change_the_numbers(db: Path) -> None:
    at = run(service_group="Surgery")
    assert not at.exception
    assert metric(at, "Benefits in the register") == "2"
    expected = metrics.benefits_realised_gbp(engine(db), "2025/26", AS_AT, "Surgery")
    assert metric(at, "Cash-releasing realised in 2025/26") == fmt.value(expected.value, "£")
    at.radio(key="benefits_measure").set_value("value").run()
    by = gov.benefits_by(engine(db), "category", service_group="Surgery")
    expected = charts.benefits_planned_realised(by, "category", "value").summary
    assert expected in [plain(c.value) for c in at.caption]
    at.selectbox(key="benefits_category").set_value("Quality").run()
    assert list(at.dataframe[-1].value["Benefit"]) == ["B2"]
