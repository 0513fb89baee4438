"""The citizen form page's shell: `page.html` around the fields, rendered once and kept.

Most of a form page is the same for every visitor of a page: the layout, the service's and the
page's texts, the resume form, the form's addresses. That shell is rendered once per (published
version's content hash, page, language, the address the pages lie below, whether the page was
opened from the check page) and kept in a bounded cache, with markers where the visitor's parts
go; each request then renders only those parts and puts them in:

- the CSRF token (both forms),
- the fields with their answers (rendered as on every page, through the field cache, which
  keys a date's limits counted from today by the day),
- the step ("Langkah 2 dari 5": which pages are shown depends on the answers) and the back
  link (the previous shown page),
- the language link (it carries the address's query).

The shell holds no answer, no token, nothing of the visitor: only what the published
definition and the interface words make of the page. A new version has another content hash,
so another key. Pages with errors, with questions that just appeared, a correction's note or a
studio trial are rendered in full, as is any page for a signed-in staff user (the layout
differs); so is everything when `ENABLED` is off.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from markupsafe import escape

from runtime.web import page_response, page_values

SHELL_CACHE_SIZE = 512
ENABLED = True  # off: every form page rendered in full (the tests compare the two)

_NONCE = secrets.token_hex(8)
_SLOTS = ("csrf_token", "fields_html", "step", "steps", "back_url", "switch_url")
_MARKS = {f"\x00{name}-{_NONCE}\x00": name for name in _SLOTS}
_SPLIT = re.compile("(" + "|".join(re.escape(mark) for mark in _MARKS) + ")")

_SHELLS: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()
_LOCK = threading.Lock()


def shell_key(values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The cache key of a form page's shell, or None when the page is rendered in full."""
    version = values.get("field_cache_key")
    if (
        not ENABLED
        or not version
        or values.get("errors")
        or values.get("new_fields")
        or values.get("correction") is not None
        or values.get("trial")
        or values.get("user") is not None
    ):
        return None
    return (
        version,
        values["page_id"],
        values["lang"],
        values["action"],
        values["resume_action"],
        values["return_to"],
        values["self_url"],
        values["has_groups"],
    )


def _shell(env: Environment, key: tuple[Any, ...], values: dict[str, Any]) -> tuple[str, ...]:
    """The page's shell split at its markers: text, slot name, text, slot name, ..., text."""
    with _LOCK:
        found = _SHELLS.get(key)
        if found is not None:
            _SHELLS.move_to_end(key)
            return found
    marked = {mark_name: mark for mark, mark_name in _MARKS.items()}
    html = env.get_template("page.html").render(
        {
            **values,
            "csrf_token": marked["csrf_token"],
            "fields_html": marked["fields_html"],  # escaping leaves a marker as it is
            "step": marked["step"],
            "steps": marked["steps"],
            "back_url": marked["back_url"],
            "switch_url": marked["switch_url"],
        }
    )
    parts = tuple(_MARKS.get(part, part) for part in _SPLIT.split(html))
    with _LOCK:
        _SHELLS[key] = parts
        while len(_SHELLS) > SHELL_CACHE_SIZE:
            _SHELLS.popitem(last=False)
    return parts


def render_page(request: Request, context: dict[str, Any]) -> HTMLResponse:
    """A form page (`page.html`, no errors): the kept shell with the visitor's parts put in,
    or rendered in full when it has no shell (see `shell_key`)."""
    values, cookie, is_new = page_values(request, context)
    env: Environment = request.app.state.templates
    key = shell_key(values)
    if key is None:
        html = env.get_template("page.html").render(values)
        return page_response(request, html, 200, cookie, is_new)
    parts = _shell(env, key, values)
    filled = {
        "csrf_token": str(escape(values["csrf_token"])),
        "fields_html": _fields_html(values),
        "step": str(escape(values["step"])),
        "steps": str(escape(values["steps"])),
        "back_url": str(escape(values["back_url"])),
        "switch_url": str(escape(values["switch_url"])),
    }
    html = "".join([filled[part] if index % 2 else part for index, part in enumerate(parts)])
    return page_response(request, html, 200, cookie, is_new)


def _fields_html(values: Mapping[str, Any]) -> str:
    """What `_partials/fields.html` makes of `values` (the same bytes; the tests compare the
    kept page with the page rendered in full), without the template's call per field."""
    ui = values["ui"]
    shown = escape(values["shown"])
    parts = [ui.field(view) for view in values["fields"]]
    parts.append(f'<input type="hidden" id="shown-fields" name="_shown" value="{shown}">')
    return "".join(parts)


def size() -> int:
    """How many shells are kept."""
    with _LOCK:
        return len(_SHELLS)


def clear() -> None:
    """Forget every kept shell (for tests)."""
    with _LOCK:
        _SHELLS.clear()
