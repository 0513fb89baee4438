"""Messages that leave Loket: the transactional outbox, channels (email, WhatsApp/SMS gateway,
webhooks), background delivery and periodic jobs.

Dependency rule: `runtime.notify` may use `builder`, `runtime.models`, `runtime.db`,
`runtime.references`, `runtime.casework.workflow`, `runtime.settings` and `runtime.workdays` (and
the storage modules its periodic jobs run, e.g. `runtime.prune`); it never imports web code
(`runtime.web`,
`runtime.routes`). Routes and `runtime.casework.cases` call `outbox.enqueue` inside their own
transaction; nothing here is called back from a request after it commits.
"""
