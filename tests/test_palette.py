"""Contrast of every text colour the dashboard uses on the background it is written on
(WCAG 2.2 AA: 4.5:1 for text), and of the RAG and SPC fills that carry words."""

from __future__ import annotations

import re

import pytest

from pmo_data.charts import palette as p
from pmo_data.charts.governance import RISK_BANDS
from pmo_data.charts.plan import LEVEL_COLOURS, TABLE_CSS, _text_colour
from pmo_data.charts.portfolio import rag_cell_css, rag_text_colour
from pmo_data.charts.spc import ICONS
from pmo_data.pack.html import _CSS as REPORT_CSS

AA = 4.5


def test_contrast_ratio_known_values() -> None:
    assert p.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert p.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert p.contrast_ratio(p.NHS_BLUE, p.NHS_WHITE) == pytest.approx(6.38, abs=0.01)
    assert p.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("text, background", [
    (p.FONT["color"], p.NHS_WHITE),  # chart titles, axes, labels on the white plot
    (p.NHS_DARK_GREY, p.NHS_WHITE),  # chart notes and annotations, captions
    (p.CAPTION_TEXT, p.NHS_WHITE),
    (p.CAPTION_TEXT, p.NHS_PALE_GREY),
    (p.NHS_BLUE, p.NHS_WHITE),  # links, headings
    (p.NHS_BLUE, p.NHS_PALE_GREY),  # report headings on the report's grey
    (p.NHS_WHITE, p.NHS_BLUE),  # table headers
    (p.NHS_WHITE, p.NHS_DARK_BLUE),
    (p.NHS_DARK_BLUE, p.NHS_WHITE),  # training chart annotation
])
def test_text_colours_on_their_backgrounds_meet_aa(text: str, background: str) -> None:
    assert p.contrast_ratio(text, background) >= AA


@pytest.mark.parametrize("rag", list(p.RAG_COLOURS))
def test_every_rag_fill_carries_its_word_at_aa(rag: str) -> None:
    """RAG cells, chips and bar labels write the word (or count) on the RAG fill."""
    fill = p.RAG_COLOURS[rag]
    assert p.contrast_ratio(fill, rag_text_colour(rag)) >= AA
    assert rag_cell_css(rag) == f"background-color: {fill}; color: {rag_text_colour(rag)}"


def test_fills_that_carry_text_elsewhere_meet_aa() -> None:
    for _, name, fill, text in RISK_BANDS:  # risk matrix counts
        assert p.contrast_ratio(fill, text) >= AA, name
    for level, fill in LEVEL_COLOURS.items():  # maturity heatmap levels
        assert p.contrast_ratio(fill, _text_colour(fill)) >= AA, level
    for kind, spec in ICONS.items():  # SPC icon letters
        assert p.contrast_ratio(spec.colour, spec.text_colour) >= AA, kind
    # training chart: black inside the pale (year to date) bars, white inside the blue ones
    assert p.contrast_ratio(p.NHS_LIGHT_BLUE, p.NHS_BLACK) >= AA
    assert p.contrast_ratio(p.NHS_BLUE, p.NHS_WHITE) >= AA


def test_text_on_picks_the_better_of_black_and_white() -> None:
    assert p.text_on(p.NHS_WARM_YELLOW) == p.NHS_BLACK
    assert p.text_on(p.NHS_DARK_BLUE) == p.NHS_WHITE
    assert p.text_on(p.NHS_DARK_GREEN) == p.NHS_WHITE


def _css_colours(css: str) -> list[tuple[str, str | None]]:
    """(text colour, background colour or None) of each CSS rule that sets a text colour."""
    out = []
    for body in re.findall(r"\{([^{}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,6})", body)
        if colour:
            back = re.search(r"background(?:-color)?:\s*(#[0-9A-Fa-f]{3,6})", body)
            out.append((colour.group(1), back.group(1) if back else None))
    return out


def _six(colour: str) -> str:
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


@pytest.mark.parametrize("css, page", [(REPORT_CSS, "#FFFFFF"), (TABLE_CSS, "#FFFFFF")])
def test_html_report_and_plan_table_text_meets_aa(css: str, page: str) -> None:
    """Every text colour in the board report's and the plan table's CSS, on its own
    background or else on the white section it sits in (and on the report's pale grey)."""
    pairs = _css_colours(css)
    assert len(pairs) >= 4
    for text, back in pairs:
        for behind in ([back] if back else [page, p.NHS_PALE_GREY]):
            assert p.contrast_ratio(_six(text), _six(behind)) >= AA, (text, behind)


def test_previous_bars_differ_from_every_rag_fill() -> None:
    """The pack's RAG chart draws previous counts beside RAG-coloured current ones: the grey
    of the previous bars must not be a RAG colour (Not reported)."""
    assert p.PREVIOUS_RAG_BARS not in p.RAG_COLOURS.values()
    assert p.contrast_ratio(p.PREVIOUS_RAG_BARS, p.NHS_WHITE) >= 3  # a mark, not text
