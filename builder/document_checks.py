"""Semantic checks on documents: number patterns, who issues them, and their placeholders.

Every placeholder must name something that has a value whenever the document is issued: an
answer the citizen always gives, an officer's field filled in on the issuing transition or on
a transition every case takes before it, or case, agency, document or signatory data. A value
that may be missing needs ``|default:<text>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.documents import (
    FILTERS,
    NAMES,
    UNPRINTABLE,
    OfficerField,
    Placeholder,
    TemplateError,
    documents,
    form_fields,
    issuers,
    known_keys,
    officer_fields,
    page_conditions,
    parse,
    texts,
)
from builder.model import Definition, FieldRef, sources, transitions
from builder.numbering import pattern_problems
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem

APPLICANT = "applicant"


def check_documents(definition: Definition) -> list[Problem]:
    """Errors and warnings in ``documents`` and in the transitions' ``issues``."""
    found: list[Problem] = []
    declared = documents(definition)
    for index, transition in enumerate(transitions(definition)):
        for pos, name in enumerate(transition.get("issues") or []):
            if name not in declared:
                found.append(
                    problem(
                        "document-unknown",
                        join("/workflow/transitions", index, "issues", pos),
                        value=name,
                        allowed=", ".join(declared) or "-",
                        **did_you_mean(name, declared),
                    )
                )
    roles = [r for r in definition.get("roles", {}) if r != APPLICANT]
    for document_id, spec in declared.items():
        pointer = join("/documents", document_id)
        found.extend(_check_number(spec, pointer))
        issued_by = issuers(definition, document_id)
        if not issued_by:
            found.append(problem("document-not-issued", pointer, value=document_id))
        for index in issued_by:
            transition = transitions(definition)[index]
            if APPLICANT in transition.get("roles", []):
                found.append(
                    problem(
                        "document-issued-by-applicant",
                        join("/workflow/transitions", index, "roles"),
                        value=document_id,
                        action=transition.get("action"),
                    )
                )
        for pos, role in enumerate(spec.get("revoke_roles") or []):
            if role not in roles:
                found.append(
                    problem(
                        "undeclared-role",
                        join(pointer, "revoke_roles", pos),
                        value=role,
                        allowed=", ".join(roles) or "-",
                        **did_you_mean(role, roles),
                    )
                )
        seen: set[str] = set()
        for pos, audience in enumerate(spec.get("visible_to") or []):
            if audience in seen:
                found.append(
                    problem(
                        "document-duplicate-audience",
                        join(pointer, "visible_to", pos),
                        value=audience,
                    )
                )
            seen.add(audience)
        found.extend(_check_placeholders(definition, spec, pointer, issued_by))
    return found


def _check_number(spec: Mapping[str, Any], pointer: str) -> list[Problem]:
    number = spec.get("number")
    if not isinstance(number, str):
        return []
    return [
        problem("document-bad-number", join(pointer, "number"), detail_id=id_text, detail_en=en)
        for id_text, en in pattern_problems(number)
    ]


