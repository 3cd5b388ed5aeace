"""The trust's logo on the board pack: checked, normalised and kept in the database.

Why this module exists: a board accepts a pack that looks like the trust's own, so the
title slide and the printable report carry the trust's logo when one is saved. The logo is
set in the app (Board pack page) and kept in the database beside the trust's name, so it
survives restarts and rolls back with the data, instead of living on one person's disk.

Rules:

* Accepted: a PNG or JPEG of at most ``MAX_BYTES`` and ``MAX_PIXELS`` (checked before the
  image is decoded, so a "decompression bomb" is refused without being expanded). SVG is
  refused: it is a document that can carry scripts and links, and the pack is self-contained.
* Normalised: the image is decoded and written again as a PNG no larger than
  ``MAX_SIDE`` pixels on its longer side (aspect ratio kept, transparency kept), so nothing
  of the upload but its pixels reaches the pack (no metadata, no trailing bytes).
* Kept as base64 text in ``saved_settings`` (kind ``setting``, name ``trust_logo``),
  written through the versioned store like every other change.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from pmo_data.db import Database
from pmo_data.store import Store

#: Largest upload accepted, in bytes (2 MB: a logo, not a photograph).
MAX_BYTES = 2 * 1024 * 1024
#: Largest image accepted, in pixels (width x height), checked before decoding.
MAX_PIXELS = 25_000_000
#: Longest side of the stored logo, in pixels (plenty for a 1-inch-high logo at print
#: resolution).
MAX_SIDE = 800

_SETTING = ("setting", "trust_logo")
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def normalise_logo(data: bytes) -> bytes:
    """The upload as a PNG of at most ``MAX_SIDE`` pixels on its longer side.

    ValueError, with a sentence for the user, when the file is empty, too large, not a PNG
    or JPEG (by its first bytes, whatever its name says), too many pixels, or unreadable.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ValueError("the logo file is empty")
    if len(data) > MAX_BYTES:
        raise ValueError(f"a logo is at most {MAX_BYTES // (1024 * 1024)} MB "
                         f"(this file is {len(data) / (1024 * 1024):.1f} MB)")
    kind = next((k for sig, k in _SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise ValueError("a logo must be a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning and error are replaced by the sentence below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[kind])
    except Image.DecompressionBombError as exc:
        raise ValueError(f"the logo has too many pixels: at most {MAX_PIXELS:,} in all"
                         ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"the logo could not be read as a {kind} image") from exc
    try:
        with img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"the logo is {width} x {height} pixels: at most "
                                 f"{MAX_PIXELS:,} pixels in all")
            img.load()
            picture = img.convert("RGBA" if "A" in img.getbands() or "transparency"
                                  in img.info else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"the logo could not be read as a {kind} image") from exc
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_trust_logo(db_path: Path | str, data: bytes | None, saved_by: str | None = None,
                    now: datetime | None = None) -> int:
    """Keep the trust's logo for the pack in the database (``normalise_logo`` first), or
    remove it when ``data`` is None or empty. Returns the new version number; ValueError
    (nothing written) when the file is refused."""
    png = normalise_logo(data) if data else None
    when = now or datetime.now().replace(microsecond=0)

    def write(con: Any) -> None:
        con.execute("DELETE FROM saved_settings WHERE kind = ? AND name = ?", list(_SETTING))
        if png is not None:
            con.execute("INSERT INTO saved_settings VALUES (?, ?, ?, ?, ?)",
                        [*_SETTING, base64.b64encode(png).decode("ascii"), saved_by, when])

    version, _ = Store(db_path).write(write)
    return version.number


def trust_logo(db: Database) -> bytes | None:
    """The saved logo as PNG bytes, None when there is none (or the saved text is not a
    logo this module wrote: it is then ignored, not shown)."""
    saved = db.scalar("SELECT value FROM saved_settings WHERE kind = $kind AND name = $name",
                      {"kind": _SETTING[0], "name": _SETTING[1]})
    if not saved:
        return None
    try:
        png = base64.b64decode(str(saved), validate=True)
    except (binascii.Error, ValueError):
        return None
    return png if png.startswith(b"\x89PNG\r\n\x1a\n") else None


def logo_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a logo ``trust_logo`` returned."""
    from PIL import Image

    with Image.open(io.BytesIO(png), formats=["PNG"]) as img:
        return img.size
