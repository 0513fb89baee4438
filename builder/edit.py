"""Editing a definition one step at a time, for the studio: each function returns a new dict.

The studio never writes JSON by hand or by string: every form in the editor posts one edit,
which is one call here. Inputs come from HTML forms, so they are flat mappings of strings:
a text is two entries `<key>.id` and `<key>.en`, a list of texts is one line per item, a
flag is "on"/"1"/"true"/"ya" or empty. Only the keys present in a mapping are changed; an
empty value removes an optional key. Edits keep what they do not understand, and they do not
check the meaning of the result: the validator does, and the studio shows its problems next
to the items they concern. What cannot be written at all (a number that is not a number, a
field that is not there) raises `EditError` and nothing changes.

Fields are located by JSON pointer: `/form/pages/<n>/fields/<m>`, and inside a group
`/form/pages/<n>/fields/<m>/fields/<k>`; pages by `/form/pages/<n>`; transitions by
`/workflow/transitions/<n>` — the same pointers the validator reports problems with.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from builder.conditions import OPERATORS
from builder.fields import REGISTRY
from builder.form_checks import OFFICER_REFUSED
from builder.model import iter_fields, iter_officer_fields
from builder.pointers import split

Definition = dict[str, Any]
Values = Mapping[str, str]

KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FORMAT = "loket/service@1"
FINAL_OUTCOMES = ("approved", "rejected", "withdrawn")
COMMENT_MODES = ("none", "optional", "required")
_TRUE = {"on", "1", "true", "ya", "yes"}
_FALSE = {"0", "false", "tidak", "no", "off"}


class EditError(ValueError):
    """An edit that cannot be applied, with its message in both languages."""

    def __init__(self, id_text: str, en_text: str) -> None:
        super().__init__(en_text)
        self.messages = {"id": id_text, "en": en_text}

    def text(self, lang: str = "id") -> str:
        """The message in `lang`."""
        return self.messages.get(lang) or self.messages["id"]


# -- small conversions ---------------------------------------------------------------------------


def make_text(id_text: str, en_text: str = "") -> str | dict[str, str] | None:
    """A definition text from its two languages: a plain string unless English is given."""
    id_text, en_text = id_text.strip(), en_text.strip()
    if not en_text:
        return id_text or None
    return {"id": id_text, "en": en_text} if id_text else {"en": en_text}


def text_parts(value: Any) -> tuple[str, str]:
    """The (Indonesian, English) parts of a definition text, for an edit form."""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, Mapping):
        return str(value.get("id", "")), str(value.get("en", ""))
    return "", ""


def lines(text: str) -> list[str]:
    """The non-empty, stripped lines of a text area."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def make_texts(id_lines: str, en_lines: str = "") -> list[str | dict[str, str]]:
    """A list of texts from two text areas with one item per line, paired line by line."""
    ids, english = id_lines.splitlines(), en_lines.splitlines()
    result: list[str | dict[str, str]] = []
    for index in range(max(len(ids), len(english))):
        id_text = ids[index] if index < len(ids) else ""
        en_text = english[index] if index < len(english) else ""
        text = make_text(id_text, en_text)
        if text is not None:
            result.append(text)
    return result


def texts_parts(value: Any) -> tuple[str, str]:
    """A list of texts as two text areas (Indonesian lines, English lines)."""
    parts = [text_parts(item) for item in value] if isinstance(value, list) else []
    english = [en for _, en in parts]
    while english and not english[-1]:
        english.pop()
    return "\n".join(i for i, _ in parts), "\n".join(english)


def names(text: str) -> list[str]:
    """Names listed in a text, separated by commas, spaces or lines, without repeats."""
    return list(dict.fromkeys(n for n in re.split(r"[\s,]+", text) if n))


def in_order(before: Any, chosen: list[str]) -> list[str]:
    """The names `chosen` (ticked boxes, in the form's order) with those already listed in
    `before` in the author's order, the new ones after them."""
    kept = [str(n) for n in before if str(n) in chosen] if isinstance(before, list) else []
    return kept + [n for n in chosen if n not in kept]


def flag(text: str) -> bool:
    """A checkbox or yes/no value."""
    return text.strip().lower() in _TRUE


