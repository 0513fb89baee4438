"""Document number patterns: formatting and the checks a definition's pattern gets."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.numbering import format_number, pattern_problems

DECEMBER = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("pattern", "seq", "expected"),
    [
        ("470/{seq:04}/DUKCAPIL/{month_roman}/{year}", 7, "470/0007/DUKCAPIL/XII/2026"),
        ("SKTM-{year}{month}{day}-{seq}", 12, "SKTM-20261202-12"),
        ("{seq:3}/BPBD", 12345, "12345/BPBD"),  # wider than the padding: all digits kept
    ],
)
def test_numbers_are_formatted(pattern: str, seq: int, expected: str) -> None:
    assert format_number(pattern, seq=seq, issued_on=DECEMBER) == expected


def test_every_roman_month() -> None:
    months = [
        format_number("{month_roman}{seq}", seq=1, issued_on=dt.date(2026, m, 1))
        for m in range(1, 13)
    ]
    assert months == [
        f"{r}1" for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    ]


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("470/DUKCAPIL/{year}", "exactly once"),
        ("{seq}/{seq}", "exactly once"),
        ("{seq}/{tahun}", "Unknown placeholder {tahun}"),
        ("{seq}/{year:04}", "Only {seq} takes a width"),
        ("{seq:12}", "Only {seq} takes a width"),
        ("{seq}/{year", "Unbalanced braces"),
        ("{seq}/" + "x" * 100, "at most 100"),
    ],
)
def test_bad_patterns_are_explained(pattern: str, fragment: str) -> None:
    english = [en for _, en in pattern_problems(pattern)]
    assert any(fragment in text for text in english), english
    with pytest.raises(ValueError):
        format_number(pattern, seq=1, issued_on=DECEMBER)


def test_a_good_pattern_has_no_problems() -> None:
    assert pattern_problems("470/{seq:04}/DUKCAPIL/{month_roman}/{year}") == []
