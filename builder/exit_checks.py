"""Semantic checks of exit pages: unique ids and conditions that read what they may."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.form_checks import check_condition
from builder.model import Definition, iter_fields, iter_officer_fields, pages
from builder.pointers import join
from builder.problems import Problem, problem


def _exits(definition: Definition) -> list[tuple[Mapping[str, Any], str, int]]:
    """Every exit with its pointer and the last page index its condition may read."""
    found = []
    all_pages = pages(definition)
    for index, page in enumerate(all_pages):
        for position, spec in enumerate(page.get("exits") or []):
            found.append((spec, join("/form/pages", index, "exits", position), index))
    form = definition.get("form")
    for position, spec in enumerate(form.get("exits") or [] if isinstance(form, Mapping) else []):
        found.append((spec, join("/form/exits", position), len(all_pages) - 1))
    return found


def check_exits(definition: Definition) -> list[Problem]:
    """Exit ids are unique; an exit of a page reads that page's fields or earlier ones, an exit
    of the form any field of the form (never an officer field, never inside a group)."""
    from builder.rule_checks import computed_refs  # computed values read like fields

    refs = {**computed_refs(definition), **{ref.key: ref for ref in iter_fields(definition)}}
    officer = {ref.key: ref for ref in iter_officer_fields(definition)}
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for spec, pointer, last_page in _exits(definition):
        exit_id = str(spec.get("id"))
        if exit_id in seen:
            found.append(
                problem(
                    "duplicate-exit-id", join(pointer, "id"), value=exit_id, other=seen[exit_id]
                )
            )
        else:
            seen[exit_id] = pointer
        condition = spec.get("when")
        if isinstance(condition, Mapping):
            found.extend(
                check_condition(
                    condition,
                    join(pointer, "when"),
                    owner=None,
                    page_index=last_page,
                    visible=refs,
                    group=None,
                    officer=officer,
                )
            )
    return found
