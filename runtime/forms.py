"""Between HTML forms and answers: parsing posted fields and preparing fields for templates.

Plain Python, tested without HTTP. Input names: a top-level field is `key`; a field inside a
repeatable group is `group.<index>.child`. Files are handled by the upload module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import Any

from builder import conditions, date_limits, option_lists, regions, values
from builder.answers import AnswerError
from builder.compiler import CompiledService, FieldPlan, PagePlan
from builder.indonesian import long_date
from builder.model import iter_fields, iter_officer_fields
from builder.texts import localise

FormData = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class RegionSelect:
    """One level of a region field: its select's id, title, choices and the chosen code."""

    id: str
    level: str
    title: str
    options: list[tuple[str, str]]
    selected: str


_ITEM = re.compile(r"^([a-z][a-z0-9_]*)\.([0-9]{1,3})\.([a-z][a-z0-9_]*)$")
_KEEP = re.compile(r"^([a-z][a-z0-9_]*)\.([0-9]{1,3})\._keep$")  # a folded item, kept as saved
MAX_GROUP_ITEMS = 200


@dataclass
class ParsedPage:
    """What a posted page contributes to the answers."""

    values: dict[str, Any] = field(default_factory=dict)
    cleared: set[str] = field(default_factory=set)
    parse_errors: dict[str, str] = field(default_factory=dict)  # pointer -> rule


def _raw(form: FormData, name: str) -> list[str]:
    return [str(v) for v in form.get(name, [])]


def _group_items(
    plan: FieldPlan, form: FormData, parsed: ParsedPage, previous: Any
) -> list[dict[str, Any]]:
    indices: set[int] = set()
    kept: set[int] = set()
    for name in form:
        match = _ITEM.match(name)
        if match and match.group(1) == plan.key:
            indices.add(int(match.group(2)))
        keep = _KEEP.match(name)
        if keep and keep.group(1) == plan.key:
            kept.add(int(keep.group(2)))
    stored = previous if isinstance(previous, list) else []
    maximum = plan.spec.get("max_items")
    cap = min(MAX_GROUP_ITEMS, maximum) if isinstance(maximum, int) else MAX_GROUP_ITEMS
    count_raw = _raw(form, f"{plan.key}._count")
    if count_raw and count_raw[0].isdigit() and len(count_raw[0]) <= 4:
        indices.update(range(min(int(count_raw[0]), cap)))
    items = []
    for position, index in enumerate(sorted(indices)[:cap]):
        if index in kept and index < len(stored) and isinstance(stored[index], dict):
            items.append(dict(stored[index]))  # shown folded: not posted, kept as it was
            continue
        item: dict[str, Any] = {}
        before = stored[index] if index < len(stored) and isinstance(stored[index], dict) else {}
        for child in plan.children:
            if not child.has_value:
                continue
            if child.type == "file":  # uploads arrive apart; the item keeps its saved file
                if before.get(child.key) is not None:
                    item[child.key] = before[child.key]
                continue
            value, error = child.kind.parse(
                child.spec, _raw(form, f"{plan.key}.{index}.{child.key}")
            )
            if error:
                parsed.parse_errors[f"/{plan.key}/{position}/{child.key}"] = error
            if value is not None:
                item[child.key] = value
        items.append(item)
    return items


def parse_page(
    page: PagePlan,
    form: FormData,
    *,
    skip_types: frozenset[str] = frozenset({"file"}),
    previous: Mapping[str, Any] | None = None,
) -> ParsedPage:
    """Parse the posted inputs of one page into values (files and declarations are handled elsewhere).

    `previous`: the saved answers; a group item shown folded (`group.<index>._keep`) is not
    posted and keeps its saved answers.
    """
    parsed = ParsedPage()
    for plan in page.fields:
        if not plan.has_value or plan.type in skip_types:
            continue
        if plan.type == "group":
            items = _group_items(plan, form, parsed, (previous or {}).get(plan.key))
            if items:
                parsed.values[plan.key] = items
            else:
                parsed.cleared.add(plan.key)
            continue
        value, error = plan.kind.parse(plan.spec, _raw(form, plan.key))
        if error:
            parsed.parse_errors[f"/{plan.key}"] = error
        if value is None:
            parsed.cleared.add(plan.key)
        else:
            parsed.values[plan.key] = value
    return parsed


