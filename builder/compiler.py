"""Compiling a valid definition into the submission schema and the page/field plan.

The compiled submission schema is plain JSON Schema 2020-12 plus custom parts that need
"today" at validation time or Indonesian rules: `x-loket-date-{gt,gte,lt,lte}` keywords and
the formats `loket-date`, `loket-email`, `loket-phone`, `loket-nik` and `loket-line` (one line
of text: no line break, no tab, no space at either end). Answers are first pruned (hidden or
empty answers dropped), then validated; the schema's if/then/else encodes the same visibility
so that a submission from the API is held to the same rules. The `pattern` keyword is matched
with RE2 (`builder.patterns`), in time linear in the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from builder import (
    computed,
    conditions,
    date_limits,
    option_lists,
    patterns,
    regions,
    rules,
    values,
)
from builder.answers import AnswerError, make_error
from builder.canonical import digest
from builder.fastcheck import Check, Unsupported, compile_check
from builder.fields import REGISTRY, FieldType
from builder.model import applicant_field_keys, is_applicant_action, iter_fields
from builder.pointers import from_parts, join
from builder.texts import localise

SUBMISSION_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_log = logging.getLogger(__name__)
_REFUSED: set[str] = set()  # patterns already logged as refused by RE2


@dataclass(frozen=True)
class FieldPlan:
    """A field as the runtime renders and validates it."""

    key: str
    type: str
    spec: Mapping[str, Any]
    page_id: str
    pointer: str
    condition: Mapping[str, Any] | None
    children: tuple[FieldPlan, ...] = ()

    @property
    def kind(self) -> FieldType:
        """The field's registered type."""
        return REGISTRY[self.type]

    @property
    def has_value(self) -> bool:
        """Whether the field holds an answer."""
        return self.kind.has_value

    @property
    def required(self) -> bool:
        """Whether a visible field must be answered."""
        return self.kind.is_required(self.spec)

    def label(self, lang: str = "id") -> str:
        """The field's label in `lang`."""
        return localise(self.spec.get("label"), lang)


@dataclass(frozen=True)
class PagePlan:
    """One page of the form."""

    id: str
    index: int
    spec: Mapping[str, Any]
    condition: Mapping[str, Any] | None
    fields: tuple[FieldPlan, ...]

    def title(self, lang: str = "id") -> str:
        """The page title in `lang`."""
        return localise(self.spec.get("title"), lang)

    @cached_property
    def keys(self) -> frozenset[str]:
        """Keys of the page's answer fields (worked out once: a plan never changes)."""
        return frozenset(f.key for f in self.fields if f.has_value)


@dataclass(frozen=True)
class ExitPlan:
    """An exit page: when `condition` holds, the applicant is stopped (`builder.exits`)."""

    id: str
    spec: Mapping[str, Any]
    condition: Mapping[str, Any]
    page_id: str  # where it is checked: its page, or the page of the last field it reads
    page_index: int
    own_page: bool  # an exit of a page (it applies only while that page is shown)

    def title(self, lang: str = "id") -> str:
        """The exit page's title in `lang`."""
        return localise(self.spec.get("title"), lang)

    def text(self, lang: str = "id") -> str:
        """The explanation in `lang`."""
        return localise(self.spec.get("text"), lang)

    @property
    def link_url(self) -> str:
        """Where to go instead ("" without a link)."""
        link = self.spec.get("link")
        return str(link.get("url", "")) if isinstance(link, Mapping) else ""

    def link_label(self, lang: str = "id") -> str:
        """The link's words in `lang`."""
        link = self.spec.get("link")
        return localise(link.get("label"), lang) if isinstance(link, Mapping) else ""


