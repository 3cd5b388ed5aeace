"""AppTest: the Portfolio history page compares two dates, links rows to the project page
and runs the RAG integrity check with its thresholds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest_support import plain, run_page, serve
from governance_support import AS_AT, engine, governance_database, metric
from streamlit.testing.v1 import AppTest

from pmo_data import governance as gov
from pmo_data.charts import governance as charts


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(governance_database(tmp_path), monkeypatch)


def run(**state: object) -> AppTest:
    return run_page("portfolio_history", **{"as_at": AS_AT, **state})


def _table(at, heading: str):  # noqa: ANN001 - AppTest
    """The dataframe right under a subheading (sections before "Schedule movement" have
    one table each; the RAG integrity table is the page's last)."""
    if heading == "RAG integrity check":
        return at.dataframe[-1].value
    titles = [plain(h.value) for h in at.subheader]
    return at.dataframe[titles.index(heading)].value


def test_default_dates_and_changes(db: Path) -> None:
    at = run()
    assert not at.exception
    # by default the previous report date (a calendar month before) and the as-at date, as
    # on the Overview and in the pack
    assert at.selectbox(key="history_before").value == date(2026, 2, 15)
    assert at.selectbox(key="history_after").value == date(2026, 3, 15)
    at = run(history_before=date(2026, 1, 31), history_after=date(2026, 2, 28))
    assert not at.exception
    assert metric(at, "Newly red") == "1"
    assert metric(at, "Recovered from red") == "1"
    newly_red = _table(at, "Newly red (1)")
    assert list(newly_red["Project"]) == ["P1"]
    assert list(newly_red["Open"]) == ["portfolio?project=P1"]
    assert list(_table(at, "Recovered (1)")["Project"]) == ["P2"]
    diff = gov.portfolio_diff(engine(db), date(2026, 1, 31), date(2026, 2, 28))
    expected = charts.rag_mix_chart(diff.rag_counts, diff.before, diff.after).summary
    assert expected in [plain(c.value) for c in at.caption]


def test_same_date_shows_no_change(db: Path) -> None:
    at = run(history_before=date(2026, 2, 28))
    assert not at.exception
    assert metric(at, "Newly red") == "0"
    assert _table(at, "RAG changes").empty


def test_rag_integrity_threshold_inputs(db: Path) -> None:
    at = run()
    # P2 reports Green on 28/02 while "Go live" (due 01/01/2026) is 73 days late
    flagged = _table(at, "RAG integrity check")
    assert list(flagged["Project"]) == ["P2"]
    assert list(flagged["Open"]) == ["portfolio?project=P2"]
    at.number_input(key="integrity_milestone_days").set_value(80).run()
    assert _table(at, "RAG integrity check").empty
    at.number_input(key="integrity_report_days").set_value(10).run()  # report is 15 days old
    assert list(_table(at, "RAG integrity check")["Project"]) == ["P2"]
