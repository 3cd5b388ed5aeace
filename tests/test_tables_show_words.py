"""No table shows a raw "None": every page's tables, on the demo trust, either have no missing
cell or say in a word what a missing cell means.

Streamlit draws a missing cell of ``st.dataframe`` as a faded "None" unless the table has a
``placeholder``; a text cell may also hold the words "None", "nan" or "NaT" when a page
formats a missing value itself. Both are a developer's word, not a reader's. This runs every
page of the registry in AppTest on the demo data (at its latest date and at a mid-year date
before some projects reported), and lists every table that would show one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from apptest_support import run_filtered, serve

from pmo_data import pages

RAW = {"None", "nan", "NaN", "NaT", "<NA>"}


def _problems(page: str, frame: pd.DataFrame, placeholder: str | None, index: int) -> list[str]:
    out = []
    missing = [str(c) for c in frame.columns if frame[c].isna().any()]
    if missing and placeholder is None:
        out.append(f"{page} table {index}: blank cells shown as None in {missing}")
    for column in frame.columns:
        words = {str(v) for v in frame[column] if isinstance(v, str) and v.strip() in RAW}
        if words:
            out.append(f"{page} table {index} column {column!r}: {sorted(words)}")
    return out


@pytest.mark.parametrize(("fy", "as_at"), [("2026/27", date(2026, 11, 21)),
                                           ("2026/27", date(2026, 6, 30))])
def test_no_table_shows_a_raw_none(demo_db: Path, monkeypatch: pytest.MonkeyPatch, fy: str,
                                   as_at: date) -> None:
    serve(demo_db, monkeypatch)
    found: list[str] = []
    tables = 0
    for page in pages.PAGES:
        at = run_filtered(page.key, fy, as_at)
        for i, element in enumerate(at.dataframe):
            tables += 1
            placeholder = element.proto.placeholder if element.proto.HasField(
                "placeholder") else None
            found += _problems(page.key, element.value, placeholder, i)
        for i, element in enumerate(at.table):
            tables += 1
            found += _problems(page.key, element.value, None, i)
    assert tables >= 20  # the pages really drew their tables
    assert not found, "\n".join(found)
