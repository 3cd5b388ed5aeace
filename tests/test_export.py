"""Board pack: narrative, PowerPoint (native charts), HTML (self-contained, escaped), XLSX
(data and definitions, formula-safe), determinism, and the safe CSV/XLSX writers.

The fixture is a tiny trust worked by hand (FY 2025/26, as at 21 November 2025). Expected
sentences and chart values are derived in comments; chart values are also checked against the
metric catalogue computed on the same database.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from html import escape
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from pmo_data import downloads, metrics, overview
from pmo_data import pack as board
from pmo_data.db import Database, create_schema, insert_rows
from pmo_data.pack import pptx as pack_pptx
from pmo_data.schema import RAG_ORDER

AS_AT = date(2025, 11, 21)
FY = "2025/26"


def _months(last: date, n: int) -> list[date]:
    y, m, out = last.year, last.month, []
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


TABLES: dict[str, list[dict]] = {
    "projects": [
        {"project_id": "P1", "project_name": "Alpha", "service_group": "Medicine",
         "stage": "Delivery", "start_date": date(2025, 4, 1),
         "planned_end_date": date(2026, 3, 31)},
        {"project_id": "P2", "project_name": "Beta", "service_group": "Medicine",
         "stage": "Planning", "start_date": date(2025, 5, 1),
         "planned_end_date": date(2026, 5, 31)},
        {"project_id": "P3", "project_name": "Gamma", "service_group": "Surgery",
         "stage": "Delivery", "start_date": date(2025, 6, 1),
         "planned_end_date": date(2026, 6, 30)},
        {"project_id": "P4", "project_name": "Delta", "service_group": "Surgery",
         "stage": "Closed", "start_date": date(2024, 1, 1),
         "planned_end_date": date(2025, 1, 1)},
    ],
    "status_reports": [
        {"project_id": "P1", "report_date": date(2025, 9, 30), "overall_rag": "Green"},
        {"project_id": "P1", "report_date": date(2025, 10, 31), "overall_rag": "Red"},
        {"project_id": "P2", "report_date": date(2025, 10, 31), "overall_rag": "Amber"},
        {"project_id": "P3", "report_date": date(2025, 8, 31), "overall_rag": "Amber"},
        {"project_id": "P3", "report_date": date(2025, 11, 10), "overall_rag": "Green"},
    ],
    "training": [
        {"staff_id": "S1", "course": "Intro", "session_date": date(2025, 5, 10),
         "attendance": "Attended"},
        {"staff_id": "S2", "course": "Intro", "session_date": date(2025, 6, 15),
         "attendance": "Attended"},
        {"staff_id": "S1", "course": "Risk", "session_date": date(2025, 9, 1),
         "attendance": "Attended"},
        {"staff_id": "S3", "course": "Risk", "session_date": date(2025, 10, 1),
         "attendance": "Attended"},
        {"staff_id": "S4", "course": "Risk", "session_date": date(2025, 7, 1),
         "attendance": "Did not attend"},
    ],
    "kpi_plan": [
        {"kpi_code": "TRAINED_STAFF", "financial_year": "2025/26", "target": 6, "unit": "staff",
         "direction": "up", "plan_year_label": "Year one: come together"},
        {"kpi_code": "TRAINED_STAFF", "financial_year": "2026/27", "target": 8, "unit": "staff",
         "direction": "up", "plan_year_label": "Year two: build as one"},
        {"kpi_code": "NPS", "financial_year": "2025/26", "target": 80, "unit": "%",
         "direction": "up", "kpi_name": "Net promoter score"},
    ],
    # 24 months Nov 2023 .. Oct 2025 alternating 70, 72: mean 71, mean moving range 2, limits
    # 71 +/- 2.66 x 2 = 65.68 .. 76.32; no rule fires (common cause); target 80 > upper
    # limit with "up" better: assurance fail. The FY value (a % KPI) is the latest month: 72.
    "kpi_actuals": [{"kpi_code": "NPS", "period": m, "value": 70.0 if i % 2 == 0 else 72.0}
                    for i, m in enumerate(_months(date(2025, 10, 1), 24))],
    "raid": [
        {"raid_id": "R1", "project_id": "P1", "raid_type": "Risk", "title": "=cmd|' /C calc'!A0",
         "status": "Open", "likelihood": 5, "impact": 4, "owner": "@evil",
         "raised_date": date(2025, 10, 1), "mitigation": "<script>alert(1)</script>"},
        {"raid_id": "R2", "project_id": "P3", "raid_type": "Risk", "title": "+44 1234",
         "status": "Open", "likelihood": 3, "impact": 5, "raised_date": date(2025, 10, 1)},
        {"raid_id": "R3", "project_id": "P2", "raid_type": "Risk", "title": "Closed one",
         "status": "Closed", "likelihood": 5, "impact": 5, "raised_date": date(2025, 9, 1)},
        {"raid_id": "R4", "project_id": "P2", "raid_type": "Issue", "title": "An issue",
         "status": "Open", "likelihood": 5, "impact": 5, "raised_date": date(2025, 9, 1)},
        {"raid_id": "R5", "project_id": "P2", "raid_type": "Risk", "title": "-minor",
         "status": "Open", "likelihood": 1, "impact": 2, "raised_date": date(2025, 9, 1)},
    ],
    "benefits": [
        {"benefit_id": "B1", "project_id": "P1", "description": "Beds",
         "category": "Cash-releasing", "target_value": 1000.0, "realised_value": 250.0,
         "target_date": date(2026, 1, 31)},
        {"benefit_id": "B2", "project_id": "P3", "description": "Agency",
         "category": "Cash-releasing", "target_value": 500.0, "realised_value": None,
         "target_date": date(2025, 12, 31)},
        {"benefit_id": "B3", "project_id": "P1", "description": "Falls", "category": "Quality",
         "target_value": 10.0, "realised_value": 3.0, "target_date": date(2026, 1, 31)},
        {"benefit_id": "B4", "project_id": "P1", "description": "Later",
         "category": "Cash-releasing", "target_value": 700.0, "realised_value": 100.0,
         "target_date": date(2026, 6, 1)},
    ],
    "service_requests": [
        {"request_id": "SR1", "received_date": date(2025, 8, 1), "service": "Immersive PM",
         "service_group": "Medicine", "status": "In progress", "project_id": "P1",
         "start_date": date(2025, 8, 1)},
    ],
}


def fill_pack_data(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the hand-worked trust, plus one import of the register with 2 rejected rows."""
    for source, rows in TABLES.items():
        insert_rows(con, source, rows)
    con.execute("INSERT INTO imports VALUES (1, 1, 'ppm.xlsx', 'Projects', 'projects', 'abc', "
                "6, 4, 2, NULL, NULL, 'tester', ?, false)", [datetime(2025, 11, 20, 9, 0)])


