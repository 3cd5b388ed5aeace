"""The dates every figure is worked out at: financial years, the evaluation date, elapsed
months, the previous report date, the complete months of a chart.

Why this module exists: a figure "for 2025/26 as at 21 November 2026" must mean the same
date on every page, in the pack and on the command line. These rules used to be re-grown
in several places (the evaluation date on two pages only, three different "previous report"
dates: 31 days before, a calendar month before, the previous reporting date), so the
Overview, the pack and Portfolio history compared the portfolio with three different days.

Rules:

* **Financial year**: 1 April to 31 March, written ``2025/26``.
* **Evaluation date** ``at = min(as_at, 31 March of the FY)``: a past year is shown as it
  stood at its end; choosing last year shows last year's picture, not today's.
* **Elapsed months** at ``at``: the months of the FY whose last day is on or before ``at``
  (a part month does not count: 10 June gives 2, 30 June gives 3), 0..12. Year-to-date
  targets are the annual target x elapsed months / 12.
* **Previous report date**: the same day one calendar month before the evaluation date
  (the 31st becomes the month's last day: 31 March -> 28/29 February). "What changed since
  the previous report" compares the portfolio at that date with the portfolio at ``at``.
* **Complete months**: a monthly chart ends at the last month end on or before ``at`` (a
  part month would look like a fall).
* **To date**: a year, quarter or month still running at ``at`` is a part period and is
  labelled "to date".
"""

from __future__ import annotations

from datetime import date, timedelta

from pmo_data.parse import fy_bounds, fy_of, parse_fy

__all__ = ["complete_months_end", "elapsed_months", "evaluation_date", "fy_bounds", "fy_of",
           "is_part_period", "is_part_year", "month_end", "normalise_fy", "one_year_earlier",
           "previous_fy", "previous_report_date"]


def normalise_fy(fy: str) -> str:
    """``fy`` in the form ``2025/26``; ValueError when it is not a financial year."""
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year given")
    return normalised


def evaluation_date(fy: str, as_at: date) -> date:
    """``min(as_at, 31 March of fy)``: the date every figure for ``fy`` is worked out at.
    ValueError for a bad FY."""
    return min(as_at, fy_bounds(normalise_fy(fy))[1])


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def one_year_earlier(d: date) -> date:
    """The same day a year before (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def previous_fy(fy: str) -> str:
    """The financial year before ``fy``: 2025/26 -> 2024/25."""
    return fy_of(one_year_earlier(fy_bounds(fy)[0]))


def elapsed_months(fy: str, as_at: date) -> int:
    """Whole months of ``fy`` elapsed at ``as_at``: the months whose last day is on or before
    ``as_at``, clamped to 0..12 (10 June 2025 -> 2 for 2025/26; 30 June -> 3; before
    30 April -> 0; after the FY -> 12)."""
    start, end = fy_bounds(fy)
    at = min(as_at, end)
    if at < start:
        return 0
    months = (at.year - start.year) * 12 + at.month - start.month
    if at == month_end(at):
        months += 1
    return max(0, min(12, months))


def previous_report_date(at: date) -> date:
    """The same day one calendar month before ``at``, clamped to that month's last day:
    2 Dec -> 2 Nov, 31 Mar -> 28 (or 29) Feb, 15 Jan -> 15 Dec of the year before."""
    year, month = (at.year - 1, 12) if at.month == 1 else (at.year, at.month - 1)
    return min(date(year, month, 1) + timedelta(days=at.day - 1),
               month_end(date(year, month, 1)))


def complete_months_end(at: date) -> date:
    """``at`` if it is a month's last day, else the last day of the month before."""
    return at if at == month_end(at) else at.replace(day=1) - timedelta(days=1)


def is_part_period(first: date, last: date, at: date) -> bool:
    """True when the period ``first``..``last`` (a quarter, a month) is still running at
    ``at``: begun (``first <= at``) and not over (``at < last``). Its figures are "to date"."""
    return first <= at < last


def is_part_year(fy: str, as_at: date) -> bool:
    """True when ``fy`` is still running at ``as_at`` (started, not yet at 31 March)."""
    start, end = fy_bounds(normalise_fy(fy))
    return start <= as_at < end