def _date_keyword(op: str) -> Any:
    def check(
        validator: Any, bound: str, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not isinstance(instance, str):
            return
        day = values.parse_iso_date(instance)
        limit = values.resolve_date_bound(bound)
        if limit is None:
            return
        if day is None:  # not a real date: no comparison holds (the format check names it)
            yield ValidationError(f"{instance} is not a date")
            return
        ok = {"gt": day > limit, "gte": day >= limit, "lt": day < limit, "lte": day <= limit}[op]
        if not ok:
            yield ValidationError(f"{instance} is not {op} {limit.isoformat()}")

    return check


def _date_check(op: str) -> Callable[[Any], Check]:
    """The fast form of an x-loket-date-* keyword (same verdict as `_date_keyword`)."""

    def factory(bound: Any) -> Check:
        def check(instance: Any) -> bool:
            if not isinstance(instance, str):
                return True
            limit = values.resolve_date_bound(bound)
            if limit is None:
                return True
            day = values.parse_iso_date(instance)
            if day is None:
                return False
            return {"gt": day > limit, "gte": day >= limit, "lt": day < limit, "lte": day <= limit}[
                op
            ]

        return check

    return factory


def _time_accepts(op: str, bound: Any, instance: Any) -> bool:
    """`x-loket-time-min` / `-max`: a time HH:MM not before / not after the bound (HH:MM
    compares as text); a value that is not a time is left to the format check."""
    if not values.is_time(instance) or not values.is_time(bound):
        return True
    return bool(instance >= bound) if op == "min" else bool(instance <= bound)


def _time_keyword(op: str) -> Any:
    def check(
        validator: Any, bound: str, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not _time_accepts(op, bound, instance):
            yield ValidationError(f"{instance} is not within the {op} {bound}")

    return check


def _time_check(op: str) -> Callable[[Any], Check]:
    """The fast form of an x-loket-time-* keyword (same verdict as `_time_keyword`)."""
    return lambda bound: lambda v: _time_accepts(op, bound, v)


def _matches(pattern: str, instance: str) -> bool:
    """A definition's pattern on an answer, with RE2 (linear time). A pattern RE2 refuses (in
    a version published before the builder checked for RE2) accepts nothing: an answer that
    cannot be checked is not taken, and the worker is never tied up backtracking."""
    try:
        return patterns.search(pattern, instance)
    except patterns.PatternError:
        if pattern not in _REFUSED:
            _REFUSED.add(pattern)
            _log.error("a pattern of a published definition cannot be matched: %r", pattern)
        return False


def _pattern_keyword(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """JSON Schema's `pattern` keyword, matched with RE2 instead of `re`."""
    if isinstance(instance, str) and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_check(pattern: Any) -> Check:
    """The fast form of the `pattern` keyword (same verdict as `_pattern_keyword`)."""
    return lambda v: not isinstance(v, str) or _matches(pattern, v)


def _region_accepts(rule: Any, instance: Any) -> bool:
    """`x-loket-region`: the answer's code is a known area at the rule's level and inside its
    `within` area (a code only; the names are the server's)."""
    if not isinstance(instance, Mapping) or not isinstance(rule, Mapping):
        return True  # the type keyword names a wrong shape
    return regions.accepts(instance.get("code"), rule.get("within"), str(rule.get("level")))


def _region_keyword(
    validator: Any, rule: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not _region_accepts(rule, instance):
        yield ValidationError(f"{instance!r} is not an area of {rule!r}")


def _region_check(rule: Any) -> Check:
    """The fast form of `x-loket-region` (same verdict as `_region_keyword`)."""
    return lambda v: _region_accepts(rule, v)


def _rules_keyword(
    validator: Any, spec: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`x-loket-rules`: the form's rules across answers, by the one evaluator."""
    for index in rules.failing(spec.get("rules", []), spec.get("computed", {}), instance):
        yield ValidationError(f"rule {index} does not hold", path=[spec["rules"][index]["at"]])


def _links_keyword(
    validator: Any, links: list[Mapping[str, Any]], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`x-loket-date-links`: date limits that read another answer, by the one evaluator."""
    for index in date_limits.failing(links, instance):
        yield ValidationError(f"date limit {index} does not hold", path=[links[index]["field"]])


def _links_check(links: Any) -> Check:
    """The fast form of `x-loket-date-links` (the same evaluator)."""
    return lambda v: not date_limits.failing(links, v)


def _exits_keyword(
    validator: Any, spec: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`x-loket-exits`: no exit page's condition holds, by the one evaluator."""
    for stop in spec.get("exits", []):
        if _condition_check({"computed": spec.get("computed", {}), "condition": stop["when"]})(
            instance
        ) and isinstance(instance, Mapping):
            yield ValidationError(f"exit {stop['id']} applies")


def _exits_check(spec: Any) -> Check:
    """The fast form of `x-loket-exits` (the same evaluator)."""
    tests = [
        _condition_check({"computed": spec.get("computed", {}), "condition": stop["when"]})
        for stop in spec.get("exits", [])
    ]
    return lambda v: not isinstance(v, Mapping) or not any(test(v) for test in tests)


def _rules_check(spec: Any) -> Check:
    """The fast form of `x-loket-rules` (the same evaluator)."""
    return lambda v: not rules.failing(spec.get("rules", []), spec.get("computed", {}), v)


def fast_check(schema: Mapping[str, Any]) -> Check | None:
    """A compiled yes/no check for a submission schema, or None if it uses unknown keywords."""
    formats: dict[str, Check] = {
        "loket-date": lambda v: not isinstance(v, str) or values.parse_iso_date(v) is not None,
        "loket-email": lambda v: not isinstance(v, str) or values.is_email(v),
        "loket-phone": lambda v: not isinstance(v, str) or values.is_phone(v),
        "loket-nik": lambda v: not isinstance(v, str) or values.check_nik(v) is None,
        "loket-line": lambda v: not isinstance(v, str) or values.is_single_line(v),
        "loket-time": lambda v: not isinstance(v, str) or values.is_time(v),
    }
    keywords = {f"x-loket-date-{op}": _date_check(op) for op in ("gt", "gte", "lt", "lte")}
    keywords.update({f"x-loket-time-{op}": _time_check(op) for op in ("min", "max")})
    keywords["pattern"] = _pattern_check
    keywords["x-loket-region"] = _region_check
    keywords["x-loket-rules"] = _rules_check
    keywords["x-loket-date-links"] = _links_check
    keywords["x-loket-exits"] = _exits_check
    keywords["x-loket-condition"] = _condition_check
    try:
        return compile_check(schema, formats=formats, keywords=keywords)
    except Unsupported:
        return None


@cache
def _validator_class() -> Any:
    keywords = {f"x-loket-date-{op}": _date_keyword(op) for op in ("gt", "gte", "lt", "lte")}
    keywords.update({f"x-loket-time-{op}": _time_keyword(op) for op in ("min", "max")})
    keywords["pattern"] = _pattern_keyword
    keywords["x-loket-region"] = _region_keyword
    keywords["x-loket-rules"] = _rules_keyword
    keywords["x-loket-date-links"] = _links_keyword
    keywords["x-loket-exits"] = _exits_keyword
    keywords["x-loket-condition"] = _condition_keyword
    return validators.extend(Draft202012Validator, keywords)


@cache
def format_checker() -> FormatChecker:
    """The formats of submission schemas."""
    checker = FormatChecker(formats=())
    checker.checks("loket-date")(
        lambda v: not isinstance(v, str) or values.parse_iso_date(v) is not None
    )
    checker.checks("loket-email")(lambda v: not isinstance(v, str) or values.is_email(v))
    checker.checks("loket-phone")(lambda v: not isinstance(v, str) or values.is_phone(v))
    checker.checks("loket-nik")(lambda v: not isinstance(v, str) or values.check_nik(v) is None)
    checker.checks("loket-line")(lambda v: not isinstance(v, str) or values.is_single_line(v))
    checker.checks("loket-time")(lambda v: not isinstance(v, str) or values.is_time(v))
    return checker


def _condition_keyword(
    validator: Any, spec: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`x-loket-condition`: a condition that reads computed values, by the one evaluator."""
    if not _condition_check(spec)(instance):
        yield ValidationError("the condition does not hold")


def _condition_check(spec: Any) -> Check:
    """The fast form of `x-loket-condition` (the same evaluator)."""

    def check(instance: Any) -> bool:
        if not isinstance(instance, Mapping):
            return True
        found = computed.evaluate_all(spec["computed"], instance)
        basis = {
            **instance,
            **{k: computed.as_answer(v) for k, v in found.items() if v is not None},
        }
        return conditions.evaluate(spec["condition"], basis)

    return check


def _visibility_rules(
    plans: tuple[FieldPlan, ...],
    page_conditions: Mapping[str, Any],
    named: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for plan in plans:
        if not plan.has_value:
            continue
        effective = conditions.conjunction(page_conditions.get(plan.page_id), plan.condition)
        if effective is None:
            continue
        if named and conditions.referenced_fields(effective) & set(named):
            shown = {"x-loket-condition": {"computed": dict(named), "condition": effective}}
        else:
            shown = conditions.to_schema(effective)
        absent = {"not": {"required": [plan.key]}}
        if plan.required:
            rules.append({"if": shown, "then": {"required": [plan.key]}, "else": absent})
        else:
            rules.append({"if": shown, "else": absent})
    return rules


def _object_schema(
    plans: tuple[FieldPlan, ...],
    page_conditions: Mapping[str, Any],
    named: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for plan in plans:
        if not plan.has_value:
            continue
        schema = plan.kind.value_schema(plan.spec)
        if plan.type == "group":
            schema["items"] = _object_schema(plan.children, {})
        properties[plan.key] = schema
        unconditional = plan.condition is None and page_conditions.get(plan.page_id) is None
        if plan.required and unconditional:
            required.append(plan.key)
    result: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        result["required"] = required
    rules = _visibility_rules(plans, page_conditions, named) + _filter_rules(plans)
    if rules:
        result["allOf"] = rules
    return result


def _filter_rules(plans: tuple[FieldPlan, ...]) -> list[dict[str, Any]]:
    """Dependent options: a grouped option only with a matching answer of the filter field."""
    types = {plan.key: plan.type for plan in plans}
    rules: list[dict[str, Any]] = []
    for plan in plans:
        source = plan.spec.get("filter_by")
        if isinstance(source, str) and source in types:
            rules.extend(option_lists.schema_rules(plan.key, plan.spec, source, types[source]))
    return rules


def _value_properties(plans: Iterable[FieldPlan]) -> dict[str, Any]:
    """Value schemas of answer fields, groups with their items' values (no requiredness)."""
    properties: dict[str, Any] = {}
    for plan in plans:
        if not plan.has_value:
            continue
        schema = plan.kind.value_schema(plan.spec)
        if plan.type == "group":
            schema["items"] = {"type": "object", "properties": _value_properties(plan.children)}
        properties[plan.key] = schema
    return properties


def _plan_fields(
    specs: list[Mapping[str, Any]], page_id: str, pointer: str
) -> tuple[FieldPlan, ...]:
    plans = []
    for index, spec in enumerate(specs):
        here = join(pointer, index)
        children = (
            _plan_fields(spec.get("fields", []), page_id, join(here, "fields"))
            if spec.get("type") == "group"
            else ()
        )
        plans.append(
            FieldPlan(
                str(spec["key"]),
                str(spec["type"]),
                spec,
                page_id,
                here,
                spec.get("visible_if"),
                children,
            )
        )
    return tuple(plans)


@dataclass
class CompiledService:
    """A compiled definition: submission schema, plan, and a cached validator."""

    definition: Mapping[str, Any]
    digest: str
    pages: tuple[PagePlan, ...]
    schema: dict[str, Any]
    fields: dict[str, FieldPlan] = field(default_factory=dict)
    _validator: Any = None
    _value_validator: Any = None
    _value_check: Any = None
    _filtered: tuple[tuple[tuple[str, FieldPlan], ...], dict[str, str]] | None = None
    _conditional: bool | None = None
    _officer: dict[int, CompiledService | None] = field(default_factory=dict)
    _applicant: dict[int, CompiledService | None] = field(default_factory=dict)
    computed: Mapping[str, Any] = field(default_factory=dict)
    _reads_computed: bool | None = None
    rules: tuple[Mapping[str, Any], ...] = ()
    date_links: tuple[Mapping[str, Any], ...] = ()
    exits: tuple[ExitPlan, ...] = ()

    @property
    def validator(self) -> Any:
        """The validator of the full submission schema (visibility included), built once."""
        if self._validator is None:
            self._validator = _validator_class()(self.schema, format_checker=format_checker())
        return self._validator

    @property
    def value_validator(self) -> Any:
        """The validator of answer values only, built once.

        Requiredness and visibility are decided in Python from the plan (the same rules the
        full schema states with if/then/else), which spares jsonschema the conditional
        branches: validating a pruned submission then costs one pass over its values.
        """
        if self._value_validator is None:
            schema = {"type": "object", "properties": _value_properties(self.fields.values())}
            self._value_validator = _validator_class()(schema, format_checker=format_checker())
        return self._value_validator

    def page(self, page_id: str) -> PagePlan | None:
        """The page with id `page_id`."""
        return next((p for p in self.pages if p.id == page_id), None)

    # -- visibility -------------------------------------------------------------------------

    def exit_for(
        self,
        answers: Mapping[str, Any],
        today: dt.date | None = None,
        *,
        upto: int | None = None,
    ) -> ExitPlan | None:
        """The first exit whose condition holds for these answers (None: go on).

        `upto`: only exits checked on pages up to that index (the page just saved); an exit
        of a page applies only while its page is shown."""
        if not self.exits:
            return None
        kept = self.prune(answers, today)
        basis = self.with_computed(kept, today)
        for plan in self.exits:
            if upto is not None and plan.page_index > upto:
                continue
            page = self.page(plan.page_id)
            if plan.own_page and page and not conditions.evaluate(page.condition, basis, today):
                continue
            if conditions.evaluate(plan.condition, basis, today):
                return plan
        return None

    def exit_named(self, exit_id: str) -> ExitPlan | None:
        """The exit called `exit_id`."""
        return next((plan for plan in self.exits if plan.id == exit_id), None)

    def officer_form(self, transition: int) -> CompiledService | None:
        """The compiled officer fields of the transition at index `transition` (None if it has
        none): the same plan, checks and messages as the form, built once."""
        if transition not in self._officer:
            self._officer[transition] = compile_officer_fields(self.definition, transition)
        return self._officer[transition]

    def applicant_form(self, transition: int) -> CompiledService | None:
        """The form fields an applicant action at index `transition` asks for, as a one-page
        form where each is required (None if the transition asks for none)."""
        if transition not in self._applicant:
            self._applicant[transition] = compile_applicant_fields(self.definition, transition)
        return self._applicant[transition]

    def _prune_once(
        self, answers: Mapping[str, Any], basis: Mapping[str, Any], today: dt.date | None
    ) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for page in self.pages:
            if not conditions.evaluate(page.condition, basis, today):
                continue
            for plan in page.fields:
                if not plan.has_value or not conditions.evaluate(plan.condition, basis, today):
                    continue
                value = plan.kind.normalise(plan.spec, answers.get(plan.key))
                if plan.type == "group":
                    value = self._prune_items(plan, value, today)
                if not conditions.is_empty(value):
                    kept[plan.key] = value
        return kept

    def _prune_items(
        self, plan: FieldPlan, items: Any, today: dt.date | None
    ) -> list[dict[str, Any]]:
        if not isinstance(items, list):
            return []
        result = []
        for item in items:
            if not isinstance(item, Mapping):
                continue
            kept = self._prune_item(plan, item, today)
            if kept:
                result.append(kept)
        return result

    def prune_item(
        self, plan: FieldPlan, item: Mapping[str, Any], today: dt.date | None = None
    ) -> dict[str, Any]:
        """One item of the repeatable group `plan` as `prune` keeps it: the answers of its
        visible fields, empty ones dropped (an empty result: the item is dropped)."""
        return self._prune_item(plan, item, today)

    def _prune_item(
        self, plan: FieldPlan, item: Mapping[str, Any], today: dt.date | None
    ) -> dict[str, Any]:
        basis: Mapping[str, Any] = item
        for _ in range(len(plan.children) + 2):
            kept: dict[str, Any] = {}
            for child in plan.children:
                if child.has_value and conditions.evaluate(child.condition, basis, today):
                    value = child.kind.normalise(child.spec, item.get(child.key))
                    if not conditions.is_empty(value):
                        kept[child.key] = value
            if kept == basis:
                break
            basis = kept
        return dict(basis)

    def prune(
        self,
        answers: Mapping[str, Any],
        today: dt.date | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Only the answers of visible fields, in form order; empty answers dropped.

        `context` holds answers of other fields that conditions may read but that are not
        this form's own (the applicant's answers, for an officer form); they are not returned.
        """
        fixed = dict(context or {})
        basis: Mapping[str, Any] = self.with_computed({**fixed, **answers}, today)
        if not self._has_conditions():
            return self._prune_once(answers, basis, today)  # nothing can hide anything
        for _ in range(len(self.fields) + 2):
            kept = self._prune_once(answers, basis, today)
            following = self.with_computed({**fixed, **kept}, today)
            if following == basis:
                return kept
            basis = following
        return {k: v for k, v in basis.items() if k in self.fields}

    def computed_values(
        self, answers: Mapping[str, Any], today: dt.date | None = None
    ) -> dict[str, Any]:
        """The computed values of (pruned) answers, None when empty (`builder.computed`)."""
        if not self.computed:
            return {}
        found = computed.evaluate_all(self.computed, answers, today)
        return {name: computed.as_answer(value) for name, value in found.items()}

    def with_computed(
        self, answers: Mapping[str, Any], today: dt.date | None = None
    ) -> Mapping[str, Any]:
        """Answers with the non-empty computed values beside them, as conditions read them."""
        if not self._conditions_read_computed():
            return answers
        found = self.computed_values(answers, today)
        return {**answers, **{k: v for k, v in found.items() if v is not None}}

    def _conditions_read_computed(self) -> bool:
        """Whether a page or field condition reads a computed value (else conditions need not
        see them, which spares working them out on every check)."""
        if self._reads_computed is None:
            read: set[str] = set()
            for page in self.pages:
                read |= conditions.referenced_fields(page.condition)
                for plan in page.fields:
                    read |= conditions.referenced_fields(plan.condition)
            self._reads_computed = bool(read & set(self.computed))
        return self._reads_computed

    def _has_conditions(self) -> bool:
        if self._conditional is None:
            self._conditional = any(page.condition for page in self.pages) or any(
                plan.condition for plan in self.fields.values()
            )
        return bool(self._conditional)

    def visible_pages(
        self,
        answers: Mapping[str, Any],
        today: dt.date | None = None,
        *,
        pruned: Mapping[str, Any] | None = None,
    ) -> list[PagePlan]:
        """The pages shown for these answers (`pruned`: `prune(answers, today)`, when the
        caller has it already)."""
        kept = self.prune(answers, today) if pruned is None else pruned
        return [p for p in self.pages if conditions.evaluate(p.condition, kept, today)]

    def is_visible(
        self, plan: FieldPlan, answers: Mapping[str, Any], today: dt.date | None = None
    ) -> bool:
        """Whether a top-level field is shown for these answers."""
        kept = self.prune(answers, today)
        page = self.page(plan.page_id)
        return bool(
            page
            and conditions.evaluate(page.condition, kept, today)
            and conditions.evaluate(plan.condition, kept, today)
        )

    # -- validation -------------------------------------------------------------------------

    def unknown_keys(self, answers: Mapping[str, Any]) -> list[str]:
        """Answer keys that are not fields of this service."""
        return [k for k in answers if k not in self.fields or not self.fields[k].has_value]

    def validate(
        self,
        answers: Mapping[str, Any],
        today: dt.date | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[AnswerError]:
        """Errors of already pruned answers, one per place, in form order.

        `today` is the day date bounds and conditions count from (default: the real today);
        `context` as in `prune`.
        """
        with values.as_of(today):
            return self._validate(answers, context or {})

    def _validate(
        self, answers: Mapping[str, Any], context: Mapping[str, Any]
    ) -> list[AnswerError]:
        errors: dict[tuple[str, str], AnswerError] = {}
        for item in self._presence_errors(answers, context):
            errors.setdefault((item.pointer, item.key), item)
        if isinstance(answers, Mapping) and not self._values_pass(answers):
            for error in self.value_validator.iter_errors(answers):
                for item in self._translate(error, answers):
                    errors.setdefault((item.pointer, item.key), item)
        for item in self._rule_errors(answers):
            errors.setdefault((item.pointer, item.key), item)
        for item in self._link_errors({**context, **answers} if context else answers):
            errors.setdefault((item.pointer, item.key), item)
        if isinstance(answers, Mapping):
            for item in self._filter_errors(answers):
                errors.setdefault((item.pointer, item.key), item)
        order = {key: index for index, key in enumerate(self.fields)}
        return sorted(errors.values(), key=lambda e: (order.get(e.key, 10**6), e.pointer))

    def _rule_errors(self, answers: Mapping[str, Any]) -> Iterator[AnswerError]:
        """The form's rules that do not hold, each beside its `at` field."""
        for index in rules.failing(self.rules, self.computed, answers):
            rule = self.rules[index]
            at = str(rule["at"])
            yield make_error(
                pointer=from_parts([at]),
                key=at,
                rule="rule",
                spec={"messages": {"rule": rule["message"]}},
            )

    def _link_errors(self, basis: Mapping[str, Any]) -> Iterator[AnswerError]:
        """Date limits that read another answer and do not hold, each beside its field."""
        for index in date_limits.failing(self.date_links, basis):
            link = self.date_links[index]
            key = str(link["field"])
            plan = self.fields.get(key)
            day = date_limits.limit(link, basis)
            bound = str(link["bound"])
            yield make_error(
                pointer=from_parts([key]),
                key=key,
                rule=bound,
                spec=plan.spec if plan else {"label": key},
                variant=f"{bound}_date",
                limit=day.isoformat() if day else None,
            )

    def _values_pass(self, answers: Mapping[str, Any]) -> bool:
        """The fast compiled check of the answer values (False means: ask jsonschema)."""
        if self._value_check is None:
            self._value_check = fast_check(self.value_validator.schema) or (lambda v: False)
        return bool(self._value_check(answers))

    def _filter_errors(self, answers: Mapping[str, Any]) -> Iterator[AnswerError]:
        """Dependent options: an answer outside the options its filter field's answer offers."""
        if self._filtered is None:  # the fields with a filter, found once
            types = {key: plan.type for key, plan in self.fields.items()}
            plans = tuple(
                (key, plan)
                for key, plan in self.fields.items()
                if isinstance(plan.spec.get("filter_by"), str) and plan.spec["filter_by"] in types
            )
            self._filtered = (plans, types)
        plans, types = self._filtered
        for key, plan in plans:
            allowed = option_lists.filtered(plan.spec, answers, types)
            if allowed is None:
                continue
            for index in option_lists.outside(answers.get(key), allowed):
                path: list[Any] = [key] if index is None else [key, index]
                yield make_error(
                    pointer=from_parts(path),
                    key=key,
                    rule="invalid",
                    spec=plan.spec,
                    variant="not_offered_choice",
                )

    def _presence_errors(
        self, answers: Mapping[str, Any], context: Mapping[str, Any]
    ) -> Iterator[AnswerError]:
        """Missing required answers of visible fields, and answers no visible field asks for."""
        shown: set[str] = set()
        basis = self.with_computed({**context, **answers} if context else answers)
        for page in self.pages:
            if not conditions.evaluate(page.condition, basis):
                continue
            for plan in page.fields:
                if not plan.has_value or not conditions.evaluate(plan.condition, basis):
                    continue
                shown.add(plan.key)
                value = answers.get(plan.key)
                if value is None:
                    if plan.required:
                        yield self._error([plan.key], "required")
                elif plan.type == "group" and isinstance(value, list):
                    yield from self._item_presence_errors(plan, value)
        for key in answers:
            if key not in shown:
                if key in self.fields:
                    yield self._error([key], "unknown")
                else:
                    yield make_error(
                        pointer=f"/{key}", key=key, rule="unknown", spec={"label": key}
                    )

    def _item_presence_errors(self, plan: FieldPlan, items: list[Any]) -> Iterator[AnswerError]:
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            shown = set()
            for child in plan.children:
                if not child.has_value or not conditions.evaluate(child.condition, item):
                    continue
                shown.add(child.key)
                if item.get(child.key) is None and child.required:
                    yield self._error([plan.key, index, child.key], "required")
            for key in item:
                if key not in shown:
                    pointer = from_parts([plan.key, index, key])
                    label = next((c.spec for c in plan.children if c.key == key), {"label": key})
                    yield make_error(pointer=pointer, key=plan.key, rule="unknown", spec=label)

    def check(
        self,
        answers: Mapping[str, Any],
        today: dt.date | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], list[AnswerError]]:
        """Prune then validate: the answers that would be stored and their errors.

        `today` is the day date bounds and conditions count from (default: the real today);
        a case corrected after a send-back passes the day it was first filed. `context` as in
        `prune` (an officer form gets the case's answers).
        """
        pruned = self.prune(answers, today, context)
        return pruned, self.validate(pruned, today, context)

    def page_errors(
        self, page_id: str, answers: Mapping[str, Any], today: dt.date | None = None
    ) -> list[AnswerError]:
        """Errors that concern the fields of one page (`today` as in `check`)."""
        page = self.page(page_id)
        if page is None:
            return []
        pruned = self.prune(answers, today)
        return [e for e in self.validate(pruned, today) if e.key in page.keys]

    def _spec_at(self, path: list[Any]) -> tuple[str, Mapping[str, Any]] | None:
        if not path:
            return None
        top = self.fields.get(str(path[0]))
        if top is None:
            return None
        if len(path) >= 3 and top.type == "group":
            child = next((c for c in top.children if c.key == path[2]), None)
            if child is not None:
                return child.type, child.spec
        return top.type, top.spec

    def _translate(self, error: ValidationError, answers: Mapping[str, Any]) -> list[AnswerError]:
        path = list(error.absolute_path)
        keyword = str(error.validator)
        if keyword == "required":
            missing = [
                k
                for k in error.validator_value
                if isinstance(error.instance, Mapping) and k not in error.instance
            ]
            return [self._error([*path, k], "required") for k in missing]
        if keyword == "additionalProperties" and isinstance(error.instance, Mapping):
            known = (
                set(error.schema.get("properties", {}))
                if isinstance(error.schema, Mapping)
                else set()
            )
            return [
                AnswerError(
                    from_parts([*path, k]),
                    str(path[0]) if path else k,
                    "unknown",
                    make_error(pointer="", key=k, rule="unknown", spec={"label": k}).message,
                )
                for k in error.instance
                if k not in known
            ]
        if (
            keyword == "not"
            and isinstance(error.validator_value, Mapping)
            and "required" in error.validator_value
        ):
            hidden = error.validator_value["required"]
            return [self._error([*path, k], "unknown") for k in hidden]
        if not path:
            return []
        rule, limit = _RULES.get(keyword, ("invalid", None)), None
        if keyword in _LIMITED:
            limit = error.validator_value
        name = rule[0] if isinstance(rule, tuple) else rule
        if keyword == "format" and error.validator_value == "loket-line":
            name = "single_line"
        if keyword.startswith("x-loket-date-"):
            name = "min" if keyword.endswith(("gt", "gte")) else "max"
        if keyword.startswith("x-loket-time-"):
            name = keyword.rsplit("-", 1)[1]
        return [self._error(path, name, limit=limit, value=error.instance, keyword=keyword)]

    def _error(
        self, path: list[Any], rule: str, *, limit: Any = None, value: Any = None, keyword: str = ""
    ) -> AnswerError:
        found = self._spec_at(path)
        top = str(path[0]) if path else ""
        pointer = from_parts(path)
        if found is None:
            return make_error(pointer=pointer, key=top, rule="unknown", spec={"label": top})
        kind, spec = found
        if kind in {"file", "region"}:
            # a file or an area is one thing to the citizen
            # (inside a group's item: that item's field, `/group/index/child`)
            in_item = len(path) >= 3 and self.fields[top].type == "group"
            pointer = from_parts(path[:3] if in_item else path[:1])
        variant = _variant(kind, rule, spec, value, keyword)
        if rule in {"min", "max"} and kind == "date":
            limit = spec.get(rule)
            if isinstance(limit, Mapping):  # a day of the year: the day it is now
                day = values.resolve_date_bound(limit)
                limit = day.isoformat() if day else None
        if rule in {"min", "max"} and kind == "time":
            bound = str(spec.get(rule, ""))
            limit = {lang: values.time_text(bound, lang) for lang in ("id", "en")}
        if kind == "file" and rule == "max":
            limit = spec.get("max_mb", 2)
            variant = "file_too_big"
        if kind == "group" and rule in {"min_items", "max_items"}:
            limit = spec.get(rule, limit)
        if kind == "region":
            level = regions.LEVEL_TITLES[str(spec.get("level", "village"))]
            limit = {lang: localise(level, lang).lower() for lang in ("id", "en")}
        return make_error(
            pointer=pointer, key=top, rule=rule, spec=spec, variant=variant, limit=limit
        )


_RULES: dict[str, tuple[str, None]] = {
    "minLength": ("min_length", None),
    "maxLength": ("max_length", None),
    "pattern": ("pattern", None),
    "minimum": ("min", None),
    "exclusiveMinimum": ("min", None),
    "maximum": ("max", None),
    "exclusiveMaximum": ("max", None),
    "minItems": ("min_items", None),
    "maxItems": ("max_items", None),
    "const": ("required", None),
}
_LIMITED = {
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
}


def _variant(kind: str, rule: str, spec: Mapping[str, Any], value: Any, keyword: str) -> str | None:
    if kind == "region" and rule in {"required", "invalid"}:
        return f"{rule}_region"
    if rule == "required":
        if kind in {"choice", "multichoice", "yesno"}:
            return "required_choice"
        if kind == "file":
            return "required_file"
        if kind == "declaration":
            return "required_declaration"
        return None
    if rule in {"min", "max"} and kind in {"date", "time"}:
        return f"{rule}_{kind}"
    if rule == "single_line":
        return (
            f"single_line_{values.line_problem(value) or 'break'}"
            if isinstance(value, str)
            else None
        )
    if rule == "min_items" and kind == "multichoice" and not spec.get("min_items"):
        return "required_choice"
    if rule != "invalid":
        return None
    if kind == "nik" and isinstance(value, str):
        reason = values.check_nik(value)
        return f"nik_{reason}" if reason else None
    if kind == "number":
        return "invalid_integer" if spec.get("integer") else "invalid_number"
    return {
        "date": "invalid_date",
        "time": "invalid_time",
        "email": "invalid_email",
        "phone": "invalid_phone",
        "choice": "invalid_choice",
        "multichoice": "invalid_choice",
        "yesno": "invalid_yesno",
        "file": "invalid_file",
    }.get(kind)


def compile_definition(definition: Mapping[str, Any]) -> CompiledService:
    """Compile a valid definition (call `validate` first; invalid input may raise)."""
    page_plans = []
    expanded = option_lists.expand(definition)
    for index, page in enumerate(expanded["form"]["pages"]):
        plans = _plan_fields(page["fields"], str(page["id"]), join("/form/pages", index, "fields"))
        page_plans.append(PagePlan(str(page["id"]), index, page, page.get("visible_if"), plans))
    page_conditions = {p.id: p.condition for p in page_plans if p.condition}
    all_fields = tuple(plan for page in page_plans for plan in page.fields)
    named = dict(definition["form"].get("computed") or {})
    body = _object_schema(all_fields, page_conditions, named)
    key = digest(definition)
    schema = {
        "$schema": SUBMISSION_DIALECT,
        "$id": f"urn:loket:{definition['agency']}:{definition['id']}:{key[:16]}",
        "title": localise(definition.get("title"), "id"),
        **body,
    }
    checks = tuple(definition["form"].get("rules") or ())
    if checks:
        schema["x-loket-rules"] = {"computed": named, "rules": list(checks)}
    links = date_limits.links_of((plan.key, plan.spec) for plan in all_fields)
    if links:
        schema["x-loket-date-links"] = links
    exits = _exit_plans(expanded, page_plans)
    if exits:
        shown = {page.id: page.condition for page in page_plans}
        stops = [
            {
                "id": e.id,
                "when": conditions.conjunction(
                    shown[e.page_id] if e.own_page else None, e.condition
                ),
            }
            for e in exits
        ]
        schema["x-loket-exits"] = {"computed": named, "exits": stops}
    return CompiledService(
        definition,
        key,
        tuple(page_plans),
        schema,
        {plan.key: plan for plan in all_fields},
        computed=named,
        rules=checks,
        date_links=tuple(links),
        exits=exits,
    )


def _exit_plans(definition: Mapping[str, Any], pages: list[PagePlan]) -> tuple[ExitPlan, ...]:
    """The exits of the pages in order, then the form's, each with the page it is checked on."""
    where = {plan.key: page for page in pages for plan in page.fields}
    found = []
    for page in pages:
        for spec in page.spec.get("exits") or []:
            found.append(
                ExitPlan(str(spec["id"]), spec, spec["when"], page.id, page.index, own_page=True)
            )
    for spec in definition["form"].get("exits") or []:
        read = [where[k] for k in conditions.referenced_fields(spec["when"]) if k in where]
        last = max(read, key=lambda page: page.index) if read else pages[0]
        found.append(ExitPlan(str(spec["id"]), spec, spec["when"], last.id, last.index, False))
    return tuple(found)


def _transition_form(
    definition: Mapping[str, Any],
    transition: int,
    move: Mapping[str, Any],
    specs: list[Mapping[str, Any]],
    part: str,
    key_name: str,
) -> CompiledService:
    """The fields a transition asks for compiled as a one-page form whose page id is the
    transition's action; `part` names where the specs stand below the transition (for the
    problems' pointers), `key_name` the transition's number in the form's key."""
    action = str(move["action"])
    plans = _plan_fields(specs, action, join("/workflow/transitions", transition, part))
    page = PagePlan(action, 0, {"id": action, "title": move.get("label") or action}, None, plans)
    key = digest({"definition": digest(definition), key_name: transition})
    schema = {
        "$schema": SUBMISSION_DIALECT,
        "$id": f"urn:loket:{definition['agency']}:{definition['id']}:{key[:16]}:{action}",
        "title": localise(page.spec["title"], "id"),
        **_object_schema(plans, {}),
    }
    links = date_limits.links_of((plan.key, plan.spec) for plan in plans)
    return CompiledService(
        definition, key, (page,), schema, {p.key: p for p in plans}, date_links=tuple(links)
    )


def compile_officer_fields(
    definition: Mapping[str, Any], transition: int
) -> CompiledService | None:
    """The officer fields of one transition compiled as a one-page form, or None without any.

    The page's id is the transition's action. Conditions may read the applicant's answers:
    pass them as `context` when checking (they are not part of this form's own answers).
    """
    moves = option_lists.expand(definition).get("workflow", {}).get("transitions", [])
    move = moves[transition] if 0 <= transition < len(moves) else None
    specs = move.get("fields") if isinstance(move, Mapping) else None
    if not specs:
        return None
    assert move is not None
    return _transition_form(definition, transition, move, list(specs), "fields", "transition")


def compile_applicant_fields(
    definition: Mapping[str, Any], transition: int
) -> CompiledService | None:
    """The form fields an applicant action asks for (`applicant_fields`) compiled as a one-page
    form, or None when it asks for none (or is not an applicant action).

    Each field keeps its spec from the form (type, accept, limits, messages) and is required:
    the applicant takes the action to send it. The page's id is the transition's action.
    """
    expanded = option_lists.expand(definition)
    moves = expanded.get("workflow", {}).get("transitions", [])
    move = moves[transition] if 0 <= transition < len(moves) else None
    if not isinstance(move, Mapping) or not is_applicant_action(expanded, move):
        return None
    wanted = applicant_field_keys(move)
    top = {ref.key: ref.spec for ref in iter_fields(expanded, include_children=False)}
    specs: list[Mapping[str, Any]] = [
        {k: v for k, v in top[key].items() if k != "follows_later"} | {"required": True}
        for key in wanted
        if key in top
    ]
    if not specs:
        return None
    return _transition_form(definition, transition, move, specs, "applicant", "applicant")


_CACHE: OrderedDict[str, CompiledService] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 256


def cached(key: str) -> CompiledService | None:
    """The compilation cached under a content hash, if there is one (nothing is compiled)."""
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def compiled(definition: Mapping[str, Any], *, key: str | None = None) -> CompiledService:
    """A cached compilation, keyed by the definition's content hash."""
    key = key or digest(definition)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    result = compile_definition(definition)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result
