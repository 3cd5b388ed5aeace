"""The board pack as a 16:9 PowerPoint deck with native, editable charts.

Why this module exists: charts are drawn with ``add_chart`` and ``CategoryChartData``, so the
author can restyle them in the trust template. One small function per slide, registered in
``SLIDES`` (the deck's order and titles); ``render_pptx`` draws them in turn. Drawing helpers
are in ``pmo_data.pack.drawing``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from pmo_data import fmt
from pmo_data.charts.palette import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PURPLE,
    NHS_WARM_YELLOW,
    PREVIOUS_RAG_BARS,
    RAG_COLOURS,
)
from pmo_data.downloads import plain
from pmo_data.pack.benchmarking import NOTE as BENCHMARKING_NOTE
from pmo_data.pack.content import PackContent, icon_kind
from pmo_data.pack.drawing import Deck, chart, rgb, table, text_box
from pmo_data.pack.sections import (
    CHANGE_FILLS,
    EXCEPTIONS_HEADER,
    ICON_TEXT,
    KPI_HEADER,
    SECTION_TITLES,
    STATUS_FILLS,
    benefits_summary,
    changes_header,
    changes_note,
    changes_rows,
    changes_subtitle,
    exception_rows,
    exceptions_summary,
    footer_text,
    month_labels,
    num,
    plan_rows,
    plan_summary,
    plan_years,
    rag_summary,
    scorecard_rows,
    shifts_note,
    spc_note,
    subtitle,
    training_summary,
)

KPI_ROWS_PER_SLIDE = 13
EXCEPTION_ROWS_PER_SLIDE = 9
CHANGE_ROWS_PER_SLIDE = 13
#: Characters of a measure's name in the changes table (its 4.6 in column at 10 pt, one line).
CHANGE_NAME_WIDTH = 56
MAX_CHANGES_SHOWN = 10


@dataclass(frozen=True)
class Slide:
    """A registered slide: its ``SECTION_TITLES`` key and the function drawing it, called
    with the deck, the content and the title."""

    key: str
    draw: Callable[[Deck, PackContent, str], None]


def title_slide(deck: Deck, c: PackContent, title: str) -> None:
    """The trust, the report's name and the period."""
    from pptx.util import Inches

    slide = deck.title_slide()
    slide.shapes.title.text = f"{c.trust}\n{title}"
    for para in slide.shapes.title.text_frame.paragraphs:
        for run in para.runs:
            run.font.name, run.font.bold = "Arial", True
            run.font.color.rgb = rgb(NHS_BLUE)
    slide.shapes.title.left, slide.shapes.title.width = Inches(0.8), Inches(11.7)
    slide.shapes.title.top, slide.shapes.title.height = Inches(1.6), Inches(2.4)
    sub = slide.placeholders[1]
    sub.left, sub.width = Inches(0.8), Inches(11.7)
    sub.top, sub.height = Inches(4.3), Inches(1.0)
    sub.text = subtitle(c)
    if c.logo:
        _place_logo(slide, c.logo, c.trust)


#: The logo's box on the title slide (top right), in inches: it is scaled to fit inside.
LOGO_BOX = (9.8, 0.4, 3.0, 1.2)  # left, top, width, height


def _place_logo(slide: Any, logo: bytes, trust: str) -> None:
    """The trust's logo in ``LOGO_BOX``, aspect ratio kept, right-aligned in the box."""
    import io

    from pptx.util import Inches

    from pmo_data.pack.logo import logo_size

    left, top, box_w, box_h = LOGO_BOX
    width, height = logo_size(logo)
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    picture = slide.shapes.add_picture(io.BytesIO(logo), Inches(left + box_w - w),
                                       Inches(top), Inches(w), Inches(h))
    picture.name = "Trust logo"
    picture._element.nvPicPr.cNvPr.set("descr", f"{trust} logo")  # alt text


