"""Date limits that read another answer: `"min": {"field": "tanggal_mulai"}` (not before the
start date) or `"max": {"field": "tanggal_mulai", "days": 30}` (at most 30 days after it).

A limit like this is checked only when both dates are answered (an unanswered or hidden
start date sets no limit). `failing` is the one evaluator: the web form, the JSON API and the
compiled submission schema (keyword `x-loket-date-links`) all call it. Limits that need no other
answer (a date, "today-17y", a day of the year) stay on the field's own schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from builder import values


def is_link(bound: Any) -> bool:
    """Whether a date field's `min` or `max` reads another answer."""
    return isinstance(bound, Mapping) and isinstance(bound.get("field"), str)


def links_of(fields: Iterable[tuple[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The limits that read another answer, of (key, spec) date fields, in order:
    `{"field": key, "bound": "min" | "max", "other": key, "days": n}`."""
    found = []
    for key, spec in fields:
        if spec.get("type") != "date":
            continue
        for bound in ("min", "max"):
            found_limit = spec.get(bound)
            if isinstance(found_limit, Mapping) and is_link(found_limit):
                days = found_limit.get("days", 0)
                other = str(found_limit["field"])
                found.append({"field": key, "bound": bound, "other": other, "days": days})
    return found


def limit(link: Mapping[str, Any], answers: Mapping[str, Any]) -> dt.date | None:
    """The day a link sets for these answers, or None when the other date is not answered."""
    other = answers.get(str(link.get("other")))
    day = values.parse_iso_date(other) if isinstance(other, str) else None
    if day is None:
        return None
    try:
        return day + dt.timedelta(days=int(link.get("days", 0)))
    except OverflowError:
        return None


def holds(link: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether the answer keeps to the link (it does while either date is unanswered)."""
    answer = answers.get(str(link.get("field")))
    day = values.parse_iso_date(answer) if isinstance(answer, str) else None
    bound = limit(link, answers)
    if day is None or bound is None:
        return True
    return day >= bound if link.get("bound") == "min" else day <= bound


def failing(links: Iterable[Mapping[str, Any]], answers: Any) -> list[int]:
    """The indexes of the links these (pruned) answers break."""
    if not isinstance(answers, Mapping):
        return []
    return [index for index, link in enumerate(links) if not holds(link, answers)]
