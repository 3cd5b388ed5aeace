"""Unit tests of the Making Data Count XmR engine (pmo_data.spc).

Most cases sit on a fixed baseline so the limits are known by hand:
BASE_HI = [0, 100] * 7 (ends above the mean) and BASE_LO = [100, 0] * 7 (ends below it) both
have mean 50 and every moving range 100, so mean mR = 100, process limits 50 +/- 266 =
-216 .. 316 and two-sigma lines 50 +/- 177.33 = -127.33 .. 227.33. With
``baseline_points=14`` points appended after the baseline do not move those limits.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_data.spc import (
    CONCERN,
    IMPROVEMENT,
    NEUTRAL_HIGH,
    NEUTRAL_LOW,
    POINT_TYPES,
    VARIATION_ICONS,
    SpcOptions,
    SpcResult,
    assurance_icon,
    compute_spc,
    fmt_number,
    variation_icon,
)

BASE_HI = [0.0, 100.0] * 7
BASE_LO = [100.0, 0.0] * 7
FIXED = SpcOptions(baseline_points=14)
ROOT = Path(__file__).resolve().parents[1]


def monthly(n: int, year: int = 2024, month: int = 2) -> list[date]:
    """n first-of-month dates starting at year-month."""
    out = []
    for i in range(n):
        m = month - 1 + i
        out.append(date(year + m // 12, m % 12 + 1, 1))
    return out


def types(result: SpcResult) -> list[str]:
    return [p.type for p in result.points]


def flagged(result: SpcResult, rule: str | None = None) -> list[int]:
    """Indices of special-cause points (optionally only those flagged by one rule)."""
    return [p.index for p in result.points if p.special_cause and (rule is None or rule in p.rules)]


def tail(base: list[float], extra: list[float], **kw: object) -> SpcResult:
    """Baseline-fixed result for base + extra."""
    kw.setdefault("options", FIXED)
    return compute_spc(base + extra, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# published reference cases

RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.2240818, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.7013559, -0.47279141,
]  # fmt: skip

MDC_SERIES = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_reference_nhsrplotthedots_rnorm_screened() -> None:
    """NHSRplotthedots (screen_outliers = TRUE) on R's set.seed(123); rnorm(20)."""
    r = compute_spc(RNORM_20, options=SpcOptions(screen_outliers=True))
    assert r.mean == pytest.approx(0.1416238, abs=5e-8)
    assert r.lpl == pytest.approx(-3.01138, abs=5e-6)
    assert r.upl == pytest.approx(3.294627, abs=5e-7)
    assert set(types(r)) == {"common_cause"}
    assert r.segments[0].excluded_moving_ranges == ()  # largest mR 2.67 < 3.267 x 1.185
    assert r.variation_icon == "common_cause"


def test_reference_mdc_excel_with_screening() -> None:
    """MDC Excel tool: moving ranges 8 and 9 exceed 3.267 x 32/17, leaving fifteen 1s."""
    r = compute_spc(MDC_SERIES, direction="up", options=SpcOptions(screen_outliers=True))
    assert round(r.upl, 2) == 4.60
    assert round(r.mean, 2) == 1.94
    assert round(r.lpl, 2) == -0.72
    assert r.mean == pytest.approx(35 / 18)
    assert r.mean_moving_range == 1.0
    assert r.segments[0].excluded_moving_ranges == (4, 5)
    assert flagged(r) == [4]
    assert r.points[4].type == IMPROVEMENT
    assert r.points[4].rules == ("beyond_limits",)


def test_reference_mdc_excel_without_screening() -> None:
    r = compute_spc(MDC_SERIES, direction="up")
    assert round(r.upl, 2) == 6.95
    assert round(r.mean, 2) == 1.94
    assert round(r.lpl, 2) == -3.06
    assert r.mean_moving_range == pytest.approx(32 / 17)
    assert r.segments[0].excluded_moving_ranges == ()
    assert flagged(r) == [4]
    assert r.points[4].type == IMPROVEMENT


# ------------------------------------------------------------------------------------------
# limits


