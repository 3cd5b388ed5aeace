"""The board pack: PowerPoint, printable HTML and XLSX data, from one database and period.

Why this package exists: a board paper must be dated, reproducible and editable. From one
database, a financial year and an as-at date it gathers everything the pack shows
(``content``: ``PackContent``, one builder per frame; ``changes``: every figure at the
previous report date and now), writes the narrative sentences
(``narrative``: one function per sentence in ``SENTENCES``) and renders the same content three
ways (``build_pack``):

* **PowerPoint** (``pptx``: one function per slide in ``SLIDES``) with native, editable charts
  (``add_chart`` with ``CategoryChartData``), so the author can restyle them in the trust
  template;
* **HTML** (``html``: one function per section in ``SECTIONS``): one self-contained printable
  file (inline SVG charts, inline CSS, no scripts, no links to anything outside the file), with
  a page break per section;
* **XLSX** (``xlsx``: ``SHEETS``): the data behind every chart and table, a sheet each, with a
  README of definitions (the metric catalogue).

A part with nothing to show for a pack is left out of all three (the benchmarking part,
``benchmarking``, without peer data). The trust's optional logo (``logo``) is on the title
slide and the report's title.

Adding a measure to the pack is one entry in the registry concerned (and its small function).
Reproducible: the content depends only on the database and the parameters (no "now": the
as-at date is the only date printed, document properties use it too; ordering is explicit).
Safe: text from spreadsheets is escaped in HTML, and written to XLSX as explicit strings
(``pmo_data.downloads``). python-pptx is imported inside the functions that need it, so pages
that never build a pack do not pay for the import.

``pmo_data.pack.narrative`` is the function re-exported here; the module's other names are
imported with ``from pmo_data.pack.narrative import SENTENCES, Topic``.
"""

from pmo_data.pack.build import BoardPack, build_pack, file_stem, pack_content
from pmo_data.pack.content import PackContent, gather, save_trust_name, trust_name
from pmo_data.pack.formats import fmt_date, fmt_value
from pmo_data.pack.html import render_html
from pmo_data.pack.logo import save_trust_logo, trust_logo
from pmo_data.pack.narrative import SENTENCES, Sentence, narrative
from pmo_data.pack.pptx import SLIDES, render_pptx
from pmo_data.pack.xlsx import SHEETS, render_xlsx

__all__ = [
    "SENTENCES",
    "SHEETS",
    "SLIDES",
    "BoardPack",
    "PackContent",
    "Sentence",
    "build_pack",
    "file_stem",
    "fmt_date",
    "fmt_value",
    "gather",
    "narrative",
    "pack_content",
    "render_html",
    "render_pptx",
    "render_xlsx",
    "save_trust_logo",
    "save_trust_name",
    "trust_logo",
    "trust_name",
]
