"""Benchmark: import speed, page render times (cold and warm), metrics CLI time, server memory.

Run ``python bench/run.py`` (full: scales 1, 10 and 100) or ``python bench/run.py --smoke``
(scale 1, one run, no browser: what CI runs to catch crashes, not to judge time). Prints a
table and writes it into ``docs/performance.md`` (full runs only; between the ``bench:``
markers, so the notes around it stay) with the machine, the date and the load average.

What is measured, and how (the app's bytecode is written first: see ``precompile``):
- import: ``pmo_data.ingest.import_paths`` of all demo exports into a fresh database (the
  demo generation itself is not counted); rows per second = rows read / seconds.
- page cold: the first ``AppTest.run()`` of the page in a fresh Python process that has only
  imported Streamlit (a server that has just started with ``streamlit run dashboard.py``):
  the page's own imports (pandas, DuckDB, plotly, ``pmo_data``), opening the database and
  every query count. One process per page, so no page profits from another's imports;
  median of ``--cold-runs`` such processes (rounds over all pages, so a burst of load on
  the machine does not land on every sample of one page), the slowest sample is reported
  too. Not counted: Streamlit's scan of installed packages for custom components, which
  the server does once when it starts but ``AppTest`` repeats at every test's first run
  (``_component_registry``; its time is reported).
- page cold, preloaded: the same, in a fresh process that first did what ``serve.py`` does
  before it starts the server (``serve.warm_up``: the pages' imports and the libraries'
  first-use work): what the first visitor after ``python serve.py`` waits. Median of
  ``--cold-runs`` processes; the warm-up's own time is reported (it delays the server's
  start, not a visitor).
- page cold, process warm: then the caches are cleared (as after an import) and a new
  session runs the page again: what the first visitor of a page waits on a running server.
- page warm: reruns of that session, each after changing the "as at" filter to a date not
  used before, so every query that depends on it is recomputed (a rerun with unchanged
  filters would be served from the cache and measure nothing); median of N reruns.
- floor: the same numbers for an empty Streamlit page (bench/empty_page.py), so each page is
  also reported as a multiple of what Streamlit itself costs; and for the stack's floor
  (bench/stack_page.py: pandas, pyarrow, DuckDB and plotly imported, one small table), the
  part of a fresh process's cold time that no page of any pandas/DuckDB dashboard avoids.
- metrics: wall time of ``python -m pmo_data metrics --json`` (includes interpreter start),
  median of three.
- server: ``python serve.py`` while Chromium opens every page in turn (each page a full
  load: a new session): peak RSS (VmHWM) of the server process, the time from navigation to
  "script finished" per page, and any exception box shown; also the very first visit after
  the server started (the browser loading the app's JavaScript, and the server running the
  app for the first time: the real-server version of "cold"), for ``serve.py`` and for a
  plain ``streamlit run dashboard.py`` (which imports the app only then); then a click on
  each page's sidebar link, timed to that page's script finishing (moving between pages
  without reloading the app, as people do).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

AS_AT = date(2026, 11, 21)
TARGETS = {"warm_ms": 300, "warm_ratio": 1.5, "cold_ms": 1500, "import_s": 10, "rss_mb": 600}
FLOOR = "empty_page"
STACK = "stack_page"
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def precompile() -> None:
    """Write the app's bytecode (``__pycache__``), as an installed library has it from pip and
    a deployment has it after its first start. Without it, a machine that sets
    PYTHONDONTWRITEBYTECODE (this sandbox does, so do many container images) compiles
    ``pmo_data`` from source in every fresh process: about 0.1 s of every cold time."""
    import compileall

    compileall.compile_dir(ROOT / "pmo_data", quiet=1)
    compileall.compile_file(ROOT / "ui.py", quiet=1)


def page_files() -> list[str]:
    """The page scripts declared in dashboard.py, in navigation order."""
    return [f"pages/{stem}.py" for stem in page_titles()]


def page_titles() -> dict[str, str]:
    """Page stem -> the title its sidebar link shows (and its heading), from dashboard.py."""
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    return dict(re.findall(r'st\.Page\(\s*"pages/([a-z_]+)\.py",\s*title="([^"]+)"', text))


def default_page() -> str | None:
    """The page served at the root URL (``default=True`` in dashboard.py)."""
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    found = re.search(r'st\.Page\(\s*"pages/([a-z_]+)\.py"[^)]*default=True', text)
    return found.group(1) if found else None


@dataclass
class PageTimes:
    cold_ms: float  # median over fresh processes
    cold_warm_process_ms: float
    warm_ms: float
    warm_all_ms: list[float]
    problem: str | None = None
    cold_all_ms: list[float] = field(default_factory=list)
    cold_preloaded_ms: float = float("nan")  # median over fresh processes after serve.py's warm-up
    cold_preloaded_all_ms: list[float] = field(default_factory=list)
    scan_ms: list[float] = field(default_factory=list)  # Streamlit's component scan, excluded
    warm_up_s: list[float] = field(default_factory=list)  # serve.warm_up() in those processes


@dataclass
class ScaleResult:
    scale: int
    rows: int = 0
    import_s: float = 0.0
    pages: dict[str, PageTimes] = field(default_factory=dict)
    metrics_s: float = 0.0
    rss_mb: float | None = None
    browser_ms: dict[str, float] = field(default_factory=dict)
    browser_first_ms: float | None = None
    browser_first_plain_ms: float | None = None
    browser_click_ms: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    db: Path | None = None


# --- building the data -----------------------------------------------------------------


def build(scale: int, work: Path) -> tuple[Path, int, float]:
    """Generate the demo exports at ``scale`` and import them into a fresh database; returns
    the database, rows read and seconds."""
    import shutil

    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    exports = work / f"scale{scale}"
    if not exports.exists():
        write_demo_exports(exports, as_at=AS_AT, scale=scale)
    db = work / f"scale{scale}.duckdb"
    for old in (db, Path(f"{db}.d")):  # a fresh database every time: first import
        if old.is_symlink() or old.is_file():
            old.unlink()
        elif old.is_dir():
            shutil.rmtree(old)
    start = time.perf_counter()
    report = import_paths([exports], db)
    seconds = time.perf_counter() - start
    if report.version is None:
        raise SystemExit(f"scale {scale}: nothing loaded")
    return db, sum(s.rows_read for s in report.sheets), seconds


# --- page times (AppTest, one process per page) ------------------------------------------


def _component_registry():  # noqa: ANN202 - Streamlit's BidiComponentManager
    """Streamlit's registry of installed custom components, built as the server builds it
    once at start (``Runtime.__init__`` scans every installed package's metadata: ~0.2-0.3 s
    here). ``AppTest`` repeats that scan at the first run of every test; handing each
    ``AppTest`` this registry keeps a cost no visitor pays out of the page times. Returns
    the registry and the milliseconds the scan took."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    start = time.perf_counter()
    registry = BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)
    return registry, (time.perf_counter() - start) * 1000