def test_limits_by_hand() -> None:
    r = compute_spc([2.0, 4.0] * 7)  # mean 3, every mR 2
    assert r.mean == 3.0
    assert r.mean_moving_range == 2.0
    assert r.upl == pytest.approx(3 + 5.32)
    assert r.lpl == pytest.approx(3 - 5.32)
    assert r.upper_two_sigma == pytest.approx(3 + 2 / 3 * 5.32)
    assert r.lower_two_sigma == pytest.approx(3 - 2 / 3 * 5.32)
    assert [p.moving_range for p in r.points[:3]] == [None, 2.0, 2.0]
    assert all(p.upl == r.upl and p.lpl == r.lpl and p.mean == 3.0 for p in r.points)


def test_baseline_limits_are_exact() -> None:
    r = tail(BASE_HI, [40.0])
    assert (r.mean, r.mean_moving_range, r.upl, r.lpl) == (50.0, 100.0, 316.0, -216.0)
    assert r.upper_two_sigma == pytest.approx(227.3333333)
    assert r.segments[0].limit_points == 14


def test_baseline_fixes_limits_whatever_follows() -> None:
    a = tail(BASE_HI, [40.0, 45.0, 30.0])
    b = tail(BASE_HI, [90.0, -100.0, 200.0])
    assert (a.mean, a.upl, a.lpl) == (b.mean, b.upl, b.lpl) == (50.0, 316.0, -216.0)
    unfixed = compute_spc(BASE_HI + [90.0, -100.0, 200.0])
    assert unfixed.mean != 50.0


def test_baseline_longer_than_series_uses_all_points() -> None:
    r = compute_spc(BASE_HI, options=SpcOptions(baseline_points=40))
    assert r.segments[0].limit_points == 14
    assert r.mean == 50.0


def test_screening_keeps_the_mean_and_drops_only_large_ranges() -> None:
    # mRs: 13 x 1 and one 20 -> mean 33/14 = 2.357; 3.267 x 2.357 = 7.7 -> 20 is dropped
    values = [0.0, 1.0] * 7 + [21.0]
    r = compute_spc(values, options=SpcOptions(screen_outliers=True))
    assert r.mean == pytest.approx(sum(values) / 15)
    assert r.mean_moving_range == 1.0
    assert r.segments[0].excluded_moving_ranges == (14,)
    plain = compute_spc(values)
    assert plain.mean_moving_range == pytest.approx(33 / 14)


# ------------------------------------------------------------------------------------------
# beyond the limits: strict


def test_point_on_upper_limit_is_not_beyond() -> None:
    r = tail(BASE_HI, [316.0], direction="up")
    assert flagged(r) == []
    assert r.variation_icon == "common_cause"


def test_point_just_above_upper_limit_is_beyond() -> None:
    r = tail(BASE_HI, [316.01], direction="up")
    assert flagged(r, "beyond_limits") == [14]
    assert r.points[14].type == IMPROVEMENT


def test_point_on_lower_limit_is_not_beyond_and_below_is() -> None:
    assert flagged(tail(BASE_HI, [-216.0], direction="up")) == []
    r = tail(BASE_HI, [-216.01], direction="up")
    assert flagged(r, "beyond_limits") == [14]
    assert r.points[14].type == CONCERN


# ------------------------------------------------------------------------------------------
# shift


def test_shift_of_exactly_seven_points_is_flagged() -> None:
    r = tail(BASE_LO, [60.0] * 7, direction="up")
    assert flagged(r, "shift") == list(range(14, 21))
    assert set(types(r)[14:]) == {IMPROVEMENT}
    assert set(types(r)[:14]) == {"common_cause"}


def test_six_points_on_one_side_is_not_a_shift() -> None:
    r = tail(BASE_LO, [60.0] * 6, direction="up")
    assert flagged(r) == []


def test_shift_counts_the_baseline_point_on_the_same_side() -> None:
    # BASE_HI ends with 100, above the mean: 100 + six 60s make a run of 7
    r = tail(BASE_HI, [60.0] * 6, direction="up")
    assert flagged(r, "shift") == list(range(13, 20))


