"""AppTest: the Risks and issues page: tiles, the matrix, picking a cell lists its risks."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import plain, run_page, serve
from governance_support import AS_AT, engine, figures, governance_database, metric
from streamlit.testing.v1 import AppTest

from pmo_data import governance as gov
from pmo_data.charts import governance as charts


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(governance_database(tmp_path), monkeypatch)


def run(**state: object) -> AppTest:
    return run_page("risks", **{"as_at": AS_AT, **state})


def test_tiles_and_matrix(db: Path) -> None:
    at = run()
    assert not at.exception
    assert metric(at, "Open risks") == "2"
    assert metric(at, "Very high risks (score 15+)") == "1"  # R1: 5 x 4
    assert metric(at, "Open issues") == "1"
    assert metric(at, "Open items past review date") == "2"  # R1 01/03, R3 01/02
    matrix = figures(at)[0]
    cells = matrix["data"][1]
    shown = {(x, y): t for x, y, t in zip(cells["x"], cells["y"], cells["text"], strict=True)}
    assert shown[(4, 5)] == "1" and shown[(3, 2)] == "1" and shown[(1, 1)] == ""
    expected = charts.risk_heatmap(gov.risk_matrix(engine(db)).cells).summary
    assert expected in [plain(c.value) for c in at.caption]
    top = at.dataframe[0].value
    assert list(top["Reference"]) == ["R1", "R2"]


def test_picking_a_cell_lists_its_risks(db: Path) -> None:
    at = run()
    at.selectbox(key="risk_likelihood").set_value(5)
    at.selectbox(key="risk_impact").set_value(4).run()
    assert not at.exception
    assert "1 open risk with likelihood 5 and impact 4" in [m.value.strip("*")
                                                            for m in at.markdown]
    assert list(at.dataframe[0].value["Reference"]) == ["R1"]
    assert figures(at)[0]["layout"]["shapes"][0]["x0"] == 3.5  # cell outlined


def test_service_group_and_trend_type(db: Path) -> None:
    at = run(service_group="Surgery")
    assert metric(at, "Open risks") == "1"
    at.selectbox(key="raid_trend_type").set_value("Issue").run()
    trend = gov.raid_trend(engine(db), as_at=AS_AT, service_group="Surgery", raid_type="Issue")
    expected = charts.raid_trend_chart(trend.table, "Issues").summary
    assert expected in [plain(c.value) for c in at.caption]
