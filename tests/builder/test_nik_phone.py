"""builder.values: NIK, Indonesian phone numbers, e-mail addresses and date bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import values

# -- NIK ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nik",
    [
        pytest.param("3171011708450001", id="man-17-aug-1945"),
        pytest.param("3171015708450001", id="woman-day-plus-40"),
        pytest.param("3171014108450001", id="woman-born-on-the-1st"),
        pytest.param("3171012902001234", id="29-feb-2000"),
        pytest.param("1871013112990001", id="lampung-31-dec-1999"),
    ],
)
def test_plausible_nik(nik: str) -> None:
    assert values.check_nik(nik) is None


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        pytest.param("317101170845000", "length", id="15-digits"),
        pytest.param("31710117084500011", "length", id="17-digits"),
        pytest.param("", "digits", id="empty"),
        pytest.param("31710117O8450001", "digits", id="letter-o"),
        pytest.param("3171 0117 0845 0001", "digits", id="spaces"),
        pytest.param("３１７１０１１７０８４５０００１", "digits", id="full-width-digits"),
        pytest.param("-171011708450001", "digits", id="minus-sign"),
        pytest.param("3171013002001234", "birth-date", id="30-february"),
        pytest.param("3171010002450001", "birth-date", id="day-zero"),
        pytest.param("3171013208450001", "birth-date", id="day-32"),
        pytest.param("3171014008450001", "birth-date", id="day-40"),
        pytest.param("3171017208450001", "birth-date", id="day-72"),
        pytest.param("3171011713450001", "birth-date", id="month-13"),
        pytest.param("9971011708450001", "region", id="province-99"),
        pytest.param("0071011708450001", "region", id="province-00"),
    ],
)
def test_implausible_nik(nik: str, reason: str) -> None:
    assert values.check_nik(nik) == reason


def test_check_nik_of_a_non_string() -> None:
    assert values.check_nik(3171011708450001) == "digits"  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_check_nik_reason_is_one_of_the_known_ones(nik: str) -> None:
    assert values.check_nik(nik) in {None, "birth-date", "region"}


# -- phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("62812-3456-7890", "+6281234567890"),
        ("+62 0812 3456 7890", "+6281234567890"),
        ("(0721) 473100", "+62721473100"),
        ("(021) 555.1234", "+62215551234"),
    ],
)
def test_normalise_phone(raw: str, normal: str) -> None:
    assert values.normalise_phone(raw) == normal
    assert values.is_phone(normal)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "812345678",  # no prefix
        "08123",  # too short
        "0812345678901234",  # too long
        "+1 555 123 4567",  # another country
        "+65 8123 4567",
        "0812-3456-789O",  # a letter
        "nomor saya 0812",
        "0000000000",
    ],
)
def test_normalise_phone_rejects(raw: str) -> None:
    assert values.normalise_phone(raw) is None


def test_is_phone_only_accepts_the_normal_form() -> None:
    assert values.is_phone("+6281234567890")
    assert not values.is_phone("081234567890")
    assert not values.is_phone("+62 812 3456 7890")
    assert not values.is_phone(6281234567890)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="0123456789 -+()", max_size=20))
def test_normalised_phone_is_stable(raw: str) -> None:
    normal = values.normalise_phone(raw)
    if normal is not None:
        assert values.is_phone(normal)
        assert values.normalise_phone(normal) == normal


# -- e-mail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["nama@contoh.id", "budi.santoso+loket@bandarlampungkota.go.id", "A_B@Mail.CO.ID", "x@y.io"],
)
def test_is_email(address: str) -> None:
    assert values.is_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "nama",
        "nama@",
        "@contoh.id",
        "nama@contoh",  # no dot in the domain
        "nama@@contoh.id",
        "na ma@contoh.id",
        "nama@contoh..id",
        "nama@-contoh.id",
        "a" * 250 + "@contoh.id",  # longer than 254
        None,
    ],
)
def test_is_not_email(address: str | None) -> None:
    assert not values.is_email(address)


# -- dates and date bounds --------------------------------------------------------------------------


def test_today_is_the_date_in_western_indonesia() -> None:
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
    assert values.today() in {now.date(), (now - dt.timedelta(minutes=1)).date()}


@pytest.mark.parametrize(
    ("bound", "expected"),
    [
        ("2024-05-17", dt.date(2024, 5, 17)),
        ("today", dt.date(2024, 1, 31)),
        ("today+0", dt.date(2024, 1, 31)),
        ("today+1", dt.date(2024, 2, 1)),
        ("today+30d", dt.date(2024, 3, 1)),
        ("today-31d", dt.date(2023, 12, 31)),
        ("today+1m", dt.date(2024, 2, 29)),  # month end: 31 January + 1 month in a leap year
        ("today+13m", dt.date(2025, 2, 28)),
        ("today-1m", dt.date(2023, 12, 31)),
        ("today-2m", dt.date(2023, 11, 30)),
        ("today+2m", dt.date(2024, 3, 31)),
        ("today-17y", dt.date(2007, 1, 31)),
        ("today+1y", dt.date(2025, 1, 31)),
    ],
)
def test_resolve_date_bound(bound: str, expected: dt.date) -> None:
    assert values.resolve_date_bound(bound, dt.date(2024, 1, 31)) == expected


def test_resolve_date_bound_from_29_february() -> None:
    leap_day = dt.date(2024, 2, 29)
    assert values.resolve_date_bound("today-1y", leap_day) == dt.date(2023, 2, 28)
    assert values.resolve_date_bound("today+4y", leap_day) == dt.date(2028, 2, 29)
    assert values.resolve_date_bound("today+1m", dt.date(2023, 1, 31)) == dt.date(2023, 2, 28)


def test_resolve_date_bound_defaults_to_today() -> None:
    today = values.today()
    assert values.resolve_date_bound("today") == today
    assert values.resolve_date_bound("today+1d") == today + dt.timedelta(days=1)


@pytest.mark.parametrize(
    "bound",
    ["", "kemarin", "2024-02-30", "2024-13-01", "24-01-01", "01-01-2024", "today+", "today+1w",
     "today + 1d", "Today", "today-99999y", "today+99999m"],
)  # fmt: skip
def test_malformed_or_impossible_date_bound(bound: str) -> None:
    assert values.resolve_date_bound(bound, dt.date(2024, 1, 31)) is None
    if bound not in {"today-99999y", "today+99999m"}:
        assert not values.is_date_bound(bound)


def test_is_date_bound() -> None:
    assert values.is_date_bound("today-17y")
    assert values.is_date_bound("1990-08-17")
    assert not values.is_date_bound(17)
    assert not values.is_date_bound(None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        ("2024-2-29", None),
        ("29-02-2024", None),
        ("2024-02-29T00:00", None),
        (" 2024-02-29", None),
    ],
)
def test_parse_iso_date(text: str, expected: dt.date | None) -> None:
    assert values.parse_iso_date(text) == expected
