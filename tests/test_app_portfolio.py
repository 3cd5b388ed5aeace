"""AppTest: the Portfolio delivery page shows the catalogue's numbers for the chosen year,
date and service group, its filters and thresholds change what it lists, and a link with
``?project=<id>`` opens that project's drill-down."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, metric_values, plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_portfolio import AT, FY, portfolio_tables

from pmo_data import governance, metrics
from pmo_data import portfolio as pf


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, portfolio_tables())


def _run(fy: str = FY, as_at: date = AT, group: str | None = None,
         project: str | None = None) -> AppTest:
    query = {"project": project} if project else None
    return run_filtered("portfolio", fy, as_at, group, query=query)


def _expected(path: Path, fy: str, as_at: date, group: str | None) -> dict[str, str]:
    """What the tiles should say: the catalogue's ACTIVE_PROJECTS and PORTFOLIO_RAG."""
    with engine(path) as db:
        values = metrics.compute_all(db, fy, as_at, group)
    breakdown = values["PORTFOLIO_RAG"].breakdown
    assert breakdown is not None
    return {"Projects listed": f"{values['ACTIVE_PROJECTS'].value:,}",
            **{rag: f"{n:,}" for rag, n in breakdown.items()}}


@pytest.mark.parametrize(("fy", "as_at", "group"), [
    (FY, AT, None),
    (FY, AT, "Medicine"),  # the service-group filter
    (FY, date(2025, 5, 31), None),  # an earlier date: P3 not started, P7 still Red
    ("2024/25", AT, None),  # last year: judged at 31 March 2025
])
def test_tiles_equal_the_catalogue(db_path: Path, fy: str, as_at: date,
                                   group: str | None) -> None:
    at = _run(fy, as_at, group)
    assert metric_values(at) == _expected(db_path, fy, as_at, group)
    table = at.dataframe[0].value
    assert len(table) == int(metric_values(at)["Projects listed"])


def test_filters_change_the_numbers(db_path: Path) -> None:
    at = _run()
    shown = metric_values(at)
    # Red P1, P8; Amber/Green P7; Green P2; Not reported P3.
    assert (shown["Projects listed"], shown["Red"], shown["Not reported"]) == ("5", "2", "1")
    table = at.dataframe[0].value
    assert list(table["link"]) == [f"portfolio?project={p}" for p in
                                   ("P1", "P8", "P7", "P2", "P3")]
    assert list(table["Latest RAG"]) == ["Red", "Red", "Amber/Green", "Green", "Not reported"]
    # the reason column: the latest highlight-report summary, beside the RAG
    assert list(table.columns).index("Reason") == list(table.columns).index("Latest RAG") + 1
    assert (table["Reason"].iloc[0], table["Reason"].iloc[3]) == ("S1 old", "On plan")
    at.multiselect(key="pf_stages").set_value(list(pf.STAGE_ORDER)).run()
    assert metric_values(at)["Projects listed"] == "7"  # P4 (Closed) and P6 (Pipeline) join
    assert metric_values(at)["Blue"] == "1"
    at.selectbox(key="pf_pm").set_value("Ann").run()
    assert metric_values(at)["Projects listed"] == "2"  # P1, P3
    at.text_input(key="pf_search").set_value("gamma").run()
    assert list(at.dataframe[0].value["link"]) == ["portfolio?project=P3"]


def test_charts_and_their_summaries(db_path: Path) -> None:
    at = _run()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"]
              for c in at.get("plotly_chart")]
    assert titles == ["Latest RAG by service group", "Stage pipeline",
                      "Milestone slippage against baseline", "Planned against forecast end"]
    captions = [plain(c.value) for c in at.caption]
    assert "5 projects in 2 service groups; 2 Red, most in Surgery (2)." in captions
    assert any(c.startswith("Median slippage 10 days late over 5 milestones") for c in captions)
    at.radio(key="pf_timeline_sort").set_value("planned_end").run()
    spec = json.loads(at.get("plotly_chart")[3].proto.spec)
    assert spec["data"][0]["y"][:2] == ["P7 Eta pathway", "P8 Theta beds"]


