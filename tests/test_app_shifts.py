"""AppTest: the Three shifts page shows, per shift, the projects by stage and RAG, the
benefits and the trend that pmo_data.shifts computes, for the chosen date and service group."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, plain, run_filtered, serve_tables
from test_portfolio import AT, FY, portfolio_tables

from pmo_data import shifts


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tables = portfolio_tables()
    for row, shift in zip(tables["projects"], ("Hospital to community", "Analogue to digital",
                                               "Hospital to community"), strict=False):
        row["strategic_shift"] = shift
    return serve_tables(tmp_path, monkeypatch, tables)


def test_shift_cards_charts_and_tables(db_path: Path) -> None:
    at = run_filtered("shifts", FY, AT)
    assert not at.exception
    with engine(db_path) as db:
        view = shifts.shift_view(db, AT)
    cards = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert cards[:4] == ["**Hospital to community**", "**Sickness to prevention**",
                         "**Analogue to digital**", "**No shift recorded**"]
    captions = [plain(c.value) for c in at.caption]
    for shift in view.shifts:
        assert view.sentence(shift) in captions
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"]
              for c in at.get("plotly_chart")]
    assert titles == ["Active projects by shift and RAG",
                      "Active projects Red or Amber/Red, by shift, at each month end"]
    stages = at.dataframe[0].value
    assert list(stages.columns) == ["Stage", *view.shifts]
    assert stages.iloc[-1]["Stage"] == "Total"
    assert int(stages.iloc[-1][list(view.shifts)].sum()) == int(
        view.by_stage_rag["projects"].sum())
    benefits = at.dataframe[1]
    assert list(benefits.value["Strategic shift"]) == list(view.shifts)
    # a shift with no benefit in pounds shows a word, not a blank cell
    assert benefits.value["Planned (£)"].isna().any()
    assert benefits.proto.placeholder == "none"
    money = benefits.value[["Planned (£)", "Realised (£)"]].stack().dropna()
    assert len(money) and (money == money.round(0)).all()  # whole pounds, as fmt.money


def test_the_date_moves_the_figures(db_path: Path) -> None:
    earlier = date(2025, 5, 31)
    at = run_filtered("shifts", FY, earlier)
    with engine(db_path) as db:
        view = shifts.shift_view(db, earlier)
    captions = [plain(c.value) for c in at.caption]
    assert all(view.sentence(s) in captions for s in view.shifts)
    assert any("At 31 May 2025" in c for c in captions)
