"""Cell parsers: dates (never US), Excel serials, money, percentages, text, financial years."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo_data import parse
from pmo_data.schema import ROW_MODELS

APRIL_1 = date(2025, 4, 1)


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2025-04-01",
        "2025-4-1",
        "2025-04-01T09:30:00",
        "2025-04-01 00:00:00",
        "01/04/2025",
        "1/4/2025",
        "01/04/25",
        "01.04.2025",
        "01/04/2025 00:00",
        "01-Apr-2025",
        "1-apr-25",
        "01 Apr 2025",
        "1 April 2025",
        "01-APRIL-2025",
        45748,
        45748.0,
        45748.75,
        "45748",
        "45748.0",
        " 45748 ",
        date(2025, 4, 1),
        datetime(2025, 4, 1),
        datetime(2025, 4, 1, 17, 45),
        pd.Timestamp("2025-04-01"),
    ],
)
def test_every_accepted_date_form_is_1_april_2025(value: object) -> None:
    assert parse.parse_date(value) == APRIL_1


def test_excel_serial_45748_is_1_april_2025() -> None:
    assert parse.from_excel_serial(45748) == APRIL_1
    assert parse.from_excel_serial(45748.99) == APRIL_1
    assert parse.parse_date(46112) == date(2026, 3, 31)


def test_uk_day_first_never_4_january() -> None:
    assert parse.parse_date("01/04/2025") == date(2025, 4, 1)
    assert parse.parse_date("04/01/2025") == date(2025, 1, 4)
    assert parse.parse_date("13/04/2025") == date(2025, 4, 13)


@pytest.mark.parametrize("value", ["12/25/2025", "01/13/2025", "4/30/2026"])
def test_us_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="looks like a US mm/dd/yyyy date"):
        parse.parse_date(value)


@pytest.mark.parametrize("value", ["31/02/2026", "29/02/2025", "32/01/2025", "31/09/2025",
                                   "2025-13-01", "2025-02-30", "31-Feb-2026"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="impossible date"):
        parse.parse_date(value)


def test_leap_day_is_accepted() -> None:
    assert parse.parse_date("29/02/2024") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("hello", "not a date"),
        ("01-Foo-2025", "unknown month name"),
        (True, "not a date"),
        (5, "date outside 1990-2100"),
        ("1985-01-01", "date outside 1990-2100"),
        ("01/01/2150", "date outside 1990-2100"),
        ("#REF!", "Excel error value #REF!"),
        ("#N/A", "Excel error value #N/A"),
    ],
)
def test_bad_dates_have_a_short_message(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse.parse_date(value)


@pytest.mark.parametrize("value", [None, "", "   ", "-", "TBC", "tba", "N/A", "n/a", float("nan"),
                                   pd.NaT])
def test_blank_dates_are_missing(value: object) -> None:
    assert parse.parse_date(value) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_round_trips_through_every_form(day: date) -> None:
    serial = (day - parse.EXCEL_EPOCH).days
    forms = [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%b-%Y"),
             day.strftime("%d %B %Y"), serial, float(serial), str(serial)]
    for form in forms:
        assert parse.parse_date(form) == day, form


@pytest.mark.parametrize(
    "value",
    ["Apr 2025", "April-25", "April 2025", "2025-04", "2025-04-17", "17/04/2025", 45764,
     date(2025, 4, 30)],
)
def test_month_folds_to_first_of_month(value: object) -> None:
    assert parse.parse_month(value) == APRIL_1


def test_bad_month() -> None:
    with pytest.raises(ValueError):
        parse.parse_month("Foo 2025")
    assert parse.parse_month("") is None


# --- numbers, money, percentages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("£1,234.50", 1234.5),
        (" £ 1,234.50 ", 1234.5),
        ("1,234.50", 1234.5),
        ("£1234", 1234.0),
        ("GBP 100", 100.0),
        ("(250)", -250.0),
        ("-£5", -5.0),
        ("1e3", 1000.0),
        (1234, 1234.0),
        (12.5, 12.5),
        ("\u00a31\u00a0000", 1000.0),
    ],
)
def test_money_and_numbers(value: object, expected: float) -> None:
    assert parse.parse_number(value) == expected


@pytest.mark.parametrize("value", ["abc", "inf", "£", "1.2.3", True, float("inf"), "#DIV/0!"])
def test_not_a_number(value: object) -> None:
    with pytest.raises(ValueError):
        parse.parse_number(value)


@pytest.mark.parametrize("value", [None, "", "-", "TBC", float("nan")])
def test_blank_numbers_are_missing(value: object) -> None:
    assert parse.parse_number(value) is None


def test_whole_numbers() -> None:
    assert parse.parse_int(3) == 3
    assert parse.parse_int(3.0) == 3
    assert parse.parse_int("3") == 3
    assert parse.parse_int(" 3.0 ") == 3
    assert parse.parse_int("") is None
    with pytest.raises(ValueError, match="not a whole number"):
        parse.parse_int(3.5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("45%", 45.0), ("45 %", 45.0), (45, 45.0), ("45", 45.0), (0.45, 45.0), ("0.45", 45.0),
     ("100%", 100.0), (100, 100.0), (0, 0.0), ("0.5%", 0.5), ("", None)],
)
def test_percentages(value: object, expected: float | None) -> None:
    result = parse.parse_percent(value)
    if expected is None:
        assert result is None
    else:
        assert math.isclose(result, expected)


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Electronic   observations \t", "Electronic observations"),
        (48.0, "48"),
        (48, "48"),
        ("48", "48"),
        ("007", "007"),
        (48.5, "48.5"),
        (date(2025, 4, 1), "2025-04-01"),
        (datetime(2025, 4, 1), "2025-04-01"),
        (True, "Yes"),
        (None, None),
        ("", None),
        ("   ", None),
        (float("nan"), None),
    ],
)
def test_text_is_stripped_and_numbers_lose_dot_zero(value: object, expected: str | None) -> None:
    assert parse.parse_text(value) == expected


def test_text_excel_error_is_refused() -> None:
    with pytest.raises(ValueError, match="Excel error value #N/A"):
        parse.parse_text("#N/A")


def test_project_id_48_float_is_text_48() -> None:
    """calamine reads a number-looking text cell as 48.0; the key must stay "48"."""
    row = ROW_MODELS["projects"].model_validate(
        {"project_id": 48.0, "project_name": "X", "service_group": "Medicine",
         "stage": "Delivery", "start_date": 45748, "planned_end_date": "31/03/2026"})
    assert row.project_id == "48"
    assert row.start_date == APRIL_1
    assert row.planned_end_date == date(2026, 3, 31)


# --- financial years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2025/26", "2025-26", "FY25/26", "fy25/26", "FY 2025/26", "FY25-26", "2025", 2025, 2025.0,
     "2025/2026", " 2025 / 26 ", "25/26"],
)
def test_financial_year_forms(value: object) -> None:
    assert parse.parse_fy(value) == "2025/26"


@pytest.mark.parametrize("value", ["2024/26", "2025/24", "abc", "FY", "2025/26/27", "#REF!"])
def test_bad_financial_years(value: str) -> None:
    with pytest.raises(ValueError):
        parse.parse_fy(value)


def test_fy_of_and_bounds() -> None:
    assert parse.fy_of(date(2025, 4, 1)) == "2025/26"
    assert parse.fy_of(date(2026, 3, 31)) == "2025/26"
    assert parse.fy_of(date(2025, 3, 31)) == "2024/25"
    assert parse.fy_bounds("2025/26") == (date(2025, 4, 1), date(2026, 3, 31))
    assert parse.fy_bounds("FY29/30") == (date(2029, 4, 1), date(2030, 3, 31))
    with pytest.raises(ValueError):
        parse.fy_bounds("")


# --- blanks and errors -------------------------------------------------------------------


def test_is_blank() -> None:
    assert parse.is_blank(None)
    assert parse.is_blank(" ")
    assert parse.is_blank(float("nan"))
    assert parse.is_blank(pd.NaT)
    assert not parse.is_blank(0)
    assert not parse.is_blank("-")


def test_every_excel_error_value_is_an_error() -> None:
    for error in parse.EXCEL_ERRORS:
        with pytest.raises(ValueError, match="Excel error value"):
            parse.check_excel_error(error)
    parse.check_excel_error("REF")  # plain text is fine


# --- hostile values (security findings) -----------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("PRJ\u200b-0001", "PRJ-0001"),  # zero-width space
    ("\ufeffPRJ-0001", "PRJ-0001"),  # byte-order mark
    ("PRJ-00\u200d01", "PRJ-0001"),  # zero-width joiner
    ("\u202ePRJ-0001", "PRJ-0001"),  # right-to-left override
    ("ＰＲＪ－０００１", "PRJ-0001"),  # full-width forms
    ("PRJ\u00ad-0001", "PRJ-0001"),  # soft hyphen
])
def test_ids_are_normalised(raw: str, expected: str) -> None:
    assert parse.parse_id(raw) == expected


def test_text_loses_invisible_characters_but_keeps_its_letters() -> None:
    assert parse.parse_text("Ward\u200b 7\u202e") == "Ward 7"
    assert parse.parse_text("Café ²") == "Café ²"  # NFKC is for identifiers only


@pytest.mark.parametrize("raw", ["١٢٣", "１２３", "1.7e308", "1e13", "-2e12", "inf",
                                 "Infinity", "1_000", "0x10"])
def test_numbers_are_ascii_and_sane(raw: str) -> None:
    with pytest.raises(ValueError):
        parse.parse_number(raw)


def test_number_cells_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse.parse_number(1.7e308)
    assert parse.parse_number(1e12) == 1e12
    assert parse.parse_number("£999,999,999,999") == 999_999_999_999