def _number(text: str, what: str, *, integer: bool = False) -> int | float | None:
    raw = text.strip().replace(" ", "")
    if not raw:
        return None
    if re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", raw):
        raw = raw.replace(".", "")  # 1.500.000 written the Indonesian way
    raw = raw.replace(",", ".")
    pattern = r"-?[0-9]{1,15}" if integer else r"-?[0-9]{1,15}(\.[0-9]{1,6})?"
    if not re.fullmatch(pattern, raw):
        kind = ("bilangan bulat", "a whole number") if integer else ("angka", "a number")
        raise EditError(f"{what}: '{text}' bukan {kind[0]}.", f"{what}: '{text}' is not {kind[1]}.")
    number = float(raw)
    return int(number) if number.is_integer() else number


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a key, or remove it when the value is empty (None, "" or [])."""
    if value is None or value == "" or value == []:
        target.pop(key, None)
    else:
        target[key] = value


def _text_into(target: dict[str, Any], key: str, values: Values, name: str | None = None) -> None:
    name = name or key
    if f"{name}.id" in values or f"{name}.en" in values:
        _set(target, key, make_text(values.get(f"{name}.id", ""), values.get(f"{name}.en", "")))


def _texts_into(target: dict[str, Any], key: str, values: Values, *, keep_empty: bool) -> None:
    if f"{key}.id" in values or f"{key}.en" in values:
        items = make_texts(values.get(f"{key}.id", ""), values.get(f"{key}.en", ""))
        if items or not keep_empty:
            _set(target, key, items)
        else:
            target[key] = []


def _int_into(target: dict[str, Any], key: str, values: Values, what: str) -> None:
    if key in values:
        _set(target, key, _number(values[key], what, integer=True))


def _check_key(name: str, what: str) -> str:
    name = name.strip()
    if not KEY.match(name):
        raise EditError(
            f"'{name}' ({what}): pakai huruf kecil, angka dan garis bawah, diawali huruf.",
            f"'{name}' ({what}): use lower-case letters, digits and underscores, starting with a letter.",
        )
    return name


def slug_key(label: str, default: str = "isian") -> str:
    """A field key or identifier derived from a label: `Nama lengkap` → `nama_lengkap`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:40].rstrip("_")
    if not key or not key[0].isalpha():
        key = f"{default}_{key}" if key else default
    return key


def _fresh(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


# -- the skeleton of a new service ---------------------------------------------------------------


def blank(service_id: str, agency: str, title: str) -> Definition:
    """A small valid service: one page with one question; submit, send back, approve or reject."""
    return {
        "format": FORMAT,
        "id": service_id,
        "agency": agency,
        "title": title.strip() or "Layanan baru",
        "summary": "Jelaskan dalam satu atau dua kalimat apa yang diberikan layanan ini.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 5, "cost": "Gratis"},
        "privacy": {"purpose": "Memproses permohonan layanan ini.", "retention_days": 730},
        "form": {
            "pages": [
                {
                    "id": "pemohon",
                    "title": "Data pemohon",
                    "fields": [
                        {"key": "nama", "type": "text", "label": "Nama lengkap", "required": True}
                    ],
                }
            ]
        },
        "roles": {"petugas": "Petugas pelayanan"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "public_label": "Sedang diperiksa", "sla_days": 5},
                "perlu_perbaikan": {"label": "Perlu perbaikan", "applicant_edits": True},
                "disetujui": {"label": "Disetujui", "final": "approved"},
                "ditolak": {"label": "Ditolak", "final": "rejected"},
            },
            "transitions": [
                {"action": "setujui", "label": "Setujui", "from": "diajukan", "to": "disetujui",
                 "roles": ["petugas"]},
                {"action": "minta_perbaikan", "label": "Kembalikan untuk diperbaiki",
                 "from": "diajukan", "to": "perlu_perbaikan", "roles": ["petugas"],
                 "comment": "required", "comment_to_applicant": True},
                {"action": "kirim_ulang", "label": "Kirim ulang", "from": "perlu_perbaikan",
                 "to": "diajukan", "roles": ["applicant"]},
                {"action": "tolak", "label": "Tolak", "from": "diajukan", "to": "ditolak",
                 "roles": ["petugas"], "comment": "required", "comment_to_applicant": True},
            ],
        },
    }  # fmt: skip


# -- service texts, standard, privacy ------------------------------------------------------------


def set_texts(definition: Definition, values: Values) -> Definition:
    """Set the service's title and summary (`title.id`, `title.en`, `summary.id`, `summary.en`)
    and its `kind` (left out when empty: an application, the default)."""
    result = copy.deepcopy(definition)
    for key in ("title", "summary"):
        _text_into(result, key, values)
    if "kind" in values:
        _set(result, "kind", values["kind"].strip())
    return result


