"""Text the pack's slides and HTML sections share: titles, SPC icon words, captions, cells.

Why this module exists: the PowerPoint and the HTML show the same sections with the same
words; keeping titles, captions and the five-year plan cells here means they cannot drift.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from pmo_data import exceptions, fmt
from pmo_data.downloads import plain
from pmo_data.pack.content import SPC_MONTHS, PackContent
from pmo_data.pack.formats import fmt_date, fmt_value
from pmo_data.periods import is_part_period, month_end

SECTION_TITLES = {
    "title": "PMO board report",
    "scorecard": "Five-year plan scorecard",
    "summary": "Executive summary",
    "changes": "What changed since the last pack",
    "kpis": "Performance against plan",
    "portfolio": "Portfolio RAG and changes since the previous report",
    "exceptions": "Exceptions: Red and Amber/Red projects",
    "training": "Training reach",
    "plan": "Five-year plan",
    "shifts": "Three shifts",
    "benefits": "Benefits",
    "risks": "Top risks",
    "benchmarking": "Benchmarking with peer trusts",
    "sources": "Data sources",
}

ICON_TEXT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
    "pass": "Pass: target met",
    "fail": "Fail: target missed",
    "hit_or_miss": "Hit or miss",
}

KPI_HEADER = ("Measure", "Latest", "Target", "Last year", "Variation", "Assurance", "Data to")


def footer_text(c: PackContent) -> str:
    """``Trust · PMO board report · 2025/26 · as at 21 November 2025`` (every page's footer)."""
    return f"{c.trust} · PMO board report · {c.fy} · as at {fmt_date(c.as_at)}"


def subtitle(c: PackContent) -> str:
    """``Financial year 2025/26 · as at 21 November 2025 · Surgery`` (the title page's)."""
    scope = c.service_group or "all service groups"
    return f"Financial year {c.fy} · as at {fmt_date(c.as_at)} · {scope}"


def spc_note() -> str:
    """The KPI table's note on what the SPC icons mean."""
    return ("Variation and assurance: NHS England Making Data Count icons from an XmR chart of "
            f"up to {SPC_MONTHS} complete months, limits recalculated at a sustained step "
            "change (as on every page); – means no monthly series or too few points.")


def month_labels(frame: pd.DataFrame, at: date) -> list[str]:
    """A frame's ``month`` column as chart categories: ``Apr 2025`` ..., the month still
    running at ``at`` as ``Dec 2026 to date`` (its value is a part month's:
    ``periods.is_part_period``)."""
    out = []
    for m in frame["month"]:
        first = pd.Timestamp(m).date()
        running = is_part_period(first, month_end(first), at)
        out.append(f"{fmt.month(first)}{' to date' if running else ''}")
    return out


def num(value: Any) -> float | None:
    """A frame cell as a float, None when blank."""
    value = plain(value)
    return None if value is None else float(value)


def rag_summary(c: PackContent) -> str:
    """The portfolio chart's caption: active projects now, against the previous report."""
    now = {r.rag: r.now for r in c.rag.itertuples()}
    total = sum(int(v) for v in now.values() if v is not None and not pd.isna(v))
    return (f"{total} active projects at {fmt_date(c.at)} by latest overall RAG, against "
            f"{fmt_date(c.previous_date)}; {len(c.rag_changes)} changed RAG in between.")


def training_summary(c: PackContent) -> str:
    """The training chart's caption: staff trained by the evaluation date, the pro-rata
    target of the last month charted, the run-rate forecast."""
    if c.training.empty:
        return f"No training attendance recorded for {c.fy}."
    last = c.training.iloc[-1]
    text = (f"{int(last['trained_cumulative']):,} staff trained by {fmt_date(c.at)}")
    target = num(last["pro_rata_target"])
    if target is not None:
        text += f" against a pro-rata target of {fmt_value(target, '')}"
    if c.training_forecast is not None:
        text += f"; run-rate forecast {round(c.training_forecast):,} by 31 March"
    return text + "."


def plan_summary(c: PackContent) -> str:
    """The five-year plan chart's caption."""
    years = len(c.plan_chart)
    return (f"Staff trained against the five-year plan target for each of {years} financial "
            "years (actuals for years begun by the as-at date).")


def benefits_summary(c: PackContent) -> str:
    """The benefits chart's caption: realised of planned, pounds, for benefits due in the FY."""
    if c.benefits.empty:
        return f"No cash-releasing benefits are due in {c.fy}."
    planned = float(c.benefits["planned_gbp"].fillna(0).sum())
    realised = float(c.benefits["realised_gbp"].fillna(0).sum())
    return (f"Cash-releasing benefits due in {c.fy}: {fmt_value(realised, '£')} realised of "
            f"{fmt_value(planned, '£')} planned, by service group.")


def plan_years(c: PackContent) -> list[str]:
    """The plan's financial years, in order (the plan table's columns)."""
    return sorted(set(c.plan["financial_year"]))


def plan_rows(c: PackContent, name_width: int | None = None) -> list[list[str]]:
    """One row per plan KPI: its name (shortened at a word to ``name_width``), then
    "target (actual)" per FY ("–" where the plan has no row or no target)."""
    years = plan_years(c)
    rows = []
    for code in dict.fromkeys(c.plan["kpi_code"]):
        part = c.plan[c.plan["kpi_code"] == code].set_index("financial_year")
        unit = str(part["unit"].iloc[0])
        cells = []
        for fy in years:
            if fy not in part.index:
                cells.append("–")
                continue
            target, actual = num(part.loc[fy, "target"]), num(part.loc[fy, "actual"])
            text = fmt_value(target, unit) if target is not None else "–"
            if actual is not None:
                text += f" ({fmt_value(actual, unit)})"
            cells.append(text)
        name = str(part["kpi_name"].iloc[0])
        rows.append([fmt.shorten(name, name_width) if name_width else name, *cells])
    return rows


#: The exceptions table's header (slide and HTML).
EXCEPTIONS_HEADER = ("Project", "RAG", "Reason", "Slippage (days)", "SRO", "Days since report",
                     "Change since previous report")


def exception_rows(c: PackContent, name_width: int | None = None,
                   reason_width: int | None = None) -> list[list[str]]:
    """The exceptions as cells of ``EXCEPTIONS_HEADER`` (widths: shorten at a word with
    ``fmt.shorten``; None keeps the whole text). Missing values are words, never "None"."""
    def cut(text: str, width: int | None) -> str:
        return fmt.shorten(text, width) if width else text

    rows = []
    for r in c.exceptions.itertuples():
        slip = plain(r.slippage_days)
        age = plain(r.days_since_report)
        reason = plain(r.reason)
        held = " (On hold)" if r.stage == "On hold" else ""
        rows.append([
            cut(f"{r.project_id} {plain(r.project_name) or ''}".strip(), name_width) + held,
            str(r.overall_rag),
            cut(str(reason), reason_width) if reason else "No summary reported",
            "no forecast" if slip is None else f"{int(slip):,}",
            str(plain(r.sro) or "Not recorded"),
            "–" if age is None else f"{int(age):,}",
            str(r.change)])
    return rows


def exceptions_summary(c: PackContent) -> str:
    """``pmo_data.exceptions.summary_text`` of the pack's exceptions (as on the Overview)."""
    return exceptions.summary_text(c.exceptions, c.at, c.previous_date)


#: Fill and text colour of a plan status on a slide (tints of NHS green and red behind black
#: text, as on the Five-year plan page; non-judgements grey on white).
STATUS_FILLS: dict[str, tuple[str, str]] = {
    "Met": ("#CCEAD7", "#231F20"), "On track": ("#E1F2E7", "#231F20"),
    "Off track": ("#F8D4D1", "#231F20"), "Not met": ("#F3BFBA", "#231F20"),
}


def scorecard_rows(c: PackContent) -> list[list[str]]:
    """(KPI, status this year) of every plan KPI, in the plan's order."""
    return [[name, status] for name, status in (c.scorecard.rows if c.scorecard else ())]


def shifts_note(c: PackContent) -> str:
    """What the shifts table counts."""
    return (f"At {fmt.day(c.at)}: projects by the ten-year health plan shift they serve "
            "(Cancelled left out); RAG = latest reported; benefits realised of planned "
            "(counts), value in pounds only; trend = active projects Red or Amber/Red at the "
            "first and last complete month end of the last 12.")


#: Fill and text colour of a change's direction word (the plan statuses' green and red
#: tints: "better" as Met, "worse" as Not met; the other words stay on the row's colour).
CHANGE_FILLS: dict[str, tuple[str, str]] = {
    "better": STATUS_FILLS["Met"], "worse": STATUS_FILLS["Not met"]}


def changes_header(c: PackContent) -> tuple[str, ...]:
    """The changes table's header, naming both dates ("Previous report, 21 Oct 2026")."""
    return ("Measure", f"Previous report, {fmt_date(c.previous_date)}",
            f"Now, {fmt_date(c.at)}", "Change", "Direction")


def changes_subtitle(c: PackContent) -> str:
    """The line under the changes slide's title: both dates, in the dashboard's form."""
    return (f"Every figure in this pack at the previous report date, "
            f"{fmt_date(c.previous_date)}, and now, {fmt_date(c.at)}.")


def changes_rows(c: PackContent, name_width: int | None = None) -> list[list[str]]:
    """One row per figure of ``c.changes``: the measure (shortened at a word to
    ``name_width``, ``fmt.shorten``), then and now as the pack writes them, the signed change
    and its direction word, capitalised ("Better", "Not comparable")."""
    rows = []
    for r in c.changes.itertuples():
        name = str(r.measure)
        rows.append([fmt.shorten(name, name_width) if name_width else name, str(r.then_text),
                     str(r.now_text), str(r.change_text), str(r.verdict).capitalize()])
    return rows


def changes_note(c: PackContent) -> str:
    """What the changes table means, and, when the previous report date falls in the year
    before the pack's, which year its figures are for."""
    text = ("Change = now minus then (percentages in points, pts). Better or worse by each "
            "measure's better direction; higher or lower where neither is better; not "
            "comparable where a side has no data.")
    if c.fy_then != c.fy:
        text += (f" The previous report date falls in {c.fy_then}, so its figures are for "
                 f"{c.fy_then} (the last pack's year) and today's for {c.fy}; year-to-date "
                 "counts restart on 1 April, so they are not compared.")
    return text
