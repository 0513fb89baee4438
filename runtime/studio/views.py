"""What the studio's templates show: edit forms as lists of inputs, problems next to their items,
the condition builder, the citizen preview and the workflow picture. Plain Python, no HTTP.

Items of the editor are named by the JSON pointers the validator uses, so a problem (or a
reviewer's comment) is shown at the deepest item whose pointer is a prefix of its own.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from builder import edit
from builder.compiler import CompiledService, PagePlan
from builder.fields import ALLOWED_FILE_TYPES, REGISTRY
from builder.form_checks import OFFICER_REFUSED
from builder.model import iter_fields, iter_officer_fields, officer_fields, sources
from builder.pointers import join
from builder.texts import localise
from runtime.deps import bounded_int
from runtime.forms import FieldView, field_views
from runtime.studio import flow as studio_flow
from runtime.studio.documents import item_pointers as document_pointers
from runtime.studio.flow import exit_pointers
from runtime.studio.rules import item_pointers as rule_pointers

# -- labels of the edit inputs -------------------------------------------------------------------

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Judul", "Title"),
    "summary": ("Ringkasan", "Summary"),
    "kind": ("Jenis layanan", "Kind of service"),
    "requirements": ("Persyaratan, satu per baris", "Requirements, one per line"),
    "procedure": ("Prosedur, satu langkah per baris", "Procedure, one step per line"),
    "legal_basis": ("Dasar hukum", "Legal basis"),
    "duration_days": ("Jangka waktu (hari kerja)", "Time to complete (working days)"),
    "cost": ("Biaya", "Cost"),
    "output": ("Produk layanan", "Output"),
    "complaints": ("Penanganan pengaduan", "Complaints"),
    "contact.office": ("Kantor", "Office"),
    "contact.address": ("Alamat", "Address"),
    "contact.phone": ("Telepon", "Phone"),
    "contact.email": ("Email", "Email"),
    "contact.website": ("Situs web", "Website"),
    "contact.hours": ("Jam layanan", "Opening hours"),
    "purpose": ("Tujuan penggunaan data", "Purpose of the data"),
    "retention_days": ("Lama penyimpanan (hari)", "Retention (days)"),
    "recipients": ("Penerima data, satu per baris", "Recipients, one per line"),
    "id": ("Id (huruf kecil, angka, _)", "Id (lower-case letters, digits, _)"),
    "description": ("Keterangan", "Description"),
    "key": ("Kunci (huruf kecil, angka, _)", "Key (lower-case letters, digits, _)"),
    "label": ("Label", "Label"),
    "help": ("Bantuan", "Help text"),
    "required": ("Wajib diisi", "Required"),
    "required_choice": ("Wajib diisi?", "Required?"),
    "option_rows": ("Pilihan jawaban", "Answer options"),
    "sensitive": ("Data pribadi spesifik", "Sensitive personal data"),
    "applicant_sees": ("Terlihat oleh pemohon", "Shown to the applicant"),
    "follows_later": (
        "Boleh menyusul: dikirim nanti lewat aksi pemohon (jangan wajibkan)",
        "May follow later: sent later by an applicant action (do not make it required)",
    ),
    "min_length": ("Panjang minimum (karakter)", "Minimum length (characters)"),
    "max_length": ("Panjang maksimum (karakter)", "Maximum length (characters)"),
    "pattern": ("Pola (regular expression)", "Pattern (regular expression)"),
    "placeholder": ("Contoh di dalam kotak", "Placeholder"),
    "rows": ("Tinggi kotak (baris)", "Box height (lines)"),
    "min": ("Minimum", "Minimum"),
    "max": ("Maksimum", "Maximum"),
    "integer": ("Hanya bilangan bulat", "Whole numbers only"),
    "unit": ("Satuan", "Unit"),
    "options": ("Pilihan: satu per baris, nilai|label", "Options: one per line, value|label"),
    "display": ("Tampilan", "Display"),
    "min_items": ("Jumlah minimum", "Minimum count"),
    "max_items": ("Jumlah maksimum", "Maximum count"),
    "accept": ("Jenis berkas", "File types"),
    "max_mb": ("Ukuran maksimum (MB)", "Maximum size (MB)"),
    "within": (
        "Hanya di dalam wilayah (kode Kemendagri, mis. 18.71 = Kota Bandar Lampung)",
        "Only inside the area (Kemendagri code, e.g. 18.71 = Kota Bandar Lampung)",
    ),
    "level": ("Dipilih sampai tingkat", "Chosen down to"),
    "item_label": ("Nama tiap butir", "Name of each item"),
    "text": ("Teks", "Text"),
    "style": ("Gaya", "Style"),
    "public_label": ("Label untuk warga", "Label for citizens"),
    "sla_days": ("Batas waktu (hari kerja)", "Time limit (working days)"),
    "final": ("Status akhir", "Final outcome"),
    "applicant_edits": ("Pemohon memperbaiki", "Applicant corrects"),
}
RULE_LABELS: dict[str, tuple[str, str]] = {
    "required": ("belum diisi", "not answered"),
    "invalid": ("bentuknya salah", "in the wrong form"),
    "min": ("di bawah minimum", "below the minimum"),
    "max": ("di atas maksimum", "above the maximum"),
    "min_length": ("terlalu pendek", "too short"),
    "max_length": ("terlalu panjang", "too long"),
    "pattern": ("tidak sesuai pola", "not matching the pattern"),
    "min_items": ("terlalu sedikit", "too few"),
    "max_items": ("terlalu banyak", "too many"),
}
CHOICES: dict[str, list[tuple[str, tuple[str, str]]]] = {
    "display": [
        ("", ("Bawaan", "Default")),
        ("auto", ("Otomatis", "Automatic")),
        ("radio", ("Tombol bulat", "Radio buttons")),
        ("select", ("Daftar tarik-turun", "Drop-down list")),
    ],
    "level": [
        ("", ("Bawaan (kelurahan/desa)", "Default (village)")),
        ("province", ("Provinsi", "Province")),
        ("regency", ("Kabupaten/kota", "Regency/city")),
        ("district", ("Kecamatan", "District (kecamatan)")),
        ("village", ("Kelurahan/desa", "Village (kelurahan/desa)")),
    ],
    "kind": [
        ("", ("Permohonan (bawaan)", "Application (default)")),
        ("pengaduan", ("Pengaduan (aduan)", "Complaint")),
        ("pendaftaran", ("Pendaftaran", "Registration")),
        ("permintaan_informasi", ("Permintaan informasi publik", "Request for information")),
    ],
    "style": [
        ("", ("Bawaan (informasi)", "Default (information)")),
        ("info", ("Informasi", "Information")),
        ("warning", ("Peringatan", "Warning")),
    ],
}
_LONG = {"summary", "description", "help", "text", "purpose", "complaints", "address"}
_LONG |= {"legal_basis"}
LISTS = frozenset({"requirements", "procedure", "legal_basis", "recipients"})
PRIVACY_LISTS = frozenset({"recipients"})
_FLAGS = {"required", "sensitive", "integer", "applicant_sees", "follows_later"}
_NUMBERS = {"duration_days", "retention_days", "min_length", "max_length", "rows", "min_items"}
_NUMBERS |= {"max_items", "max_mb"}

TEXT_NAMES = ("title.id", "title.en", "summary.id", "summary.en", "kind")
STANDARD_NAMES = (
    *(f"{k}.{lang}" for k in ("requirements", "procedure", "legal_basis") for lang in ("id", "en")),
    "duration_days",
    *(f"{k}.{lang}" for k in ("cost", "output", "complaints") for lang in ("id", "en")),
    *(f"contact.{k}.{lang}" for k in ("office", "address") for lang in ("id", "en")),
    "contact.phone",
    "contact.email",
    "contact.website",
    "contact.hours.id",
    "contact.hours.en",
)
PRIVACY_NAMES = (
    "purpose.id",
    "purpose.en",
    "legal_basis.id",
    "legal_basis.en",
    "retention_days",
    "recipients.id",
    "recipients.en",
)
PAGE_NAMES = ("id", "title.id", "title.en", "description.id", "description.en")


@dataclass(frozen=True)
class Input:
    """One input of an edit form."""

    name: str
    label: str
    kind: str  # text, number, textarea, checkbox, select, checks
    value: Any
    choices: tuple[tuple[str, str], ...] = ()


def _lookup(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, Mapping) else None
    return obj


def _label(name: str, lang: str) -> str:
    base, _, language = name.rpartition(".") if "." in name else (name, "", "")
    if language not in ("id", "en"):
        base, language = name, ""
    pick = 1 if lang == "en" else 0
    if base.startswith("messages."):
        rule = RULE_LABELS.get(base.split(".", 1)[1], (base, base))[pick]
        text = f"Pesan bila {rule}" if lang != "en" else f"Message when {rule}"
    else:
        text = LABELS.get(base, (base, base))[pick]
    if language:
        text += " (Bahasa Indonesia)" if language == "id" else " (English)"
    return text


def make_input(
    obj: Mapping[str, Any], name: str, lang: str, *, lists: frozenset[str] = LISTS
) -> Input:
    """The input for one flat name of `builder.edit`, filled from `obj` (`lists`: text lists)."""
    base, _, language = name.rpartition(".") if "." in name else (name, "", "")
    label = _label(name, lang)
    if language in ("id", "en"):
        value = _lookup(obj, base)
        last = base.rsplit(".", 1)[-1]
        if last in lists:
            text = edit.texts_parts(value)[0 if language == "id" else 1]
            return Input(name, label, "textarea", text)
        text = edit.text_parts(value)[0 if language == "id" else 1]
        return Input(name, label, "textarea" if last in _LONG else "text", text)
    value = _lookup(obj, name)
    if name == "required":
        pick = 1 if lang == "en" else 0
        choices = tuple((v, texts[pick]) for v, texts in REQUIRED_CHOICES)
        return Input(
            name, _label("required_choice", lang), "radios", "ya" if value else "tidak", choices
        )
    if name in _FLAGS:
        return Input(name, label, "checkbox", bool(value))
    if name == "options":
        rows = [
            (str(o.get("value", "")), *edit.text_parts(o.get("label")))
            for o in (value if isinstance(value, list) else [])
            if isinstance(o, Mapping)
        ]
        return Input(
            name, _label("option_rows", lang), "options", [*rows, ("", "", ""), ("", "", "")]
        )
    if name == "accept":
        choices = tuple((kind, FILE_TYPE_NAMES.get(kind, kind)) for kind in ALLOWED_FILE_TYPES)
        return Input(name, label, "checks", list(value or []), choices)
    if name in CHOICES:
        pick = 1 if lang == "en" else 0
        choices = tuple((v, texts[pick]) for v, texts in CHOICES[name])
        return Input(name, label, "select", str(value or ""), choices)
    kind = "number" if name in _NUMBERS else "text"
    return Input(name, label, kind, "" if value is None else str(value))


REQUIRED_CHOICES = (
    ("ya", ("Wajib diisi", "Required")),
    (
        "tidak",
        ("Tidak wajib: boleh dikosongkan (bawaan)", "Not required: may be left empty (default)"),
    ),
)
FILE_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/heic": "HEIC (foto iPhone)",
}
# date bounds offered in words: (code, Indonesian, English)
DATE_BOUNDS = (
    ("today", "hari ini", "today"),
    ("today-1d", "kemarin", "yesterday"),
    ("today+1d", "besok", "tomorrow"),
    ("today+30d", "30 hari dari hari ini", "30 days from today"),
    ("today-30d", "30 hari lalu", "30 days ago"),
    ("today+1y", "setahun dari hari ini", "a year from today"),
    ("today-17y", "17 tahun lalu (umur 17)", "17 years ago (aged 17)"),
    ("today-100y", "100 tahun lalu", "100 years ago"),
)


def date_bound_words(code: str, lang: str) -> str:
    """A date bound's code in words, when it is one of the offered ones ('' otherwise)."""
    for value, id_text, en_text in DATE_BOUNDS:
        if value == code:
            return en_text if lang == "en" else id_text
    return ""