def _app_test(path: str, registry):  # noqa: ANN001, ANN202
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(path, default_timeout=900)
    if hasattr(at, "_bidi_component_manager"):  # Streamlit 1.67; else AppTest scans itself
        at._bidi_component_manager = registry
    return at


def worker(scripts: list[str], runs: int, cold_only: bool = False,
           preload: bool = False) -> None:
    """Time each page (see the module docstring); print one JSON line per page. With
    ``cold_only`` just the first run (a further sample of the cold time); with ``preload``
    the process first does what ``serve.py`` does before the server starts."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest  # noqa: F401 - Streamlit itself: before the clock

    registry, scan_ms = _component_registry()
    warm_up_s = None
    if preload:
        import serve

        warm_up_s = serve.warm_up()
    for script in scripts:
        path = str(ROOT / script)
        at = _app_test(path, registry)
        start = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - start) * 1000
        problem = at.exception[0].message if at.exception else None
        if cold_only:
            print(json.dumps({"script": script, "cold": cold, "problem": problem,
                              "scan_ms": scan_ms, "warm_up_s": warm_up_s}), flush=True)
            continue
        st.cache_data.clear()
        st.cache_resource.clear()
        at = _app_test(path, registry)
        start = time.perf_counter()
        at.run()
        cold_warm = (time.perf_counter() - start) * 1000
        warm: list[float] = []
        for k in range(1, runs + 1):
            at.session_state["as_at"] = AS_AT - timedelta(days=7 * k)
            start = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - start) * 1000)
            if at.exception and problem is None:
                problem = at.exception[0].message
        print(json.dumps({"script": script, "cold": cold, "cold_warm": cold_warm,
                          "warm": warm, "problem": problem, "scan_ms": scan_ms,
                          "warm_up_s": warm_up_s}), flush=True)


def pair_worker(scripts: list[str], runs: int, small: str, large: str) -> None:
    """Warm reruns of each page alternating between two databases (``PMO_DB`` is read on
    every rerun) in one process: each pair is measured seconds apart, so a slow spell of the
    machine slows both sides of a ratio alike. Prints one JSON line per page."""
    import streamlit as st  # noqa: F401 - loaded before the clock
    from streamlit.testing.v1 import AppTest  # noqa: F401

    registry, _scan = _component_registry()
    for script in scripts:
        at = _app_test(str(ROOT / script), registry)
        small_ms: list[float] = []
        large_ms: list[float] = []
        for k in range(runs + 1):  # k == 0: the first run on each database, not counted
            at.session_state["as_at"] = AS_AT - timedelta(days=7 * k)
            for db, times in ((small, small_ms), (large, large_ms)):
                os.environ["PMO_DB"] = db
                start = time.perf_counter()
                at.run()
                if k:
                    times.append((time.perf_counter() - start) * 1000)
        problem = at.exception[0].message if at.exception else None
        print(json.dumps({"script": script, "small": small_ms, "large": large_ms,
                          "problem": problem}), flush=True)


@dataclass(frozen=True)
class Paired:
    """Warm reruns of one page at scale 1 and scale 10, alternating in one process."""

    small_ms: float  # median
    large_ms: float  # median
    ratio: float  # median of the per-pair ratios large / small


def time_pairs(scripts: list[str], small: Path, large: Path, runs: int) -> dict[str, Paired]:
    """``pair_worker`` for each page in a fresh process; pages whose worker failed are left
    out (the main table already reports them)."""
    out: dict[str, Paired] = {}
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for script in scripts:
        command = [sys.executable, str(Path(__file__).resolve()), "--pair-worker", script,
                   "--runs", str(runs), "--pair-dbs", f"{small},{large}"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                if r["small"] and not r["problem"]:
                    out[Path(script).stem] = Paired(
                        statistics.median(r["small"]), statistics.median(r["large"]),
                        statistics.median(b / a for a, b in zip(r["small"], r["large"],
                                                                 strict=True)))
    return out


def _run_worker(group: list[str], runs: int, env: dict[str, str], cold_only: bool,
                preload: bool = False) -> tuple[list[dict], str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", ",".join(group),
               "--runs", str(runs)] + (["--cold-only"] if cold_only else []) + (
               ["--preload"] if preload else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return lines, (done.stderr.strip().splitlines() or ["no output"])[-1]


def time_pages(scripts: list[str], db: Path, runs: int, one_process: bool,
               cold_runs: int = 1) -> dict[str, PageTimes]:
    """Run ``worker`` in fresh processes (one per page unless ``one_process``); then
    ``cold_runs - 1`` more rounds of fresh processes that take only the cold time; and
    ``cold_runs`` rounds of fresh processes preloaded as ``serve.py`` does."""
    groups = [scripts] if one_process else [[s] for s in scripts]
    env = {**os.environ, "PMO_DB": str(db), "PYTHONWARNINGS": "ignore"}
    out: dict[str, PageTimes] = {}
    for group in groups:
        lines, tail = _run_worker(group, runs, env, cold_only=False)
        for script in group:
            found = [r for r in lines if r["script"] == script]
            name = Path(script).stem
            if not found:
                out[name] = PageTimes(float("nan"), float("nan"), float("nan"), [],
                                      f"worker failed: {tail}")
                continue
            r = found[0]
            out[name] = PageTimes(r["cold"], r["cold_warm"], statistics.median(r["warm"]),
                                  r["warm"], r["problem"], [r["cold"]],
                                  scan_ms=[r["scan_ms"]])
    for k in range(cold_runs * 2 - 1):
        preload = k % 2 == 0  # alternate, so a slow spell does not hit one kind only
        for group in groups:
            lines, tail = _run_worker(group, runs, env, cold_only=True, preload=preload)
            for script in group:
                times = out[Path(script).stem]
                found = [r for r in lines if r["script"] == script]
                if not found:
                    times.problem = times.problem or f"worker failed: {tail}"
                    continue
                r = found[0]
                (times.cold_preloaded_all_ms if preload else times.cold_all_ms).append(r["cold"])
                times.scan_ms.append(r["scan_ms"])
                if preload:
                    times.warm_up_s.append(r["warm_up_s"])
                times.problem = times.problem or r["problem"]
    for times in out.values():
        if times.cold_all_ms:
            times.cold_ms = statistics.median(times.cold_all_ms)
        if times.cold_preloaded_all_ms:
            times.cold_preloaded_ms = statistics.median(times.cold_preloaded_all_ms)
    return out


# --- metrics CLI and the real server -----------------------------------------------------


def time_metrics_cli(db: Path, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pmo_data", "metrics", "--json", "--db", str(db)],
                       cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _first_visit(server, browser) -> float:  # noqa: ANN001 - StreamlitServer, Browser
    """Milliseconds from opening the root URL in a new tab to the script finishing."""
    from streamlit_server import wait_for_app

    server.wait_healthy(timeout=300)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    start = time.perf_counter()
    page.goto(server.url)  # builds nothing: the database exists
    wait_for_app(page, timeout_ms=900_000)
    return (time.perf_counter() - start) * 1000


def _click_walk(page) -> dict[str, float]:  # noqa: ANN001 - playwright Page
    """Milliseconds from clicking each page's link in the sidebar to that page's script
    finishing (its heading shown, the app idle): moving between pages as people do, without
    reloading the app. Starts from the last page the walk opened."""
    from streamlit_server import wait_for_app

    clicks: dict[str, float] = {}
    for name, title in page_titles().items():
        link = page.locator("[data-testid='stSidebarNavLink']").filter(has_text=title)
        if not link.count():  # e.g. Import, for a role that may not import
            continue
        start = time.perf_counter()
        link.first.click()
        page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=900_000)
        wait_for_app(page, timeout_ms=900_000)
        clicks[name] = (time.perf_counter() - start) * 1000
    return clicks


def browser_walk(db: Path
                 ) -> tuple[float, dict[str, float], list[str], float, float, dict[str, float]]:
    """Peak RSS (MB) of the ``serve.py`` server while Chromium opens every page; the
    milliseconds from navigation to the script finishing, per page; pages that showed an
    exception; and the milliseconds of the very first visit after the server started (the
    default page), for ``serve.py`` and for a plain ``streamlit run dashboard.py`` server
    (which imports nothing of the app before that visit). Each server has its own port, so
    the browser caches nothing from one for the other."""
    from streamlit_server import StreamlitServer, chromium, wait_for_app

    times: dict[str, float] = {}
    problems: list[str] = []
    root = default_page()
    with chromium() as browser:
        plain = StreamlitServer(db, preload=False)
        try:
            plain_first_ms = _first_visit(plain, browser)
        finally:
            plain.stop()
        server = StreamlitServer(db)
        try:
            first_ms = _first_visit(server, browser)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for script in page_files():
                name = Path(script).stem
                start = time.perf_counter()
                page.goto(f"{server.url}/{'' if name == root else name}")
                wait_for_app(page, timeout_ms=900_000)
                times[name] = (time.perf_counter() - start) * 1000
                if page.locator("[data-testid='stException']").count():
                    problems.append(f"{name}: exception shown in the browser")
            clicks = _click_walk(page)
            status = Path(f"/proc/{server.process.pid}/status").read_text()
            kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
            return kb / 1024, times, problems, first_ms, plain_first_ms, clicks
        finally:
            server.stop()


def run_scale(scale: int, work: Path, runs: int, browser: bool, pages: list[str],
              one_process: bool, cold_runs: int = 1) -> ScaleResult:
    load_before = os.getloadavg()[0]
    db, rows, seconds = build(scale, work)
    result = ScaleResult(scale, rows, seconds, db=db)
    print(f"scale {scale}: imported {rows:,} rows in {seconds:.1f} s", flush=True)
    result.pages = time_pages(["bench/empty_page.py", "bench/stack_page.py", *pages], db,
                              runs, one_process,
                              cold_runs)
    for name, t in result.pages.items():
        print(f"  scale {scale:>3} {name:<20} cold {t.cold_ms:7.0f} ms (slowest "
              f"{max(t.cold_all_ms, default=float('nan')):5.0f}) preloaded "
              f"{t.cold_preloaded_ms:5.0f} ms  cold (warm process) "
              f"{t.cold_warm_process_ms:5.0f} ms  warm {t.warm_ms:5.0f} ms", flush=True)
        if t.problem:
            result.failures.append(f"scale {scale}, {name}: {t.problem}")
    result.metrics_s = time_metrics_cli(db, repeats=1 if one_process else 3)
    if browser:
        (result.rss_mb, result.browser_ms, problems, result.browser_first_ms,
         result.browser_first_plain_ms, result.browser_click_ms) = browser_walk(db)
        result.failures += [f"scale {scale}, {p}" for p in problems]
        print(f"  scale {scale}: server peak RSS {result.rss_mb:.0f} MB", flush=True)
    result.load = (load_before, os.getloadavg()[0])
    return result


# --- the report --------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:,.0f}"  # NaN: the page failed


def _slowest_and_median(times: dict[str, float]) -> tuple[str, str]:
    """Table cells for page -> milliseconds: "page ms" of the slowest, and the median."""
    if not times:
        return "-", "-"
    slow = max(times, key=times.__getitem__)
    return f"{slow} {times[slow]:,.0f}", f"{statistics.median(times.values()):,.0f}"


def report(results: list[ScaleResult], runs: int, cold_runs: int = 1,
           paired: dict[str, Paired] | None = None) -> str:
    """The generated part of docs/performance.md: machine, import, pages, server, verdicts."""
    by_scale = {r.scale: r for r in results}
    loads = ", ".join(f"x{r.scale} {r.load[0]:.1f} -> {r.load[1]:.1f}" for r in results)
    lines = [
        f"Measured {datetime.now():%d %B %Y %H:%M} by `python bench/run.py --scales "
        f"{','.join(str(r.scale) for r in results)} --runs {runs} --cold-runs {cold_runs}` on "
        f"{platform.machine()}, "
        f"{os.cpu_count()} cores, {_ram_gb():.0f} GiB RAM, Python {platform.python_version()}; "
        f"1-minute load average before -> after each scale: {loads}.",
        "",
        "### Import",
        "",
        "| scale | rows read | seconds | rows per second |",
        "|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.scale} | {r.rows:,} | {r.import_s:.1f} | "
                     f"{r.rows / r.import_s:,.0f} |")
    scans = [ms for r in results for t in r.pages.values() for ms in t.scan_ms]
    scan = f"{statistics.median(scans):,.0f} ms" if scans else "not measured"
    lines += ["", "### Pages (AppTest, milliseconds)", "",
              f"Cold: first run in a fresh process, median of {cold_runs} processes. Cold, "
              "preloaded: the same after `serve.warm_up()`, what `python serve.py` does before "
              "the server starts. Cold (warm process): first run of a new session after the "
              f"caches were cleared. Warm: median of {runs} reruns, each with a new as-at "
              "date. Streamlit's scan of installed packages for components, which the server "
              f"does once at start and AppTest at every test's first run ({scan}), is not "
              "counted.", ""]
    head = "| page | " + " | ".join(
        f"cold x{r.scale} | preloaded x{r.scale} | cold (warm process) x{r.scale} | "
        f"warm x{r.scale}" for r in results)
    ratio = 10 in by_scale and 1 in by_scale
    head += (" | warm x10 / x1" if ratio else "") + " | warm / floor |"
    lines += [head, "|---" + "|---:" * (4 * len(results) + ratio + 1) + "|"]
    ref = by_scale.get(10, results[0])
    floor = ref.pages[FLOOR].warm_ms
    for name in results[0].pages:
        cells = " | ".join(f"{_ms(r.pages[name].cold_ms)} | "
                           f"{_ms(r.pages[name].cold_preloaded_ms)} | "
                           f"{_ms(r.pages[name].cold_warm_process_ms)} | "
                           f"{_ms(r.pages[name].warm_ms)}" for r in results if name in r.pages)
        row = f"| {name} | {cells}"
        if ratio:
            row += f" | {by_scale[10].pages[name].warm_ms / by_scale[1].pages[name].warm_ms:.2f}"
        row += f" | {ref.pages[name].warm_ms / floor:.0f}x |"
        lines.append(row)
    lines += ["", "### Metrics CLI and the real server", "",
              "| scale | `metrics --json` s | serve.py warm-up s | server peak RSS MB | "
              "browser: first visit after start ms, serve.py | the same, plain `streamlit run` "
              "| browser: slowest page (ms, navigation to script finished) | "
              "browser: median page ms | sidebar click: slowest page ms | sidebar click: "
              "median ms |",
              "|---:|---:|---:|---:|---:|---:|---|---:|---|---:|"]
    for r in results:
        rss = f"{r.rss_mb:.0f}" if r.rss_mb is not None else "-"
        worst, median = _slowest_and_median(r.browser_ms)
        warm_ups = [x for t in r.pages.values() for x in t.warm_up_s]
        warm_up = f"{statistics.median(warm_ups):.2f}" if warm_ups else "-"
        first = _ms(r.browser_first_ms) if r.browser_first_ms is not None else "-"
        plain = _ms(r.browser_first_plain_ms) if r.browser_first_plain_ms is not None else "-"
        click_worst, click_median = _slowest_and_median(r.browser_click_ms)
        lines.append(f"| {r.scale} | {r.metrics_s:.2f} | {warm_up} | {rss} | {first} | {plain} "
                     f"| {worst} | {median} | {click_worst} | {click_median} |")
    if paired:
        lines += ["", "### Warm x10 / x1, paired", "",
                  f"The same page rerun {runs} times on each database, alternating x1 and x10 "
                  "in one process (each rerun with a new as-at date): a slow spell of the "
                  "machine slows both sides of each pair alike. Ratio: median of the pairs' "
                  "ratios.", "",
                  "| page | warm x1 ms | warm x10 ms | x10 / x1 |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {p.small_ms:,.0f} | {p.large_ms:,.0f} | {p.ratio:.2f} |"
                  for name, p in paired.items()]
    lines += ["", "### Targets", ""]
    lines += verdicts(by_scale, paired)
    failures = [f for r in results for f in r.failures]
    lines += ["", f"Page problems during the run: {len(failures)}."]
    lines += [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def verdicts(by_scale: dict[int, ScaleResult],
             paired: dict[str, Paired] | None = None) -> list[str]:
    """One line per target (scale 10), and whether every page rendered at scale 100. The
    x10 / x1 ratio is judged on the paired reruns when there are any, the separate runs'
    ratio is reported beside it."""
    out: list[str] = []
    if 10 in by_scale:
        ten, one = by_scale[10], by_scale.get(1)
        pages = [n for n in ten.pages if n not in (FLOOR, STACK)]

        def verdict(ok: bool) -> str:
            return "met" if ok else "NOT met"

        worst_warm = max(pages, key=lambda n: ten.pages[n].warm_ms)
        worst_cold = max(pages, key=lambda n: ten.pages[n].cold_ms)
        worst_pre = max(pages, key=lambda n: ten.pages[n].cold_preloaded_ms)
        slowest = max(pages, key=lambda n: max(ten.pages[n].cold_all_ms, default=0.0))
        slowest_ms = max(ten.pages[slowest].cold_all_ms, default=float("nan"))
        stack_note = (f"; the stack alone, {STACK}: {ten.pages[STACK].cold_ms:,.0f} ms"
                      if STACK in ten.pages else "")
        worst_cw = max(pages, key=lambda n: ten.pages[n].cold_warm_process_ms)
        w, c, cp, cw = (ten.pages[worst_warm].warm_ms, ten.pages[worst_cold].cold_ms,
                        ten.pages[worst_pre].cold_preloaded_ms,
                        ten.pages[worst_cw].cold_warm_process_ms)
        out += [
            f"- scale 10, every page's warm rerun under {TARGETS['warm_ms']} ms: worst "
            f"{worst_warm} {w:,.0f} ms ({verdict(w < TARGETS['warm_ms'])})",
            f"- scale 10, cold under {TARGETS['cold_ms']:,} ms: started by `python serve.py`, "
            f"worst {worst_pre} {cp:,.0f} ms in a fresh process, median "
            f"({verdict(cp < TARGETS['cold_ms'])}); started by plain `streamlit run`, worst "
            f"{worst_cold} {c:,.0f} ms, median ({verdict(c < TARGETS['cold_ms'])}; "
            f"slowest single sample {slowest} {slowest_ms:,.0f} ms{stack_note}); "
            f"worst {worst_cw} {cw:,.0f} ms in a warm process "
            f"({verdict(cw < TARGETS['cold_ms'])})",
            f"- scale 10, import of all demo exports under {TARGETS['import_s']} s: "
            f"{ten.import_s:.1f} s ({verdict(ten.import_s < TARGETS['import_s'])})",
        ]
        if one is not None:
            worst = max(pages, key=lambda n: ten.pages[n].warm_ms / one.pages[n].warm_ms)
            ratio = ten.pages[worst].warm_ms / one.pages[worst].warm_ms
            separate = f"worst {worst} {ratio:.2f}x"
            if paired:
                top = max(paired, key=lambda n: paired[n].ratio)
                out.append(f"- warm x10 at most {TARGETS['warm_ratio']}x warm x1, paired "
                           f"reruns: worst {top} {paired[top].ratio:.2f}x "
                           f"({verdict(paired[top].ratio <= TARGETS['warm_ratio'])}); in the "
                           f"separate runs above {separate}")
            else:
                out.append(f"- warm x10 at most {TARGETS['warm_ratio']}x warm x1 (same run): "
                           f"{separate} ({verdict(ratio <= TARGETS['warm_ratio'])})")
        if ten.rss_mb is not None:
            out.append(f"- scale 10, server peak RSS under {TARGETS['rss_mb']} MB: "
                       f"{ten.rss_mb:.0f} MB ({verdict(ten.rss_mb < TARGETS['rss_mb'])})")
    else:
        out.append("- (scale 10 not measured)")
    if 100 in by_scale:
        big = by_scale[100]
        broken = [n for n, t in big.pages.items() if t.problem or t.warm_ms != t.warm_ms]
        out.append(f"- scale 100, every page renders: "
                   f"{'yes' if not broken and not big.failures else 'NO: ' + ', '.join(broken)}"
                   f" (slowest warm: {max(big.pages, key=lambda n: big.pages[n].warm_ms)})")
    return out


def write_report(text: str) -> None:
    """Put the generated text between the markers of docs/performance.md (created if
    missing), keeping everything else in the file."""
    block = f"{START}\n{text}{END}"
    if REPORT.exists():
        old = REPORT.read_text(encoding="utf-8")
        if START in old and END in old:
            head, rest = old.split(START, 1)
            new = head + block + rest.split(END, 1)[1]
        else:
            new = old.rstrip("\n") + "\n\n## Latest benchmark\n\n" + block + "\n"
    else:
        new = f"# Performance\n\n## Latest benchmark\n\n{block}\n"
    REPORT.write_text(new, encoding="utf-8")


def _ram_gb() -> float:
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        return kb / 1024 / 1024
    except (OSError, AttributeError):
        return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="scale 1, one run, one process, no browser, no report")
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="fresh processes per page for the cold time (median)")
    parser.add_argument("--work", default=None, help="folder for exports and databases")
    parser.add_argument("--pages", default=None, help="comma-separated page stems (default all)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update the report")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cold-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--preload", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pair-worker", help=argparse.SUPPRESS)
    parser.add_argument("--pair-dbs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker.split(","), args.runs, args.cold_only, args.preload)
        return 0
    if args.pair_worker:
        pair_worker(args.pair_worker.split(","), args.runs, *args.pair_dbs.split(","))
        return 0
    scales = [1] if args.smoke else [int(s) for s in args.scales.split(",")]
    runs = 1 if args.smoke else args.runs
    pages = page_files()
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = [p for p in pages if Path(p).stem in wanted]
    precompile()
    work = Path(args.work or tempfile.mkdtemp(prefix="pmo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cold_runs = 1 if args.smoke else max(1, args.cold_runs)
    results = [run_scale(s, work, runs, not (args.smoke or args.no_browser), pages,
                         one_process=args.smoke, cold_runs=cold_runs) for s in scales]
    by_scale = {r.scale: r for r in results}
    paired = (time_pairs(pages, by_scale[1].db, by_scale[10].db, runs)
              if 1 in by_scale and 10 in by_scale else {})
    text = report(results, runs, cold_runs, paired)
    print(text)
    if not (args.smoke or args.no_write or args.pages):
        write_report(text)
    failures = [f for r in results for f in r.failures]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
