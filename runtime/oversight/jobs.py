"""Periodic jobs about deadlines and figures: escalations (hourly), the officers' daily digest
(daily at 00:00 UTC, 07:00 WIB) and the report figures of big services (every minute: those older
than 5 minutes or asked for, see runtime.reporting.report_figures).

Importing this module registers the jobs: `loket worker` and `loket serve` do so where they start
a worker (the digest reads the inbox's rules, which `runtime.notify` may not import).
"""

from __future__ import annotations

import datetime as dt

from runtime.notify.jobs import JobContext, register
from runtime.oversight.digests import send_digests
from runtime.oversight.escalations import escalate_due
from runtime.reporting import report_figures
from runtime.workdays import Calendar


@register("escalate", every=dt.timedelta(hours=1))
def escalate_job(context: JobContext) -> str:
    """Flag cases far enough overdue to their state's escalation role."""
    count = escalate_due(context.engine, Calendar(context.settings.cuti_bersama), context.now)
    return f"eskalasi / escalated: {count}"


@register("deadline_digest", every=dt.timedelta(days=1))
def deadline_digest_job(context: JobContext) -> str:
    """Queue the officers' daily digest of cases due soon and overdue (07:00 WIB, working days)."""
    queued = send_digests(
        context.engine,
        Calendar(context.settings.cuti_bersama),
        context.now,
        context.settings.base_url,
    )
    if queued is None:
        return "bukan hari kerja / not a working day"
    return f"ringkasan / digests queued: {queued}"


@register("report_figures", every=dt.timedelta(minutes=1))
def report_figures_job(context: JobContext) -> str:
    """Work out the report figures of big services that are due or asked for (shared table)."""
    return report_figures.refresh(context.engine, context.now).summary()
