"""What still refers to an item about to be removed: the errors its removal would bring.

Rather than a second list of every place a name can be used (conditions, transitions' states and
roles, documents' placeholders and issuers, notification contacts, officer fields...), the
definition is checked before and after the removal: the errors that appear are exactly the
references the removal breaks, each with its pointer and its plain words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from builder.problems import Problem
from builder.validate import validate


def _key(problem: Problem) -> tuple[str, str]:
    # the pointer is left out: removing a page or a field shifts the indices of what follows
    return problem.code, problem.text("en")


def broken_by(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Problem]:
    """The errors `after` has and `before` had not (the references a removal breaks)."""
    known = Counter(_key(p) for p in validate(dict(before)) if p.severity == "error")
    broken: list[Problem] = []
    for problem in validate(dict(after)):
        if problem.severity != "error":
            continue
        key = _key(problem)
        if known[key]:
            known[key] -= 1
        else:
            broken.append(problem)
    return broken
