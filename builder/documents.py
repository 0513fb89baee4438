"""Documents of the definition language: placeholders, what they name, and rendering.

A definition's ``documents`` declares the official letters a service issues; a transition
issues them with ``issues``. A document's body is a list of paragraphs and ``{"rows": …}``
blocks whose texts hold placeholders:

* ``{key}`` – a citizen's answer or an officer's field (keys are unique across both);
* ``{case.reference}``, ``{case.filed_on}``, ``{document.number}``, ``{document.issued_on}``,
  ``{agency.name}`` (and ``parent_government``, ``city``, ``address``, ``phone``, ``email``,
  ``website``), ``{signatory.name}``, ``{signatory.position}``, ``{signatory.nip}``;
* filters after ``|``, applied left to right: ``terbilang`` (a number in Indonesian words),
  ``default:<text>`` (the text to print when the value is empty or hidden), ``upper``;
* ``{{`` and ``}}`` print a literal brace.

`render_document` fills a `RenderedDocument` from the data of one case: a pure function,
no database and no web. `builder.document_checks` holds the checks the builder runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder import values
from builder.document_model import Block, Letterhead, RenderedDocument, Rows, Signatory
from builder.fields import REGISTRY
from builder.indonesian import long_date, national_phone, terbilang, thousands
from builder.model import Definition, FieldRef, iter_fields, pages, transitions
from builder.option_lists import expand
from builder.pointers import join
from builder.texts import localise

# Names under a namespace, with the type their value has.
NAMES: dict[str, dict[str, str]] = {
    "case": {"reference": "text", "filed_on": "date"},
    "document": {"number": "text", "issued_on": "date"},
    "agency": {
        "name": "text",
        "parent_government": "text",
        "city": "text",
        "address": "text",
        "phone": "phone",
        "email": "text",
        "website": "text",
    },
    "signatory": {"name": "text", "position": "text", "nip": "text"},
}
FILTERS = ("terbilang", "default", "upper")
AUDIENCES = ("applicant", "officers")
SIGNATORIES = ("agency", "acting_officer")
# Field types whose value cannot be printed as text (a file is printed by nobody).
UNPRINTABLE = frozenset({"file", "group", "notice"})

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


@dataclass(frozen=True)
class Filter:
    """One filter of a placeholder: its name and, for ``default:``, its text."""

    name: str
    argument: str | None = None


@dataclass(frozen=True)
class Placeholder:
    """A ``{key|filter…}`` in a text, with its place (character offsets) in the text."""

    key: str
    filters: tuple[Filter, ...]
    start: int
    end: int

    @property
    def namespace(self) -> str | None:
        """``case`` for ``{case.reference}``; None for a field key."""
        return self.key.split(".", 1)[0] if "." in self.key else None

    @property
    def name(self) -> str:
        """``reference`` for ``{case.reference}``; the key itself for a field."""
        return self.key.split(".", 1)[-1]

    @property
    def default(self) -> str | None:
        """The ``default:`` text, or None when there is none."""
        for item in self.filters:
            if item.name == "default":
                return item.argument or ""
        return None


class TemplateError(ValueError):
    """A malformed text: unbalanced braces or a placeholder that cannot be read."""

    def __init__(self, detail_id: str, detail_en: str, position: int) -> None:
        super().__init__(detail_en)
        self.detail_id = detail_id
        self.detail_en = detail_en
        self.position = position


Part = str | Placeholder


def _placeholder(inner: str, start: int, end: int) -> Placeholder:
    key, *raw_filters = inner.split("|")
    key = key.strip()
    if not key:
        raise TemplateError(
            "tempat isian {} kosong; tulis nama di dalamnya, mis. {nama_lengkap}.",
            "an empty placeholder {}; write a name inside, e.g. {nama_lengkap}.",
            start,
        )
    if not _KEY.match(key):
        raise TemplateError(
            f"'{key}' bukan nama tempat isian; pakai huruf kecil, angka dan garis bawah, "
            "mis. {nama_lengkap} atau {case.reference}.",
            f"'{key}' is not a placeholder name; use lower-case letters, digits and "
            "underscores, e.g. {nama_lengkap} or {case.reference}.",
            start,
        )
    filters = []
    for raw in raw_filters:
        name, colon, argument = raw.partition(":")
        name = name.strip()
        if name == "default" and not colon:
            raise TemplateError(
                "filter default perlu teks pengganti, mis. {lingkungan|default:-}.",
                "the default filter needs a text, e.g. {lingkungan|default:-}.",
                start,
            )
        filters.append(Filter(name, argument if colon else None))
    return Placeholder(key, tuple(filters), start, end)


def parse(text: str) -> list[Part]:
    """A text as literal pieces and placeholders; raises TemplateError when it is malformed."""
    parts: list[Part] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        pair = text[index : index + 2]
        if pair in ("{{", "}}"):
            literal.append(char)
            index += 2
            continue
        if char == "}":
            raise TemplateError(
                "kurung } tanpa pasangan {; tulis }} untuk kurung kurawal biasa.",
                "a } without its {; write }} for a literal brace.",
                index,
            )
        if char == "{":
            close = text.find("}", index + 1)
            opening = text.find("{", index + 1)
            if close < 0 or 0 <= opening < close:
                raise TemplateError(
                    "kurung { tidak ditutup dengan }; tulis {{ untuk kurung kurawal biasa.",
                    "a { is not closed with }; write {{ for a literal brace.",
                    index,
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[index + 1 : close], index, close + 1))
            index = close + 1
            continue
        literal.append(char)
        index += 1
    if literal:
        parts.append("".join(literal))
    return parts


def texts(document: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, str]]:
    """Every text of a document's body that holds placeholders, with its pointer."""
    body = document.get("body", [])
    for index, block in enumerate(body if isinstance(body, list) else []):
        here = join(pointer, "body", index)
        if isinstance(block, str):
            yield block, here
        elif isinstance(block, Mapping):
            for row_index, row in enumerate(block.get("rows", [])):
                for cell_index, cell in enumerate(row):
                    if isinstance(cell, str):
                        yield cell, join(here, "rows", row_index, cell_index)