def inputs(
    obj: Mapping[str, Any], names: Iterable[str], lang: str, *, lists: frozenset[str] = LISTS
) -> list[Input]:
    """The inputs for flat names, filled from `obj`."""
    return [make_input(obj, name, lang, lists=lists) for name in names]


def field_inputs(
    spec: Mapping[str, Any], lang: str, *, officer: bool = False, in_group: bool = False
) -> list[Input]:
    """The edit form of one field, by its type (an officer field on a transition: with
    `applicant_sees`; a file of the form outside a group: with `follows_later`)."""
    names = edit.field_properties(str(spec.get("type")), officer=officer, in_group=in_group)
    made = inputs(spec, names, lang)
    if spec.get("type") == "date":
        pick = 2 if lang == "en" else 1
        bounds = tuple((b[0], b[pick]) for b in DATE_BOUNDS)
        made = [
            (
                Input(i.name, i.label, "text", json.dumps(spec[i.name], ensure_ascii=False))
                if isinstance(spec.get(i.name), Mapping)  # a limit on another answer or a day
                else Input(i.name, i.label, "date_bound", i.value, bounds)
            )
            if i.name in {"min", "max"}
            else i
            for i in made
        ]
    return made


def form_values(names: Iterable[str], getlist: Any) -> dict[str, str]:
    """The flat values of an edit form; absent names (unticked boxes) are empty."""
    return {name: "\n".join(str(v) for v in getlist(name)) for name in names}


