"""Keeping cases on time: escalation of overdue cases to a state's escalation role
(`escalations`), the officers' daily digest of cases due soon and overdue (`digests`), and the
periodic jobs that run both in the worker (`jobs`; importing it registers them).

A capability (docs/architecture.md, "Packages"): it reads the core (cases, inbox rules,
working days) and queues messages through `runtime.notify`; it never imports the web layer or
`runtime.documents`.
"""