def set_standard(definition: Definition, values: Values) -> Definition:
    """Set the service standard: lists as lines, `duration_days`, texts, `contact.*`."""
    result = copy.deepcopy(definition)
    standard = result.setdefault("standard", {})
    if not isinstance(standard, dict):
        standard = result["standard"] = {}
    _texts_into(standard, "requirements", values, keep_empty=True)
    for key in ("procedure", "legal_basis"):
        _texts_into(standard, key, values, keep_empty=False)
    _int_into(standard, "duration_days", values, "duration_days")
    for key in ("cost", "output", "complaints"):
        _text_into(standard, key, values)
    contact = standard.get("contact")
    contact = dict(contact) if isinstance(contact, Mapping) else {}
    for key in ("office", "address", "hours"):
        _text_into(contact, key, values, f"contact.{key}")
    for key in ("phone", "email", "website"):
        if f"contact.{key}" in values:
            _set(contact, key, values[f"contact.{key}"].strip())
    _set(standard, "contact", contact or None)
    return result


def set_privacy(definition: Definition, values: Values) -> Definition:
    """Set the privacy notice: `purpose`, `legal_basis`, `retention_days`, `recipients` lines."""
    result = copy.deepcopy(definition)
    privacy = result.setdefault("privacy", {})
    if not isinstance(privacy, dict):
        privacy = result["privacy"] = {}
    for key in ("purpose", "legal_basis"):
        _text_into(privacy, key, values)
    _int_into(privacy, "retention_days", values, "retention_days")
    _texts_into(privacy, "recipients", values, keep_empty=False)
    return result


# -- pages ---------------------------------------------------------------------------------------


def _pages(definition: Definition) -> list[dict[str, Any]]:
    form = definition.setdefault("form", {})
    if not isinstance(form, dict):
        form = definition["form"] = {}
    pages = form.setdefault("pages", [])
    if not isinstance(pages, list):
        pages = form["pages"] = []
    return pages


def _page_index(definition: Definition, index: int) -> int:
    if not 0 <= index < len(_pages(definition)):
        raise EditError(f"Halaman {index} tidak ada.", f"There is no page {index}.")
    return index


def _move(items: list[Any], index: int, direction: str) -> None:
    step = {"up": -1, "down": 1}.get(direction)
    if step is None:
        raise EditError(f"Arah '{direction}' tidak dikenal.", f"Unknown direction '{direction}'.")
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def add_page(definition: Definition, title: str) -> Definition:
    """Add a page at the end, with an id derived from its title (it still needs fields)."""
    result = copy.deepcopy(definition)
    pages = _pages(result)
    taken = {str(p.get("id")) for p in pages if isinstance(p, Mapping)}
    title = title.strip() or f"Halaman {len(pages) + 1}"
    pages.append({"id": _fresh(slug_key(title, "halaman"), taken), "title": title, "fields": []})
    return result


def remove_page(definition: Definition, index: int) -> Definition:
    """Remove a page with its fields."""
    result = copy.deepcopy(definition)
    del _pages(result)[_page_index(result, index)]
    return result


def move_page(definition: Definition, index: int, direction: str) -> Definition:
    """Move a page one place `up` or `down`."""
    result = copy.deepcopy(definition)
    _move(_pages(result), _page_index(result, index), direction)
    return result


def set_page(definition: Definition, index: int, values: Values) -> Definition:
    """Set a page's `id`, `title.*` and `description.*`."""
    result = copy.deepcopy(definition)
    page = _pages(result)[_page_index(result, index)]
    if "id" in values:
        page["id"] = _check_key(values["id"], "id")
    _text_into(page, "title", values)
    _text_into(page, "description", values)
    return result


# -- fields --------------------------------------------------------------------------------------


def _is_transition(pointer: str) -> bool:
    """Whether `pointer` is a transition or within one (its officer fields)."""
    return split(pointer)[:2] == ["workflow", "transitions"]