def test_rag_integrity_thresholds(db_path: Path) -> None:
    at = _run()
    # Green or Amber/Green now: P2 Green (report of 15 May: 46 days old, over 31; one open
    # very high risk, over 0) and P7 Amber/Green (forecast end 92 days past the planned end,
    # over 30; M7 forecast 364 days past its baseline, over 30).
    with engine(db_path) as db:
        assert sorted(governance.rag_integrity(db, AT)["project_id"]) == ["P2", "P7"]
    assert "**Projects flagged: 2**" in [plain(m.value) for m in at.markdown]
    table = at.dataframe[1].value.set_index("link")
    assert sorted(table.index) == ["portfolio?project=P2", "portfolio?project=P7"]
    assert table.loc["portfolio?project=P7", "Rule"] == "Forecast end late; Milestone late"
    assert table.loc["portfolio?project=P2", "Rule"] == "Stale report; Very high risks open"
    assert any("Forecast end late (forecast end more than 30 days" in plain(c.value)
               for c in at.caption)
    at.number_input(key="pf_overdue_days").set_value(364).run()  # 364 is not over 364
    assert list(at.dataframe[1].value["Rule"]) == ["Forecast end late", "Stale report; "
                                                   "Very high risks open"]
    at.number_input(key="pf_end_days").set_value(92).run()  # 92 is not over 92
    assert "**Projects flagged: 1**" in [plain(m.value) for m in at.markdown]
    assert list(at.dataframe[1].value["link"]) == ["portfolio?project=P2"]
    at.number_input(key="pf_report_age").set_value(46).run()  # 46 is not over 46
    assert list(at.dataframe[1].value["Rule"]) == ["Very high risks open"]
    at.number_input(key="pf_risks_allowed").set_value(1).run()  # 1 is not over 1
    assert "**Projects flagged: 0**" in [plain(m.value) for m in at.markdown]


def test_drill_down_from_a_link(db_path: Path) -> None:
    at = _run(project="P1")
    assert at.selectbox(key="pf_project").value == "P1"
    assert at.query_params["project"] == "P1"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"]
              for c in at.get("plotly_chart")]
    assert "Highlight report history: P1" in titles
    captions = [plain(c.value) for c in at.caption]
    assert ("P1: 2 highlight reports from 30 Apr 2025 to 31 May 2025; latest overall RAG Red "
            "(was Amber); Red in 1 of them.") in captions
    assert ("From the highlight report of 30 Apr 2025 by PM. The latest report has no "
            "narrative.") in captions
    assert [t.value for t in at.text] == ["S1 old", "A1"]
    assert [t.label for t in at.tabs] == ["Milestones (4)", "RAID (3)", "Benefits (1)",
                                          "Highlight reports (2)"]
    facts = dict(at.dataframe[2].value.itertuples(index=False))
    assert facts["Slippage"] == "30 days late"
    history = at.dataframe[6].value  # milestones, RAID, benefits, then the reports, newest first
    assert list(history.columns[:3]) == ["Report date", "Overall RAG", "Schedule"]
    assert list(history["Overall RAG"]) == ["Red", "Amber"]


def test_choosing_a_project_sets_the_link(db_path: Path) -> None:
    at = _run()
    assert "project" not in at.query_params
    at.selectbox(key="pf_project").set_value("P2").run()
    assert not at.exception
    assert at.query_params["project"] == "P2"
    assert [t.value for t in at.text] == ["On plan", "Order kit"]


def test_unknown_project_in_the_link(db_path: Path) -> None:
    at = _run(project="NOPE")
    assert at.warning[0].value == "Project NOPE is not in the project register."
    assert at.selectbox(key="pf_project").value is None