def scorecard_slide(deck: Deck, c: PackContent, title: str) -> None:
    """"n of m plan KPIs on track this year" in large type with the year's plan label, and
    each plan KPI's status this year (coloured)."""
    slide = deck.slide(title)
    card = c.scorecard
    big = card.value_text if card else "–"
    text_box(slide, 0.6, 1.4, 4.6, 1.4, [big], size=60, bold=True, colour=NHS_BLUE)
    text_box(slide, 0.6, 2.9, 4.6, 2.4,
             [card.sentence if card else "No five-year plan loaded."], size=16)
    rows = [["Plan KPI", f"Status in {c.fy}"], *scorecard_rows(c)]
    if len(rows) == 1:
        rows.append(["No plan KPIs", ""])
    fills = {(i, 1): STATUS_FILLS[r[1]] for i, r in enumerate(rows[1:], start=1)
             if r[1] in STATUS_FILLS}
    table(slide, [[fmt.shorten(r[0], 70), r[1]] for r in rows], 5.6, 1.3, 7.3, [5.4, 1.9],
          size=11, fills=fills, row_height=0.4)
    text_box(slide, 0.4, 6.45, 12.5, 0.5,
             ["On track: Met, or On track so far (counts against the pro-rata target). No data "
              "counts against; No target and Not judged are left out."], size=11,
             colour=NHS_DARK_GREY)


def summary_slide(deck: Deck, c: PackContent, title: str) -> None:
    """The narrative sentences as bullets."""
    slide = deck.slide(title)
    text_box(slide, 0.6, 1.3, 12.1, 5.6, [s.text for s in c.sentences], size=16, bullets=True)


def changes_slides(deck: Deck, c: PackContent, title: str) -> None:
    """Every figure of the pack at the previous report date and now, the signed change and
    its direction word (better green, worse red), both dates under the title; continued on
    further slides past ``CHANGE_ROWS_PER_SLIDE`` rows, so none is left out."""
    rows = changes_rows(c, name_width=CHANGE_NAME_WIDTH)
    for first in range(0, max(1, len(rows)), CHANGE_ROWS_PER_SLIDE):
        slide = deck.slide(title)
        if first:
            slide.shapes.title.text_frame.paragraphs[0].runs[0].text += " (continued)"
        text_box(slide, 0.4, 1.1, 12.5, 0.4, [changes_subtitle(c)], size=14,
                 colour=NHS_DARK_GREY)
        body = [list(changes_header(c)), *rows[first:first + CHANGE_ROWS_PER_SLIDE]]
        if len(body) == 1:
            body.append(["No figures", "", "", "", ""])
        fills = {(i, 4): CHANGE_FILLS[r[4].lower()] for i, r in enumerate(body[1:], start=1)
                 if r[4].lower() in CHANGE_FILLS}
        table(slide, body, 0.4, 1.55, 12.5, [4.6, 2.1, 2.0, 1.8, 2.0], size=10, fills=fills,
              row_height=0.34)
        text_box(slide, 0.4, 6.35, 12.5, 0.6, [changes_note(c)], size=10, colour=NHS_DARK_GREY)


def kpi_slides(deck: Deck, c: PackContent, title: str) -> None:
    """The KPI table with SPC icons; continued on further slides past
    ``KPI_ROWS_PER_SLIDE`` rows (with ``changes_slides`` and ``exceptions_slides``, the only
    functions that may draw more than one slide)."""
    from pmo_data.charts.spc import ICONS

    kpi_rows = list(c.kpis.itertuples())
    for first in range(0, max(1, len(kpi_rows)), KPI_ROWS_PER_SLIDE):
        slide = deck.slide(title)
        if first:
            slide.shapes.title.text_frame.paragraphs[0].runs[0].text += " (continued)"
        body: list[list[str]] = [list(KPI_HEADER)]
        fills: dict[tuple[int, int], tuple[str, str]] = {}
        for i, r in enumerate(kpi_rows[first:first + KPI_ROWS_PER_SLIDE], start=1):
            variation, assurance = icon_kind(r.variation_icon), icon_kind(r.assurance_icon)
            data_to = plain(r.data_to)
            body.append([r.metric, r.latest, r.target_text, r.previous_text,
                         ICON_TEXT.get(variation or "", "–"), ICON_TEXT.get(assurance or "", "–"),
                         f"{fmt.day(data_to)}" if data_to else "no data"])
            for j, kind in ((4, variation), (5, assurance)):
                if kind in ICONS:
                    fills[(i, j)] = (ICONS[kind].colour, ICONS[kind].text_colour)
        table(slide, body, 0.4, 1.15, 12.5, [3.4, 1.0, 2.8, 1.0, 1.7, 1.5, 1.1], size=10,
              fills=fills, row_height=0.36)
        text_box(slide, 0.4, 6.55, 12.5, 0.4, [spc_note()], size=10, colour=NHS_DARK_GREY)


