"""Validation of a definition: structure first, then meaning; every problem with a pointer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from builder.contact_checks import check_blank_texts, check_contact, check_template_texts
from builder.date_limit_checks import check_date_limits
from builder.document_checks import check_documents
from builder.exit_checks import check_exits
from builder.form_checks import (
    check_conditions,
    check_cycles,
    check_fields,
    check_pages,
    check_texts,
)
from builder.loader import Loaded, load
from builder.metaschema import structural_problems
from builder.notification_checks import check_notifications
from builder.option_lists import check_option_lists, expand
from builder.problems import Problem, has_errors, sort_problems
from builder.rule_checks import check_rules
from builder.workflow_checks import check_standard, check_workflow


def validate(source: Loaded | Mapping[str, Any] | str | bytes | Path) -> list[Problem]:
    """All problems of a definition, errors first. Never raises on bad input.

    Semantic checks run once the structure is sound, so that they can rely on it.
    """
    loaded = source if isinstance(source, Loaded) else load(source)
    if loaded.definition is None:
        return list(loaded.problems)
    definition = loaded.definition
    found = structural_problems(definition)
    found.extend(check_texts(definition))
    found.extend(check_blank_texts(definition))
    if has_errors(found):
        return sort_problems([*loaded.problems, *found])
    # Problems of the text itself (a key written twice) come first; they do not stop the checks.
    found[:0] = loaded.problems
    found.extend(check_option_lists(definition))
    definition = dict(expand(definition))  # fields see the options of their shared list
    found.extend(check_pages(definition))
    found.extend(check_fields(definition))
    found.extend(check_conditions(definition))
    found.extend(check_date_limits(definition))
    found.extend(check_exits(definition))
    found.extend(check_cycles(definition))
    found.extend(check_rules(definition))
    found.extend(check_workflow(definition))
    found.extend(check_contact(definition))
    found.extend(check_template_texts(definition))
    found.extend(check_standard(definition))
    found.extend(check_documents(definition))
    found.extend(check_notifications(definition))
    return sort_problems(found)


def is_valid(source: Loaded | Mapping[str, Any] | str | bytes | Path) -> bool:
    """True when a definition has no errors (warnings allowed)."""
    return not has_errors(validate(source))
