"""Indonesian formatting for printed documents: dates, amounts, numbers in words, phone numbers.

* ``long_date(date(2026, 12, 2))`` → ``"2 Desember 2026"``
* ``thousands(1250000)`` → ``"1.250.000"``; ``thousands(1250.5)`` → ``"1.250,5"``
* ``terbilang(1250000)`` → ``"satu juta dua ratus lima puluh ribu"`` (with `num2words`)
* ``national_phone("+6281234567890")`` → ``"0812-3456-7890"``
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from num2words import num2words

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# Numbers in words are written up to the trillions (a number field holds at most 15 digits).
TERBILANG_LIMIT = 10**15


def long_date(day: dt.date) -> str:
    """A date as written in Indonesian letters: "2 Desember 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def thousands(value: int | float | Decimal) -> str:
    """A number with '.' between thousands and ',' before decimals: "1.250.000", "2,5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = format(Decimal(str(value)).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def _words(value: int) -> str:
    """A whole number from 0 below the limit in words.

    `num2words` (0.5.x) writes a thousands group of exactly one after millions as "satu ribu"
    ("satu juta satu ribu" for 1.001.000); Indonesian says "seribu" there as anywhere else.
    """
    millions, rest = divmod(value, 1_000_000)
    if millions and rest // 1000 == 1:
        head = str(num2words(millions * 1_000_000, lang="id"))
        tail = f" {num2words(rest % 1000, lang='id')}" if rest % 1000 else ""
        return f"{head} seribu{tail}"
    return str(num2words(value, lang="id"))


def terbilang(value: int | float | Decimal) -> str:
    """A number in Indonesian words: 1250000 → "satu juta dua ratus lima puluh ribu".

    Decimals are read digit by digit after "koma" (2,05 → "dua koma nol lima"); a negative
    number starts with "minus". Raises ValueError for numbers of a quadrillion or more.
    """
    number = Decimal(str(value))
    if not number.is_finite() or abs(number) >= TERBILANG_LIMIT:
        raise ValueError(f"cannot write {value} in words")
    sign = "minus " if number < 0 else ""
    text = format(abs(number).normalize(), "f")
    whole, _, fraction = text.partition(".")
    words = _words(int(whole))
    if fraction:
        digits = " ".join(str(num2words(int(d), lang="id")) for d in fraction)
        words = f"{words} koma {digits}"
    return sign + words


def national_phone(value: str) -> str:
    """A stored ``+62…`` number as Indonesians write it: a mobile number ``0812-3456-7890``,
    any other (whose area code may have 2 to 4 digits) ungrouped, ``0721473100``."""
    if not value.startswith("+62"):
        return value
    digits = "0" + value[3:]
    if not digits.startswith("08"):
        return digits
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