def portfolio_slide(deck: Deck, c: PackContent, title: str) -> None:
    """RAG counts now and at the previous report date (bars in RAG colours), and the changes."""
    slide = deck.slide(title)
    frame = chart(slide, "column", list(c.rag["rag"]),
                  [(f"Previous ({fmt.day(c.previous_date)})", list(c.rag["previous"])),
                   (f"Now ({fmt.day(c.at)})", list(c.rag["now"]))],
                  0.4, 1.2, 6.6, 5.2, colours=(PREVIOUS_RAG_BARS, NHS_BLUE),
                  x_title="Latest overall RAG", y_title="Active projects", whole=True,
                  alt=rag_summary(c))
    now_series = frame.chart.plots[0].series[1]
    for i, rag in enumerate(c.rag["rag"]):
        point = now_series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(RAG_COLOURS.get(rag, NHS_BLUE))
    rows = [["Project", "From", "To", "Date"]]
    for r in c.rag_changes.head(MAX_CHANGES_SHOWN).itertuples():
        rows.append([fmt.shorten(f"{r.project_id} {r.project_name or ''}".strip(), 38),
                     r.from_rag,
                     r.to_rag, f"{fmt.day(pd.Timestamp(r.to_date).date())}"])
    if len(rows) == 1:
        rows.append(["No RAG changes in the month", "", "", ""])
    table(slide, rows, 7.2, 1.2, 5.7, [2.5, 1.0, 1.0, 1.2], size=10)
    text_box(slide, 0.4, 6.45, 12.5, 0.5, [rag_summary(c)], size=11, colour=NHS_DARK_GREY)


def exceptions_slides(deck: Deck, c: PackContent, title: str) -> None:
    """Every Red and Amber/Red project, worst first: reason, slippage, SRO, days since its
    report, change since the previous report (RAG cells coloured); continued on further
    slides past ``EXCEPTION_ROWS_PER_SLIDE`` rows, so none is left out."""
    from pmo_data.charts.portfolio import rag_text_colour

    rows = exception_rows(c, name_width=60, reason_width=110)
    for first in range(0, max(1, len(rows)), EXCEPTION_ROWS_PER_SLIDE):
        slide = deck.slide(title)
        if first:
            slide.shapes.title.text_frame.paragraphs[0].runs[0].text += " (continued)"
        body = [list(EXCEPTIONS_HEADER), *rows[first:first + EXCEPTION_ROWS_PER_SLIDE]]
        if len(body) == 1:
            body.append(["No Red or Amber/Red projects", "", "", "", "", "", ""])
        fills = {(i, 1): (RAG_COLOURS[r[1]], rag_text_colour(r[1]))
                 for i, r in enumerate(body[1:], start=1) if r[1] in RAG_COLOURS}
        table(slide, body, 0.4, 1.15, 12.5, [2.4, 1.0, 4.1, 1.0, 1.6, 0.9, 1.5], size=9,
              fills=fills, row_height=0.5)
        text_box(slide, 0.4, 6.45, 12.5, 0.5, [exceptions_summary(c)], size=11,
                 colour=NHS_DARK_GREY)


def training_slide(deck: Deck, c: PackContent, title: str) -> None:
    """Staff trained this year, cumulative by month, against the pro-rata target."""
    slide = deck.slide(title)
    if c.training.empty:
        text_box(slide, 0.6, 1.4, 12, 1, [training_summary(c)], size=16)
        return
    chart(slide, "line", month_labels(c.training, c.at),
          [("Staff trained (cumulative)", list(c.training["trained_cumulative"])),
           ("Pro-rata target", [num(v) for v in c.training["pro_rata_target"]])],
          0.4, 1.2, 12.5, 5.2, colours=(NHS_BLUE, NHS_WARM_YELLOW),
          x_title="Month", y_title="Staff trained", whole=True,
          label_positions=("below", "above"), alt=training_summary(c))
    text_box(slide, 0.4, 6.45, 12.5, 0.5, [training_summary(c)], size=11, colour=NHS_DARK_GREY)


