"""Text from people's spreadsheets is shown as text on every page, never as markup.

The demo exports are imported, then every free-text column of every source (names, IDs,
service groups, SROs, narratives, course names, ...) gets a payload appended that would be
a live link, a remote image, raw HTML, a Streamlit colour directive and a formula if it
were rendered as Markdown or HTML. Every page then runs (AppTest: the Markdown source of
every element; Chromium: the rendered page) and must show the payload as characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apptest_support import ROOT, run_page, serve
from streamlit_server import StreamlitServer, chromium, wait_for_app

from pmo_data.schema import SOURCES
from pmo_data.store import Store

EVIL = "evil.example"
PAYLOAD = (f' [x](http://{EVIL}/l) ![i](http://{EVIL}/i.png) <a href="http://{EVIL}/h">h</a>'
           f' <img src="http://{EVIL}/j.png"> :red[r] $x^2$')
#: What must never survive in an element's Markdown source once escaped characters
#: (backslash + one character) are taken out: a link or image target, raw HTML, a
#: colour directive, LaTeX.
LIVE_MARKDOWN = ("](http", "<a ", "<img", ":red[", "$x")
LIVE_HTML = ("<a ", "<img")
#: GitHub-flavoured Markdown links a bare address found in the text once escapes are read.
AUTOLINK = f"http://{EVIL}"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def poison(con: Any) -> None:
    """Append ``PAYLOAD`` to every free-text column of every source table (identifiers
    too, the same way in every table, so joins still match); KPI codes stay as they are
    (the plan matches them to the catalogue)."""
    present = {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns").fetchall()}
    for source in SOURCES.values():
        for column in source.columns:
            if column.kind != "text" or column.name == "kpi_code":
                continue
            if (source.name, column.name) in present:
                con.execute(f'UPDATE "{source.name}" SET "{column.name}" = '  # registry names
                            f'"{column.name}" || ? WHERE "{column.name}" IS NOT NULL',
                            [PAYLOAD])


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    base = tmp_path_factory.mktemp("hostile")
    exports = write_demo_exports(base / "sample", as_at=date(2026, 11, 21))
    assert import_paths(exports, base / "pmo.duckdb").version is not None
    Store(base / "pmo.duckdb").write(poison)
    return base / "pmo.duckdb"


def unescaped(source: str) -> str:
    """``source`` without its backslash-escaped characters (what Markdown shows as is)."""
    return re.sub(r"\\.", "", source, flags=re.S)


def resolved(source: str) -> str:
    """``source`` with its escapes read (the text Markdown's autolinker then scans)."""
    return re.sub(r"\\(.)", r"\1", source, flags=re.S)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def live_markup(at: Any) -> list[str]:
    """Every place on an AppTest run where data would render as markup."""
    found = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "error", "success", "exception"):
        for element in getattr(at, kind):
            source = str(element.value)
            is_html = kind == "markdown" and element.proto.allow_html
            for bad in (LIVE_HTML if is_html else LIVE_MARKDOWN):
                if bad in unescaped(source):
                    found.append(f"{kind}: {bad!r} in {source[:160]!r}")
            if not is_html and AUTOLINK in resolved(source):
                found.append(f"{kind}: autolink in {source[:160]!r}")
    for kind in ("metric", "expander", "selectbox", "multiselect", "radio", "text_input",
                 "number_input", "checkbox", "button", "tabs"):
        for element in getattr(at, kind, []):
            texts = [str(getattr(element, "label", ""))]
            if kind == "radio":  # radio options are Markdown too
                texts += [str(o) for o in element.options]
            if kind == "metric":
                texts += [str(element.value)]
            for text in texts:
                for bad in LIVE_MARKDOWN:
                    if bad in unescaped(text):
                        found.append(f"{kind}: {bad!r} in {text[:160]!r}")
                if AUTOLINK in resolved(text):
                    found.append(f"{kind}: autolink in {text[:160]!r}")
    for chart in at.get("plotly_chart"):
        for text in _strings(json.loads(chart.proto.spec)):
            for bad in LIVE_HTML:
                if bad in text:
                    found.append(f"plotly_chart: {bad!r} in {text[:160]!r}")
    return found


def test_poison_reaches_the_data(hostile_db: Path) -> None:
    """The fixture really puts the payload where pages read names (else nothing is tested)."""
    import duckdb

    version = Store(hostile_db).current()
    assert version is not None
    with duckdb.connect(str(version.path), read_only=True) as con:
        name, group = con.execute("SELECT project_name, service_group FROM projects "
                                  "LIMIT 1").fetchone()
    assert name.endswith(PAYLOAD) and group.endswith(PAYLOAD)


def test_unescaped_finds_live_markup() -> None:
    """The checker itself: raw payload is live, ``md`` of it is not."""
    from pmo_data.text import md

    assert any(bad in unescaped(PAYLOAD) for bad in LIVE_MARKDOWN)
    assert not any(bad in unescaped(md(PAYLOAD)) for bad in LIVE_MARKDOWN)


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_hostile_text_as_text(name: str, hostile_db: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    serve(hostile_db, monkeypatch)
    at = run_page(name)
    assert not at.exception, at.exception
    assert live_markup(at) == []


def test_drill_down_link_with_hostile_project_id(hostile_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``?project=`` opens a project whose ID carries the payload, and an unknown hostile
    ID is named in the warning as text."""
    import duckdb

    serve(hostile_db, monkeypatch)
    version = Store(hostile_db).current()
    assert version is not None
    with duckdb.connect(str(version.path), read_only=True) as con:
        (project,) = con.execute("SELECT min(project_id) FROM projects").fetchone()
    opened = run_page("portfolio", query={"project": project})
    assert not opened.exception and live_markup(opened) == []
    assert opened.selectbox(key="pf_project").value == project
    unknown = run_page("portfolio", query={"project": "NOPE" + PAYLOAD})
    assert not unknown.exception and live_markup(unknown) == []
    assert any("is not in the project register" in w.value for w in unknown.warning)


@pytest.mark.browser
@pytest.mark.slow
def test_rendered_pages_have_no_hostile_links_images_or_requests(hostile_db: Path,
                                                                 tmp_path: Path) -> None:
    """In Chromium, on every page: no link to or image from the payload's host, no request
    to it, and the payload is on screen as characters somewhere (so the check can fail)."""
    server = StreamlitServer(hostile_db, log=tmp_path / "server.log")
    requests: list[str] = []
    try:
        server.wait_healthy()
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url) if EVIL in r.url else None)
            shown_as_text = 0
            for name in PAGES:
                page.goto(f"{server.url}/{name}")
                wait_for_app(page)
                live = page.evaluate(
                    f"document.querySelectorAll('a[href*=\"{EVIL}\"], img[src*=\"{EVIL}\"],"
                    f" [style*=\"{EVIL}\"]').length")
                assert live == 0, name
                shown_as_text += "[x](http://evil.example/l)" in page.inner_text("body")
    finally:
        server.stop()
    assert requests == []
    assert shown_as_text >= 5
