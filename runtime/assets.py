"""Front-end assets: htmx from a CDN (pinned, with SRI) and the one stylesheet."""

from __future__ import annotations

HTMX_VERSION = "2.0.8"
HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
# sha384 of dist/htmx.min.js in the npm package htmx.org@2.0.8 (checked by the browser tests).
HTMX_SRI = "sha384-/TgkGk7p307TH7EXJDuUlgG3Ce1UVolAOFopFekQkkXihi5u/6OCvVKyz1W+idaz"
HTMX_ORIGIN = "https://cdn.jsdelivr.net"
