"""Rendering form fields: the `ui` object the field macros get, and the cache of blank fields.

Each field type has a template `fields/<type>.html` that defines one macro, `render(f, ui)`.
The templates are imported without context, so each is built once per process, and a field
costs a few macro calls instead of several template includes (each of which copies the whole
page context).

A blank field (no answer, no error) looks the same to every visitor of a page: its HTML depends
only on the service version (by content hash), the field's input name and id, the language and
the page's htmx addresses. Those are rendered once and kept in a bounded cache; a field with an
answer or an error is rendered every time, so no personal data is ever cached.

A field of a type that shows its answer once, as text (`FILLABLE`: a text box's value, a
textarea's content), is cached the same way with a placeholder where the answer goes; a page
with answers gets the cached HTML with the placeholder replaced by the escaped answer. The
cache holds the placeholder, never an answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Set
from dataclasses import replace
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import Environment
from markupsafe import Markup

from builder.texts import localise
from runtime.forms import FieldView
from runtime.i18n import t
from runtime.uploads import DEFAULT_MAX_MB

BLANK_CACHE_SIZE = 4096
# Types whose template shows the answer only as `f.text_value()`, once, and nothing else about it.
FILLABLE = frozenset({"text", "textarea", "email", "phone", "nik", "number", "date", "time"})
_ANSWER = "LoketAnswerPlaceholder7f3c"  # letters only: escaping leaves it as it is

# Per environment: "template:macro" -> the macro, taken from the template's module once.
_MACROS: WeakKeyDictionary[Environment, dict[str, Any]] = WeakKeyDictionary()
_BLANK: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()
_BLANK_LOCK = threading.Lock()

_FILE_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIC",
}


def file_types(spec: Mapping[str, Any]) -> str:
    """Human names of accepted file types."""
    return ", ".join(_FILE_TYPE_NAMES.get(kind, kind) for kind in spec.get("accept", []))


_REFUSALS = {"too_big": "file_too_big", "bad_type": "file_bad_type", "empty": "file_empty"}


def upload_refusal(spec: Mapping[str, Any], reason: str) -> dict[str, str]:
    """Why a file field refused an upload (`UploadRejected.reason`), in each language."""
    mb = f"{float(spec.get('max_mb', DEFAULT_MAX_MB)):g}"
    types = file_types(spec)
    return {lang: t(_REFUSALS[reason], lang, mb=mb, types=types) for lang in ("id", "en")}


class FieldRenderer:
    """What the field macros need from a page, passed to them as `ui`."""

    def __init__(self, env: Environment, values: Mapping[str, Any]) -> None:
        self._env = env
        self.lang: str = values["lang"]
        self.t = values["t"]
        self.use_htmx = bool(values.get("use_htmx"))
        self.validate_url: str = values.get("validate_url") or ""
        self.reveal_url: str = values.get("reveal_url") or ""
        self.region_url: str = values.get("region_url") or ""
        self.controlling: Set[str] = values.get("controlling") or frozenset()
        self.file_types = file_types
        # The content hash of the published version the fields belong to; None (a studio
        # preview of a draft, say) turns the blank-field cache off.
        self.version_key: str | None = values.get("field_cache_key")

    def loc(self, text: Any) -> str:
        """A definition text in the page's language."""
        return localise(text, self.lang)

    def macro(self, type_name: str) -> Any:
        """The `render` macro of a field type's template."""
        return self._module_macro(f"fields/{type_name}.html", "render")

    def _module_macro(self, template_name: str, macro_name: str) -> Any:
        macros = _MACROS.setdefault(self._env, {})
        key = f"{template_name}:{macro_name}"
        found = macros.get(key)
        if found is None:
            found = getattr(self._env.get_template(template_name).module, macro_name)
            macros[key] = found
        return found

    def field(self, f: FieldView, oob_id: Any = None) -> Markup:
        """One field, wrapped (or its empty slot); blank fields come from the cache, and so do
        text answers' fields, with the escaped answer put in."""
        out_of_band = oob_id == f.id
        if f.value is not None and f.type in FILLABLE and not f.hidden:
            key = self._blank_key(f, out_of_band, answered=True)
            if key is not None:
                shape = self._shape(key, f, oob_id)
                if shape is not None:
                    # Markup.replace escapes the answer
                    return shape.replace(_ANSWER, f.text_value(), 1)
        key = self._blank_key(f, out_of_band)
        if key is None:
            return self._render(f, oob_id)
        return self._cached(key, f, oob_id)

    def _render(self, f: FieldView, oob_id: Any) -> Markup:
        wrapper = self._module_macro("_partials/field_parts.html", "field")
        html = wrapper(f, self, oob_id)  # a Markup: the environment autoescapes
        assert isinstance(html, Markup)
        return html

    def _shape(self, key: tuple[Any, ...], f: FieldView, oob_id: Any) -> Markup | None:
        """The field's HTML with the placeholder where its answer goes (None: not usable)."""
        with _BLANK_LOCK:
            found = _BLANK.get(key)
        if found is None:
            found = self._render(replace(f, value=_ANSWER), oob_id)
            if found.count(_ANSWER) != 1:
                found = Markup("")  # remembered as unusable: rendered in full every time
            with _BLANK_LOCK:
                _BLANK[key] = found
                while len(_BLANK) > BLANK_CACHE_SIZE:
                    _BLANK.popitem(last=False)
        return found or None

    def _cached(self, key: tuple[Any, ...], f: FieldView, oob_id: Any) -> Markup:
        with _BLANK_LOCK:
            found = _BLANK.get(key)
        if found is not None:
            return found
        html = self._render(f, oob_id)
        with _BLANK_LOCK:
            _BLANK[key] = html
            while len(_BLANK) > BLANK_CACHE_SIZE:
                _BLANK.popitem(last=False)
        return html

    def _blank_key(
        self, f: FieldView, out_of_band: bool, *, answered: bool = False
    ) -> tuple[Any, ...] | None:
        """The cache key of a blank field, or (`answered`) of the shape of an answered one."""
        if self.version_key is None or f.error or f.items:
            return None
        if (f.value is not None) != answered:
            return None
        if f.offered is not None:  # dependent options: the list depends on another answer
            return None
        return (
            self.version_key,
            f.name,
            f.id,
            f.hidden,
            f.questioned,
            self.lang,
            self.use_htmx,
            self.validate_url,
            self.reveal_url,
            self.region_url,
            f.plan.key in self.controlling,
            f.date_limits,  # a date's limits counted from today change with the day
            out_of_band,
            answered,
        )


def clear_blank_cache() -> None:
    """Forget every cached blank field (for tests)."""
    with _BLANK_LOCK:
        _BLANK.clear()