# -- problems and comments next to their items ---------------------------------------------------


class Pointed(Protocol):
    """Anything located in a definition (a builder Problem, a reviewer's comment)."""

    @property
    def pointer(self) -> str | None: ...


P = TypeVar("P", bound=Pointed)


def anchor(pointer: str) -> str:
    """The HTML id of the editor item at `pointer`."""
    return "s" + pointer.replace("~1", "_").replace("~0", "_").replace("/", "-")


def item_pointers(definition: Mapping[str, Any]) -> list[str]:
    """Pointers of every item the editor shows with its own problem list."""
    found = ["/title", "/summary", "/standard", "/privacy", "/roles", "/workflow"]
    form = definition.get("form")
    pages = form.get("pages") if isinstance(form, Mapping) else None
    for index, page in enumerate(pages if isinstance(pages, list) else []):
        if isinstance(page, Mapping):
            found.append(join("/form/pages", index))
    found.extend(ref.pointer for ref in _safe_fields(definition))
    found.extend(exit_pointers(definition))
    roles = definition.get("roles")
    found.extend(join("/roles", r) for r in (roles if isinstance(roles, Mapping) else {}))
    workflow = definition.get("workflow")
    workflow = workflow if isinstance(workflow, Mapping) else {}
    states = workflow.get("states")
    for name, state in (states if isinstance(states, Mapping) else {}).items():
        if isinstance(state, Mapping):
            found.append(join("/workflow/states", name))
    transitions = workflow.get("transitions")
    for index, move in enumerate(transitions if isinstance(transitions, list) else []):
        if isinstance(move, Mapping):
            found.append(join("/workflow/transitions", index))
            found.extend(
                join("/workflow/transitions", index, "fields", position)
                for position, _ in enumerate(officer_fields(move))
            )
            if studio_flow.shows_applicant_action(definition, move):
                found.extend(
                    join("/workflow/transitions", index, key)
                    for key in ("applicant_fields", "confirm")
                )
    found.extend(document_pointers(definition))
    found.extend(rule_pointers(definition))  # rules, computed values, shared option lists
    return found


