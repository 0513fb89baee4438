"""Field rendering: macros per type, the blank-field cache, and what never goes into it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from builder.answers import AnswerError
from builder.bundle import normalise
from builder.compiler import CompiledService, compiled
from runtime import field_render
from runtime.field_render import FieldRenderer
from runtime.forms import field_views
from runtime.i18n import t
from runtime.web import make_environment

from .conftest import ALL_FIELDS, NIK, Loket, load_definition, parse


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    field_render.clear_blank_cache()


def _service(**label_overrides: str) -> CompiledService:
    definition = copy.deepcopy(load_definition(ALL_FIELDS))
    for page in definition["form"]["pages"]:
        for spec in page["fields"]:
            if spec["key"] in label_overrides:
                spec["label"] = label_overrides[spec["key"]]
    return compiled(normalise(definition))


def _render_page(
    service: CompiledService,
    answers: dict[str, Any],
    errors: list[AnswerError],
    lang: str = "id",
    *,
    cache: bool = True,
) -> str:
    env = make_environment()
    html = []
    for page in service.pages:
        values: dict[str, Any] = {
            "lang": lang,
            "t": lambda key, **params: t(key, lang, **params),
            "use_htmx": True,
            "validate_url": f"/v/{page.id}",
            "reveal_url": f"/r/{page.id}",
            "controlling": {"punya_npwp"},
            "field_cache_key": service.digest if cache else None,
        }
        ui = FieldRenderer(env, values)
        views = field_views(service, page, answers, errors, lang, slots=True)
        html.extend(str(ui.field(view)) for view in views)
    return "\n".join(html)


def test_cached_blank_fields_are_the_same_html_as_rendered_ones() -> None:
    service = _service()
    for lang in ("id", "en"):
        uncached = _render_page(service, {}, [], lang, cache=False)
        first = _render_page(service, {}, [], lang)
        assert field_render._BLANK, "blank fields were not cached"
        again = _render_page(service, {}, [], lang)
        assert uncached == first == again


def test_a_cached_field_is_served_without_rendering_again(monkeypatch: pytest.MonkeyPatch) -> None:
    service = _service()
    _render_page(service, {}, [])
    calls: list[str] = []
    original = FieldRenderer.macro

    def counting(self: FieldRenderer, type_name: str) -> Any:
        calls.append(type_name)
        return original(self, type_name)

    monkeypatch.setattr(FieldRenderer, "macro", counting)
    _render_page(service, {}, [])
    # Only groups are rendered again (never cached: their items carry answers); their blank
    # children, like every other blank field, come from the cache.
    assert calls and set(calls) == {"group"}


def test_answers_and_errors_never_enter_the_cache() -> None:
    service = _service()
    answers = {"nik": NIK, "nama": "Siti Rahayu Kusuma"}
    errors = [AnswerError("/email", "email", "format", {"id": "Surel salah", "en": "Bad e-mail"})]
    html = _render_page(service, answers, errors)
    assert NIK in html and "Siti Rahayu Kusuma" in html and "Surel salah" in html
    cached = "".join(field_render._BLANK.values())
    assert NIK not in cached
    assert "Siti Rahayu Kusuma" not in cached
    assert "Surel salah" not in cached
    # answered text fields are cached only as their shape, with a placeholder for the answer
    blank = {key[1] for key in field_render._BLANK if not key[-1]}
    assert "nik" not in blank and "nama" not in blank and "email" not in blank
    shapes = {key[1] for key in field_render._BLANK if key[-1]}
    assert shapes == {"nik", "nama"}  # the field with an error is not cached at all
    for key in field_render._BLANK:
        if key[-1]:
            assert field_render._BLANK[key].count(field_render._ANSWER) == 1


TRICKY = "<script>alert(\"x\")</script> & 'kutip' " + "LoketAnswerPlaceholder7f3c"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_answered_fields_from_the_cache_are_the_same_html_as_rendered_ones(lang: str) -> None:
    service = _service()
    answers = {
        "nik": NIK,
        "nama": TRICKY,
        "catatan": "Jalan Merdeka 10\nRT 005 <RW 002>",
        "email": "budi@contoh.id",
        "telepon": "+6281234567890",
    }
    uncached = _render_page(service, answers, [], lang, cache=False)
    first = _render_page(service, answers, [], lang)
    again = _render_page(service, answers, [], lang)
    assert uncached == first == again
    assert "<script>" not in again and "&lt;script&gt;" in again
    assert again.count(field_render._ANSWER) == 1  # only where the answer itself says it
    assert any(key[-1] for key in field_render._BLANK), "answered fields were not cached"


def test_a_new_version_never_gets_the_old_versions_html() -> None:
    old = _service()
    new = _service(nama="Nama sesuai KTP-el <baru>")
    assert old.digest != new.digest
    _render_page(old, {}, [])
    doc = LexborHTMLParser(_render_page(new, {}, []))
    label = doc.css_first('label[for="f-nama"]')
    assert label is not None
    assert "Nama sesuai KTP-el <baru>" in label.text()  # escaped in the HTML, text when parsed


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(field_render, "BLANK_CACHE_SIZE", 5)
    _render_page(_service(), {}, [])
    assert len(field_render._BLANK) == 5


def test_a_page_keeps_no_connection_checked_out(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    assert page.status_code == 200
    for _ in range(3):
        assert citizen.get(str(page.url.path)).status_code == 200
    assert loket.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert parse(page).css_first("form") is not None
