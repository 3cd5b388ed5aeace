"""AppTest: the Board pack page shows the generated narrative for the sidebar's choices, lets
the author edit it, and offers the three files built from the edited sentences."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from apptest_support import page, served
from streamlit.runtime.memory_media_file_storage import _calculate_file_id

from pmo_data.db import Database
from pmo_data.pack import build_pack, narrative

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(pack_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    with served(pack_store, monkeypatch) as handle:
        yield handle


def _file_id(url: str) -> str:
    return url.rsplit("/", 1)[1].split(".")[0]


def test_narrative_defaults_to_the_latest_data_date(db: Database) -> None:
    at = page("board_pack").run()
    assert not at.exception
    # default as-at: the latest data date (P3's report of 10 Nov 2025), FY 2025/26
    expected = narrative(db, "2025/26", date(2025, 11, 10))
    assert [t.value for t in at.text_area] == [s.text for s in expected]
    assert [t.label for t in at.text_area][:2] == ["Training reach", "Immersive PM support"]
    assert not at.download_button  # nothing to download until the pack is built
    assert "Build the pack" in at.info[0].value


def test_changing_the_filters_regenerates_the_sentences(db: Database) -> None:
    at = page("board_pack")
    at.session_state["fy"] = "2025/26"
    at.session_state["as_at"] = date(2025, 11, 21)
    at.session_state["service_group"] = "Surgery"
    at.run()
    assert not at.exception
    expected = narrative(db, "2025/26", date(2025, 11, 21), "Surgery")
    assert [t.value for t in at.text_area] == [s.text for s in expected]
    assert at.text_area[2].value.startswith("Of 1 active projects")


def test_downloads_use_the_edited_sentences(db: Database) -> None:
    at = page("board_pack").run()
    at.text_area[0].set_value("Training is ahead of plan.")
    at.text_area[1].set_value("")  # cleared: left out
    next(b for b in at.button if b.label == "Build the pack").click().run()
    assert not at.exception
    assert [b.label for b in at.download_button] == [
        "PowerPoint (.pptx)", "Printable report (.html)", "Data behind the charts (.xlsx)"]
    texts = [t.value for t in at.text_area]
    pack = build_pack(db, "2025/26", date(2025, 11, 10), sentences=texts)
    assert pack.sentences[0].text == "Training is ahead of plan."
    assert len(pack.sentences) == len(texts) - 1
    # each download is exactly the engine's file, under the engine's name (the media id is a
    # hash of bytes, type and file name)
    ids = [_file_id(b.proto.url) for b in at.download_button]
    assert ids[0] == _calculate_file_id(pack.pptx, PPTX, pack.pptx_name)
    assert ids[1] == _calculate_file_id(pack.html, "text/html", pack.html_name)
    assert ids[2] == _calculate_file_id(pack.xlsx, XLSX, pack.xlsx_name)
    assert pack.pptx_name == "NHS-Trust_PMO-board-pack_2025-26_2025-11-10.pptx"
    preview = at.get("iframe")[0].proto.srcdoc
    assert "Training is ahead of plan." in preview and "on course for" not in preview


def test_the_trust_name_is_set_in_the_app_and_kept_in_the_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_export import fill_pack_data

    from pmo_data.pack import trust_name
    from pmo_data.store import Store

    pack_store = tmp_path / "pmo.duckdb"  # its own store: the module's is shared
    Store(pack_store).write(fill_pack_data)
    monkeypatch.delenv("PMO_TRUST_NAME", raising=False)
    monkeypatch.setenv("PMO_DB", str(pack_store))
    before = Store(pack_store).current().number
    at = page("board_pack").run()
    at.text_input(key="bp_trust").set_value("Northshire Hospitals NHS Foundation Trust").run()
    next(b for b in at.button if b.label == "Save the name").click().run()
    assert not at.exception
    assert any("Northshire Hospitals NHS Foundation Trust" in s.value for s in at.success)
    version = Store(pack_store).current()
    assert version.number == before + 1  # written through the versioned store
    with Database(version.path) as handle:
        assert trust_name(handle) == "Northshire Hospitals NHS Foundation Trust"
        pack = build_pack(handle, "2025/26", date(2025, 11, 10))
    assert pack.pptx_name.startswith("Northshire-Hospitals-NHS-Foundation-Trust_")
    monkeypatch.setenv("PMO_TRUST_NAME", "Set on the server")
    with Database(version.path) as handle:
        assert trust_name(handle) == "Set on the server"  # the environment still wins


def test_the_logo_is_set_in_the_app_refused_when_bad_and_removable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from PIL import Image
    from test_export import fill_pack_data

    from pmo_data.pack import trust_logo
    from pmo_data.store import Store

    pack_store = tmp_path / "pmo.duckdb"
    Store(pack_store).write(fill_pack_data)
    monkeypatch.setenv("PMO_DB", str(pack_store))
    before = Store(pack_store).current().number
    at = page("board_pack").run()
    assert any("No logo" in c.value for c in at.caption)
    at.file_uploader(key="bp_logo").set_value(("logo.png", b"<svg onload=alert(1)>",
                                                "image/png")).run()
    next(b for b in at.button if b.label == "Save the logo").click().run()
    assert not at.exception
    assert any("Logo not saved: a logo must be a PNG or JPEG image." in e.value
               for e in at.error)
    assert Store(pack_store).current().number == before  # nothing written
    picture = io.BytesIO()
    Image.new("RGB", (600, 200), (0, 94, 184)).save(picture, format="JPEG")
    at.file_uploader(key="bp_logo").set_value(("logo.jpg", picture.getvalue(),
                                                "image/jpeg")).run()
    next(b for b in at.button if b.label == "Save the logo").click().run()
    assert not at.exception
    assert any("Saved the logo" in s.value for s in at.success)
    assert len(at.get("image")) == 1  # the preview of what the pack will show
    with Database(Store(pack_store).current().path) as handle:
        png = trust_logo(handle)
    assert png is not None and png.startswith(b"\x89PNG")
    next(b for b in at.button if b.label == "Remove the logo").click().run()
    assert any("Removed the logo" in s.value for s in at.success)
    with Database(Store(pack_store).current().path) as handle:
        assert trust_logo(handle) is None
