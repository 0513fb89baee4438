"""Periodic jobs about deadlines: escalations (hourly) and the officers' daily digest.

Importing this module registers the jobs (`runtime.notify.worker` does so).
"""

from __future__ import annotations

import datetime as dt

from runtime.escalations import escalate_due
from runtime.notify.jobs import JobContext, register
from runtime.workdays import Calendar


@register("escalate", every=dt.timedelta(hours=1))
def escalate_job(context: JobContext) -> str:
    """Flag cases far enough overdue to their state's escalation role."""
    count = escalate_due(context.engine, Calendar(context.settings.cuti_bersama), context.now)
    return f"eskalasi / escalated: {count}"
