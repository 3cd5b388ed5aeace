"""A pandas Styler that Streamlit can send in time proportional to the styled cells.

Why this module exists: ``st.dataframe(styler)`` marshals a Styler by calling its private
``_translate(False, False)``, which builds an HTML description of EVERY cell (display value,
classes, ids), then rewrites every cell's display value. For a project table that colours two
RAG columns of 500 rows x 14 columns that was 70-200 ms per table on every rerun, growing with
the portfolio. ``fast_styler`` answers that one call with only what Streamlit reads: the CSS of
the styled cells (grouped exactly as pandas groups them) and the display values that differ
from the plain text of the value (none, for text, dates and whole numbers). Everything else
(``to_html``, Excel, LaTeX, trimmed or hidden tables, tooltips) takes pandas' own path.

No streamlit here; ``tests/test_table_style.py`` proves that Streamlit marshals a fast styler
to the same bytes as a plain Styler.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import Any

import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype
from pandas.io.formats.style import Styler
from pandas.io.formats.style_render import format_table_styles


def _shown(value: Any) -> str:
    """The text Streamlit makes of a display value."""
    return str(value.value) if isinstance(value, Enum) else str(value)


def fast_styler(frame: pd.DataFrame) -> Styler:
    """``frame.style``, answering Streamlit's marshalling call cheaply (see the module
    docstring). Streamlit accepts a Styler only by its exact class name, so this is a plain
    ``Styler`` whose ``_translate`` is replaced on the instance (pandas' own method is still
    used for anything but that one call)."""
    styler = Styler(frame)
    styler._translate = partial(_translate, styler, Styler._translate.__get__(styler))
    return styler


def _translate(self: Styler, pandas_translate: Callable[..., dict], sparse_index: bool,
               sparse_cols: bool, max_rows: int | None = None, max_cols: int | None = None,
               blank: str = "&nbsp;", dxs: list[dict] | None = None, trim: bool = True
               ) -> dict:
    """The render dict Streamlit reads for ``self``: styled cells' CSS (grouped as pandas
    groups it) and the display values that differ from the text Streamlit starts from."""
    simple = (dxs is None and max_rows is None and max_cols is None and trim
              and not self.hidden_rows and not self.hidden_columns
              and not self.tooltips and not self.cell_context and not self.concatenated
              and pd.get_option("styler.render.max_rows") is None
              and pd.get_option("styler.render.max_columns") is None
              and self.data.size <= pd.get_option("styler.render.max_elements"))
    if not simple:  # pandas' own rendering (to_html and friends)
        return pandas_translate(sparse_index, sparse_cols, max_rows, max_cols, blank, dxs,
                                trim)
    self.css["blank_value"] = blank
    rows, width = self.data.shape
    formatted = bool(self._display_funcs)  # .format() was used: ask per cell
    default = self._display_funcs.default_factory()  # type: ignore[misc]
    cells: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in range(width):
        column = self.data.iloc[:, c]
        if not formatted and is_string_dtype(column.dtype) and not is_object_dtype(
                column.dtype) and not column.hasnans:
            continue  # text with no gaps: pandas shows each value as str(value) shows it
        text = column.astype(str).tolist()  # what Streamlit starts from (NaN stays NaN)
        for r, value in enumerate(column):
            shown = self._display_funcs[(r, c)](value) if formatted else default(value)
            if _shown(shown) != text[r]:
                cells[r].append({"type": "td", "id": f"row{r}_col{c}", "value": value,
                                 "display_value": shown, "is_visible": True})
    body = [cells[r] for r in range(rows)]
    styled: defaultdict[tuple[tuple[str, Any], ...], list[str]] = defaultdict(list)
    for r, c in sorted(self.ctx):  # row by row, as pandas walks the table
        if self.ctx[r, c]:
            styled[tuple(self.ctx[r, c])].append(f"row{r}_col{c}")
    return {
        "uuid": self.uuid,
        "table_styles": format_table_styles(self.table_styles or []),
        "caption": self.caption,
        "head": [],
        "index_lengths": {},
        "body": body,
        "cellstyle": [{"props": list(props), "selectors": selectors}
                      for props, selectors in styled.items()],
        "cellstyle_index": [],
        "cellstyle_columns": [],
        "table_attributes": self.table_attributes,
    }