def test_every_point_of_a_longer_run_is_flagged() -> None:
    r = tail(BASE_LO, [60.0] * 9, direction="up")
    assert flagged(r, "shift") == list(range(14, 23))


def test_point_on_the_mean_breaks_a_run() -> None:
    r = tail(BASE_LO, [60.0] * 3 + [50.0] + [60.0] * 3, direction="up")
    assert flagged(r) == []
    r = tail(BASE_LO, [60.0] * 3 + [50.0] + [60.0] * 7, direction="up")
    assert flagged(r, "shift") == list(range(18, 25))
    assert r.points[17].type == "common_cause"


def test_shift_below_the_mean_direction_down_is_improvement() -> None:
    r = tail(BASE_HI, [40.0] * 7, direction="down")
    assert flagged(r, "shift") == list(range(14, 21))
    assert set(types(r)[14:]) == {IMPROVEMENT}
    assert r.variation_icon == "improvement_low"


def test_shift_points_option() -> None:
    opts = SpcOptions(baseline_points=14, shift_points=6)
    assert flagged(tail(BASE_LO, [60.0] * 6, options=opts)) == list(range(14, 20))
    opts = SpcOptions(baseline_points=14, shift_points=8)
    assert flagged(tail(BASE_LO, [60.0] * 7, options=opts)) == []


# ------------------------------------------------------------------------------------------
# trend

RISE_7 = [21.0, 31.0, 41.0, 51.0, 61.0, 71.0, 81.0]  # after BASE_HI: 100 -> 21 is a fall


def test_trend_of_seven_rising_points() -> None:
    r = tail(BASE_HI, RISE_7, direction="up")
    assert flagged(r, "trend") == list(range(14, 21))
    assert flagged(r) == list(range(14, 21))
    assert set(types(r)[14:]) == {IMPROVEMENT}
    assert r.variation_icon == "improvement_high"


def test_six_rising_points_are_not_a_trend() -> None:
    assert flagged(tail(BASE_HI, RISE_7[:6], direction="up")) == []


def test_trend_includes_the_point_it_starts_from() -> None:
    # BASE_LO ends with 0: 0 -> 21 rises, so 0 + six rising points make 7
    r = tail(BASE_LO, RISE_7[:6], direction="up")
    assert flagged(r, "trend") == list(range(13, 20))


def test_tie_breaks_a_trend() -> None:
    values = [21.0, 31.0, 41.0, 41.0, 51.0, 61.0, 71.0, 81.0]  # 3 rising, tie, 5 rising
    assert flagged(tail(BASE_HI, values)) == []
    opts = SpcOptions(baseline_points=14, trend_points=5)
    assert flagged(tail(BASE_HI, values, options=opts), "trend") == list(range(17, 22))


def test_falling_trend_is_low() -> None:
    falling = [79.0, 69.0, 59.0, 49.0, 39.0, 29.0, 19.0]  # after BASE_LO: 0 -> 79 rises
    r = tail(BASE_LO, falling, direction="up")
    assert flagged(r, "trend") == list(range(14, 21))
    assert set(types(r)[14:]) == {CONCERN}
    r = tail(BASE_LO, falling, direction="down")
    assert set(types(r)[14:]) == {IMPROVEMENT}


def test_peak_between_two_trends_is_concern() -> None:
    values = [11.0, 21.0, 31.0, 41.0, 51.0, 61.0, 71.0, 65.0, 55.0, 45.0, 35.0, 25.0, 15.0]
    r = tail(BASE_HI, values, direction="up")
    assert flagged(r, "trend") == list(range(14, 27))
    assert types(r)[14:20] == [IMPROVEMENT] * 6
    assert r.points[20].value == 71.0 and r.points[20].type == CONCERN
    assert types(r)[21:] == [CONCERN] * 6


