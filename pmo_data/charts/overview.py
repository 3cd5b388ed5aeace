"""Pictures inside the Overview's tiles: the portfolio's RAG mix and the SPC icons.

Why this module exists: the Portfolio RAG tile must show the RAG mix at a glance, in the
RAG colours, with counts and labels written on it (so nothing depends on colour alone) and
a one-sentence summary for screen readers and board papers; the other tiles show the
Making Data Count icons with their names. A tile is about 250 px wide, too narrow for a
plotly figure with a legend, so these are small HTML fragments. No queries, no streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from pmo_data.charts.palette import NHS_DARK_GREY, NHS_MID_GREY, NHS_WHITE, RAG_COLOURS
from pmo_data.charts.portfolio import rag_text_colour
from pmo_data.charts.spc import ICONS, spc_icon_svg

FONT_CSS = "Arial, Helvetica, sans-serif"


def rag_summary(counts: Iterable[tuple[str, int]], noun: str = "active projects") -> str:
    """"Of 46 active projects, 8 are Red, 7 Amber/Red, ... and 2 Not reported." (zero
    counts left out); "The one active project is Red." for one; "No active projects."
    when there are none (``noun`` is plural; its singular drops the final "s")."""
    shown = [(rag, int(n)) for rag, n in counts if int(n)]
    total = sum(n for _, n in shown)
    if not total:
        return f"No {noun}."
    if total == 1:
        return f"The one {noun.removesuffix('s')} is {shown[0][0]}."
    parts = [f"{n:,} {rag}" for rag, n in shown]
    first_rag, first_n = shown[0]
    parts[0] = f"{first_n:,} {'is' if first_n == 1 else 'are'} {first_rag}"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of {total:,} {noun}, {listed}."


@dataclass(frozen=True)
class RagRow:
    """The RAG mix drawn in HTML for a tile: a stacked bar (one segment per RAG value,
    width by count, the count written on it) over a row of labelled chips ("Red 8"), so the
    meaning never rests on colour alone; ``summary`` is the text alternative."""

    html: str
    summary: str


def rag_row(counts: Iterable[tuple[str, int]], noun: str = "active projects") -> RagRow:
    """The RAG mix of a tile (see ``RagRow``); zero counts are left out of the bar and the
    chips. With no projects the row says so in words."""
    pairs = [(rag, int(n)) for rag, n in counts if int(n)]
    summary = rag_summary(pairs, noun)
    if not pairs:
        return RagRow(f'<p style="color:{NHS_DARK_GREY};margin:0">{escape(summary)}</p>',
                      summary)
    segments = "".join(
        f'<div title="{escape(rag)}: {n:,}" style="flex:{n} 1 0;min-width:4px;'
        f"background:{RAG_COLOURS.get(rag, NHS_MID_GREY)};color:{rag_text_colour(rag)};"
        f'text-align:center;overflow:hidden;white-space:nowrap">{n:,}</div>'
        for rag, n in pairs)
    chips = "".join(
        f'<span style="background:{RAG_COLOURS.get(rag, NHS_MID_GREY)};'
        f"color:{rag_text_colour(rag)};padding:1px 7px;border-radius:10px;"
        f'white-space:nowrap">{escape(rag)} {n:,}</span>'
        for rag, n in pairs)
    html = (f'<div role="img" aria-label="{escape(summary)}" style="font-family:{FONT_CSS};'
            'font-size:0.8rem;margin-bottom:8px">'
            f'<div style="display:flex;height:24px;line-height:24px;border-radius:4px;'
            f'overflow:hidden;gap:1px;background:{NHS_WHITE}">{segments}</div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:4px;margin-top:6px">{chips}</div>'
            "</div>")
    return RagRow(html, summary)


def spc_icons_html(variation_icon: str | None, assurance_icon: str | None,
                   size: int = 30) -> str:
    """The Making Data Count icons of a tile side by side, each an inline SVG with its own
    title (read by screen readers), followed by their names in small text so the meaning
    does not rest on the icon alone; "" when there are none."""
    kinds = [k for k in (variation_icon, assurance_icon) if k]
    if not kinds:
        return ""
    svgs = "".join(f'<span style="flex:none;display:inline-flex">{spc_icon_svg(k, size)}</span>'
                   for k in kinds)
    words = "; ".join(ICONS[k].title for k in kinds)
    return (f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">{svgs}'
            f'<span style="font-size:0.8rem;color:{NHS_DARK_GREY};line-height:1.2">'
            f"{escape(words)}</span></div>")
