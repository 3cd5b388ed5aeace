"""Real server, real browser: every page renders in Chromium with no exception.

Starts ``streamlit run dashboard.py`` on a database built from the demo exports, visits
every page, asserts its title shows and no exception box appears, and saves a screenshot
of each page to ``test-results/screenshots`` for people to look at.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer, wait_for_app

pytestmark = pytest.mark.browser

#: (url path, heading the page shows). Keep in step with dashboard.py.
PAGES = [
    ("", "Overview"),  # the default page (overview.py) is served at the root
    ("portfolio", "Portfolio delivery"),
    ("training", "Training reach"),
    ("five_year_plan", "Five-year plan"),
    ("import_data", "Import"),
    ("data_quality", "Data quality"),
    ("explore", "Explore"),
    ("board_pack", "Board pack"),
    ("benefits", "Benefits"),
    ("risks", "Risks and issues"),
    ("portfolio_history", "Portfolio history"),
    ("estimates", "Estimate realism"),
    ("pmo_value", "PMO value"),
    ("prioritisation", "Prioritisation"),
]
SHOTS = ROOT / "test-results" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    base = tmp_path_factory.mktemp("browser")
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


def test_a_deep_link_on_a_fresh_server_gets_the_navigation(server: StreamlitServer,
                                                           browser) -> None:
    """The first request after start is a deep link (a bookmark): it must still run through
    dashboard.py (navigation, filters) and honour the query parameter."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server.url}/portfolio?project=PRJ-0003")
    page.get_by_role("heading", name="Portfolio delivery").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebarNavLink']").count() >= 10
    assert page.get_by_text("Filters", exact=True).count() == 1
    assert "project=PRJ-0003" in page.url
    page.close()


def test_every_page_renders(server: StreamlitServer, browser) -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path, heading in PAGES:
        page.goto(f"{server.url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0, path
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, path
        page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    assert not errors, errors
