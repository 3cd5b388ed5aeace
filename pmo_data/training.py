"""Training reach: who the PMO trained, how bookings turned into completions, and whether
people left more confident.

Why this module exists: the PMO strategy's first aim is to train 120 trust staff a year. The
headline count, the DNA rate, the monthly trajectory and the run-rate forecast are catalogue
metrics (``pmo_data.metrics``); this module holds the other queries of the Training reach page
(reach by group, the course funnel, feedback and confidence, the count per year), all
aggregated in DuckDB with bound parameters.

Common rules (as the catalogue's):

* **Window**: session dates from the FY's 1 April to ``at = min(as_at, FY end)``; ``as_at``
  defaults to the latest data date. A FY that had not started at the as-at date has no data.
* **Service group**: the training row's own service_group (trimmed, case-insensitive).
* **Trained** = a row with attendance Attended. People are counted by staff_id (names are
  never stored).
* **Missing is not zero**: with no training rows in the window the answers are None / empty;
  a group with no recorded value is "Not recorded".

The course funnel, per course and in total, counts **enrolments**: one person (staff_id) on
one course with at least one session row dated in the window (a three-session course is one
enrolment, not three):

* **Booked**: every enrolment, whatever its outcome (attended, did not attend, cancelled,
  withdrawn, or still booked).
* **Attended**: enrolments with at least one session Attended.
* **Completed**: attended enrolments with at least one row whose completion reads as completed
  (``COMPLETED_VALUES``: yes, y, completed, complete, true, passed, pass, 1, case-insensitive).
  Attended enrolments with no completion value on any row are counted as "completion not
  recorded", not as incomplete; when none is recorded, Completed is None (missing).
* **DNA rate** is the catalogue's: Did not attend rows / (Attended + Did not attend rows), by
  row (session), as %.

Feedback and confidence use Attended rows only (someone who did not attend cannot rate it).
Confidence is **paired**: a pair is one row with both confidence_before and confidence_after
(1-10); the change is after - before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from pmo_data import metrics
from pmo_data.db import Database
from pmo_data.parse import fy_bounds, fy_of, parse_fy
from pmo_data.plan import kpi_status
from pmo_data.sqlparts import bind, fy_window, group_key, in_group

#: Completion values that mean the course was completed (folded: trimmed, lower case).
COMPLETED_VALUES: tuple[str, ...] = ("yes", "y", "completed", "complete", "true", "passed",
                                     "pass", "1")
#: Training columns the reach can be split by (identifiers from the source registry only).
GROUP_COLUMNS: dict[str, str] = {"service_group": "Service group", "staff_group": "Staff group",
                                 "band": "Band"}
NOT_RECORDED = "Not recorded"

_WINDOW = "session_date BETWEEN $start AND $at"

#: How the year-end forecast is made (``metrics.training_forecast``), for the page.
FORECAST_RULE = (
    "Staff trained so far / days elapsed since 1 April x days in the year: the year's "
    "average daily rate carried on to 31 March.")

#: The funnel definitions in one paragraph, for the page.
FUNNEL_RULES = (
    "An enrolment is one person on one course with a session in the period (a course of "
    "several sessions counts once). Booked: every enrolment, whatever happened. Attended: at "
    "least one session attended. Completed: attended, and the completion column reads yes or "
    "completed on one of its rows; attended enrolments with no completion recorded are "
    "counted separately, not as incomplete. DNA rate: sessions not attended / (attended + "
    "not attended), as the metric catalogue defines it.")


@dataclass(frozen=True)
class Window:
    """The period a training query covers: ``start`` = 1 April, ``at`` = min(as_at, FY end)."""

    fy: str
    start: date
    end: date
    as_at: date
    at: date
    sg: str | None

    @property
    def empty(self) -> bool:
        """True when the FY had not started at the as-at date."""
        return self.at < self.start

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "at": self.at, "sg": self.sg}

    @property
    def group(self) -> str:
        """The service-group condition on training rows (``sqlparts.in_group``)."""
        return in_group(self.sg).sql


def window(db: Database, fy: str, as_at: date | None = None,
           service_group: str | None = None) -> Window:
    """The window for ``fy`` at ``as_at`` (default the latest data date, else today).
    ValueError for something that is not a financial year."""
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year given")
    as_at = as_at or metrics.latest_data_date(db) or date.today()
    start, end, at = fy_window(normalised, as_at)
    return Window(normalised, start, end, as_at, at, group_key(service_group))


def _rows(db: Database, sql: str, w: Window, **extra: Any) -> list[tuple[Any, ...]]:
    return db.rows(sql, bind(sql, {**w.params(), **extra}))


# --- reach by group --------------------------------------------------------------------------


def reach_by_group(db: Database, fy: str, as_at: date | None = None,
                   service_group: str | None = None, by: str = "service_group") -> pd.DataFrame:
    """Distinct staff trained in the window per value of ``by`` (service_group, staff_group or
    band). Columns ``group``, ``trained``; most trained first, then by name. Blank values are
    "Not recorded". A person recorded in two groups (rows of different jobs) counts in each,
    so the groups can add up to more than the total. Empty when nobody was trained (or the
    FY had not started). ValueError for another column."""
    if by not in GROUP_COLUMNS:
        raise ValueError(f"cannot split training by {by!r}; use one of {', '.join(GROUP_COLUMNS)}")
    w = window(db, fy, as_at, service_group)
    rows = [] if w.empty else _rows(db, f"""
        SELECT coalesce(nullif(trim({by}), ''), '{NOT_RECORDED}') AS grp,
               count(DISTINCT staff_id) AS trained
        FROM training WHERE attendance = 'Attended' AND {_WINDOW} AND {w.group}
        GROUP BY 1 ORDER BY 2 DESC, 1""", w)
    return pd.DataFrame({"group": pd.Series([r[0] for r in rows], dtype="object"),
                         "trained": pd.Series([int(r[1]) for r in rows], dtype="int64")})


# --- the course funnel -----------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """The course funnel for a window (definitions in the module docstring).

    All counts are None when the window has no training rows. ``completed`` is None when no
    attended enrolment has a completion value. ``dna_rate`` (%) is None without Attended or
    DNA rows. ``by_course`` has one row per course: course, booked, attended, completed,
    completion_not_recorded, dna_places, outcome_places, attendance_pct (attended / booked),
    completion_pct (completed / attended with completion recorded), dna_rate; most booked
    first.
    """

    fy: str
    at: date
    booked: int | None
    attended: int | None
    completed: int | None
    completion_not_recorded: int | None
    dna_places: int | None
    outcome_places: int | None
    dna_rate: float | None
    by_course: pd.DataFrame = field(hash=False, compare=False)


def _pct(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else 100.0 * part / whole


def course_funnel(db: Database, fy: str, as_at: date | None = None,
                  service_group: str | None = None) -> Funnel:
    """Booked, attended and completed enrolments, in total and per course, and the DNA rate.
    One query (per course; the total is the sum, since enrolments are per course)."""
    w = window(db, fy, as_at, service_group)
    rows = [] if w.empty else _rows(db, f"""
        WITH e AS (
            SELECT course, staff_id,
                   bool_or(attendance = 'Attended') AS attended,
                   bool_or(list_contains($done, lower(trim(completion)))) AS done,
                   bool_or(trim(coalesce(completion, '')) <> '') AS recorded,
                   count(*) FILTER (WHERE attendance = 'Did not attend') AS dna,
                   count(*) FILTER (WHERE attendance IN ('Attended', 'Did not attend')) AS outc
            FROM training WHERE {_WINDOW} AND {w.group}
            GROUP BY course, staff_id)
        SELECT course, count(*) AS booked,
               count(*) FILTER (WHERE attended) AS attended,
               count(*) FILTER (WHERE attended AND done) AS completed,
               count(*) FILTER (WHERE attended AND NOT recorded) AS not_recorded,
               sum(dna) AS dna, sum(outc) AS outcome
        FROM e GROUP BY course ORDER BY booked DESC, course""", w,
        done=list(COMPLETED_VALUES))
    columns = ["course", "booked", "attended", "completed", "completion_not_recorded",
               "dna_places", "outcome_places"]
    frame = pd.DataFrame([[r[0], *(int(x) for x in r[1:])] for r in rows], columns=columns)
    for col in columns[1:]:
        frame[col] = frame[col].astype("int64")
    recorded = frame["attended"] - frame["completion_not_recorded"]
    frame["completed"] = frame["completed"].where(recorded > 0).astype("Int64")
    frame["attendance_pct"] = [_pct(a, b) for a, b in zip(frame["attended"], frame["booked"],
                                                          strict=True)]
    frame["completion_pct"] = [_pct(None if pd.isna(c) else c, r)
                               for c, r in zip(frame["completed"], recorded, strict=True)]
    frame["dna_rate"] = [_pct(d, o) for d, o in zip(frame["dna_places"],
                                                     frame["outcome_places"], strict=True)]
    for col in ("attendance_pct", "completion_pct", "dna_rate"):
        frame[col] = frame[col].astype("float64")
    if frame.empty:
        return Funnel(w.fy, w.at, None, None, None, None, None, None, None, frame)
    attended = int(frame["attended"].sum())
    not_recorded = int(frame["completion_not_recorded"].sum())
    completed = (int(frame["completed"].fillna(0).sum()) if attended > not_recorded else None)
    dna, outcome = int(frame["dna_places"].sum()), int(frame["outcome_places"].sum())
    return Funnel(w.fy, w.at, int(frame["booked"].sum()), attended, completed, not_recorded,
                  dna, outcome, _pct(dna, outcome), frame)


def funnel_table(funnel: Funnel) -> pd.DataFrame:
    """The per-course funnel with readable headings, for the page: Attended % is of booked,
    Completed % of attended enrolments with a completion record, DNA rate % of sessions."""
    return funnel.by_course.rename(columns={
        "course": "Course", "booked": "Booked", "attended": "Attended",
        "completed": "Completed", "completion_not_recorded": "No completion record",
        "attendance_pct": "Attended %", "completion_pct": "Completed %",
        "dna_rate": "DNA rate %",
    }).drop(columns=["dna_places", "outcome_places"])


# --- feedback and confidence -----------------------------------------------------------------


@dataclass(frozen=True)
class Confidence:
    """Paired confidence ratings (1-10) before and after, over Attended rows in the window.

    ``pairs`` rows had both ratings (of ``attended_places`` Attended rows). Means are None
    without pairs. ``before`` and ``after`` count pairs by rating 1..10; ``change`` counts
    pairs by after - before, every step from the lowest to the highest change seen (0
    always included); improved / unchanged / fell count pairs with change > 0, = 0, < 0.
    """

    attended_places: int
    pairs: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    improved: int
    unchanged: int
    fell: int
    before: tuple[tuple[int, int], ...]
    after: tuple[tuple[int, int], ...]
    change: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Feedback:
    """Feedback scores (1-5) on Attended rows in the window: ``responses`` of
    ``attended_places``, the mean (None without responses) and the count per score 1..5."""

    attended_places: int
    responses: int
    mean: float | None
    counts: tuple[tuple[int, int], ...]


def confidence_change(db: Database, fy: str, as_at: date | None = None,
                      service_group: str | None = None) -> Confidence:
    """Paired before/after confidence (definitions in the module docstring). The pairs are
    counted per (before, after) in DuckDB; the means are weighted from those counts."""
    w = window(db, fy, as_at, service_group)
    rows = [] if w.empty else _rows(db, f"""
        SELECT confidence_before, confidence_after, count(*) FROM training
        WHERE attendance = 'Attended' AND {_WINDOW} AND {w.group}
        GROUP BY ALL""", w)
    attended = sum(int(n) for _, _, n in rows)
    pairs = [(int(b), int(a), int(n)) for b, a, n in rows if b is not None and a is not None]
    total = sum(n for _, _, n in pairs)
    before = dict.fromkeys(range(1, 11), 0)
    after = dict.fromkeys(range(1, 11), 0)
    change: dict[int, int] = {}
    for b, a, n in pairs:
        before[b] = before.get(b, 0) + n
        after[a] = after.get(a, 0) + n
        change[a - b] = change.get(a - b, 0) + n
    steps = range(min([0, *change]), max([0, *change]) + 1)

    def mean(values: list[tuple[int, int]]) -> float | None:
        return sum(v * n for v, n in values) / total if total else None

    return Confidence(
        attended_places=attended, pairs=total,
        mean_before=mean([(b, n) for b, _, n in pairs]),
        mean_after=mean([(a, n) for _, a, n in pairs]),
        mean_change=mean([(a - b, n) for b, a, n in pairs]),
        improved=sum(n for b, a, n in pairs if a > b),
        unchanged=sum(n for b, a, n in pairs if a == b),
        fell=sum(n for b, a, n in pairs if a < b),
        before=tuple(sorted(before.items())), after=tuple(sorted(after.items())),
        change=tuple((s, change.get(s, 0)) for s in steps))


def feedback_scores(db: Database, fy: str, as_at: date | None = None,
                    service_group: str | None = None) -> Feedback:
    """Feedback scores on Attended rows in the window (see ``Feedback``)."""
    w = window(db, fy, as_at, service_group)
    rows = [] if w.empty else _rows(db, f"""
        SELECT feedback_score, count(*) FROM training
        WHERE attendance = 'Attended' AND {_WINDOW} AND {w.group}
        GROUP BY 1""", w)
    attended = sum(int(n) for _, n in rows)
    counts = dict.fromkeys(range(1, 6), 0)
    for score, n in rows:
        if score is not None:
            counts[int(score)] = counts.get(int(score), 0) + int(n)
    responses = sum(counts.values())
    mean = sum(s * n for s, n in counts.items()) / responses if responses else None
    return Feedback(attended, responses, mean, tuple(sorted(counts.items())))


# --- across the years ------------------------------------------------------------------------


def trained_by_year(db: Database, as_at: date | None = None,
                    service_group: str | None = None) -> pd.DataFrame:
    """Staff trained (the catalogue's TRAINED_STAFF) in every FY from the first with training
    records to the last with a TRAINED_STAFF target or the as-at year, whichever is later.

    Columns: fy, trained (None for a year not started or without data), target, ytd_target
    (current year only), status (``plan.kpi_status``), year_to_date (True for the year the
    as-at date falls in). Empty when there are no training records and no target.
    """
    at = as_at or metrics.latest_data_date(db) or date.today()
    first = db.scalar("SELECT min(session_date) FROM training "
                      "WHERE attendance IN ('Attended', 'Did not attend')")
    planned = [r[0] for r in db.rows(
        "SELECT DISTINCT financial_year FROM kpi_plan WHERE upper(trim(kpi_code)) = "
        "'TRAINED_STAFF' AND target IS NOT NULL")]
    starts = [int(fy[:4]) for fy in planned]
    if first is not None:
        starts += [int(fy_of(first)[:4]), int(fy_of(at)[:4])]
    columns = ["fy", "trained", "target", "ytd_target", "status", "year_to_date"]
    if not starts:
        return pd.DataFrame(columns=columns)
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(min(starts), max(starts) + 1)]
    values = metrics.compute_many(db, years, at, service_group, codes=("TRAINED_STAFF",))
    records = []
    for fy in years:
        start, end = fy_bounds(fy)
        mv = values[fy]["TRAINED_STAFF"]
        current = start <= at < end
        value = None if at < start else mv.value
        status = kpi_status(value, mv.target, mv.ytd_target, "up", True, fy, at)
        records.append([fy, value, mv.target, mv.ytd_target if current else None, status,
                        current])
    frame = pd.DataFrame(records, columns=columns)
    frame["trained"] = frame["trained"].astype("Int64")
    frame["target"] = frame["target"].astype("float64")
    frame["ytd_target"] = frame["ytd_target"].astype("float64")
    return frame


def years_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``trained_by_year`` with readable headings, for the page (blank = not known yet)."""
    return frame.drop(columns=["year_to_date"]).rename(columns={
        "fy": "Financial year", "trained": "Staff trained", "target": "Target",
        "ytd_target": "Pro-rata target to date", "status": "Status"})
