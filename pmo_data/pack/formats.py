"""How the board pack prints values and dates: the dashboard's one formatter.

Why this module exists: the slides, sections and sentences import these two names; they are
``pmo_data.fmt.day`` and ``pmo_data.fmt.value``, so a figure in the pack is spelt exactly as
on the pages ("1,658 views", "87%", "-£1,200", "9 Jun 2026").
"""

from __future__ import annotations

from pmo_data import fmt

fmt_date = fmt.day
fmt_value = fmt.value
