"""Charts and tables of the Five-year plan page (plotly, pandas Styler, HTML; no streamlit).

Why this module exists: the plan page shows the KPI grid with coloured statuses, the P3M3
maturity heatmap, one Making Data Count SPC chart per monthly KPI and an integrated-performance-
report (IPR) table with the MDC icons, as NHS trust boards are used to. ``pmo_data.plan``
computes the numbers; this module only draws them. Every figure comes with a one-sentence
summary for screen readers and board papers; every icon carries its meaning as text
(``<title>`` and ``aria-label``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import plotly.graph_objects as go

from pmo_data import fmt
from pmo_data.charts.figure import FigureBuilder, trace
from pmo_data.charts.palette import (
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_PALE_GREY,
    NHS_PURPLE,
    NHS_RED,
    NHS_WHITE,
)
from pmo_data.charts.spc import ICONS, SpcChart, contrast_ratio, spc_figure, spc_icon_svg
from pmo_data.plan import (
    MATURITY_LEVELS,
    STATUS_MET,
    STATUS_NO_DATA,
    STATUS_NO_TARGET,
    STATUS_NOT_JUDGED,
    STATUS_NOT_MET,
    STATUS_NOT_STARTED,
    STATUS_OFF_TRACK,
    STATUS_ON_TRACK,
    TARGET_RULE_TEXT,
    IprRow,
    KpiSpc,
    MaturityGrid,
    PlanGrid,
    format_value,
)
from pmo_data.text import html


@dataclass(frozen=True)
class PlanChart:
    """A figure and its one-sentence text alternative."""

    figure: go.Figure
    summary: str


# --- the KPI grid ----------------------------------------------------------------------------

#: Cell style per status: light tints of NHS green and red behind NHS black text (contrast
#: above 12:1); statuses that are not a judgement in dark grey on white.
STATUS_STYLES: dict[str, str] = {
    STATUS_MET: "background:#CCEAD7;font-weight:600",
    STATUS_ON_TRACK: "background:#E1F2E7",
    STATUS_OFF_TRACK: "background:#F8D4D1",
    STATUS_NOT_MET: "background:#F3BFBA;font-weight:600",
}
_GREY_WORDS = frozenset({STATUS_NOT_STARTED, STATUS_NO_TARGET, STATUS_NO_DATA,
                         STATUS_NOT_JUDGED})


def status_style(status: str) -> str:
    """Inline CSS of a status cell (``STATUS_STYLES``; grey text for non-judgements)."""
    if status in STATUS_STYLES:
        return STATUS_STYLES[status]
    return f"color:{NHS_DARK_GREY}" if status in _GREY_WORDS else ""


#: Shared look of the page's HTML tables (one line: Streamlit's markdown keeps it whole).
TABLE_CSS = (
    "<style>"
    f"table.pmo{{border-collapse:collapse;width:100%;font-family:Arial,Helvetica,sans-serif;"
    f"font-size:13px;color:{NHS_BLACK};margin-bottom:4px}}"
    "div.pmo-scroll{overflow-x:auto}"
    f"table.pmo th{{background:{NHS_BLUE};color:{NHS_WHITE};text-align:left;padding:5px 6px;"
    f"font-weight:600;border:1px solid {NHS_WHITE};vertical-align:bottom}}"
    f"table.pmo th.row{{background:{NHS_WHITE};color:{NHS_BLACK};border:none;"
    f"border-bottom:1px solid {NHS_PALE_GREY};vertical-align:middle;min-width:160px}}"
    f"table.pmo th.now{{background:{NHS_DARK_BLUE}}}"
    "table.pmo th .label{font-weight:400;font-size:12px}"
    "table.pmo .sub{font-size:11px;white-space:nowrap}"
    f"table.pmo td{{border-bottom:1px solid {NHS_PALE_GREY};padding:5px 6px;"
    f"vertical-align:middle}}"
    "table.pmo td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "table.pmo td.icon{text-align:center}"
    f"table.pmo td.none{{color:{NHS_DARK_GREY};text-align:center}}"
    f"table.pmo caption{{caption-side:bottom;text-align:left;padding-top:6px;"
    f"color:{NHS_DARK_GREY};font-size:13px}}"
    "</style>")


def _cell(text: str, cls: str = "", style: str = "", sub: str = "", colspan: str = "",
          **data: str) -> str:
    """A td with escaped text, an optional small second line, and data-* attributes."""
    attrs = "".join(f' data-{k}="{escape(v)}"' for k, v in data.items())
    cls_attr = f' class="{cls}"' if cls else ""
    cls_attr += f' colspan="{colspan}"' if colspan else ""
    style_attr = f' style="{style}"' if style else ""
    second = f"<br><span class='sub'>{escape(sub)}</span>" if sub else ""
    return f"<td{cls_attr}{style_attr}{attrs}>{escape(text)}{second}</td>"


def grid_html(grid: PlanGrid) -> str:
    """The plan grid as an HTML table: one row per KPI; per plan year (headed by the year and
    its plan-year label; the current year darker) the target, the actual (blank when there
    is no data, marked "to date" for the current year) and the status, coloured with its
    word always shown. A year not started has no actual: its status spans both columns.
    Cells carry data-kpi, data-fy and data-part attributes."""
    top = "".join(
        f"<th scope='colgroup' colspan='3'{_now(grid, fy)}>"
        f"{escape(fy)}<br><span class='label'>{escape(label)}</span></th>"
        for fy, label in zip(grid.years, grid.labels, strict=True))
    parts = "".join("<th scope='col'>Target</th><th scope='col'>Actual</th>"
                    "<th scope='col'>Status</th>" for _ in grid.years)
    body = []
    for kpi in grid.kpis:
        cells = []
        for c in kpi.cells:
            actual = format_value(c.actual, kpi.unit, missing="")
            cells.append(_cell(format_value(c.target, kpi.unit, missing=""), "num",
                               kpi=kpi.code, fy=c.fy, part="target"))
            if c.status == STATUS_NOT_STARTED:  # no actual yet: the status spans both
                cells.append(_cell(c.status, "", status_style(c.status), colspan="2",
                                   kpi=kpi.code, fy=c.fy, part="status"))
                continue
            cells += [
                _cell(actual, "num", sub="to date" if actual and c.year_to_date else "",
                      kpi=kpi.code, fy=c.fy, part="actual"),
                _cell(c.status, "", status_style(c.status), kpi=kpi.code, fy=c.fy,
                      part="status"),
            ]
        body.append(f"<tr><th scope='row' class='row'>{escape(kpi.name)}</th>"
                    f"{''.join(cells)}</tr>")
    return (f"{TABLE_CSS}<div class='pmo-scroll'><table class='pmo plan-grid'><thead><tr>"
            f"<th scope='col' rowspan='2'>KPI</th>{top}</tr><tr>{parts}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _now(grid: PlanGrid, fy: str) -> str:
    """The class attribute marking the current year's heading (or nothing)."""
    current = any(c.fy == fy and c.year_to_date for k in grid.kpis for c in k.cells)
    return " class='now'" if current else ""


