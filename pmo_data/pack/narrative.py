"""The board pack's executive-summary sentences: one small function per sentence, one list.

Why this module exists: the narrative is what a board reads first, so each sentence is a
function of the pack's content alone (``PackContent``), easy to read and test on its own, and
``SENTENCES`` is the only place that says which sentences exist, in what order and under what
label the Board pack page offers them for editing. Adding a metric to the narrative is one
function and one entry. A function returns None when the data say nothing (the sentence is
left out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from pmo_data.db import Database
from pmo_data.pack.content import PackContent, gather, icon_kind
from pmo_data.pack.formats import fmt_date, fmt_value
from pmo_data.parse import fy_bounds


@dataclass(frozen=True)
class Sentence:
    """One narrative sentence: ``key`` says what it is about (training, portfolio ...)."""

    key: str
    text: str

    @property
    def label(self) -> str:
        """What the sentence is about, for the editing form: "Training reach" ... (its
        ``SENTENCES`` label; an author's extra sentence "note3": "Note3")."""
        return next((topic.label for topic in SENTENCES if topic.key == self.key),
                    self.key.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Topic:
    """A registered sentence: its key, its label on the editing form, the function writing it."""

    key: str
    label: str
    write: Callable[[PackContent], str | None]


def _pct(part: float | None, whole: float | None) -> str | None:
    if part is None or not whole:
        return None
    return f"{round(100 * float(part) / float(whole)):,}%"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _year_over(c: PackContent) -> bool:
    """True when the evaluation date is the FY's last day (the year is complete)."""
    return c.at >= fy_bounds(c.fy)[1]


def training(c: PackContent) -> str:
    """Staff trained against the year-to-date (or, once the year is over, annual) target."""
    mv = c.values["TRAINED_STAFF"]
    if mv.value is None:
        return f"No training attendance is recorded for {c.fy} up to {fmt_date(c.at)}."
    n = int(mv.value)
    text = f"{n:,} staff trained"
    if _year_over(c) and mv.target is not None:
        text += f" in {c.fy} against a target of {fmt_value(mv.target, '')}"
        text += f" ({_pct(n, mv.target)})" if _pct(n, mv.target) else ""
    elif mv.ytd_target:
        text += (f" against a year-to-date target of {fmt_value(mv.ytd_target, '')}"
                 f" ({_pct(n, mv.ytd_target)})")
        if c.training_forecast is not None:
            text += f", on course for {round(c.training_forecast):,} by March"
            if mv.target is not None:
                text += f" (target {fmt_value(mv.target, '')})"
    elif mv.target is not None:
        text += f" so far in {c.fy}; the year's target is {fmt_value(mv.target, '')}"
    else:
        text += f" in {c.fy} so far (the plan has no target)"
    return text + "."


def immersive(c: PackContent) -> str:
    """Projects given immersive PM support against the year-to-date or annual target."""
    mv = c.values["PROJECTS_SUPPORTED"]
    if mv.value is None:
        return f"The PMO service log has no data for {c.fy} up to {fmt_date(c.at)}."
    n = int(mv.value)
    text = f"{n:,} project{'s' if n != 1 else ''} given immersive PM support"
    if mv.ytd_target and not _year_over(c):
        text += (f" against a year-to-date target of {fmt_value(mv.ytd_target, '')}"
                 f" ({_pct(n, mv.ytd_target)}); the year's target is "
                 f"{fmt_value(mv.target, '')}")
    elif mv.target is not None:
        text += f" in {c.fy} against a target of {fmt_value(mv.target, '')}"
        text += f" ({_pct(n, mv.target)})"
    return text + "."


_RAG_GROUPS = (("Red or Amber/Red", ("Red", "Amber/Red")), ("Amber", ("Amber",)),
               ("Green or Amber/Green", ("Green", "Amber/Green")), ("Blue", ("Blue",)))


def portfolio(c: PackContent) -> str:
    """Active projects by RAG group, and how many worsened or improved since the previous
    report date."""
    mv = c.values["PORTFOLIO_RAG"]
    if mv.value is None or mv.breakdown is None:
        return "The project register is empty, so there is no portfolio RAG."
    bd = dict(mv.breakdown)
    parts = []
    for label, keys in _RAG_GROUPS:
        n = sum(bd.get(k, 0) for k in keys)
        if n:
            parts.append(f"{n} {label}")
    missing = bd.get("Not reported", 0)
    if missing:
        parts.append(f"{missing} with no highlight report")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] \
        if parts else "none rated"
    text = f"Of {int(mv.value):,} active projects, {listed}."
    worse = int((c.rag_changes["direction"] == "worse").sum()) if len(c.rag_changes) else 0
    better = int((c.rag_changes["direction"] == "better").sum()) if len(c.rag_changes) else 0
    if worse or better:
        text += (f" Since {fmt_date(c.previous_date)}, {worse} project"
                 f"{'s' if worse != 1 else ''} worsened and {better} improved.")
    else:
        text += f" No project's overall RAG changed since {fmt_date(c.previous_date)}."
    return text


def compliance(c: PackContent) -> str | None:
    """Share of active projects with a highlight report in the last 31 days (None: no data)."""
    mv = c.values["HIGHLIGHT_COMPLIANCE"]
    if mv.value is None:
        return None
    text = (f"{fmt_value(mv.value, '%')} of active projects sent a highlight report in the "
            f"31 days to {fmt_date(c.at)}")
    return text + (f" (target {fmt_value(mv.target, '%')})." if mv.target is not None else ".")


def milestones(c: PackContent) -> str:
    """Milestones achieved on time in the FY, and the median slippage."""
    on_time, slip = c.values["MILESTONES_ON_TIME"], c.values["MILESTONE_SLIPPAGE_DAYS"]
    if on_time.value is None:
        text = f"No milestones were achieved in {c.fy} up to {fmt_date(c.at)}"
    else:
        text = f"{fmt_value(on_time.value, '%')} of milestones achieved in {c.fy} were on time"
        if on_time.target is not None:
            text += f" (target {fmt_value(on_time.target, '%')})"
    if slip.value is not None:
        days = float(slip.value)
        text += ("; the median milestone is on its baseline date" if days == 0 else
                 f"; the median milestone is {fmt_value(abs(days), 'days')} "
                 f"{'late' if days > 0 else 'early'}")
    return text + "."


def benefits(c: PackContent) -> str:
    """Cash-releasing benefits realised for benefits due in the FY, against target or plan."""
    mv = c.values["BENEFITS_REALISED_GBP"]
    if mv.value is None:
        return f"No cash-releasing benefit due in {c.fy} has a realised value yet."
    text = (f"{fmt_value(mv.value, '£')} of cash-releasing benefits realised for benefits "
            f"due in {c.fy}")
    planned = c.benefits["planned_gbp"].sum() if len(c.benefits) else None
    if mv.target is not None:
        text += (f" against a target of {fmt_value(mv.target, '£')} "
                 f"({_pct(mv.value, mv.target)})")
    elif planned:
        text += f", of {fmt_value(float(planned), '£')} planned"
    return text + "."


def risks(c: PackContent) -> str | None:
    """Open high risks, compared with a year earlier (None: no data)."""
    mv = c.values["OPEN_HIGH_RISKS"]
    if mv.value is None:
        return None
    n = int(mv.value)
    text = f"{n:,} open high risk{'s' if n != 1 else ''} (likelihood x impact 15 or more)"
    prev = mv.previous.value if mv.previous else None
    if prev is not None:
        d = n - int(prev)
        text += (", the same as a year earlier" if d == 0 else
                 f", {abs(d)} {'more' if d > 0 else 'fewer'} than a year earlier")
    return text + "."


def spc(c: PackContent) -> str | None:
    """Special causes in the KPI table's SPC icons (None: no measure is charted)."""
    icons = [(r.metric, icon_kind(r.variation_icon)) for r in c.kpis.itertuples()]
    improving = [m for m, k in icons if k and k.startswith("improvement")]
    concern = [m for m, k in icons if k and k.startswith("concern")]
    charted = [m for m, k in icons if k]
    if not charted:
        return None
    bits = []
    if improving:
        bits.append("special cause improvement in " + _and(improving))
    if concern:
        bits.append("special cause concern in " + _and(concern))
    others = [m for m in charted if m not in improving and m not in concern]
    if bits:
        text = "SPC shows " + "; ".join(bits)
        if len(others) > 2:
            text += (f"; the other {len(others)} charted measures show common cause or "
                     "neutral variation")
        elif others:
            text += f"; common cause or neutral variation in {_and(others)}"
    else:
        text = f"SPC shows only common cause or neutral variation in {_and(others)}"
    return text + "."


def data_caveats(c: PackContent) -> str | None:
    """Stale sources and rejected rows (None when there is nothing to say)."""
    bits = []
    stale = [r for r in c.sources.itertuples() if str(r.caveat or "").find("stale") >= 0]
    if stale:
        bits.append(_and([f"{r.title} ({int(r.age_days)} days)" for r in stale])
                    + (" are" if len(stale) > 1 else " is")
                    + " older than usual at the as-at date")
    rejected = int(c.sources["rejected_last_import"].fillna(0).sum()) if len(c.sources) else 0
    if rejected:
        where = int((c.sources["rejected_last_import"].fillna(0) > 0).sum())
        bits.append(f"{rejected} row{'s' if rejected != 1 else ''} in {where} source"
                    f"{'s' if where != 1 else ''} failed validation at the last import and "
                    "are left out (see Data sources)")
    if not bits:
        return None
    return f"Data caveats: {'; '.join(bits)}."


#: Every sentence of the narrative, in order: the one registry (page labels, pack order).
SENTENCES: tuple[Topic, ...] = (
    Topic("training", "Training reach", training),
    Topic("immersive", "Immersive PM support", immersive),
    Topic("portfolio", "Portfolio RAG", portfolio),
    Topic("compliance", "Highlight reports", compliance),
    Topic("milestones", "Milestones", milestones),
    Topic("benefits", "Benefits", benefits),
    Topic("risks", "Risks", risks),
    Topic("spc", "SPC signals", spc),
    Topic("data", "Data caveats", data_caveats),
)


def write(c: PackContent) -> tuple[Sentence, ...]:
    """The sentences of ``SENTENCES`` for this content, in order, those with nothing to say
    left out."""
    out = []
    for topic in SENTENCES:
        text = topic.write(c)
        if text is not None:
            out.append(Sentence(topic.key, text))
    return tuple(out)


def narrative(db: Database, fy: str, as_at: date, service_group: str | None = None
              ) -> list[Sentence]:
    """The pack's executive-summary sentences, generated from the metric catalogue.

    One sentence each (in ``SENTENCES`` order, left out when the data say nothing): training
    reach ("87 staff trained against a year-to-date target of 80 (109%), on course for 126 by
    March"), immersive support, portfolio RAG and changes in the month before the evaluation
    date, highlight compliance, milestones, cash-releasing benefits, open high risks, SPC
    special causes, data caveats. Deterministic: same database and parameters, same words.
    """
    return list(write(gather(db, fy, as_at, service_group, full=False)))