def test_rising_trend_below_the_mean_conflicts_and_concern_wins() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # a rising trend (high) and a low shift
    for direction in ("up", "down"):
        r = tail(BASE_HI, values, direction=direction)
        assert flagged(r) == list(range(14, 21))
        assert all(set(p.rules) == {"shift", "trend"} for p in r.points[14:])
        assert set(types(r)[14:]) == {CONCERN}
    assert tail(BASE_HI, values, direction="up").variation_icon == "concern_low"
    assert tail(BASE_HI, values, direction="down").variation_icon == "concern_high"
    neither = tail(BASE_HI, values, direction="neither")
    assert set(types(neither)[14:]) == {NEUTRAL_LOW}  # below the mean: low side


def test_trend_points_option() -> None:
    opts = SpcOptions(baseline_points=14, trend_points=6)
    assert flagged(tail(BASE_HI, RISE_7[:6], options=opts), "trend") == list(range(14, 20))


# ------------------------------------------------------------------------------------------
# two of three beyond two sigma (upper 227.33, lower -127.33, limits -216 .. 316)


def test_two_of_three_flags_the_two_points_beyond_two_sigma() -> None:
    r = tail(BASE_HI, [250.0, 240.0, 40.0], direction="up")
    assert flagged(r, "two_of_three") == [14, 15]
    assert r.points[16].type == "common_cause"
    assert types(r)[14:16] == [IMPROVEMENT, IMPROVEMENT]


def test_two_of_three_third_point_may_be_across_the_mean() -> None:
    r = tail(BASE_HI, [250.0, 40.0, 250.0], direction="up")
    assert flagged(r) == [14, 16]
    assert r.points[15].type == "common_cause"


def test_two_beyond_two_sigma_four_apart_do_not_count() -> None:
    assert flagged(tail(BASE_HI, [250.0, 40.0, 40.0, 250.0])) == []


def test_two_of_three_needs_the_same_side() -> None:
    assert flagged(tail(BASE_HI, [250.0, -150.0, 40.0])) == []


def test_one_beyond_two_sigma_alone_is_common_cause() -> None:
    assert flagged(tail(BASE_HI, [250.0, 40.0, 60.0])) == []


def test_two_of_three_low_side() -> None:
    r = tail(BASE_HI, [-150.0, 40.0, -140.0], direction="up")
    assert flagged(r, "two_of_three") == [14, 16]
    assert r.points[14].type == CONCERN


def test_point_exactly_on_two_sigma_line_does_not_count() -> None:
    line = tail(BASE_HI, [0.0]).upper_two_sigma
    assert line is not None
    assert flagged(tail(BASE_HI, [250.0, line, 40.0])) == []


def test_beyond_limits_counts_for_two_of_three_by_default() -> None:
    r = tail(BASE_HI, [250.0, 40.0, 400.0], direction="up")
    assert flagged(r, "two_of_three") == [14, 16]
    assert r.points[16].rules == ("beyond_limits", "two_of_three")


def test_beyond_limits_excluded_from_two_of_three_when_asked() -> None:
    opts = SpcOptions(baseline_points=14, beyond_3_sigma_counts_for_two_of_three=False)
    r = tail(BASE_HI, [250.0, 40.0, 400.0], direction="up", options=opts)
    assert flagged(r) == [16]
    assert r.points[16].rules == ("beyond_limits",)


def test_three_of_three() -> None:
    r = tail(BASE_HI, [250.0, 260.0, 255.0])
    assert flagged(r, "two_of_three") == [14, 15, 16]
    assert set(types(r)[14:]) == {NEUTRAL_HIGH}


# ------------------------------------------------------------------------------------------
# direction and icons


@pytest.mark.parametrize(
    ("extra", "direction", "icon", "point_type"),
    [
        ([40.0], "up", "common_cause", "common_cause"),
        ([400.0], "up", "improvement_high", IMPROVEMENT),
        ([-300.0], "down", "improvement_low", IMPROVEMENT),
        ([400.0], "down", "concern_high", CONCERN),
        ([-300.0], "up", "concern_low", CONCERN),
        ([400.0], "neither", "neutral_high", NEUTRAL_HIGH),
        ([-300.0], "neither", "neutral_low", NEUTRAL_LOW),
    ],
)
def test_variation_icon_from_the_last_point(
    extra: list[float], direction: str, icon: str, point_type: str
) -> None:
    r = tail(BASE_HI, extra, direction=direction)
    assert r.points[-1].type == point_type
    assert r.variation_icon == icon


