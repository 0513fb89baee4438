"""Semantic checks on computed values and form rules: known names, types, cycles, placement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder import computed, conditions, rules, values
from builder.form_checks import check_condition
from builder.model import Definition, FieldRef, iter_fields
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem

_FIELD_TYPES = {"number": "number", "date": "date", "nik": "nik", "group": "group"}
_WORDS = {
    "number": ("angka", "a number"),
    "date": ("tanggal", "a date"),
    "nik": ("NIK", "a NIK"),
    "group": ("grup", "a group"),
}


def _form(definition: Definition) -> Mapping[str, Any]:
    form = definition.get("form")
    return form if isinstance(form, Mapping) else {}


def computed_of(definition: Definition) -> Mapping[str, Any]:
    """The form's computed values by name."""
    found = _form(definition).get("computed")
    return found if isinstance(found, Mapping) else {}


def rules_of(definition: Definition) -> list[Mapping[str, Any]]:
    """The form's rules."""
    found = _form(definition).get("rules")
    return [r for r in found if isinstance(r, Mapping)] if isinstance(found, list) else []


def _word(kind: str | None) -> tuple[str, str]:
    if kind in _WORDS:
        return _WORDS[kind]
    return (f"teks/pilihan ({kind})", f"a text or choice ({kind})")


class _Checker:
    def __init__(self, definition: Definition) -> None:
        self.refs = {ref.key: ref for ref in iter_fields(definition)}
        self.top = {k: r for k, r in self.refs.items() if r.group is None}
        self.computed = computed_of(definition)
        self.found: list[Problem] = []
        self.types: dict[str, str | None] = {}
        self.busy: set[str] = set()

    def field_type(self, ref: FieldRef) -> str:
        return _FIELD_TYPES.get(ref.type, ref.type)

    def computed_type(self, name: str) -> str | None:
        if name in self.types:
            return self.types[name]
        if name in self.busy or name not in self.computed:
            return None
        self.busy.add(name)
        found = self.type_of(self.computed[name], "", report=False)
        self.busy.discard(name)
        self.types[name] = found
        return found

    def need(self, expression: Any, pointer: str, wanted: set[str], what: tuple[str, str]) -> None:
        kind = self.type_of(expression, pointer)
        if kind is not None and kind not in wanted:
            expected = " / ".join(_word(w)[0] for w in sorted(wanted))
            expected_en = " or ".join(_word(w)[1] for w in sorted(wanted))
            name = (
                expression.get("field") or expression.get("computed")
                if isinstance(expression, Mapping)
                else expression
            )
            self.add(
                problem(
                    "expression-wrong-type",
                    pointer,
                    what=what[0],
                    what_en=what[1],
                    expected=expected,
                    expected_en=expected_en,
                    value=name,
                    type=kind,
                ),
            )

    def add(self, item: Problem, report: bool = True) -> None:
        if report:
            self.found.append(item)

    def group(self, name: Any, pointer: str, report: bool = True) -> FieldRef | None:
        ref = self.top.get(name) if isinstance(name, str) else None
        if ref is None:
            self.add(
                problem(
                    "expression-unknown-field",
                    pointer,
                    value=name,
                    **did_you_mean(name, [k for k, r in self.top.items() if r.type == "group"]),
                ),
                report,
            )
            return None
        if ref.type != "group":
            self.add(problem("expression-not-group", pointer, value=name, type=ref.type), report)
            return None
        return ref

    def child(
        self, group: FieldRef, name: Any, pointer: str, report: bool = True
    ) -> FieldRef | None:
        kids = {r.key: r for r in self.refs.values() if r.group == group.key}
        found = kids.get(name) if isinstance(name, str) else None
        if found is None:
            self.add(
                problem(
                    "expression-unknown-child",
                    pointer,
                    value=name,
                    group=group.key,
                    **did_you_mean(name, kids),
                ),
                report,
            )
        return found

    def type_of(self, expression: Any, pointer: str, report: bool = True) -> str | None:
        """The type of an expression ('number', 'date', 'nik', a field type), reporting problems."""
        kind = computed.kind_of(expression)
        if kind == "value":
            raw = expression["value"] if isinstance(expression, Mapping) else expression
            if isinstance(raw, str):
                if values.parse_iso_date(raw) is None:
                    self.add(
                        problem("expression-bad-date", join(pointer, "value"), value=raw), report
                    )
                    return None
                return "date"
            return "number"
        if kind == "field":
            name = expression["field"]
            ref = self.top.get(name)
            if ref is None:
                self.add(
                    problem(
                        "expression-unknown-field",
                        join(pointer, "field"),
                        value=name,
                        **did_you_mean(name, self.top),
                    ),
                    report,
                )
                return None
            return self.field_type(ref)
        if kind == "computed":
            name = expression["computed"]
            if name not in self.computed:
                self.add(
                    problem(
                        "expression-unknown-computed",
                        join(pointer, "computed"),
                        value=name,
                        **did_you_mean(name, self.computed),
                    ),
                    report,
                )
                return None
            return self.computed_type(name)
        if not report:
            return {"age": "number", "days_between": "number"}.get(str(kind), "number")
        if kind == "age":
            self.need(expression["age"], join(pointer, "age"), {"date", "nik"}, ("Umur", "An age"))
            if "at" in expression:
                self.need(expression["at"], join(pointer, "at"), {"date"}, ("Umur", "An age"))
            return "number"
        if kind == "days_between":
            for index, part in enumerate(expression["days_between"]):
                self.need(
                    part,
                    join(pointer, "days_between", index),
                    {"date"},
                    ("Selisih hari", "Days between"),
                )
            return "number"
        if kind == "count":
            self.group(expression["count"], join(pointer, "count"))
            return "number"
        if kind == "sum":
            spec = expression["sum"]
            ref = self.group(spec["group"], join(pointer, "sum", "group"))
            if ref is not None:
                kid = self.child(ref, spec["field"], join(pointer, "sum", "field"))
                if kid is not None and kid.type != "number":
                    self.add(
                        problem(
                            "expression-wrong-type",
                            join(pointer, "sum", "field"),
                            what="Jumlah",
                            what_en="A sum",
                            expected="angka",
                            expected_en="a number",
                            value=kid.key,
                            type=kid.type,
                        )
                    )
            return "number"
        if kind in computed.ARITHMETIC:
            for index, part in enumerate(expression[kind]):
                self.need(part, join(pointer, kind, index), {"number"}, ("Hitungan", "Arithmetic"))
            return "number"
        return None

    def fields_read(self, expression: Any, seen: set[str] | None = None) -> set[str]:
        """Top-level fields an expression reads, through computed values too."""
        seen = seen if seen is not None else set()
        found: set[str] = set()
        for kind, name in computed.references(expression):
            if kind in {"field", "group"}:
                found.add(name)
            elif kind == "computed" and name not in seen and name in self.computed:
                seen.add(name)
                found |= self.fields_read(self.computed[name], seen)
        return found


def _cycles(checker: _Checker) -> list[Problem]:
    edges = {
        name: sorted({n for k, n in computed.references(expr) if k == "computed"})
        for name, expr in checker.computed.items()
    }
    found: list[Problem] = []
    reported: set[str] = set()

    def walk(name: str, path: list[str]) -> None:
        for nxt in edges.get(name, []):
            if nxt == path[0] and path[0] not in reported:
                reported.update(path)
                found.append(
                    problem(
                        "computed-cycle",
                        join("/form/computed", path[0]),
                        value=path[0],
                        cycle=" → ".join([*path, nxt]),
                    )
                )
            elif nxt not in path and nxt in edges and len(path) < 60:
                walk(nxt, [*path, nxt])

    for name in edges:
        if name not in reported:
            walk(name, [name])
    return found


def _conditional(ref: FieldRef, pages: list[Mapping[str, Any]]) -> bool:
    page = pages[ref.page_index] if ref.page_index < len(pages) else {}
    return bool(ref.spec.get("visible_if") or page.get("visible_if"))


def check_rules(definition: Definition) -> list[Problem]:
    """Check the form's computed values and rules."""
    checker = _Checker(definition)
    pages = [p for p in _form(definition).get("pages", []) if isinstance(p, Mapping)]
    for name, expression in checker.computed.items():
        pointer = join("/form/computed", name)
        if name in checker.refs:
            checker.add(problem("computed-name-taken", pointer, value=name))
        checker.type_of(expression, pointer)
    checker.found.extend(_cycles(checker))
    for index, rule in enumerate(rules_of(definition)):
        _check_rule(checker, rule, join("/form/rules", index), pages)
    _check_hidden_uses(checker, definition, pages)
    _check_condition_loops(checker)
    return checker.found


def _check_condition_loops(checker: _Checker) -> None:
    """A field shown on a condition over a computed value worked out from that same field."""
    for ref in checker.refs.values():
        for name in sorted(conditions.referenced_fields(ref.spec.get("visible_if"))):
            if name in checker.computed and ref.key in checker.fields_read(checker.computed[name]):
                checker.add(
                    problem(
                        "condition-cycle",
                        join(ref.pointer, "visible_if"),
                        value=ref.key,
                        cycle=f"{ref.key} → {name} → {ref.key}",
                    )
                )


