"""Start the dashboard server with its heavy modules already loaded (``python serve.py``).

Why: ``streamlit run dashboard.py`` imports nothing of the app until the first visitor
arrives, so the first person to open the dashboard after a restart also waits for pandas,
pyarrow, DuckDB, plotly and the engine to load (about 0.5-0.8 s on a 2-core machine,
``docs/performance.md``). This launcher imports what every page imports at the top and
touches the first-use paths of those libraries (a DuckDB query, a pandas-to-Arrow
conversion, a plotly figure to JSON, the pandas Styler), then starts the same Streamlit
server in the same process, as ``gunicorn --preload`` does for web apps. Options after
``serve.py`` go to ``streamlit run`` unchanged, e.g. ``python serve.py --server.port 8502``.

It also puts a guard in front of every request (``install_host_guard``): a request whose
``Host`` or ``Origin`` is not an address the app serves is refused (DNS rebinding).

Nothing is cached here that depends on the data: no connection to the PMO database is kept
and no query result is stored, so an import that publishes a new database version while
the server starts is picked up as usual.
"""

from __future__ import annotations

import ast
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ENTRY = ROOT / "dashboard.py"

# Imported inside functions that every first page run calls (ui's filters, the Overview's
# RAG table, the Import page's list of profiles); the AST scan below sees only module-level
# imports.
FIRST_RUN_IMPORTS = ("pmo_data.metrics", "pandas.io.formats.style", "pmo_data.builtin_profiles")


def page_imports() -> list[str]:
    """Modules imported at the top of dashboard.py and of every page, in file order.

    Only module-level ``import`` statements count: imports inside functions stay lazy on
    purpose (python-pptx for a board pack, the readers for an upload).
    """
    names: list[str] = []
    for path in [ENTRY, *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def _import(name: str) -> None:
    """Import ``name``; a name from ``from module import thing`` that is not a module itself
    (a function, a class) is skipped once its module is loaded. A missing module raises."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        parent, _, attr = name.rpartition(".")
        if exc.name != name or not parent or not hasattr(importlib.import_module(parent), attr):
            raise


def _first_use() -> None:
    """Run each library's one-off first-use work once, on throwaway data."""
    import duckdb
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io as pio
    import pyarrow as pa
    from streamlit import env_util

    env_util.is_repl()  # Streamlit's first element asks this; inspect.stack() is slow once
    with duckdb.connect(":memory:") as con:
        con.execute("SELECT 1 AS a, 'x' AS b WHERE ? > 0", [1]).fetchall()
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    pa.Table.from_pandas(frame)
    frame.to_csv(index=False)  # the pages' CSV downloads
    frame.pivot_table(index="b", columns="a", values="a", aggfunc="sum",
                      fill_value=0)  # tables by two dimensions (unstacked)
    frame.style.map(lambda _v: "color: red")._compute()
    # st.plotly_chart turns a figure dict into a Figure; the pages draw bars and funnels
    figure = go.Figure(data=[go.Bar(x=["a"], y=[1]), go.Funnel(x=[1], y=["a"])])
    pio.to_json(figure, validate=False)


def warm_up() -> float:
    """Import what the pages import and run the first-use paths; seconds taken."""
    start = time.perf_counter()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name in [*page_imports(), *FIRST_RUN_IMPORTS]:
        _import(name)
    _first_use()
    return time.perf_counter() - start


def guarded_hosts() -> tuple[str, ...]:
    """The host names the server answers to: ``server.allowedHosts`` when it is set, else
    the loopback names (local mode: the app serves only its own machine)."""
    from streamlit import config

    from pmo_data.hostguard import LOOPBACK

    configured = [h for h in (config.get_option("server.allowedHosts") or []) if h.strip()]
    return tuple(configured) or LOOPBACK


def install_host_guard() -> None:
    """Put ``pmo_data.hostguard.HostGuard`` in front of every HTTP and WebSocket request
    (Streamlit checks only the WebSocket's Host, and only against ``server.allowedHosts``)."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    from pmo_data.hostguard import HostGuard

    streamlit_middleware = starlette_app.create_streamlit_middleware

    def with_guard() -> list[Middleware]:
        return [Middleware(HostGuard, hosts=guarded_hosts()), *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = with_guard


def main(argv: list[str]) -> int:
    """Warm up, then hand over to ``streamlit run dashboard.py`` with ``argv``."""
    seconds = warm_up()
    print(f"Loaded the dashboard's modules in {seconds:.1f} s; starting the server.",
          flush=True)
    from streamlit.web import cli

    install_host_guard()

    sys.argv = ["streamlit", "run", str(ENTRY), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