def _safe_officer_fields(definition: Mapping[str, Any]) -> list[Any]:
    try:
        return [
            r
            for r in iter_officer_fields(definition)
            if REGISTRY.get(r.type, REGISTRY["notice"]).has_value
        ]
    except (AttributeError, TypeError):
        return []


def _safe_fields(definition: Mapping[str, Any]) -> list[Any]:
    try:
        return list(iter_fields(definition))
    except (AttributeError, TypeError):
        return []  # a structure too broken to walk: its problems are listed at the top


def place(items: Sequence[P], pointers: Iterable[str]) -> tuple[dict[str, list[P]], list[P]]:
    """Sort items to the deepest shown pointer that contains theirs; the rest go to the top."""
    known = sorted(set(pointers), key=len, reverse=True)
    placed: dict[str, list[P]] = {}
    rest: list[P] = []
    for item in items:
        where = item.pointer or ""
        target = next((p for p in known if where == p or where.startswith(p + "/")), None)
        if target is None:
            rest.append(item)
        else:
            placed.setdefault(target, []).append(item)
    return placed, rest


def problem_links(items: Sequence[P], pointers: Iterable[str]) -> list[tuple[P, str]]:
    """Each item with the pointer of the editor item it concerns ('' when none is shown)."""
    known = sorted(set(pointers), key=len, reverse=True)
    linked: list[tuple[P, str]] = []
    for item in items:
        where = item.pointer or ""
        target = next((p for p in known if where == p or where.startswith(p + "/")), "")
        linked.append((item, "/title" if target == "/summary" else target))
    return linked


