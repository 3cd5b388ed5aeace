"""serve.py loads, before the server starts, every module a page's first run needs.

The launcher is only worth having if the first visitor after a restart imports nothing
heavy; these tests run every page after ``serve.warm_up()`` in a fresh interpreter and
fail on any pandas, pyarrow, numpy, DuckDB, plotly, jinja2 or engine module the warm-up
missed. The real server started through serve.py is covered by the browser tests
(tests/streamlit_server.py launches it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import serve

ROOT = Path(__file__).resolve().parent.parent

#: Module families a first page run must find already imported after the warm-up.
HEAVY = ("pandas", "pyarrow", "numpy", "duckdb", "plotly", "jinja2", "pmo_data", "ui")

_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import streamlit
from streamlit.testing.v1 import AppTest
import serve
seconds = serve.warm_up()
before = set(sys.modules)
problems = {}
for page in sys.argv[3:]:
    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    if at.exception:
        problems[page] = at.exception[0].message
heavy = tuple(sys.argv[2].split(","))
new = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in heavy)
print(json.dumps({"new": new, "problems": problems, "seconds": seconds}))
"""


def test_page_imports_lists_the_pages_module_level_imports() -> None:
    names = serve.page_imports()
    for expected in ("ui", "pmo_data.bootstrap", "pmo_data.overview", "pmo_data.charts.overview",
                     "pmo_data.charts.portfolio", "streamlit"):
        assert expected in names
    assert len(names) == len(set(names))
    # imports inside functions stay lazy on purpose: the board pack's python-pptx, uploads
    assert not [n for n in names if n.startswith(("pptx", "openpyxl", "pmo_data.ingest"))]


def test_import_skips_names_that_are_not_modules_but_not_missing_modules() -> None:
    serve._import("pmo_data.charts.portfolio.style_rags")  # a function, from ... import
    with pytest.raises(ModuleNotFoundError):
        serve._import("no_such_module_for_serve_test")
    with pytest.raises(ModuleNotFoundError):
        serve._import("pmo_data.no_such_module_for_serve_test")


def test_after_the_warm_up_no_page_imports_anything_heavy(tmp_path: Path) -> None:
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    db = tmp_path / "pmo.duckdb"
    assert import_paths(write_demo_exports(tmp_path / "sample", as_at=date(2026, 11, 21)),
                        db).version is not None
    pages = sorted(str(p) for p in (ROOT / "pages").glob("*.py"))
    assert len(pages) >= 14
    env = {**os.environ, "PMO_DB": str(db), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT), ",".join(HEAVY),
                           *pages], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["problems"] == {}
    missed = ", ".join(result["new"])
    assert not missed, f"serve.warm_up() missed modules pages load on their first run: {missed}"
    assert result["seconds"] > 0


def test_the_warm_up_opens_no_database(tmp_path: Path) -> None:
    """Nothing data-dependent happens before the server starts (no file is even created)."""
    target = tmp_path / "never.duckdb"
    env = {**os.environ, "PMO_DB": str(target)}
    done = subprocess.run([sys.executable, "-c", "import serve; serve.warm_up()"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []
