"""Real server, real browser: the Import page's mapping step from upload to a saved profile
that maps the next file.

Upload a sheet no source recognises, complete the proposed mapping, save it as a profile,
load the file, then, in another session, upload a second file with the same headers and
see it load mapped by the saved profile, named in the report. Each step is screenshotted
to ``test-results/screenshots/mapping_*.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit_server import CHROMIUM, ROOT, StreamlitServer, chromium, wait_for_app

from pmo_data.profiles import saved_profiles
from pmo_data.store import Store

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-results" / "screenshots"
FIRST = (b"Scheme Ref,Scheme,Directorate,Phase,Kick-off,Target finish,Health\n"
         b"SR-1,Ward move,Medicine,In progress,01/04/2025,31/03/2026,Yellow\n"
         b"SR-2,New clinic,Surgery,Not started,01/05/2025,31/02/2026,Green\n")
SECOND = (b"Scheme Ref,Scheme,Directorate,Phase,Kick-off,Target finish,Health\n"
          b"SR-3,Discharge lounge,Medicine,Planning,01/06/2025,30/06/2026,Red\n"
          b"SR-4,Virtual ward,Medicine,Not started,01/07/2025,31/07/2026,Yellow\n")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Path]]:
    """The app on an empty database (version 1, no rows), and that database's name."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    base = tmp_path_factory.mktemp("mapping")
    db = base / "pmo.duckdb"
    Store(db).write(lambda con: None)
    srv = StreamlitServer(db, log=base / "server.log")
    try:
        srv.wait_healthy()
        yield srv, db
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mapping_{name}.png"), full_page=True)


def _upload(page: Any, name: str, data: bytes) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("heading", name="Validation preview").wait_for(timeout=60_000)
    wait_for_app(page)


def _choose(page: Any, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _no_exception(page: Any) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def test_map_save_load_then_the_profile_maps_the_next_file(
        served: tuple[StreamlitServer, Path], browser: Any) -> None:
    server, db = served
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.goto(f"{server.url}/import_data")
    page.get_by_role("heading", name="Import", exact=True).wait_for(timeout=60_000)
    wait_for_app(page)

    _upload(page, "tracker.csv", FIRST)
    page.get_by_role("heading", name="Map tracker.csv : tracker").wait_for()
    page.get_by_text("Required columns not mapped: project_name").wait_for()
    _no_exception(page)
    _shot(page, "1_proposal")

    _choose(page, "project_name *", "Scheme")
    page.get_by_text("Rows as they would load").wait_for()
    page.get_by_text("1 row error: these rows will not load.").wait_for()
    _no_exception(page)
    _shot(page, "2_mapped")

    name = page.get_by_label("Profile name")
    name.fill("Scheme tracker")
    name.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text(re.compile(r"Saved profile Scheme tracker \(version \d+\)")).wait_for()
    wait_for_app(page)
    assert page.get_by_role("heading", name="Map tracker.csv : tracker").count() == 0
    _no_exception(page)
    _shot(page, "3_saved")
    assert [p.name for p in saved_profiles(db)] == ["Scheme tracker"]

    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text(re.compile(r"tracker\.csv:tracker: projects \(profile Scheme tracker\), "
                                r"2 rows read, 1 valid, 1 rejected")).wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"loaded 1 rows into version \d+")).wait_for()
    _no_exception(page)
    _shot(page, "4_loaded")

    page.close()
    page = browser.new_page(viewport={"width": 1400, "height": 2600})  # another session
    page.goto(f"{server.url}/import_data")
    page.get_by_role("heading", name="Import", exact=True).wait_for(timeout=60_000)
    wait_for_app(page)
    _upload(page, "april.csv", SECOND)
    assert page.get_by_role("heading", name=re.compile("^Map april")).count() == 0
    page.get_by_text("Every row is valid.").wait_for()
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text(re.compile(r"april\.csv:april: projects \(profile Scheme tracker\), "
                                r"2 rows read, 2 valid, 0 rejected")).wait_for(timeout=60_000)
    _no_exception(page)
    _shot(page, "5_second_file")
    page.close()