# -- pages and fields ----------------------------------------------------------------------------


@dataclass
class FieldItem:
    """A field of the editor with its place and its group's children."""

    pointer: str
    spec: Mapping[str, Any]
    in_group: bool
    children: list[FieldItem] = field(default_factory=list)
    officer: bool = False  # an officer field of a transition

    @property
    def key(self) -> str:
        """The field's key."""
        return str(self.spec.get("key", ""))

    @property
    def type(self) -> str:
        """The field's type."""
        return str(self.spec.get("type", ""))

    def title(self, lang: str) -> str:
        """What the designer reads in the list: the label (or a notice's text)."""
        text = localise(self.spec.get("label") or self.spec.get("text"), lang)
        return text[:80] or self.key


def field_items(page: Mapping[str, Any], pointer: str) -> list[FieldItem]:
    """The fields of a page, groups with their children."""
    result = []
    for index, spec in enumerate(page.get("fields") or []):
        if not isinstance(spec, Mapping):
            continue
        here = join(pointer, "fields", index)
        item = FieldItem(here, spec, False)
        if spec.get("type") == "group":
            for child_index, child in enumerate(spec.get("fields") or []):
                if isinstance(child, Mapping):
                    item.children.append(FieldItem(join(here, "fields", child_index), child, True))
        result.append(item)
    return result


def officer_items(transition: Mapping[str, Any], pointer: str) -> list[FieldItem]:
    """The officer fields of a transition."""
    return [
        FieldItem(join(pointer, "fields", index), spec, False, officer=True)
        for index, spec in enumerate(transition.get("fields") or [])
        if isinstance(spec, Mapping)
    ]


def type_choices(
    lang: str, *, in_group: bool = False, officer: bool = False
) -> list[tuple[str, str]]:
    """The field types a designer can choose, with their titles (in a group, or for officers)."""
    return [
        (name, kind.title.get(lang) or kind.title["id"])
        for name, kind in REGISTRY.items()
        if (kind.allowed_in_group or not in_group) and not (officer and name in OFFICER_REFUSED)
    ]


# -- the condition builder -----------------------------------------------------------------------

OPERATOR_LABELS: dict[str, tuple[str, str]] = {
    "equals": ("sama dengan", "equals"),
    "not_equals": ("tidak sama dengan", "does not equal"),
    "in": ("salah satu dari", "is one of"),
    "contains": ("mencentang", "includes"),
    "gt": ("lebih dari", "greater than"),
    "gte": ("paling sedikit", "at least"),
    "lt": ("kurang dari", "less than"),
    "lte": ("paling banyak", "at most"),
    "filled": ("sudah diisi", "is answered"),
    "empty": ("belum diisi", "is not answered"),
}
_ORDER = tuple(OPERATOR_LABELS)


@dataclass
class ConditionWidget:
    """The drop-downs of a condition on the item at `owner`."""

    owner: str
    candidates: list[tuple[str, str]]  # (key, label)
    field: str
    operator: str
    value: Any
    operators: list[tuple[str, str]]
    value_kind: str  # text, number, date, options, yesno, none
    options: list[tuple[str, str]]
    compound: str  # a condition the drop-downs cannot show, as text
    # a test of a repeatable group's items: the group, some / every / none, the choices of the
    # first drop-down that choose a group (`group:<key>`), and the group's own fields
    group: str = ""
    quantifier: str = ""
    quantifiers: Sequence[tuple[str, str]] = ()
    groups: Sequence[tuple[str, str]] = ()
    inner: Sequence[tuple[str, str]] = ()


