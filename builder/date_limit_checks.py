"""Semantic checks of date limits that read another answer or name a day of the year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from builder import date_limits, values
from builder.form_checks import officer_scope
from builder.model import Definition, FieldRef, iter_fields, iter_officer_fields
from builder.pointers import join
from builder.problems import Problem, did_you_mean, problem

# A year that is not a leap year: a day of the year must exist in every year.
_PLAIN_YEAR = dt.date(2001, 1, 1)


def _link_problems(
    ref: FieldRef, bound: str, target_key: str, scope: Mapping[str, FieldRef], everything: set[str]
) -> list[Problem]:
    where = join(ref.pointer, bound, "field")
    if target_key == ref.key:
        return [problem("date-limit-self", where, value=target_key)]
    if ref.group is not None:
        return [problem("date-limit-in-group", where, value=target_key, key=ref.key)]
    target = scope.get(target_key)
    if target is None or target.group is not None:
        if target_key in everything:
            return [problem("date-limit-in-group", where, value=target_key, key=ref.key)]
        dates = [k for k, r in scope.items() if r.type == "date" and r.group is None]
        dates = [k for k in dates if k != ref.key]
        return [
            problem(
                "date-limit-unknown-field",
                where,
                value=target_key,
                allowed=", ".join(dates) or "-",
                **did_you_mean(target_key, dates),
            )
        ]
    if target.type != "date":
        return [problem("date-limit-not-a-date", where, value=target_key, type=target.type)]
    if not ref.is_officer and not target.is_officer and target.page_index > ref.page_index:
        return [problem("date-limit-later-field", where, value=target_key)]
    return []


def check_date_limits(definition: Definition) -> list[Problem]:
    """Every date limit that reads another answer reads an earlier date answer it can see;
    every day of the year exists in every year; a min and max on one answer leave room."""
    form = {ref.key: ref for ref in iter_fields(definition)}
    officer = list(iter_officer_fields(definition))
    everything = set(form) | {ref.key for ref in officer}
    found: list[Problem] = []
    for ref in [*form.values(), *officer]:
        if ref.type != "date":
            continue
        scope = form if ref.transition is None else officer_scope(definition, ref.transition)
        for bound in ("min", "max"):
            limit = ref.spec.get(bound)
            if date_limits.is_link(limit):
                assert isinstance(limit, Mapping)
                found.extend(_link_problems(ref, bound, str(limit["field"]), scope, everything))
            elif isinstance(limit, Mapping) and values.day_of_year(limit, _PLAIN_YEAR) is None:
                found.append(
                    problem(
                        "date-limit-no-such-day",
                        join(ref.pointer, bound),
                        day=limit.get("day"),
                        month=limit.get("month"),
                    )
                )
        low, high = ref.spec.get("min"), ref.spec.get("max")
        if (
            date_limits.is_link(low)
            and date_limits.is_link(high)
            and isinstance(low, Mapping)
            and isinstance(high, Mapping)
            and low.get("field") == high.get("field")
            and int(low.get("days", 0)) > int(high.get("days", 0))
        ):
            found.append(
                problem(
                    "min-greater-than-max",
                    join(ref.pointer, "min"),
                    low=f"{low['field']}{int(low.get('days', 0)):+d}d",
                    high=f"{high['field']}{int(high.get('days', 0)):+d}d",
                )
            )
    return found