class Places:
    """What placeholders can name in one definition, and when each value is there."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.form = form_fields(definition)
        self.officers: dict[str, list[OfficerField]] = {}
        for officer in officer_fields(definition):
            self.officers.setdefault(officer.key, []).append(officer)
        self.pages = page_conditions(definition)
        self.known = known_keys(definition)
        self._avoidable: dict[tuple[int, int], bool] = {}

    def avoidable(self, taken: int, issuer: int) -> bool:
        """True when a case can reach the issuing transition without taking `taken` first."""
        marker = (taken, issuer)
        if marker not in self._avoidable:
            self._avoidable[marker] = _reachable_without(self.definition, taken, issuer)
        return self._avoidable[marker]


def _reachable_without(definition: Definition, taken: int, issuer: int) -> bool:
    workflow = definition.get("workflow", {})
    start = workflow.get("initial")
    edges: dict[str, set[str]] = {}
    for index, transition in enumerate(transitions(definition)):
        if index == taken:
            continue
        for source in sources(transition):
            edges.setdefault(source, set()).add(str(transition.get("to")))
    seen = {str(start)}
    stack = [str(start)]
    while stack:
        for nxt in edges.get(stack.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return any(source in seen for source in sources(transitions(definition)[issuer]))


def _check_placeholders(
    definition: Definition, spec: Mapping[str, Any], pointer: str, issued_by: list[int]
) -> list[Problem]:
    found: list[Problem] = []
    places = Places(definition)
    for text, where in texts(spec, pointer):
        try:
            parts = parse(text)
        except TemplateError as error:
            found.append(
                problem(
                    "document-bad-placeholder",
                    where,
                    detail_id=error.detail_id,
                    detail_en=error.detail_en,
                    column=error.position + 1,
                )
            )
            continue
        seen: set[tuple[str, str]] = set()
        for part in parts:
            if isinstance(part, Placeholder):
                for item in check_placeholder(part, where, places, issued_by):
                    if (item.code, item.message["en"]) not in seen:  # {x} twice: said once
                        seen.add((item.code, item.message["en"]))
                        found.append(item)
    return found


def check_placeholder(
    part: Placeholder, where: str, places: Places, issued_by: list[int]
) -> list[Problem]:
    found: list[Problem] = []
    for item in part.filters:
        if item.name not in FILTERS:
            found.append(
                problem(
                    "document-unknown-filter",
                    where,
                    value=item.name,
                    key=part.key,
                    allowed=", ".join(FILTERS),
                    **did_you_mean(item.name, FILTERS),
                )
            )
    names = {f.name for f in part.filters}
    if part.namespace is not None:
        known = NAMES.get(part.namespace)
        if known is None:
            found.append(_unknown(part, where, places))
        elif part.name not in known:
            found.append(
                problem(
                    "document-unknown-name",
                    where,
                    value=part.key,
                    namespace=part.namespace,
                    allowed=", ".join(f"{{{part.namespace}.{n}}}" for n in known),
                    **did_you_mean(part.name, known),
                )
            )
        elif "terbilang" in names:
            found.append(
                problem("document-terbilang-not-number", where, value=part.key, type="text")
            )
        return found
    ref = places.form.get(part.key)
    officers = places.officers.get(part.key, [])
    if ref is None and not officers:
        return [*found, _unknown(part, where, places)]
    kind = ref.type if ref is not None else officers[0].type
    if kind == "file":
        return [*found, problem("document-file-as-text", where, value=part.key)]
    if ref is not None and ref.group is not None:
        return [
            *found,
            problem(
                "document-not-printable",
                where,
                value=part.key,
                type=kind,
                reason_id=f"ia diisi per butir grup '{ref.group}'",
                reason_en=f"it is filled in once per item of group '{ref.group}'",
            ),
        ]
    if kind in UNPRINTABLE:
        reason = (
            ("keterangan tidak berisi jawaban", "a notice holds no answer")
            if kind == "notice"
            else ("grup berisi banyak butir", "a group holds many items")
        )
        return [
            *found,
            problem(
                "document-not-printable",
                where,
                value=part.key,
                type=kind,
                reason_id=reason[0],
                reason_en=reason[1],
            ),
        ]
    if "terbilang" in names and kind != "number":
        found.append(problem("document-terbilang-not-number", where, value=part.key, type=kind))
    if part.default is not None:
        return found
    if ref is not None:
        found.extend(_answer_may_be_missing(part, where, ref, places))
    else:
        found.extend(_officer_value_may_be_missing(part, where, officers, places, issued_by))
    return found


def _unknown(part: Placeholder, where: str, places: Places) -> Problem:
    return problem(
        "document-unknown-key", where, value=part.key, **did_you_mean(part.key, places.known)
    )


def _answer_may_be_missing(
    part: Placeholder, where: str, ref: FieldRef, places: Places
) -> list[Problem]:
    if ref.spec.get("visible_if") or ref.page_id in places.pages:
        condition_at = (
            join(ref.pointer, "visible_if")
            if ref.spec.get("visible_if")
            else join("/form/pages", ref.page_index, "visible_if")
        )
        return [
            problem("document-field-may-be-hidden", where, value=part.key, condition=condition_at)
        ]
    if ref.type != "declaration" and not ref.spec.get("required"):
        return [problem("document-field-optional", where, value=part.key)]
    return []


def _officer_value_may_be_missing(
    part: Placeholder,
    where: str,
    officers: list[OfficerField],
    places: Places,
    issued_by: list[int],
) -> list[Problem]:
    definition = places.definition
    for issuer in issued_by:
        present = [
            o
            for o in officers
            if o.transition == issuer or not places.avoidable(o.transition, issuer)
        ]
        if not present:
            owner = transitions(definition)[officers[0].transition]
            action = transitions(definition)[issuer].get("action")
            return [
                problem(
                    "document-officer-field-not-taken",
                    where,
                    value=part.key,
                    owner=owner.get("action"),
                    action=action,
                )
            ]
        if not any(o.spec.get("required") and not o.spec.get("visible_if") for o in present):
            return [problem("document-field-optional", where, value=part.key)]
    return []
