"""Documents a service issues: numbering (numbering.py), the PDF (pdf.py) and its PAdES
signature and checking (signing.py), the stored files (files.py) and their public
verification (verify.py); docs/documents.md describes them.

Dependency rule: `runtime.documents` may use `builder`, `runtime.models`, `runtime.db`,
`runtime.settings` and `runtime.references` (for codes); it never imports web code
(`runtime.web`, `runtime.routes`) — routes call into it, not back.
"""
