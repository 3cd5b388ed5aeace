"""AppTest: the PMO value page shows the engine's figures for the chosen year and service
group, withholds small groups with the reason, and recomputes the return when the hourly
cost setting changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, metric_values, page, plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_value import AS_AT, FY, value_tables

from pmo_data import value


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, value_tables())


def _run(fy: str = FY, as_at: date = AS_AT, group: str | None = None) -> AppTest:
    return run_filtered("pmo_value", fy, as_at, group)


def test_figures_match_theengine(db_path: Path) -> None:
    at = _run()
    with engine(db_path) as db:
        demand = value.demand(db, FY, AS_AT)
        compared = value.comparison(db, FY, AS_AT)
        ret = value.return_statement(db, FY, AS_AT)
    shown = metric_values(at)
    assert shown["Requests received"] == str(demand.received)
    assert shown["Open backlog"] == str(demand.backlog)
    assert shown["Benefits realised"] == "£15,000"
    assert shown["PMO time on them"] == "542 h"
    assert shown["Return per £1"] == f"£{ret.ratio:,.2f}"
    table = at.dataframe[0].value
    assert table.equals(value.comparison_table(compared))
    assert table.set_index("Measure").loc["Milestones on time", "Supported"] == "67% (2 of 3)"
    assert "not proof of cause" in at.info[0].value
    assert any("£15,000 of cash-releasing benefits" in plain(m.value) for m in at.markdown)
    assert any("23.7%" in c.value and "£35.28 an hour" in plain(c.value) for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) == 6
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts]
    assert "PMO hours by service, 2025/26 by quarter" in titles
    # as at 30 November the third quarter is still running: its bars say "to date"
    flow = json.loads(charts[titles.index("PMO requests received, started and closed, "
                                          "2025/26")].proto.spec)["data"][0]
    assert flow["x"][-1] == "Q3 Oct-Dec<br>(to date)"


def test_hourly_cost_setting_changes_the_return(db_path: Path) -> None:
    at = _run()
    at.number_input(key="hourly_cost").set_value(40.0).run()
    assert not at.exception
    # 15,000 / (542 h x £40) = 0.69
    assert metric_values(at)["Return per £1"] == "£0.69"
    assert any("£0.69 for every £1" in plain(m.value) for m in at.markdown)


def test_small_group_is_withheld_on_screen(db_path: Path) -> None:
    at = _run(group="Medicine")
    table = at.dataframe[0].value.set_index("Measure")
    assert table.loc["Projects", "Not supported"] == "4"
    assert table.loc["Milestones on time", "Not supported"] == "Withheld"
    assert table.loc["Milestones on time", "Supported"] == "67% (2 of 3)"
    reasons = [plain(c.value) for c in at.caption if "Withheld: only 4 projects" in plain(c.value)]
    assert reasons and "Not supported" in reasons[0]
    # the training table follows the filter too
    assert list(at.dataframe[1].value["Service group"]) == ["Medicine"]


def test_changing_the_year_changes_the_figures(db_path: Path) -> None:
    before = metric_values(_run())
    after = metric_values(_run(fy="2024/25"))
    assert after["Requests received"] != before["Requests received"]
    with engine(db_path) as db:
        assert after["Requests received"] == str(
            value.demand(db, "2024/25", AS_AT).received)
    assert after["Benefits realised"] == "no benefits due"


def test_no_database_points_to_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "none.duckdb"))
    at = page("pmo_value").run()
    assert not at.exception
    assert "No data has been imported yet" in at.info[0].value
