"""The trust's logo: refused unless a real PNG or JPEG of sane size, normalised to a PNG,
kept in the database (rolled back with it), and shown on the pack's title slide and the
printable report's title, scaled into its box with its aspect ratio."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu
from test_export import AS_AT, FY, fill_pack_data

from pmo_data import pack as board
from pmo_data.db import Database
from pmo_data.pack import logo as pack_logo
from pmo_data.pack import pptx as pack_pptx
from pmo_data.store import Store


def _image(size: tuple[int, int], fmt: str = "PNG", mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 94, 184) if mode == "RGB" else (0, 94, 184, 255)).save(
        out, format=fmt)
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "pmo.duckdb"
    Store(path).write(fill_pack_data)
    return path


def _current(path: Path) -> Database:
    version = Store(path).current()
    assert version is not None
    return Database(version.path)


def test_a_logo_is_normalised_to_a_png_within_bounds() -> None:
    wide = pack_logo.normalise_logo(_image((2000, 500), "JPEG", "RGB"))
    assert wide.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(wide)) as img:
        assert img.size == (800, 200)  # longer side MAX_SIDE, aspect kept
        assert img.info.get("exif") is None
    small = pack_logo.normalise_logo(_image((120, 60)))
    with Image.open(io.BytesIO(small)) as img:
        assert img.size == (120, 60) and img.mode == "RGBA"  # not enlarged; transparency kept
    # trailing bytes after the image do not survive
    assert b"<script" not in pack_logo.normalise_logo(_image((40, 40)) + b"<script>x</script>")


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (no pixel data worth decoding)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    end = b"IEND"
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + struct.pack(">I", 0) + end
            + struct.pack(">I", zlib.crc32(end)))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "PNG or JPEG"),
    (b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"not really", "could not be read"),
    (_png_header(10_000, 10_000), "at most 25,000,000 pixels"),
    (_png_header(30_000, 30_000), "too many pixels"),  # Pillow's own bomb error
    (b"\xff\xd8\xff" + b"\x00" * (pack_logo.MAX_BYTES + 1), "at most 2 MB"),
])
def test_files_that_are_not_a_usable_logo_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pack_logo.normalise_logo(data)


def test_the_logo_is_kept_in_the_database_and_can_be_removed(store: Path) -> None:
    with _current(store) as db:
        assert pack_logo.trust_logo(db) is None
    first = pack_logo.save_trust_logo(store, _image((300, 100)), saved_by="pmo@nhs.net")
    with _current(store) as db:
        png = pack_logo.trust_logo(db)
        assert png is not None and pack_logo.logo_size(png) == (300, 100)
    with pytest.raises(ValueError):
        pack_logo.save_trust_logo(store, b"not an image")
    assert Store(store).current().number == first  # a refused file writes nothing
    pack_logo.save_trust_logo(store, None)
    with _current(store) as db:
        assert pack_logo.trust_logo(db) is None
    Store(store).rollback()  # the logo rolls back with the data
    with _current(store) as db:
        assert pack_logo.trust_logo(db) is not None


def test_the_title_slide_and_report_carry_the_logo(store: Path) -> None:
    with _current(store) as db:
        plain = board.build_pack(db, FY, AS_AT)
    pack_logo.save_trust_logo(store, _image((400, 100)))
    with _current(store) as db:
        branded = board.build_pack(db, FY, AS_AT)
    title = list(Presentation(io.BytesIO(branded.pptx)).slides)[0]
    pictures = [s for s in title.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 1
    pic = pictures[0]
    left, top, box_w, box_h = pack_pptx.LOGO_BOX
    # 400 x 100 into a 3.0 x 1.2 inch box: width-bound, 3.0 x 0.75 inches, at the box's right
    assert (round(Emu(pic.width).inches, 2), round(Emu(pic.height).inches, 2)) == (3.0, 0.75)
    assert round(Emu(pic.left).inches + Emu(pic.width).inches, 2) == left + box_w
    assert round(Emu(pic.top).inches, 2) == top
    assert pic._element.nvPicPr.cNvPr.get("descr") == "NHS Trust logo"
    # nothing else on the slide moved, and without a logo there is no picture
    assert [s.shape_type for s in list(Presentation(io.BytesIO(plain.pptx)).slides)[0].shapes
            ].count(13) == 0
    html = branded.html.decode("utf-8")
    imgs = re.findall(r'<img class="logo" src="data:image/png;base64,[A-Za-z0-9+/=]+" '
                      r'alt="NHS Trust logo">', html)
    assert len(imgs) == 1 and html.index(imgs[0]) < html.index("<h1>")
    assert 'class="logo"' not in plain.html.decode("utf-8")
