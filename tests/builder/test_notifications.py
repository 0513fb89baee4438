"""`notifications`: the builder's checks (with pointers) and the filling of message texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builder_testing import problems_of

from builder import messages
from builder.problems import CODES
from builder.validate import validate

N = "/notifications"
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "schemas" / "examples").glob("*.json"))
LINK = "https://loket.example.go.id/status/LKT-7K3M9-QXP4C/rahasia"


def _set(definition: dict[str, Any], **spec: Any) -> dict[str, Any]:
    """Give the definition a notifications block; a None value leaves that key out."""
    block = {"email": "email", "phone": "telepon", "consent": "setuju", **spec}
    definition["notifications"] = {k: v for k, v in block.items() if v is not None}
    return definition


def test_a_sound_notifications_block_is_valid(valid_definition: dict[str, Any]) -> None:
    assert problems_of(_set(valid_definition)) == []
    assert problems_of(_set(valid_definition, consent="punya_tanggungan", email=None)) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"email": "emial"}, [(N + "/email", "notification-unknown-field")]),
        ({"phone": "nama_tanggungan"}, [(N + "/phone", "notification-field-in-group")]),
        ({"phone": "email"}, [(N + "/phone", "notification-wrong-type")]),
        ({"email": "telepon"}, [(N + "/email", "notification-wrong-type")]),
        ({"consent": "nama"}, [(N + "/consent", "notification-wrong-type")]),
        ({"consent": "tidak_ada"}, [(N + "/consent", "notification-unknown-field")]),
        ({"email": None, "phone": None}, [(N, "notification-no-contact")]),
        (
            {"messages": {"received": "Nomor {refrence}: {status_link}"}},
            [(N + "/messages/received", "notification-unknown-placeholder")],
        ),
        (
            {"messages": {"received": {"id": "Nomor {reference}", "en": "No {note}"}}},
            [(N + "/messages/received/en", "notification-unknown-placeholder")],
        ),
        (
            {"messages": {"withdrawn": "Ditarik {reference"}},
            [(N + "/messages/withdrawn", "notification-bad-placeholder")],
        ),
        (
            {"messages": {"withdrawn": "Ditarik {Reference}"}},
            [(N + "/messages/withdrawn", "notification-bad-placeholder")],
        ),
        ({"messages": {"diterima": "Halo"}}, [(N + "/messages/diterima", "unknown-key")]),
        ({"phone_channel": "telegram"}, [(N + "/phone_channel", "bad-value")]),
        ({"consent": None}, [(N + "/consent", "missing-key")]),
    ],
)
def test_checks_point_at_the_mistake(
    valid_definition: dict[str, Any], spec: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    problems = validate(_set(valid_definition, **spec))
    assert [(p.pointer, p.code) for p in problems] == expected
    for found in problems:
        assert found.hint is not None and set(found.hint) == {"id", "en"}, found.code


def test_hints_name_what_can_be_used(valid_definition: dict[str, Any]) -> None:
    (found,) = validate(_set(valid_definition, email="emial"))
    assert "'email'" in (found.hint_text("en") or "")
    problems = validate(_set(valid_definition, messages={"sent_back": "{refrence}"}))
    assert "{note}" in (problems[0].hint_text("id") or "")
    assert "'reference'" in (problems[0].hint_text("en") or "")


def test_a_text_without_indonesian_is_reported(valid_definition: dict[str, Any]) -> None:
    problems = validate(_set(valid_definition, messages={"received": {"en": "Received"}}))
    assert (N + "/messages/received", "missing-indonesian") in [
        (p.pointer, p.code) for p in problems
    ]


def test_a_long_sms_is_a_warning(valid_definition: dict[str, Any]) -> None:
    long = "Permohonan {reference} sudah kami terima dengan baik. " * 3 + "{status_link}"
    problems = validate(_set(valid_definition, phone_channel="sms", messages={"received": long}))
    assert [(p.pointer, p.code, p.severity) for p in problems] == [
        (N + "/messages/received", "notification-sms-too-long", "warning")
    ]
    assert "160" in problems[0].text("en")
    # the same text on WhatsApp is fine
    assert problems_of(_set(valid_definition, phone_channel="whatsapp")) == []
    # a letter outside GSM-7 makes it UCS-2: 70 characters
    short = "Diterima 🙂 {reference} {status_link}"
    problems = validate(_set(valid_definition, phone_channel="sms", messages={"received": short}))
    assert [(p.code, p.params["limit"]) for p in problems] == [("notification-sms-too-long", 70)]


def test_a_long_english_sms_points_at_its_language(valid_definition: dict[str, Any]) -> None:
    text = {"id": "Diterima {reference}", "en": "x" * 150 + " {reference}"}
    problems = validate(_set(valid_definition, phone_channel="sms", messages={"received": text}))
    assert [(p.pointer, p.code) for p in problems] == [
        (N + "/messages/received/en", "notification-sms-too-long")
    ]


def test_the_defaults_fit_one_sms_for_every_example() -> None:
    for path in EXAMPLES:
        definition = json.loads(path.read_text(encoding="utf-8"))
        for event in messages.EVENTS:
            for lang in ("id", "en"):
                length, limit = messages.typical_length(definition, event, lang)
                assert length <= limit == 160, (path.stem, event, lang, length)


def test_sms_units_count_gsm7_and_ucs2() -> None:
    assert messages.sms_units("Halo") == (4, 160)
    assert messages.sms_units("a{b}") == (6, 160)  # braces take two units in GSM-7
    assert messages.sms_units("Ya ✓") == (4, 70)
    assert messages.sms_units("🙂") == (2, 70)


def test_filling_a_message_in_both_languages(valid_definition: dict[str, Any]) -> None:
    values = {"reference": "LKT-7K3M9-QXP4C", "status_link": LINK, "note": "KTP buram."}
    subject, body = messages.render(valid_definition, "sent_back", "id", values)
    assert body == f"Permohonan LKT-7K3M9-QXP4C perlu perbaikan: KTP buram. {LINK}"
    assert subject == "Surat uji: permohonan LKT-7K3M9-QXP4C perlu perbaikan"
    subject, body = messages.render(valid_definition, "sent_back", "en", values)
    assert body == f"Application LKT-7K3M9-QXP4C needs a fix: KTP buram. {LINK}"
    assert subject == "Test letter: LKT-7K3M9-QXP4C needs a fix"


def test_an_override_replaces_the_default(valid_definition: dict[str, Any]) -> None:
    text = {"id": "{service} {{{reference}}} selesai: {outcome}", "en": "{service}: {outcome}"}
    _set(valid_definition, messages={"decided": text})
    values = {"reference": "R-1", "outcome": "Disetujui", "status_link": LINK}
    assert messages.render(valid_definition, "decided", "id", values)[1] == (
        "Surat uji {R-1} selesai: Disetujui"
    )
    assert messages.render(valid_definition, "decided", "en", values)[1] == "Test letter: Disetujui"
    # an Indonesian-only override is sent in Indonesian to everyone
    _set(valid_definition, messages={"decided": "Selesai {reference}"})
    assert messages.render(valid_definition, "decided", "en", values)[1] == "Selesai R-1"


def test_filling_never_reads_attributes_or_other_events_placeholders() -> None:
    values = {"reference": "R-1", "note": "CATATAN", "status_link": LINK}
    assert messages.fill("{reference}.__class__ {x.y}", values) == "R-1.__class__ {x.y}"
    # {note} is not a placeholder of 'received': it stays empty rather than leak a value
    received = {"consent": "setuju", "phone": "hp", "messages": {"received": "A {note} B"}}
    definition: dict[str, Any] = {"title": "Layanan", "notifications": received}
    assert messages.render(definition, "received", "id", values)[1] == "A B"


def test_channels_follow_consent_and_the_phone_channel(valid_definition: dict[str, Any]) -> None:
    answers = {"email": "warga@example.org", "telepon": "+6281234567890", "setuju": True}
    assert messages.channels(valid_definition, answers) == []  # no notifications block
    _set(valid_definition)
    assert messages.channels(valid_definition, answers) == [
        ("email", "warga@example.org"),
        ("whatsapp", "+6281234567890"),
    ]
    _set(valid_definition, phone_channel="sms", email=None)
    assert messages.channels(valid_definition, answers) == [("sms", "+6281234567890")]
    _set(valid_definition, consent="punya_tanggungan")
    assert messages.channels(valid_definition, {**answers, "punya_tanggungan": False}) == []
    assert messages.channels(valid_definition, {"punya_tanggungan": True}) == []


def test_every_notification_code_is_catalogued() -> None:
    codes = [c for c in CODES if c.startswith("notification-")]
    assert len(codes) == 7


@pytest.mark.parametrize(
    ("kind", "noun_id", "noun_en"),
    [
        ("pengaduan", "aduan", "complaint"),
        ("pendaftaran", "pendaftaran", "registration"),
        ("permintaan_informasi", "permintaan", "request"),
    ],
)
def test_the_default_texts_follow_the_services_kind(
    valid_definition: dict[str, Any], kind: str, noun_id: str, noun_en: str
) -> None:
    valid_definition["kind"] = kind
    values = {"reference": "R-1", "status_link": LINK, "note": "N", "outcome": "O"}
    for event in (*messages.EVENTS, *messages.REQUESTED):
        subject, body = messages.render(valid_definition, event, "id", values)
        assert "permohonan" not in f"{subject} {body}".lower(), (kind, event)
        assert noun_id in f"{subject} {body}".lower(), (kind, event, subject, body)
        subject, body = messages.render(valid_definition, event, "en", values)
        assert "application" not in f"{subject} {body}".lower(), (kind, event)
    assert messages.render(valid_definition, "sent_back", "id", values)[1].startswith(
        noun_id[0].upper() + noun_id[1:] + " R-1 perlu perbaikan"
    )
    english = messages.render(valid_definition, "received", "en", values)[1]
    assert english.startswith(noun_en[0].upper() + noun_en[1:] + " R-1 received")
    # a service's own text is kept as written
    _set(valid_definition, messages={"received": "Permohonan {reference} masuk"})
    assert messages.render(valid_definition, "received", "id", values)[1] == "Permohonan R-1 masuk"
