"""Cell parsers: turn what spreadsheets and CSV exports hold into typed values.

Exports differ: a date can be a real Excel date, an Excel serial number (45748), an ISO
string, a UK ``dd/mm/yyyy`` or ``dd-Mon-yyyy`` string; money can be ``£1,234.50``; a text
cell "48" can arrive as the float 48.0. Each parser accepts every form the data contract
allows and raises ``ValueError`` with a short, human message for anything else. US
``mm/dd/yyyy`` dates are never accepted: a date that only makes sense US-style is an error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Protocol


class Vocabulary(Protocol):
    """What ``vocab_parser`` needs of a closed list (``pmo_data.schema.Vocabulary``): parse
    depends on no other module of the package, so schema can import it without a cycle."""

    name: str
    values: tuple[str, ...]
    blank: str | None

    def lookup(self) -> dict[str, str]: ...

EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_ERRORS = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#N/A!"}
)
#: Cell texts that mean "no value" in a date or number column.
BLANK_MARKERS = frozenset({"", "-", "--", "n/a", "na", "tbc", "tba", "none", "null", "nan"})
MIN_YEAR, MAX_YEAR = 1990, 2100

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")]
    )
    for m in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+)?$")
_SLASH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?: [0-9:]+)?$")
_MON = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})[- ]+(\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_FY = re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?$", re.IGNORECASE)


def is_blank(value: Any) -> bool:
    """True for None, NaN, NaT and strings that are empty after stripping."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return type(value).__name__ == "NaTType"