def test_variation_icon_ignores_earlier_special_cause() -> None:
    r = tail(BASE_HI, [400.0, 40.0], direction="up")
    assert r.points[14].type == IMPROVEMENT
    assert r.variation_icon == "common_cause"


def test_variation_icon_function() -> None:
    assert variation_icon(IMPROVEMENT, "up") == "improvement_high"
    assert variation_icon(IMPROVEMENT, "down") == "improvement_low"
    assert variation_icon(CONCERN, "up") == "concern_low"
    assert variation_icon(CONCERN, "down") == "concern_high"
    assert variation_icon("common_cause", "neither") == "common_cause"
    with pytest.raises(ValueError):
        variation_icon(IMPROVEMENT, "neither")
    with pytest.raises(ValueError):
        variation_icon("special", "up")


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("up", -300.0, "pass"),  # lpl -216 > target
        ("up", 400.0, "fail"),  # upl 316 < target
        ("up", 100.0, "hit_or_miss"),
        ("up", -216.0, "hit_or_miss"),  # exactly on the lower limit
        ("up", 316.0, "hit_or_miss"),  # exactly on the upper limit
        ("down", 400.0, "pass"),
        ("down", -300.0, "fail"),
        ("down", 316.0, "hit_or_miss"),
        ("down", 0.0, "hit_or_miss"),
        ("neither", 400.0, None),
        ("up", None, None),
    ],
)
def test_assurance_icon(direction: str, target: float | None, expected: str | None) -> None:
    r = tail(BASE_HI, [40.0], direction=direction, target=target)
    assert r.assurance_icon == expected
    assert assurance_icon(direction, target, -216.0, 316.0) == expected


def test_assurance_uses_the_latest_segment() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 7 + [20.0, 24.0] * 7  # segment limits 11 +/- 5.32, 22 +/- 10.64
    opts = SpcOptions(rebase_dates=(ds[14],))
    r = compute_spc(values, ds, direction="up", target=10.0, options=opts)
    assert r.assurance_icon == "pass"  # 10 < 22 - 10.64 = 11.36
    r = compute_spc(values, ds, direction="up", target=10.0)
    assert r.assurance_icon == "hit_or_miss"


def test_assurance_icon_function_without_limits() -> None:
    assert assurance_icon("up", 5.0, None, None) is None


# ------------------------------------------------------------------------------------------
# minimum points, empty, constant


def test_fewer_than_min_points_gives_no_limits() -> None:
    r = compute_spc([1.0, 2.0, 30.0] * 4, direction="up", target=2.0)  # 12 points
    assert (r.upl, r.lpl, r.upper_two_sigma, r.mean_moving_range) == (None, None, None, None)
    assert r.mean == pytest.approx(11.0)
    assert not r.has_limits and r.segments == ()
    assert set(types(r)) == {"common_cause"}
    assert all(p.rules == () and p.upl is None for p in r.points)
    assert r.variation_icon is None and r.assurance_icon is None
    assert r.limits_reason == "Only 12 points; at least 13 are needed for process limits."
    assert r.summary.startswith("Too few points for process limits (12 of the 13 needed)")


def test_exactly_min_points_gives_limits() -> None:
    r = compute_spc([1.0, 2.0] * 6 + [1.0])
    assert r.has_limits and r.upl is not None and r.limits_reason is None


def test_min_points_option() -> None:
    r = compute_spc([1.0, 2.0] * 5, options=SpcOptions(min_points=10))
    assert r.has_limits
    r = compute_spc([1.0, 2.0] * 5, options=SpcOptions(min_points=11))
    assert not r.has_limits


def test_empty_series() -> None:
    r = compute_spc([])
    assert r.points == () and r.mean is None and r.variation_icon is None
    assert r.summary == "No data points to chart."
    assert r.limits_reason == "No data points."