def _container(definition: Definition, pointer: str) -> list[Any]:
    """The field list of a page (`/form/pages/<n>`), of a group field, or the officer fields
    of a transition (`/workflow/transitions/<n>`)."""
    parts = split(pointer)
    if len(parts) == 3 and _is_transition(pointer):
        return _transition(definition, _int(parts[2])).setdefault("fields", [])  # type: ignore[no-any-return]
    if len(parts) < 3 or parts[:2] != ["form", "pages"] or len(parts) not in (3, 5):
        raise EditError(
            f"'{pointer}' bukan halaman atau grup.", f"'{pointer}' is no page or group."
        )
    if len(parts) == 3:
        page = _pages(definition)[_page_index(definition, _int(parts[2]))]
        return page.setdefault("fields", [])  # type: ignore[no-any-return]
    items, index = _locate(definition, pointer)
    group = items[index]
    if group.get("type") != "group":
        raise EditError(f"'{pointer}' bukan grup.", f"'{pointer}' is not a group.")
    return group.setdefault("fields", [])  # type: ignore[no-any-return]


def _int(part: str) -> int:
    if not part.isdigit():
        raise EditError(f"'{part}' bukan nomor urut.", f"'{part}' is not a position.")
    return int(part)


def _locate(definition: Definition, pointer: str) -> tuple[list[Any], int]:
    """The list holding the field at `pointer` and its index in it."""
    parts = split(pointer)
    shape_ok = len(parts) in (5, 7) and parts[:2] == ["form", "pages"] and parts[3] == "fields"
    if len(parts) == 5 and _is_transition(pointer) and parts[3] == "fields":
        shape_ok = True
    if not shape_ok or (len(parts) == 7 and parts[5] != "fields"):
        raise EditError(f"'{pointer}' bukan field.", f"'{pointer}' is not a field.")
    items = _container(definition, "/" + "/".join(parts[:-2]))
    index = _int(parts[-1])
    if index >= len(items) or not isinstance(items[index], dict):
        raise EditError(f"Field '{pointer}' tidak ada.", f"There is no field '{pointer}'.")
    return items, index


def field_at(definition: Definition, pointer: str) -> dict[str, Any]:
    """The field at `pointer` (not a copy)."""
    items, index = _locate(definition, pointer)
    field: dict[str, Any] = items[index]
    return field


def _all_keys(definition: Definition) -> set[str]:
    """Keys of the form's fields and of every transition's officer fields (all unique)."""
    return {ref.key for ref in (*iter_fields(definition), *iter_officer_fields(definition))}


def _refuse_for_officers(pointer: str, kind: str) -> None:
    if _is_transition(pointer) and kind in OFFICER_REFUSED:
        raise EditError(
            f"Field berjenis '{kind}' tidak dapat diisi petugas.",
            f"A field of type '{kind}' cannot be filled in by an officer.",
        )


_OPTIONS = [
    {"value": "pilihan_1", "label": "Pilihan 1"},
    {"value": "pilihan_2", "label": "Pilihan 2"},
]


def _defaults(kind: str, label: str, taken: set[str]) -> dict[str, Any]:
    """What a new field of `kind` starts with besides its key and type."""
    if kind == "notice":
        return {"text": label}
    extra: dict[str, Any] = {"label": label}
    if kind in {"choice", "multichoice"}:
        extra["options"] = copy.deepcopy(_OPTIONS)
    elif kind == "file":
        extra.update({"accept": ["application/pdf", "image/jpeg"], "max_mb": 2})
    elif kind == "group":
        extra["fields"] = [{"key": _fresh("nama_anggota", taken), "type": "text", "label": "Nama"}]
    return extra


def short_key(label: str, default: str = "isian") -> str:
    """A short key suggested from a label: its first three words, at most 24 characters
    (`Alamat lengkap tempat tinggal sekarang` → `alamat_lengkap_tempat`)."""
    key = slug_key(label, default)
    words = key.split("_")[:3]
    short = "_".join(words)[:24].rstrip("_")
    return short or key


def add_field(
    definition: Definition, container: str, kind: str, label: str, *, required: bool = False
) -> Definition:
    """Add a field of type `kind` at the end of a page or group, keyed after its label
    (`required`: the designer's explicit choice; not required by default)."""
    if kind not in REGISTRY:
        raise EditError(f"Jenis field '{kind}' tidak dikenal.", f"Unknown field type '{kind}'.")
    _refuse_for_officers(container, kind)
    result = copy.deepcopy(definition)
    items = _container(result, container)
    if len(split(container)) == 5 and not REGISTRY[kind].allowed_in_group:
        raise EditError(
            f"Field berjenis '{kind}' tidak dapat dipakai di dalam grup.",
            f"A field of type '{kind}' cannot be used inside a group.",
        )
    label = label.strip() or "Pertanyaan baru"
    taken = _all_keys(result)
    key = _fresh(short_key(label), taken)
    items.append({"key": key, "type": kind, **_defaults(kind, label, taken | {key})})
    if required and kind not in {"notice", "declaration"}:
        items[-1]["required"] = True
    return result


