"""Real server, real browser: build the board pack on the demo data and download the
PowerPoint; the file opens with python-pptx and has native charts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    base = tmp_path_factory.mktemp("browser_pack")
    exports = write_demo_exports(base / "sample", as_at=date(2026, 11, 21))
    report = import_paths(exports, base / "pmo.duckdb")
    assert report.version is not None
    srv = StreamlitServer(base / "pmo.duckdb", log=base / "server.log")
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_download_the_powerpoint(server: StreamlitServer, browser, tmp_path: Path) -> None:
    from pptx import Presentation

    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/board_pack")
    page.get_by_role("heading", name="Board pack").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Build the pack").click()
    button = page.get_by_role("button", name="PowerPoint (.pptx)")
    button.wait_for(timeout=60_000)
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith("_PMO-board-pack_2026-27_2026-11-21.pptx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    slides = list(Presentation(str(path)).slides)
    titles = [s.shapes.title.text for s in slides]
    assert titles[1] == "Executive summary" and "Top risks" in titles
    assert sum(shape.has_chart for s in slides for shape in s.shapes) >= 4
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    context.close()
