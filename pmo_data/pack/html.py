"""The board pack as one self-contained, printable HTML page.

Why this module exists: a board paper is often read in a browser or printed; this file needs
nothing else (inline SVG charts, inline CSS, no scripts, no links outside it) and has a page
break per section. Every text is escaped. One small function per section, registered in
``SECTIONS`` (the page's order); ``render_html`` writes them in turn.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from pmo_data import fmt
from pmo_data.charts.board import SvgSeries, bar_chart, line_chart
from pmo_data.charts.palette import (
    NHS_BLUE,
    NHS_MID_GREY,
    NHS_WARM_YELLOW,
    PREVIOUS_RAG_BARS,
    RAG_COLOURS,
)
from pmo_data.downloads import plain
from pmo_data.pack.benchmarking import NOTE as BENCHMARKING_NOTE
from pmo_data.pack.content import PackContent, icon_kind
from pmo_data.pack.formats import fmt_date
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

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#231F20;margin:0;background:#E8EDEE}
main{max-width:1100px;margin:0 auto}
section{background:#fff;margin:16px;padding:24px 32px;break-after:page;page-break-after:always}
section:last-child{break-after:auto;page-break-after:auto}
h1{color:#005EB8;font-size:32px;margin:0 0 8px}
img.logo{float:right;max-width:240px;max-height:96px;margin:0 0 12px 24px}
h2{color:#005EB8;font-size:24px;margin:0 0 12px;border-bottom:3px solid #005EB8;padding-bottom:4px}
p.sub{font-size:18px;color:#425563}
p.big{font-size:48px;font-weight:700;color:#005EB8;margin:0}
p.note,figcaption{font-size:13px;color:#425563}
ul.summary li{font-size:17px;margin:0 0 10px;line-height:1.4}
table{border-collapse:collapse;width:100%;font-size:13px}
th{background:#003087;color:#fff;text-align:left;padding:6px}
td{padding:5px 6px;border-bottom:1px solid #E8EDEE;vertical-align:top}
td.num{text-align:right}
.icon{display:inline-flex;align-items:center;gap:6px}
.cols{display:flex;gap:24px;align-items:flex-start}
.cols>*{flex:1}
#risks td:first-child{white-space:nowrap}
footer{font-size:12px;color:#425563;margin-top:16px}
@page{size:A4 landscape;margin:12mm}
@media print{body{background:#fff}section{margin:0;padding:0 0 8mm}main{max-width:none}}
"""


@dataclass(frozen=True)
class Section:
    """A registered section: its ``SECTION_TITLES`` key and the function writing its body
    (the HTML between the heading and the footer)."""

    key: str
    #: None: the section has nothing to show for this pack and is left out (benchmarking
    #: without peer data).
    body: Callable[[PackContent], str | None]


def _td(value: Any, numeric: bool = False) -> str:
    text = "" if value is None else str(value)
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _table_html(header: Sequence[str], rows: Sequence[Sequence[str]],
                num_cols: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(v, j in num_cols) for j, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _icon_html(kind: str | None) -> str:
    kind = icon_kind(kind)
    if not kind:
        return "–"
    from pmo_data.charts.spc import spc_icon_svg

    svg = spc_icon_svg(kind, size=22).replace(' xmlns="http://www.w3.org/2000/svg"', "")
    return f'<span class="icon">{svg}{escape(ICON_TEXT.get(kind, kind))}</span>'


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def scorecard_section(c: PackContent) -> str:
    """"n of m plan KPIs on track this year" with the plan label, and each KPI's status."""
    card = c.scorecard
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td style=\"background:"
        f"{STATUS_FILLS.get(status, ('#FFFFFF', ''))[0]}\">{escape(status)}</td></tr>"
        for name, status in scorecard_rows(c))
    head = f"<th>Plan KPI</th><th>Status in {escape(c.fy)}</th>"
    return (f'<p class="big">{escape(card.value_text if card else "–")}</p>'
            f"<p>{escape(card.sentence if card else 'No five-year plan loaded.')}</p>"
            + (f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
               if rows else ""))


def summary_section(c: PackContent) -> str:
    """The narrative sentences as a list."""
    return ('<ul class="summary">' + "".join(f"<li>{escape(s.text)}</li>" for s in c.sentences)
            + "</ul>")


