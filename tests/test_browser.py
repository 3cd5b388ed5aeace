"""Real server, real browser: every page renders in Chromium with no exception.

Starts the dashboard as the README does (``python serve.py``) on a database built from the
demo exports (and once by plain ``streamlit run dashboard.py``), visits
every page, asserts its title shows and no exception box appears, and saves a screenshot
of each page to ``test-results/screenshots`` for people to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit_server import ROOT, StreamlitServer, chromium, demo_server, wait_for_app

pytestmark = pytest.mark.browser

#: (url path, heading the page shows). Keep in step with dashboard.py.
PAGES = [
    ("", "Overview"),  # the default page (overview.py) is served at the root
    ("portfolio", "Portfolio delivery"),
    ("training", "Training reach"),
    ("five_year_plan", "Five-year plan"),
    ("shifts", "Three shifts"),
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    with demo_server(tmp_path_factory.mktemp("browser")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _deep_link_gets_the_navigation(url: str, browser) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/portfolio?project=PRJ-0003")
    page.get_by_role("heading", name="Portfolio delivery").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebarNavLink']").count() >= 10
    assert page.get_by_text("Filters", exact=True).count() == 1
    assert "project=PRJ-0003" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_a_deep_link_on_a_fresh_server_gets_the_navigation(server: StreamlitServer,
                                                           browser) -> None:
    """The first request after start is a deep link (a bookmark): it must still run through
    dashboard.py (navigation, filters) and honour the query parameter."""
    assert server.process.args[1] == "serve.py"  # started as the README says
    _deep_link_gets_the_navigation(server.url, browser)


def test_plain_streamlit_run_serves_a_first_deep_link_too(tmp_path: Path, browser) -> None:
    """``streamlit run dashboard.py`` (no preloading) still works, deep link first."""
    with demo_server(tmp_path, preload=False) as plain:
        assert plain.process.args[1:3] == ["-m", "streamlit"]
        _deep_link_gets_the_navigation(plain.url, browser)


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
