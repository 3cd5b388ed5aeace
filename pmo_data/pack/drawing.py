"""PowerPoint drawing helpers for the board pack's slides: a deck, text boxes, tables, charts.

Why this module exists: every slide draws with the same few shapes in the same house style
(Arial, NHS colours, numbered footer), so slide functions in ``pmo_data.pack.pptx`` stay a few
lines each. python-pptx is imported inside the functions, so importing the engine does not
load it. Positions and sizes are in inches on a 13.333 x 7.5 in (16:9) slide.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pmo_data.charts.palette import (
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    NHS_WARM_YELLOW,
    NHS_WHITE,
)
from pmo_data.downloads import fixed_zip


def rgb(hex_colour: str) -> Any:
    """A python-pptx colour from ``#005EB8``."""
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class Deck:
    """A 16:9 presentation being drawn: its slides carry ``footer`` and a page number.

    Mutable while the slides are added (the page count); ``save`` returns repeatable bytes
    (every date is ``stamp``).
    """

    def __init__(self, *, title: str, author: str, stamp: datetime, footer: str) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.stamp = stamp
        self.footer = footer
        self.pages = 0  # slides with a footer so far (the title slide has none)
        props = self.prs.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.created = stamp
        props.modified = stamp
        props.revision = 1

    def title_slide(self) -> Any:
        """A slide of the "Title Slide" layout (title and subtitle placeholders)."""
        return self.prs.slides.add_slide(self.prs.slide_layouts[0])

    def slide(self, title: str) -> Any:
        """A "Title Only" slide with ``title`` in the house style, the footer and page number
        (the title slide is page 1)."""
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # "Title Only"
        shape = slide.shapes.title
        shape.left, shape.top = Inches(0.5), Inches(0.3)
        shape.width, shape.height = Inches(12.3), Inches(0.9)
        shape.text = title
        para = shape.text_frame.paragraphs[0]
        para.alignment = 1  # left
        for run in para.runs:
            run.font.size, run.font.bold, run.font.name = Pt(28), True, "Arial"
            run.font.color.rgb = rgb(NHS_BLUE)
        self.pages += 1
        text_box(slide, 0.5, 7.0, 11.0, 0.35, [self.footer], size=10, colour=NHS_DARK_GREY)
        text_box(slide, 12.2, 7.0, 0.8, 0.35, [str(self.pages + 1)], size=10,
                 colour=NHS_DARK_GREY)
        return slide

    def save(self) -> bytes:
        """The deck's bytes, dated ``stamp`` throughout (same content, same bytes)."""
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return fixed_zip(buffer.getvalue(), self.stamp)


def text_box(slide: Any, left: float, top: float, width: float, height: float,
             lines: Sequence[str], size: int = 14, colour: str = "#231F20",
             bold: bool = False, bullets: bool = False) -> Any:
    """A word-wrapped text box, one paragraph per line (Arial, ``size`` pt)."""
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = ("•  " if bullets else "") + line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = "Arial"
        run.font.color.rgb = rgb(colour)
        para.space_after = Pt(8 if bullets else 2)
    return box


def table(slide: Any, frame: Sequence[Sequence[str]], left: float, top: float,
          width: float, col_widths: Sequence[float], size: int = 11,
          fills: Mapping[tuple[int, int], tuple[str, str]] | None = None,
          row_height: float = 0.3) -> Any:
    """A table whose first row is the header (dark blue), banded rows; ``fills`` colours
    single cells (row, column) -> (background, text)."""
    from pptx.util import Inches, Pt

    rows, cols = len(frame), len(frame[0])
    shape = slide.shapes.add_table(rows, cols, Inches(left), Inches(top), Inches(width),
                                   Inches(0.3 * rows))
    tbl = shape.table
    for j, w in enumerate(col_widths):
        tbl.columns[j].width = Inches(w)
    for i in range(rows):
        tbl.rows[i].height = Inches(row_height)
    for i, row in enumerate(frame):
        for j, value in enumerate(row):
            cell = tbl.cell(i, j)
            cell.text = str(value)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.margin_left = cell.margin_right = Inches(0.06)
            para = cell.text_frame.paragraphs[0]
            for run in para.runs:
                run.font.size = Pt(size)
                run.font.name = "Arial"
                run.font.bold = i == 0
                if i == 0:
                    run.font.color.rgb = rgb(NHS_WHITE)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(NHS_DARK_BLUE if i == 0 else
                                           NHS_WHITE if i % 2 else NHS_PALE_GREY)
            if fills and (i, j) in fills:
                back, fore = fills[(i, j)]
                cell.fill.fore_color.rgb = rgb(back)
                for run in para.runs:
                    run.font.color.rgb = rgb(fore)
                    run.font.bold = True
    return shape