def changes_section(c: PackContent) -> str:
    """Every figure at the previous report date and now, the change and its direction word
    (better and worse tinted; the word carries the meaning), whole names."""
    rows = []
    for r in changes_rows(c):
        back = CHANGE_FILLS.get(r[4].lower(), ("", ""))[0]
        style = f' style="background:{back}"' if back else ""
        rows.append("<tr>" + _td(r[0]) + "".join(_td(v, True) for v in r[1:4])
                    + f"<td{style}>{escape(r[4])}</td></tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in changes_header(c))
    table_html = (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
                  "</table>" if rows else "<p>No figures.</p>")
    return (f'<p class="sub">{escape(changes_subtitle(c))}</p>{table_html}'
            f'<p class="note">{escape(changes_note(c))}</p>')


def kpi_section(c: PackContent) -> str:
    """The KPI table with SPC icons (inline SVG)."""
    kpi_rows = []
    for r in c.kpis.itertuples():
        data_to = plain(r.data_to)
        kpi_rows.append("<tr>" + _td(r.metric) + _td(r.latest, True) + _td(r.target_text)
                        + _td(r.previous_text, True) + f"<td>{_icon_html(r.variation_icon)}</td>"
                        + f"<td>{_icon_html(r.assurance_icon)}</td>"
                        + _td(fmt_date(data_to) if data_to else "no data") + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in KPI_HEADER)
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(kpi_rows)}</tbody></table>"
            f'<p class="note">{spc_note()}</p>')


def portfolio_section(c: PackContent) -> str:
    """RAG counts now and at the previous report date, and every change in between."""
    svg = bar_chart(
        list(c.rag["rag"]),
        [SvgSeries(f"Previous ({fmt.day(c.previous_date)})",
                   tuple(num(v) for v in c.rag["previous"]), PREVIOUS_RAG_BARS),
         SvgSeries(f"Now ({fmt.day(c.at)})", tuple(num(v) for v in c.rag["now"]), NHS_BLUE,
                   tuple(RAG_COLOURS.get(r, NHS_BLUE) for r in c.rag["rag"]))],
        title="Active projects by latest overall RAG", description=rag_summary(c))
    changes = [[f"{r.project_id} {r.project_name or ''}".strip(), r.from_rag, r.to_rag,
                f"{fmt.day(pd.Timestamp(r.to_date))}", r.direction]
               for r in c.rag_changes.itertuples()]
    return _figure(svg, rag_summary(c)) + (
        _table_html(["Project", "From", "To", "Report date", "Change"], changes)
        if changes else "<p>No RAG changes in the month.</p>")


def exceptions_section(c: PackContent) -> str:
    """Every Red and Amber/Red project, worst first, with reason, slippage, SRO, days since
    its report and change since the previous report (whole texts)."""
    rows = exception_rows(c)
    if not rows:
        return f"<p>{escape(exceptions_summary(c))}</p>"
    return (_table_html(EXCEPTIONS_HEADER, rows, num_cols=(3, 5))
            + f'<p class="note">{escape(exceptions_summary(c))}</p>')


def training_section(c: PackContent) -> str:
    """Staff trained this year, cumulative by month, against the pro-rata target."""
    if c.training.empty:
        return f"<p>{escape(training_summary(c))}</p>"
    svg = line_chart(
        month_labels(c.training, c.at),
        [SvgSeries("Staff trained (cumulative)",
                   tuple(num(v) for v in c.training["trained_cumulative"]), NHS_BLUE),
         SvgSeries("Pro-rata target", tuple(num(v) for v in c.training["pro_rata_target"]),
                   NHS_WARM_YELLOW)],
        title="Staff trained this year", description=training_summary(c),
        dashed=("Pro-rata target",))
    return _figure(svg, training_summary(c))


def plan_section(c: PackContent) -> str:
    """Staff trained per FY against the five-year plan, and every plan KPI's table."""
    rows = plan_rows(c)
    svg = bar_chart(
        list(c.plan_chart["financial_year"]),
        [SvgSeries("Target", tuple(num(v) for v in c.plan_chart["target"]), NHS_MID_GREY),
         SvgSeries("Actual", tuple(num(v) for v in c.plan_chart["actual"]), NHS_BLUE)],
        title="Staff trained: plan and actual", description=plan_summary(c), height=300,
    ) if not c.plan_chart.empty else ""
    return (_figure(svg, plan_summary(c))
            + (_table_html(["KPI", *plan_years(c)], rows) if rows else "")
            + '<p class="note">Each cell: target (actual so far).</p>')


