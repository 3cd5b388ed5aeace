"""The board pack's registries are the only lists of what it contains: each slide of the deck
comes from one ``SLIDES`` entry, each HTML section from one ``SECTIONS`` entry, each sentence
from one ``SENTENCES`` entry (with its label), each data sheet from one ``SHEETS`` entry; adding
an entry is all it takes to add a slide, sentence or sheet. Fixture: test_export's trust."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from test_export import AS_AT, FY, pack_database

from pmo_data.db import Database
from pmo_data.pack import build_pack, narrative, pack_content
from pmo_data.pack import html as pack_html
from pmo_data.pack import pptx as pack_pptx
from pmo_data.pack import xlsx as pack_xlsx
from pmo_data.pack.drawing import Deck, text_box
from pmo_data.pack.narrative import SENTENCES, Sentence, Topic
from pmo_data.pack.sections import SECTION_TITLES


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with Database(pack_database(tmp_path_factory.mktemp("reg") / "pmo.duckdb")) as handle:
        yield handle


def _titles(data: bytes) -> list[str]:
    return [s.shapes.title.text for s in Presentation(io.BytesIO(data)).slides]


def test_each_registered_slide_function_draws_its_slides_in_order(db: Database) -> None:
    c = pack_content(db, FY, AS_AT)
    assert len(c.kpis) <= pack_pptx.KPI_ROWS_PER_SLIDE  # the KPI table fits one slide here
    # the changes table does not: 11 measures, 5 RAG counts and the exceptions at 13 a slide
    per = pack_pptx.CHANGE_ROWS_PER_SLIDE
    pages = {"changes": -(-len(c.changes) // per)}
    assert pages["changes"] == 2
    # benchmarking draws nothing without peer data (tests/test_pack_benchmarking.py has peers)
    assert c.benchmarking is None
    pages["benchmarking"] = 0
    deck = Deck(title="t", author="a", stamp=datetime(2025, 11, 21), footer="f")
    for slide in pack_pptx.SLIDES:
        first = len(deck.prs.slides)
        slide.draw(deck, c, SECTION_TITLES[slide.key])
        assert len(deck.prs.slides) == first + pages.get(slide.key, 1), slide.key
        if not pages.get(slide.key, 1):
            continue
        drawn = [s.shapes.title.text for s in list(deck.prs.slides)[first:]]
        title = SECTION_TITLES[slide.key]
        assert drawn == ([title] + [f"{title} (continued)"] * (len(drawn) - 1) if first else
                         [f"{c.trust}\n{SECTION_TITLES['title']}"])
    assert [s.key for s in pack_pptx.SLIDES] == list(SECTION_TITLES)
    keys = [s.key for s in pack_pptx.SLIDES]
    assert keys.index("changes") == keys.index("summary") + 1  # right after the summary
    assert _titles(build_pack(db, FY, AS_AT).pptx) == [
        s.shapes.title.text for s in deck.prs.slides]


def test_html_sections_follow_their_registry(db: Database) -> None:
    html = build_pack(db, FY, AS_AT).html.decode()
    keys = [s.key for s in pack_html.SECTIONS]
    assert keys == list(SECTION_TITLES)[1:]  # the title page comes first, then these
    shown = [k for k in keys if k != "benchmarking"]  # no peer data here: no section
    assert '<section id="benchmarking">' not in html
    at = [html.index(f'<section id="{k}"><h2>{SECTION_TITLES[k]}</h2>') for k in shown]
    assert at == sorted(at) and html.count("<section") == len(shown) + 1


def test_what_changed_is_a_slide_a_section_and_a_sheet_of_one_frame(db: Database) -> None:
    c = pack_content(db, FY, AS_AT)
    sections = [s.key for s in pack_html.SECTIONS]
    assert sections.index("changes") == sections.index("summary") + 1
    sheets = [s.name for s in pack_xlsx.SHEETS]
    assert sheets.index("What changed") == sheets.index("Summary") + 1
    pack = build_pack(db, FY, AS_AT)
    sheet = pd.read_excel(io.BytesIO(pack.xlsx), sheet_name="What changed", engine="openpyxl")
    assert list(sheet["now_text"]) == list(c.changes["now_text"])
    # every table cell on the slides is a cell of the frame, in its order
    cells = []
    for slide in Presentation(io.BytesIO(pack.pptx)).slides:
        if slide.shapes.title.text.startswith(SECTION_TITLES["changes"]):
            (shape,) = [sh for sh in slide.shapes if sh.has_table]
            cells += [[c.text for c in row.cells] for row in list(shape.table.rows)[1:]]
    assert [r[1:4] for r in cells] == [list(r) for r in c.changes[
        ["then_text", "now_text", "change_text"]].itertuples(index=False)]
    html = pack.html.decode()
    section = html[html.index('<section id="changes">'):]
    assert all(f"<td>{m}</td>" in section[:section.index("</section>")]
               for m in c.changes["measure"])


def test_each_sentence_key_has_one_label_and_the_narrative_keeps_registry_order(
        db: Database) -> None:
    keys = [t.key for t in SENTENCES]
    assert len(keys) == len(set(keys))
    assert all(t.label.strip() and t.label != t.key for t in SENTENCES)
    sentences = narrative(db, FY, AS_AT)
    assert [s.key for s in sentences] == [k for k in keys if k in {s.key for s in sentences}]
    assert {s.key: s.label for s in sentences}["training"] == "Training reach"
    assert Sentence("note3", "x").label == "Note3"  # an author's extra sentence


def test_adding_an_entry_adds_a_sentence_a_slide_and_a_sheet(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # the module (``pmo_data.pack.narrative`` is the function the package re-exports)
    module = importlib.import_module("pmo_data.pack.narrative")
    monkeypatch.setattr(module, "SENTENCES", (*SENTENCES, Topic(
        "extra", "Extra measure", lambda c: f"Extra for {c.fy}.")))
    assert narrative(db, FY, AS_AT)[-1] == Sentence("extra", "Extra for 2025/26.")
    assert narrative(db, FY, AS_AT)[-1].label == "Extra measure"

    def extra_slide(deck: Deck, c: object, title: str) -> None:
        text_box(deck.slide(title), 1, 1, 5, 1, ["extra"])

    monkeypatch.setitem(SECTION_TITLES, "extra", "Extra slide")
    monkeypatch.setattr(pack_pptx, "SLIDES", (*pack_pptx.SLIDES,
                                              pack_pptx.Slide("extra", extra_slide)))
    monkeypatch.setattr(pack_xlsx, "SHEETS", (*pack_xlsx.SHEETS, pack_xlsx.Sheet(
        "Extra", "One more sheet.", lambda c: pd.DataFrame({"n": [1]}))))
    pack = build_pack(db, FY, AS_AT)
    assert _titles(pack.pptx)[-1] == "Extra slide"
    assert pack.sentences[-1].key == "extra"
    wb = load_workbook(io.BytesIO(pack.xlsx))
    assert wb.sheetnames[-1] == "Extra" and wb["Extra"]["A2"].value == 1
    readme = [(r[1], r[2]) for r in wb["README"].iter_rows(min_row=2, values_only=True)]
    assert ("Extra", "One more sheet.") in readme
