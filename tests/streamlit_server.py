"""Start the real Streamlit server for browser tests and benchmarks, and wait until it serves.

Used by the Playwright tests and the benchmark: binds 127.0.0.1 on a free port, waits on
``/_stcore/health``, and stops the process group afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """The dashboard on 127.0.0.1 with the given database, started as the README says
    (``python serve.py``), or with ``preload=False`` (or another ``script``) by plain
    ``streamlit run``."""

    def __init__(self, db_path: Path, *, script: str = "dashboard.py", log: Path | None = None,
                 preload: bool = True, port: int | None = None,
                 env: dict[str, str] | None = None, args: list[str] | None = None):
        """``port`` defaults to a free one; ``env`` is added to this process's environment;
        ``args`` go to ``streamlit run`` after the test options (e.g. ``--secrets.files``)."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PMO_DB": str(db_path), "PYTHONUNBUFFERED": "1", **(env or {})}
        self._log = open(log or os.devnull, "wb")  # noqa: SIM115 - closed in stop()
        launch = (["serve.py"] if preload and script == "dashboard.py"
                  else ["-m", "streamlit", "run", script])
        self.process = subprocess.Popen(
            [sys.executable, *launch, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             "--global.developmentMode", "false", *(args or [])],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Block until ``/_stcore/health`` answers ok (or raise with the exit status)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("streamlit did not become healthy")

    def stop(self) -> None:
        """Stop the server and its children."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:  # noqa: ANN001 - playwright Page
    """Wait until the app is connected, the script has finished and no skeleton remains."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=timeout_ms)
    page.wait_for_function(
        "document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout_ms)


@contextmanager
def demo_server(base: Path, *, preload: bool = True) -> Iterator[StreamlitServer]:
    """A healthy server on the demo exports (as at 21 Nov 2026) imported under ``base``;
    stopped on exit. Fails the test, naming the fix, when Chromium is missing."""
    import pytest

    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    exports = write_demo_exports(base / "sample", as_at=date(2026, 11, 21))
    report = import_paths(exports, base / "pmo.duckdb")
    assert report.version is not None
    server = StreamlitServer(base / "pmo.duckdb", log=base / "server.log", preload=preload)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (a ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