def operators_for(kind: str) -> list[str]:
    """Operators of a field type in a fixed order; `filled` offered as answered / not answered."""
    allowed = set(REGISTRY[kind].operators) if kind in REGISTRY else set()
    if "filled" in allowed:
        allowed.add("empty")
    return [op for op in _ORDER if op in allowed]


def _candidates(definition: Mapping[str, Any], owner: str) -> list[Any]:
    refs = [
        r for r in _safe_fields(definition) if REGISTRY.get(r.type, REGISTRY["notice"]).has_value
    ]
    parts = owner.strip("/").split("/")
    if parts[:2] == ["form", "exits"]:  # an exit of the form reads any field of the form
        return [r for r in refs if r.group is None]
    if owner.startswith("/workflow/") and len(parts) == 5:  # an officer field
        same = [
            r
            for r in _safe_officer_fields(definition)
            if r.transition == int(parts[2]) and r.pointer != owner
        ]
        return [r for r in refs if r.group is None] + same
    if owner.startswith("/workflow/"):
        return [r for r in refs if r.group is None]
    page = (bounded_int(parts[2]) if len(parts) > 2 else None) or 0
    if len(parts) == 3:  # a page looks at earlier pages only
        return [r for r in refs if r.group is None and r.page_index < page]
    own = next((r for r in refs if r.pointer == owner), None)
    if len(parts) == 7:  # a field in a group looks at its siblings
        siblings = owner.rsplit("/", 1)[0] + "/"
        return [r for r in refs if r.pointer.startswith(siblings) and r.pointer != owner]
    return [
        r
        for r in refs
        if r.group is None and r.page_index <= page and (own is None or r.pointer != owner)
    ]


def condition_widget(
    definition: Mapping[str, Any],
    owner: str,
    condition: Any,
    lang: str,
    *,
    chosen: str | None = None,
    operator: str | None = None,
    quantifier: str | None = None,
    inner: str | None = None,
) -> ConditionWidget:
    """The condition builder for an item, showing its condition or the designer's choice; a
    group chosen (`group:<key>`) asks some / every / none and a test on one of its fields."""
    refs = _candidates(definition, owner)
    test = studio_flow.group_test(condition)
    picked = studio_flow.group_key(chosen) if chosen is not None else (test[0] if test else "")
    if not picked:
        made = _leaf_widget(definition, owner, refs, condition, lang, chosen, operator)
    else:
        children = [r for r in _safe_fields(definition) if r.group == picked]
        own = test if test and test[0] == picked else None
        made = _leaf_widget(
            definition, owner, children, own[2] if own else None, lang, inner, operator
        )
        made.inner, made.candidates = (
            made.candidates,
            _leaf_widget(definition, owner, refs, None, lang, "", None).candidates,
        )
        made.group = picked
        made.quantifier = quantifier or (own[1] if own else "some")
        made.compound = "" if own else made.compound
    made.groups = studio_flow.group_options(refs, lang)
    made.quantifiers = studio_flow.quantifier_choices(lang)
    return made


def _leaf_widget(
    definition: Mapping[str, Any],
    owner: str,
    refs: list[Any],
    condition: Any,
    lang: str,
    chosen: str | None,
    operator: str | None,
) -> ConditionWidget:
    """The drop-downs of a test on one field among `refs`."""
    leaf = isinstance(condition, Mapping) and "field" in condition and len(condition) == 2
    current_field, current_op, value = "", "", None
    if leaf:
        current_field = str(condition["field"])
        current_op = next(k for k in condition if k != "field")
        value = condition[current_op]
        if current_op == "filled":
            current_op = "filled" if value else "empty"
    compound = "" if leaf or not condition else _describe(condition)
    key = current_field if chosen is None else chosen
    every = [r for r in _safe_fields(definition) if r.key == key and r.pointer != owner]
    target = next((r for r in refs if r.key == key), every[0] if every else None)
    if target is not None and target not in refs:
        refs.append(target)  # a condition the validator objects to is still shown as it is
    pick = 1 if lang == "en" else 0
    ops = operators_for(target.type) if target else []
    op = operator if operator is not None else current_op
    if ops and op not in ops:
        op = ops[0]
    kind, options = "none", []
    if target is not None:
        kind = {"number": "number", "date": "date", "yesno": "yesno"}.get(target.type, "text")
        if target.type in {"choice", "multichoice"}:
            kind = "options"
            options = [
                (str(o.get("value")), localise(o.get("label"), lang))
                for o in target.spec.get("options") or []
                if isinstance(o, Mapping)
            ]
    if key != current_field:
        value = None
    return ConditionWidget(
        owner,
        [(r.key, f"{localise(r.spec.get('label'), lang)[:60]} ({r.key})") for r in refs],
        key if target else "",
        op if target else "",
        value,
        [(o, OPERATOR_LABELS[o][pick]) for o in ops],
        kind,
        options,
        compound,
    )


