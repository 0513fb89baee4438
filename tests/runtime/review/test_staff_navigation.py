"""Staff find their tools: the landing after sign-in and one navigation bar on every staff page."""

from __future__ import annotations

import pytest

from runtime.auth import StaffUser
from runtime.navigation import areas, home_for
from tests.runtime.review.conftest import PASSWORD, Loket, csrf_of, parse

# username → (home after sign-in, the areas in the navigation bar)
EXPECTED = {
    "designer": ("/studio", ["/studio"]),
    "reviewer": ("/tinjau", ["/tinjau"]),
    "officer": ("/kantor", ["/kantor", "/kantor/laporan"]),
    "admin": (
        "/admin/pengguna",
        ["/admin/pengguna", "/admin/instansi", "/admin/pesan", "/admin/webhook"],
    ),
}


def _sign_in(loket: Loket, username: str) -> tuple[object, str]:
    """Sign in from the bare login page (no `next`): the client and where it was sent."""
    client = loket.client()
    page = client.get("/masuk")
    response = client.post(
        "/masuk",
        data={
            "csrf_token": csrf_of(page.text),
            "username": username,
            "password": PASSWORD,
            "next": parse(page.text).css_first("input[name=next]").attributes["value"] or "",
        },
    )
    assert response.status_code == 303
    landing = client.get(response.headers["location"])
    assert landing.status_code == 303, landing.text
    return client, landing.headers["location"]


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_lands_on_its_home_and_sees_its_areas(loket: Loket, username: str) -> None:
    home, links = EXPECTED[username]
    client, landed = _sign_in(loket, username)
    assert landed == home
    for path in links:
        page = client.get(path)  # type: ignore[attr-defined]
        assert page.status_code == 200, path
        nav = parse(page.text).css_first("#staff-nav")
        assert nav is not None, f"no staff navigation on {path}"
        assert [a.attributes["href"] for a in nav.css("ul a")] == links
        current = nav.css_first("a[aria-current=page]")
        assert current is not None and current.attributes["href"] == path
        assert loket.staff[username].display_name in nav.text()
        assert nav.css_first("form[action='/keluar'] input[name=csrf_token]") is not None


def test_a_designer_who_is_also_an_officer_and_reviewer_sees_every_area() -> None:
    user = StaffUser(
        1,
        "serba",
        "Serba Bisa",
        frozenset({"reviewer"}),
        {"dinas-uji": frozenset({"designer", "petugas"})},
        "s",
    )
    assert [a.path for a in areas(user)] == ["/kantor", "/kantor/laporan", "/studio", "/tinjau"]
    assert home_for(user) == "/kantor"


def test_citizen_pages_have_no_staff_navigation(loket: Loket) -> None:
    loket.publish_v1()
    client, _ = _sign_in(loket, "officer")
    page = client.get("/layanan/dinas-uji/surat-uji")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert parse(page.text).css_first("#staff-nav") is None
