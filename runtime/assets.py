"""Front-end assets: htmx from a CDN (pinned, with SRI) and the one stylesheet."""

from __future__ import annotations

import json

HTMX_VERSION = "2.0.8"
HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
# sha384 of dist/htmx.min.js in the npm package htmx.org@2.0.8 (checked by the browser tests).
HTMX_SRI = "sha384-/TgkGk7p307TH7EXJDuUlgG3Ce1UVolAOFopFekQkkXihi5u/6OCvVKyz1W+idaz"
# The htmx-config meta tag. htmx must need no inline style (the policy forbids them): it adds
# no indicator <style> (the rules are in loket.css) and never writes a `style` attribute while
# settling a swap. No eval, no <script> from swapped content, requests to this site only.
HTMX_CONFIG: dict[str, object] = {
    "includeIndicatorStyles": False,
    "attributesToSettle": ["class", "width", "height"],
    "allowEval": False,
    "allowScriptTags": False,
    "historyCacheSize": 0,
    "selfRequestsOnly": True,
}
HTMX_CONFIG_JSON = json.dumps(HTMX_CONFIG, separators=(",", ":"))
