"""One way to judge a measure's monthly chart (``pmo_data.spc_rules``)."""

from __future__ import annotations

from datetime import date

from pmo_data import spc_rules


def _months(n: int) -> list[date]:
    return [date(2021 + (i // 12), i % 12 + 1, 1) for i in range(n)]


def test_window_is_complete_months() -> None:
    assert spc_rules.window(date(2025, 6, 30)) == (date(2020, 7, 1), date(2025, 6, 30))
    assert spc_rules.window(date(2025, 6, 10), 24) == (date(2023, 6, 1), date(2025, 5, 31))


def test_monthly_target_rules() -> None:
    assert spc_rules.target_rule("TRAINED_STAFF", "count", True) == spc_rules.TARGET_DIVIDE
    assert spc_rules.target_rule("X", "%", True) == spc_rules.TARGET_AS_IS
    assert spc_rules.target_rule("PROJECTS_SUPPORTED", "count", True) == spc_rules.TARGET_NONE
    assert spc_rules.monthly_target(120, spc_rules.TARGET_DIVIDE) == 10
    assert spc_rules.monthly_target(90, spc_rules.TARGET_AS_IS) == 90
    assert spc_rules.monthly_target(20, spc_rules.TARGET_NONE) is None
    assert spc_rules.monthly_target(None, spc_rules.TARGET_DIVIDE) is None


def test_a_sustained_step_starts_a_new_segment() -> None:
    # 24 months around 10, then 24 around 20 (a clear step at month 25)
    values = [12 - (i % 3) for i in range(24)] + [20 + (i % 3) for i in range(24)]
    months = _months(48)
    assert spc_rules.step_dates(values, months) == (months[24],)
    result = spc_rules.verdict(values, months, "up", None)
    assert result.variation_icon == "common_cause"  # the new segment is stable
    # without the recalculation the step is special cause improvement
    from pmo_data.spc import compute_spc

    assert compute_spc(values, months, direction="up").variation_icon.startswith("improvement")


def test_no_step_in_a_stable_series() -> None:
    values = [10 + (i % 4) for i in range(48)]
    assert spc_rules.step_dates(values, _months(48)) == ()


def test_a_run_just_short_of_the_rule_is_not_a_step() -> None:
    # 13 points around 10, then 11 high points (one short of 12): no new segment
    values = [10 + (i % 3) for i in range(13)] + [30] * 11 + [10 + (i % 3) for i in range(13)]
    assert spc_rules.step_dates(values, _months(len(values))) == ()


def test_declared_steps_are_added() -> None:
    months = _months(30)
    opts = spc_rules.options([5.0] * 30, months, declared=(months[10],))
    assert opts.rebase_dates == (months[10],)
