"""The form page's kept shell (`runtime.page_shell`): the same bytes as the page rendered in
full, for every example service's pages in both languages, blank and answered; a new version,
another day or another address never gets a shell kept for something else."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from builder import values
from builder.canonical import digest
from runtime import page_shell, store
from tests.runtime.api.conftest import DEFINITION

from .conftest import AGENCY_NAMES, ALL_FIELDS, EXAMPLES, Loket, attr, load_definition, parse

SERVICES = [*EXAMPLES, ALL_FIELDS]
VARIANTS: tuple[dict[str, Any], ...] = (
    {"headers": {"accept-language": "id"}},
    {"headers": {"accept-language": "en"}},
    {"headers": {"accept-language": "en"}, "params": {"kembali": "periksa"}},
    {"params": {"kembali": "periksa", "lang": "en"}},  # the language link keeps `kembali`
)


@pytest.fixture(autouse=True)
def _no_shells() -> Iterator[None]:
    page_shell.clear()
    yield
    page_shell.clear()


def _both(
    client: TestClient, path: str, monkeypatch: pytest.MonkeyPatch, **request: Any
) -> tuple[Response, Response]:
    """The page from its kept shell, then rendered in full."""
    monkeypatch.setattr(page_shell, "ENABLED", True)
    kept = client.get(path, **request)
    monkeypatch.setattr(page_shell, "ENABLED", False)
    full = client.get(path, **request)
    monkeypatch.setattr(page_shell, "ENABLED", True)
    return kept, full


def _compare(client: TestClient, path: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Compare the two renders of a page in every variant; how many were compared."""
    compared = 0
    for request in VARIANTS:
        before = page_shell.size()
        kept, full = _both(client, path, monkeypatch, **request)
        assert kept.status_code == full.status_code == 200, (path, kept.status_code)
        assert kept.text == full.text, (path, request)
        assert kept.headers.get_list("set-cookie") == full.headers.get_list("set-cookie")
        assert page_shell.size() >= before
        compared += 1
        client.cookies.delete("loket_lang")  # the next variant chooses its own language
    return compared


def _key(path: Path) -> str:
    definition = load_definition(path)
    return f"{definition['agency']}/{definition['id']}"