def test_constant_series_is_not_special_cause() -> None:
    r = compute_spc([5.0] * 15, direction="up")
    assert (r.mean, r.upl, r.lpl, r.mean_moving_range) == (5.0, 5.0, 5.0, 0.0)
    assert flagged(r) == []
    assert r.variation_icon == "common_cause"
    assert r.limits_reason is not None and "zero" in r.limits_reason
    assert r.summary == (
        "Common cause variation; every moving range is zero (the values do not change), so "
        "the process limits equal the mean of 5 and no point can fall outside them."
    )


@pytest.mark.parametrize(("target", "icon"), [(4.0, "pass"), (6.0, "fail"), (5.0, "hit_or_miss")])
def test_constant_series_assurance(target: float, icon: str) -> None:
    assert compute_spc([5.0] * 15, direction="up", target=target).assurance_icon == icon


def test_constant_baseline_still_finds_a_shift_but_nothing_beyond() -> None:
    r = compute_spc([5.0] * 13 + [6.0] * 7, direction="up", options=SpcOptions(baseline_points=13))
    assert flagged(r) == list(range(13, 20))
    assert all(p.rules == ("shift",) for p in r.points[13:])
    assert "every moving range in the baseline is zero" in r.summary


# ------------------------------------------------------------------------------------------
# rebase


def test_rebase_gives_each_segment_its_own_limits() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 7 + [20.0, 24.0] * 7
    r = compute_spc(values, ds, direction="up", options=SpcOptions(rebase_dates=(ds[14],)))
    first, second = r.segments
    assert (first.start, first.end, first.mean, first.mean_moving_range) == (0, 14, 11.0, 2.0)
    assert (second.start, second.end, second.mean, second.mean_moving_range) == (14, 28, 22.0, 4.0)
    assert second.start_date == ds[14]
    assert r.points[13].upl == pytest.approx(16.32) and r.points[14].upl == pytest.approx(32.64)
    assert r.points[14].moving_range is None  # no moving range across the rebase
    assert (r.mean, r.upl) == (22.0, pytest.approx(32.64))
    assert flagged(r) == []
    assert r.warnings == ()


def test_without_rebase_the_step_is_a_shift() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 7 + [20.0, 24.0] * 7
    r = compute_spc(values, ds, direction="up")
    assert r.mean == 16.5
    assert flagged(r, "shift") == list(range(28))
    assert r.summary.startswith(
        "Special cause improvement: 14 points above the mean since Apr 2025"
    )


def test_rebase_date_between_points_starts_at_the_next_point() -> None:
    ds = monthly(28)
    opts = SpcOptions(rebase_dates=(date(2025, 3, 15),))  # ds[13] = Mar 2025
    r = compute_spc([10.0, 12.0] * 14, ds, options=opts)
    assert [s.start for s in r.segments] == [0, 14]


def test_rebase_dates_outside_the_data_are_ignored_with_a_warning() -> None:
    ds = monthly(14)
    opts = SpcOptions(rebase_dates=(date(2020, 1, 1), date(2030, 1, 1)))
    r = compute_spc([10.0, 12.0] * 7, ds, options=opts)
    assert len(r.segments) == 1
    assert len(r.warnings) == 2 and all("outside the data" in w for w in r.warnings)


def test_rebase_leaving_one_point_is_ignored_with_a_warning() -> None:
    ds = monthly(14)
    r = compute_spc([10.0, 12.0] * 7, ds, options=SpcOptions(rebase_dates=(ds[13],)))
    assert len(r.segments) == 1
    assert "fewer than 2 points" in r.warnings[0]


def test_short_segment_warns() -> None:
    ds = monthly(20)
    r = compute_spc([10.0, 12.0] * 10, ds, options=SpcOptions(rebase_dates=(ds[14],)))
    assert [s.limit_points for s in r.segments] == [14, 6]
    assert r.warnings == (
        "Limits from Apr 2025 rest on 6 points; fewer than 12 may be unreliable.",
    )