# --- maturity heatmap ------------------------------------------------------------------------

#: Cell colour per P3M3 level, light to dark (NHS palette).
LEVEL_COLOURS: dict[int, str] = {1: NHS_PALE_GREY, 2: NHS_LIGHT_BLUE, 3: NHS_BLUE,
                                 4: NHS_DARK_BLUE, 5: NHS_PURPLE}


def _text_colour(fill: str) -> str:
    return NHS_BLACK if contrast_ratio(fill, NHS_BLACK) >= contrast_ratio(fill, NHS_WHITE) \
        else NHS_WHITE


def _date(d) -> str:  # noqa: ANN001 - a date
    return fmt.day(d)


def maturity_heatmap(grid: MaturityGrid) -> PlanChart:
    """Perspective (rows) by assessment date (columns), coloured by level 1-5 and annotated
    "level / target"; a red outline marks a cell below its target level; a cell not assessed
    is left blank and says so."""
    fig = FigureBuilder()
    title = "Maturity self-assessment by perspective"
    if not grid.perspectives:
        fig.add_annotation(name="no_data", text="No maturity assessments yet", showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper",
                           font={"size": 15, "color": NHS_DARK_GREY})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        _heat_layout(fig, title, 300)
        return PlanChart(fig.build(), "No maturity self-assessments have been recorded yet.")
    xs = [_date(d) for d in grid.dates]
    ys = list(grid.perspectives)
    scale = []
    for level, colour in LEVEL_COLOURS.items():
        scale += [((level - 1) / 5, colour), (level / 5, colour)]
    hover = [[_hover(p, xs[j], lv, tg) for j, (lv, tg) in enumerate(zip(levels, targets,
                                                                        strict=True))]
             for p, levels, targets in zip(ys, grid.levels, grid.targets, strict=True)]
    fig.add_trace(trace("heatmap",
        z=[list(row) for row in grid.levels], x=xs, y=ys, zmin=0.5, zmax=5.5, colorscale=scale,
        xgap=3, ygap=3, hoverongaps=False, text=hover, hoverinfo="text", name="Maturity",
        colorbar={"title": {"text": "Level"}, "tickvals": list(MATURITY_LEVELS),
                  "ticktext": [f"{k} {v}" for k, v in MATURITY_LEVELS.items()],
                  "thickness": 14}))
    below: list[str] = []
    for i, p in enumerate(ys):
        for j, x in enumerate(xs):
            level, target = grid.levels[i][j], grid.targets[i][j]
            if level is None:
                fig.add_annotation(name="cell", x=x, y=p, text="<i>not assessed</i>",
                                   showarrow=False, font={"size": 11, "color": NHS_DARK_GREY})
                continue
            text = f"<b>{level}</b>" + (f" / {target}" if target is not None else "")
            fig.add_annotation(name="cell", x=x, y=p, text=text, showarrow=False,
                               font={"size": 13, "color": _text_colour(LEVEL_COLOURS[level])})
            if target is not None and level < target:
                fig.add_shape(name="below_target", type="rect", x0=j - 0.46, x1=j + 0.46,
                              y0=i - 0.44, y1=i + 0.44, line={"color": NHS_RED, "width": 3},
                              layer="above")
                if j == len(xs) - 1:
                    below.append(f"{p} ({level} against {target})")
    _heat_layout(fig, title, 120 + 52 * len(ys))
    fig.update_xaxes(type="category", side="bottom", title_text="Assessment date")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    latest = [(p, grid.levels[i][-1], grid.targets[i][-1]) for i, p in enumerate(ys)]
    assessed = [(p, lv, tg) for p, lv, tg in latest if lv is not None]
    judged = [(p, lv, tg) for p, lv, tg in assessed if tg is not None]
    met = sum(1 for _, lv, tg in judged if lv >= tg)
    summary = (f"At the latest assessment ({_date(grid.dates[-1])}), {len(assessed)} of "
               f"{len(ys)} perspectives were assessed")
    if judged:
        summary += (f" and {met} of {len(judged)} with a target "
                    f"{'was' if met == 1 else 'were'} at or above it")
        summary += ("; below target: " + ", ".join(below)) if below else ""
    else:
        summary += ", none with a target level"
    return PlanChart(fig.build(), summary + ".")


