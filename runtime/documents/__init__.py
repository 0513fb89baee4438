"""Documents a service issues: numbering now; rendering, signing and verification build on it.

Dependency rule: `runtime.documents` may use `builder`, `runtime.models` and `runtime.db`; it
never imports web code (`runtime.web`, `runtime.routes`) — routes call into it, not back.
"""
