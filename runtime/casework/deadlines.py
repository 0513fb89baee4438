"""Due dates from a state's time limit (builder.sla): working days, calendar days or hours.

Working days and calendar days end at the end of the due day (23:59:59 WIB); hours count
around the clock from the moment the case entered the state. What is left (or how late) is
said in the limit's own unit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from builder.sla import Sla, running_sla
from runtime.i18n import t
from runtime.workdays import WIB, Calendar


def due_at(sla: Sla, start: dt.datetime, calendar: Calendar) -> dt.datetime:
    """When a case entering a state at `start` with limit `sla` is due (UTC)."""
    if sla.unit == "hours":
        return (start + dt.timedelta(hours=sla.amount)).astimezone(dt.UTC)
    if sla.unit == "calendar_days":
        day = start.astimezone(WIB).date() + dt.timedelta(days=sla.amount)
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=WIB).astimezone(dt.UTC)
    return calendar.due_at(start, sla.amount)


def state_sla(definition: Mapping[str, Any], state: str | None) -> Sla | None:
    """The time limit that runs in a definition's state (None: none, final, applicant edits)."""
    info = definition.get("workflow", {}).get("states", {}).get(state or "", {})
    return running_sla(info) if isinstance(info, Mapping) else None


def due_on_entering(
    definition: Mapping[str, Any], state: str, now: dt.datetime, calendar: Calendar
) -> dt.datetime | None:
    """The due date of a case entering `state` at `now` (None when no limit runs there)."""
    sla = state_sla(definition, state)
    return due_at(sla, now, calendar) if sla else None


def time_left(
    sla: Sla | None, due: dt.datetime, now: dt.datetime, calendar: Calendar, lang: str
) -> str:
    """What is left before `due`, or how late, in the limit's unit ("" when nothing to say)."""
    overdue = due < now
    if sla is not None and sla.unit == "hours":
        hours = math.ceil(abs((due - now).total_seconds()) / 3600)
        return t("office_hours_late" if overdue else "office_hours_left", lang, hours=hours)
    today, day = now.astimezone(WIB).date(), due.astimezone(WIB).date()
    if sla is not None and sla.unit == "calendar_days":
        days = abs((day - today).days)
        if overdue:
            return t("office_calendar_days_late", lang, days=days) if days else ""
        return (
            t("office_calendar_days_left", lang, days=days) if days else t("office_due_today", lang)
        )
    if overdue:
        late = calendar.working_days_between(day, today)
        return t("office_days_late", lang, days=late) if late else ""
    days = calendar.working_days_between(today, day)
    return t("office_days_left", lang, days=days) if days else t("office_due_today", lang)
