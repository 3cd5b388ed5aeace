"""Making Data Count statistical process control (XmR charts), as NHS England teaches it.

Why this module exists: board papers in NHS trusts are asked to show performance as SPC charts
with the Making Data Count (MDC) variation and assurance icons rather than RAG tables. This is
the single implementation of that method for the dashboard, the command line and the board pack,
so every surface shows the same limits, the same special-cause points and the same sentence.
It is pure: no streamlit, no plotting (see ``pmo_data.charts.spc`` for the figure).

Method (XmR, "individuals" chart):

* mean = arithmetic mean of the points used for the limits;
* moving range mR_i = |x_i - x_(i-1)| within a segment (the first point of a segment has none);
* process limits = mean +/- 2.66 x mean mR; two-sigma lines = mean +/- (2/3) x 2.66 x mean mR;
* optional moving-range screening: moving ranges above 3.267 x mean mR are dropped and the mean
  mR recomputed once (the mean itself is not changed; this is what reproduces the published
  NHSRplotthedots and MDC Excel figures).

Special-cause rules (``SpcPoint.rules`` codes), each giving a "high" or "low" side:

* ``beyond_limits``: a point strictly above the upper or strictly below the lower process limit;
* ``shift``: ``shift_points`` or more consecutive points strictly on one side of the mean (a point
  exactly on the mean breaks the run); every point of the run is flagged;
* ``trend``: ``trend_points`` or more consecutive points each strictly higher (or lower) than the
  one before, i.e. ``trend_points - 1`` differences of one sign (a tie breaks it); every point of
  the trend is flagged; a rising trend is "high", a falling one "low", wherever it lies;
* ``two_of_three``: in a window of three consecutive points, two or three lie strictly beyond the
  same two-sigma line; the third point may be anywhere. The points beyond that two-sigma line are
  flagged (the third point is not: it is not unusual, and may be on the other side of the mean).

Direction turns sides into classifications: "up" = high is improvement, low is concern; "down"
the reverse; "neither" = neutral high / neutral low. A point flagged both high and low (for
example the peak between a rising and a falling trend, or a rising trend below the mean) is
classified as **concern**: the conservative choice, so a possible deterioration is never hidden.
(MDC's SQL tool makes this a per-metric setting; a single fixed rule keeps charts comparable.)
With direction "neither" such a point takes the side of the mean it lies on (on the mean: high).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Direction = Literal["up", "down", "neither"]

#: Process limits are mean +/- XMR_LIMIT_FACTOR x mean moving range (3 / d2, d2 = 1.128).
XMR_LIMIT_FACTOR = 2.66
#: Two-sigma lines are mean +/- TWO_SIGMA_FACTOR x mean moving range.
TWO_SIGMA_FACTOR = XMR_LIMIT_FACTOR * 2.0 / 3.0
#: Moving ranges above MR_SCREEN_FACTOR x mean moving range are screened out (upper mR limit).
MR_SCREEN_FACTOR = 3.267
#: MDC warns when limits rest on fewer points than this in a segment.
MIN_SEGMENT_POINTS = 12

RULE_BEYOND_LIMITS = "beyond_limits"
RULE_TWO_OF_THREE = "two_of_three"
RULE_SHIFT = "shift"
RULE_TREND = "trend"
#: Rule codes in the order they are listed on a point.
RULES: tuple[str, ...] = (RULE_BEYOND_LIMITS, RULE_TWO_OF_THREE, RULE_SHIFT, RULE_TREND)

COMMON_CAUSE = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"
POINT_TYPES: tuple[str, ...] = (COMMON_CAUSE, IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW)

VARIATION_ICONS: tuple[str, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS: tuple[str, ...] = ("pass", "fail", "hit_or_miss")
DIRECTIONS: tuple[str, ...] = ("up", "down", "neither")

_HIGH = 1
_LOW = -1


@dataclass(frozen=True)
class SpcOptions:
    """Settings of the method; every default is the Making Data Count default.

    shift_points: run length on one side of the mean that is special cause (7).
    trend_points: number of points rising or falling that is special cause (7).
    screen_outliers: drop moving ranges above 3.267 x mean mR before the limits (off).
    beyond_3_sigma_counts_for_two_of_three: points beyond the process limits count towards the
        two-of-three rule (on).
    min_points: fewer points than this in the whole series: no limits, no rules, no icons (13).
    baseline_points: fix the mean and limits of each segment from its first n points (None: all).
    rebase_dates: start a new segment, with its own mean and limits, at the first point dated on
        or after each of these dates (needs dates).
    """

    shift_points: int = 7
    trend_points: int = 7
    screen_outliers: bool = False
    beyond_3_sigma_counts_for_two_of_three: bool = True
    min_points: int = 13
    baseline_points: int | None = None
    rebase_dates: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        for name in ("shift_points", "trend_points", "min_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise ValueError(f"{name} must be a whole number of at least 2, got {value!r}")
        bp = self.baseline_points
        if bp is not None and (isinstance(bp, bool) or not isinstance(bp, int) or bp < 2):
            raise ValueError(f"baseline_points must be at least 2 (or None), got {bp!r}")
        if not isinstance(self.rebase_dates, tuple) or not all(
            isinstance(d, date) for d in self.rebase_dates
        ):
            raise ValueError("rebase_dates must be a tuple of dates")


@dataclass(frozen=True)
class SpcPoint:
    """One point of the chart.

    index is 0-based. mean/upl/lpl are the limits of the point's own segment (None when the
    series is too short for limits). moving_range is |value - previous value| within the
    segment (None for a segment's first point). rules holds the codes of every rule that flagged
    the point; type is its classification (one of POINT_TYPES).
    """

    index: int
    date: date | None
    value: float
    mean: float | None
    upl: float | None
    lpl: float | None
    rules: tuple[str, ...]
    special_cause: bool
    type: str
    moving_range: float | None = None


@dataclass(frozen=True)
class SpcSegment:
    """A stretch of points sharing one mean and one set of limits (one per rebase).

    start and end are 0-based point indices, end exclusive. limit_points is how many points the
    limits were computed from (the baseline, or the whole segment). excluded_moving_ranges lists
    the indices of points whose moving range was screened out.
    """

    start: int
    end: int
    start_date: date | None
    limit_points: int
    mean: float
    mean_moving_range: float
    upl: float
    lpl: float
    upper_two_sigma: float
    lower_two_sigma: float
    excluded_moving_ranges: tuple[int, ...] = ()


@dataclass(frozen=True)
class SpcResult:
    """Everything a chart, a table or a board paper needs about one SPC series.

    mean, upl, lpl, upper_two_sigma, lower_two_sigma and mean_moving_range are those of the
    latest segment (None when there are too few points for limits; mean is None only for an
    empty series). variation_icon is from the last point (None without limits); assurance_icon
    compares the target with the latest limits (None without target, limits, or with direction
    "neither"). limits_reason says why limits are absent or degenerate, else None. summary is one
    plain-English sentence.
    """

    direction: str
    target: float | None
    options: SpcOptions
    mean: float | None
    upl: float | None
    lpl: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    mean_moving_range: float | None
    points: tuple[SpcPoint, ...]
    segments: tuple[SpcSegment, ...]
    variation_icon: str | None
    assurance_icon: str | None
    summary: str
    limits_reason: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def has_limits(self) -> bool:
        """True when process limits were calculated (enough points)."""
        return bool(self.segments)


# --------------------------------------------------------------------------------------------
# public helpers


def variation_icon(point_type: str, direction: str) -> str:
    """MDC variation icon for a point classification under a direction.

    improvement is "_high" when up is better, "_low" when down is better; concern the reverse.
    Raises ValueError for an unknown type or direction.
    """
    _check_direction(direction)
    if point_type == COMMON_CAUSE:
        return "common_cause"
    if point_type == NEUTRAL_HIGH:
        return "neutral_high"
    if point_type == NEUTRAL_LOW:
        return "neutral_low"
    if point_type not in (IMPROVEMENT, CONCERN) or direction == "neither":
        raise ValueError(f"no variation icon for {point_type!r} with direction {direction!r}")
    high = (point_type == IMPROVEMENT) == (direction == "up")
    kind = "improvement" if point_type == IMPROVEMENT else "concern"
    return f"{kind}_{'high' if high else 'low'}"


def assurance_icon(
    direction: str, target: float | None, lpl: float | None, upl: float | None
) -> str | None:
    """MDC assurance icon: can the process be relied on to meet the target?

    Up is better: "pass" if lpl > target, "fail" if upl < target. Down is better: "pass" if
    upl < target, "fail" if lpl > target. Otherwise, including a target exactly on a limit,
    "hit_or_miss". None without a target or limits, or with direction "neither".
    """
    _check_direction(direction)
    if target is None or lpl is None or upl is None or direction == "neither":
        return None
    if direction == "up":
        if lpl > target:
            return "pass"
        if upl < target:
            return "fail"
    else:
        if upl < target:
            return "pass"
        if lpl > target:
            return "fail"
    return "hit_or_miss"


def compute_spc(
    values: Sequence[float],
    dates: Sequence[date] | None = None,
    *,
    direction: str = "neither",
    target: float | None = None,
    options: SpcOptions | None = None,
) -> SpcResult:
    """Run the Making Data Count XmR method over a series (see the module docstring).

    values: the measures in time order, any unit (the result uses the same unit).
    dates: optional, same length, strictly increasing; used for rebasing and in the summary.
    direction: "up", "down" or "neither" (which way is better).
    target: optional; drives the assurance icon.

    Edge cases: an empty series or fewer than options.min_points points gives no limits, all
    points common cause, icons None and the reason in limits_reason and summary. A segment whose
    moving ranges are all zero (constant values) has limits equal to its mean; no point of it can
    be beyond a limit or a two-sigma line (shift and trend still apply). A rebase date before the
    first date, after the last, or leaving a segment with fewer than 2 points is ignored with a
    warning. Raises ValueError for non-finite values, a date count that differs from the value
    count, dates out of order, an unknown direction, or rebase dates without dates.
    """
    opts = options if options is not None else SpcOptions()
    _check_direction(direction)
    xs = [float(v) for v in values]
    for i, x in enumerate(xs):
        if not math.isfinite(x):
            raise ValueError(f"value {i + 1} is not a finite number ({values[i]!r})")
    if target is not None:
        target = float(target)
        if not math.isfinite(target):
            raise ValueError(f"target is not a finite number ({target!r})")
    ds: list[date] | None = list(dates) if dates is not None else None
    if ds is not None:
        if len(ds) != len(xs):
            raise ValueError(f"{len(ds)} dates given for {len(xs)} values")
        for i in range(1, len(ds)):
            if not ds[i] > ds[i - 1]:
                raise ValueError(f"dates must be strictly increasing (date {i + 1}: {ds[i]})")
    if opts.rebase_dates and ds is None:
        raise ValueError("rebase_dates need dates for the values")

    n = len(xs)
    if n == 0:
        return _no_limits(xs, ds, direction, target, opts, None, "No data points.")
    if n < opts.min_points:
        reason = (
            f"Only {n} point{'s' if n != 1 else ''}; at least {opts.min_points} are needed "
            "for process limits."
        )
        return _no_limits(xs, ds, direction, target, opts, math.fsum(xs) / n, reason)

    warnings: list[str] = []
    starts = _segment_starts(ds, opts.rebase_dates, n, warnings)
    bounds = list(zip(starts, starts[1:] + [n], strict=True))
    segments = [_segment_limits(xs, ds, a, b, opts) for a, b in bounds]
    for seg in segments:
        if seg.limit_points < MIN_SEGMENT_POINTS:
            warnings.append(
                f"Limits from {_where(ds, seg.start)} rest on {seg.limit_points} points; "
                f"fewer than {MIN_SEGMENT_POINTS} may be unreliable."
            )

    high: list[list[str]] = [[] for _ in range(n)]
    low: list[list[str]] = [[] for _ in range(n)]
    for seg in segments:
        _flag_beyond(xs, seg, high, low)
        _flag_two_of_three(xs, seg, opts.beyond_3_sigma_counts_for_two_of_three, high, low)
        _flag_shift(xs, seg, opts.shift_points, high, low)
    _flag_trend(xs, opts.trend_points, high, low)

    seg_of = [0] * n
    for k, seg in enumerate(segments):
        for i in range(seg.start, seg.end):
            seg_of[i] = k
    points: list[SpcPoint] = []
    sides: list[int] = []
    for i, x in enumerate(xs):
        seg = segments[seg_of[i]]
        side = _resolve_side(direction, bool(high[i]), bool(low[i]), x, seg.mean)
        sides.append(side)
        fired = set(high[i]) | set(low[i])
        points.append(
            SpcPoint(
                index=i,
                date=ds[i] if ds is not None else None,
                value=x,
                mean=seg.mean,
                upl=seg.upl,
                lpl=seg.lpl,
                rules=tuple(r for r in RULES if r in fired),
                special_cause=bool(fired),
                type=_classify(direction, side),
                moving_range=abs(x - xs[i - 1]) if i > seg.start else None,
            )
        )

    last_seg = segments[-1]
    last = points[-1]
    v_icon = variation_icon(last.type, direction)
    a_icon = assurance_icon(direction, target, last_seg.lpl, last_seg.upl)
    zero = [s for s in segments if s.mean_moving_range == 0]
    limits_reason = None
    if zero:
        where = "" if len(segments) == 1 else f" from {_where(ds, zero[-1].start)}"
        limits_reason = (
            f"Every moving range{where} is zero (the values do not change), so the process "
            "limits equal the mean."
        )
    summary = _summary(
        xs, ds, points, sides, high, low, segments, direction, target, a_icon, bool(zero)
    )
    return SpcResult(
        direction=direction,
        target=target,
        options=opts,
        mean=last_seg.mean,
        upl=last_seg.upl,
        lpl=last_seg.lpl,
        upper_two_sigma=last_seg.upper_two_sigma,
        lower_two_sigma=last_seg.lower_two_sigma,
        mean_moving_range=last_seg.mean_moving_range,
        points=tuple(points),
        segments=tuple(segments),
        variation_icon=v_icon,
        assurance_icon=a_icon,
        summary=summary,
        limits_reason=limits_reason,
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------------------------
# limits


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of up, down, neither; got {direction!r}")


def _segment_starts(
    ds: list[date] | None, rebase_dates: tuple[date, ...], n: int, warnings: list[str]
) -> list[int]:
    """Start index of each segment: 0, then the first point on or after each rebase date."""
    starts = [0]
    if ds is None:
        return starts
    for rd in sorted(set(rebase_dates)):
        s = next((i for i, d in enumerate(ds) if d >= rd), n)
        if s == 0 or s == n:
            warnings.append(f"Rebase date {rd.isoformat()} is outside the data and was ignored.")
        elif s - starts[-1] < 2 or n - s < 2:
            if s != starts[-1]:
                warnings.append(
                    f"Rebase date {rd.isoformat()} would leave a segment of fewer than 2 points "
                    "and was ignored."
                )
            else:
                warnings.append(
                    f"Rebase date {rd.isoformat()} starts the same segment as an earlier one "
                    "and was ignored."
                )
        else:
            starts.append(s)
    return starts


def _segment_limits(
    xs: list[float], ds: list[date] | None, a: int, b: int, opts: SpcOptions
) -> SpcSegment:
    """Mean, mean moving range and limits of points a..b-1 (from the baseline if set)."""
    m = b - a if opts.baseline_points is None else min(opts.baseline_points, b - a)
    base = xs[a : a + m]
    mean = math.fsum(base) / m
    mrs = [abs(base[j] - base[j - 1]) for j in range(1, m)]
    amr = math.fsum(mrs) / len(mrs)
    excluded: tuple[int, ...] = ()
    if opts.screen_outliers and amr > 0:
        cut = MR_SCREEN_FACTOR * amr
        kept = [r for r in mrs if r <= cut]
        excluded = tuple(a + j + 1 for j, r in enumerate(mrs) if r > cut)
        amr = math.fsum(kept) / len(kept)
    return SpcSegment(
        start=a,
        end=b,
        start_date=ds[a] if ds is not None else None,
        limit_points=m,
        mean=mean,
        mean_moving_range=amr,
        upl=mean + XMR_LIMIT_FACTOR * amr,
        lpl=mean - XMR_LIMIT_FACTOR * amr,
        upper_two_sigma=mean + TWO_SIGMA_FACTOR * amr,
        lower_two_sigma=mean - TWO_SIGMA_FACTOR * amr,
        excluded_moving_ranges=excluded,
    )


# --------------------------------------------------------------------------------------------
# rules


def _flag_beyond(
    xs: list[float], seg: SpcSegment, high: list[list[str]], low: list[list[str]]
) -> None:
    if seg.mean_moving_range == 0:
        return
    for i in range(seg.start, seg.end):
        if xs[i] > seg.upl:
            high[i].append(RULE_BEYOND_LIMITS)
        elif xs[i] < seg.lpl:
            low[i].append(RULE_BEYOND_LIMITS)


def _flag_two_of_three(
    xs: list[float],
    seg: SpcSegment,
    count_beyond: bool,
    high: list[list[str]],
    low: list[list[str]],
) -> None:
    if seg.mean_moving_range == 0:
        return
    for sign, flags in ((_HIGH, high), (_LOW, low)):
        near = []
        for i in range(seg.start, seg.end):
            x = xs[i]
            if sign == _HIGH:
                hit = x > seg.upper_two_sigma and (count_beyond or x <= seg.upl)
            else:
                hit = x < seg.lower_two_sigma and (count_beyond or x >= seg.lpl)
            near.append(hit)
        marked = [False] * len(near)
        for w in range(len(near) - 2):
            if near[w] + near[w + 1] + near[w + 2] >= 2:
                for j in range(w, w + 3):
                    marked[j] = marked[j] or near[j]
        for j, m in enumerate(marked):
            if m:
                flags[seg.start + j].append(RULE_TWO_OF_THREE)


def _flag_runs(
    signs: list[int],
    offset: int,
    length: int,
    rule: str,
    high: list[list[str]],
    low: list[list[str]],
    extend_back: bool = False,
) -> None:
    """Flag maximal runs of equal non-zero signs of at least `length` items.

    signs[k] belongs to point offset + k; with extend_back the run also flags the point before
    its first item (a run of k differences covers k + 1 points).
    """
    k = 0
    while k < len(signs):
        s = signs[k]
        j = k
        while j < len(signs) and signs[j] == s:
            j += 1
        if s != 0 and j - k >= length:
            flags = high if s == _HIGH else low
            first = offset + k - (1 if extend_back else 0)
            for i in range(first, offset + j):
                flags[i].append(rule)
        k = j


def _flag_shift(
    xs: list[float], seg: SpcSegment, length: int, high: list[list[str]], low: list[list[str]]
) -> None:
    signs = [_sign(xs[i] - seg.mean) for i in range(seg.start, seg.end)]
    _flag_runs(signs, seg.start, length, RULE_SHIFT, high, low)


def _flag_trend(xs: list[float], length: int, high: list[list[str]], low: list[list[str]]) -> None:
    diffs = [_sign(xs[i] - xs[i - 1]) for i in range(1, len(xs))]
    _flag_runs(diffs, 1, length - 1, RULE_TREND, high, low, extend_back=True)


def _sign(d: float) -> int:
    return _HIGH if d > 0 else _LOW if d < 0 else 0


def _resolve_side(direction: str, is_high: bool, is_low: bool, x: float, mean: float) -> int:
    """+1 high, -1 low, 0 common cause; conflicts resolve to concern (see module docstring)."""
    if is_high and is_low:
        if direction == "up":
            return _LOW
        if direction == "down":
            return _HIGH
        return _LOW if x < mean else _HIGH
    return _HIGH if is_high else _LOW if is_low else 0


def _classify(direction: str, side: int) -> str:
    if side == 0:
        return COMMON_CAUSE
    if direction == "neither":
        return NEUTRAL_HIGH if side == _HIGH else NEUTRAL_LOW
    good = _HIGH if direction == "up" else _LOW
    return IMPROVEMENT if side == good else CONCERN


# --------------------------------------------------------------------------------------------
# results without limits, and the summary sentence


def _no_limits(
    xs: list[float],
    ds: list[date] | None,
    direction: str,
    target: float | None,
    opts: SpcOptions,
    mean: float | None,
    reason: str,
) -> SpcResult:
    points = tuple(
        SpcPoint(
            index=i,
            date=ds[i] if ds is not None else None,
            value=x,
            mean=mean,
            upl=None,
            lpl=None,
            rules=(),
            special_cause=False,
            type=COMMON_CAUSE,
            moving_range=abs(x - xs[i - 1]) if i > 0 else None,
        )
        for i, x in enumerate(xs)
    )
    if not xs:
        summary = "No data points to chart."
    else:
        summary = (
            f"Too few points for process limits ({len(xs)} of the {opts.min_points} needed), "
            "so this is a run chart with no variation or assurance icon."
        )
    return SpcResult(
        direction=direction,
        target=target,
        options=opts,
        mean=mean,
        upl=None,
        lpl=None,
        upper_two_sigma=None,
        lower_two_sigma=None,
        mean_moving_range=None,
        points=points,
        segments=(),
        variation_icon=None,
        assurance_icon=None,
        summary=summary,
        limits_reason=reason,
    )


def fmt_number(x: float) -> str:
    """Short human form of a number for sentences: 120, 1.94, -0.72, 12,345.6, 0.00123."""
    if x == 0:
        return "0"
    if abs(x) < 0.1:
        return f"{x:.3g}"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_date(d: date, all_month_starts: bool = False) -> str:
    """A date in a sentence (``pmo_data.fmt``): "Apr 2025" for monthly data, else
    "3 Apr 2025"."""
    from pmo_data import fmt

    return fmt.month(d) if all_month_starts else fmt.day(d)


def _where(ds: list[date] | None, i: int) -> str:
    """How a point is named in sentences: its date, or "point N" (1-based) without dates."""
    if ds is None:
        return f"point {i + 1}"
    return fmt_date(ds[i], all(d.day == 1 for d in ds))


_LABELS = {
    IMPROVEMENT: "Special cause improvement",
    CONCERN: "Special cause concern",
    NEUTRAL_HIGH: "Special cause variation (high)",
    NEUTRAL_LOW: "Special cause variation (low)",
}


def _summary(
    xs: list[float],
    ds: list[date] | None,
    points: list[SpcPoint],
    sides: list[int],
    high: list[list[str]],
    low: list[list[str]],
    segments: list[SpcSegment],
    direction: str,
    target: float | None,
    a_icon: str | None,
    zero_mr: bool,
) -> str:
    n = len(xs)
    last = points[-1]
    seg = segments[-1]
    if last.type == COMMON_CAUSE:
        earlier = sum(1 for p in points if p.special_cause)
        text = "Common cause variation"
        if earlier:
            text += (
                f" at the latest point ({earlier} earlier point"
                f"{'s' if earlier != 1 else ''} showed special cause)"
            )
    else:
        side = sides[-1]
        rules = high[-1] if side == _HIGH else low[-1]
        parts = []
        word = "above" if side == _HIGH else "below"
        which = "upper" if side == _HIGH else "lower"
        if RULE_SHIFT in rules:
            k = n - 1
            while k > seg.start and _sign(xs[k - 1] - seg.mean) == side:
                k -= 1
            parts.append(f"{n - k} points {word} the mean since {_where(ds, k)}")
        elif RULE_TREND in rules:
            k = n - 1
            while k > 0 and _sign(xs[k] - xs[k - 1]) == side:
                k -= 1
            trend = "rising" if side == _HIGH else "falling"
            parts.append(f"{n - k} points {trend} since {_where(ds, k)}")
        if RULE_BEYOND_LIMITS in rules:
            limit = seg.upl if side == _HIGH else seg.lpl
            parts.append(
                f"the latest point ({fmt_number(xs[-1])}) is {word} the {which} process limit "
                f"({fmt_number(limit)})"
            )
        elif RULE_TWO_OF_THREE in rules:
            line = seg.upper_two_sigma if side == _HIGH else seg.lower_two_sigma
            count = sum(1 for x in xs[-3:] if (x > line if side == _HIGH else x < line))
            lead = "the last 3 points are all" if count == 3 else "2 of the last 3 points are"
            parts.append(f"{lead} close to or beyond the {which} process limit")
        text = f"{_LABELS[last.type]}: " + ", and ".join(parts)
    clauses = [text]
    if zero_mr and seg.mean_moving_range == 0:
        scope = "is" if seg.limit_points == seg.end - seg.start else "in the baseline is"
        clauses.append(
            f"every moving range {scope} zero (the values do not change), so the process "
            f"limits equal the mean of {fmt_number(seg.mean)} and no point can fall outside them"
        )
    if a_icon is not None and target is not None:
        clauses.append(_assurance_clause(direction, target, a_icon, seg))
    return "; ".join(clauses) + "."


def _assurance_clause(direction: str, target: float, icon: str, seg: SpcSegment) -> str:
    t = f"the target of {fmt_number(target)}"
    if icon == "hit_or_miss":
        on_limit = target in (seg.upl, seg.lpl)
        where = "lies on a process limit" if on_limit else "lies within the process limits"
        return f"{t} {where}, so it may or may not be met (hit or miss)"
    below_lower = (icon == "pass") == (direction == "up")
    where = "below the lower" if below_lower else "above the upper"
    if icon == "pass":
        return f"{t} is {where} process limit, so it will consistently be met (pass)"
    return f"{t} is {where} process limit, so it will not be met without change (fail)"