# -- what the definition declares ------------------------------------------------------------


def documents(definition: Definition) -> dict[str, Mapping[str, Any]]:
    """The definition's documents by id."""
    found = definition.get("documents", {})
    return (
        {str(k): v for k, v in found.items() if isinstance(v, Mapping)}
        if isinstance(found, Mapping)
        else {}
    )


def issuers(definition: Definition, document_id: str) -> list[int]:
    """Indexes of the transitions that issue a document."""
    return [
        index
        for index, transition in enumerate(transitions(definition))
        if document_id in (transition.get("issues") or [])
    ]


def revoke_roles(definition: Definition, document_id: str) -> list[str]:
    """Who may revoke a document: its ``revoke_roles``, else the roles of the transitions
    that issue it (the applicant never)."""
    spec = documents(definition).get(document_id, {})
    declared = spec.get("revoke_roles")
    if declared:
        return [str(r) for r in declared]
    found: dict[str, None] = {}
    for index in issuers(definition, document_id):
        for role in transitions(definition)[index].get("roles", []):
            if role != "applicant":
                found[str(role)] = None
    return list(found)


def visible_to(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Who sees a document: ``visible_to``, by default both the applicant and the officers."""
    return tuple(document.get("visible_to") or AUDIENCES)


@dataclass(frozen=True)
class OfficerField:
    """A field an officer fills in on a transition."""

    key: str
    spec: Mapping[str, Any]
    transition: int
    pointer: str

    @property
    def type(self) -> str:
        """The field's type name."""
        return str(self.spec.get("type"))


def officer_fields(definition: Definition) -> list[OfficerField]:
    """The fields of every transition (read defensively: ``fields`` may be absent)."""
    found = []
    for index, transition in enumerate(transitions(expand(definition))):
        specs = transition.get("fields", [])
        for field_index, spec in enumerate(specs if isinstance(specs, list) else []):
            if isinstance(spec, Mapping) and isinstance(spec.get("key"), str):
                pointer = join("/workflow/transitions", index, "fields", field_index)
                found.append(OfficerField(spec["key"], spec, index, pointer))
    return found


def page_conditions(definition: Definition) -> dict[str, Any]:
    """The condition of each conditional page, by page id."""
    return {str(p.get("id")): p["visible_if"] for p in pages(definition) if p.get("visible_if")}


def form_fields(definition: Definition) -> dict[str, FieldRef]:
    """The form's fields by key (group children included; the first of a duplicate key)."""
    found: dict[str, FieldRef] = {}
    for ref in iter_fields(expand(definition)):  # shared option lists as each field's options
        found.setdefault(ref.key, ref)
    return found


def known_keys(definition: Definition) -> list[str]:
    """Every name a placeholder may use: answer fields, officer fields, namespaced names."""
    keys = [
        ref.key
        for ref in form_fields(definition).values()
        if ref.group is None and ref.type not in UNPRINTABLE
    ]
    keys += [f.key for f in officer_fields(definition) if f.type not in UNPRINTABLE]
    keys += [f"{ns}.{name}" for ns, names in NAMES.items() for name in names]
    return list(dict.fromkeys(keys))


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseData:
    """What a document may print about its case."""

    reference: str
    filed_on: dt.date


def format_value(kind: str, spec: Mapping[str, Any] | None, value: Any) -> str:
    """A value as printed on a document, by its type (dates and amounts in Indonesian)."""
    if values_empty(value):
        return ""
    if kind == "date":
        day = value if isinstance(value, dt.date) else values.parse_iso_date(str(value))
        return long_date(day) if day else str(value)
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return thousands(value)
    if kind == "phone" and isinstance(value, str):
        return national_phone(value)
    if kind == "nik":
        return str(value)
    field_kind = REGISTRY.get(kind)
    if field_kind is not None and spec is not None:
        return field_kind.display(spec, value, "id")
    return str(value)


def values_empty(value: Any) -> bool:
    """True for a value that prints nothing (absent, empty text or list)."""
    return value is None or value == "" or value == [] or value == {}


def _apply(placeholder: Placeholder, kind: str, spec: Mapping[str, Any] | None, value: Any) -> str:
    empty = values_empty(value)
    text = "" if empty else format_value(kind, spec, value)
    for item in placeholder.filters:
        if item.name == "default":
            if empty:
                text = item.argument or ""
        elif item.name == "terbilang":
            if not empty and isinstance(value, int | float) and not isinstance(value, bool):
                text = terbilang(value)
        elif item.name == "upper":
            text = text.upper()
    return text


@dataclass(frozen=True)
class _Context:
    fields: Mapping[str, tuple[str, Mapping[str, Any] | None]]  # key -> (type, spec)
    answers: Mapping[str, Any]
    named: Mapping[str, tuple[str, Any]]  # "case.reference" -> (type, value)


def _fill(text: str, context: _Context) -> str:
    out = []
    for part in parse(text):
        if isinstance(part, str):
            out.append(part)
            continue
        if part.namespace is not None:
            kind, value = context.named.get(part.key, ("text", None))
            out.append(_apply(part, kind, None, value))
            continue
        kind_spec = context.fields.get(part.key)
        kind, spec = kind_spec if kind_spec else ("text", None)
        out.append(_apply(part, kind, spec, context.answers.get(part.key)))
    return "".join(out)


def signatory_for(
    document: Mapping[str, Any], agency: Mapping[str, Any], acting_officer: str = ""
) -> Signatory:
    """Who signs a document: the agency's configured signatory, or (``acting_officer``) the
    officer taking the transition under the position configured for the agency."""
    position = str(agency.get("signatory_position") or "")
    if document.get("signatory", "agency") == "acting_officer":
        return Signatory(position, acting_officer, "")
    return Signatory(
        position, str(agency.get("signatory_name") or ""), str(agency.get("signatory_nip") or "")
    )


def letterhead(agency: Mapping[str, Any]) -> Letterhead:
    """The letterhead block from an agency's configuration."""
    contact = []
    for label, key in (("Telp.", "phone"), ("Surel", "email"), ("Situs", "website")):
        text = str(agency.get(key) or "")
        if text:
            contact.append(f"{label} {national_phone(text) if key == 'phone' else text}")
    lines = [line for line in (str(agency.get("address") or ""), " · ".join(contact)) if line]
    logo = agency.get("logo")
    return Letterhead(
        parent_government=str(agency.get("parent_government") or "").upper(),
        agency_name=str(agency.get("name") or "").upper(),
        address_lines=tuple(lines),
        logo=logo if isinstance(logo, bytes) else None,
    )


def render_document(
    definition: Definition,
    document_id: str,
    *,
    answers: Mapping[str, Any],
    officer_values: Mapping[str, Any],
    case: CaseData,
    agency: Mapping[str, Any],
    number: str,
    issued_on: dt.date,
    signatory: Signatory,
    verification_url: str = "",
    footer: str = "",
) -> RenderedDocument:
    """The document `document_id` of a (valid) definition filled for one case.

    `answers` are the case's (pruned) answers, `officer_values` the officers' field values
    by key; `agency` is the agency's configuration (name, parent_government, city, address,
    phone, email, website, signatory_*, logo). Raises KeyError for an unknown document.
    """
    spec = documents(definition)[document_id]
    fields: dict[str, tuple[str, Mapping[str, Any] | None]] = {
        ref.key: (ref.type, ref.spec) for ref in form_fields(definition).values()
    }
    for officer in officer_fields(definition):
        fields.setdefault(officer.key, (officer.type, officer.spec))
    named: dict[str, tuple[str, Any]] = {
        "case.reference": ("text", case.reference),
        "case.filed_on": ("date", case.filed_on),
        "document.number": ("text", number),
        "document.issued_on": ("date", issued_on),
        "signatory.name": ("text", signatory.name),
        "signatory.position": ("text", signatory.position),
        "signatory.nip": ("text", signatory.nip),
    }
    for name, kind in NAMES["agency"].items():
        named[f"agency.{name}"] = (kind, agency.get(name))
    context = _Context(fields, {**officer_values, **answers}, named)
    body: list[Block] = []
    for block in spec.get("body", []):
        if isinstance(block, str):
            body.append(_fill(block, context))
        else:
            body.append(
                Rows(
                    tuple(
                        (_fill(label, context), _fill(value, context))
                        for label, value in block["rows"]
                    )
                )
            )
    city = str(agency.get("city") or "")
    date_text = long_date(issued_on)
    return RenderedDocument(
        letterhead=letterhead(agency),
        title=localise(spec.get("title"), "id").upper(),
        number=number,
        body=tuple(body),
        place_and_date=f"{city}, {date_text}" if city else date_text,
        signatory=signatory,
        verification_url=verification_url,
        footer=footer,
        labels={"number": "Nomor"},
    )


def all_placeholders(document: Mapping[str, Any]) -> Sequence[Placeholder]:
    """The placeholders of a well-formed document's body, in order."""
    found: list[Placeholder] = []
    for text, _ in texts(document, ""):
        found.extend(p for p in parse(text) if isinstance(p, Placeholder))
    return found
