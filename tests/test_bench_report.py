"""The benchmark's report (bench/run.py) judges the targets from the figures it is given:
no timing here, only the arithmetic and wording of the verdicts and the table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(  # bench/ is a folder of scripts, not a package
    "pmo_bench_run", Path(__file__).resolve().parent.parent / "bench" / "run.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up by name
_spec.loader.exec_module(bench)


def _scale(scale: int, warm: float, cold: list[float], *, rss: float = 300.0,
           import_s: float = 5.0) -> bench.ScaleResult:
    pages = {
        bench.FLOOR: bench.PageTimes(300.0, 250.0, 5.0, [5.0], None, [300.0]),
        bench.STACK: bench.PageTimes(900.0, 260.0, 6.0, [6.0], None, [900.0]),
        "overview": bench.PageTimes(sorted(cold)[len(cold) // 2], 450.0, warm, [warm], None,
                                    cold),
    }
    result = bench.ScaleResult(scale, rows=4000 * scale, import_s=import_s, pages=pages,
                               metrics_s=1.0, rss_mb=rss)
    result.browser_ms = {"overview": 1800.0}
    result.browser_first_ms = 2500.0
    return result


def test_targets_met() -> None:
    lines = bench.verdicts({1: _scale(1, 100.0, [1000.0]),
                            10: _scale(10, 140.0, [1100.0, 1200.0, 1600.0])})
    text = "\n".join(lines)
    assert "worst overview 140 ms (met)" in text
    # the median (1,200) is judged; the slowest sample (1,600) is reported beside it
    assert "worst overview 1,200 ms in a fresh process, median (met; slowest single sample " \
           "overview 1,600 ms; the stack alone, stack_page: 900 ms)" in text
    assert "worst overview 1.40x (met)" in text
    assert "300 MB (met)" in text
    assert "NOT met" not in text


@pytest.mark.parametrize(("ten", "phrase"), [
    (_scale(10, 320.0, [1000.0]), "worst overview 320 ms (NOT met)"),
    (_scale(10, 100.0, [1400.0, 1600.0, 1700.0]), "1,600 ms in a fresh process, median (NOT met"),
    (_scale(10, 160.0, [1000.0]), "worst overview 1.60x (NOT met)"),
    (_scale(10, 100.0, [1000.0], rss=650.0), "650 MB (NOT met)"),
    (_scale(10, 100.0, [1000.0], import_s=12.0), "12.0 s (NOT met)"),
])
def test_each_target_can_fail(ten: bench.ScaleResult, phrase: str) -> None:
    text = "\n".join(bench.verdicts({1: _scale(1, 100.0, [1000.0]), 10: ten}))
    assert phrase in text


def test_report_table_has_the_first_visit_and_the_ratio() -> None:
    text = bench.report([_scale(1, 100.0, [1000.0]), _scale(10, 120.0, [1100.0])], runs=5,
                        cold_runs=3)
    assert "--runs 5 --cold-runs 3" in text
    assert "median of 3 processes" in text
    assert "| overview | 1,000 | 450 | 100 | 1,100 | 450 | 120 | 1.20 | 24x |" in text
    assert "| stack_page | 900 | 260 | 6 | 900 | 260 | 6 | 1.00 | 1x |" in text
    assert "| 10 | 1.00 | 300 | 2,500 | overview 1,800 | 1,800 |" in text
