"""Hygiene: the engine never imports streamlit (DESIGN.md "Layout")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import importlib, json, pkgutil, sys, traceback
    import pmo_data
    report = {"after_package": "streamlit" in sys.modules, "modules": [], "pulled_in": [],
              "failed": {}}
    for info in pkgutil.walk_packages(pmo_data.__path__, "pmo_data."):
        report["modules"].append(info.name)
        try:
            importlib.import_module(info.name)
        except Exception:
            report["failed"][info.name] = traceback.format_exc(limit=1)
        if "streamlit" in sys.modules and not report["pulled_in"]:
            report["pulled_in"].append(info.name)
    report["streamlit"] = sorted(m for m in sys.modules if m.split(".")[0] == "streamlit")
    print(json.dumps(report))
""")


def test_pmo_data_never_imports_streamlit() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert not report["after_package"]
    assert {"pmo_data.schema", "pmo_data.parse", "pmo_data.readers", "pmo_data.recognise",
            "pmo_data.ingest", "pmo_data.store", "pmo_data.db", "pmo_data.cli",
            "pmo_data.templates", "pmo_data.quality"} <= set(report["modules"])
    assert report["failed"] == {}
    assert report["pulled_in"] == [], f"first module importing streamlit: {report['pulled_in']}"
    assert report["streamlit"] == []


def test_every_plotly_chart_on_a_page_has_its_summary_as_alt() -> None:
    """Each ``plotly_chart`` call in pages/ passes ``alt=`` the chart's summary sentence
    (the text alternative stating its finding), never nothing or a literal."""
    import ast

    calls = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "plotly_chart"):
                alt = next((k.value for k in node.keywords if k.arg == "alt"), None)
                calls.append((path.name, node.lineno, ast.unparse(alt) if alt else None))
    assert len(calls) >= 19
    bad = [c for c in calls if not (c[2] or "").endswith(".summary")]
    assert not bad, bad
