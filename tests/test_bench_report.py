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
           import_s: float = 5.0, preloaded: float = 400.0) -> bench.ScaleResult:
    def times(cold_all: list[float], cold_warm: float, warm_ms: float,
              pre: float) -> bench.PageTimes:
        return bench.PageTimes(sorted(cold_all)[len(cold_all) // 2], cold_warm, warm_ms,
                               [warm_ms], None, cold_all, cold_preloaded_ms=pre,
                               cold_preloaded_all_ms=[pre], scan_ms=[250.0],
                               warm_up_s=[0.8])

    pages = {
        bench.FLOOR: times([300.0], 250.0, 5.0, 30.0),
        bench.STACK: times([900.0], 260.0, 6.0, 60.0),
        "overview": times(cold, 450.0, warm, preloaded),
    }
    result = bench.ScaleResult(scale, rows=4000 * scale, import_s=import_s, pages=pages,
                               metrics_s=1.0, rss_mb=rss)
    result.browser_ms = {"overview": 1800.0}
    result.browser_first_ms = 2500.0
    result.browser_first_plain_ms = 3300.0
    return result


def test_targets_met() -> None:
    lines = bench.verdicts({1: _scale(1, 100.0, [1000.0]),
                            10: _scale(10, 140.0, [1100.0, 1200.0, 1600.0])})
    text = "\n".join(lines)
    assert "worst overview 140 ms (met)" in text
    # both launches are judged on the median; the slowest plain sample is reported beside it
    assert "started by `python serve.py`, worst overview 400 ms in a fresh process, median " \
           "(met); started by plain `streamlit run`, worst overview 1,200 ms, median (met; " \
           "slowest single sample overview 1,600 ms; the stack alone, stack_page: 900 ms)" in text
    assert "worst overview 1.40x (met)" in text
    assert "300 MB (met)" in text
    assert "NOT met" not in text


@pytest.mark.parametrize(("ten", "phrase"), [
    (_scale(10, 320.0, [1000.0]), "worst overview 320 ms (NOT met)"),
    (_scale(10, 100.0, [1400.0, 1600.0, 1700.0]), "1,600 ms, median (NOT met"),
    (_scale(10, 100.0, [1000.0], preloaded=1550.0),
     "worst overview 1,550 ms in a fresh process, median (NOT met)"),
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
    assert "AppTest at every test's first run (250 ms), is not counted" in text
    assert "| overview | 1,000 | 400 | 450 | 100 | 1,100 | 400 | 450 | 120 | 1.20 | 24x |" in text
    assert "| stack_page | 900 | 60 | 260 | 6 | 900 | 60 | 260 | 6 | 1.00 | 1x |" in text
    assert "| 10 | 1.00 | 0.80 | 300 | 2,500 | 3,300 | overview 1,800 | 1,800 |" in text


def test_the_ratio_is_judged_on_paired_reruns_when_there_are_some() -> None:
    scales = {1: _scale(1, 100.0, [1000.0]), 10: _scale(10, 160.0, [1000.0])}
    good = bench.verdicts(scales, {"overview": bench.Paired(100.0, 120.0, 1.21)})
    assert ("paired reruns: worst overview 1.21x (met); in the separate runs above worst "
            "overview 1.60x") in "\n".join(good)
    bad = bench.verdicts(scales, {"overview": bench.Paired(100.0, 170.0, 1.7)})
    assert "worst overview 1.70x (NOT met)" in "\n".join(bad)


def test_the_report_lists_the_pairs() -> None:
    text = bench.report([_scale(1, 100.0, [1000.0]), _scale(10, 120.0, [1100.0])], runs=5,
                        paired={"overview": bench.Paired(101.0, 131.0, 1.3)})
    assert "### Warm x10 / x1, paired" in text
    assert "| overview | 101 | 131 | 1.30 |" in text
