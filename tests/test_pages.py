"""The page registry (pmo_data.pages) against the files in pages/ and what they show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmo_data import metrics, pages

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def test_every_page_file_is_registered_and_every_entry_has_a_file() -> None:
    # a page missing from the registry is missing from the navigation
    assert sorted(p.key for p in pages.PAGES) == FILES
    assert [p for members in pages.NAVIGATION.values() for p in members] == list(pages.PAGES)


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.key)
def test_the_page_heading_is_the_registered_title(page: pages.Page) -> None:
    text = (ROOT / page.path).read_text(encoding="utf-8")
    assert re.search(r'ui\.page_header\(\s*"([^"]+)"', text)[1] == page.title


def test_no_page_sets_its_own_address() -> None:
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        assert "url_path" not in path.read_text(encoding="utf-8"), path


def test_every_tile_links_to_a_page() -> None:
    listed = {code for p in pages.PAGES for code in p.tiles}
    assert listed <= metrics.BUILT_IN_CODES  # no stale code
    for code in metrics.BUILT_IN_CODES:
        page = pages.tile_page(code)
        assert code in page.tiles or page.plan_kpis, code
    # a metric no page lists (a new one, or a plan KPI) opens the Five-year plan
    assert pages.tile_page("SOME_PLAN_KPI").key == "five_year_plan"


def test_links_and_roles() -> None:
    assert pages.project_link("P 1/2") == "portfolio?project=P%201%2F2"
    with pytest.raises(ValueError, match="opens no item"):
        pages.link("benefits", "x")
    assert {p.key for p in pages.PAGES if p.role != "viewer"} == {"import_data"}
    with pytest.raises(ValueError, match="unknown role"):
        pages.Page("x", "X", ":material/x:", "S", role="owner")
    import_page = (ROOT / pages.by_key("import_data").path).read_text(encoding="utf-8")
    assert 'ui.require_page("import_data")' in import_page