def shifts_section(c: PackContent) -> str:
    """Per shift: projects, RAG of the active ones, benefits and the trend."""
    from pmo_data import shifts

    if c.shifts is None:
        return "<p>No shift data.</p>"
    return (_table_html(shifts.SUMMARY_HEADER, shifts.summary_rows(c.shifts))
            + f'<p class="note">{escape(shifts_note(c))}</p>')


def benefits_section(c: PackContent) -> str:
    """Cash-releasing benefits planned and realised by service group."""
    if c.benefits.empty:
        return f"<p>{escape(benefits_summary(c))}</p>"
    svg = bar_chart(
        list(c.benefits["service_group"]),
        [SvgSeries("Planned", tuple(num(v) for v in c.benefits["planned_gbp"]), NHS_MID_GREY),
         SvgSeries("Realised", tuple(num(v) for v in c.benefits["realised_gbp"]), NHS_BLUE)],
        title="Cash-releasing benefits by service group", description=benefits_summary(c),
        unit="£")
    return _figure(svg, benefits_summary(c))


def risks_section(c: PackContent) -> str:
    """The top open risks by score, with mitigations."""
    rows = [[r.raid_id, r.project_name or r.project_id or "", r.title or "",
             "" if num(r.score) is None else str(int(num(r.score) or 0)),
             plain(r.owner) or "",
             fmt_date(plain(r.review_date)) if plain(r.review_date) else "",
             plain(r.mitigation) or ""] for r in c.risks.itertuples()]
    if not rows:
        return "<p>No open risks.</p>"
    return _table_html(["Ref", "Project", "Risk", "Score", "Owner", "Review", "Mitigation"],
                       rows, num_cols=(3,))


def benchmarking_section(c: PackContent) -> str | None:
    """This trust beside its peers (the slide's table and sentence); None (no section)
    without peer data."""
    b = c.benchmarking
    if b is None:
        return None
    rows = [[str(v) for v in r] for r in b.table.itertuples(index=False)]
    return (_table_html(list(b.table.columns), rows, num_cols=(1, 2, 4))
            + f'<p class="note">{escape(b.sentence)} {escape(BENCHMARKING_NOTE)}</p>')


def sources_section(c: PackContent) -> str:
    """Each source's file, import time, rows, latest data and caveat; the caveats listed."""
    rows = [[r.title, r.file or "–",
             (f"{fmt.day(plain(r.imported))} {plain(r.imported):%H:%M}"
              if plain(r.imported) else "–"),
             f"{int(r.rows):,}",
             fmt_date(plain(r.data_to)) if plain(r.data_to) else "–", r.caveat or ""]
            for r in c.sources.itertuples()]
    caveats = ("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in c.caveats) + "</ul>"
               if c.caveats else "<p>No caveats: every source is fresh and complete.</p>")
    return (_table_html(["Source", "File", "Imported", "Rows", "Data to", "Caveat"], rows,
                        num_cols=(3,)) + "<h3>Caveats</h3>" + caveats)


#: The sections after the title, in order: the one registry (keys are ``SECTION_TITLES``).
SECTIONS: tuple[Section, ...] = (
    Section("scorecard", scorecard_section),
    Section("summary", summary_section),
    Section("changes", changes_section),
    Section("kpis", kpi_section),
    Section("portfolio", portfolio_section),
    Section("exceptions", exceptions_section),
    Section("training", training_section),
    Section("plan", plan_section),
    Section("shifts", shifts_section),
    Section("benefits", benefits_section),
    Section("risks", risks_section),
    Section("benchmarking", benchmarking_section),
    Section("sources", sources_section),
)


def render_html(c: PackContent) -> str:
    """The pack as one self-contained, printable HTML page: the title, then each section of
    ``SECTIONS`` with its heading and the footer (every text escaped)."""
    footer = f"<footer>{escape(footer_text(c))}</footer>"
    logo = (f'<img class="logo" src="data:image/png;base64,'
            f'{base64.b64encode(c.logo).decode("ascii")}" alt="{escape(c.trust)} logo">'
            if c.logo else "")
    parts = [f'<section id="title">{logo}<h1>{escape(c.trust)}</h1>'
             f"<h1>{escape(SECTION_TITLES['title'])}</h1>"
             f'<p class="sub">{escape(subtitle(c))}</p>{footer}</section>']
    for section in SECTIONS:
        body = section.body(c)
        if body is None:
            continue
        parts.append(f'<section id="{section.key}"><h2>{escape(SECTION_TITLES[section.key])}'
                     f"</h2>{body}{footer}</section>")
    title = f"{c.trust} PMO board report {c.fy} as at {fmt_date(c.as_at)}"
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")