def check_excel_error(value: Any) -> None:
    """Raise for an Excel error value such as ``#REF!`` or ``#N/A``."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise ValueError(f"Excel error value {value.strip()} in the cell")


def _blankish(value: Any) -> bool:
    return is_blank(value) or (isinstance(value, str) and value.strip().lower() in BLANK_MARKERS)


#: Invisible format characters (zero-width spaces and joiners, bidirectional controls, soft
#: hyphen, BOM) are removed from every text cell: they make look-alike duplicates of IDs and
#: can reorder how a name is displayed.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def parse_text(value: Any) -> str | None:
    """Text, stripped; blank gives None; 48.0 gives "48"; dates give ISO text. Invisible
    format characters are removed and runs of white space become one space."""
    if is_blank(value):
        return None
    check_excel_error(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = re.sub(r"\s+", " ", _INVISIBLE.sub("", str(value))).strip()
    return text or None


def parse_id(value: Any) -> str | None:
    """An identifier (project, benefit, RAID, request, staff, milestone, KPI code): text as
    ``parse_text``, then Unicode NFKC normalisation, so full-width or stylised characters
    become their plain forms ("ＰＲＪ－１" is "PRJ-1"); invisible characters never survive."""
    text = parse_text(value)
    if text is None:
        return None
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()
    return text or None


def _checked(year: int, month: int, day: int, raw: Any) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError("impossible date") from None
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValueError(f"date outside {MIN_YEAR}-{MAX_YEAR}")
    return result


def from_excel_serial(serial: float) -> date:
    """Convert an Excel serial day number (1900 date system) to a date."""
    if not 1 <= serial < 2958466:
        raise ValueError("not a date")
    result = EXCEL_EPOCH + timedelta(days=int(serial))
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValueError(f"date outside {MIN_YEAR}-{MAX_YEAR}")
    return result


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_date(value: Any) -> date | None:
    """A date from a date cell, an Excel serial, ISO, dd/mm/yyyy, dd/mm/yy or dd-Mon-yyyy.

    Never US ``mm/dd``: ``12/25/2025`` is an error ("looks like a US date"). Times are
    dropped. Blank, ``-``, ``TBC`` and ``N/A`` give None. Years outside 1990-2100 fail.
    """
    if _blankish(value):
        return None
    check_excel_error(value)
    if isinstance(value, datetime):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day, value)
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, int | float):
        return from_excel_serial(float(value))
    text = str(value).strip()
    if m := _ISO.match(text):
        return _checked(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _SLASH.match(text):
        day, month, year = int(m[1]), int(m[2]), _year(m[3])
        if month > 12 and day <= 12:
            raise ValueError("looks like a US mm/dd/yyyy date; use dd/mm/yyyy")
        return _checked(year, month, day, value)
    if m := _MON.match(text):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise ValueError("not a date (unknown month name)")
        return _checked(_year(m[3]), month, int(m[1]), value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return from_excel_serial(float(text))
    raise ValueError("not a date (use dd/mm/yyyy)")


def parse_month(value: Any) -> date | None:
    """The first day of the month a value falls in.

    Accepts everything ``parse_date`` does, plus ``Apr 2025``, ``April-25`` and ``2025-04``.
    """
    if _blankish(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if m := _MONTH_YEAR.match(text):
            month = _MONTHS.get(m[1].lower())
            if month is None:
                raise ValueError("not a month (use e.g. Apr 2025)")
            return _checked(_year(m[2]), month, 1, value)
        if m := _YEAR_MONTH.match(text):
            return _checked(int(m[1]), int(m[2]), 1, value)
    day = parse_date(value)
    return None if day is None else day.replace(day=1)


#: The largest magnitude any number cell may hold: a trillion (a trust's budget is billions;
#: 1.7e308 in a cell is a mistake or an attack, and breaks sums). Columns may bound tighter.
MAX_MAGNITUDE = 1e12
_ASCII_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)


def _in_range(number: float) -> float:
    if math.isnan(number) or math.isinf(number):
        raise ValueError("not a number")
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError("too large to be a real value (more than 1,000,000,000,000)")
    return number


def _number_text(value: Any) -> float:
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").replace("£", "").replace(",", "")
    if text.upper().startswith("GBP"):
        text = text[3:]
    if not _ASCII_NUMBER.fullmatch(text):  # no Unicode digits, no "inf" or "nan"
        raise ValueError("not a number")
    number = _in_range(float(text))
    return -number if negative else number


def parse_number(value: Any) -> float | None:
    """A number; money text like ``£1,234.50`` or ``(250)`` (negative) is accepted. Digits
    must be ASCII (Arabic-Indic or full-width digits are refused), and the magnitude at most
    ``MAX_MAGNITUDE``."""
    if _blankish(value):
        return None
    check_excel_error(value)
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        return _in_range(float(value))
    return _number_text(value)


def parse_int(value: Any) -> int | None:
    """A whole number (``3``, ``3.0``, ``"3"``); 3.5 is an error."""
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ValueError("not a whole number")
    return int(number)


def parse_percent(value: Any) -> float | None:
    """A percentage on 0-100: ``45``, ``"45%"``; a fraction strictly between 0 and 1
    (an Excel per-cent cell such as 0.45) is read as 45."""
    if _blankish(value):
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_number(value.strip()[:-1])
    number = parse_number(value)
    if number is not None and 0 < number < 1:
        return round(number * 100, 6)
    return number


def parse_fy(value: Any) -> str | None:
    """A financial year as ``2025/26``; accepts ``2025-26``, ``FY25/26``, ``2025/2026``, ``2025``.

    A single year is the year the financial year starts (1 April).
    """
    if _blankish(value):
        return None
    check_excel_error(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    m = _FY.match(text)
    if not m:
        raise ValueError("not a financial year (use 2025/26)")
    start = _year(m[1])
    if m[2] is not None:
        end = int(m[2]) if len(m[2]) == 4 else start - start % 100 + int(m[2])
        if len(m[2]) == 2 and end < start:  # 1999/00
            end += 100
        if end != start + 1:
            raise ValueError("not a financial year: the second year must follow the first")
    if not MIN_YEAR <= start <= MAX_YEAR:
        raise ValueError(f"financial year outside {MIN_YEAR}-{MAX_YEAR}")
    return f"{start}/{(start + 1) % 100:02d}"


def vocab_parser(vocab: Vocabulary) -> Callable[[Any], str | None]:
    """A parser mapping any spelling or synonym in ``vocab`` to its canonical value."""
    table = vocab.lookup()
    listed = ", ".join(vocab.values)

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return vocab.blank
        check_excel_error(value)
        found = table.get(normalise_header(parse_text(value)))
        if found is None:
            label = vocab.name.replace("_", " ")
            raise ValueError(f"not a known {label}; expected one of {listed}")
        return found

    return parse


def normalise_header(text: object) -> str:
    """Fold a header cell to a comparable key.

    Lower case, trimmed, every run of spaces, hyphens and punctuation becomes ``_``,
    leading and trailing ``_`` dropped: ``" Project Ref. "`` -> ``"project_ref"``.
    ``None`` and blank cells give ``""``.
    """
    if text is None:
        return ""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_")


def fy_of(day: date) -> str:
    """The NHS financial year (1 April to 31 March) containing ``day``: 2025-04-01 -> 2025/26."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def fy_bounds(fy: str) -> tuple[date, date]:
    """First and last day of a financial year given as ``2025/26``."""
    normalised = parse_fy(fy)
    if normalised is None:
        raise ValueError("no financial year")
    start = int(normalised[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)
