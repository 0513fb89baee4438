"""What the studio shows of a service's flow: exit pages with their forms, the units of a
state's time limit, the choices of a joint approval, what an applicant action asks of the
citizen, and the values a refused edit keeps.
Plain Python, no HTTP (the studio's routes and templates read it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder import edit, edit_flow
from builder.condition_text import describe
from builder.model import is_applicant_action
from builder.pointers import join
from builder.sla import UNITS
from builder.texts import localise
from builder.workflow_checks import applicant_field_choices

UNIT_LABELS: dict[str, tuple[str, str]] = {
    "working_days": ("hari kerja", "working days"),
    "calendar_days": ("hari kalender", "calendar days"),
    "hours": ("jam", "hours"),
}
APPROVAL_LABELS: dict[str, tuple[str, str]] = {
    "": ("Tidak: satu petugas cukup", "No: one officer is enough"),
    "all": ("Ya: semua peran yang dicentang", "Yes: every role ticked"),
    "count": ("Ya: sejumlah peran", "Yes: a number of the roles"),
}
QUANTIFIER_LABELS: dict[str, tuple[str, str]] = {
    "some": ("paling sedikit satu butir", "at least one item"),
    "every": ("semua butir", "every item"),
    "none": ("tidak satu butir pun", "no item"),
}


GROUP_PREFIX = "group:"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def unit_choices(lang: str) -> list[tuple[str, str]]:
    """The units of a time limit as (value, label)."""
    return [(unit, _pick(UNIT_LABELS[unit], lang)) for unit in UNITS]


def approval_choices(lang: str) -> list[tuple[str, str]]:
    """The joint-approval modes as (value, label)."""
    return [(mode, _pick(label, lang)) for mode, label in APPROVAL_LABELS.items()]


def quantifier_choices(lang: str) -> list[tuple[str, str]]:
    """`some`, `every`, `none` as (value, label)."""
    return [(q, _pick(label, lang)) for q, label in QUANTIFIER_LABELS.items()]


# -- exits ---------------------------------------------------------------------------------------

# the inputs of an exit's edit form: (flat name of `edit_flow.EXIT_NAMES`, kind)
EXIT_INPUTS: tuple[tuple[str, str], ...] = tuple(
    (name, "textarea" if name.startswith("text.") else "url" if name == "link.url" else "text")
    for name in edit_flow.EXIT_NAMES
)


@dataclass(frozen=True)
class ExitItem:
    """An exit page as the editor shows it."""

    pointer: str
    spec: Mapping[str, Any]
    id: str
    title: str
    when: str  # its condition in words ('' while it has none)
    values: dict[str, str]  # the edit form's values by flat name


def exit_values(spec: Mapping[str, Any]) -> dict[str, str]:
    """An exit's edit form values (the flat names of `edit_flow.EXIT_NAMES`)."""
    title, text = edit.text_parts(spec.get("title")), edit.text_parts(spec.get("text"))
    found = spec.get("link")
    link: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    label = edit.text_parts(link.get("label"))
    return {
        "id": str(spec.get("id") or ""),
        "title.id": title[0],
        "title.en": title[1],
        "text.id": text[0],
        "text.en": text[1],
        "link.url": str(link.get("url") or ""),
        "link.label.id": label[0],
        "link.label.en": label[1],
    }


def exit_items(definition: Mapping[str, Any], holder: str, exits: Any, lang: str) -> list[ExitItem]:
    """The exits of a page (`holder` its pointer) or of the form (`/form`)."""
    items = []
    for index, spec in enumerate(exits if isinstance(exits, list) else []):
        if not isinstance(spec, Mapping):
            continue
        when = spec.get("when")
        try:
            words = describe(when, definition, lang) if when else ""
        except (AttributeError, TypeError, KeyError, ValueError):
            words = str(when)
        items.append(
            ExitItem(
                join(holder, "exits", index),
                spec,
                str(spec.get("id") or ""),
                localise(spec.get("title"), lang) or str(spec.get("id") or ""),
                words,
                exit_values(spec),
            )
        )
    return items


def exit_pointers(definition: Mapping[str, Any]) -> list[str]:
    """Pointers of every exit (each shown with its own problem list)."""
    form = definition.get("form")
    if not isinstance(form, Mapping):
        return []
    found = [join("/form/exits", i) for i, _ in enumerate(_list(form.get("exits")))]
    for index, page in enumerate(_list(form.get("pages"))):
        if isinstance(page, Mapping):
            found.extend(
                join("/form/pages", index, "exits", i)
                for i, _ in enumerate(_list(page.get("exits")))
            )
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- states and transitions ----------------------------------------------------------------------


