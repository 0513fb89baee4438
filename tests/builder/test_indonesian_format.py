"""Indonesian formatting of printed documents: dates, thousands, numbers in words (terbilang)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from num2words import num2words

from builder.indonesian import long_date, national_phone, terbilang, thousands

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def reference(number: int) -> str:
    """Indonesian numbers in words written out from the grammar, to check the library against."""
    if number < 10:
        return _UNITS[number]
    if number == 10:
        return "sepuluh"
    if number == 11:
        return "sebelas"
    if number < 20:
        return f"{_UNITS[number - 10]} belas"
    if number < 100:
        return f"{_UNITS[number // 10]} puluh {_UNITS[number % 10]}".strip()
    if number < 200:
        return f"seratus {reference(number - 100)}".strip()
    if number < 1000:
        return f"{_UNITS[number // 100]} ratus {reference(number % 100)}".strip()
    if number < 2000:
        return f"seribu {reference(number - 1000)}".strip()
    for size, name in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if number >= size:
            return f"{reference(number // size)} {name} {reference(number % size)}".strip()
    raise AssertionError(number)  # pragma: no cover


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 12, 2), "2 Desember 2026"),
        (dt.date(2027, 1, 31), "31 Januari 2027"),
        (dt.date(2026, 2, 1), "1 Februari 2026"),
        (dt.date(2026, 3, 17), "17 Maret 2026"),
        (dt.date(2026, 5, 9), "9 Mei 2026"),
        (dt.date(2026, 8, 17), "17 Agustus 2026"),
    ],
)
def test_dates_in_indonesian(day: dt.date, text: str) -> None:
    assert long_date(day) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (1250000, "1.250.000"),
        (-1250000, "-1.250.000"),
        (1250000.0, "1.250.000"),
        (1250.5, "1.250,5"),
        (0.25, "0,25"),
        (Decimal("1234567.80"), "1.234.567,8"),
    ],
)
def test_thousands(value: int | float | Decimal, text: str) -> None:
    assert thousands(value) == text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (15, "lima belas"),
        (100, "seratus"),
        (111, "seratus sebelas"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (2026, "dua ribu dua puluh enam"),
        (201000, "dua ratus satu ribu"),
        (1250000, "satu juta dua ratus lima puluh ribu"),
        (1001000, "satu juta seribu"),
        (3001500, "tiga juta seribu lima ratus"),
        (2000001000, "dua miliar seribu"),
        (7500000000, "tujuh miliar lima ratus juta"),
        (1000000000000, "satu triliun"),
        (-5, "minus lima"),
        (2.5, "dua koma lima"),
        (1.05, "satu koma nol lima"),
        (Decimal("1500000.00"), "satu juta lima ratus ribu"),
    ],
)
def test_terbilang(value: int | float | Decimal, words: str) -> None:
    assert terbilang(value) == words


def test_terbilang_agrees_with_the_grammar_on_many_numbers() -> None:
    rng = random.Random(2026)
    numbers = [*range(1, 3000), *(rng.randrange(1, 10**15) for _ in range(3000))]
    numbers += [n * 10**6 + 1000 + rng.randrange(1000) for n in rng.sample(range(1, 10**9), 200)]
    for number in numbers:
        assert terbilang(number) == reference(number), number


def test_the_library_slip_that_terbilang_works_around() -> None:
    # num2words writes "satu ribu" for a thousands group of one after millions; should it be
    # fixed upstream, this test says the work-around in builder.indonesian can go.
    assert num2words(1001000, lang="id") == "satu juta satu ribu"
    assert terbilang(1001000) == "satu juta seribu"


@pytest.mark.parametrize("value", [10**15, -(10**15), float("inf"), float("nan")])
def test_terbilang_refuses_what_it_cannot_write(value: float) -> None:
    with pytest.raises(ValueError):
        terbilang(value)


def test_national_phone() -> None:
    assert national_phone("+6281234567890") == "0812-3456-7890"
    assert national_phone("+62721473100") == "0721473100"
    assert national_phone("12345") == "12345"