def options_from_rows(values: list[str], labels: list[str], labels_en: list[str]) -> str:
    """Options edited as rows (value, label, English label) as the text `parse_options` reads;
    rows without a label are dropped, a row without a value gets one from its label."""
    lines_ = []
    for index, label in enumerate(labels):
        label = label.replace("|", "/").strip()
        if not label:
            continue
        value = values[index].replace("|", "/").strip() if index < len(values) else ""
        english = labels_en[index].replace("|", "/").strip() if index < len(labels_en) else ""
        lines_.append(
            "|".join([value or slug_key(label, "pilihan"), label, *([english] * bool(english))])
        )
    return "\n".join(lines_)


def remove_field(definition: Definition, pointer: str) -> Definition:
    """Remove a field (a group with its fields; a transition's last officer field: its list)."""
    result = copy.deepcopy(definition)
    items, index = _locate(result, pointer)
    del items[index]
    if not items and _is_transition(pointer):
        _transition(result, _int(split(pointer)[2])).pop("fields", None)
    return result


def move_field(definition: Definition, pointer: str, direction: str) -> Definition:
    """Move a field one place `up` or `down` within its page or group."""
    result = copy.deepcopy(definition)
    items, index = _locate(result, pointer)
    _move(items, index, direction)
    return result


_COMMON = (
    "key",
    "type",
    "label",
    "help",
    "required",
    "visible_if",
    "messages",
    "sensitive",
    "applicant_sees",
)
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("min_length", "max_length", "pattern", "placeholder", "autocomplete"),
    "textarea": ("min_length", "max_length", "rows"),
    "number": ("min", "max", "integer", "unit"),
    "date": ("min", "max"),
    "time": ("min", "max"),
    "choice": ("options", "display", "min_items", "max_items"),
    "multichoice": ("options", "display", "min_items", "max_items"),
    "file": ("accept", "max_mb", "max_files", "follows_later"),
    "group": ("fields", "min_items", "max_items", "item_label"),
    "notice": ("text", "style"),
    "region": ("within", "level"),
}
MESSAGE_RULES: dict[str, tuple[str, ...]] = {
    "text": ("required", "min_length", "max_length", "pattern"),
    "textarea": ("required", "min_length", "max_length"),
    "number": ("required", "invalid", "min", "max"),
    "date": ("required", "invalid", "min", "max"),
    "time": ("required", "invalid", "min", "max"),
    "email": ("required", "invalid"),
    "phone": ("required", "invalid"),
    "nik": ("required", "invalid"),
    "choice": ("required",),
    "multichoice": ("required", "min_items", "max_items"),
    "yesno": ("required",),
    "region": ("required", "invalid"),
    "file": ("required", "invalid", "max_items"),
    "declaration": ("required",),
    "group": ("required", "min_items", "max_items"),
    "notice": (),
}


def set_field_type(definition: Definition, pointer: str, kind: str) -> Definition:
    """Change a field's type, keeping what the new type shares and adding its defaults."""
    if kind not in REGISTRY:
        raise EditError(f"Jenis field '{kind}' tidak dikenal.", f"Unknown field type '{kind}'.")
    _refuse_for_officers(pointer, kind)
    result = copy.deepcopy(definition)
    items, index = _locate(result, pointer)
    old = items[index]
    if old.get("type") == kind:
        return result
    label = str(text_parts(old.get("label") or old.get("text"))[0]) or "Pertanyaan baru"
    allowed = (*_COMMON, *_TYPE_KEYS.get(kind, ()))
    new = {k: v for k, v in old.items() if k in allowed}
    new["type"] = kind
    for key, value in _defaults(kind, label, _all_keys(result)).items():
        new.setdefault(key, value)
    if kind == "notice":
        new = {k: v for k, v in new.items() if k in ("key", "type", "label", "text", "visible_if")}
    if "messages" in new:
        rules = MESSAGE_RULES.get(kind, ())
        new["messages"] = {r: m for r, m in new["messages"].items() if r in rules}
        _set(new, "messages", new["messages"] or None)
    items[index] = new
    return result


