"""Domain checks on single answers: NIK, Indonesian phone numbers, e-mail addresses and dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

_DATE_BOUND = re.compile(r"^today(?:([+-])([0-9]{1,5})([dmy]?))?$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+62[1-9][0-9]{6,12}$")

# Indonesia's timezones are UTC+7..+9; "today" for a form is the day in WIB, where most users are.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


# The day "today" in date bounds and conditions stands for, when it is not the real today:
# a case corrected after a send-back is held to the day it was first filed.
_AS_OF: ContextVar[dt.date | None] = ContextVar("loket_as_of", default=None)


def today() -> dt.date:
    """Today's date in Western Indonesia Time."""
    return dt.datetime.now(WIB).date()


@contextmanager
def as_of(day: dt.date | None) -> Iterator[None]:
    """Within the block, "today" in date bounds and conditions means `day` (None: the real day)."""
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def parse_iso_date(value: str) -> dt.date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_LOOSE_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2}))?$")


def is_time(value: object) -> bool:
    """True for a strict time of day HH:MM (00:00 to 23:59)."""
    return isinstance(value, str) and bool(_TIME.match(value))


def parse_time(text: str) -> str | None:
    """A time of day as people write it (14:30, 14.30, 9.05, 14:30:00) as HH:MM, or None."""
    match = _LOOSE_TIME.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    hour, minute, second = match.groups()
    candidate = f"{int(hour):02d}:{minute}"
    if second not in (None, "00") or not _TIME.match(candidate):
        return None
    return candidate


def time_text(value: str, lang: str = "id") -> str:
    """A time HH:MM as written in `lang`: 14.30 in Indonesian (PUEBI), 14:30 in English."""
    return value.replace(":", ".") if lang == "id" else value


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover


def day_of_year(bound: object, reference: dt.date | None = None) -> dt.date | None:
    """A day of the current year `{"month": 7, "day": 1}` (`"years": 1`: of the next year) as
    a date, or None when it is no such bound or no real day (30 February)."""
    if not isinstance(bound, Mapping) or "field" in bound:
        return None
    month, day, years = bound.get("month"), bound.get("day"), bound.get("years", 0)
    if not (isinstance(month, int) and isinstance(day, int) and isinstance(years, int)):
        return None
    base = reference or _AS_OF.get() or today()
    try:
        return dt.date(base.year + years, month, day)
    except ValueError:
        return None


def resolve_date_bound(bound: object, reference: dt.date | None = None) -> dt.date | None:
    """Resolve 'YYYY-MM-DD', 'today', 'today±N[dmy]' or a day of the year (`day_of_year`) to a
    date, or None when malformed (or a bound that reads another answer).

    "today" is `reference` when given, else the day set by `as_of`, else the real today."""
    if isinstance(bound, Mapping):
        return day_of_year(bound, reference)
    if not isinstance(bound, str):
        return None
    literal = parse_iso_date(bound)
    if literal is not None:
        return literal
    match = _DATE_BOUND.match(bound)
    if match is None:
        return None
    base = reference or _AS_OF.get() or today()
    sign, amount, unit = match.groups()
    if sign is None:
        return base
    count = int(amount) * (1 if sign == "+" else -1)
    try:
        if unit == "y":
            return _add_months(base, 12 * count)
        if unit == "m":
            return _add_months(base, count)
        return base + dt.timedelta(days=count)
    except (ValueError, OverflowError):
        return None


def is_date_bound(value: object) -> bool:
    """True for a well-formed date bound."""
    return isinstance(value, str) and resolve_date_bound(value, dt.date(2000, 1, 1)) is not None


# What ends a line for str.splitlines(): none of these may stand in a single-line answer.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def line_problem(value: str) -> str | None:
    """Why a text is not one clean line ("break", "tab" or "space" at either end), or None."""
    if not LINE_BREAKS.isdisjoint(value):  # in C: no Python step per character
        return "break"
    if "\t" in value:
        return "tab"
    if value != value.strip():
        return "space"
    return None


def is_single_line(value: object) -> bool:
    """True for a text of one line, without tabs or spaces at either end."""
    return isinstance(value, str) and line_problem(value) is None


def check_nik(value: str) -> str | None:
    """Return None for a plausible NIK, else a reason code: length, digits, region, birth-date."""
    if not isinstance(value, str):
        return "digits"
    if not value.isascii() or not value.isdigit():
        return "digits"
    if len(value) != 16:
        return "length"
    try:
        stdnum_nik.get_birth_date(value)
    except ValidationError:
        return "birth-date"
    day = int(value[6:8])
    if day == 0 or 31 < day <= 40 or day > 71:
        return "birth-date"
    try:
        stdnum_nik.validate(value)
    except ValidationError:
        return "region"
    return None


def normalise_phone(value: str) -> str | None:
    """Normalise an Indonesian phone number to +62…, or None when it cannot be one."""
    cleaned = re.sub(r"[\s().-]", "", value or "")
    if cleaned.startswith("+62"):
        rest = cleaned[3:]
    elif cleaned.startswith("62"):
        rest = cleaned[2:]
    elif cleaned.startswith("0"):
        rest = cleaned[1:]
    else:
        return None
    rest = rest.lstrip("0") if rest.startswith("0") else rest
    candidate = "+62" + rest
    return candidate if _PHONE.match(candidate) else None


def is_phone(value: object) -> bool:
    """True for a normalised Indonesian phone number."""
    return isinstance(value, str) and bool(_PHONE.match(value))


def is_email(value: object) -> bool:
    """True for a plausible e-mail address."""
    return isinstance(value, str) and len(value) <= 254 and bool(_EMAIL.match(value))
