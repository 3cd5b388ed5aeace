"""What changed since the last pack (``pmo_data.pack.changes``): every figure at the previous
report date and now, the signed change and its direction word, on the slide, the HTML section
and the XLSX sheet.

The fixture is a tiny trust worked by hand: FY 2025/26 as at 21 November 2025 (previous
report date 21 October 2025), and 2026/27 as at 15 April 2026 (previous report date 15 March
2026, in 2025/26).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from pmo_data import fmt, metrics
from pmo_data.db import Database, build_database
from pmo_data.pack import build_pack, pack_content
from pmo_data.pack import changes as since
from pmo_data.pack import pptx as pack_pptx
from pmo_data.pack.changes import Figure

AS_AT = date(2025, 11, 21)
FY = "2025/26"
APRIL = date(2026, 4, 15)  # the start of 2026/27: the previous report date is in 2025/26
LONG_NAME = ("Net promoter score of the patients and staff who used the PMO immersive "
             "project management support service")

TABLES: dict[str, list[dict]] = {
    "projects": [
        {"project_id": "P1", "project_name": "Alpha", "service_group": "Medicine",
         "stage": "Delivery", "start_date": date(2025, 4, 1)},
        {"project_id": "P2", "project_name": "Beta", "service_group": "Medicine",
         "stage": "Delivery", "start_date": date(2025, 4, 1)},
        {"project_id": "P3", "project_name": "Gamma", "service_group": "Surgery",
         "stage": "Planning", "start_date": date(2025, 6, 1)},
    ],
    "status_reports": [
        {"project_id": "P1", "report_date": date(2025, 10, 1), "overall_rag": "Green"},
        {"project_id": "P1", "report_date": date(2025, 11, 5), "overall_rag": "Red"},
        {"project_id": "P2", "report_date": date(2025, 10, 1), "overall_rag": "Amber/Red"},
        {"project_id": "P3", "report_date": date(2025, 9, 15), "overall_rag": "Green"},
        {"project_id": "P3", "report_date": date(2025, 11, 10), "overall_rag": "Green"},
    ],
    "training": [
        {"staff_id": "S1", "course": "Intro", "session_date": date(2025, 5, 10),
         "attendance": "Attended"},
        {"staff_id": "S2", "course": "Intro", "session_date": date(2025, 10, 1),
         "attendance": "Attended"},
        {"staff_id": "S3", "course": "Risk", "session_date": date(2025, 11, 1),
         "attendance": "Attended"},
        {"staff_id": "S4", "course": "Risk", "session_date": date(2026, 4, 2),
         "attendance": "Attended"},
    ],
    "benefits": [
        {"benefit_id": "B1", "project_id": "P1", "description": "Beds",
         "category": "Cash-releasing", "target_value": 2000.0, "realised_value": 1250.0,
         "target_date": date(2026, 1, 31)},
        {"benefit_id": "B2", "project_id": "P2", "description": "Agency",
         "category": "Cash-releasing", "target_value": 500.0, "realised_value": 100.0,
         "target_date": date(2026, 6, 30)},
    ],
    "kpi_plan": [
        {"kpi_code": "NPS", "financial_year": "2025/26", "target": 80, "unit": "%",
         "direction": "up", "kpi_name": LONG_NAME},
    ],
    # the KPI's first month is November: nothing at 21 October
    "kpi_actuals": [{"kpi_code": "NPS", "period": date(2025, 11, 1), "value": 72.0}],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("changes") / "pmo.duckdb"
    with Database(build_database(path, TABLES)) as handle:
        yield handle


def _row(frame: pd.DataFrame, key: str) -> dict:
    return frame.set_index("key").loc[key].to_dict()


def test_a_count_rises_and_the_rag_counts_move_worked_by_hand(db: Database) -> None:
    c = pack_content(db, FY, AS_AT)
    assert (c.previous_date, c.fy_then) == (date(2025, 10, 21), FY)
    frame = c.changes
    # staff trained by 21 Oct: S1, S2 = 2; by 21 Nov: S1, S2, S3 = 3 (better up)
    trained = _row(frame, "TRAINED_STAFF")
    assert (trained["then"], trained["now"], trained["change"]) == (2, 3, 1)
    assert (trained["then_text"], trained["now_text"], trained["change_text"],
            trained["verdict"]) == ("2", "3", "+1", "better")
    # 21 Oct: P1 Green (1 Oct), P2 Amber/Red, P3 Green (15 Sep); 21 Nov: P1 Red (5 Nov)
    got = {key: (_row(frame, key)["then"], _row(frame, key)["now"],
                 _row(frame, key)["change_text"], _row(frame, key)["verdict"])
           for key in ("RAG_RED", "RAG_AMBER_RED", "RAG_AMBER", "RAG_AMBER_GREEN",
                       "RAG_GREEN", "EXCEPTIONS")}
    assert got == {
        "RAG_RED": (0, 1, "+1", "worse"),
        "RAG_AMBER_RED": (1, 1, "No change", "no change"),
        "RAG_AMBER": (0, 0, "No change", "no change"),
        "RAG_AMBER_GREEN": (0, 0, "No change", "no change"),
        "RAG_GREEN": (2, 1, "-1", "worse"),
        "EXCEPTIONS": (1, 2, "+1", "worse"),  # P2; then P1 and P2
    }
    # active projects: 3 at both dates, no better direction
    assert _row(frame, "ACTIVE_PROJECTS")["verdict"] == "no change"
    # cash-releasing realised for benefits due in 2025/26 (B1): £1,250 at both dates
    assert _row(frame, "BENEFITS_REALISED_GBP")["change_text"] == "No change"
    # the RAG counts are the portfolio slide's bars
    rag = c.rag.set_index("rag")
    for name, key in (("Red", "RAG_RED"), ("Green", "RAG_GREEN")):
        assert (rag.loc[name, "previous"], rag.loc[name, "now"]) == (
            _row(frame, key)["then"], _row(frame, key)["now"])


def test_a_metric_missing_on_one_side_is_not_comparable(db: Database) -> None:
    frame = pack_content(db, FY, AS_AT).changes
    nps = _row(frame, "NPS")  # actuals start in November
    assert nps["then"] is None or pd.isna(nps["then"])
    assert (nps["now"], nps["then_text"], nps["now_text"], nps["change_text"],
            nps["verdict"]) == (72, "no data", "72%", "–", "not comparable")
    # no milestones at all: missing on both sides, never a change of zero
    on_time = _row(frame, "MILESTONES_ON_TIME")
    assert (on_time["then_text"], on_time["now_text"], on_time["verdict"]) == (
        "no data", "no data", "not comparable")


def test_at_the_start_of_a_year_the_previous_figures_are_last_years(db: Database) -> None:
    c = pack_content(db, "2026/27", APRIL)
    assert (c.at, c.previous_date, c.fy_then) == (APRIL, date(2026, 3, 15), "2025/26")
    frame = c.changes
    assert set(frame["fy_then"]) == {"2025/26"} and set(frame["fy"]) == {"2026/27"}
    # a £ value falls: benefits due in 2025/26 realised £1,250 (B1); due in 2026/27 £100 (B2)
    benefits = _row(frame, "BENEFITS_REALISED_GBP")
    assert (benefits["then"], benefits["now"], benefits["change"]) == (1250, 100, -1150)
    assert (benefits["then_text"], benefits["now_text"], benefits["change_text"],
            benefits["verdict"]) == ("£1,250", "£100", "-£1,150", "worse")
    # staff trained restarts on 1 April: 3 in 2025/26 by 15 Mar, 1 (S4) in 2026/27; not a fall
    trained = _row(frame, "TRAINED_STAFF")
    assert (trained["then"], trained["now"], trained["change_text"], trained["verdict"]) == (
        3, 1, "–", "not comparable")
    # a snapshot is compared across the year boundary: P1 Red, P2 Amber/Red, P3 Green
    assert (_row(frame, "RAG_RED")["then"], _row(frame, "RAG_RED")["now"]) == (1, 1)
    assert _row(frame, "EXCEPTIONS")["verdict"] == "no change"
    slides = [s for s in Presentation(io.BytesIO(build_pack(db, "2026/27", APRIL).pptx)).slides
              if s.shapes.title.text.startswith("What changed since the last pack")]
    text = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert "previous report date, 15 Mar 2026, and now, 15 Apr 2026" in text
    assert "figures are for 2025/26 (the last pack's year) and today's for 2026/27" in text


def test_a_year_seen_later_and_one_within_compare_within_the_pack_year() -> None:
    assert since.fy_then("2025/26", date(2025, 10, 21)) == "2025/26"
    assert since.fy_then("2024/25", date(2025, 2, 28)) == "2024/25"
    assert since.fy_then("2026/27", date(2026, 3, 15)) == "2025/26"
    assert since.fy_then("2027/28", date(2026, 10, 21)) == "2026/27"  # a future year


@pytest.mark.parametrize(("direction", "then", "now", "unit", "verdict", "text"), [
    ("up", 2, 5, "count", "better", "+3"),
    ("up", 5, 2, "count", "worse", "-3"),
    ("down", 14.2, 12.4, "%", "better", "-1.8 pts"),
    ("down", 10.0, 12.5, "%", "worse", "+2.5 pts"),
    ("up", 2400.0, 1200.0, "£", "worse", "-£1,200"),
    ("up", 100.0, 100.4, "£", "no change", "No change"),  # rounds to £0
    ("neither", 46, 48, "count", "higher", "+2"),
    ("neither", 46, 45, "count", "lower", "-1"),
    ("down", -0.5, 0.0, "days", "worse", "+0.5 days"),
    ("up", None, 3, "count", "not comparable", "–"),
    ("up", 3, float("nan"), "count", "not comparable", "–"),
])
def test_the_direction_word_follows_the_metric_direction(
        direction: str, then: float | None, now: float | None, unit: str, verdict: str,
        text: str) -> None:
    figure = since.figures(
        {"X": metrics.MetricValue("X", "X", now, None, None, unit, direction,  # type: ignore[arg-type]
                                  AS_AT, None, FY)},
        {"X": metrics.MetricValue("X", "X", then, None, None, unit, direction,  # type: ignore[arg-type]
                                  AS_AT, None, FY)}, None, None)[0]
    assert (figure.verdict, figure.change_text) == (verdict, text)


def test_a_restarting_figure_is_not_compared() -> None:
    figure = Figure("TRAINED_STAFF", "Staff trained", "count", "up", 108, 4, restarts=True)
    assert (figure.change, figure.change_text, figure.verdict) == (None, "–", "not comparable")
    assert (figure.then_text, figure.now_text) == ("108", "4")


def test_then_and_now_are_the_catalogues_values_at_both_dates(db: Database) -> None:
    for fy, as_at in ((FY, AS_AT), ("2026/27", APRIL)):
        c = pack_content(db, fy, as_at)
        now = metrics.compute_all(db, fy, as_at)
        then = metrics.compute_all(db, c.fy_then, c.previous_date)
        rows = c.changes.set_index("key")
        for code in now:
            if code == "PORTFOLIO_RAG":
                for rag in since.RAG_DIRECTIONS:
                    key = since.rag_key(rag)
                    assert rows.loc[key, "now"] == now[code].breakdown[rag], key
                    assert rows.loc[key, "then"] == then[code].breakdown[rag], key
                continue
            for side, mv in (("now", now[code]), ("then", then[code])):
                got = rows.loc[code, side]
                assert (mv.value is None and pd.isna(got)) or got == mv.value, (code, side)
                assert rows.loc[code, f"{side}_text"] == fmt.value(mv.value, mv.unit)


def _change_slides(pack_bytes: bytes) -> list[list[list[str]]]:
    out = []
    for slide in Presentation(io.BytesIO(pack_bytes)).slides:
        if slide.shapes.title.text.startswith("What changed since the last pack"):
            (shape,) = [sh for sh in slide.shapes if sh.has_table]
            out.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return out


def test_the_slide_continues_and_shortens_long_names_at_a_word(db: Database) -> None:
    pack = build_pack(db, FY, AS_AT)
    c = pack_content(db, FY, AS_AT)
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(pack.pptx)).slides]
    # right after the executive summary; 17 figures at 13 a slide: two slides
    assert len(c.changes) == 17
    at = titles.index("Executive summary")
    assert titles[at + 1:at + 3] == ["What changed since the last pack",
                                     "What changed since the last pack (continued)"]
    tables = _change_slides(pack.pptx)
    assert [len(t) - 1 for t in tables] == [13, 4]
    assert all(t[0] == ["Measure", "Previous report, 21 Oct 2025", "Now, 21 Nov 2025",
                        "Change", "Direction"] for t in tables)
    rows = {r[0]: r for t in tables for r in t[1:]}
    assert rows["Staff trained"] == ["Staff trained", "2", "3", "+1", "Better"]
    assert rows["Active projects rated Red"][1:] == ["0", "1", "+1", "Worse"]
    short = fmt.shorten(LONG_NAME, pack_pptx.CHANGE_NAME_WIDTH)
    assert short != LONG_NAME and short.endswith("…")
    assert LONG_NAME.startswith(short[:-1]) and LONG_NAME[len(short) - 1] == " "
    assert rows[short][1:] == ["no data", "72%", "–", "Not comparable"]
    assert not any(cell in ("None", "nan", "<NA>") for t in tables for r in t for cell in r)
    html = pack.html.decode()
    section = html[html.index('<section id="changes">'):]
    section = section[:section.index("</section>")]
    assert LONG_NAME in section and "Previous report, 21 Oct 2025" in section
    sheet = pd.read_excel(io.BytesIO(pack.xlsx), sheet_name="What changed", engine="openpyxl")
    assert list(sheet["key"]) == list(c.changes["key"])
    assert list(sheet["change_text"]) == list(c.changes["change_text"])


def test_an_empty_database_shows_every_figure_as_not_comparable(tmp_path: Path) -> None:
    with Database(build_database(tmp_path / "empty.duckdb", {})) as handle:
        c = pack_content(handle, FY, AS_AT)
        tables = _change_slides(build_pack(handle, FY, AS_AT).pptx)
    assert set(c.changes["verdict"]) == {"not comparable"}
    assert _row(c.changes, "EXCEPTIONS")["now_text"] == "no data"  # no register: not 0
    assert tables and all(r[3] == "–" for t in tables for r in t[1:])