def _check_rule(
    checker: _Checker, rule: Mapping[str, Any], pointer: str, pages: list[Mapping[str, Any]]
) -> None:
    tests = [k for k in rules.KINDS if k in rule]
    if len(tests) != 1:
        checker.add(
            problem("rule-test-count", pointer, count=len(tests), allowed=", ".join(rules.KINDS))
        )
        return
    kind = tests[0]
    body = rule[kind]
    here = join(pointer, kind)
    if kind == "compare":
        left = checker.type_of(body["left"], join(here, "left"))
        right = checker.type_of(body["right"], join(here, "right"))
        op = body["op"]
        if left is not None and right is not None:
            numeric = {left, right} <= {"number"}
            dated = {left, right} <= {"date"}
            loose = op in {"eq", "ne"} and not {left, right} & {"number", "date", "group"}
            if not (numeric or dated or loose):
                lw, rw = _word(left), _word(right)
                checker.add(
                    problem(
                        "rule-type-mismatch",
                        join(here, "op"),
                        left=lw[0],
                        right=rw[0],
                        left_en=lw[1],
                        right_en=rw[1],
                    )
                )
    elif kind == "days_apart":
        for end in ("from", "to"):
            checker.need(body[end], join(here, end), {"date"}, ("Selisih hari", "Days apart"))
    elif kind == "count_equals":
        checker.group(body["group"], join(here, "group"))
        checker.need(body["equals"], join(here, "equals"), {"number"}, ("Jumlah butir", "A count"))
    elif kind in {"exactly_one", "unique"}:
        ref = checker.group(body["group"], join(here, "group"))
        if ref is not None and kind == "unique":
            checker.child(ref, body["field"], join(here, "field"))
        if ref is not None and kind == "exactly_one":
            checker.found.extend(
                check_condition(
                    body["where"],
                    join(here, "where"),
                    owner=None,
                    page_index=ref.page_index,
                    visible=checker.refs,
                    group=ref.key,
                )
            )
    read = sorted(
        set(checker.fields_read({"add": [o for _, o in rules.operands(rule)]}))
        | {n for k, n in rules.references(rule) if k == "group"}
    )
    read = [k for k in read if k in checker.top]
    at = rule["at"]
    if at not in read:
        checker.add(
            problem(
                "rule-at-not-read", join(pointer, "at"), value=at, allowed=", ".join(read) or "-"
            )
        )
        return
    last = max(checker.top[k].page_index for k in read)
    if checker.top[at].page_index != last:
        on_last = [k for k in read if checker.top[k].page_index == last]
        checker.add(
            problem(
                "rule-at-not-last-page",
                join(pointer, "at"),
                value=at,
                page=checker.top[on_last[0]].page_id,
                at_page=checker.top[at].page_id,
                allowed=", ".join(on_last),
            )
        )


def _check_hidden_uses(
    checker: _Checker, definition: Definition, pages: list[Mapping[str, Any]]
) -> None:
    """Warn where a computed value a rule or condition uses reads a field that may be hidden."""
    uses: list[tuple[str, str, str, str]] = []  # computed name, pointer, used, used_en
    for index, rule in enumerate(rules_of(definition)):
        for kind, name in rules.references(rule):
            if kind == "computed":
                uses.append((name, join("/form/rules", index), "aturan", "rule"))
    for ref in checker.refs.values():
        condition = ref.spec.get("visible_if")
        for key in conditions.referenced_fields(condition):
            if key in checker.computed:
                uses.append((key, join(ref.pointer, "visible_if"), "kondisi", "condition"))
    for name, pointer, used, used_en in uses:
        if name not in checker.computed:
            continue
        for key in sorted(checker.fields_read(checker.computed[name])):
            read = checker.top.get(key)
            if read is not None and _conditional(read, pages):
                checker.add(
                    problem(
                        "computed-may-be-hidden",
                        pointer,
                        value=name,
                        field=key,
                        used=used,
                        used_en=used_en,
                    )
                )
                break


def computed_refs(definition: Definition) -> dict[str, FieldRef]:
    """Computed values as a condition sees them: a number or date field on the page of the
    last field they read."""
    checker = _Checker(definition)
    found: dict[str, FieldRef] = {}
    for name, expression in checker.computed.items():
        if name in checker.refs:
            continue
        kind = checker.computed_type(name) or "number"
        pages_read = [
            checker.top[k].page_index for k in checker.fields_read(expression) if k in checker.top
        ]
        page = max(pages_read, default=0)
        found[name] = FieldRef(
            name,
            {"type": kind if kind in {"number", "date"} else "number", "key": name},
            join("/form/computed", name),
            page,
            "",
            None,
            -1,
        )
    return found