def field_properties(
    kind: str, *, officer: bool = False, in_group: bool = False
) -> tuple[str, ...]:
    """The flat names `update_field` reads for a field of type `kind` (its edit form's inputs);
    an `officer` field (on a transition) also has `applicant_sees`, a file of the form outside
    a group `follows_later`."""
    if kind == "notice":
        return ("label.id", "label.en", "text.id", "text.en", "style")
    names_: list[str] = ["key", "label.id", "label.en", "help.id", "help.en"]
    if kind != "declaration":
        names_.append("required")
    if kind not in {"declaration", "group"}:
        names_.append("sensitive")
        if officer:
            names_.append("applicant_sees")
    names_.extend(
        {
            "text": ("min_length", "max_length", "pattern", "placeholder.id", "placeholder.en"),
            "textarea": ("min_length", "max_length", "rows"),
            "number": ("min", "max", "integer", "unit.id", "unit.en"),
            "date": ("min", "max"),
            "time": ("min", "max"),
            "choice": ("options", "display"),
            "multichoice": ("options", "min_items", "max_items"),
            "file": ("accept", "max_mb", "max_files"),
            "group": ("min_items", "max_items", "item_label.id", "item_label.en"),
            "region": ("within", "level"),
        }.get(kind, ())
    )
    if officer and kind == "file":  # an officer's file field takes one file
        names_ = [n for n in names_ if n != "max_files"]
    elif kind == "file" and not in_group:  # sent later by an applicant action (language 1.1)
        names_.append("follows_later")
    for rule in MESSAGE_RULES.get(kind, ()):
        names_.extend((f"messages.{rule}.id", f"messages.{rule}.en"))
    return tuple(names_)


def options_text(options: Any) -> str:
    """Options as lines `value|label` (`value|label|English label` when translated)."""
    rows = []
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, Mapping):
            continue
        id_text, en_text = text_parts(option.get("label"))
        rows.append(
            "|".join([str(option.get("value", "")), id_text, *([en_text] if en_text else [])])
        )
    return "\n".join(rows)


def parse_options(text: str) -> list[dict[str, Any]]:
    """Options from lines `value|label` or `value|label|English label`; a bare label gets a value."""
    result: list[dict[str, Any]] = []
    for line in lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            value = slug_key(parts[0], "pilihan")
            parts = [value, parts[0]]
        label = make_text(parts[1], parts[2] if len(parts) > 2 else "") or parts[0]
        result.append({"value": parts[0], "label": label})
    return result


def _simple(field: dict[str, Any], key: str, values: Values, convert: Callable[[str], Any]) -> None:
    if key in values:
        _set(field, key, convert(values[key]))


def date_limit(text: str, name: str) -> dict[str, Any]:
    """A date limit written as JSON: `{"field": "tanggal_mulai", "days": 30}` or
    `{"month": 7, "day": 1}` (the validator checks what it names)."""
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise EditError(
            f"'{name}' bukan batas tanggal JSON yang sah.",
            f"'{name}' is not a valid JSON date limit.",
        )
    return found


def update_field(definition: Definition, pointer: str, values: Values) -> Definition:
    """Update a field from the flat names listed by `field_properties` (present keys only)."""
    result = copy.deepcopy(definition)
    items, index = _locate(result, pointer)
    field = items[index]
    kind = str(field.get("type"))
    if "key" in values and values["key"].strip() != field.get("key"):
        new_key = _check_key(values["key"], "key")
        if new_key in _all_keys(result):
            raise EditError(
                f"Kunci '{new_key}' sudah dipakai.", f"The key '{new_key}' is already used."
            )
        field["key"] = new_key
    for key in ("label", "help", "placeholder", "unit", "item_label", "text"):
        _text_into(field, key, values)
    for key in ("required", "sensitive", "integer", "applicant_sees", "follows_later"):
        _simple(field, key, values, lambda v: True if flag(v) else None)
    for key in ("min_length", "max_length", "rows", "min_items", "max_items", "max_files"):
        _int_into(field, key, values, key)
    for key in ("min", "max"):
        if kind == "number" and key in values:
            _set(field, key, _number(values[key], key))
        elif kind == "date" and values.get(key, "").strip().startswith("{"):
            _set(field, key, date_limit(values[key], key))
        else:
            _simple(field, key, values, str.strip)
    _simple(field, "max_mb", values, lambda v: _number(v, "max_mb"))
    for key in ("pattern", "style", "display", "within", "level"):
        _simple(field, key, values, str.strip)
    if "options_from" not in field:  # a shared list is edited in the file, not here
        _simple(field, "options", values, parse_options)
    _simple(field, "accept", values, lambda v: in_order(field.get("accept"), names(v)))
    messages = dict(field.get("messages") or {})
    for rule in MESSAGE_RULES.get(kind, ()):
        _text_into(messages, rule, values, f"messages.{rule}")
    _set(field, "messages", messages or None)
    return result


