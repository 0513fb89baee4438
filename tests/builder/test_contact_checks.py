"""Contact data of the service standard: numbers people can dial, addresses that work."""

from __future__ import annotations

from typing import Any

import pytest
from builder_testing import mutate

from builder.contact_checks import is_contact_phone, is_website
from builder.validate import validate


@pytest.mark.parametrize(
    "text",
    [
        "(0721) 470280",
        "0812-3456-7890",
        "+62 21 1234567",
        "112",
        "1500 117",
        "(0721) 470280 / 0812 3456 7890",
        "021-1234567 atau 08123456789",
    ],
)
def test_phone_numbers_people_can_dial(text: str) -> None:
    assert is_contact_phone(text)


@pytest.mark.parametrize(
    "text", ["telepon kantor", "12", "0721", "+1 555 123 4567", "(0721) 470280 / ", "   "]
)
def test_not_phone_numbers(text: str) -> None:
    assert not is_contact_phone(text)


@pytest.mark.parametrize(
    "text", ["https://kota.go.id", "https://kota.go.id/layanan?x=1#a", "http://dinas.kota.go.id"]
)
def test_websites(text: str) -> None:
    assert is_website(text)


@pytest.mark.parametrize(
    "text",
    [
        "www.kota.go.id",
        "javascript:alert(1)",
        "https://",
        "https://localhost",
        "https://kota go.id",
        " https://kota.go.id",
        "ftp://kota.go.id",
        "https://user@kota.go.id",
        "https://[::1",
    ],
)
def test_not_websites(text: str) -> None:
    assert not is_website(text)


def test_a_good_contact_has_no_problems(valid_definition: dict[str, Any]) -> None:
    mutate(
        valid_definition,
        "/standard/contact",
        {
            "phone": "(0721) 470280",
            "email": "layanan@kota.go.id",
            "website": "https://kota.go.id/layanan",
        },
    )
    assert validate(valid_definition) == []


def test_every_bad_contact_item_is_reported(valid_definition: dict[str, Any]) -> None:
    mutate(
        valid_definition,
        "/standard/contact",
        {"phone": "---", "email": "layanan@kota", "website": "kota.go.id"},
    )
    problems = validate(valid_definition)
    assert [(p.pointer, p.code) for p in problems] == [
        ("/standard/contact/email", "bad-contact-email"),
        ("/standard/contact/phone", "bad-contact-phone"),
        ("/standard/contact/website", "bad-contact-website"),
    ]
    assert problems[0].text("id") == "'layanan@kota' bukan alamat email yang sah."
    assert all(p.hint_text("en") for p in problems)


def test_a_language_map_with_a_blank_indonesian_text_is_missing_indonesian(
    valid_definition: dict[str, Any],
) -> None:
    mutate(valid_definition, "/title/id", "  ")
    assert [(p.pointer, p.code) for p in validate(valid_definition)] == [
        ("/title", "missing-indonesian")
    ]