@pytest.mark.postgres
@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.stem)
def test_kept_shell_gives_the_bytes_of_the_full_render(
    loket: Loket, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = loket.citizen(_key(path))
    page = citizen.start()
    visited: list[str] = []
    compared = 0
    for _ in range(20):
        if page.url.path.endswith("/periksa"):
            break
        visited.append(page.url.path)
        compared += _compare(citizen.client, page.url.path, monkeypatch)  # blank
        page = citizen.follow(citizen.fill_page(page))
    assert page.url.path.endswith("/periksa")
    for address in visited:  # again, each with its answers (and the steps they show)
        compared += _compare(citizen.client, address, monkeypatch)
    assert visited
    assert compared == 2 * len(visited) * len(VARIANTS)
    assert page_shell.size() >= len(visited)  # the shells were used, not only the full render


def _service(title: str, page_title: str) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["id"] = "layanan-cangkang"
    definition["title"] = title
    definition["form"]["pages"][0]["title"] = page_title
    definition["form"]["pages"][0]["description"] = '<script>alert("x")</script> & Co'
    return definition


def test_definition_texts_are_escaped_in_the_kept_shell(
    make_loket: Callable[..., Loket], monkeypatch: pytest.MonkeyPatch
) -> None:
    loket = make_loket([_service('Izin <b>"A&B"</b>', "Data <i>'pemohon'</i>")])
    citizen = loket.citizen("contoh/layanan-cangkang")
    page = citizen.start()
    assert _compare(citizen.client, page.url.path, monkeypatch) == len(VARIANTS)
    html = citizen.get(page.url.path).text
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    doc = parse(html)
    assert doc.css_first("h1").text() == "Data <i>'pemohon'</i>"
    assert doc.css_first("title").text().startswith("Data <i>'pemohon'</i> – Izin <b>\"A&B\"</b>")


@pytest.mark.postgres
def test_a_new_version_gets_its_own_shell(
    make_loket: Callable[..., Loket], monkeypatch: pytest.MonkeyPatch
) -> None:
    loket = make_loket([_service("Izin", "Judul lama")])
    first = loket.citizen("contoh/layanan-cangkang")
    old_page = first.start()
    assert parse(old_page).css_first("h1").text() == "Judul lama"
    newer = _service("Izin", "Judul baru")
    with loket.session() as session:
        store.publish_version(
            session,
            definition=newer,
            sha256=digest(newer),
            agency_name=AGENCY_NAMES.get(newer["agency"]),
        )
        session.commit()
    second = loket.citizen("contoh/layanan-cangkang", loket.new_client())
    new_page = second.start()
    assert parse(new_page).css_first("h1").text() == "Judul baru"
    assert "Judul lama" not in new_page.text
    # the draft begun on the old version keeps its version, and its shell
    again = first.get(old_page.url.path)
    assert parse(again).css_first("h1").text() == "Judul lama"
    assert "Judul baru" not in again.text
    assert page_shell.size() == 2
    assert _compare(second.client, new_page.url.path, monkeypatch) == len(VARIANTS)


def test_limits_counted_from_today_move_with_the_day(
    make_loket: Callable[..., Loket], monkeypatch: pytest.MonkeyPatch
) -> None:
    definition = _service("Izin", "Tanggal")
    definition["form"]["pages"][0]["fields"].insert(
        0, {"key": "kejadian", "type": "date", "label": "Kejadian", "max": "today"}
    )
    loket = make_loket([definition])
    citizen = loket.citizen("contoh/layanan-cangkang")
    page = citizen.start()
    box = parse(page).css_first("input[name=kejadian]")
    assert attr(box, "max") == values.today().isoformat()
    later = dt.date(2040, 6, 10)
    monkeypatch.setattr(values, "today", lambda: later)
    moved = citizen.get(page.url.path)
    assert attr(parse(moved).css_first("input[name=kejadian]"), "max") == "2040-06-10"
    assert _compare(citizen.client, page.url.path, monkeypatch) == len(VARIANTS)


def test_pages_with_errors_are_rendered_in_full(
    loket: Loket, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    calls: list[Any] = []
    shell = page_shell._shell
    monkeypatch.setattr(page_shell, "_shell", lambda *args: calls.append(args) or shell(*args))
    wrong = citizen.post_form(page, {"nik": "1"}, fill=False)
    assert wrong.status_code == 422
    assert not calls  # the re-render with the error: in full, the shell left alone
    assert parse(wrong).css_first("#error-summary") is not None
    again = citizen.get(page.url.path)
    assert again.status_code == 200 and calls


def test_shell_key_leaves_out_pages_it_cannot_keep() -> None:
    base = {
        "field_cache_key": "v1",
        "page_id": "data",
        "lang": "id",
        "action": "/layanan/a/b/isi/data",
        "resume_action": "/layanan/a/b/lanjut-nanti",
        "return_to": "",
        "self_url": "/layanan/a/b/isi/data",
        "has_groups": False,
        "errors": [],
        "new_fields": False,
        "correction": None,
        "trial": False,
        "user": None,
    }
    key = page_shell.shell_key(base)
    assert key is not None
    for change in (
        {"field_cache_key": "v2"},
        {"page_id": "lain"},
        {"lang": "en"},
        {"action": "/coba/x/isi/data"},
        {"return_to": "periksa"},
    ):
        other = page_shell.shell_key({**base, **change})
        assert other is not None and other != key, change
    for refused in (
        {"field_cache_key": None},
        {"errors": ["galat"]},
        {"new_fields": True},
        {"correction": object()},
        {"trial": True},
        {"user": object()},
    ):
        assert page_shell.shell_key({**base, **refused}) is None, refused
