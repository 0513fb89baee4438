"""Walking a (structurally valid) definition: its pages, fields, texts and workflow."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from builder.pointers import join

Definition = Mapping[str, Any]

# Keys whose values are texts shown to people (plain string or language map).
TEXT_KEYS = frozenset(
    {
        "title",
        "summary",
        "label",
        "help",
        "description",
        "placeholder",
        "text",
        "unit",
        "public_label",
        "item_label",
        "purpose",
        "legal_basis",
        "cost",
        "output",
        "complaints",
        "office",
        "address",
        "hours",
        "message",
    }
)
TEXT_LIST_KEYS = frozenset({"requirements", "procedure", "recipients"})


@dataclass(frozen=True)
class FieldRef:
    """A field with its place in the form."""

    key: str
    spec: Mapping[str, Any]
    pointer: str
    page_index: int
    page_id: str
    group: str | None
    order: int
    transition: int | None = None  # an officer field: the index of its transition

    @property
    def is_officer(self) -> bool:
        """Whether an officer fills the field in on a transition (not the applicant's form)."""
        return self.transition is not None

    @property
    def type(self) -> str:
        """The field's type name."""
        return str(self.spec.get("type"))


def pages(definition: Definition) -> list[Mapping[str, Any]]:
    """The form's pages."""
    form = definition.get("form")
    result = form.get("pages", []) if isinstance(form, Mapping) else []
    return [p for p in result if isinstance(p, Mapping)]


def iter_fields(definition: Definition, *, include_children: bool = True) -> Iterator[FieldRef]:
    """Every field in form order, children of groups right after their group."""
    order = 0
    for page_index, page in enumerate(pages(definition)):
        page_id = str(page.get("id", ""))
        for field_index, spec in enumerate(page.get("fields", [])):
            pointer = join("/form/pages", page_index, "fields", field_index)
            yield FieldRef(str(spec.get("key")), spec, pointer, page_index, page_id, None, order)
            order += 1
            if include_children and spec.get("type") == "group":
                for child_index, child in enumerate(spec.get("fields", [])):
                    yield FieldRef(
                        str(child.get("key")),
                        child,
                        join(pointer, "fields", child_index),
                        page_index,
                        page_id,
                        str(spec.get("key")),
                        order,
                    )
                    order += 1


def iter_texts(value: Any, pointer: str = "") -> Iterator[tuple[Any, str]]:
    """Every person-facing text in a definition with its pointer."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            here = join(pointer, key)
            if key in TEXT_KEYS and not isinstance(child, list):
                yield child, here
            elif (key in TEXT_LIST_KEYS and isinstance(child, list)) or (
                key == "legal_basis" and isinstance(child, list)
            ):
                for index, item in enumerate(child):
                    yield item, join(here, index)
            elif key == "roles" and isinstance(child, Mapping) and pointer == "":
                for role, text in child.items():
                    yield text, join(here, role)
            elif key == "messages" and isinstance(child, Mapping):
                for rule, text in child.items():
                    yield text, join(here, rule)
            elif key in {"visible_if", "guard", "when"}:
                continue
            else:
                yield from iter_texts(child, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_texts(item, join(pointer, index))


def states(definition: Definition) -> dict[str, Mapping[str, Any]]:
    """The workflow's states by name."""
    workflow = definition.get("workflow", {})
    found = workflow.get("states", {}) if isinstance(workflow, Mapping) else {}
    return dict(found) if isinstance(found, Mapping) else {}


def transitions(definition: Definition) -> list[Mapping[str, Any]]:
    """The workflow's transitions."""
    workflow = definition.get("workflow", {})
    found = workflow.get("transitions", []) if isinstance(workflow, Mapping) else []
    return [t for t in found if isinstance(t, Mapping)]


def sources(transition: Mapping[str, Any]) -> list[str]:
    """The states a transition leaves from (its `from`, always as a list)."""
    origin = transition.get("from")
    if isinstance(origin, str):
        return [origin]
    return [str(s) for s in origin] if isinstance(origin, list) else []


def is_applicant_action(definition: Definition, transition: Mapping[str, Any]) -> bool:
    """Whether a transition is an applicant action: the citizen alone takes it (`roles`
    ["applicant"]) from states where they do not correct their answers (language 1.1). A
    transition the applicant takes from an `applicant_edits` state sends corrections instead."""
    declared = states(definition)
    froms = sources(transition)
    return (
        list(transition.get("roles", [])) == ["applicant"]
        and bool(froms)
        and not any(declared.get(name, {}).get("applicant_edits") for name in froms)
    )


def applicant_field_keys(transition: Mapping[str, Any]) -> list[str]:
    """The form fields an applicant action asks for (its `applicant_fields`)."""
    found = transition.get("applicant_fields")
    return [str(k) for k in found] if isinstance(found, list) else []


def officer_fields(transition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The fields the acting officer fills in on a transition (its `fields`)."""
    found = transition.get("fields")
    return [f for f in found if isinstance(f, Mapping)] if isinstance(found, list) else []


def iter_officer_fields(definition: Definition) -> Iterator[FieldRef]:
    """Every officer field of every transition, in transition order.

    They come after the whole form (`page_index` is the number of pages), so a condition on
    one may read any answer of the form.
    """
    after = len(pages(definition))
    order = 0
    for index, transition in enumerate(transitions(definition)):
        action = str(transition.get("action", ""))
        for field_index, spec in enumerate(officer_fields(transition)):
            pointer = join("/workflow/transitions", index, "fields", field_index)
            yield FieldRef(str(spec.get("key")), spec, pointer, after, action, None, order, index)
            order += 1