def test_baseline_applies_within_each_segment() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 7 + [20.0, 24.0, 20.0, 24.0, 100.0, 100.0] + [22.0] * 8
    opts = SpcOptions(rebase_dates=(ds[14],), baseline_points=4)
    r = compute_spc(values, ds, options=opts)
    assert [s.limit_points for s in r.segments] == [4, 4]
    assert r.segments[1].mean == 22.0 and r.segments[1].mean_moving_range == 4.0


def test_rebase_needs_dates() -> None:
    with pytest.raises(ValueError, match="rebase_dates need dates"):
        compute_spc([1.0] * 14, options=SpcOptions(rebase_dates=(date(2025, 1, 1),)))


def test_trend_runs_across_a_rebase() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 6 + [9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0] + [14.0, 16.0] * 4 + [15]
    r = compute_spc(values, ds, options=SpcOptions(rebase_dates=(ds[15],)))
    assert flagged(r, "trend") == list(range(12, 19))


# ------------------------------------------------------------------------------------------
# summary sentence


def test_summary_shift_with_dates() -> None:
    r = tail(BASE_LO, [60.0] * 7, dates=monthly(21), direction="up")
    assert r.summary == "Special cause improvement: 7 points above the mean since Apr 2025."


def test_summary_without_dates_names_the_point() -> None:
    r = tail(BASE_LO, [60.0] * 7, direction="up")
    assert r.summary == "Special cause improvement: 7 points above the mean since point 15."


def test_summary_with_daily_dates() -> None:
    ds = [date(2025, 4, d) for d in range(1, 22)]
    r = tail(BASE_LO, [40.0] * 7, dates=ds, direction="up")
    assert r.summary == "Special cause concern: 8 points below the mean since 14 Apr 2025."


def test_summary_common_cause_with_target_hit_or_miss() -> None:
    r = compute_spc([100.0, 140.0] * 7, direction="up", target=120.0)
    assert r.summary == (
        "Common cause variation; the target of 120 lies within the process limits, so it may "
        "or may not be met (hit or miss)."
    )


def test_summary_pass_and_fail() -> None:
    up_pass = tail(BASE_HI, [40.0], direction="up", target=-300.0)
    assert up_pass.summary.endswith(
        "the target of -300 is below the lower process limit, so it will consistently be met "
        "(pass)."
    )
    down_fail = tail(BASE_HI, [40.0], direction="down", target=-300.0)
    assert down_fail.summary.endswith(
        "the target of -300 is below the lower process limit, so it will not be met without "
        "change (fail)."
    )
    down_pass = tail(BASE_HI, [40.0], direction="down", target=400.0)
    assert "is above the upper process limit, so it will consistently be met (pass)" in (
        down_pass.summary
    )


def test_summary_target_on_a_limit() -> None:
    r = tail(BASE_HI, [40.0], direction="up", target=316.0)
    assert r.summary.endswith(
        "the target of 316 lies on a process limit, so it may or may not be met (hit or miss)."
    )


def test_summary_beyond_limit() -> None:
    r = tail(BASE_HI, [400.0], direction="up")
    assert r.summary == (
        "Special cause improvement: the latest point (400) is above the upper process limit (316)."
    )


def test_summary_trend() -> None:
    r = tail(BASE_HI, RISE_7, direction="down", dates=monthly(21))
    assert r.summary == "Special cause concern: 7 points rising since Apr 2025."


def test_summary_two_of_three_and_neutral() -> None:
    r = tail(BASE_HI, [40.0, 250.0, 260.0])
    assert r.summary == (
        "Special cause variation (high): 2 of the last 3 points are close to or beyond the "
        "upper process limit."
    )


def test_summary_shift_and_beyond_together() -> None:
    r = tail(BASE_HI, [40.0] * 6 + [-300.0], direction="up")
    assert r.summary == (
        "Special cause concern: 7 points below the mean since point 15, and the latest point "
        "(-300) is below the lower process limit (-216)."
    )


