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

from pmo_data import pages as registry

pytestmark = pytest.mark.browser

#: (url path, heading the page shows), from the page registry dashboard.py is built from
#: (the default page is served at the root).
PAGES = [("" if p.default else p.url_name, p.title) for p in registry.PAGES]
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
    # the app must work offline: no font, icon or script from anywhere but the server
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(
        (server.url, "data:", "blob:")) else elsewhere.append(request.url))
    for path, heading in PAGES:
        page.goto(f"{server.url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0, path
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, path
        page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    assert not errors, errors
    assert not elsewhere, elsewhere


def test_enter_in_the_date_box_applies_the_date(server: StreamlitServer, browser) -> None:
    """Typing a date in the As at box and pressing Enter applies it (Streamlit's own box
    applies only when the focus leaves it), and the focus stays in the box."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server.url)
    page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_function("window.pmoEnterAppliesDates === true", timeout=30_000)
    assert page.get_by_text("as at 21 Nov 2026", exact=False).count() >= 1
    page.get_by_role("spinbutton", name="day, As at").click()
    page.keyboard.type("30062026")
    page.keyboard.press("Enter")
    page.get_by_text("Financial year 2026/27, as at 30 Jun 2026").first.wait_for(
        timeout=60_000)
    wait_for_app(page)
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "year, As at"
    assert page.get_by_text("as at 21 Nov 2026", exact=False).count() == 0
    page.close()
