"""fast_styler (pmo_data.charts.table_style): Streamlit sends exactly the same bytes as for a
plain pandas Styler, for every kind of column, with and without formats; HTML is unchanged."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from pandas.io.formats.style import Styler
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from pmo_data.charts.portfolio import rag_cell_css, style_rags
from pmo_data.charts.table_style import fast_styler

FRAME = pd.DataFrame({
    "Project": ["P1", "P2", None, "P4"],
    "Latest RAG": ["Red", "Amber/Green", None, "Not reported"],
    "Previous RAG": pd.Series(["Green", None, "Blue", "Red"], dtype="string"),
    "Budget": [1234.5, np.nan, 3.0, 0.1],
    "Slippage (days)": pd.array([3, None, -2, 0], dtype="Int64"),
    "Share": pd.array([0.5, None, 1.25, 2.0], dtype="Float64"),
    "Count": [1, 2, 3, 4],
    "Mixed": [1.5, "text", None, 7],
    "Start": [date(2025, 4, 1), None, date(2026, 1, 31), date(2024, 12, 1)],
    "Stamp": pd.to_datetime([datetime(2026, 1, 2, 3, 4), None, datetime(2025, 5, 6),
                             datetime(2024, 1, 1)]),
    "Done": [True, False, True, False],
    "Stage": pd.Categorical(["Delivery", "Planning", "Delivery", "Closure"]),
    "Name": pd.Series(["Alpha", "Beta", "Gamma", "Delta"], dtype="string"),  # no gaps
    "Owner": pd.Series(["Ann", "Bob", "Cy", "Di"], dtype="str"),
})


def sent(styler: Styler) -> bytes:
    proto = ArrowData()
    marshall_styler(proto, styler, "uuid")
    return proto.SerializeToString()


def fast(frame: pd.DataFrame, uuid: str = "x") -> Styler:
    styler = fast_styler(frame)
    styler.set_uuid(uuid)
    return styler


def both(frame: pd.DataFrame, build) -> tuple[bytes, bytes]:  # noqa: ANN001 - a callable
    return sent(build(Styler(frame, uuid="x"))), sent(build(fast(frame)))


@pytest.mark.parametrize("build", [
    lambda s: s,
    lambda s: s.map(rag_cell_css, subset=["Latest RAG", "Previous RAG"]),
    lambda s: s.map(rag_cell_css, subset=["Latest RAG"]).map(
        lambda v: "font-weight: bold" if v == "P1" else "", subset=["Project"]),
    lambda s: s.format(precision=1, na_rep="-").map(rag_cell_css, subset=["Latest RAG"]),
    lambda s: s.format({"Budget": "£{:,.0f}"}, na_rep="").map(rag_cell_css,
                                                                subset=["Latest RAG"]),
], ids=["plain", "rag", "two styles", "precision", "one format"])
def test_streamlit_gets_the_same_bytes(build) -> None:  # noqa: ANN001 - a callable
    slow, fast = both(FRAME, build)
    assert fast == slow


def test_same_bytes_for_empty_and_one_column_frames() -> None:
    for frame in (FRAME.iloc[0:0], FRAME[["Latest RAG"]], FRAME[["Budget"]]):
        slow, fast = both(frame, lambda s: s)
        assert fast == slow


def test_style_rags_is_fast_and_html_is_pandas_own() -> None:
    styler = style_rags(FRAME, ["Latest RAG", "Previous RAG"])
    assert type(styler) is Styler  # Streamlit accepts a Styler by its exact class only
    assert "_translate" in vars(styler)  # ... with the fast translation
    plain = Styler(FRAME, uuid=styler.uuid).map(rag_cell_css,
                                                subset=["Latest RAG", "Previous RAG"])
    assert styler.to_html() == plain.to_html()