def test_summary_mentions_earlier_special_cause() -> None:
    r = tail(BASE_HI, [400.0, 40.0], direction="up")
    assert r.summary == (
        "Common cause variation at the latest point (1 earlier point showed special cause)."
    )


def test_fmt_number() -> None:
    assert [fmt_number(x) for x in (120.0, 1.944, -0.7156, 12345.6, 0.001234, 0.0)] == [
        "120",
        "1.94",
        "-0.72",
        "12,345.6",
        "0.00123",
        "0",
    ]


# ------------------------------------------------------------------------------------------
# validation and types


def test_bad_input_raises_value_error() -> None:
    with pytest.raises(ValueError, match="direction"):
        compute_spc([1.0] * 14, direction="sideways")
    with pytest.raises(ValueError, match="2 dates given for 3 values"):
        compute_spc([1.0, 2.0, 3.0], [date(2025, 1, 1), date(2025, 2, 1)])
    with pytest.raises(ValueError, match="not a finite number"):
        compute_spc([1.0, math.nan] + [1.0] * 12)
    with pytest.raises(ValueError, match="strictly increasing"):
        compute_spc([1.0, 2.0], [date(2025, 2, 1), date(2025, 2, 1)])
    with pytest.raises(ValueError, match="target"):
        compute_spc([1.0] * 14, target=math.inf)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shift_points": 1},
        {"trend_points": 0},
        {"min_points": 1},
        {"baseline_points": 1},
        {"shift_points": 7.5},
        {"rebase_dates": [date(2025, 1, 1)]},
    ],
)
def test_bad_options_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SpcOptions(**kwargs)  # type: ignore[arg-type]


def test_results_are_frozen() -> None:
    r = compute_spc([1.0, 2.0] * 7)
    with pytest.raises(FrozenInstanceError):
        r.mean = 3.0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        r.points[0].value = 3.0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        SpcOptions().min_points = 3  # type: ignore[misc]


def test_defaults_are_making_data_count() -> None:
    o = SpcOptions()
    assert (o.shift_points, o.trend_points, o.min_points) == (7, 7, 13)
    assert o.screen_outliers is False and o.beyond_3_sigma_counts_for_two_of_three is True
    assert o.baseline_points is None and o.rebase_dates == ()


def test_points_carry_dates_and_indices() -> None:
    ds = monthly(14)
    r = compute_spc([1.0, 2.0] * 7, ds)
    assert [p.index for p in r.points] == list(range(14))
    assert [p.date for p in r.points] == ds


def test_engine_does_not_import_streamlit_or_plotly() -> None:
    code = "import sys, pmo_data.spc; print('streamlit' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------------------------
# properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(finite, min_size=13, max_size=60), st.sampled_from(["up", "down", "neither"]))
def test_invariants(values: list[float], direction: str) -> None:
    r = compute_spc(values, direction=direction)
    assert len(r.points) == len(values)
    assert r.upl is not None and r.lpl is not None and r.mean is not None
    assert r.lpl <= r.mean <= r.upl
    assert r.upl - r.mean == pytest.approx(r.mean - r.lpl, rel=1e-9, abs=1e-6)
    assert r.variation_icon in VARIATION_ICONS
    for p in r.points:
        assert p.type in POINT_TYPES
        assert p.special_cause == bool(p.rules) == (p.type != "common_cause")
        outside = r.mean_moving_range > 0 and (p.value > r.upl or p.value < r.lpl)
        assert ("beyond_limits" in p.rules) == outside


@settings(max_examples=150, deadline=None)
@given(st.lists(finite, min_size=13, max_size=40), st.booleans())
def test_mirroring_values_and_direction_keeps_the_classification(
    values: list[float], screen: bool
) -> None:
    opts = SpcOptions(screen_outliers=screen)
    up = compute_spc(values, direction="up", options=opts)
    down = compute_spc([-v for v in values], direction="down", options=opts)
    assert types(up) == types(down)
    assert [p.rules for p in up.points] == [p.rules for p in down.points]
    assert up.upl == -down.lpl  # type: ignore[operator]
