"""One way to write a number, a date, money and a target verdict, on screen and in the pack.

Why this module exists: the same figure used to read "-£1,200" on a page and "£-1,200" in
the pack, "13 days" and "13.0 days", "87%" and "87.0%", "9 Jun 2026", "09 Jun 2026" and
"9 June 2026". A board that spots two spellings of one number stops trusting both. Every
page, chart sentence, board-pack slide, HTML report and spreadsheet text cell writes values
through these functions, so a figure is spelt the same wherever it appears.

Rules:

* Numbers: thousands separators; rounded to one decimal, shown without the decimal when the
  rounded value is whole ("1,234", "12.5", "87" for 87.04).
* Units: a percentage unit ("%", "percent", ...) gives "87%"; "£" gives whole pounds with the
  sign before the symbol ("-£1,200"); "days" gives "1 day" / "13 days"; "count" or no unit
  gives the bare number; any other unit follows the number ("1,658 views").
* Missing is never zero: None (or NaN) is written "no data" unless the caller names another
  word.
* Changes: signed in the value's unit ("+3", "-£1,200", "+2 days"), percentages in points
  ("-4.2 pts"); "No change" when the change rounds to zero as the value would be written.
* Dates: "9 Jun 2026" (day without a leading zero, short month, year); monthly data by its
  month, "Jun 2026".
* Target verdicts use the words of ``pmo_data.plan`` (On track, Off track, Met, Not met ...).
"""

from __future__ import annotations

import math
from datetime import date

NO_DATA = "no data"
NO_DATE = "no date"
PERCENT_UNITS = frozenset({"%", "percent", "per cent", "percentage", "pct"})
MONEY_UNITS = frozenset({"£", "gbp"})
DAY_UNITS = frozenset({"days", "day"})
COUNT_UNITS = frozenset({"", "count"})


def is_missing(value: object) -> bool:
    """True for None and NaN (a value that must be shown as missing, never as 0)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def is_percent(unit: str | None) -> bool:
    """True for the units treated as a percentage ("%", "percent", "per cent", ...)."""
    return unit is not None and unit.strip().lower() in PERCENT_UNITS


def number(value: float) -> str:
    """``value`` with thousands separators, one decimal unless it rounds to a whole number:
    1234 -> "1,234", 12.46 -> "12.5", 87.04 -> "87", -0.04 -> "0"."""
    rounded = round(float(value), 1)
    if rounded == 0:
        return "0"
    if float(rounded).is_integer():
        return f"{rounded:,.0f}"
    return f"{rounded:,.1f}"


def value(v: float | None, unit: str | None, missing: str = NO_DATA) -> str:
    """A value with its unit, by the module's rules: "1,234", "86.9%", "-£1,200",
    "1 day", "13 days", "1,658 views"; ``missing`` for None or NaN."""
    if is_missing(v):
        return missing
    u = (unit or "").strip()
    low = u.lower()
    x = float(v)  # type: ignore[arg-type]
    if low in PERCENT_UNITS:
        return f"{number(x)}%"
    if low in MONEY_UNITS:
        pounds = round(x)
        return f"-£{abs(pounds):,.0f}" if pounds < 0 else f"£{pounds:,.0f}"
    if low in COUNT_UNITS:
        return number(x)
    if low in DAY_UNITS:
        return f"{number(x)} {'day' if number(abs(x)) == '1' else 'days'}"
    return f"{number(x)} {u}"


def unchanged(d: float, unit: str | None) -> bool:
    """True when a change ``d`` is written as no change: it rounds to zero as its value would
    be written (whole pounds for money, one decimal otherwise), so "+£0" or "+0" is never
    shown and a word judging the change agrees with its text."""
    if unit is not None and unit.strip().lower() in MONEY_UNITS:
        return round(d) == 0
    return round(d, 1) == 0


def delta(d: float, unit: str | None) -> str:
    """A signed change in a value's unit: "+3", "-4.2 pts" (percentage points), "+£1,200",
    "+2 days"; "No change" when it rounds to zero (``unchanged``)."""
    if unchanged(d, unit):
        return "No change"
    sign = "+" if d > 0 else "-"
    if is_percent(unit):
        return f"{sign}{number(abs(d))} pts"
    return sign + value(abs(d), unit)


def day(d: date | None, missing: str = NO_DATE) -> str:
    """"9 Jun 2026"; ``missing`` for None."""
    if d is None:
        return missing
    return f"{d.day} {d:%b %Y}"


def month(d: date | None, missing: str = NO_DATE) -> str:
    """"Jun 2026" (monthly data); ``missing`` for None."""
    if d is None:
        return missing
    return f"{d:%b %Y}"


def money_short(v: float | None, missing: str = "no value") -> str:
    """Pounds in a sentence or chart label, short: "£1.2m", "£45k", "£950", "-£3k";
    ``missing`` for None. Tiles and tables use ``value(v, "£")`` (whole pounds)."""
    if is_missing(v):
        return missing
    x = float(v)  # type: ignore[arg-type]
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= 1_000_000:
        return f"{sign}£{a / 1_000_000:,.1f}m"
    if a >= 10_000:
        return f"{sign}£{a / 1_000:,.0f}k"
    return f"{sign}£{a:,.0f}"


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut at a word and ending with "…" when it
    is longer (a single word longer than ``width`` is cut with "…"): a table cell never
    shows half a word."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut and text[width - 1] != " ":
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" -–,;:") + "…"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """"1 project", "3 projects" (``nouns`` for an irregular plural)."""
    return f"{n:,} {noun if n == 1 else (nouns or noun + 's')}"