def merge(answers: Mapping[str, Any], parsed: ParsedPage) -> dict[str, Any]:
    """Answers with one page's inputs applied."""
    result = {k: v for k, v in answers.items() if k not in parsed.cleared}
    result.update(parsed.values)
    return result


DATE_EXAMPLE = dt.date(1990, 8, 17)
"""The day a date field's hint names as an example when its limits allow it."""


def example_date(low: dt.date | None, high: dt.date | None) -> dt.date:
    """A day inside the limits for a date field's hint: 17 August 1990 when they allow it, else
    the middle of the range, or the one limit there is."""
    if (low is None or low <= DATE_EXAMPLE) and (high is None or high >= DATE_EXAMPLE):
        return DATE_EXAMPLE
    if low is not None and high is not None and low <= high:
        return low + (high - low) // 2
    return low or high or DATE_EXAMPLE


def words_date(day: dt.date, lang: str) -> str:
    """A day in words: "17 Agustus 1990", "17 August 1990"."""
    if lang == "en":
        return f"{day.day} {date_limits.EN_MONTHS[day.month - 1]} {day.year}"
    return long_date(day)


@dataclass
class FieldView:
    """A field ready for a template."""

    plan: FieldPlan
    name: str
    id: str
    value: Any
    error: str | None
    lang: str
    items: list[list[FieldView]] = field(default_factory=list)
    item_names: list[str] = field(default_factory=list)
    hidden: bool = False  # an empty slot where a conditional question can appear
    questioned: bool = False  # an officer who sent the case back asked about this answer
    rows: list[ItemRow] = field(default_factory=list)  # a group's items in order, open or folded
    offered: list[str] | None = None  # dependent options: the values offered (None: all)
    refresh: bool = False  # dependent options filtered by a field on the same page
    waiting: bool = False  # dependent options whose filter field is not answered yet
    limit_hint: str = ""  # a date's limits on another answer or a day of the year, in words

    @property
    def type(self) -> str:
        """The field type (names the template)."""
        return self.plan.type

    @property
    def date_limits(self) -> tuple[dt.date | None, dt.date | None]:
        """A date field's `min` and `max` as days, counted from today ("today-30d", a day of
        the year) or fixed; None where there is none or the limit reads another answer."""
        if self.type != "date":
            return None, None
        low, high = (values.resolve_date_bound(self.spec.get(b)) for b in ("min", "max"))
        return low, high

    @property
    def date_min(self) -> str:
        """The browser's `min` of a date input (ISO day, "" for none)."""
        low = self.date_limits[0]
        return low.isoformat() if low else ""

    @property
    def date_max(self) -> str:
        """The browser's `max` of a date input (ISO day, "" for none)."""
        high = self.date_limits[1]
        return high.isoformat() if high else ""

    @property
    def date_example(self) -> str:
        """The example day of a date field's hint, in words, inside its limits."""
        return words_date(example_date(*self.date_limits), self.lang)

    @property
    def spec(self) -> Mapping[str, Any]:
        """The field's definition."""
        return self.plan.spec

    @property
    def label(self) -> str:
        """The label in the visitor's language."""
        return localise(self.spec.get("label"), self.lang)

    @property
    def hint(self) -> str:
        """The help text in the visitor's language."""
        return localise(self.spec.get("help"), self.lang)

    @property
    def required(self) -> bool:
        """Whether the field must be answered."""
        return self.plan.required

    @property
    def describedby(self) -> str:
        """ids of the hint and error for aria-describedby."""
        parts = []
        if self.hint or self.type in {"date", "time", "phone", "nik", "file"}:
            parts.append(f"{self.id}-hint")
        if self.error:
            parts.append(f"{self.id}-error")
        return " ".join(parts)

    def options(self) -> list[tuple[str, str]]:
        """(value, label) pairs of a choice field."""
        return [
            (str(o["value"]), localise(o.get("label"), self.lang))
            for o in self.spec.get("options", [])
            if self.offered is None or str(o["value"]) in self.offered
        ]

    @property
    def display(self) -> str:
        """`radio`, `select` or `checkbox` for choice fields (short lists as radios)."""
        chosen = self.spec.get("display", "auto")
        if self.type == "multichoice":
            return "checkbox"
        if chosen in {"radio", "select"}:
            return str(chosen)
        return "radio" if len(self.spec.get("options", [])) <= 7 else "select"

    def region_code(self) -> str:
        """The code of a region answer so far ("" without one)."""
        code = self.value.get("code") if isinstance(self.value, Mapping) else self.value
        return code if isinstance(code, str) else ""

    def region_selects(self) -> list[RegionSelect]:
        """The selects of a region field, from below its `within` area down to the deepest
        level chosen so far plus one (never past the field's `level`)."""
        within = str(self.spec.get("within") or "")
        target = regions.LEVELS.index(str(self.spec.get("level", "village")))
        code = self.region_code()
        chosen = regions.chain(code) if regions.exists(code) else []
        start = len(regions.chain(within)) if within else 0
        selects = []
        above = within
        for depth in range(start, target + 1):
            level = regions.LEVELS[depth]
            pick = chosen[depth] if depth < len(chosen) else ""
            if pick and regions.parent(pick) != above:
                pick = ""
            options = [(c, regions.name(c)) for c in regions.children(above)]
            select_id = self.id if depth == start else f"{self.id}-{level}"
            title = localise(regions.LEVEL_TITLES[level], self.lang)
            selects.append(RegionSelect(select_id, level, title, options, pick))
            if not pick:
                break
            above = pick
        return selects

    def region_complete(self) -> bool:
        """Whether the answer goes down to the field's level (no further select to show)."""
        level = str(self.spec.get("level", "village"))
        return regions.level_of(self.region_code()) == level

    def text_value(self) -> str:
        """The value as an input shows it."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "ya" if self.value else "tidak"
        return str(self.value)

    def is_selected(self, option: str) -> bool:
        """Whether an option is chosen."""
        if isinstance(self.value, list):
            return option in self.value
        return bool(self.value == option)


@dataclass
class ItemRow:
    """One item of a repeatable group: open (its fields) or folded (a one-line summary).

    A folded item is not posted; the page keeps its saved answers (`group.<index>._keep`).
    Folding keeps a page with many items small: only the item being filled in is open.
    """

    index: int
    children: list[FieldView] | None
    summary: str = ""
    needs_fix: bool = False
    error_anchors: list[str] = field(default_factory=list)


def _summary(plan: FieldPlan, item: Mapping[str, Any], lang: str) -> str:
    parts = []
    for child in plan.children:
        value = item.get(child.key)
        if not child.has_value or value is None or child.type in {"file", "nik"}:
            continue
        shown = child.kind.display(child.spec, value, lang)
        if shown:
            parts.append(shown)
        if len(parts) == 3:
            break
    return ", ".join(parts)


def _anchor(pointer: str) -> str:
    return "f-" + pointer.strip("/").replace("/", "-")


def field_pointer(compiled: CompiledService, pointer: str) -> str:
    """The pointer of the field an error is about: `/key` or `/group/index/child`.

    Schema errors can point deeper than a field (`/hobi/1` for one bad choice of a
    multichoice); the page only has ids for fields, so the error is moved up to its field.
    """
    parts = pointer.strip("/").split("/") if pointer.strip("/") else []
    if not parts:
        return pointer
    plan = compiled.fields.get(parts[0])
    in_item = plan is not None and plan.type == "group" and len(parts) >= 3 and parts[1].isdigit()
    if in_item and plan is not None and any(c.key == parts[2] for c in plan.children):
        return f"/{parts[0]}/{parts[1]}/{parts[2]}"
    return f"/{parts[0]}"


def located(compiled: CompiledService, errors: Sequence[AnswerError]) -> list[AnswerError]:
    """Errors moved to the field they are about, one per field, in the given order."""
    seen: set[str] = set()
    result = []
    for error in errors:
        pointer = field_pointer(compiled, error.pointer)
        if pointer in seen:
            continue
        seen.add(pointer)
        result.append(replace(error, pointer=pointer))
    return result


def _slot(plan: FieldPlan, name: str, pointer: str, lang: str) -> FieldView:
    return FieldView(plan, name, _anchor(pointer), None, None, lang, hidden=True)


def _filter_options(
    view: FieldView, compiled: CompiledService, page: PagePlan, answers: Mapping[str, Any]
) -> None:
    """Dependent options: only those the filter field's answer offers; a button to show the
    list again when the filter field is on the same page."""
    if "filter_by" not in view.spec:
        return  # not a dependent field: offered None, nothing to refresh or wait for
    types = {key: plan.type for key, plan in compiled.fields.items()}
    view.offered = option_lists.filtered(view.spec, answers, types)
    view.refresh = view.offered is not None and view.spec.get("filter_by") in page.keys
    view.waiting = view.offered is not None and answers.get(str(view.spec["filter_by"])) is None


def _limit_hint(compiled: CompiledService, plan: FieldPlan, lang: str) -> str:
    """The words for a date's limits that read another answer or name a day of the year."""
    if not any(isinstance(plan.spec.get(b), Mapping) for b in ("min", "max")):
        return ""
    definition = compiled.definition
    labels = {
        ref.key: localise(ref.spec.get("label"), lang)
        for ref in [*iter_fields(definition), *iter_officer_fields(definition)]
    }
    return date_limits.words(plan.spec, labels, lang)