def sla_parts(state: Any) -> tuple[str, str]:
    """A state's (unit, number) for its row ('working_days', '' when it has none)."""
    return edit_flow.sla_parts(state) if isinstance(state, Mapping) else ("working_days", "")


def approvals_parts(transition: Any) -> tuple[str, str]:
    """A transition's (mode, count) for its row."""
    return edit_flow.approvals_parts(transition) if isinstance(transition, Mapping) else ("", "")


def kept(posted: Mapping[str, str] | None, name: str, value: str) -> str:
    """What an input shows: the value the designer posted (a refused edit keeps it), or `value`."""
    if posted is not None and name in posted:
        return posted[name]
    return value


# -- conditions on a group's items ---------------------------------------------------------------


def group_key(chosen: str) -> str:
    """The group a condition's first drop-down chose (`group:<key>`), '' for a plain field."""
    return chosen[len(GROUP_PREFIX) :] if chosen.startswith(GROUP_PREFIX) else ""


def group_test(condition: Any) -> tuple[str, str, Mapping[str, Any]] | None:
    """(group, quantifier, inner test) of a group test whose inner test is on one field (what
    the drop-downs can show); None for anything else."""
    if not isinstance(condition, Mapping) or len(condition) != 2 or "group" not in condition:
        return None
    quantifier = next((q for q in QUANTIFIER_LABELS if q in condition), None)
    inner = condition.get(quantifier) if quantifier else None
    if not isinstance(inner, Mapping) or "field" not in inner or len(inner) != 2:
        return None
    return str(condition["group"]), str(quantifier), inner


def group_options(refs: list[Any], lang: str) -> list[tuple[str, str]]:
    """The groups a condition may look into, as choices of its first drop-down."""
    return [
        (GROUP_PREFIX + ref.key, f"{localise(ref.spec.get('label'), lang)[:60]} ({ref.key})")
        for ref in refs
        if ref.type == "group" and ref.group is None
    ]


# -- an applicant action's fields and statement --------------------------------------------------


@dataclass(frozen=True)
class ApplicantActionPart:
    """What an applicant action asks of the citizen, as its row in the editor shows it."""

    pointer: str  # the transition's
    index: int
    choices: list[tuple[str, str, bool]]  # (key, label, chosen): the fit fields, then the rest
    confirm_id: str
    confirm_en: str
    is_action: bool  # False: the transition is no applicant action (the keys are misplaced)


def shows_applicant_action(definition: Mapping[str, Any], transition: Any) -> bool:
    """Whether a transition's row has the applicant action part: it is an applicant action, or
    it carries `applicant_fields` or `confirm` all the same (to be seen and removed)."""
    if not isinstance(transition, Mapping):
        return False
    if "applicant_fields" in transition or "confirm" in transition:
        return True
    try:
        return is_applicant_action(definition, transition)
    except (AttributeError, TypeError):
        return False


def applicant_action(
    definition: Mapping[str, Any],
    index: int,
    transition: Mapping[str, Any],
    posted: Mapping[str, Any] | None,
    lang: str,
) -> ApplicantActionPart:
    """The row of transition `index`: the fields fit for an applicant action (the builder's
    `applicant_field_choices`) ticked as saved, or as posted when this row's edit was refused;
    keys asked for that are not fit (or not there) are listed after them, ticked, so they can
    be seen and unticked."""
    saved = edit_flow.applicant_action_values(transition)
    mine = (
        posted
        if posted is not None
        and posted.get("op") == "applicant_action"
        and posted.get("at") == str(index)
        else None
    )
    chosen_text = kept(mine, "applicant_fields", saved["applicant_fields"])
    chosen = edit.names(chosen_text)
    try:
        fit = applicant_field_choices(definition)
    except (AttributeError, TypeError):
        fit = []
    choices = [
        (ref.key, localise(ref.spec.get("label"), lang) or ref.key, ref.key in chosen)
        for ref in fit
    ]
    offered = {ref.key for ref in fit}
    choices += [(key, key, True) for key in chosen if key not in offered]
    try:
        is_action = is_applicant_action(definition, transition)
    except (AttributeError, TypeError):
        is_action = False
    return ApplicantActionPart(
        join("/workflow/transitions", index),
        index,
        choices,
        kept(mine, "confirm.id", saved["confirm.id"]),
        kept(mine, "confirm.en", saved["confirm.en"]),
        is_action,
    )
