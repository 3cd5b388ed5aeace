"""Build the board pack: its content and narrative, rendered as PowerPoint, HTML and XLSX.

Why this module exists: the Board pack page and ``python -m pmo_data board-pack`` build the
same three files from one call (``build_pack``), named after the trust, period and date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pmo_data.db import Database
from pmo_data.pack.content import PackContent, gather
from pmo_data.pack.html import render_html
from pmo_data.pack.narrative import Sentence, write
from pmo_data.pack.pptx import render_pptx
from pmo_data.pack.xlsx import render_xlsx


def pack_content(db: Database, fy: str, as_at: date, service_group: str | None = None
                 ) -> PackContent:
    """Gather the board pack's content for a financial year and as-at date (see PackContent),
    with its generated sentences.

    ValueError if ``fy`` is not a financial year.
    """
    content = gather(db, fy, as_at, service_group, full=True)
    return replace(content, sentences=write(content))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "pack"


@dataclass(frozen=True)
class BoardPack:
    """The three files of a board pack (bytes and file names) and the sentences used."""

    fy: str
    as_at: date
    trust: str
    sentences: tuple[Sentence, ...]
    pptx: bytes
    html: bytes
    xlsx: bytes
    pptx_name: str
    html_name: str
    xlsx_name: str
    paths: tuple[Path, ...] = ()

    def files(self) -> dict[str, bytes]:
        """File name -> bytes, in the order PowerPoint, HTML, XLSX."""
        return {self.pptx_name: self.pptx, self.html_name: self.html, self.xlsx_name: self.xlsx}


def file_stem(trust: str, fy: str, as_at: date, service_group: str | None = None) -> str:
    """``Northshire-Hospitals-NHS-Foundation-Trust_PMO-board-pack_2025-26_2026-11-21``."""
    parts = [_slug(trust), "PMO-board-pack", fy.replace("/", "-")]
    if service_group:
        parts.append(_slug(service_group))
    parts.append(as_at.isoformat())
    return "_".join(parts)


def build_pack(
    db: Database,
    fy: str,
    as_at: date,
    *,
    sentences: Sequence[Sentence | str] | None = None,
    out_dir: Path | str | None = None,
    service_group: str | None = None,
) -> BoardPack:
    """Build the PowerPoint, HTML and XLSX for a financial year and as-at date.

    ``sentences`` replaces the generated narrative (the author's edits; blank ones dropped).
    With ``out_dir`` the three files are also written there (folder created).
    """
    content = pack_content(db, fy, as_at, service_group)
    if sentences is not None:
        edited = []
        for i, s in enumerate(sentences):
            text = s.text if isinstance(s, Sentence) else str(s)
            key = s.key if isinstance(s, Sentence) else (
                content.sentences[i].key if i < len(content.sentences) else f"note{i + 1}")
            if text.strip():
                edited.append(Sentence(key, text.strip()))
        content = replace(content, sentences=tuple(edited))
    stem = file_stem(content.trust, content.fy, as_at, service_group)
    pack = BoardPack(
        fy=content.fy, as_at=as_at, trust=content.trust, sentences=content.sentences,
        pptx=render_pptx(content), html=render_html(content).encode("utf-8"),
        xlsx=render_xlsx(content), pptx_name=f"{stem}.pptx", html_name=f"{stem}.html",
        xlsx_name=f"{stem}.xlsx",
    )
    if out_dir is not None:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in pack.files().items():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        pack = replace(pack, paths=tuple(paths))
    return pack