def whole_step(top: float, ticks: int = 6) -> float:
    """A whole-number axis step giving about ``ticks`` gridlines up to ``top``: 1, 2, 5,
    10, 20, 50 ... (never below 1, so a count axis never shows 0.5)."""
    step = 1.0
    while top / step > ticks:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step *= factor
            if top / step <= ticks:
                break
    return step


def chart(slide: Any, kind: str, categories: Sequence[str],
          series: Sequence[tuple[str, Sequence[float | None]]], left: float, top: float,
          width: float, height: float, number_format: str = "#,##0",
          colours: Sequence[str] = (NHS_BLUE, NHS_MID_GREY, NHS_WARM_YELLOW),
          title: str = "", x_title: str = "", y_title: str = "", whole: bool = False,
          label_positions: Sequence[str | None] = ()) -> Any:
    """A native, editable chart: ``kind`` "column", "bar" (first category at the top) or
    "line" (with markers); legend on top, data labels in ``number_format``.

    ``x_title``/``y_title`` name the category and value axes (every chart has both);
    ``whole`` (counts) keeps the value axis on whole numbers (a step of at least 1);
    ``label_positions`` places each series' data labels ("above", "below", None: default),
    so two lines' labels do not sit on each other."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    chart_type = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
                  "line": XL_CHART_TYPE.LINE_MARKERS}[kind]
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series:
        data.add_series(name, [None if v is None else float(v) for v in values])
    frame = slide.shapes.add_chart(chart_type, Inches(left), Inches(top), Inches(width),
                                   Inches(height), data)
    ch = frame.chart
    ch.has_legend = True
    ch.legend.position = XL_LEGEND_POSITION.TOP
    ch.legend.include_in_layout = False
    ch.font.size = Pt(12)
    ch.font.name = "Arial"
    if title:
        ch.has_title = True
        ch.chart_title.text_frame.text = title
        for run in ch.chart_title.text_frame.paragraphs[0].runs:
            run.font.size = Pt(14)
            run.font.bold = True
    if kind in ("bar", "column"):
        ch.value_axis.minimum_scale = 0
        ch.value_axis.tick_labels.number_format = number_format
        ch.value_axis.tick_labels.number_format_is_linked = False
    if kind == "bar":
        ch.category_axis.reverse_order = True  # first category at the top, as in the table
    for axis, text in ((ch.category_axis, x_title), (ch.value_axis, y_title)):
        if text:
            axis.has_title = True
            axis.axis_title.text_frame.text = text
            for run in axis.axis_title.text_frame.paragraphs[0].runs:
                run.font.size = Pt(11)
                run.font.bold = False
    if whole:
        top_value = max((float(v) for _, vs in series for v in vs if v is not None),
                        default=0.0)
        ch.value_axis.minimum_scale = 0
        ch.value_axis.major_unit = whole_step(top_value)
    plot = ch.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = number_format
    plot.data_labels.number_format_is_linked = False
    from pptx.enum.chart import XL_LABEL_POSITION

    where = {"above": XL_LABEL_POSITION.ABOVE, "below": XL_LABEL_POSITION.BELOW}
    for s, position in zip(plot.series, label_positions, strict=False):
        if position:
            s.data_labels.show_value = True
            s.data_labels.position = where[position]
            s.data_labels.number_format = number_format
            s.data_labels.number_format_is_linked = False
    for s, colour in zip(plot.series, colours, strict=False):
        fmt = s.format
        if kind == "line":
            fmt.line.color.rgb = rgb(colour)
            fmt.line.width = Pt(2.5)
            s.smooth = False
        else:
            fmt.fill.solid()
            fmt.fill.fore_color.rgb = rgb(colour)
    return frame
