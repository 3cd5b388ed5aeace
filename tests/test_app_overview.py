"""AppTest: the Overview shows every catalogue metric as the catalogue computes it on the same
database, for the chosen year, date and service group; missing data says "no data"; the
SPC icons, stale-data warnings, RAG changes and RAG integrity count are shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_support import engine, metric_values, page, plain, run_filtered, serve_tables
from streamlit.testing.v1 import AppTest
from test_overview import overview_tables
from test_portfolio import AT, FY

from pmo_data import governance, metrics, plan, quality_scores
from pmo_data.overview import format_value
from pmo_data.portfolio import evaluation_date


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve_tables(tmp_path, monkeypatch, overview_tables())


def _run(fy: str = FY, as_at: date = AT, group: str | None = None) -> AppTest:
    return run_filtered("overview", fy, as_at, group)


@pytest.mark.parametrize(("fy", "as_at", "group"), [
    (FY, AT, None),
    (FY, AT, "Medicine"),
    (FY, date(2025, 5, 31), None),
    ("2024/25", AT, None),
])
def test_every_tile_equals_the_catalogue(db_path: Path, fy: str, as_at: date,
                                         group: str | None) -> None:
    at = _run(fy, as_at, group)
    with engine(db_path) as db:
        values = metrics.compute_all(db, fy, as_at, group)
        flags = governance.rag_integrity(db, evaluation_date(fy, as_at), group)
    shown = metric_values(at)
    for mv in values.values():
        assert shown[mv.name] == format_value(mv.value, mv.unit), mv.code
    assert shown["Projects flagged"] == str(len(flags))
    with engine(db_path) as db:
        card = plan.scorecard(db, fy, as_at)
    assert shown["Plan KPIs on track"] == card.value_text
    assert len(shown) == len(values) + 2


def test_filters_change_the_numbers(db_path: Path) -> None:
    # Staff trained: 2025/26 to 30 June 4 + 6 + 30 = 40; Medicine only April's 4;
    # to 31 May 4 + 6 = 10; 2024/25 (to 31 March 2025) 6 x (4 + 6) = 60.
    assert metric_values(_run())["Staff trained"] == "40"
    assert metric_values(_run(group="Medicine"))["Staff trained"] == "4"
    assert metric_values(_run(as_at=date(2025, 5, 31)))["Staff trained"] == "10"
    assert metric_values(_run(fy="2024/25"))["Staff trained"] == "60"


def test_tile_details(db_path: Path) -> None:
    at = _run()
    metric = {m.label: m for m in at.metric}
    assert plain(metric["Staff trained"].delta) == "+26"  # 40 - 14 in 2024/25 to 30 June 2024
    assert metric["Coaching engagements"].value == "no data"  # no service log: never 0
    assert not metric["Coaching engagements"].delta  # nothing to compare
    captions = "\n".join(plain(c.value) for c in at.caption)
    assert "Year-to-date target 30 (120 a year): On track" in captions
    assert "training data up to 15 Jun 2025" in captions
    assert "no service log data" in captions
    html = "\n".join(plain(m.value) for m in at.markdown)
    assert "spc-icon-improvement_high" in html and "spc-icon-hit_or_miss" in html
    assert "Of 5 active projects, 2 are Red, 1 Amber/Green, 1 Green and 1 Not reported." in html
    headings = [plain(h.value) for h in at.subheader]
    assert headings[0] == "Five-year plan scorecard"
    assert headings[1:5] == ["Portfolio delivery", "Milestones and benefits",
                            "Training and PM services", "Five-year plan measures"]


def test_rag_changes(db_path: Path) -> None:
    at = _run()
    assert ("2 projects changed RAG in reports since 30 May 2025: 1 worse, 1 better."
            in [plain(c.value) for c in at.caption])
    changes = _table_with(at, "Change")  # the Exceptions table comes first
    assert list(changes["link"]) == ["portfolio?project=P1", "portfolio?project=P7"]
    assert list(changes["Change"]) == ["Worse", "Better"]
    surgery = _table_with(_run(group="Surgery"), "Change")
    assert list(surgery["link"]) == ["portfolio?project=P1"]


def test_stale_sources_are_warned(db_path: Path) -> None:
    # Staleness is judged at the evaluation date, as in the board pack: the fixture's newest
    # data is from mid 2025, so at the end of 2025/26 several sources are stale; at 30 June
    # 2025 the same sources are judged by what existed then.
    late = _run(as_at=date(2026, 3, 31))
    with engine(db_path) as db:
        stale = quality_scores.stale_sources(db, date(2026, 3, 31))
        then = quality_scores.stale_sources(db, AT)
    assert stale
    assert [plain(w.value) for w in late.warning] == [s.message for s in stale]
    assert [plain(w.value) for w in _run().warning] == [s.message for s in then]


def test_no_database_points_to_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "none.duckdb"))
    at = page("overview").run()
    assert not at.exception
    assert "No data has been imported yet" in at.info[0].value


def test_a_delta_keeps_its_sign_for_the_arrow(db_path: Path) -> None:
    # st.metric reads the arrow from the delta's first character: an escaped "\\-" would
    # show a rise for a fall
    at = _run("2024/25", AT)
    deltas = [m.delta for m in at.metric if m.delta]
    assert deltas
    assert all(d[0] in "+-" or d == "No change" for d in deltas), deltas


def _table_with(at: AppTest, column: str):  # noqa: ANN202 - the shown DataFrame
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_exceptions_section(db_path: Path) -> None:
    at = _run()
    assert "Exceptions" in [plain(h.value) for h in at.subheader]
    with engine(db_path) as db:
        from pmo_data.exceptions import exceptions
        listed = exceptions(db, evaluation_date(FY, AT))
    # at 30 June 2025: P1 Red (31 May, was Amber at 30 May) and P8 Red since February
    assert list(listed.table["project_id"]) == ["P1", "P8"]
    assert any(plain(c.value).startswith(
        "2 Red and 0 Amber/Red projects at 30 Jun 2025; change since the previous report, "
        "30 May 2025.") for c in at.caption)
    shown = _table_with(at, "Change since previous report")
    assert list(shown["Open"]) == ["portfolio?project=P1", "portfolio?project=P8"]
    assert list(shown["RAG"]) == ["Red", "Red"]
    assert list(shown["Change since previous report"]) == ["Worse (Amber to Red)", "No change"]
    # P1's 31 May report has no summary: its 30 April one is the reason
    assert list(shown["Reason"]) == ["S1 old", "No summary reported"]
    assert list(shown["Slippage (days)"])[0] == 30
    medicine = _run(group="Medicine")  # both Reds are in Surgery
    assert any(plain(c.value).startswith("No Red or Amber/Red projects at 30 Jun 2025.")
               for c in medicine.caption)
    assert not any("Change since previous report" in d.value.columns for d in medicine.dataframe)


def test_rag_integrity_rules_and_thresholds(db_path: Path) -> None:
    at = _run()
    assert metric_values(at)["Projects flagged"] == "2"  # P2 and P7, as on Portfolio
    assert any("Very high risks open (open risks scoring 15 or more: more than 0)" in plain(c.value)
               for c in at.caption)
    rules = _table_with(at, "Rule").set_index("Open")["Rule"].to_dict()
    assert rules == {"portfolio?project=P7": "Forecast end late; Milestone late",
                     "portfolio?project=P2": "Stale report; Very high risks open"}
    for key, value in (("ov_end_days", 92), ("ov_overdue_days", 364)):
        at.number_input(key=key).set_value(value).run()  # P7: 92 and 364 are not over
    assert metric_values(at)["Projects flagged"] == "1"
    at.number_input(key="ov_report_age").set_value(46).run()
    at.number_input(key="ov_risks_allowed").set_value(1).run()
    assert metric_values(at)["Projects flagged"] == "0"
    assert any("Very high risks open (open risks scoring 15 or more: more than 1)" in plain(c.value)
               for c in at.caption)


def test_plan_scorecard_tile(db_path: Path) -> None:
    # 2025/26 to 30 June 2025 (test_overview's plan): the catalogue's statuses, counted
    at = _run()
    with engine(db_path) as db:
        card = plan.scorecard(db, FY, AT)
    assert card.in_plan and card.judged > 0
    assert metric_values(at)["Plan KPIs on track"] == f"{card.on_track} of {card.judged}"
    assert card.sentence in [plain(c.value) for c in at.caption]
    assert card.sentence.startswith(f"{card.on_track} of {card.judged} plan KPIs on track")
