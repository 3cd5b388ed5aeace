"""AppTest: the Five-year plan page shows the catalogue's values in the plan grid, moves them
with the as-at date, and draws one Making Data Count chart per monthly KPI whose options
change that chart only."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_plan import plan_tables

from pmo_data import metrics, plan

AS_AT = date(2025, 9, 30)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, plan_tables())


def _run(as_at: date = AS_AT, group: str | None = None) -> AppTest:
    return run_filtered("five_year_plan", "2025/26", as_at, group)


def _markdown(at: AppTest, marker: str) -> str:
    found = [plain(m.value) for m in at.markdown if marker in m.value]
    assert len(found) == 1, marker
    return found[0]


def _grid_cells(at: AppTest) -> dict[tuple[str, str, str], str]:
    """(kpi, fy, part) -> the text the grid shows (tags dropped, spaces folded)."""
    html = _markdown(at, "plan-grid")
    cells = re.findall(r'<td[^>]*data-kpi="([^"]+)" data-fy="([^"]+)" data-part="([^"]+)">'
                       r"(.*?)</td>", html)
    return {(k, fy, part): " ".join(re.sub(r"<[^>]+>", " ", text).split())
            for k, fy, part, text in cells}


def _spc_charts(at: AppTest) -> dict[str, dict]:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def test_grid_shows_the_catalogue(db_path: Path) -> None:
    cells = _grid_cells(_run())
    with engine(db_path) as db:
        grid = plan.plan_grid(db, AS_AT)
        checked = 0
        for kpi in grid.kpis:
            for cell in kpi.cells:
                if cell.status == "Not yet started":
                    assert (kpi.code, cell.fy, "actual") not in cells  # blank, never 0
                    continue
                value = metrics.compute(db, kpi.code, cell.fy, AS_AT).value
                shown = plan.format_value(value, kpi.unit, missing="")
                if shown and cell.year_to_date:
                    shown += " to date"
                assert cells[(kpi.code, cell.fy, "actual")] == shown
                assert cells[(kpi.code, cell.fy, "status")] == cell.status
                checked += 1
    assert checked == 8  # four KPIs x two started years
    # By hand (see test_plan): events 6 so far against a pro-rata 12.
    assert cells[("EVENTS", "2025/26", "actual")] == "6 events to date"
    assert cells[("EVENTS", "2025/26", "status")] == "Off track"
    assert cells[("ADOPTION", "2025/26", "target")] == "80%"


def test_as_at_date_moves_the_grid(db_path: Path) -> None:
    later = _grid_cells(_run(date(2026, 4, 30)))
    # 2025/26 is finished by 30 April 2026: events 6 < 24 is Not met; 2026/27 has started.
    assert later[("EVENTS", "2025/26", "actual")] == "6 events"
    assert later[("EVENTS", "2025/26", "status")] == "Not met"
    assert later[("EVENTS", "2026/27", "status")] == "No data"


def test_plan_is_trust_wide(db_path: Path) -> None:
    at = _run(group="Surgery")
    assert _grid_cells(at)[("TRAINED_STAFF", "2025/26", "actual")] == "3 to date"  # not 1
    assert any("ignores the service-group filter" in plain(c.value) for c in at.caption)


def test_one_spc_chart_per_monthly_kpi(db_path: Path) -> None:
    at = _run()
    with engine(db_path) as db:
        titles = [plan.kpi_spc(db, code, AS_AT).title for code in plan.spc_codes(db)]
        rows = plan.ipr_rows(db, AS_AT)
    charts = _spc_charts(at)
    assert list(charts) == ["Maturity self-assessment by perspective", *titles]
    assert len(titles) == 6
    events = charts["Network events per month"]
    assert [t["name"] for t in events["data"] if t["name"].startswith("Target")] == ["Target 2"]
    assert "Process limits" in [t["name"] for t in events["data"]]
    ipr = _markdown(at, "table class='pmo ipr'")
    assert ipr.count("<tr>") == len(rows) + 1  # a header row and one per KPI
    assert "<svg" in ipr and "<title>" in ipr


def test_changing_an_option_changes_that_chart_only(db_path: Path) -> None:
    at = _run()
    before = _spc_charts(at)
    at.number_input(key="spc_EVENTS_min").set_value(30).run()
    assert not at.exception
    after = _spc_charts(at)
    # 18 points are fewer than 30: no limits on the events chart any more.
    assert "Process limits" in [t["name"] for t in before["Network events per month"]["data"]]
    assert "Process limits" not in [t["name"] for t in after["Network events per month"]["data"]]
    assert after["Platform adoption per month"] == before["Platform adoption per month"]
    trained = "Staff trained per month (first time in the year)"
    assert after[trained] == before[trained]


def test_rebase_option_splits_the_limits(db_path: Path) -> None:
    at = _run()
    at.date_input(key="spc_EVENTS_rebase").set_value(date(2024, 10, 1)).run()
    assert not at.exception
    chart = _spc_charts(at)["Network events per month"]
    mean = next(t for t in chart["data"] if t["name"] == "Mean")
    assert None in mean["x"]  # two segments: the mean line steps at the rebase


def test_no_plan_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_tables(tmp_path, monkeypatch,
                 {k: v for k, v in plan_tables().items() if k != "kpi_plan"})
    at = _run()
    assert "The five-year plan has no targets yet" in at.info[0].value
    # The three core series are still charted (with no targets), after the maturity chart.
    assert len(at.get("plotly_chart")) == 1 + 3
