"""Checks of `notifications`: the contact and consent fields, and the texts of the messages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from builder import messages
from builder.model import Definition, FieldRef, iter_fields
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem
from builder.texts import LANGUAGES

HERE = "/notifications"
# the field types each role accepts
EXPECTED: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "phone": ("phone",),
    "consent": ("yesno", "declaration"),
}
_ROLE_NAMES = {
    "email": ("alamat email pemohon", "the applicant's e-mail address"),
    "phone": ("nomor HP pemohon", "the applicant's mobile number"),
    "consent": ("persetujuan dihubungi", "the consent to be contacted"),
}


def check_notifications(definition: Definition) -> list[Problem]:
    """The contact and consent fields exist at the top of the form with the right types; the
    texts use only their event's placeholders and fit one SMS where the channel is SMS."""
    spec = definition.get("notifications")
    if not isinstance(spec, Mapping):
        return []
    found: list[Problem] = []
    if not isinstance(spec.get("email"), str) and not isinstance(spec.get("phone"), str):
        found.append(problem("notification-no-contact", HERE))
    found.extend(_check_fields(definition, spec))
    overrides = spec.get("messages")
    for event, text in overrides.items() if isinstance(overrides, Mapping) else []:
        if event in messages.PLACEHOLDERS:
            found.extend(_check_text(event, text))
    if spec.get("phone_channel") == "sms" and isinstance(spec.get("phone"), str):
        found.extend(_check_sms_length(definition, spec))
    return found


def _check_fields(definition: Definition, spec: Mapping[str, Any]) -> Iterator[Problem]:
    fields: dict[str, FieldRef] = {}
    for ref in iter_fields(definition):
        fields.setdefault(ref.key, ref)
    top = [ref.key for ref in fields.values() if ref.group is None]
    for role, types in EXPECTED.items():
        key = spec.get(role)
        if not isinstance(key, str):
            continue
        pointer = join(HERE, role)
        found = fields.get(key)
        named = {"role_id": _ROLE_NAMES[role][0], "role_en": _ROLE_NAMES[role][1]}
        if found is None:
            candidates = [k for k in top if fields[k].type in types] or top
            yield problem(
                "notification-unknown-field",
                pointer,
                value=key,
                allowed=", ".join(candidates) or "-",
                **named,
                **did_you_mean(key, candidates),
            )
        elif found.group is not None:
            yield problem(
                "notification-field-in-group", pointer, value=key, group=found.group, **named
            )
        elif found.type not in types:
            yield problem(
                "notification-wrong-type",
                pointer,
                value=key,
                type=found.type,
                expected=" / ".join(types),
                **named,
            )


def _texts(text: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(text, str):
        yield text, pointer
    elif isinstance(text, Mapping):
        for lang, value in text.items():
            if isinstance(value, str):
                yield value, join(pointer, lang)


def _check_text(event: str, text: Any) -> Iterator[Problem]:
    allowed = messages.PLACEHOLDERS[event]
    for value, pointer in _texts(text, join(HERE, "messages", event)):
        for token in messages.placeholders(value):
            if token.name is None:
                yield problem("notification-bad-placeholder", pointer, value=token.text)
            elif token.name not in allowed:
                yield problem(
                    "notification-unknown-placeholder",
                    pointer,
                    value=token.name,
                    event=event,
                    allowed=", ".join("{" + name + "}" for name in allowed),
                    **did_you_mean(token.name, allowed),
                )


def _check_sms_length(definition: Definition, spec: Mapping[str, Any]) -> Iterator[Problem]:
    overrides = spec.get("messages")
    own = overrides if isinstance(overrides, Mapping) else {}
    for event in messages.EVENTS:
        text = own.get(event)
        if any(
            t.name is None for value, _ in _texts(text, "") for t in messages.placeholders(value)
        ):
            continue  # reported as a bad placeholder
        # a missing translation falls back to the Indonesian text: judged once
        langs = [lang for lang in LANGUAGES if lang in text] if isinstance(text, Mapping) else []
        for lang in langs or (LANGUAGES if text is None else ("id",)):
            length, limit = messages.typical_length(definition, event, lang)
            if length > limit:
                if text is None:
                    pointer = join(HERE, "phone_channel")
                elif isinstance(text, Mapping):
                    pointer = join(HERE, "messages", event, lang)
                else:
                    pointer = join(HERE, "messages", event)
                yield problem(
                    "notification-sms-too-long",
                    pointer,
                    event=event,
                    lang=lang,
                    length=length,
                    limit=limit,
                    encoding="GSM-7" if limit == messages.SMS_LIMITS["gsm7"] else "UCS-2",
                )
