"""Tests of the ``spc`` subcommand (pmo_data.spc_cli), driven through a real argparse parser."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from pmo_data.spc_cli import register, run

MDC_SERIES = "1,2,1,2,10,1,2,1,2,1,2,1,2,1,2,1,2,1"
BASE_HI = ",".join(["0,100"] * 7)  # mean 50, every moving range 100: limits -216 .. 316


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pmo_data")
    sub = p.add_subparsers(dest="command")
    register(sub)
    return p


def call(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = parser().parse_args(["spc", *argv])
    rc = args.func(args)
    out, err = capsys.readouterr()
    return rc, out, err


def ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    rc, out, err = call(argv, capsys)
    assert (rc, err) == (0, "")
    assert out.count("\n") == 1  # one JSON object on one line
    return json.loads(out)


def test_register_sets_run() -> None:
    args = parser().parse_args(["spc", "--values", "1,2"])
    assert args.command == "spc"
    assert args.func is run
    assert args.direction == "neither"


def test_json_keys_and_points(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values", MDC_SERIES, "--direction", "up", "--json"], capsys)
    for key in ("mean", "lpl", "upl", "points", "variation_icon", "assurance_icon", "summary"):
        assert key in data
    assert round(data["upl"], 2) == 6.95
    assert round(data["mean"], 2) == 1.94
    assert round(data["lpl"], 2) == -3.06
    assert len(data["points"]) == 18
    fifth = data["points"][4]
    assert (fifth["value"], fifth["type"], fifth["rules"]) == (
        10.0,
        "special_cause_improvement",
        ["beyond_limits"],
    )
    assert "date" not in fifth
    assert data["variation_icon"] == "common_cause"
    assert data["assurance_icon"] is None


def test_screen_outliers(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values", MDC_SERIES, "--screen-outliers"], capsys)
    assert round(data["upl"], 2) == 4.60
    assert round(data["lpl"], 2) == -0.72
    assert data["segments"][0]["excluded_moving_ranges"] == [4, 5]


def test_dates_are_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    dates = ",".join(f"2025-{m:02d}-01" for m in range(1, 13)) + ",2026-01-01"
    data = ok(["--values", "1,2,1,2,1,2,1,2,1,2,1,2,1", "--dates", dates], capsys)
    assert data["points"][0]["date"] == "2025-01-01"
    assert data["points"][12]["date"] == "2026-01-01"


def test_target_and_direction(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values", BASE_HI, "--direction", "up", "--target", "-300"], capsys)
    assert data["assurance_icon"] == "pass"
    assert data["target"] == -300.0
    assert data["summary"].endswith("so it will consistently be met (pass).")


def test_shift_points_option(capsys: pytest.CaptureFixture[str]) -> None:
    values = BASE_HI + ",40,40,40,40,40,40"
    base = ["--values", values, "--baseline-points", "14"]
    assert all(not p["rules"] for p in ok(base, capsys)["points"])
    data = ok([*base, "--shift-points", "6"], capsys)
    assert [p["index"] for p in data["points"] if "shift" in p["rules"]] == list(range(14, 20))


def test_trend_points_option(capsys: pytest.CaptureFixture[str]) -> None:
    values = BASE_HI + ",21,31,41,51,61"
    base = ["--values", values, "--baseline-points", "14"]
    assert all(not p["rules"] for p in ok(base, capsys)["points"])
    data = ok([*base, "--trend-points", "5"], capsys)
    assert [p["index"] for p in data["points"] if "trend" in p["rules"]] == list(range(14, 19))


def test_min_points_option(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values", MDC_SERIES, "--min-points", "19"], capsys)
    assert data["upl"] is None and data["lpl"] is None
    assert data["variation_icon"] is None
    assert data["limits_reason"] == "Only 18 points; at least 19 are needed for process limits."


def test_exclude_beyond_3_sigma(capsys: pytest.CaptureFixture[str]) -> None:
    values = BASE_HI + ",250,40,400"
    base = ["--values", values, "--baseline-points", "14"]
    assert ok(base, capsys)["points"][14]["rules"] == ["two_of_three"]
    data = ok([*base, "--exclude-beyond-3-sigma"], capsys)
    assert data["points"][14]["rules"] == []
    assert data["points"][16]["rules"] == ["beyond_limits"]


def test_baseline_points(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values", BASE_HI + ",1000,1000", "--baseline-points", "14"], capsys)
    assert (data["mean"], data["upl"], data["lpl"]) == (50.0, 316.0, -216.0)


def test_rebase_dates(capsys: pytest.CaptureFixture[str]) -> None:
    values = ",".join(["10,12"] * 7 + ["20,24"] * 7)
    dates = ",".join(f"{2024 + m // 12}-{m % 12 + 1:02d}-01" for m in range(28))
    data = ok(["--values", values, "--dates", dates, "--rebase-dates", "2025-03-01"], capsys)
    assert [s["start"] for s in data["segments"]] == [0, 14]
    assert [s["mean"] for s in data["segments"]] == [11.0, 22.0]
    assert data["segments"][1]["start_date"] == "2025-03-01"


def test_negative_values_with_equals(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok(["--values=-1,-2,-1,-2,-1,-2,-1,-2,-1,-2,-1,-2,-1"], capsys)
    assert data["mean"] == pytest.approx(-19 / 13)


# ------------------------------------------------------------------------------------------
# errors: one line per problem on stderr, exit 2, nothing on stdout, no traceback


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--values", "1,x,3"], ["spc:--values:2:value: not a number (x)"]),
        (
            ["--values", "1,,nan"],
            [
                "spc:--values:2:value: not a number ()",
                "spc:--values:3:value: not a finite number (nan)",
            ],
        ),
        (["--values", ""], ["spc:--values:0:value: nothing given ()"]),
        (
            ["--values", "1,2,3", "--dates", "2025-01-01,2025-02-01"],
            ["spc:--dates:0:date: 2 dates given for 3 values (2025-01-01,2025-02-01)"],
        ),
        (
            ["--values", "1,2", "--dates", "2025-01-01,01/02/2025"],
            ["spc:--dates:2:date: not an ISO date YYYY-MM-DD (01/02/2025)"],
        ),
        (
            ["--values", "1,2", "--dates", "2025-02-01,2025-01-01"],
            [
                "spc:--dates:0:date: dates must be strictly increasing (date 2: 2025-01-01) "
                "(2025-02-01,2025-01-01)"
            ],
        ),
        (["--values", "1,2", "--target", "lots"], ["spc:--target:0:value: not a number (lots)"]),
        (
            ["--values", "1,2", "--shift-points", "seven"],
            ["spc:--shift-points:0:value: not a whole number (seven)"],
        ),
        (
            ["--values", "1,2", "--baseline-points", "1"],
            ["spc:--baseline-points:0:value: must be at least 2 (1)"],
        ),
        (
            ["--values", "1,2", "--rebase-dates", "2025-01-01"],
            ["spc:--rebase-dates:0:date: needs --dates (2025-01-01)"],
        ),
    ],
)
def test_bad_input(
    argv: list[str], expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = call(argv, capsys)
    assert rc == 2
    assert out == ""
    assert err.splitlines() == expected
    assert "Traceback" not in err


def test_unknown_direction_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["spc", "--values", "1", "--direction", "sideways"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
