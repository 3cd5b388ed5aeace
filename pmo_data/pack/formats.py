"""How the board pack prints values and dates ("87", "85.3%", "£351,500", "21 November 2026").

Why this module exists: every slide, section and sentence of the pack formats through these
two functions, so a figure reads the same in the PowerPoint, the HTML and the narrative.
"""

from __future__ import annotations

import math
from datetime import date


def fmt_date(day: date | None) -> str:
    """``21 November 2026`` (UK long form); "no date" for None."""
    return f"{day.day} {day:%B %Y}" if day else "no date"


def fmt_value(value: float | None, unit: str) -> str:
    """A metric value for people: ``87``, ``85.3%``, ``£351,500``, ``12 days``; "no data".

    Whole numbers print without decimals; other values with one decimal (pounds: none).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    v = float(value)
    if unit == "£":
        return f"£{v:,.0f}"
    text = f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"
    if unit == "%":
        return f"{text}%"
    if unit == "days":
        return f"{text} day{'s' if abs(v) != 1 else ''}"
    return text
