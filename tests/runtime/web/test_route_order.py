"""The routers are tried in order and the form's pages come first among the pages
(`runtime.app`): that is only safe while no path of another route could also be a form page's
path (or the reverse), for the same method. Checked on the route templates themselves."""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts

from runtime.routes import form_pages

from .conftest import Loket

_PARAM = re.compile(r"^{(\w+)(?::(\w+))?}$")


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def _could_share_a_path(one: str, other: str) -> bool:
    """Whether some request path matches both templates (a `{x}` is any one segment, a
    `{x:path}` any rest of the path)."""
    first, second = _segments(one), _segments(other)
    for index in range(max(len(first), len(second))):
        left = first[index] if index < len(first) else None
        right = second[index] if index < len(second) else None
        for part in (left, right):
            found = _PARAM.match(part or "")
            if found and found.group(2) == "path":
                return True
        if left is None or right is None:
            return False
        if not (_PARAM.match(left) or _PARAM.match(right) or left == right):
            return False
    return True


def test_the_overlap_check_can_tell() -> None:
    form = "/layanan/{agency}/{slug}/isi/{page_id}"
    assert _could_share_a_path(form, "/layanan/{agency}/{slug}/{step}/{page}")
    assert _could_share_a_path(form, "/layanan/{agency}/baru/isi/{page_id}")
    assert _could_share_a_path(form, "/layanan/{rest:path}")
    assert not _could_share_a_path(form, "/layanan/{agency}/{slug}/periksa")
    assert not _could_share_a_path(form, "/layanan/{agency}/{slug}/kirim/{x}")
    assert not _could_share_a_path(form, "/layanan/{agency}/{slug}/isi/{page_id}/tampil")


def test_no_other_route_shares_a_path_with_a_form_page(loket: Loket) -> None:
    ours, others = [], []
    for route in iter_route_contexts(loket.app.routes):
        path = route.path
        if path is None:
            continue
        endpoint = getattr(route.original_route, "endpoint", None)
        mine = getattr(endpoint, "__module__", "") == form_pages.__name__
        (ours if mine else others).append((path, set(route.methods or {"GET"})))
    assert {path for path, _ in ours} == {
        "/layanan/{agency}/{slug}/isi/{page_id}",
        "/layanan/{agency}/{slug}/isi/{page_id}/validasi",
        "/layanan/{agency}/{slug}/isi/{page_id}/tampil",
        "/layanan/{agency}/{slug}/isi/{page_id}/wilayah",
    }
    assert len(others) > 50  # the whole app was walked
    for path, methods in ours:
        for other, other_methods in others:
            if methods & other_methods:
                assert not _could_share_a_path(path, other), (path, other)