def _hover(perspective: str, when: str, level: int | None, target: int | None) -> str:
    perspective = html(perspective)  # from the assessment file
    if level is None:
        return f"{perspective}, {when}: not assessed"
    text = f"{perspective}, {when}<br>Level {level} ({MATURITY_LEVELS.get(level, '')})"
    if target is not None:
        gap = level - target
        where = ("at target" if gap == 0 else f"{-gap} below target" if gap < 0
                 else f"{gap} above target")
        text += f"<br>Target level {target}: {where}"
    return text


def _heat_layout(fig: FigureBuilder, title: str, height: int) -> None:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top",
               "yref": "container", "font": {"size": 17, "color": NHS_BLACK}},
        template="plotly_white", height=max(height, 300),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": NHS_DARK_GREY},
        plot_bgcolor=NHS_WHITE)


# --- SPC chart per KPI -----------------------------------------------------------------------


def kpi_spc_chart(k: KpiSpc, summary_in_figure: bool = False) -> SpcChart:
    """The Making Data Count chart of one KPI (``charts.spc.spc_figure``) with its monthly
    target; the summary is the SPC result's sentence. On a page, which shows the summary as
    a caption under the chart, ``summary_in_figure=False`` drops the figure's own copy of it
    (and the space kept for it)."""
    return spc_figure(k.result, title=k.title, unit=k.unit, target=k.monthly_target,
                      y_title=k.y_title, summary_in_figure=summary_in_figure)


