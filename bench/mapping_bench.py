"""Benchmark of project-file import (MPXJ) and mapping proposals; prints the figures.

Run ``python bench/mapping_bench.py [--runs 3]``. What is measured:

- project file: a 2,000-task Microsoft Project file (MSPDI .xml and MPX, 100 milestones),
  written beforehand with MPXJ's writers, imported by ``ingest.import_paths`` into a fresh
  database in a fresh Python process, so the time includes starting the JVM (reported
  separately too: the first ``project_files.start_jvm`` call) and the new database
  version; a second file in the same process shows the cost once the JVM runs.
- proposals: ``mapping.propose`` on a 50-column, 10,000-row sheet (dates, IDs, numbers,
  RAG words and text), and reading that sheet from an .xlsx before proposing (what the
  Import page waits for after an upload).

Each figure is the median of ``--runs`` fresh processes, with the slowest beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TASKS = 2000


def _write_files(folder: Path) -> None:
    """Write the project files and the wide workbook (in a separate process: its JVM start
    must not warm the measured one)."""
    code = f"""
import sys
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]
from datetime import date, timedelta
from pathlib import Path
from project_support import Task, write_project
tasks = []
for i in range({TASKS}):
    start = date(2025, 4, 1) + timedelta(days=i % 500)
    if i % 20 == 19:
        tasks.append(Task(f"Milestone {{i}}", start, start, 0.0, True, start))
    else:
        tasks.append(Task(f"Task {{i}}", start, start + timedelta(days=5), 40.0))
for suffix in (".xml", ".mpx"):
    write_project(Path({str(folder)!r}) / f"P1 big{{suffix}}", tasks)
    write_project(Path({str(folder)!r}) / f"P2 big{{suffix}}", tasks, title="Second")
from datetime import datetime
from openpyxl import Workbook
book = Workbook(write_only=True)
sheet = book.create_sheet("Wide")
sheet.append([f"Column {{j}} " + ("date" if j % 5 == 0 else "value") for j in range(50)])
for i in range(10_000):
    sheet.append([datetime(2025, 1, 1) + timedelta(days=i % 400) if j % 5 == 0 else
                  f"ID{{i}}" if j % 5 == 1 else i * 1.5 if j % 5 == 2 else
                  ("Red", "Amber", "Green", "Yellow")[i % 4] if j % 5 == 3 else
                  "some free text" for j in range(50)])
book.save(Path({str(folder)!r}) / "wide.xlsx")
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _measure_project(folder: Path, suffix: str) -> dict[str, float]:
    code = f"""
import json, time
from pathlib import Path
from pmo_data import ingest, project_files
started = {{}}
original = project_files.start_jvm
def timed():
    if "jvm" not in started:
        t = time.perf_counter(); original(); started["jvm"] = time.perf_counter() - t
    else:
        original()
project_files.start_jvm = timed
folder = Path({str(folder)!r})
db = folder / "bench-{suffix[1:]}.duckdb"
t = time.perf_counter()
report = ingest.import_paths([folder / "P1 big{suffix}"], db)
first = time.perf_counter() - t
assert report.loaded.get("milestones") == 100, report.summary_lines()
t = time.perf_counter()
ingest.import_paths([folder / "P2 big{suffix}"], db)
second = time.perf_counter() - t
print(json.dumps({{"total": first, "jvm": started["jvm"], "warm": second}}))
"""
    with tempfile.TemporaryDirectory() as scratch:
        for old in folder.glob(f"bench-{suffix[1:]}.duckdb*"):
            subprocess.run(["rm", "-rf", str(old)], check=True)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, check=True, env={**os.environ, "TMPDIR": scratch})
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure_proposal(folder: Path) -> dict[str, float]:
    code = f"""
import json, time
from pathlib import Path
from pmo_data import mapping
from pmo_data.readers import read_bytes
data = (Path({str(folder)!r}) / "wide.xlsx").read_bytes()
t = time.perf_counter()
sheet = read_bytes(data, "wide.xlsx")[0]
read = time.perf_counter() - t
t = time.perf_counter()
proposal = mapping.propose(sheet)
propose = time.perf_counter() - t
assert len(proposal.columns) == 50 and len(sheet.rows) == 10_001
print(json.dumps({{"read": read, "propose": propose}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(samples: list[dict[str, float]], key: str) -> str:
    values = [s[key] for s in samples]
    return f"{statistics.median(values):.2f} s (slowest {max(values):.2f} s)"


def main() -> int:
    """Write the files, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pmo-bench-") as name:
        folder = Path(name)
        t = time.perf_counter()
        _write_files(folder)
        print(f"files written in {time.perf_counter() - t:.1f} s "
              f"(load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)")
        for suffix, label in ((".xml", "MSPDI .xml"), (".mpx", "MPX")):
            samples = [_measure_project(folder, suffix) for _ in range(args.runs)]
            print(f"{TASKS}-task {label}: import incl. JVM start {_summary(samples, 'total')}; "
                  f"JVM start {_summary(samples, 'jvm')}; next file, JVM running "
                  f"{_summary(samples, 'warm')}")
        samples = [_measure_proposal(folder) for _ in range(args.runs)]
        print(f"50 x 10,000 sheet: proposal {_summary(samples, 'propose')}; reading the .xlsx "
              f"first {_summary(samples, 'read')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
