"""The one way a measure's monthly SPC chart is drawn and judged, wherever its verdict is
shown: the window, the monthly target, and when the limits are recalculated.

Why this module exists: the same measure was "special cause improvement" on the Five-year
plan page (five years of months, limits never recalculated after an obvious step) and
"common cause" on the Overview and in the pack (24 months), and the pack then counted
"the other 5 charted measures" from a third list. Every surface now builds a measure's
series and options here, so the verdict is the same everywhere.

Rules:

* **Window**: up to ``WINDOW_MONTHS`` (60) complete months ending at the last month end on
  or before the evaluation date (``pmo_data.periods.complete_months_end``). A part month is
  left out for every measure: a count for part of a month would look like a fall, and a
  rate for a few days is noise.
* **Monthly target** from the annual one: percentages and other rates keep the annual
  target; counts that build up over the year (staff trained, summed plan KPIs) use the
  annual target / 12; a monthly caseload (projects given immersive support) has none.
* **Step changes**: the limits are recalculated (a new segment with its own mean and
  limits) at each *sustained* shift: ``STEP_RUN`` (12) consecutive points all on one side
  of the median of the current segment's points before them (at least 12) start a new
  segment at their first point, and the search goes on from there. Declared step dates
  (an intervention the user names) are added to the detected ones. Making Data Count asks
  for limits to be recalculated only after a sustained, explained change; 12 points (a
  year of months) is that evidence here, where the 7-point rule already flags the shift
  as special cause while it builds up.
* Everything else is the Making Data Count default (``pmo_data.spc.SpcOptions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from statistics import median

from pmo_data import fmt
from pmo_data.periods import complete_months_end
from pmo_data.spc import SpcOptions, SpcResult, compute_spc

WINDOW_MONTHS = 60
STEP_RUN = 12

TARGET_AS_IS = "as_is"
TARGET_DIVIDE = "divide"
TARGET_NONE = "none"
#: Measures whose monthly series is a caseload (projects being supported in the month):
#: no annual target of distinct items converts to a monthly one.
CASELOAD_CODES = frozenset({"PROJECTS_SUPPORTED"})


def window(at: date, months: int = WINDOW_MONTHS) -> tuple[date, date]:
    """(first day, last day) of the chart: ``months`` complete months ending at the last
    month end on or before ``at``."""
    end = complete_months_end(at)
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), end


def target_rule(code: str, unit: str | None, cumulative: bool) -> str:
    """How the monthly target comes from the annual one: TARGET_AS_IS, TARGET_DIVIDE or
    TARGET_NONE (module rules)."""
    if code in CASELOAD_CODES:
        return TARGET_NONE
    if fmt.is_percent(unit):
        return TARGET_AS_IS
    return TARGET_DIVIDE if cumulative else TARGET_AS_IS


def monthly_target(annual: float | None, rule: str) -> float | None:
    """The monthly target under ``rule`` (None without an annual target)."""
    if annual is None or rule == TARGET_NONE:
        return None
    return annual / 12 if rule == TARGET_DIVIDE else annual


def step_dates(values: Sequence[float], months: Sequence[date], run: int = STEP_RUN
               ) -> tuple[date, ...]:
    """The dates where a sustained shift starts (module rules): a point ``k`` starts a new
    segment when the ``run`` points from ``k`` on all lie on one side (strictly) of the
    median of the current segment's points before ``k`` (at least ``run`` of them); the
    search then goes on from ``k``. The median, not the mean, so that a short burst does
    not drag the baseline and make its return look like a step."""
    starts: list[date] = []
    begin, n = 0, len(values)
    k = begin + run
    while k + run <= n:
        base = median(values[begin:k])
        ahead = values[k:k + run]
        if all(v > base for v in ahead) or all(v < base for v in ahead):
            starts.append(months[k])
            begin = k
            k = begin + run
        else:
            k += 1
    return tuple(starts)


def options(values: Sequence[float], months: Sequence[date],
            declared: Sequence[date] = (), base: SpcOptions | None = None) -> SpcOptions:
    """``base`` (Making Data Count defaults) with limits recalculated at the detected step
    dates and the ``declared`` ones."""
    chosen = base or SpcOptions()
    dates = sorted({*step_dates(values, months), *declared, *chosen.rebase_dates})
    return replace(chosen, rebase_dates=tuple(dates))


def verdict(values: Sequence[float], months: Sequence[date], direction: str,
            target: float | None, declared: Sequence[date] = ()) -> SpcResult:
    """The SPC result of a measure's window (``compute_spc`` with ``options``)."""
    return compute_spc(list(values), list(months), direction=direction, target=target,
                       options=options(values, months, declared))
