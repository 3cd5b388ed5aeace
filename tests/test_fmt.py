"""One spelling of a value, a date and money on every surface (``pmo_data.fmt``)."""

from __future__ import annotations

from datetime import date

import pytest

from pmo_data import fmt


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1234, "count", "1,234"), (1234, "", "1,234"), (12.46, "count", "12.5"),
    (87.04, "%", "87%"), (86.94, "percent", "86.9%"), (-0.04, "count", "0"),
    (-1200, "£", "-£1,200"), (351500.4, "£", "£351,500"), (-0.4, "£", "£0"),
    (1, "days", "1 day"), (1.0, "days", "1 day"), (13.0, "days", "13 days"),
    (-1, "days", "-1 day"), (0.5, "days", "0.5 days"), (1658, "views", "1,658 views"),
    (None, "count", "no data"), (float("nan"), "%", "no data"),
])
def test_value(value: float | None, unit: str, text: str) -> None:
    assert fmt.value(value, unit) == text


def test_value_missing_word() -> None:
    assert fmt.value(None, "%", missing="") == ""


@pytest.mark.parametrize(("delta", "unit", "text"), [
    (3, "count", "+3"), (-4.24, "%", "-4.2 pts"), (1200, "£", "+£1,200"),
    (-1200, "£", "-£1,200"), (2, "days", "+2 days"), (0.04, "count", "No change"),
    (0.4, "£", "No change"), (-0.6, "£", "-£1"), (2.5, "percent", "+2.5 pts"),
    (1, "days", "+1 day"), (1658, "views", "+1,658 views"),
])
def test_delta(delta: float, unit: str, text: str) -> None:
    assert fmt.delta(delta, unit) == text


@pytest.mark.parametrize(("delta", "unit", "same"), [
    (0.04, "count", True), (0.06, "count", False), (0.4, "£", True), (0.6, "£", False),
    (-0.04, "%", True), (0, None, True),
])
def test_unchanged_follows_the_written_rounding(delta: float, unit: str | None,
                                                same: bool) -> None:
    assert fmt.unchanged(delta, unit) is same
    assert (fmt.delta(delta, unit) == "No change") is same


def test_dates_have_one_form() -> None:
    assert fmt.day(date(2026, 6, 9)) == "9 Jun 2026"
    assert fmt.day(date(2026, 11, 21)) == "21 Nov 2026"
    assert fmt.day(None) == "no date"
    assert fmt.month(date(2026, 10, 1)) == "Oct 2026"


@pytest.mark.parametrize(("value", "text"), [
    (1_234_567, "£1.2m"), (45_000, "£45k"), (9_999, "£9,999"), (-3_000, "-£3,000"),
    (-45_000, "-£45k"), (None, "no value"),
])
def test_money_short(value: float | None, text: str) -> None:
    assert fmt.money_short(value) == text


def test_plural() -> None:
    assert fmt.plural(1, "project") == "1 project"
    assert fmt.plural(3, "project") == "3 projects"
    assert fmt.plural(2, "person", "people") == "2 people"


@pytest.mark.parametrize(("text", "width", "short"), [
    ("PRJ-0045 Eating disorder early intervention", 30, "PRJ-0045 Eating disorder…"),
    ("short", 30, "short"), ("exactly ten", 11, "exactly ten"),
    ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
    ("District nursing scheduling - phase 2", 30, "District nursing scheduling…"),
])
def test_shorten_cuts_at_a_word(text: str, width: int, short: str) -> None:
    assert fmt.shorten(text, width) == short
    assert len(fmt.shorten(text, width)) <= width
