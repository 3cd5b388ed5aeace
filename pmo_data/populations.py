"""What "active", "open" and "very high" mean: the populations figures are counted over.

Why this module exists: "46 active projects, 5 Red" on the Overview and "50 live, 8 Red" on
Portfolio history, or 2 very high risks on one page and 4 on another, came from the same
words meaning different sets of rows (On hold projects counted in one place and not the
other; risks counted with and without their raised date). Each population is written here
once, as a SQL condition on bound parameters, and every page, the pack and the command line
count over it.

* **Active project at a date** ``$at``: stage Initiation, Planning, Delivery or Closure
  (``ACTIVE_STAGES``), and started by ``$at`` (a blank start date counts). The register
  holds today's stage only, so "at a date" means today's stage of the projects that had
  started. Pipeline, On hold and Closed projects are not active.
* **Open RAID item at a date** ``$at``: status Open today and raised on or before ``$at``
  (a blank raised date counts). The log has no status history.
* **Very high risk**: an open Risk with likelihood x impact of ``VERY_HIGH_SCORE`` (15) or
  more, each scored 1-5.

Conditions take a table alias (``"r."``, ``"p."`` or ``""``); the date is always the bound
``$at``, the stages the bound ``$active`` list.
"""

from __future__ import annotations

from pmo_data.schema import ACTIVE_STAGES

__all__ = ["ACTIVE_STAGES", "VERY_HIGH_SCORE", "active_project", "open_raid", "very_high"]

#: Likelihood x impact from which an open risk is "very high" (a 5x5 matrix's red zone).
VERY_HIGH_SCORE = 15


def active_project(alias: str = "", at: str = "at") -> str:
    """SQL condition: the project is active at the date bound as ``$<at>`` (``$active``
    bound to ``list(ACTIVE_STAGES)``)."""
    return (f"(list_contains($active, {alias}stage) AND ({alias}start_date IS NULL "
            f"OR {alias}start_date <= CAST(${at} AS DATE)))")


def open_raid(alias: str = "", at: str = "at") -> str:
    """SQL condition: the RAID item is open at the date bound as ``$<at>``."""
    return (f"({alias}status = 'Open' AND ({alias}raised_date IS NULL "
            f"OR {alias}raised_date <= CAST(${at} AS DATE)))")


def very_high(alias: str = "") -> str:
    """SQL condition: a very high risk score (the item's type and status are checked by the
    caller)."""
    return f"({alias}likelihood * {alias}impact >= {VERY_HIGH_SCORE})"