# -- conditions ----------------------------------------------------------------------------------


def condition_holder(definition: Definition, pointer: str) -> tuple[dict[str, Any], str]:
    """The page, field, transition or exit at `pointer` and the key of its condition."""
    parts = split(pointer)
    if len(parts) >= 3 and parts[-2] == "exits":
        from builder.edit_flow import exit_at  # exits are edited there; it imports this module

        return exit_at(definition, pointer), "when"
    if len(parts) == 3 and parts[:2] == ["workflow", "transitions"]:
        return _transition(definition, _int(parts[2])), "guard"
    if len(parts) == 3 and parts[:2] == ["form", "pages"]:
        return _pages(definition)[_page_index(definition, _int(parts[2]))], "visible_if"
    return field_at(definition, pointer), "visible_if"


def condition_value(definition: Definition, field_key: str, operator: str, raw: str) -> Any:
    """The value of a condition on `field_key`, converted to what its type compares with."""
    everything = (*iter_fields(definition), *iter_officer_fields(definition))
    target = next((ref for ref in everything if ref.key == field_key), None)
    if target is None:
        raise EditError(f"Field '{field_key}' tidak ada.", f"There is no field '{field_key}'.")
    if operator == "filled":
        return raw.strip().lower() not in _FALSE
    if operator == "in":
        items = [item.strip() for item in re.split(r"[,\n]+", raw) if item.strip()]
        return [condition_value(definition, field_key, "equals", item) for item in items]
    if target.type == "number":
        return _number(raw, field_key)
    if target.type == "yesno":
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise EditError("Pilih ya atau tidak.", "Choose yes or no.")
        return flag(raw)
    return raw.strip()


def set_condition(
    definition: Definition, pointer: str, field_key: str, operator: str, raw: str
) -> Definition:
    """Show a field or page (or offer a transition) only when `field_key operator value` holds.

    An empty `field_key` clears the condition.
    """
    result = copy.deepcopy(definition)
    owner, key = condition_holder(result, pointer)
    if not field_key.strip():
        owner.pop(key, None)
        return result
    if operator not in OPERATORS:
        raise EditError(f"Operator '{operator}' tidak dikenal.", f"Unknown operator '{operator}'.")
    value = condition_value(result, field_key.strip(), operator, raw)
    owner[key] = {"field": field_key.strip(), operator: value}
    return result


def clear_condition(definition: Definition, pointer: str) -> Definition:
    """Remove the condition of a field, page or transition."""
    return set_condition(definition, pointer, "", "", "")


# -- roles ---------------------------------------------------------------------------------------


def _roles(definition: Definition) -> dict[str, Any]:
    roles = definition.setdefault("roles", {})
    if not isinstance(roles, dict):
        roles = definition["roles"] = {}
    return roles


def add_role(definition: Definition, name: str, label: str) -> Definition:
    """Declare a role with its label."""
    result = copy.deepcopy(definition)
    name = _check_key(name, "role")
    roles = _roles(result)
    if name in roles:
        raise EditError(f"Peran '{name}' sudah ada.", f"Role '{name}' exists.")
    roles[name] = label.strip() or name
    return result


def set_role(definition: Definition, name: str, values: Values) -> Definition:
    """Set a role's label (`label.id`, `label.en`)."""
    result = copy.deepcopy(definition)
    roles = _roles(result)
    if name not in roles:
        raise EditError(f"Peran '{name}' tidak ada.", f"There is no role '{name}'.")
    roles[name] = make_text(values.get("label.id", ""), values.get("label.en", "")) or name
    return result


def remove_role(definition: Definition, name: str) -> Definition:
    """Remove a role (transitions that still name it are reported by the validator)."""
    result = copy.deepcopy(definition)
    _roles(result).pop(name, None)
    return result


# -- states --------------------------------------------------------------------------------------


