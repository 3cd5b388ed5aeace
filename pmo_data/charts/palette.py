"""NHS identity colours, and the colours the dashboard gives to RAG and SPC states.

Source: NHS England identity guidelines, colour palette (hex values). Every colour the
dashboard writes text in meets WCAG 2.2 AA (4.5:1) on the background it is written on
(tests/test_palette.py computes each pair): ``text_on(fill)`` picks NHS black or white for a
coloured fill, and the RAG fills are chosen so that one of the two always reaches 4.5:1
(NHS green and mid grey reach neither, so Green is NHS dark green and Not reported NHS dark
grey). Marks without text (bars, points, lines) keep at least 3:1 against white where the
palette allows; their meaning is also written (labels, legends, hover text).
"""

from __future__ import annotations

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_BRIGHT_BLUE = "#0072CE"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_AQUA_BLUE = "#00A9CE"
NHS_BLACK = "#231F20"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_WHITE = "#FFFFFF"
NHS_DARK_GREEN = "#006747"
NHS_GREEN = "#009639"
NHS_LIGHT_GREEN = "#78BE20"
NHS_AQUA_GREEN = "#00A499"
NHS_PURPLE = "#330072"
NHS_DARK_PINK = "#7C2855"
NHS_PINK = "#AE2573"
NHS_DARK_RED = "#8A1538"
NHS_RED = "#DA291C"
NHS_ORANGE = "#ED8B00"
NHS_WARM_YELLOW = "#FFB81C"

#: Small text on white pages (captions, notes, footers): 7.7:1 on white, 6.6:1 on pale grey.
CAPTION_TEXT = NHS_DARK_GREY

#: Sequence for categorical series (distinguishable, brand first).
CATEGORICAL: tuple[str, ...] = (
    NHS_BLUE,
    NHS_AQUA_GREEN,
    NHS_WARM_YELLOW,
    NHS_PINK,
    NHS_DARK_BLUE,
    NHS_LIGHT_GREEN,
    NHS_PURPLE,
    NHS_ORANGE,
    NHS_MID_GREY,
    NHS_DARK_RED,
)

#: RAG colours (five-point delivery confidence plus Blue and Not reported).
RAG_COLOURS: dict[str, str] = {
    "Red": NHS_RED,
    "Amber/Red": NHS_ORANGE,
    "Amber": NHS_WARM_YELLOW,
    "Amber/Green": NHS_LIGHT_GREEN,
    "Green": NHS_DARK_GREEN,
    "Blue": NHS_BLUE,
    "Not reported": NHS_DARK_GREY,
}

#: The "previous" bars beside RAG-coloured "now" bars (the board pack): a grey no RAG fill
#: uses (Not reported is dark grey), 3.7:1 on white.
PREVIOUS_RAG_BARS = NHS_MID_GREY

#: Making Data Count point colours.
SPC_COMMON = NHS_MID_GREY
SPC_IMPROVEMENT = NHS_BRIGHT_BLUE
SPC_CONCERN = NHS_ORANGE
SPC_NEUTRAL = NHS_PURPLE


#: The charts' font (NHS identity: Arial; body text size).
FONT = dict(family="Arial, Helvetica, sans-serif", color=NHS_BLACK, size=13)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.2 contrast ratio of two "#RRGGBB" colours: (L1 + 0.05) / (L2 + 0.05) of their
    relative luminances, lighter first; 1 (same colour) to 21 (black on white)."""

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """NHS black or white, whichever contrasts more with ``fill`` (ties: black)."""
    return NHS_BLACK if contrast_ratio(fill, NHS_BLACK) >= contrast_ratio(fill, NHS_WHITE) \
        else NHS_WHITE
