"""Messages to the applicant: which answers are their contact, and the texts of each case event.

A definition's `notifications` names the top-level fields holding the applicant's e-mail
address and mobile number and the yes/no (or declaration) field where they agree to be
contacted on them; `messages` may replace the default text of an event. This module is pure:
it picks the channels a case's answers allow and fills a message from plain values. The
runtime (`runtime.notify.case_messages`) supplies the values and queues the result.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.texts import LANGUAGES, Message, localise, msg
from builder.values import is_email, normalise_phone

EVENTS = ("received", "sent_back", "decided", "withdrawn")
PHONE_CHANNELS = ("whatsapp", "sms")
DEFAULT_PHONE_CHANNEL = "whatsapp"

# The placeholders each event's text may use.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "received": ("reference", "status_link", "service"),
    "sent_back": ("reference", "status_link", "service", "note"),
    "decided": ("reference", "status_link", "service", "outcome", "note", "document_link"),
    "withdrawn": ("reference", "status_link", "service"),
}
ALL_PLACEHOLDERS = ("reference", "status_link", "service", "note", "outcome", "document_link")

# Messages a citizen asks for themselves (not case events; a definition cannot replace them):
# a lost status link sent again, and a link that resumes a draft on another device.
REQUESTED = ("link", "resume")
PLACEHOLDERS["link"] = ("reference", "status_link", "service")
PLACEHOLDERS["resume"] = ("service", "resume_link", "expires")

# What the citizen sends, by the definition's `kind` (its schema enum): the word the default
# messages use ("Aduan LKT-… diterima" for a complaint). The runtime's pages use the same.
KIND_NOUNS: dict[str, Message] = {
    "permohonan": msg("permohonan", "application"),
    "pengaduan": msg("aduan", "complaint"),
    "pendaftaran": msg("pendaftaran", "registration"),
    "permintaan_informasi": msg("permintaan informasi", "request"),
}
DEFAULT_KIND = "permohonan"


def kind_of(definition: Mapping[str, Any] | None) -> str:
    """The definition's kind (`permohonan` when it names none, or one this version lacks)."""
    kind = str((definition or {}).get("kind") or DEFAULT_KIND)
    return kind if kind in KIND_NOUNS else DEFAULT_KIND


def kind_noun(definition: Mapping[str, Any] | None, lang: str) -> str:
    """What the citizen sends, in lower case: "aduan" / "complaint" for a complaint."""
    noun = KIND_NOUNS[kind_of(definition)]
    return noun.get(lang) or noun["id"]


def _defaults(noun: Message) -> tuple[dict[str, Message], dict[str, Message]]:
    """The default bodies and e-mail subjects of each message, for one kind's noun."""
    n_id, n_en = noun["id"], noun["en"]
    the_id, the_en = n_id[0].upper() + n_id[1:], n_en[0].upper() + n_en[1:]
    bodies = {
        "received": msg(
            f"{the_id} {{reference}} diterima. Pantau statusnya: {{status_link}}",
            f"{the_en} {{reference}} received. Follow its status: {{status_link}}",
        ),
        "sent_back": msg(
            f"{the_id} {{reference}} perlu perbaikan: {{note}} {{status_link}}",
            f"{the_en} {{reference}} needs a fix: {{note}} {{status_link}}",
        ),
        "decided": msg(
            f"{the_id} {{reference}} selesai: {{outcome}}. Lihat: {{document_link}}",
            f"{the_en} {{reference}} decided: {{outcome}}. See: {{document_link}}",
        ),
        "withdrawn": msg(
            f"{the_id} {{reference}} telah ditarik kembali. Status: {{status_link}}",
            f"{the_en} {{reference}} was withdrawn. Status: {{status_link}}",
        ),
        "link": msg(
            f"Tautan status {n_id} {{reference}}: {{status_link}}",
            f"Status link of {n_en} {{reference}}: {{status_link}}",
        ),
        "resume": msg(
            "Lanjutkan {service}: {resume_link} (berlaku s.d. {expires})",
            "Continue {service}: {resume_link} (valid until {expires})",
        ),
    }
    subjects = {
        "received": msg(
            f"{{service}}: {n_id} {{reference}} diterima", "{service}: {reference} received"
        ),
        "sent_back": msg(
            f"{{service}}: {n_id} {{reference}} perlu perbaikan",
            "{service}: {reference} needs a fix",
        ),
        "decided": msg(
            f"{{service}}: {n_id} {{reference}} selesai", "{service}: {reference} decided"
        ),
        "withdrawn": msg(
            f"{{service}}: {n_id} {{reference}} ditarik kembali",
            "{service}: {reference} withdrawn",
        ),
        "link": msg("{service}: tautan status {reference}", "{service}: status link {reference}"),
        "resume": msg(f"{{service}}: lanjutkan {n_id}", f"{{service}}: continue your {n_en}"),
    }
    return bodies, subjects