def target_note(k: KpiSpc) -> str:
    """One sentence on where the chart's target comes from."""
    if k.annual_target is None:
        return f"No target: the plan sets none for {k.fy}."
    annual = format_value(k.annual_target, k.unit)
    if k.monthly_target is None:
        return (f"Annual target {annual} for {k.fy}; no monthly target is drawn ("
                f"{TARGET_RULE_TEXT[k.target_rule]}).")
    return (f"Monthly target {format_value(round(k.monthly_target, 1), k.unit)}: "
            f"{TARGET_RULE_TEXT[k.target_rule]}, from the {k.fy} annual target of {annual}.")


# --- IPR summary table -----------------------------------------------------------------------

def _icon_cell(kind: str | None, missing: str) -> str:
    if kind is None:
        return f'<td class="none" title="{escape(missing)}">{escape(missing)}</td>'
    return (f'<td class="icon" title="{escape(ICONS[kind].title)}">'
            f"{spc_icon_svg(kind, size=30)}</td>")


def ipr_table_html(rows: tuple[IprRow, ...] | list[IprRow]) -> str:
    """The IPR-style summary table: KPI, latest month, latest value, monthly target, and the
    variation and assurance icons (inline SVG with a <title>, an aria-label and a cell
    tooltip). A missing icon says why in words."""
    head = ("<tr><th scope='col'>KPI</th><th scope='col'>Latest month</th>"
            "<th scope='col'>Latest</th><th scope='col'>Target (monthly)</th>"
            "<th scope='col'>Variation</th><th scope='col'>Assurance</th></tr>")
    body = []
    for r in rows:
        month = f"{r.latest_month:%b %Y}" if r.latest_month else "no data"
        latest = format_value(None if r.latest_value is None else round(r.latest_value, 1),
                              r.unit)
        target = format_value(None if r.target is None else round(r.target, 1), r.unit,
                              missing="none")
        no_assurance = ("no target" if r.target is None else "too few points"
                        if r.variation_icon is None else "not judged")
        body.append(
            f"<tr><th scope='row' class='row'>{escape(r.title)}</th><td>{escape(month)}</td>"
            f"<td class='num'>{escape(latest)}</td><td class='num'>{escape(target)}</td>"
            f"{_icon_cell(r.variation_icon, 'too few points')}"
            f"{_icon_cell(r.assurance_icon, no_assurance)}</tr>")
    caption = ("<caption>Making Data Count icons: variation "
               "from the latest month (special cause or common cause), assurance from the "
               "monthly target against the process limits. Hover over an icon for its "
               "meaning.</caption>")
    return (f"{TABLE_CSS}<table class='pmo ipr'>{caption}<thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table>")