def pack_database(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        fill_pack_data(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    path = pack_database(tmp_path_factory.mktemp("pack") / "pmo.duckdb")
    with Database(path) as handle:
        yield handle


@pytest.fixture(scope="module")
def pack(db: Database) -> board.BoardPack:
    return board.build_pack(db, FY, AS_AT)


def _slides(pack: board.BoardPack):
    from pptx import Presentation

    return list(Presentation(io.BytesIO(pack.pptx)).slides)


def _charts(slide) -> list:  # noqa: ANN001 - a python-pptx slide
    return [shape.chart for shape in slide.shapes if shape.has_chart]


# --- narrative ------------------------------------------------------------------------------


def test_narrative_sentences_worked_by_hand(db: Database) -> None:
    sentences = {s.key: s.text for s in board.narrative(db, FY, AS_AT)}
    # trained: S1, S2, S3 = 3 distinct; 7 whole months to 21 Nov: 6 x 7 / 12 = 3.5 to date,
    # 3 / 3.5 = 86 %; run rate 3 / 235 days x 365 = 4.66 -> 5 by March
    assert sentences["training"] == ("3 staff trained against a year-to-date target of 3.5 "
                                     "(86%), on course for 5 by March (target 6).")
    assert sentences["immersive"] == "1 project given immersive PM support."
    # active P1 Red, P2 Amber, P3 Green; P1 Green -> Red (31 Oct), P3 Amber -> Green (10 Nov)
    assert sentences["portfolio"] == (
        "Of 3 active projects, 1 Red or Amber/Red, 1 Amber and 1 Green or Amber/Green. "
        "Since 21 Oct 2025, 1 project worsened and 1 improved.")
    # reports in the 31 days to 21 Nov: P1 31 Oct, P2 31 Oct, P3 10 Nov = 3 of 3
    assert sentences["compliance"] == ("100% of active projects sent a highlight report in the "
                                       "31 days to 21 Nov 2025.")
    assert sentences["milestones"] == ("No milestones were achieved in 2025/26 up to "
                                       "21 Nov 2025.")
    # cash-releasing due in 2025/26: B1 (realised 250 of 1000) and B2 (blank of 500)
    assert sentences["benefits"] == ("£250 of cash-releasing benefits realised for benefits due "
                                     "in 2025/26, of £1,500 planned.")
    # open risks scoring >= 15: R1 (20), R2 (15); a year earlier none had been raised
    assert sentences["risks"] == ("2 open high risks (likelihood x impact 15 or more), 2 more "
                                  "than a year earlier.")
    # only NPS has 13+ monthly points; it shows common cause
    assert sentences["spc"] == ("SPC shows only common cause or neutral variation in Net "
                                "promoter score.")
    # thresholds from quality_scores.STALE_AFTER_DAYS: service log last received 1 Aug:
    # 30 + 30 + 31 + 21 = 112 days before 21 Nov (> 31); RAID latest event 51 days (> 31)
    assert sentences["data"] == (
        "Data caveats: RAID log (51 days) and PMO service log (112 days) are older than usual "
        "at the as-at date; 2 rows "
        "in 1 source failed validation at the last import and are left out (see Data sources).")
    assert list(sentences) == ["training", "immersive", "portfolio", "compliance", "milestones",
                               "benefits", "risks", "spc", "data"]


def test_narrative_is_deterministic_and_follows_the_service_group(db: Database) -> None:
    assert board.narrative(db, FY, AS_AT) == board.narrative(db, FY, AS_AT)
    surgery = {s.key: s.text for s in board.narrative(db, FY, AS_AT, "Surgery")}
    # Surgery: only P3 active (Green), changed Amber -> Green on 10 Nov
    assert surgery["portfolio"] == ("Of 1 active projects, 1 Green or Amber/Green. Since "
                                    "21 Oct 2025, 0 projects worsened and 1 improved.")


def test_an_empty_database_gives_a_pack_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.close()
    with Database(path) as db:
        pack = board.build_pack(db, FY, AS_AT)
    text = {s.key: s.text for s in pack.sentences}
    assert text["training"] == ("No training attendance is recorded for 2025/26 up to "
                                "21 Nov 2025.")
    assert text["portfolio"] == "The project register is empty, so there is no portfolio RAG."
    assert "data" not in text  # nothing loaded is not a caveat about loaded data
    titles = [s.shapes.title.text for s in _slides(pack)]
    assert "Top risks" in titles
    html = pack.html.decode()
    assert "No open risks." in html and "No training attendance" in html


# --- PowerPoint -----------------------------------------------------------------------------


def test_pptx_slide_titles(pack: board.BoardPack) -> None:
    titles = [s.shapes.title.text for s in _slides(pack)]
    assert titles == [
        "NHS Trust\nPMO board report", "Five-year plan scorecard", "Executive summary",
        "What changed since the last pack", "What changed since the last pack (continued)",
        "Performance against plan", "Portfolio RAG and changes since the previous report",
        "Exceptions: Red and Amber/Red projects", "Training reach",
        "Five-year plan", "Three shifts", "Benefits", "Top risks", "Data sources"]


def test_scorecard_is_the_first_content_slide(db: Database, pack: board.BoardPack) -> None:
    from pmo_data.plan import scorecard

    card = scorecard(db, FY, AS_AT)
    slide = _slides(pack)[1]
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert slide.shapes.title.text == "Five-year plan scorecard"
    assert card.value_text in texts and card.sentence in texts
    cells = [[c.text for c in row.cells] for shape in slide.shapes if shape.has_table
             for row in shape.table.rows]
    assert cells[1:] == [[name, status] for name, status in card.rows]
    assert card.value_text in pack.html.decode()


def test_shifts_slide_rows(db: Database, pack: board.BoardPack) -> None:
    from pmo_data import shifts

    view = shifts.shift_view(db, AS_AT)
    slide = {s.shapes.title.text: s for s in _slides(pack)}["Three shifts"]
    cells = [[c.text for c in row.cells] for shape in slide.shapes if shape.has_table
             for row in shape.table.rows]
    assert cells == [list(shifts.SUMMARY_HEADER), *shifts.summary_rows(view)]
    assert [r[0] for r in cells[1:4]] == list(shifts.SHIFTS)
    assert not any(cell in ("None", "nan") for row in cells for cell in row)


def test_exceptions_slide_sheet_and_section_list_every_red_project(
        db: Database, pack: board.BoardPack) -> None:
    from pmo_data.exceptions import exceptions

    listed = exceptions(db, AS_AT).table
    assert len(listed) >= 1 and set(listed["overall_rag"]) <= {"Red", "Amber/Red"}
    slide = {s.shapes.title.text: s for s in _slides(pack)}[
        "Exceptions: Red and Amber/Red projects"]
    cells = [[c.text for c in row.cells] for shape in slide.shapes if shape.has_table
             for row in shape.table.rows]
    assert cells[0] == ["Project", "RAG", "Reason", "Slippage (days)", "SRO",
                        "Days since report", "Change since previous report"]
    assert [row[0].split(" ")[0] for row in cells[1:]] == list(listed["project_id"])
    assert [row[1] for row in cells[1:]] == list(listed["overall_rag"])
    assert not any(cell in ("None", "nan", "<NA>") for row in cells for cell in row)
    sheet = pd.read_excel(io.BytesIO(pack.xlsx), sheet_name="Exceptions", engine="openpyxl")
    assert list(sheet["project_id"]) == list(listed["project_id"])
    html = pack.html.decode()
    section = html[html.index('<section id="exceptions">'):]
    section = section[:section.index("</section>")]
    assert all(f">{p} " in section for p in listed["project_id"])


def test_pptx_charts_are_native_and_equal_the_catalogue(db: Database,
                                                         pack: board.BoardPack) -> None:
    slides = {s.shapes.title.text: s for s in _slides(pack)}
    values = metrics.compute_all(db, FY, AS_AT)

    rag = _charts(slides["Portfolio RAG and changes since the previous report"])
    assert len(rag) == 1
    assert list(rag[0].plots[0].categories) == list(RAG_ORDER)
    now = rag[0].plots[0].series[1]
    assert list(now.values) == [float(values["PORTFOLIO_RAG"].breakdown[r]) for r in RAG_ORDER]
    # on 21 Oct: P1 Green (30 Sep), P3 Amber (31 Aug), P2 no report yet
    before = dict(zip(RAG_ORDER, rag[0].plots[0].series[0].values, strict=True))
    assert (before["Green"], before["Amber"], before["Not reported"], before["Red"]) == (
        1, 1, 1, 0)

    (training,) = _charts(slides["Training reach"])
    cumulative = metrics.cumulative_trained_by_month(db, FY, AS_AT)
    series = training.plots[0].series
    assert list(series[0].values) == [float(v) for v in cumulative["trained_cumulative"]]
    assert series[0].values[-1] == values["TRAINED_STAFF"].value == 3
    # pro-rata target 6 x k / 12 for April (k=1) .. November (k=8)
    # where the line should be at each month's end; November is still running on 21 Nov, so
    # its point is the catalogue's year-to-date target (7 whole months: 6 x 7 / 12)
    assert list(series[1].values) == [6 * k / 12 for k in range(1, 8)] + [6 * 7 / 12]
    assert list(training.plots[0].categories)[:2] == ["Apr 2025", "May 2025"]
    # the month still running on 21 November holds a part month: it says so
    assert list(training.plots[0].categories)[-2:] == ["Oct 2025", "Nov 2025 to date"]

    (plan,) = _charts(slides["Five-year plan"])
    assert list(plan.plots[0].categories) == ["2025/26", "2026/27"]
    assert list(plan.plots[0].series[0].values) == [6.0, 8.0]  # targets from kpi_plan
    assert list(plan.plots[0].series[1].values) == [3.0, None]  # 2026/27 has not begun

    (benefits,) = _charts(slides["Benefits"])
    assert list(benefits.plots[0].categories) == ["Medicine", "Surgery"]
    assert list(benefits.plots[0].series[0].values) == [1000.0, 500.0]
    assert list(benefits.plots[0].series[1].values) == [250.0, None]  # blank stays blank
    realised = sum(v for v in benefits.plots[0].series[1].values if v is not None)
    assert realised == values["BENEFITS_REALISED_GBP"].value


def test_pptx_tables_and_text(pack: board.BoardPack) -> None:
    slides = {s.shapes.title.text: s for s in _slides(pack)}
    summary = " ".join(sh.text_frame.text for sh in slides["Executive summary"].shapes
                       if sh.has_text_frame)
    for sentence in pack.sentences:
        assert sentence.text in summary

    def table(title: str) -> list[list[str]]:
        (shape,) = [sh for sh in slides[title].shapes if sh.has_table]
        return [[cell.text for cell in row.cells] for row in shape.table.rows]

    kpis = {row[0]: row for row in table("Performance against plan")[1:]}
    assert kpis["Staff trained"][1:4] == ["3", "3.5 to date (6 for the year)", "no data"]
    assert kpis["Net promoter score"][4:6] == ["Common cause", "Fail: target missed"]
    risks = table("Top risks")
    assert [r[0] for r in risks[1:]] == ["R1", "R2", "R5"]  # scores 20, 15, 2; closed/issue out
    sources = {row[0]: row for row in table("Data sources")[1:]}
    assert sources["Projects"][1] == "ppm.xlsx"
    assert sources["PMO service log"][5] == "stale: latest data 112 days before the as-at date"


# --- HTML -----------------------------------------------------------------------------------


def test_html_is_self_contained(pack: board.BoardPack) -> None:
    html = pack.html.decode("utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html, flags=re.I)
    assert not [r for r in refs if r.startswith(("http:", "https:", "//"))]
    assert "<link" not in html.lower()
    assert "<script" not in html.lower()  # not even inline: the risk text is escaped
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") >= 4  # charts and SPC icons drawn inline
    assert "page-break-after:always" in html and "@page" in html


def test_pptx_charts_and_pictures_have_alt_text_stating_the_finding(
        pack: board.BoardPack) -> None:
    """Every chart (graphic frame) and picture has alt text (``descr``), and it is the
    sentence the slide states under it (the finding), not just a title."""
    seen = 0
    for slide in _slides(pack):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for shape in slide.shapes:
            if shape.has_chart or shape.shape_type == 13:  # 13: MSO_SHAPE_TYPE.PICTURE
                descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr") or ""
                assert len(descr.split()) >= 5, (shape.name, descr)
                assert any(descr in t for t in texts), (descr, texts)
                seen += 1
    assert seen >= 4  # portfolio, training, plan and benefits charts


def test_html_charts_and_icons_have_text_alternatives(pack: board.BoardPack) -> None:
    """Every chart's SVG is an image named by its title and finding (the figure caption
    under it); every SPC icon is an image with its name; no <img> without alt."""
    html = pack.html.decode("utf-8")
    figures = re.findall(r"<figure>(<svg[^>]*>).*?<figcaption>(.*?)</figcaption></figure>",
                         html, flags=re.S)
    assert len(figures) >= 4
    for svg, caption in figures:
        assert 'role="img"' in svg
        label = re.search(r'aria-label="([^"]*)"', svg).group(1)
        assert caption in label and len(caption.split()) >= 5, (label, caption)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) > len(figures)  # the SPC icons too
    for svg in svgs:
        assert re.search(r'role="img"', svg) and re.search(r'aria-label="[^"]+"', svg), svg
    assert all(re.search(r"\balt=", img) for img in re.findall(r"<img[^>]*>", html))


def test_html_escapes_spreadsheet_text(pack: board.BoardPack) -> None:
    html = pack.html.decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html
    for sentence in pack.sentences:
        assert escape(sentence.text) in html


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_the_data_behind_every_chart_and_definitions(db: Database,
                                                               pack: board.BoardPack) -> None:
    sheets = pd.read_excel(io.BytesIO(pack.xlsx), sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["README", "Definitions", "Scorecard", "Summary", "What changed",
                            "KPIs", "Portfolio RAG", "RAG changes", "Exceptions", "Training",
                            "Five-year plan", "Shifts", "Shift trend", "Benefits", "Top risks",
                            "Data sources"]
    readme = sheets["README"]
    for defn in metrics.catalogue(db):
        assert any(readme["name"].str.startswith(f"{defn.code}: "))
        assert defn.definition in " ".join(readme["description"])
    training = sheets["Training"]
    assert list(training["trained_cumulative"]) == [0, 1, 2, 2, 2, 2, 3, 3]
    rag = sheets["Portfolio RAG"].set_index("rag")
    assert rag.loc["Red", "now"] == 1 and rag.loc["Not reported", "previous"] == 1
    assert list(sheets["Summary"]["sentence"]) == [s.text for s in pack.sentences]
    kpis = sheets["KPIs"].set_index("code")
    assert kpis.loc["NPS", "value"] == 72 and kpis.loc["NPS", "assurance_icon"] == "fail"


def test_xlsx_text_that_looks_like_a_formula_stays_text(pack: board.BoardPack) -> None:
    ws = load_workbook(io.BytesIO(pack.xlsx))["Top risks"]
    header = [c.value for c in ws[1]]
    cells = {ws.cell(row=r, column=1).value: {h: ws.cell(row=r, column=j + 1)
                                              for j, h in enumerate(header)}
             for r in range(2, ws.max_row + 1)}
    for raid_id, column, written in [("R1", "title", "=cmd|' /C calc'!A0"),
                                     ("R1", "owner", "@evil"), ("R2", "title", "+44 1234"),
                                     ("R5", "title", "-minor")]:
        cell = cells[raid_id][column]
        assert cell.data_type == "s"
        assert cell.value == written
        assert cell.quotePrefix


# --- determinism, edits, names ---------------------------------------------------------------


def test_same_inputs_give_identical_files(db: Database, pack: board.BoardPack) -> None:
    again = board.build_pack(db, FY, AS_AT)
    assert (again.pptx, again.html, again.xlsx) == (pack.pptx, pack.html, pack.xlsx)
    for data in (pack.pptx, pack.xlsx):
        dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
        assert dates == {(2025, 11, 21, 0, 0, 0)}


def test_edited_sentences_are_used_everywhere(db: Database, tmp_path: Path) -> None:
    edited = board.build_pack(db, FY, AS_AT, sentences=["Training is ahead of plan.", "  ",
                                                          "=1+1 is not a formula"],
                               out_dir=tmp_path / "out")
    assert [s.text for s in edited.sentences] == ["Training is ahead of plan.",
                                                  "=1+1 is not a formula"]
    assert [s.key for s in edited.sentences] == ["training", "portfolio"]
    slides = {s.shapes.title.text: s for s in _slides(edited)}
    summary = " ".join(sh.text_frame.text for sh in slides["Executive summary"].shapes
                       if sh.has_text_frame)
    assert "Training is ahead of plan." in summary and "on course for" not in summary
    assert "Training is ahead of plan." in edited.html.decode()
    ws = load_workbook(io.BytesIO(edited.xlsx))["Summary"]
    assert ws["B3"].value == "=1+1 is not a formula" and ws["B3"].data_type == "s"
    assert sorted(p.name for p in edited.paths) == sorted(edited.files())
    assert all(p.read_bytes() == edited.files()[p.name] for p in edited.paths)


def test_file_names_carry_trust_period_and_date(db: Database, pack: board.BoardPack,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert pack.pptx_name == "NHS-Trust_PMO-board-pack_2025-26_2025-11-21.pptx"
    assert pack.html_name.endswith("_2025-26_2025-11-21.html")
    assert pack.xlsx_name.endswith("_2025-26_2025-11-21.xlsx")
    assert board.file_stem("Northshire Hospitals NHS FT", "2025/26", AS_AT, "Women & Children") \
        == "Northshire-Hospitals-NHS-FT_PMO-board-pack_2025-26_Women-Children_2025-11-21"
    monkeypatch.setenv("PMO_TRUST_NAME", "Westbrook NHS Trust")
    assert board.trust_name(db) == "Westbrook NHS Trust"


def test_trust_name_from_saved_setting(tmp_path: Path) -> None:
    path = pack_database(tmp_path / "named.duckdb")
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO saved_settings VALUES ('setting', 'trust_name', "
                "'Riverside NHS Foundation Trust', 'tester', ?)", [datetime(2025, 1, 1)])
    con.close()
    with Database(path) as db:
        assert board.trust_name(db) == "Riverside NHS Foundation Trust"


def test_kpis_continue_on_another_slide_when_the_plan_is_long(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_pptx, "KPI_ROWS_PER_SLIDE", 5)
    titles = [s.shapes.title.text for s in _slides(board.build_pack(db, FY, AS_AT))]
    # 11 KPI rows (12 metrics less PORTFOLIO_RAG) at 5 a slide: 3 slides
    assert titles.count("Performance against plan") == 1
    assert titles.count("Performance against plan (continued)") == 2


# --- helpers --------------------------------------------------------------------------------


def test_monthly_targets_for_assurance() -> None:
    trained = metrics.get_definition("TRAINED_STAFF")
    dna = metrics.get_definition("TRAINING_DNA_RATE")
    supported = metrics.get_definition("PROJECTS_SUPPORTED")
    # the pack judges assurance with the rule every surface uses (pmo_data.spc_rules)
    assert overview.monthly_target(trained, 120) == 10  # 120 a year is 10 a month
    assert overview.monthly_target(dna, 8) == 8  # a rate is a rate
    assert overview.monthly_target(supported, 20) is None  # concurrent projects: no monthly aim
    assert overview.monthly_target(trained, None) is None


def test_fmt_value() -> None:
    assert board.fmt_value(87, "count") == "87"
    assert board.fmt_value(85.25, "%") == "85.2%"
    assert board.fmt_value(351500.4, "£") == "£351,500"
    assert board.fmt_value(1, "days") == "1 day"
    assert board.fmt_value(None, "%") == "no data"
    assert board.fmt_value(float("nan"), "") == "no data"
    # the screen's spelling (pmo_data.fmt): these used to differ between page and pack
    assert board.fmt_value(-1200, "£") == "-£1,200"
    assert board.fmt_value(13.0, "days") == "13 days"
    assert board.fmt_value(87.0000001, "%") == "87%"
    assert board.fmt_value(1658, "views") == "1,658 views"
    assert board.fmt_date(date(2026, 6, 9)) == "9 Jun 2026"


def test_csv_bytes_neutralise_formulas() -> None:
    frame = pd.DataFrame({"text": ["=SUM(A1)", "+1", "-x", "@me", "plain", None],
                          "n": [-1, 2, 3, 4, 5, 6]})
    text = downloads.csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert text[1:5] == ["'=SUM(A1),-1", "'+1,2", "'-x,3", "'@me,4"]
    assert text[5] == "plain,5"  # numbers, even negative ones, are untouched


def test_csv_bytes_neutralise_headers_too() -> None:
    # the finding: pivot column values become headers, and headers were written raw
    frame = pd.DataFrame({'=HYPERLINK("http://evil.example","x")': [1], "@SUM(A1)": [2],
                          "Surgery": [3]})
    header = downloads.csv_bytes(frame).decode("utf-8-sig").splitlines()[0]
    assert header == '"\'=HYPERLINK(""http://evil.example"",""x"")",\'@SUM(A1),Surgery'


def test_xlsx_bytes_types_and_sheet_names() -> None:
    frame = pd.DataFrame({"when": [date(2025, 4, 1)], "n": [3], "x": [1.5],
                          "text": ["=1+2\x07"], "missing": [None]})
    wb = load_workbook(io.BytesIO(downloads.xlsx_bytes({"a/b:c*d?e[f]g" * 3: frame})))
    ws = wb.worksheets[0]
    assert len(ws.title) <= 31 and not set("/:*?[]") & set(ws.title)
    assert ws["A2"].value == datetime(2025, 4, 1) and ws["B2"].value == 3
    assert ws["D2"].value == "=1+2" and ws["D2"].data_type == "s"  # control character dropped
    assert ws["E2"].value is None
    assert ws.freeze_panes == "A2"


def test_importing_the_engine_does_not_load_python_pptx() -> None:
    import subprocess
    import sys

    code = ("import sys, pmo_data.pack, pmo_data.downloads, pmo_data.explore, pmo_data.export_cli; "
            "print('pptx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_every_pptx_chart_has_axis_titles_and_counts_have_whole_steps(db: Database) -> None:
    from pptx import Presentation

    pack = board.build_pack(db, FY, AS_AT)
    charts = [shape.chart for slide in Presentation(io.BytesIO(pack.pptx)).slides
              for shape in slide.shapes if shape.has_chart]
    assert charts
    for ch in charts:
        assert ch.category_axis.has_title and ch.value_axis.has_title
        titles = (ch.category_axis.axis_title.text_frame.text,
                  ch.value_axis.axis_title.text_frame.text)
        assert all(titles), titles
        if "£" not in titles[1]:  # a count: whole-number gridlines
            assert ch.value_axis.major_unit is not None and ch.value_axis.major_unit >= 1
            assert float(ch.value_axis.major_unit).is_integer()
