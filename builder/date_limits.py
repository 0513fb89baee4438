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
from builder.indonesian import MONTHS


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


EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _one(bound: str, limit: Any, labels: Mapping[str, str], lang: str) -> str:
    """One limit that reads another answer or names a day of the year, in words ("" else)."""
    en = lang == "en"
    if is_link(limit):
        other = f"«{labels.get(str(limit['field']), str(limit['field']))}»"
        days = int(limit.get("days", 0))
        if days == 0:
            if en:
                return f"not before {other}" if bound == "min" else f"not after {other}"
            return f"tidak sebelum {other}" if bound == "min" else f"tidak setelah {other}"
        side_id, side_en = ("setelah", "after") if days > 0 else ("sebelum", "before")
        if en:
            edge = "at the earliest" if bound == "min" else "at the latest"
            return f"{edge} {abs(days)} days {side_en} {other}"
        edge = "paling cepat" if bound == "min" else "paling lambat"
        return f"{edge} {abs(days)} hari {side_id} {other}"
    if isinstance(limit, Mapping) and isinstance(limit.get("month"), int):
        month = int(limit["month"])
        if not 1 <= month <= 12:
            return ""
        years = limit.get("years", 0)
        if en:
            which = {0: "this year", 1: "next year", -1: "last year"}.get(years, "")
            day = f"{limit.get('day')} {EN_MONTHS[month - 1]} {which}".strip()
            return f"from {day}" if bound == "min" else f"until {day}"
        which = {0: "tahun ini", 1: "tahun depan", -1: "tahun lalu"}.get(years, "")
        day = f"{limit.get('day')} {MONTHS[month - 1]} {which}".strip()
        return f"paling cepat {day}" if bound == "min" else f"paling lambat {day}"
    return ""


def words(spec: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> str:
    """A date field's limits that read another answer or name a day of the year, as a hint for
    the applicant ("Tidak sebelum «Tanggal mulai», paling lambat 30 hari setelah «Tanggal
    mulai»."); "" without such limits. `labels`: field labels in `lang`, by key."""
    parts = [_one(bound, spec.get(bound), labels, lang) for bound in ("min", "max")]
    text = ", ".join(part for part in parts if part)
    return f"{text[0].upper()}{text[1:]}." if text else ""
