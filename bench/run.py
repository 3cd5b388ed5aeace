"""Benchmark: import speed, page render times (cold and warm), metrics CLI time, server memory.

Run ``python bench/run.py`` (full: scales 1, 10 and 100) or ``python bench/run.py --smoke``
(scale 1, one run, no browser: what CI runs to catch crashes, not to judge time). Prints a
table and writes ``docs/performance.md`` (full runs only) with the machine and date.

What is measured, and how:
- import: ``pmo_data.ingest.import_paths`` of all demo exports into a fresh database (the
  demo generation itself is not counted); rows per second = rows read / seconds.
- page cold: the first ``AppTest.run()`` of a page with Streamlit's caches cleared, in a
  process whose modules are already imported (a server that has just started serving).
- page warm: a rerun after changing the "as at" filter to a date not used before, so each
  rerun recomputes its queries (a cached rerun would measure nothing); median of N runs.
- floor: the same two numbers for an empty Streamlit page, so each page is also reported as
  a multiple of what Streamlit itself costs.
- metrics: wall time of ``python -m pmo_data metrics --json`` (includes interpreter start).
- server memory: peak RSS (VmHWM) of the ``streamlit run`` process while Chromium walks
  every page.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

AS_AT = date(2026, 11, 21)
TARGETS = {"warm_ms": 300, "warm_ratio": 1.5, "cold_ms": 1500, "import_s": 10, "rss_mb": 600}


def page_files() -> list[str]:
    """The page scripts declared in dashboard.py, in navigation order."""
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', text)


@dataclass
class ScaleResult:
    scale: int
    rows: int = 0
    import_s: float = 0.0
    cold_ms: dict[str, float] = field(default_factory=dict)
    warm_ms: dict[str, float] = field(default_factory=dict)
    metrics_s: float = 0.0
    rss_mb: float | None = None
    failures: list[str] = field(default_factory=list)


def build(scale: int, work: Path) -> tuple[Path, int, float]:
    """Generate the demo exports at ``scale`` and import them; returns db, rows read, seconds."""
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    exports = work / f"scale{scale}"
    if not exports.exists():
        write_demo_exports(exports, as_at=AS_AT, scale=scale)
    db = work / f"scale{scale}.duckdb"
    start = time.perf_counter()
    report = import_paths([exports], db)
    seconds = time.perf_counter() - start
    if report.version is None:
        raise SystemExit(f"scale {scale}: nothing loaded")
    return db, sum(s.rows_read for s in report.sheets), seconds


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def time_page(script: Path, runs: int) -> tuple[float, float, str | None]:
    """(cold ms, median warm ms, first exception) for one page via AppTest."""
    from streamlit.testing.v1 import AppTest

    _clear_caches()
    at = AppTest.from_file(str(script), default_timeout=300)
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    problem = at.exception[0].message if at.exception else None
    warm: list[float] = []
    for k in range(1, runs + 1):
        at.session_state["as_at"] = AS_AT - timedelta(days=7 * k)
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
        if at.exception and problem is None:
            problem = at.exception[0].message
    return cold, statistics.median(warm), problem


def time_metrics_cli(db: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pmo_data", "metrics", "--json", "--db", str(db)],
                   cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def server_peak_rss(db: Path) -> float:
    """Peak RSS in MB of the server process while a browser visits every page."""
    from playwright.sync_api import sync_playwright
    from streamlit_server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, wait_for_app

    server = StreamlitServer(db)
    try:
        server.wait_healthy()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url)
            wait_for_app(page, timeout_ms=300_000)
            for script in page_files():
                page.goto(f"{server.url}/{Path(script).stem}")
                wait_for_app(page, timeout_ms=300_000)
            browser.close()
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        return kb / 1024
    finally:
        server.stop()


def run_scale(scale: int, work: Path, runs: int, browser: bool) -> ScaleResult:
    db, rows, seconds = build(scale, work)
    result = ScaleResult(scale, rows, seconds)
    os.environ["PMO_DB"] = str(db)
    for script in ["bench/empty_page.py", *page_files()]:
        cold, warm, problem = time_page(ROOT / script, runs)
        name = Path(script).stem
        result.cold_ms[name], result.warm_ms[name] = cold, warm
        if problem:
            result.failures.append(f"{name}: {problem}")
        print(f"  scale {scale:>3} {name:<20} cold {cold:8.0f} ms  warm {warm:8.0f} ms",
              flush=True)
    result.metrics_s = time_metrics_cli(db)
    if browser:
        result.rss_mb = server_peak_rss(db)
    return result


def report(results: list[ScaleResult], runs: int) -> str:
    """The markdown report: machine, date, import table, page table with ratios, verdicts."""
    lines = [
        "# Performance",
        "",
        f"Measured {date.today():%d %B %Y} by `python bench/run.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores, {_ram_gb():.0f} GiB RAM, Python {platform.python_version()}. "
        f"Warm = median of {runs} reruns, each with a new as-at date (queries recomputed).",
        "",
        "## Import",
        "",
        "| scale | rows read | seconds | rows per second |",
        "|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.scale} | {r.rows:,} | {r.import_s:.1f} | {r.rows / r.import_s:,.0f} |")
    lines += ["", "## Pages (AppTest, milliseconds)", ""]
    header = "| page | " + " | ".join(
        f"cold x{r.scale} | warm x{r.scale}" for r in results) + " | warm x10 / x1 | warm / floor |"
    lines += [header, "|---" * (2 * len(results) + 3) + "|"]
    by_scale = {r.scale: r for r in results}
    floor = by_scale[results[0].scale].warm_ms["empty_page"]
    for name in results[0].cold_ms:
        cells = " | ".join(f"{r.cold_ms[name]:.0f} | {r.warm_ms[name]:.0f}" for r in results)
        ratio = (f"{by_scale[10].warm_ms[name] / by_scale[1].warm_ms[name]:.2f}"
                 if 10 in by_scale and 1 in by_scale else "-")
        ref = by_scale.get(10, results[0])
        lines.append(f"| {name} | {cells} | {ratio} | {ref.warm_ms[name] / floor:.0f}x |")
    lines += ["", "## Metrics CLI and server memory", "",
              "| scale | `metrics --json` seconds | server peak RSS (MB) |", "|---:|---:|---:|"]
    for r in results:
        rss = f"{r.rss_mb:.0f}" if r.rss_mb is not None else "-"
        lines.append(f"| {r.scale} | {r.metrics_s:.2f} | {rss} |")
    lines += ["", "## Targets at scale 10", ""]
    lines += verdicts(by_scale)
    failures = [f for r in results for f in r.failures]
    lines += ["", f"Page exceptions during the run: {len(failures)}."]
    lines += [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def verdicts(by_scale: dict[int, ScaleResult]) -> list[str]:
    if 10 not in by_scale:
        return ["(scale 10 not measured)"]
    ten, one = by_scale[10], by_scale.get(1)
    pages = [n for n in ten.warm_ms if n != "empty_page"]
    worst_warm = max(pages, key=lambda n: ten.warm_ms[n])
    worst_cold = max(pages, key=lambda n: ten.cold_ms[n])
    out = [
        f"- warm rerun under {TARGETS['warm_ms']} ms: worst {worst_warm} "
        f"{ten.warm_ms[worst_warm]:.0f} ms "
        f"({'met' if ten.warm_ms[worst_warm] < TARGETS['warm_ms'] else 'NOT met'})",
        f"- cold under {TARGETS['cold_ms']} ms: worst {worst_cold} "
        f"{ten.cold_ms[worst_cold]:.0f} ms "
        f"({'met' if ten.cold_ms[worst_cold] < TARGETS['cold_ms'] else 'NOT met'})",
        f"- import under {TARGETS['import_s']} s: {ten.import_s:.1f} s "
        f"({'met' if ten.import_s < TARGETS['import_s'] else 'NOT met'})",
    ]
    if one is not None:
        worst = max(pages, key=lambda n: ten.warm_ms[n] / one.warm_ms[n])
        ratio = ten.warm_ms[worst] / one.warm_ms[worst]
        out.append(f"- warm x10 at most {TARGETS['warm_ratio']}x warm x1: worst {worst} "
                   f"{ratio:.2f}x ({'met' if ratio <= TARGETS['warm_ratio'] else 'NOT met'})")
    if ten.rss_mb is not None:
        out.append(f"- server RSS under {TARGETS['rss_mb']} MB: {ten.rss_mb:.0f} MB "
                   f"({'met' if ten.rss_mb < TARGETS['rss_mb'] else 'NOT met'})")
    return out


def _ram_gb() -> float:
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        return kb / 1024 / 1024
    except (OSError, AttributeError):
        return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="scale 1, one run, no browser")
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default=None, help="folder for exports and databases")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    scales = [1] if args.smoke else [int(s) for s in args.scales.split(",")]
    runs = 1 if args.smoke else args.runs
    work = Path(args.work or tempfile.mkdtemp(prefix="pmo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = [run_scale(s, work, runs, browser=not (args.smoke or args.no_browser))
               for s in scales]
    text = report(results, runs)
    print(text)
    if not args.smoke:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
    failures = [f for r in results for f in r.failures]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
