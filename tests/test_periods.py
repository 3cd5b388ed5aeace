"""The dates every figure is worked out at (``pmo_data.periods``)."""

from __future__ import annotations

from datetime import date

import pytest

from pmo_data import periods


@pytest.mark.parametrize(("fy", "as_at", "at"), [
    ("2025/26", date(2025, 9, 30), date(2025, 9, 30)),
    ("2025/26", date(2026, 11, 21), date(2026, 3, 31)),  # a past year: its end
    ("2026/27", date(2026, 3, 1), date(2026, 3, 1)),  # a future year: before its start
])
def test_evaluation_date(fy: str, as_at: date, at: date) -> None:
    assert periods.evaluation_date(fy, as_at) == at


def test_evaluation_date_refuses_a_bad_year() -> None:
    with pytest.raises(ValueError):
        periods.evaluation_date("2025/27", date(2025, 9, 30))


@pytest.mark.parametrize(("at", "previous"), [
    (date(2026, 12, 2), date(2026, 11, 2)),
    (date(2026, 3, 31), date(2026, 2, 28)),
    (date(2024, 3, 31), date(2024, 2, 29)),
    (date(2026, 1, 15), date(2025, 12, 15)),
    (date(2026, 5, 31), date(2026, 4, 30)),
])
def test_previous_report_date(at: date, previous: date) -> None:
    assert periods.previous_report_date(at) == previous


@pytest.mark.parametrize(("as_at", "months"), [
    (date(2025, 6, 10), 2), (date(2025, 6, 30), 3), (date(2025, 4, 29), 0),
    (date(2025, 3, 1), 0), (date(2026, 7, 1), 12),
])
def test_elapsed_months(as_at: date, months: int) -> None:
    assert periods.elapsed_months("2025/26", as_at) == months


def test_complete_months_and_part_year() -> None:
    assert periods.complete_months_end(date(2025, 6, 30)) == date(2025, 6, 30)
    assert periods.complete_months_end(date(2025, 6, 10)) == date(2025, 5, 31)
    assert periods.is_part_year("2025/26", date(2025, 6, 10))
    assert not periods.is_part_year("2025/26", date(2026, 3, 31))
    q3 = (date(2025, 10, 1), date(2025, 12, 31))
    assert periods.is_part_period(*q3, date(2025, 10, 1))
    assert periods.is_part_period(*q3, date(2025, 12, 30))
    assert not periods.is_part_period(*q3, date(2025, 12, 31))  # its last day: complete
    assert not periods.is_part_period(*q3, date(2025, 9, 30))  # not begun
    assert periods.previous_fy("2025/26") == "2024/25"
