"""AppTest: the shared filters. The financial year follows the as-at date unless the user
picks another, and the sidebar says when the two disagree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_support import app, serve, small_database

import ui


def test_the_year_follows_the_as_at_date_until_one_is_picked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve(small_database(tmp_path), monkeypatch)  # its reports are dated in 2026/27
    at = app().run()
    assert not at.exception

    def fy() -> str:
        return at.sidebar.selectbox(key="fy").value

    def notes() -> list[str]:
        return [c.value for c in at.sidebar.caption if "as-at date" in c.value]

    at.sidebar.date_input(key="as_at").set_value(date(2025, 9, 30)).run()
    assert fy() == "2025/26" and notes() == []  # followed the date
    at.sidebar.selectbox(key="fy").set_value("2026/27").run()
    assert notes() == ["2026/27 had not started by the as-at date (30 Sep 2025): no figures "
                       "yet."]
    at.sidebar.date_input(key="as_at").set_value(date(2025, 12, 31)).run()
    assert fy() == "2026/27"  # picked by hand: it stays, and stays offered
    at.sidebar.selectbox(key="fy").set_value("2025/26").run()  # the date's own year again
    at.sidebar.date_input(key="as_at").set_value(date(2026, 5, 31)).run()
    assert fy() == "2026/27" and notes() == []  # follows once more
    assert not at.exception


@pytest.mark.parametrize(("fy", "as_at", "note"), [
    ("2025/26", date(2025, 9, 30), None),
    ("2025/26", date(2026, 3, 31), None),
    ("2025/26", date(2026, 4, 1),
     "2025/26 ended before the as-at date: its figures are at 31 Mar 2026."),
    ("2026/27", date(2026, 3, 31),
     "2026/27 had not started by the as-at date (31 Mar 2026): no figures yet."),
])
def test_fy_note(fy: str, as_at: date, note: str | None) -> None:
    assert ui.fy_note(fy, as_at) == note