# Short enough for one SMS with typical values (a test checks every example): a request for
# information is "permintaan" there ("permintaan informasi" would not fit a decision's text).
_MESSAGE_NOUNS = {**KIND_NOUNS, "permintaan_informasi": msg("permintaan", "request")}
KIND_DEFAULTS = {kind: _defaults(noun) for kind, noun in _MESSAGE_NOUNS.items()}
DEFAULTS, SUBJECTS = KIND_DEFAULTS[DEFAULT_KIND]  # an application's

# What the SMS length check fills a text with: a reference, a status link on a short city
# domain (its secret is 22 characters), a short officer's note. `service` and `outcome` come
# from the definition itself (its title; its longest approved or rejected state's label).
TYPICAL_LINK = "https://loket.kota.go.id/status/LKT-7K3M9-QXP4C/" + "x" * 22
TYPICAL: dict[str, str] = {
    "reference": "LKT-7K3M9-QXP4C",
    "status_link": TYPICAL_LINK,
    "document_link": TYPICAL_LINK,
    "note": "Foto KTP buram, mohon unggah ulang.",
}

# GSM 03.38: the basic alphabet (one unit each) and the extension table (two units each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
SMS_LIMITS = {"gsm7": 160, "ucs2": 70}

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_]+$")
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Notifications:
    """A definition's `notifications`: contact fields, consent, phone channel, overrides."""

    email: str | None
    phone: str | None
    consent: str
    phone_channel: str
    messages: Mapping[str, Any]


def notifications(definition: Mapping[str, Any]) -> Notifications | None:
    """The definition's notifications, or None when it sends none."""
    spec = definition.get("notifications")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("consent"), str):
        return None
    email, phone = spec.get("email"), spec.get("phone")
    overrides = spec.get("messages")
    return Notifications(
        email if isinstance(email, str) else None,
        phone if isinstance(phone, str) else None,
        spec["consent"],
        str(spec.get("phone_channel") or DEFAULT_PHONE_CHANNEL),
        overrides if isinstance(overrides, Mapping) else {},
    )