def field_views(
    compiled: CompiledService,
    page: PagePlan,
    answers: Mapping[str, Any],
    errors: Sequence[AnswerError],
    lang: str,
    *,
    visible_only: bool = True,
    extra_items: Mapping[str, int] | None = None,
    slots: bool = False,
    context: Mapping[str, Any] | None = None,
    fold: Mapping[str, set[int]] | None = None,
    open_items: Mapping[str, set[int]] | None = None,
    questioned: Set[str] = frozenset(),
    pruned: Mapping[str, Any] | None = None,
) -> list[FieldView]:
    """The visible fields of a page, with values and errors, ready to render.

    With `slots`, a hidden conditional field is kept as an empty `hidden` view, so the page
    has a place where htmx can put the question when an answer reveals it. `context`: answers
    conditions may read besides the page's own (an officer form reads the case's answers).
    With `fold` (group key -> indices of items that still have problems), a group's items are
    folded to a summary line except blank ones, those in `open_items`, and the first item with
    a problem; none is folded while the group itself has an error (a rule across its items).
    `questioned`: keys an officer asked the applicant to correct. `pruned`:
    `compiled.prune(answers, context=context)`, when the caller has it already.
    """
    by_pointer = {e.pointer: e.text(lang) for e in errors}
    if pruned is None:
        pruned = compiled.prune(answers, context=context)
    if context:
        pruned = {**context, **pruned}
    views = []
    for plan in page.fields:
        if plan.type == "declaration":
            continue  # declarations are asked on the check-your-answers page
        pointer = f"/{plan.key}"
        if visible_only and not conditions.evaluate(plan.condition, pruned):
            if slots:
                views.append(_slot(plan, plan.key, pointer, lang))
            continue
        view = FieldView(
            plan,
            plan.key,
            _anchor(pointer),
            answers.get(plan.key),
            by_pointer.get(pointer),
            lang,
            questioned=plan.key in questioned,
        )
        _filter_options(view, compiled, page, pruned)
        if plan.type == "date":
            view.limit_hint = _limit_hint(compiled, plan, lang)
        if plan.type == "group":
            problems = fold.get(plan.key, set()) if fold is not None else set()
            first_problem = min(problems) if problems else None
            opened = (open_items or {}).get(plan.key, set())
            items = answers.get(plan.key)
            items = list(items) if isinstance(items, list) else []
            wanted = max(len(items), int(plan.spec.get("min_items", 1)))
            wanted += (extra_items or {}).get(plan.key, 0)
            maximum = plan.spec.get("max_items")
            if isinstance(maximum, int):
                wanted = min(wanted, maximum)
            while len(items) < wanted:
                items.append({})
            for index, item in enumerate(items):
                errors_here = [p for p in by_pointer if p.startswith(f"/{plan.key}/{index}/")]
                if (
                    fold is not None
                    and item
                    and index not in opened
                    and index != first_problem
                    and pointer not in by_pointer  # a rule across the items: all stay open
                ):
                    view.rows.append(
                        ItemRow(
                            index,
                            None,
                            _summary(plan, item, lang),
                            index in problems or bool(errors_here),
                            [_anchor(p) for p in errors_here],
                        )
                    )
                    continue
                children = []
                for child in plan.children:
                    child_pointer = f"/{plan.key}/{index}/{child.key}"
                    child_name = f"{plan.key}.{index}.{child.key}"
                    if (
                        visible_only
                        and child.condition
                        and not conditions.evaluate(child.condition, item)
                    ):
                        if slots:
                            children.append(_slot(child, child_name, child_pointer, lang))
                        continue
                    children.append(
                        FieldView(
                            child,
                            child_name,
                            _anchor(child_pointer),
                            item.get(child.key),
                            by_pointer.get(child_pointer),
                            lang,
                        )
                    )
                view.items.append(children)
                view.rows.append(ItemRow(index, children))
        views.append(view)
    return views