def plan_slide(deck: Deck, c: PackContent, title: str) -> None:
    """Staff trained per FY against the five-year plan, and every plan KPI's table."""
    slide = deck.slide(title)
    if not c.plan_chart.empty:
        chart(slide, "column", list(c.plan_chart["financial_year"]),
              [("Target", [num(v) for v in c.plan_chart["target"]]),
               ("Actual", [num(v) for v in c.plan_chart["actual"]])],
              0.4, 1.2, 5.6, 5.2, colours=(NHS_MID_GREY, NHS_BLUE),
              title="Staff trained: plan and actual", x_title="Financial year",
              y_title="Staff trained", whole=True, alt=plan_summary(c))
    years = plan_years(c)
    rows = [["KPI", *years], *plan_rows(c, name_width=40)]
    if len(rows) > 1:
        widths = [2.6] + [(6.6 - 2.6) / max(1, len(years))] * len(years)
        table(slide, rows, 6.3, 1.2, 6.6, widths, size=9)
    text_box(slide, 0.4, 6.45, 12.5, 0.5,
             [plan_summary(c) + " Table: target (actual so far) for each year."], size=11,
             colour=NHS_DARK_GREY)


def shifts_slide(deck: Deck, c: PackContent, title: str) -> None:
    """Per shift: projects, RAG of the active ones, benefits and the trend (table), and the
    monthly trend of Red or Amber/Red projects per shift (native line chart)."""
    from pmo_data import shifts

    slide = deck.slide(title)
    view = c.shifts
    if view is None:
        text_box(slide, 0.6, 1.4, 12, 1, ["No shift data."], size=16)
        return
    table(slide, [list(shifts.SUMMARY_HEADER), *shifts.summary_rows(view)], 0.4, 1.15, 12.5,
          [2.3, 1.3, 1.5, 1.6, 1.4, 2.0, 2.4], size=10, row_height=0.36)
    months = sorted({pd.Timestamp(d).date() for d in view.trend["month_end"]})
    alt = ""
    if months:
        series = []
        for shift in view.shifts:
            t = view.trend[view.trend["strategic_shift"] == shift]
            by = {pd.Timestamp(d).date(): int(v) for d, v in zip(
                t["month_end"], t["red_or_amber_red"], strict=True)}
            series.append((shift, [by.get(m, 0) for m in months]))
        finding = "; ".join(f"{name} {values[0]} to {values[-1]}" for name, values in series)
        alt = (f"Active projects Red or Amber/Red per shift at each month end from "
               f"{fmt.month(months[0])} to {fmt.month(months[-1])}: {finding}.")
        chart(slide, "line", [fmt.month(m) for m in months], series, 0.4, 3.25, 12.5, 3.15,
              colours=(NHS_BLUE, NHS_PURPLE, NHS_DARK_GREY, NHS_MID_GREY), x_title="Month end",
              y_title="Active Red or Amber/Red", whole=True, alt=alt)
    text_box(slide, 0.4, 6.45, 12.5, 0.5, [f"{alt} {shifts_note(c)}".strip()], size=10,
             colour=NHS_DARK_GREY)


def benefits_slide(deck: Deck, c: PackContent, title: str) -> None:
    """Cash-releasing benefits planned and realised by service group."""
    slide = deck.slide(title)
    if c.benefits.empty:
        text_box(slide, 0.6, 1.4, 12, 1, [benefits_summary(c)], size=16)
        return
    chart(slide, "bar", list(c.benefits["service_group"]),
          [("Planned (£)", [num(v) for v in c.benefits["planned_gbp"]]),
           ("Realised (£)", [num(v) for v in c.benefits["realised_gbp"]])],
          0.4, 1.2, 12.5, 5.2, number_format='"£"#,##0', colours=(NHS_MID_GREY, NHS_BLUE),
          x_title="Service group", y_title="Cash-releasing benefits (£)",
          alt=benefits_summary(c))
    text_box(slide, 0.4, 6.45, 12.5, 0.5, [benefits_summary(c)], size=11, colour=NHS_DARK_GREY)


