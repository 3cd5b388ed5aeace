"""NHS identity colours, and the colours the dashboard gives to RAG and SPC states.

Source: NHS England identity guidelines, colour palette (hex values). Colours used for
text on white meet WCAG 2.2 AA (4.5:1) where noted.
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
    "Green": NHS_GREEN,
    "Blue": NHS_BLUE,
    "Not reported": NHS_MID_GREY,
}

#: Making Data Count point colours.
SPC_COMMON = NHS_MID_GREY
SPC_IMPROVEMENT = NHS_BRIGHT_BLUE
SPC_CONCERN = NHS_ORANGE
SPC_NEUTRAL = NHS_PURPLE


#: The charts' font (NHS identity: Arial; body text size).
FONT = dict(family="Arial, Helvetica, sans-serif", color=NHS_BLACK, size=13)