def _workflow(definition: Definition) -> dict[str, Any]:
    workflow = definition.setdefault("workflow", {})
    if not isinstance(workflow, dict):
        workflow = definition["workflow"] = {}
    return workflow


def _states(definition: Definition) -> dict[str, Any]:
    states = _workflow(definition).setdefault("states", {})
    if not isinstance(states, dict):
        states = _workflow(definition)["states"] = {}
    return states


def add_state(definition: Definition, name: str, label: str) -> Definition:
    """Add a workflow state."""
    result = copy.deepcopy(definition)
    name = _check_key(name, "state")
    states = _states(result)
    if name in states:
        raise EditError(f"Status '{name}' sudah ada.", f"State '{name}' exists.")
    states[name] = {"label": label.strip() or name}
    return result


def remove_state(definition: Definition, name: str) -> Definition:
    """Remove a state (transitions that still name it are reported by the validator)."""
    result = copy.deepcopy(definition)
    _states(result).pop(name, None)
    return result


def set_state(definition: Definition, name: str, values: Values) -> Definition:
    """Set a state's `label.*`, `public_label.*`, `sla_days`, `final`, `applicant_edits`."""
    result = copy.deepcopy(definition)
    states = _states(result)
    if not isinstance(states.get(name), dict):
        raise EditError(f"Status '{name}' tidak ada.", f"There is no state '{name}'.")
    state = states[name]
    _text_into(state, "label", values)
    _text_into(state, "public_label", values)
    _text_into(state, "description", values)
    _int_into(state, "sla_days", values, "sla_days")
    if "final" in values:
        final = values["final"].strip()
        if final and final not in FINAL_OUTCOMES:
            raise EditError(f"'{final}' bukan hasil akhir.", f"'{final}' is not an outcome.")
        _set(state, "final", final)
    _simple(state, "applicant_edits", values, lambda v: True if flag(v) else None)
    if flag(values.get("initial", "")):
        _workflow(result)["initial"] = name
    return result


# -- transitions ---------------------------------------------------------------------------------


def _transitions(definition: Definition) -> list[Any]:
    found = _workflow(definition).setdefault("transitions", [])
    if not isinstance(found, list):
        found = _workflow(definition)["transitions"] = []
    return found


def _transition(definition: Definition, index: int) -> dict[str, Any]:
    found = _transitions(definition)
    if not 0 <= index < len(found) or not isinstance(found[index], dict):
        raise EditError(f"Transisi {index} tidak ada.", f"There is no transition {index}.")
    transition: dict[str, Any] = found[index]
    return transition


def _from_value(text: str) -> str | list[str] | None:
    listed = names(text)
    return (listed[0] if len(listed) == 1 else listed) or None


def add_transition(definition: Definition, values: Values) -> Definition:
    """Add a transition from `action`, `from`, `to`, `roles` (and the keys of `set_transition`)."""
    result = copy.deepcopy(definition)
    action = _check_key(values.get("action", ""), "action")
    _transitions(result).append({"action": action, "from": "", "to": "", "roles": []})
    return set_transition(result, len(_transitions(result)) - 1, values)


def remove_transition(definition: Definition, index: int) -> Definition:
    """Remove a transition."""
    result = copy.deepcopy(definition)
    _transition(result, index)
    del _transitions(result)[index]
    return result


def set_transition(definition: Definition, index: int, values: Values) -> Definition:
    """Set a transition's `action`, `label.*`, `from`, `to`, `roles`, `comment`, and flags."""
    result = copy.deepcopy(definition)
    transition = _transition(result, index)
    if "action" in values:
        transition["action"] = _check_key(values["action"], "action")
    _text_into(transition, "label", values)
    if "from" in values:
        origin = _from_value(values["from"]) or ""
        was_list = isinstance(transition.get("from"), list)
        transition["from"] = [origin] if was_list and isinstance(origin, str) and origin else origin
    if "to" in values:
        transition["to"] = values["to"].strip()
    if "roles" in values:
        transition["roles"] = names(values["roles"])
    if "comment" in values:
        mode = values["comment"].strip()
        if mode and mode not in COMMENT_MODES:
            raise EditError(f"'{mode}' bukan pilihan komentar.", f"'{mode}' is no comment mode.")
        _set(transition, "comment", mode)
    for key in ("comment_to_applicant", "distinct_actor"):
        _simple(transition, key, values, lambda v: True if flag(v) else None)
    return result