def _describe(condition: Any) -> str:
    """A condition as compact text (for conditions made of all / any / not)."""
    if not isinstance(condition, Mapping):
        return str(condition)
    for key in ("all", "any"):
        if key in condition and isinstance(condition[key], list):
            return f"{key}(" + ", ".join(_describe(c) for c in condition[key]) + ")"
    if "not" in condition:
        return f"not({_describe(condition['not'])})"
    if "group" in condition:
        quantifier = next((k for k in condition if k != "group"), "?")
        return f"{quantifier}({condition['group']}: {_describe(condition.get(quantifier))})"
    op = next((k for k in condition if k != "field"), "?")
    return f"{condition.get('field')} {op} {condition.get(op)!r}"


def condition_request(form_op: str, raw_value: str) -> tuple[str, str]:
    """The (operator, value) to store for what the designer chose (`empty` is `filled: false`)."""
    if form_op == "empty":
        return "filled", "false"
    if form_op == "filled":
        return "filled", "true"
    return form_op, raw_value


# -- the citizen preview -------------------------------------------------------------------------


def preview_fields(compiled: CompiledService, page: PagePlan, lang: str) -> list[FieldView]:
    """A page's fields as the citizen first sees them, declarations included, all unanswered."""
    views = field_views(compiled, page, {}, [], lang)
    declarations = [
        FieldView(plan, plan.key, f"f-{plan.key}", None, None, lang)
        for plan in page.fields
        if plan.type == "declaration" and not plan.condition
    ]
    return views + declarations


# -- the workflow picture ------------------------------------------------------------------------

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 170, 46, 150, 56, 16


@dataclass
class Box:
    """A state in the picture."""

    name: str
    label: str
    x: int
    y: int
    kind: str  # initial, final-approved, final-rejected, final-withdrawn, edit, plain


@dataclass
class Arrow:
    """A transition (from one of its states) in the picture."""

    path: str
    label: str
    lx: int
    ly: int


@dataclass
class Diagram:
    """States as boxes and transitions as labelled arrows, laid out in columns by distance."""

    width: int
    height: int
    boxes: list[Box]
    arrows: list[Arrow]


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def workflow_diagram(definition: Mapping[str, Any], lang: str) -> Diagram:
    """Lay the workflow out: a state's column is its distance from the initial state."""
    workflow = definition.get("workflow")
    workflow = workflow if isinstance(workflow, Mapping) else {}
    states = workflow.get("states")
    states = states if isinstance(states, Mapping) else {}
    states = {k: v for k, v in states.items() if isinstance(v, Mapping)}
    listed = workflow.get("transitions")
    moves = [t for t in listed if isinstance(t, Mapping)] if isinstance(listed, list) else []
    column: dict[str, int] = {}
    initial = workflow.get("initial")
    queue: deque[str] = deque()
    if isinstance(initial, str) and initial in states:
        column[str(initial)] = 0
        queue.append(str(initial))
    while queue:
        here = queue.popleft()
        for move in moves:
            target = move.get("to")
            if (
                isinstance(target, str)
                and target in states
                and target not in column
                and (here in sources(move))
            ):
                column[str(target)] = column[here] + 1
                queue.append(str(target))
    last = max(column.values(), default=-1)
    rows: dict[int, int] = {}
    boxes: dict[str, Box] = {}
    for name, spec in states.items():
        col = column.setdefault(name, last + 1)
        row = rows.get(col, 0)
        rows[col] = row + 1
        final = spec.get("final")
        kind = "initial" if name == initial else "plain"
        if spec.get("applicant_edits"):
            kind = "edit"
        if final in edit.FINAL_OUTCOMES:
            kind = f"final-{final}"
        x, y = MARGIN + col * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y)
        boxes[name] = Box(name, _short(localise(spec.get("label"), lang) or name), x, y, kind)
    arrows: list[Arrow] = []
    seen: dict[tuple[str, str], int] = {}
    bottom = max((b.y + BOX_H for b in boxes.values()), default=0)
    low = bottom
    for move in moves:
        label = _short(localise(move.get("label"), lang) or str(move.get("action", "")), 22)
        for origin in sources(move):
            a, b = boxes.get(origin), boxes.get(str(move.get("to")))
            if a is None or b is None:
                continue
            count = seen.get((a.name, b.name), 0)
            seen[(a.name, b.name)] = count + 1
            arrow, deepest = _arrow(a, b, label, count, bottom)
            low = max(low, deepest)
            arrows.append(arrow)
    width = MARGIN * 2 + (max(column.values(), default=0) + 1) * (BOX_W + GAP_X) - GAP_X
    return Diagram(width, low + MARGIN + 10, list(boxes.values()), arrows)


