"""Real server, real browser: build the board pack on the demo data and download the
PowerPoint (the file opens with python-pptx and has native charts); download files that are
built only when clicked (an import template, an Explore XLSX, a benchmarking snapshot) and
open them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit_server import StreamlitServer, chromium, demo_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    with demo_server(tmp_path_factory.mktemp("browser_pack")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


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
    assert titles[1:3] == ["Five-year plan scorecard", "Executive summary"]
    assert "Top risks" in titles and "Exceptions: Red and Amber/Red projects" in titles
    assert sum(shape.has_chart for s in slides for shape in s.shapes) >= 4
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    context.close()


def _download(browser, url: str, button_name: Any, tmp_path: Path,  # noqa: ANN001
              opener: str | None = None) -> tuple[str, Path]:
    """Open ``url``, (click ``opener`` to show the button,) click the download button named
    ``button_name`` once the page has settled, and save the file: (suggested name, path).
    Fails on an exception box or a script error in the page."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    wait_for_app(page)
    if opener:
        page.get_by_text(opener).click()
    button = page.get_by_role("button", name=button_name).first
    button.wait_for(state="visible", timeout=60_000)
    wait_for_app(page)  # a rerun still drawing the page would swallow the click
    # the file is built on the server when clicked: allow for a loaded CI machine
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    context.close()
    return download.suggested_filename, target


@pytest.mark.parametrize(("path", "label", "sheets"), [
    ("import_data", "Training records", ["Training records", "Guide"]),
    ("explore", "Download XLSX", None),
])
def test_download_built_on_click(server: StreamlitServer, browser, tmp_path: Path, path: str,
                                 label: str, sheets: list[str] | None) -> None:
    from openpyxl import load_workbook

    name, target = _download(browser, f"{server.url}/{path}", label, tmp_path)
    assert name.endswith(".xlsx")
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == sheets if sheets else len(book.sheetnames) == 1
    rows = list(book[book.sheetnames[0]].iter_rows(max_row=2, values_only=True))
    assert rows and any(cell is not None for cell in rows[0])


def test_snapshot_csv_downloads_and_reads_back(server: StreamlitServer, browser,
                                               tmp_path: Path) -> None:
    """The Network page's snapshot is written when its button is clicked; the CSV that
    arrives holds the snapshot's columns and rows for this trust only."""
    import csv
    import re

    name, target = _download(browser, f"{server.url}/network",
                             re.compile(r"^Download pmo-benchmark-.*\.csv$"), tmp_path,
                             opener="Share this trust's snapshot")
    assert re.fullmatch(r"pmo-benchmark-\w+-\d{4}-\d{2}\.csv", name)
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"org_code", "fy", "code", "value", "suppressed"} <= set(rows[0])
    assert len({row["org_code"] for row in rows}) == 1
