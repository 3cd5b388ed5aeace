"""The ``spc`` subcommand: Making Data Count SPC for a list of numbers, as JSON.

Why this module exists: analysts and tests script against the command line (a contract:
docs/contract.md), and a board-paper author can check a chart's numbers without the app. The
main ``python -m pmo_data`` entry calls ``register`` to add this subcommand; the numbers come
from ``pmo_data.spc`` exactly as the pages show them.

Output: one JSON object on stdout (with or without ``--json``, which is accepted for the
common command-line contract). Bad input: one line per problem on stderr in the project's
``file:sheet:row:column: message (value)`` form, here ``spc:OPTION:N:FIELD: message (value)``
where N is the 1-based position in the list (0 for the option as a whole); exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from pmo_data.spc import DIRECTIONS, SpcOptions, SpcResult, compute_spc


def register(subparsers: Any) -> None:
    """Add the ``spc`` subcommand to an argparse subparsers object (sets ``func=run``)."""
    p = subparsers.add_parser(
        "spc",
        help="Making Data Count SPC (XmR) for a series of values",
        description=(
            "Making Data Count XmR chart numbers for a series: mean, process limits, "
            "special-cause points, variation and assurance icons and a one-sentence summary. "
            "Prints one JSON object. Write negative first values as --values=-1,2,3."
        ),
    )
    p.add_argument("--values", required=True, help="comma-separated numbers, in time order")
    p.add_argument("--dates", help="comma-separated ISO dates (YYYY-MM-DD), one per value")
    p.add_argument("--direction", choices=DIRECTIONS, default="neither", help="which way is better")
    p.add_argument("--target", help="target value (drives the assurance icon)")
    p.add_argument(
        "--screen-outliers",
        action="store_true",
        help="drop moving ranges above 3.267 x mean moving range before the limits",
    )
    p.add_argument("--shift-points", help="points on one side of the mean for a shift (7)")
    p.add_argument("--trend-points", help="points rising or falling for a trend (7)")
    p.add_argument("--min-points", help="minimum points before limits are shown (13)")
    p.add_argument(
        "--exclude-beyond-3-sigma",
        action="store_true",
        help="points beyond the process limits do not count towards two-of-three",
    )
    p.add_argument("--baseline-points", help="fix the mean and limits from the first N points")
    p.add_argument("--rebase-dates", help="comma-separated ISO dates where limits are recalculated")
    p.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute SPC for the parsed arguments, print one JSON object; 0 on success, 2 on bad input."""
    errors: list[str] = []
    values = _parse_list(args.values, "--values", "value", _float, errors)
    dates = None
    if args.dates is not None:
        dates = _parse_list(args.dates, "--dates", "date", _iso, errors)
        if not errors and len(dates) != len(values):
            errors.append(
                f"spc:--dates:0:date: {len(dates)} dates given for {len(values)} values "
                f"({args.dates})"
            )
    rebase: list[date] = []
    if args.rebase_dates is not None:
        rebase = _parse_list(args.rebase_dates, "--rebase-dates", "date", _iso, errors)
        if dates is None and not errors:
            errors.append(f"spc:--rebase-dates:0:date: needs --dates ({args.rebase_dates})")
    target = None
    if args.target is not None:
        try:
            target = _float(args.target)
        except ValueError as exc:
            errors.append(f"spc:--target:0:value: {exc} ({args.target})")
    ints: dict[str, int] = {}
    for option, name in (
        ("--shift-points", "shift_points"),
        ("--trend-points", "trend_points"),
        ("--min-points", "min_points"),
        ("--baseline-points", "baseline_points"),
    ):
        raw = getattr(args, name)
        if raw is None:
            continue
        try:
            number = int(raw.strip())
        except ValueError:
            errors.append(f"spc:{option}:0:value: not a whole number ({raw})")
            continue
        if number < 2:
            errors.append(f"spc:{option}:0:value: must be at least 2 ({raw})")
            continue
        ints[name] = number
    if errors:
        return _fail(errors)

    options = SpcOptions(
        shift_points=ints.get("shift_points", 7),
        trend_points=ints.get("trend_points", 7),
        screen_outliers=args.screen_outliers,
        beyond_3_sigma_counts_for_two_of_three=not args.exclude_beyond_3_sigma,
        min_points=ints.get("min_points", 13),
        baseline_points=ints.get("baseline_points"),
        rebase_dates=tuple(rebase),
    )
    try:
        result = compute_spc(
            values, dates, direction=args.direction, target=target, options=options
        )
    except ValueError as exc:  # e.g. dates out of order: the engine names the problem
        if "date" in str(exc):
            return _fail([f"spc:--dates:0:date: {exc} ({args.dates})"])
        return _fail([f"spc:--values:0:value: {exc} ({args.values})"])
    print(json.dumps(result_to_dict(result)))
    return 0


def result_to_dict(result: SpcResult) -> dict[str, Any]:
    """Plain-JSON form of a result (dates as ISO strings; ``date`` only when dates were given)."""
    points = []
    for p in result.points:
        item: dict[str, Any] = {
            "index": p.index,
            "value": p.value,
            "type": p.type,
            "rules": list(p.rules),
            "special_cause": p.special_cause,
            "mean": p.mean,
            "upl": p.upl,
            "lpl": p.lpl,
            "moving_range": p.moving_range,
        }
        if p.date is not None:
            item["date"] = p.date.isoformat()
        points.append(item)
    return {
        "n_points": len(result.points),
        "direction": result.direction,
        "target": result.target,
        "mean": result.mean,
        "lpl": result.lpl,
        "upl": result.upl,
        "lower_two_sigma": result.lower_two_sigma,
        "upper_two_sigma": result.upper_two_sigma,
        "mean_moving_range": result.mean_moving_range,
        "variation_icon": result.variation_icon,
        "assurance_icon": result.assurance_icon,
        "summary": result.summary,
        "limits_reason": result.limits_reason,
        "warnings": list(result.warnings),
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "start_date": s.start_date.isoformat() if s.start_date else None,
                "limit_points": s.limit_points,
                "mean": s.mean,
                "mean_moving_range": s.mean_moving_range,
                "lpl": s.lpl,
                "upl": s.upl,
                "lower_two_sigma": s.lower_two_sigma,
                "upper_two_sigma": s.upper_two_sigma,
                "excluded_moving_ranges": list(s.excluded_moving_ranges),
            }
            for s in result.segments
        ],
        "points": points,
    }


def _float(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _iso(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("not an ISO date YYYY-MM-DD") from None


def _parse_list(
    raw: str, option: str, field: str, parse: Callable[[str], Any], errors: list[str]
) -> list[Any]:
    """Split on commas and parse each item; one error line per bad item."""
    items = raw.split(",")
    if raw.strip() == "":
        errors.append(f"spc:{option}:0:{field}: nothing given ({raw})")
        return []
    out = []
    for i, item in enumerate(items, start=1):
        text = item.strip()
        try:
            out.append(parse(text))
        except ValueError as exc:
            errors.append(f"spc:{option}:{i}:{field}: {exc} ({text})")
    return out


def _fail(errors: list[str]) -> int:
    for line in errors:
        print(line, file=sys.stderr)
    return 2