def risks_slide(deck: Deck, c: PackContent, title: str) -> None:
    """The top open risks by score."""
    slide = deck.slide(title)
    rows = [["Ref", "Project", "Risk", "Score", "Owner", "Review"]]
    for r in c.risks.itertuples():
        review = plain(r.review_date)
        rows.append([str(r.raid_id), fmt.shorten(str(r.project_name or r.project_id or ""), 30),
                     fmt.shorten(str(r.title or ""), 70), "" if num(r.score) is None else
                     f"{int(num(r.score) or 0)}", str(plain(r.owner) or ""),
                     f"{fmt.day(review)}" if review else ""])
    if len(rows) == 1:
        rows.append(["", "", "No open risks", "", "", ""])
    table(slide, rows, 0.4, 1.2, 12.5, [1.1, 2.6, 5.4, 0.8, 1.4, 1.2], size=10)


def benchmarking_slide(deck: Deck, c: PackContent, title: str) -> None:
    """This trust beside its peers (``pmo_data.pack.benchmarking``): every shared metric's value,
    network median, interquartile range and rank, and the sentence; no slide without peer
    data."""
    b = c.benchmarking
    if b is None:
        return
    slide = deck.slide(title)
    rows = [list(b.table.columns), *[[str(v) for v in r] for r in b.table.itertuples(
        index=False)]]
    table(slide, rows, 0.4, 1.2, 12.5, [3.6, 1.6, 1.8, 2.6, 1.1, 1.8], size=11)
    text_box(slide, 0.4, 6.3, 12.5, 0.6, [f"{b.sentence} {BENCHMARKING_NOTE}"], size=11,
             colour=NHS_DARK_GREY)


def sources_slide(deck: Deck, c: PackContent, title: str) -> None:
    """Each source's file, import date, rows, latest data and caveat."""
    slide = deck.slide(title)
    rows = [["Source", "File", "Imported", "Rows", "Data to", "Caveat"]]
    for r in c.sources.itertuples():
        imported = plain(r.imported)
        data_to = plain(r.data_to)
        rows.append([r.title, str(r.file or "–"),
                     f"{fmt.day(imported)}" if imported else "–", f"{int(r.rows):,}",
                     f"{fmt.day(data_to)}" if data_to else "–", str(r.caveat or "")])
    table(slide, rows, 0.4, 1.2, 12.5, [2.0, 2.6, 1.3, 0.8, 1.3, 4.5], size=9)


#: Every slide of the deck, in order: the one registry (keys are ``SECTION_TITLES`` keys).
SLIDES: tuple[Slide, ...] = (
    Slide("title", title_slide),
    Slide("scorecard", scorecard_slide),
    Slide("summary", summary_slide),
    Slide("changes", changes_slides),
    Slide("kpis", kpi_slides),
    Slide("portfolio", portfolio_slide),
    Slide("exceptions", exceptions_slides),
    Slide("training", training_slide),
    Slide("plan", plan_slide),
    Slide("shifts", shifts_slide),
    Slide("benefits", benefits_slide),
    Slide("risks", risks_slide),
    Slide("benchmarking", benchmarking_slide),
    Slide("sources", sources_slide),
)


def render_pptx(c: PackContent) -> bytes:
    """The pack as a PowerPoint deck: each slide of ``SLIDES`` in turn, dated the as-at date
    (document properties too), so the same content gives the same bytes."""
    stamp = datetime.combine(c.as_at, datetime.min.time())
    deck = Deck(title=f"{c.trust} {SECTION_TITLES['title']} {c.fy}", author=f"{c.trust} PMO",
                stamp=stamp, footer=footer_text(c))
    for slide in SLIDES:
        slide.draw(deck, c, SECTION_TITLES[slide.key])
    return deck.save()
