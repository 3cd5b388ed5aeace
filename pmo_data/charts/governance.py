"""Charts of the governance pages: benefits, risks and issues, portfolio history, estimates.

Why this module exists: the Benefits, Risks and issues, Portfolio history and Estimate
realism pages, and the board pack, must draw the same figures from the same
``pmo_data.governance`` results, in the NHS palette, each with a title, labelled axes,
hover text and a one-sentence summary for screen readers and board papers. Figures are
built from already-aggregated frames: no queries here, no streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from pmo_data import fmt
from pmo_data.charts.figure import FigureBuilder, house_layout, trace
from pmo_data.charts.palette import (
    CATEGORICAL,
    FONT,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_LIGHT_GREEN,
    NHS_MID_GREY,
    NHS_ORANGE,
    NHS_RED,
    NHS_WARM_YELLOW,
    NHS_WHITE,
    RAG_COLOURS,
)
from pmo_data.periods import month_end
from pmo_data.schema import RAG_ORDER

#: The node that stands for the smaller projects on a crowded benefits map.
OTHER_PROJECTS = "Other projects"
#: Longest group label drawn in full on a bar axis (the rest are cut with "...").
LABEL_CHARS = 42
#: Risk score bands on the 5x5 matrix: (lowest score, label, colour, text colour).
RISK_BANDS: tuple[tuple[int, str, str, str], ...] = (
    (1, "Low (1-4)", NHS_LIGHT_GREEN, NHS_BLACK),
    (5, "Moderate (5-9)", NHS_WARM_YELLOW, NHS_BLACK),
    (10, "High (10-14)", NHS_ORANGE, NHS_BLACK),
    (15, "Very high (15-25)", NHS_RED, NHS_WHITE),
)


@dataclass(frozen=True)
class GovernanceChart:
    """A figure with its one-sentence text alternative."""

    figure: go.Figure
    summary: str



def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def money(value: float | None) -> str:
    """Pounds for a sentence (``pmo_data.fmt.money_short``): £1.2m, £45k, £950; "no value"
    when missing."""
    return fmt.money_short(value)


def _amount(value: float | None, unit: str) -> str:
    if unit == "£":
        return money(value)
    if value is None:
        return "no value"
    return f"{value:,.1f} {unit}".replace(".0 ", " ")


def _short(text: object) -> str:
    s = str(text)
    return s if len(s) <= LABEL_CHARS else s[: LABEL_CHARS - 3] + "..."


def _empty(title: str, message: str) -> GovernanceChart:
    fig = FigureBuilder()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=14, color=NHS_DARK_GREY))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return GovernanceChart(house_layout(fig, title, height=240).build(), message)


# --- benefits ---------------------------------------------------------------------------

_BY_LABEL = {"category": "category", "project": "project", "service_group": "service group"}
_BY_PLURAL = {"category": "categories", "project": "projects", "service_group": "service groups"}


def benefits_planned_realised(frame: pd.DataFrame, by: str = "category",
                              measure: Literal["count", "value"] = "count", unit: str = "£",
                              max_groups: int = 25) -> GovernanceChart:
    """Horizontal bars of planned against realised per group, from
    ``governance.benefits_by``: number of benefits planned and realised
    (``measure="count"``, every unit), or target and realised value in ``unit``
    (``measure="value"``; groups without a value in that unit are left out and counted in
    the summary). At most ``max_groups`` largest groups are drawn.

    Summary (count): "<r> of <n> benefits realised (<pct>%) across <k> <groups>; most
    planned: <group> (<n>)." (value): "<realised> of <planned> planned <unit> value
    realised (<pct>%) across <k> <groups>; largest planned: <group> (<value>)."
    """
    label = _BY_LABEL.get(by, by)
    if measure == "count":
        title = f"Benefits planned and realised by {label} (number of benefits)"
        planned_col, realised_col = "benefits", "benefits_realised"
        fmt = lambda v: "no value" if v is None else f"{v:,.0f}"  # noqa: E731
        data = frame.sort_values(["benefits", "group"], ascending=[False, True]) \
            if len(frame) else frame
    else:
        title = f"Benefits planned and realised by {label} (value, {unit})"
        planned_col, realised_col = "target_value", "realised_value"
        fmt = lambda v: _amount(v, unit)  # noqa: E731
        data = frame[frame["target_value"].notna()] if len(frame) else frame
    if data.empty:
        return _empty(title, "No benefits to show." if measure == "count"
                      else f"No benefits valued in {unit} to show.")
    shown = data.head(max_groups).iloc[::-1]
    groups = [_short(g) for g in shown["group"]]
    fig = FigureBuilder()
    for col, name, colour in ((planned_col, "Planned", NHS_LIGHT_BLUE),
                              (realised_col, "Realised", NHS_DARK_BLUE)):
        fig.add_trace(trace("bar",
            y=groups, x=[_num(v) for v in shown[col]], orientation="h", name=name,
            marker_color=colour, customdata=[[fmt(_num(v))] for v in shown[col]],
            hovertemplate=f"%{{y}}<br>{name}: %{{customdata[0]}}<extra></extra>"))
    house_layout(fig, title, height=max(320, 60 + 34 * len(shown)), barmode="group")
    if measure == "count":
        fig.update_xaxes(title_text="Benefits")
    else:
        fig.update_xaxes(title_text=f"Value ({unit})", tickprefix="£" if unit == "£" else "")
    fig.update_yaxes(title_text=label.capitalize(), automargin=True)
    planned = float(data[planned_col].sum())
    realised = _num(data[realised_col].sum(min_count=1))
    pct = "" if not planned or realised is None else f" ({100 * realised / planned:.0f}%)"
    top = data.iloc[0]
    if measure == "count":
        return GovernanceChart(fig.build(), (
            f"{fmt(realised or 0)} of {fmt(planned)} benefits realised{pct} across {len(data)} "
            f"{_BY_PLURAL.get(by, by)}; most planned: {top['group']} ({int(top['benefits'])})."))
    dropped = len(frame) - len(data)
    tail = f"; {dropped} {_BY_PLURAL.get(by, by)} have no {unit} value" if dropped else ""
    return GovernanceChart(fig.build(), (
        f"{fmt(realised)} of {fmt(planned)} planned {unit} value realised{pct} across "
        f"{len(data)} {_BY_PLURAL.get(by, by)}; largest planned: {top['group']} "
        f"({fmt(_num(top['target_value']))}){tail}."))


def cash_releasing_by_fy_chart(frame: pd.DataFrame) -> GovernanceChart:
    """Bars of cash-releasing target and realised value per financial year, from
    ``governance.cash_releasing_by_fy`` (the "No target date" row is not drawn; the
    summary counts it).

    Summary: "Cash-releasing benefits: <planned> planned and <realised> realised across
    <n> financial years; largest year <fy> (<value>)."
    """
    title = "Cash-releasing benefits by financial year of target date"
    dated = frame[frame["financial_year"] != "No target date"] if len(frame) else frame
    if dated.empty:
        return _empty(title, "No cash-releasing benefits with a target date.")
    fig = FigureBuilder()
    for col, name, colour in (("target_value", "Planned (target)", NHS_LIGHT_BLUE),
                              ("realised_value", "Realised", NHS_DARK_BLUE)):
        fig.add_trace(trace("bar",
            x=list(dated["financial_year"]), y=[_num(v) for v in dated[col]], name=name,
            marker_color=colour,
            customdata=[[money(_num(v)), int(n)] for v, n in zip(dated[col], dated["benefits"],
                                                                  strict=True)],
            hovertemplate=f"%{{x}}<br>{name}: %{{customdata[0]}}<br>"
                          "Benefits: %{customdata[1]}<extra></extra>"))
    house_layout(fig, title, height=420, barmode="group")
    fig.update_xaxes(title_text="Financial year (by target date)", type="category")
    fig.update_yaxes(title_text="Value (£)", tickprefix="£")
    top = dated.loc[dated["target_value"].idxmax()]
    undated = frame[frame["financial_year"] == "No target date"]
    tail = (f"; {int(undated['benefits'].iloc[0])} have no target date"
            if len(undated) else "")
    summary = (f"Cash-releasing benefits: {money(float(dated['target_value'].sum()))} planned "
               f"and {money(_num(dated['realised_value'].sum(min_count=1)))} realised across "
               f"{len(dated)} financial years; largest year {top['financial_year']} "
               f"({money(_num(top['target_value']))}){tail}.")
    return GovernanceChart(fig.build(), summary)


def benefits_sankey(frame: pd.DataFrame, size_by: Literal["value", "count"] = "value",
                    unit: str = "£", max_projects: int = 40) -> GovernanceChart:
    """The benefits map: strategic shift -> project -> benefit category, from
    ``governance.benefits_map``; link width = target value (``size_by="value"``) or
    number of benefits. Beyond ``max_projects`` projects, the largest keep their own node
    and the rest flow through one "Other projects (n)" node (a map of thousands of project
    nodes is unreadable and takes the browser minutes to lay out).

    Summary: "<n> projects under <k> strategic shifts carry <total> of benefits; the
    largest flow is <shift> (<share>%)." plus, when projects are grouped, "; the <m> smallest
    projects are drawn together as Other projects".
    """
    title = ("Benefits map: strategic shift to project to benefit category"
             + (f" (sized by {unit} target)" if size_by == "value" else " (number of benefits)"))
    col = "target_value" if size_by == "value" else "benefits"
    data = frame[frame[col] > 0] if len(frame) else frame
    if data.empty:
        return _empty(title, "No benefits to map.")
    shifts = sorted(set(data["strategic_shift"]), key=lambda s: (s == "No shift recorded", s))
    projects = list(dict.fromkeys(data["project_id"]))
    names = dict(zip(data["project_id"], data["project_name"], strict=False))
    cats = sorted(set(data["category"]))
    grouped = 0
    if len(projects) > max_projects:  # the largest keep their node, the rest share one
        sizes = data.groupby("project_id", sort=False)[col].sum()
        kept = set(sizes.sort_values(ascending=False, kind="stable").index[:max_projects - 1])
        grouped = len(projects) - len(kept)
        data = data.assign(project_id=data["project_id"].where(
            data["project_id"].isin(kept), OTHER_PROJECTS))
        projects = [p for p in projects if p in kept] + [OTHER_PROJECTS]
    labels = ([*shifts] + [f"{OTHER_PROJECTS} ({grouped:,})" if p == OTHER_PROJECTS
                           else f"{p} {_short(names[p])}" for p in projects] + [*cats])
    index = {("s", s): i for i, s in enumerate(shifts)}
    index.update({("p", p): len(shifts) + i for i, p in enumerate(projects)})
    index.update({("c", c): len(shifts) + len(projects) + i for i, c in enumerate(cats)})
    colours = ([CATEGORICAL[i % len(CATEGORICAL)] for i in range(len(shifts))]
               + [NHS_MID_GREY] * len(projects)
               + [CATEGORICAL[(i + 3) % len(CATEGORICAL)] for i in range(len(cats))])
    sp = data.groupby(["strategic_shift", "project_id"], sort=False)[col].sum()
    pc = data.groupby(["project_id", "category"], sort=False)[col].sum()
    source = [index[("s", s)] for s, _ in sp.index] + [index[("p", p)] for p, _ in pc.index]
    target = [index[("p", p)] for _, p in sp.index] + [index[("c", c)] for _, c in pc.index]
    values = [float(v) for v in sp.values] + [float(v) for v in pc.values]
    fmt = (lambda v: _amount(v, unit)) if size_by == "value" else (lambda v: f"{v:,.0f}")
    fig = FigureBuilder(trace("sankey",
        arrangement="snap",
        node=dict(label=labels, color=colours, pad=8, thickness=14,
                  line=dict(color=NHS_WHITE, width=0.5),
                  hovertemplate="%{label}<extra></extra>"),
        link=dict(source=source, target=target, value=values,
                  color="rgba(118, 134, 146, 0.25)",
                  customdata=[fmt(v) for v in values],
                  hovertemplate="%{source.label} → %{target.label}: %{customdata}"
                                "<extra></extra>"),
    ))
    house_layout(fig, title, height=max(420, 24 * len(projects) + 120))
    total = float(data[col].sum())
    by_shift = data.groupby("strategic_shift")[col].sum().sort_values(ascending=False)
    what = _amount(total, unit) if size_by == "value" else f"{total:,.0f} benefits"
    unshifted = " (including No shift recorded)" if "No shift recorded" in shifts else ""
    summary = (f"{len(projects) - 1 + grouped if grouped else len(projects)} projects under "
               f"{len(shifts)} strategic shifts{unshifted} carry {what}; the largest flow is "
               f"{by_shift.index[0]} ({100 * by_shift.iloc[0] / total:.0f}%)")
    if grouped:
        summary += f"; the {grouped:,} smallest projects are drawn together as Other projects"
    summary += "."
    return GovernanceChart(fig.build(), summary)


# --- risks and issues -------------------------------------------------------------------


def _band(score: int) -> tuple[int, str, str, str]:
    chosen = RISK_BANDS[0]
    for band in RISK_BANDS:
        if score >= band[0]:
            chosen = band
    return chosen


def risk_heatmap(cells: pd.DataFrame, *, unscored: int = 0,
                 selected: tuple[int, int] | None = None) -> GovernanceChart:
    """The 5x5 matrix of open risks (impact across, likelihood up) from
    ``governance.risk_matrix``: cells coloured by score band (``RISK_BANDS``), each showing
    its count. A transparent marker sits on every cell so a click selects it (trace 1,
    points carry customdata [likelihood, impact]). ``selected`` outlines one cell.

    Summary: "<n> open risks scored; <k> very high (score 15 or more); most in likelihood
    <l> x impact <i> (<c>); <u> open risks lack a score."
    """
    title = "Open risks by likelihood and impact"
    grid = cells.set_index(["likelihood", "impact"])["count"]
    band_index = {b[0]: i for i, b in enumerate(RISK_BANDS)}
    z, text, hover, font_colours = [], [], [], []
    for lik in range(1, 6):
        zr, tr, hr = [], [], []
        for imp in range(1, 6):
            score = lik * imp
            band = _band(score)
            n = int(grid.get((lik, imp), 0))
            zr.append(band_index[band[0]])
            tr.append(str(n) if n else "")
            hr.append(f"Likelihood {lik} x impact {imp} = score {score}<br>{band[1]}<br>"
                      f"{n} open risk{'s' if n != 1 else ''}")
            font_colours.append(band[3])
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    n_bands = len(RISK_BANDS)
    scale = []
    for i, band in enumerate(RISK_BANDS):
        scale += [[i / n_bands, band[2]], [(i + 1) / n_bands, band[2]]]
    fig = FigureBuilder(trace("heatmap",
        z=z, x=list(range(1, 6)), y=list(range(1, 6)), zmin=-0.5, zmax=n_bands - 0.5,
        colorscale=scale, showscale=False, xgap=3, ygap=3, hoverinfo="text", hovertext=hover,
        name="matrix", showlegend=False,
    ))
    xs = [imp for lik in range(1, 6) for imp in range(1, 6)]
    ys = [lik for lik in range(1, 6) for imp in range(1, 6)]
    fig.add_trace(trace("scatter",
        x=xs, y=ys, mode="markers+text",
        marker=dict(size=56, symbol="square", color="rgba(0, 94, 184, 0.01)"),
        text=[t for row in text for t in row],
        textfont=dict(size=20, color=font_colours, family=FONT["family"]),
        customdata=[[y, x] for x, y in zip(xs, ys, strict=True)],
        hovertext=[h for row in hover for h in row], hoverinfo="text", showlegend=False,
        name="cells"))
    for band in RISK_BANDS:  # legend entries for the colour bands
        fig.add_trace(trace("scatter", x=[None], y=[None], mode="markers", name=band[1],
                                 marker=dict(size=12, symbol="square", color=band[2]),
                                 hoverinfo="skip"))
    if selected is not None:
        lik, imp = selected
        fig.add_shape(type="rect", x0=imp - 0.5, x1=imp + 0.5, y0=lik - 0.5, y1=lik + 0.5,
                      line=dict(color=NHS_DARK_BLUE, width=4))
    house_layout(fig, title, height=480, clickmode="event+select", dragmode=False)
    fig.update_xaxes(title_text="Impact (1 = minimal, 5 = catastrophic)", tickvals=list(
        range(1, 6)), range=[0.5, 5.5], showgrid=False, zeroline=False, fixedrange=True)
    fig.update_yaxes(title_text="Likelihood (1 = rare, 5 = almost certain)", tickvals=list(
        range(1, 6)), range=[0.5, 5.5], showgrid=False, zeroline=False, fixedrange=True)
    total = int(cells["count"].sum())
    if total == 0:
        summary = "No open risks with a likelihood and impact"
    else:
        very_high = int(cells.loc[cells["score"] >= 15, "count"].sum())
        top = cells.sort_values(["count", "score"], ascending=False).iloc[0]
        summary = (f"{total} open risks scored; {very_high} very high (score 15 or more); "
                   f"most in likelihood {int(top['likelihood'])} x impact "
                   f"{int(top['impact'])} ({int(top['count'])})")
    if unscored:
        summary += (f"; {unscored} open risk{'s lack' if unscored != 1 else ' lacks'} "
                    "a score")
    return GovernanceChart(fig.build(), summary + ".")


def issues_chart(frame: pd.DataFrame, by: str = "service_group", max_groups: int = 20
                 ) -> GovernanceChart:
    """Stacked horizontal bars of open and closed issues per project or service group,
    from ``governance.issues_by`` (at most ``max_groups`` with the most open issues).

    Summary: "<open> open and <closed> closed issues; most open: <group> (<n>)."
    """
    label = _BY_LABEL.get(by, by)
    title = f"Issues by {label}"
    if frame.empty:
        return _empty(title, "No issues recorded.")
    shown = frame.head(max_groups).iloc[::-1]
    groups = [_short(g) for g in shown["group"]]
    fig = FigureBuilder()
    for col, name, colour in (("open", "Open", NHS_ORANGE), ("closed", "Closed", NHS_MID_GREY)):
        fig.add_trace(trace("bar", y=groups, x=list(shown[col]), orientation="h", name=name,
                             marker_color=colour,
                             hovertemplate=f"%{{y}}<br>{name}: %{{x}}<extra></extra>"))
    house_layout(fig, title, height=max(300, 60 + 28 * len(shown)), barmode="stack")
    fig.update_xaxes(title_text="Issues", dtick=1 if shown[["open", "closed"]].sum(
        axis=1).max() <= 10 else None)
    fig.update_yaxes(title_text=label.capitalize(), automargin=True)
    top = frame.iloc[0]
    summary = (f"{int(frame['open'].sum())} open and {int(frame['closed'].sum())} closed "
               f"issues; most open: {top['group']} ({int(top['open'])}).")
    return GovernanceChart(fig.build(), summary)


def raid_trend_chart(table: pd.DataFrame, what: str = "RAID items") -> GovernanceChart:
    """Monthly raised and closed (bars) and open at month end (line), from
    ``governance.raid_trend``.

    Summary: "<what> open at the end of <month>: <n> (<change> since <first month>);
    ("open on <date>" when the last month is still running at the as-at date)
    <raised> raised and <closed> closed over <k> months."
    """
    title = f"{what}: raised, closed and open over time"
    if table.empty:
        return _empty(title, f"No {what.lower()} to show.")
    months = pd.to_datetime(table["month"])
    fig = FigureBuilder()
    fig.add_trace(trace("bar", x=months, y=list(table["raised"]), name="Raised in month",
                         marker_color=NHS_LIGHT_BLUE,
                         hovertemplate="%{x|%b %Y}<br>Raised: %{y}<extra></extra>"))
    fig.add_trace(trace("bar", x=months, y=list(table["closed_in_month"]), name="Closed in month",
                         marker_color=NHS_MID_GREY,
                         hovertemplate="%{x|%b %Y}<br>Closed: %{y}<extra></extra>"))
    fig.add_trace(trace("scatter", x=months, y=list(table["open_at_month_end"]),
                             name="Open at month end", mode="lines+markers",
                             line=dict(color=NHS_DARK_BLUE, width=3),
                             hovertemplate="%{x|%b %Y}<br>Open at month end: %{y}"
                                           "<extra></extra>"))
    house_layout(fig, title, height=420, barmode="group")
    fig.update_xaxes(title_text="Month", dtick="M3", tickformat="%b %Y")
    fig.update_yaxes(title_text="Items", rangemode="tozero")
    first, last = table.iloc[0], table.iloc[-1]
    change = int(last["open_at_month_end"]) - int(first["open_at_month_end"])
    # a month still running at the as-at date is "on <date>", not "at the end of" it
    last_end = pd.Timestamp(last["month_end"]).date() if "month_end" in table else None
    running = last_end is not None and last_end != month_end(last_end)
    when = (f"on {fmt.day(last_end)}" if running
            else f"at the end of {fmt.month(pd.Timestamp(last['month']))}")
    summary = (f"{what} open {when}: "
               f"{int(last['open_at_month_end'])} ({change:+d} since "
               f"{fmt.month(pd.Timestamp(first['month']))}); {int(table['raised'].sum())} raised "
               f"and {int(table['closed_in_month'].sum())} closed over {len(table)} months.")
    return GovernanceChart(fig.build(), summary)


# --- portfolio history ------------------------------------------------------------------


def rag_mix_chart(counts: pd.DataFrame, before: date, after: date) -> GovernanceChart:
    """Two stacked bars, the portfolio's RAG mix at each date, from
    ``PortfolioDiff.rag_counts`` (colours ``RAG_COLOURS``; Not reported grey).

    Summary: "Active projects: <n1> on <d1> and <n2> on <d2>; Red <r1> to <r2>; Green
    <g1> to <g2>." (the catalogue's ACTIVE_PROJECTS and PORTFOLIO_RAG at each date)
    """
    title = "Portfolio RAG at the two dates"
    rows = [fmt.day(before), fmt.day(after)]
    fig = FigureBuilder()
    data = counts.set_index("overall_rag")
    for rag in RAG_ORDER:
        b = int(data["before"].get(rag, 0))
        a = int(data["after"].get(rag, 0))
        fig.add_trace(trace("bar",
            y=rows, x=[b, a], orientation="h", name=rag, marker_color=RAG_COLOURS[rag],
            text=[str(v) if v else "" for v in (b, a)], textposition="inside",
            insidetextanchor="middle",
            textfont=dict(color=NHS_WHITE if rag in ("Red", "Blue", "Not reported", "Green")
                          else NHS_BLACK),
            hovertemplate=f"%{{y}}<br>{rag}: %{{x}}<extra></extra>"))
    house_layout(fig, title, height=260, barmode="stack")
    fig.update_xaxes(title_text="Active projects")
    fig.update_yaxes(autorange="reversed")
    nb, na = int(counts["before"].sum()), int(counts["after"].sum())
    red, green = data.loc["Red"] if "Red" in data.index else None, (
        data.loc["Green"] if "Green" in data.index else None)
    summary = (f"Active projects: {nb} on {fmt.day(before)} and {na} on {fmt.day(after)}; "
               f"Red {0 if red is None else int(red['before'])} to "
               f"{0 if red is None else int(red['after'])}; Green "
               f"{0 if green is None else int(green['before'])} to "
               f"{0 if green is None else int(green['after'])}.")
    return GovernanceChart(fig.build(), summary)


# --- estimate realism -------------------------------------------------------------------


def duration_scatter(frame: pd.DataFrame) -> GovernanceChart:
    """Planned against actual duration (days) of closed projects, one colour per service
    group, with the line actual = planned; from ``governance.closed_durations``. Points
    above the line finished late.

    Summary: "<late> of <n> closed projects finished later than planned; median overrun
    <d> days (<p>% of the planned duration)."
    """
    title = "Planned against actual duration of closed projects"
    if frame.empty:
        return _empty(title, "No closed projects with an actual end date yet.")
    fig = FigureBuilder()
    top = float(max(frame["planned_days"].max(), frame["actual_days"].max())) * 1.05
    fig.add_trace(trace("scatter", x=[0, top], y=[0, top], mode="lines", name="On plan",
                             line=dict(color=NHS_MID_GREY, dash="dash"), hoverinfo="skip"))
    for i, (group, part) in enumerate(frame.groupby("service_group", sort=True)):
        fig.add_trace(trace("scatter",
            x=list(part["planned_days"]), y=list(part["actual_days"]), mode="markers",
            name=str(group), marker=dict(size=11, color=CATEGORICAL[i % len(CATEGORICAL)],
                                         line=dict(color=NHS_WHITE, width=1)),
            customdata=[[pid, _short(name), int(o), svc]
                        for pid, name, o, svc in zip(part["project_id"], part["project_name"],
                                                     part["overrun_days"], part["pmo_service"],
                                                     strict=True)],
            hovertemplate="%{customdata[0]} %{customdata[1]}<br>Planned %{x} days, actual "
                          "%{y} days<br>Overrun %{customdata[2]} days<br>PMO service: "
                          "%{customdata[3]}<extra></extra>"))
    house_layout(fig, title, height=480)
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.02,
                                  title=dict(text="Service group")))
    fig.update_xaxes(title_text="Planned duration (days, start to planned end)",
                     rangemode="tozero")
    fig.update_yaxes(title_text="Actual duration (days, start to actual end)",
                     rangemode="tozero")
    late = int((frame["overrun_days"] > 0).sum())
    med = float(frame["overrun_days"].median())
    pct = frame["overrun_pct"].dropna()
    pct_text = f" ({float(pct.median()):.0f}% of the planned duration)" if len(pct) else ""
    summary = (f"{late} of {len(frame)} closed projects finished later than planned; median "
               f"overrun {med:.0f} days{pct_text}.")
    return GovernanceChart(fig.build(), summary)


def overrun_chart(summary_frame: pd.DataFrame, by: str = "service_group") -> GovernanceChart:
    """Horizontal bars of median and 80th percentile overrun (days) per group, from
    ``governance.overrun_summary`` (the "All" row drawn last, at the bottom).

    Summary: "Across all <n> closed projects the median overrun is <m> days and the 80th
    percentile <p> days; worst 80th percentile: <group> (<d> days)."
    """
    label = {"service_group": "service group", "pmo_service": "PMO service"}.get(by, by)
    title = f"Schedule overrun by {label}"
    if summary_frame.empty:
        return _empty(title, "No closed projects with an actual end date yet.")
    shown = summary_frame.iloc[::-1]
    groups = [f"{_short(g)} (n={int(n)})" for g, n in zip(shown["group"], shown["projects"],
                                                          strict=True)]
    fig = FigureBuilder()
    for col, name, colour in (("median_overrun_days", "Median", NHS_BLUE),
                              ("p80_overrun_days", "80th percentile", NHS_DARK_BLUE)):
        fig.add_trace(trace("bar", y=groups, x=[_num(v) for v in shown[col]], orientation="h",
                             name=name, marker_color=colour,
                             hovertemplate=f"%{{y}}<br>{name} overrun: %{{x:.0f}} days"
                                           "<extra></extra>"))
    house_layout(fig, title, height=max(300, 70 + 44 * len(shown)), barmode="group")
    fig.update_xaxes(title_text="Overrun (days after planned end)")
    fig.update_yaxes(title_text=label.capitalize(), automargin=True)
    overall = summary_frame[summary_frame["group"] == "All"]
    groups_only = summary_frame[summary_frame["group"] != "All"]
    text = ""
    if len(overall):
        row = overall.iloc[0]
        text = (f"Across all {int(row['projects'])} closed projects the median overrun is "
                f"{float(row['median_overrun_days']):.0f} days and the 80th percentile "
                f"{float(row['p80_overrun_days']):.0f} days")
    if len(groups_only):
        worst = groups_only.loc[groups_only["p80_overrun_days"].idxmax()]
        text += (f"; worst 80th percentile: {worst['group']} "
                 f"({float(worst['p80_overrun_days']):.0f} days)")
    return GovernanceChart(fig.build(), (text or "No overrun to summarise") + ".")


__all__ = [
    "GovernanceChart",
    "RISK_BANDS",
    "benefits_planned_realised",
    "benefits_sankey",
    "cash_releasing_by_fy_chart",
    "duration_scatter",
    "issues_chart",
    "money",
    "overrun_chart",
    "rag_mix_chart",
    "raid_trend_chart",
    "risk_heatmap",
]
