"""What the studio's sections for form rules, computed values and shared option lists show, and
the edits their forms post: one editor item per rule, computed value and list with its form's
values, the choices of its drop-downs, and where an edit leads. Plain Python, no HTTP (the
studio's routes and templates read it; the edits themselves are `builder.edit_rules`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from builder import computed, edit, rename, rules
from builder import edit_rules as er
from builder.model import iter_fields
from builder.pointers import join
from builder.texts import localise
from runtime.deps import bounded_int

RULES = "/form/rules"
COMPUTED = "/form/computed"
LISTS = "/option_lists"

RULE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "compare": ("Bandingkan dua nilai", "Compare two values"),
    "days_apart": ("Selisih hari paling lama", "At most some days apart"),
    "count_equals": ("Banyak butir kelompok sama dengan", "A group has that many items"),
    "exactly_one": ("Tepat satu butir kelompok memenuhi syarat", "Exactly one item meets a test"),
    "unique": ("Tidak ada butir kelompok yang sama", "No two items share a value"),
}
COMPUTED_KIND_LABELS: dict[str, tuple[str, str]] = {
    "age": ("Umur (dari tanggal lahir atau NIK)", "Age (from a birth date or a NIK)"),
    "days_between": ("Jumlah hari antara dua tanggal", "Days between two dates"),
    "count": ("Banyak butir kelompok", "Number of items of a group"),
    "sum": ("Jumlah isian angka dalam kelompok", "Sum of a number field over a group"),
    "add": ("Tambah (+)", "Add (+)"),
    "subtract": ("Kurang (−)", "Subtract (−)"),
    "multiply": ("Kali (×)", "Multiply (×)"),
    "divide": ("Bagi (÷)", "Divide (÷)"),
    "json": ("Ungkapan JSON", "JSON expression"),
}
OP_LABELS: dict[str, tuple[str, str]] = {
    "eq": ("sama dengan", "equals"),
    "ne": ("tidak sama dengan", "differs from"),
    "lt": ("kurang dari / sebelum", "less than / before"),
    "lte": ("paling banyak / paling lambat", "at most / on or before"),
    "gt": ("lebih dari / sesudah", "more than / after"),
    "gte": ("paling sedikit / paling cepat", "at least / on or after"),
}
WHERE_OPS: dict[str, tuple[str, str]] = {
    "equals": ("sama dengan", "equals"),
    "not_equals": ("tidak sama dengan", "differs from"),
    "in": ("salah satu dari (pisahkan dengan koma)", "one of (separated by commas)"),
    "filled": ("diisi (ya/tidak)", "answered (yes/no)"),
    "json": ("syarat JSON", "JSON condition"),
}
BLANK_ROWS = 3


def pick(pair: tuple[str, str], lang: str) -> str:
    """The text of a pair in `lang`."""
    return pair[1] if lang == "en" else pair[0]


@dataclass(frozen=True)
class Item:
    """A rule, computed value or option list as the editor shows it."""

    key: str  # the rule's index, the computed value's or the list's name
    pointer: str
    title: str
    parts: Mapping[str, str]
    rows: list[tuple[str, str, str, str]]  # an option list's table (with blank rows)


def again(posted: Mapping[str, Any] | None, pointer: str) -> Mapping[str, str]:
    """The values a refused edit of the item posted, so the form shows them again."""
    if posted and posted.get("pointer") == pointer:
        values: Mapping[str, str] = posted.get("values") or {}
        return values
    return {}


def _safe(definition: Mapping[str, Any], key: str) -> Any:
    form = definition.get("form")
    return form.get(key) if isinstance(form, Mapping) else None


def rule_items(
    definition: Mapping[str, Any], lang: str, posted: Mapping[str, Any] | None = None
) -> list[Item]:
    """Every form rule, in order, ready for its edit form."""
    found = _safe(definition, "rules")
    items = []
    for index, rule in enumerate(found if isinstance(found, list) else []):
        if not isinstance(rule, Mapping):
            continue
        pointer = join(RULES, index)
        parts = {**er.rule_parts(rule), **again(posted, pointer)}
        kind = rules.kind_of(rule) or ""
        title = pick(RULE_KIND_LABELS[kind], lang) if kind else "?"
        items.append(Item(str(index), pointer, title, parts, []))
    return items


def computed_items(
    definition: Mapping[str, Any], lang: str, posted: Mapping[str, Any] | None = None
) -> list[Item]:
    """Every computed value, in order, ready for its edit form."""
    found = _safe(definition, "computed")
    items = []
    for name, expression in (found if isinstance(found, Mapping) else {}).items():
        pointer = join(COMPUTED, name)
        parts = {**er.computed_parts(expression), **again(posted, pointer)}
        label = expression.get("label") if isinstance(expression, Mapping) else None
        items.append(Item(str(name), pointer, localise(label, lang) or str(name), parts, []))
    return items


def _table(values: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    columns = [values.get(name, "").split("\n") for name in er.OPTION_COLUMNS]
    count = max(len(c) for c in columns)
    rows = [
        (*(c[i] if i < len(c) else "" for c in columns),)
        for i in range(count)
        if any(i < len(c) and c[i] for c in columns)
    ]
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def list_items(
    definition: Mapping[str, Any], posted: Mapping[str, Any] | None = None
) -> list[Item]:
    """Every shared option list, with its options as rows and some blank rows to add more."""
    found = definition.get("option_lists")
    items = []
    blank = [("", "", "", "")] * BLANK_ROWS
    for name, options in (found if isinstance(found, Mapping) else {}).items():
        pointer = join(LISTS, name)
        sent = again(posted, pointer)
        table = any(name in sent for name in er.OPTION_COLUMNS)
        rows = _table(sent) if table else er.option_rows(options)
        items.append(Item(str(name), pointer, str(name), {}, [*rows, *blank]))
    return items


# -- the choices of the drop-downs ---------------------------------------------------------------


def _fields(definition: Mapping[str, Any]) -> list[Any]:
    try:
        return list(iter_fields(definition))
    except (AttributeError, TypeError):
        return []  # a structure too broken to walk: its problems are listed at the top


def _title(spec: Mapping[str, Any], lang: str) -> str:
    key = str(spec.get("key"))
    label = localise(spec.get("label"), lang)
    return f"{label} ({key})" if label and label != key else key


def field_choices(definition: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The form's fields outside groups (what a rule may be shown beside: not a notice), as
    (key, title)."""
    return [
        (ref.key, _title(ref.spec, lang))
        for ref in _fields(definition)
        if ref.group is None and ref.spec.get("type") != "notice"
    ]