def _arrow(a: Box, b: Box, label: str, count: int, bottom: int) -> tuple[Arrow, int]:
    """A curved arrow: forward right-to-left edges bulge up, backward ones bulge down."""
    half_w, half_h = BOX_W // 2, BOX_H // 2
    if a.name == b.name:
        x, y = a.x + half_w, a.y
        path = f"M{x - 20},{y} C{x - 30},{y - 34} {x + 30},{y - 34} {x + 20},{y}"
        return Arrow(path, label, x, y - 30), a.y + BOX_H
    if a.x == b.x and abs(a.y - b.y) == BOX_H + GAP_Y:  # neighbours in a column
        shift = 14 if b.y > a.y else -14
        x1 = a.x + half_w + shift
        y1, y2 = (a.y + BOX_H, b.y) if b.y > a.y else (a.y, b.y + BOX_H)
        cx, cy = x1 + shift + 8 * count * (1 if shift > 0 else -1), (y1 + y2) // 2
        x2 = x1
    elif a.x == b.x:  # further apart in a column: around the right-hand side
        x1 = x2 = a.x + BOX_W
        y1, y2 = a.y + half_h, b.y + half_h
        cx, cy = x1 + 50 + 16 * count, (y1 + y2) // 2
    elif b.x > a.x:
        x1, y1, x2, y2 = a.x + BOX_W, a.y + half_h - 6, b.x, b.y + half_h - 6
        cx, cy = (x1 + x2) // 2, (y1 + y2) // 2 - 16 - 18 * count
    else:
        x1, y1, x2, y2 = a.x, a.y + half_h + 6, b.x + BOX_W, b.y + half_h + 6
        cx, cy = (x1 + x2) // 2, (y1 + y2) // 2 + 16 + 18 * count
    lx, ly = (x1 + 2 * cx + x2) // 4, (y1 + 2 * cy + y2) // 4
    low = max(ly + 8, y1, y2, bottom)
    return Arrow(f"M{x1},{y1} Q{cx},{cy} {x2},{y2}", label, lx, ly + 4), low


def as_list(value: Any) -> list[str]:
    """A name or a list of names (a transition's `from` or `roles`) as a list of strings."""
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def transition_rows(definition: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """The arrows of the picture as table rows (from, action, to, roles), for reading."""
    workflow = definition.get("workflow")
    workflow = workflow if isinstance(workflow, Mapping) else {}
    states = workflow.get("states") if isinstance(workflow.get("states"), Mapping) else {}

    def name(state: Any) -> str:
        spec = states.get(state) if isinstance(states, Mapping) else None
        label = localise(spec.get("label"), lang) if isinstance(spec, Mapping) else ""
        return label or str(state)

    rows = []
    listed = workflow.get("transitions")
    for move in listed if isinstance(listed, list) else []:
        if not isinstance(move, Mapping):
            continue
        roles = move.get("roles")
        rows.append(
            {
                "from": ", ".join(name(s) for s in sources(move)),
                "action": localise(move.get("label"), lang) or str(move.get("action", "")),
                "to": name(move.get("to")),
                "roles": ", ".join(str(r) for r in roles) if isinstance(roles, list) else "",
            }
        )
    return rows
