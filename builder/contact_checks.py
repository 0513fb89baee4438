"""Checks on the service's contact data and on texts that are only white space."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from builder import values
from builder.model import Definition, iter_texts
from builder.pointers import join
from builder.problems import Problem, problem

# Short service numbers (112, call centres such as 1500-xxx) are not +62 numbers but are valid.
_SHORT_NUMBER = re.compile(r"^1[0-9]{2,6}$")
_PHONE_SEPARATORS = re.compile(r"\s*(?:/|,|;|\batau\b|\bor\b)\s*")
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def is_contact_phone(text: str) -> bool:
    """One or more phone numbers (separated by '/', ',', ';' or 'atau') a citizen can dial."""
    for part in _PHONE_SEPARATORS.split(text.strip()):
        digits = re.sub(r"[\s().-]", "", part)
        if not (values.normalise_phone(part) or _SHORT_NUMBER.match(digits)):
            return False
    return True


def is_website(text: str) -> bool:
    """An http(s) address with a host name, without spaces."""
    if text != text.strip() or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme in {"https", "http"} and bool(_HOST.match(host)) and not parts.username


def check_contact(definition: Definition) -> list[Problem]:
    """The contact e-mail, phone and website of the service standard are usable."""
    standard = definition.get("standard")
    contact = standard.get("contact") if isinstance(standard, Mapping) else None
    if not isinstance(contact, Mapping):
        return []
    found: list[Problem] = []
    here = "/standard/contact"
    email = contact.get("email")
    if isinstance(email, str) and not values.is_email(email):
        found.append(problem("bad-contact-email", join(here, "email"), value=email))
    phone = contact.get("phone")
    if isinstance(phone, str) and not is_contact_phone(phone):
        found.append(problem("bad-contact-phone", join(here, "phone"), value=phone))
    website = contact.get("website")
    if isinstance(website, str) and not is_website(website):
        found.append(problem("bad-contact-website", join(here, "website"), value=website))
    return found


def _blank(text: Any) -> bool:
    return isinstance(text, str) and bool(text) and not text.strip()


# Texts the studio gives a new item until the designer writes the real one (builder.edit).
TEMPLATE_TEXTS = frozenset({"Pertanyaan baru", "New question"})


def check_template_texts(definition: Definition) -> list[Problem]:
    """Placeholder texts of the editor left as they were: they may not go live."""
    found: list[Problem] = []
    for text, pointer in iter_texts(definition):
        parts = text.values() if isinstance(text, Mapping) else [text]
        for value in parts:
            if isinstance(value, str) and value.strip() in TEMPLATE_TEXTS:
                found.append(problem("template-text", pointer, text=value.strip()))
                break
    return found


def check_blank_texts(definition: Definition) -> list[Problem]:
    """Texts that hold only spaces or line breaks: they look filled in but say nothing.

    A language map whose Indonesian text is blank is reported as `missing-indonesian` instead.
    """
    found: list[Problem] = []
    for text, pointer in iter_texts(definition):
        if _blank(text):
            found.append(problem("blank-text", pointer))
        elif isinstance(text, Mapping):
            for lang, value in text.items():
                if lang != "id" and _blank(value):
                    found.append(problem("blank-text", join(pointer, lang)))
    return found