def operand_choices(definition: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """What an operand may be: a field with an answer, a computed value, a value, JSON."""
    skip = {"group", "notice", "declaration", "file"}
    found = [
        (f"field:{ref.key}", _title(ref.spec, lang))
        for ref in _fields(definition)
        if ref.group is None and ref.spec.get("type") not in skip
    ]
    named = _safe(definition, "computed")
    for name in named if isinstance(named, Mapping) else {}:
        found.append((f"computed:{name}", f"= {name}"))
    found.append(("value", pick(("Nilai tetap (angka atau tanggal)", "A fixed value"), lang)))
    found.append(("json", pick(COMPUTED_KIND_LABELS["json"], lang)))
    return found


def group_choices(definition: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The repeatable groups, as (key, title)."""
    return [
        (ref.key, _title(ref.spec, lang))
        for ref in _fields(definition)
        if ref.group is None and ref.spec.get("type") == "group"
    ]


def child_choices(definition: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The fields inside groups, as (key, "group › title")."""
    return [
        (ref.key, f"{ref.group} › {_title(ref.spec, lang)}")
        for ref in _fields(definition)
        if ref.group is not None
    ]


def filter_choices(definition: Mapping[str, Any], lang: str, own: str) -> list[tuple[str, str]]:
    """The answers a choice field's options may be filtered by (choice and region fields)."""
    return [
        (ref.key, _title(ref.spec, lang))
        for ref in _fields(definition)
        if ref.group is None and ref.key != own and ref.spec.get("type") in {"choice", "region"}
    ]


def list_names(definition: Mapping[str, Any]) -> list[str]:
    """The names of the shared option lists."""
    found = definition.get("option_lists")
    return [str(n) for n in found] if isinstance(found, Mapping) else []


def pairs(names: list[str]) -> list[tuple[str, str]]:
    """Names as (value, label) choices."""
    return [(n, n) for n in names]


def new_list_rows(sent: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """The table of a new list: what a refused addition sent, and blank rows."""
    return [*_table(sent), *[("", "", "", "")] * (BLANK_ROWS + 2)]


def rule_kinds(lang: str) -> list[tuple[str, str]]:
    """The kinds of rule, as (value, label)."""
    return [(k, pick(RULE_KIND_LABELS[k], lang)) for k in rules.KINDS]


def computed_kinds(lang: str) -> list[tuple[str, str]]:
    """The kinds of computed value, as (value, label)."""
    return [(k, pick(COMPUTED_KIND_LABELS[k], lang)) for k in (*computed.KINDS, "json")]


def ops(lang: str) -> list[tuple[str, str]]:
    """The comparisons of a `compare` rule, as (value, label)."""
    return [(k, pick(v, lang)) for k, v in OP_LABELS.items()]


def where_ops(lang: str) -> list[tuple[str, str]]:
    """The tests of an `exactly_one` rule on an item's field, as (value, label)."""
    return [(k, pick(v, lang)) for k, v in WHERE_OPS.items()]


def term_names(parts: Mapping[str, str]) -> list[tuple[int, str]]:
    """The operands an arithmetic form shows, as (number, name): those written and one more
    to add (at least two)."""
    written = [n for n, name in enumerate(er.TERMS, 1) if parts.get(name)]
    shown = max(len(written) + 1, 2)
    blank = [n for n, name in enumerate(er.TERMS, 1) if not parts.get(name)]
    chosen = sorted([*written, *blank[: max(shown - len(written), 0)]])
    return [(n, f"term{n}") for n in chosen]


def new_name(posted: Mapping[str, Any] | None, item: Item) -> str:
    """The name shown in an item's rename form: what a refused rename posted, else its own."""
    if posted and str(posted.get("op", "")).endswith("_rename"):
        return again(posted, item.pointer).get("new_name", item.key)
    return item.key


def item_pointers(definition: Mapping[str, Any]) -> list[str]:
    """The editor items of these sections (problems are placed at them)."""
    found = [RULES, COMPUTED, LISTS]
    listed = _safe(definition, "rules")
    found.extend(join(RULES, i) for i, _ in enumerate(listed if isinstance(listed, list) else []))
    named = _safe(definition, "computed")
    found.extend(join(COMPUTED, n) for n in (named if isinstance(named, Mapping) else {}))
    found.extend(join(LISTS, n) for n in list_names(definition))
    return found


# -- the edits their forms post ------------------------------------------------------------------


def _values(names: tuple[str, ...], form: FormData) -> dict[str, str]:
    """The values of the names the form sent (absent names are left as they are)."""
    return {n: "\n".join(str(v) for v in form.getlist(n)) for n in names if n in form}


def _s(form: FormData, key: str) -> str:
    return str(form.get(key) or "")


def _index(form: FormData) -> int:
    index = bounded_int(form.get("at"))
    if index is None:
        raise edit.EditError("Posisi tidak sah.", "Invalid position.")
    return index


Operation = Callable[[dict[str, Any], FormData], dict[str, Any]]
RULE_FORM = ("kind", *er.RULE_NAMES)
COMPUTED_FORM = ("name", *er.COMPUTED_NAMES)
LIST_FORM = ("name", *er.OPTION_COLUMNS)

OPERATIONS: dict[str, Operation] = {
    "rule_add": lambda d, f: er.add_rule(d, _values(RULE_FORM, f)),
    "rule": lambda d, f: er.set_rule(d, _index(f), _values(RULE_FORM, f)),
    "rule_remove": lambda d, f: er.remove_rule(d, _index(f)),
    "computed_add": lambda d, f: er.add_computed(d, _values(COMPUTED_FORM, f)),
    "computed": lambda d, f: er.set_computed(d, _s(f, "at"), _values(COMPUTED_FORM, f)),
    "computed_remove": lambda d, f: er.remove_computed(d, _s(f, "at")),
    "computed_rename": lambda d, f: rename.rename_computed(d, _s(f, "at"), _s(f, "new_name")),
    "option_list_add": lambda d, f: er.add_option_list(d, _values(LIST_FORM, f)),
    "option_list": lambda d, f: er.set_option_list(d, _s(f, "at"), _values(LIST_FORM, f)),
    "option_list_remove": lambda d, f: er.remove_option_list(d, _s(f, "at")),
    "option_list_rename": lambda d, f: rename.rename_option_list(d, _s(f, "at"), _s(f, "new_name")),
    "field_list": lambda d, f: er.set_field_list(d, _s(f, "at"), _values(er.FIELD_LIST_NAMES, f)),
}
REMOVALS = ("rule_remove", "computed_remove", "option_list_remove")
_SECTIONS = {"rule": RULES, "computed": COMPUTED, "option_list": LISTS}


def item_pointer(op: str, at: str) -> str:
    """The item an edit concerns (its section for an addition): opened after a refused edit."""
    if op == "field_list":
        return at
    kind = "option_list" if op.startswith("option_list") else op.partition("_")[0]
    action = op.removeprefix(kind).lstrip("_")
    section = _SECTIONS[kind]
    return join(section, at) if at and action != "add" else section


def focus(op: str, form: FormData, after: Mapping[str, Any]) -> str:
    """The item to open and scroll to after an edit."""
    at = _s(form, "at")
    if op == "rule_add":
        return join(RULES, len(_safe(after, "rules") or []) - 1)
    if op == "computed_add":
        return join(COMPUTED, list(_safe(after, "computed") or {"": None})[-1])
    if op == "option_list_add":
        return join(LISTS, list(after.get("option_lists") or {"": None})[-1])
    if op.endswith("_remove"):
        return item_pointer(op, "")
    if op.endswith("_rename"):
        return item_pointer(op, _s(form, "new_name").strip())
    return item_pointer(op, at)


def refused(op: str, form: FormData) -> dict[str, Any]:
    """What a refused edit posted, to show again in its form (see `rule_items`)."""
    names = {"rule": RULE_FORM, "computed": COMPUTED_FORM, "option_list": LIST_FORM}
    kind = "option_list" if op.startswith("option_list") else op.partition("_")[0]
    if op.endswith("_rename"):
        names = {kind: ("new_name",)}
    return {
        "op": op,
        "pointer": item_pointer(op, _s(form, "at")),
        "values": _values(names.get(kind, ()), form),
    }