def channels(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(channel, recipient) for each contact the applicant gave and agreed to be reached on."""
    spec = notifications(definition)
    if spec is None or answers.get(spec.consent) is not True:
        return []
    found: list[tuple[str, str]] = []
    email = answers.get(spec.email) if spec.email else None
    if isinstance(email, str) and email:
        found.append(("email", email))
    phone = answers.get(spec.phone) if spec.phone else None
    if isinstance(phone, str) and phone:
        found.append((spec.phone_channel, phone))
    return found


def typed_contact(text: str) -> tuple[str, str] | None:
    """What a citizen typed as their contact: ("email", address) or ("phone", +62…), or None.

    An address is compared lower-cased (the form stores it so); a number in its normal form.
    """
    text = text.strip()
    if "@" in text:
        address = text.lower()
        return ("email", address) if is_email(address) else None
    phone = normalise_phone(text)
    return ("phone", phone) if phone else None


def matching_channel(
    definition: Mapping[str, Any], answers: Mapping[str, Any], typed: tuple[str, str] | None
) -> tuple[str, str] | None:
    """(channel, recipient) when a typed contact is the e-mail or phone the answers hold.

    Consent is not needed: the citizen asks for this message. Both contacts are compared,
    in constant time, whatever matches, so the time taken says nothing about the answers.
    """
    spec = notifications(definition)
    kind, value = typed if typed is not None else ("", "")
    email = answers.get(spec.email) if spec is not None and spec.email else None
    phone = answers.get(spec.phone) if spec is not None and spec.phone else None
    stored_email = email.strip().lower() if isinstance(email, str) else ""
    stored_phone = (normalise_phone(phone) or "") if isinstance(phone, str) else ""
    same_email = hmac.compare_digest(value.encode(), stored_email.encode())
    same_phone = hmac.compare_digest(value.encode(), stored_phone.encode())
    if spec is None or not value:
        return None
    if kind == "email" and stored_email and same_email:
        return "email", stored_email
    if kind == "phone" and stored_phone and same_phone:
        return spec.phone_channel, stored_phone
    return None


def phone_channel(definition: Mapping[str, Any]) -> str:
    """The channel a definition sends to phones on (WhatsApp when it does not say)."""
    spec = notifications(definition)
    return spec.phone_channel if spec is not None else DEFAULT_PHONE_CHANNEL


@dataclass(frozen=True)
class Token:
    """A placeholder in a message text, or a misplaced brace (`name` None)."""

    name: str | None
    start: int
    text: str


def placeholders(template: str) -> list[Token]:
    """The placeholders of a text in order; `{{` and `}}` are literal braces."""
    found = []
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token in {"{{", "}}"}:
            continue
        name = match.group(1)
        ok = name is not None and _NAME.match(name) is not None
        found.append(Token(name if ok else None, match.start(), token))
    return found


def template(definition: Mapping[str, Any], event: str, lang: str) -> str:
    """The text of an event's message in `lang`: the definition's own, or the default."""
    spec = notifications(definition)
    own = spec.messages.get(event) if spec is not None and event in EVENTS else None
    if own is not None:
        return localise(own, lang)
    default = KIND_DEFAULTS[kind_of(definition)][0][event]
    return default.get(lang) or default["id"]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` with its value ('' when absent); `{{`/`}}` become braces."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in {"{{", "}}"}:
            return token[0]
        name = match.group(1)
        if name is None or not _NAME.match(name):
            return token  # not a placeholder (the builder reports it): kept as written
        return values.get(name, "")

    return _TOKEN.sub(one, text)


def render(
    definition: Mapping[str, Any], event: str, lang: str, values: Mapping[str, str]
) -> tuple[str, str]:
    """(subject, body) of an event's message in `lang`, filled with `values`.

    `service` defaults to the service's title; placeholders the event does not know stay empty.
    """
    known = {"service": localise(definition.get("title"), lang), **values}
    allowed = {k: v for k, v in known.items() if k in PLACEHOLDERS[event]}
    body = _SPACES.sub(" ", fill(template(definition, event, lang), allowed)).strip()
    subjects = KIND_DEFAULTS[kind_of(definition)][1]
    subject = fill(subjects[event].get(lang) or subjects[event]["id"], allowed)
    return subject, body


def sms_units(text: str) -> tuple[int, int]:
    """(length, limit) of a text in one SMS: GSM-7 units of 160, or UTF-16 units of 70."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        return sum(2 if c in _GSM_EXTENDED else 1 for c in text), SMS_LIMITS["gsm7"]
    return len(text.encode("utf-16-le")) // 2, SMS_LIMITS["ucs2"]


def typical_values(definition: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Values to judge a text's length by: typical links and note, the definition's own
    title and its longest final-state label."""
    states = definition.get("workflow", {}).get("states", {})
    labels = [
        localise(info.get("public_label") or info.get("label"), lang)
        for info in states.values()
        if isinstance(info, Mapping) and info.get("final") in {"approved", "rejected"}
    ]
    return {**TYPICAL, "outcome": max(labels, key=len, default="Disetujui")} | {
        "service": localise(definition.get("title"), lang)
    }


def typical_length(definition: Mapping[str, Any], event: str, lang: str) -> tuple[int, int]:
    """(length, limit) in one SMS of an event's message filled with typical values."""
    _, body = render(definition, event, lang, typical_values(definition, lang))
    return sms_units(body)


__all__ = [
    "ALL_PLACEHOLDERS",
    "DEFAULTS",
    "EVENTS",
    "KIND_NOUNS",
    "LANGUAGES",
    "PLACEHOLDERS",
    "REQUESTED",
    "Notifications",
    "channels",
    "kind_noun",
    "kind_of",
    "matching_channel",
    "notifications",
    "phone_channel",
    "placeholders",
    "render",
    "sms_units",
    "template",
    "typed_contact",
    "typical_length",
]
