"""The admin page: who may open it, adding and disabling users, granting and revoking roles."""

from __future__ import annotations

import pytest
from sqlmodel import select

from runtime import auth
from runtime.models import Membership, User, WebSession

from .conftest import PASSWORDS, Site, csrf, page

PAGE = "/admin/pengguna"
NEW_PASSWORD = "Senja-Di-Pahoman-Tujuh-2026"


def _memberships(site: Site, username: str) -> set[tuple[str, str]]:
    with site.session() as session:
        user = site.user(username)
        rows = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
        return {(m.agency_id, m.role) for m in rows}


def _count_users(site: Site) -> int:
    with site.session() as session:
        return len(session.exec(select(User)).all())


# -- access --------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(site: Site) -> None:
    response = site.client().get(PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?next=/admin/pengguna"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PAGE),
        ("post", PAGE),
        ("post", PAGE + "/peran"),
        ("post", PAGE + "/1/nonaktifkan"),
        ("post", PAGE + "/1/aktifkan"),
        ("post", PAGE + "/1/cabut"),
    ],
)
def test_an_officer_is_refused_and_nothing_changes(site: Site, method: str, path: str) -> None:
    client = site.login("petugas.dukcapil")
    token = csrf(page(client.get("/masuk")))
    data = {
        "csrf_token": token,
        "display_name": "Penyusup",
        "username": "penyusup",
        "password": NEW_PASSWORD,
        "user_id": str(site.user("petugas.dukcapil").id),
        "role": "disdukcapil:kepala",
        "agency": "disdukcapil",
    }
    before = _memberships(site, "petugas.dukcapil"), _count_users(site)
    response = client.get(path) if method == "get" else client.post(path, data=data)
    assert response.status_code == 403
    assert (_memberships(site, "petugas.dukcapil"), _count_users(site)) == before
    assert site.user("admin").is_active


def test_the_list_shows_users_global_roles_and_memberships(site: Site) -> None:
    response = site.login("admin").get(PAGE)
    assert response.status_code == 200
    doc = page(response)
    rows = {r.attributes["data-username"]: r for r in doc.css("#users tbody tr")}
    assert set(rows) == set(PASSWORDS)
    assert rows["admin"].css_first(".global-roles").text(strip=True) == "admin"
    held = [
        (li.attributes["data-agency"], li.attributes["data-role"])
        for li in rows["petugas.dinsos"].css("li[data-role]")
    ]
    assert held == [("dinsos", "petugas")]
    # everyone but oneself can be disabled
    assert rows["admin"].css_first("form[action$=nonaktifkan]") is None
    assert rows["petugas.dinsos"].css_first("form[action$=nonaktifkan]") is not None


def test_roles_offered_come_from_the_agencys_definitions_plus_designer(site: Site) -> None:
    doc = page(site.login("admin").get(PAGE))
    offered = {
        o.attributes["value"] for o in doc.css("#grant-role option") if o.attributes["value"]
    }
    assert offered == {
        "disdukcapil:petugas",
        "disdukcapil:kepala",
        "disdukcapil:designer",
        "dinsos:petugas",
        "dinsos:kepala",
        "dinsos:designer",
    }


# -- adding a user -------------------------------------------------------------------------------


def test_admin_adds_a_user_who_can_then_sign_in(site: Site) -> None:
    client = site.login("admin")
    token = csrf(page(client.get(PAGE)))
    response = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "display_name": "Siti Rahma",
            "username": "Siti.Rahma",
            "password": NEW_PASSWORD,
            "global_roles": "reviewer",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == PAGE + "?selesai=added"
    user = site.user("siti.rahma")
    assert (user.display_name, user.global_roles, user.is_active) == (
        "Siti Rahma",
        ["reviewer"],
        True,
    )
    assert user.password_hash.startswith("$argon2id$")
    shown = page(client.get(response.headers["location"]))
    assert shown.css_first("#done") is not None
    assert shown.css_first("tr[data-username='siti.rahma']") is not None
    site.login("siti.rahma", NEW_PASSWORD)


def test_mistakes_are_shown_with_422_values_kept_and_never_the_password(site: Site) -> None:
    client = site.login("admin")
    token = csrf(page(client.get(PAGE)))
    weak = "password1234"
    response = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "display_name": "",
            "username": "budi.petugas",
            "password": weak,
            "global_roles": "admin",
        },
    )
    assert response.status_code == 422
    doc = page(response)
    links = {a.attributes["href"] for a in doc.css("#error-summary a")}
    assert links == {"#new-display-name", "#new-password"}
    assert {f"#{n.attributes['id']}" for n in doc.css("input[id]")} >= links
    assert doc.css_first("#new-username").attributes["value"] == "budi.petugas"
    assert "value" not in doc.css_first("#new-password").attributes
    assert "checked" in doc.css_first("#new-global-admin").attributes
    assert weak not in response.text
    with site.session() as session:
        assert session.exec(select(User).where(User.username == "budi.petugas")).first() is None


@pytest.mark.parametrize(
    ("username", "password", "anchors"),
    [
        ("petugas.dinsos", NEW_PASSWORD, {"#new-username"}),  # taken
        ("petugas.dinsos", "pendek", {"#new-username", "#new-password"}),
        ("X", NEW_PASSWORD, {"#new-username"}),
        ("ahmad", "ahmad-ahmad-ahmad-2026", {"#new-password"}),  # contains the username
        ("siti.rahma", "Bandarlampung2026", {"#new-password"}),  # place name and year
        ("siti.rahma", "Kedaton-Enggal-1990", {"#new-password"}),  # districts and a year
        ("siti.rahma", "Nama-Nama-2026!", {"#new-password"}),  # the display name
    ],
)
def test_bad_usernames_and_passwords(
    site: Site, username: str, password: str, anchors: set[str]
) -> None:
    client = site.login("admin")
    token = csrf(page(client.get(PAGE)))
    before = _count_users(site)
    response = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "display_name": "Nama",
            "username": username,
            "password": password,
        },
    )
    assert response.status_code == 422
    assert {a.attributes["href"] for a in page(response).css("#error-summary a")} == anchors
    assert _count_users(site) == before


def test_a_post_without_the_csrf_token_changes_nothing(site: Site) -> None:
    client = site.login("admin")
    before = _count_users(site)
    response = client.post(
        PAGE, data={"display_name": "A", "username": "tanpa.token", "password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    dinsos = site.user("petugas.dinsos")
    assert client.post(f"{PAGE}/{dinsos.id}/nonaktifkan", data={}).status_code == 403
    assert _count_users(site) == before
    assert site.user("petugas.dinsos").is_active


# -- disabling -----------------------------------------------------------------------------------


def test_disabling_a_user_ends_their_sessions(site: Site) -> None:
    officer = site.login("petugas.dinsos")
    assert officer.get("/kantor/laporan").status_code == 200
    target = site.user("petugas.dinsos")
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    response = admin.post(f"{PAGE}/{target.id}/nonaktifkan", data={"csrf_token": token})
    assert response.status_code == 303
    stored = site.user("petugas.dinsos")
    assert not stored.is_active and stored.disabled_at is not None
    with site.session() as session:
        assert session.exec(select(WebSession).where(WebSession.user_id == target.id)).all() == []
    assert officer.get("/kantor/laporan").status_code == 303  # back to the login page
    row = page(admin.get(PAGE)).css_first("tr[data-username='petugas.dinsos']")
    assert row.css_first(".tag.bad") is not None
    assert row.css_first("form[action$=nonaktifkan]") is None


def test_a_disabled_user_can_be_enabled_again_with_their_roles(site: Site) -> None:
    target = site.user("petugas.dinsos")
    roles_before = _memberships(site, "petugas.dinsos")
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    assert (
        admin.post(f"{PAGE}/{target.id}/nonaktifkan", data={"csrf_token": token}).status_code == 303
    )
    refused = site.client()
    login_token = csrf(page(refused.get("/masuk")))
    attempt = refused.post(
        "/masuk",
        data={
            "username": "petugas.dinsos",
            "password": PASSWORDS["petugas.dinsos"],
            "csrf_token": login_token,
        },
    )
    assert attempt.status_code != 303  # a disabled account cannot sign in
    row = page(admin.get(PAGE)).css_first("tr[data-username='petugas.dinsos']")
    assert row.css_first("form[action$=aktifkan] button") is not None
    response = admin.post(f"{PAGE}/{target.id}/aktifkan", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?selesai=enabled"
    done = page(admin.get(response.headers["location"])).css_first("#done")
    assert done is not None and "aktif lagi" in done.text()
    stored = site.user("petugas.dinsos")
    assert stored.is_active and stored.disabled_at is None
    assert _memberships(site, "petugas.dinsos") == roles_before
    officer = site.login("petugas.dinsos")  # signs in again (asserts the redirect)
    assert officer.get("/kantor/laporan").status_code == 200


def test_enabling_needs_an_admin_and_the_csrf_token(site: Site) -> None:
    target = site.user("petugas.dinsos")
    with site.session() as session:
        stored = session.get(User, target.id)
        assert stored is not None
        auth.disable(session, user=stored)
        session.commit()
    officer = site.login("petugas.dukcapil")
    token = csrf(page(officer.get("/masuk")))
    assert (
        officer.post(f"{PAGE}/{target.id}/aktifkan", data={"csrf_token": token}).status_code == 403
    )
    admin = site.login("admin")
    assert admin.post(f"{PAGE}/{target.id}/aktifkan", data={}).status_code == 403
    assert (
        admin.post(
            f"{PAGE}/99999/aktifkan", data={"csrf_token": csrf(page(admin.get(PAGE)))}
        ).status_code
        == 404
    )
    assert not site.user("petugas.dinsos").is_active


def test_an_admin_cannot_disable_themselves(site: Site) -> None:
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    me = site.user("admin")
    response = admin.post(f"{PAGE}/{me.id}/nonaktifkan", data={"csrf_token": token})
    assert response.status_code == 422
    assert site.user("admin").is_active


def test_disabling_an_unknown_user_is_404(site: Site) -> None:
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    assert admin.post(f"{PAGE}/99999/nonaktifkan", data={"csrf_token": token}).status_code == 404


# -- roles ---------------------------------------------------------------------------------------


def test_granting_and_revoking_a_role(site: Site) -> None:
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    officer = site.user("petugas.dinsos")
    response = admin.post(
        f"{PAGE}/peran",
        data={"csrf_token": token, "user_id": str(officer.id), "role": "disdukcapil:kepala"},
    )
    assert response.status_code == 303
    assert _memberships(site, "petugas.dinsos") == {
        ("dinsos", "petugas"),
        ("disdukcapil", "kepala"),
    }
    response = admin.post(
        f"{PAGE}/{officer.id}/cabut",
        data={"csrf_token": token, "agency": "dinsos", "role": "petugas"},
    )
    assert response.status_code == 303
    assert _memberships(site, "petugas.dinsos") == {("disdukcapil", "kepala")}
    # the officer now sees disdukcapil's reports and no longer dinsos'
    client = site.login("petugas.dinsos")
    assert client.get("/kantor/laporan/disdukcapil").status_code == 200
    assert client.get("/kantor/laporan/dinsos").status_code == 404


@pytest.mark.parametrize(
    "role", ["dinsos:admin", "dinsos:ppid", "tidakada:petugas", "petugas", "", "reviewer"]
)
def test_only_offered_roles_can_be_granted(site: Site, role: str) -> None:
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    officer = site.user("petugas.dukcapil")
    response = admin.post(
        f"{PAGE}/peran", data={"csrf_token": token, "user_id": str(officer.id), "role": role}
    )
    assert response.status_code == 422
    doc = page(response)
    assert [a.attributes["href"] for a in doc.css("#error-summary a")] == ["#grant-role"]
    selected = doc.css_first("#grant-user option[selected]")
    assert selected is not None and selected.attributes["value"] == str(officer.id)
    assert _memberships(site, "petugas.dukcapil") == {("disdukcapil", "petugas")}


def test_roles_are_not_granted_to_disabled_or_unknown_users(site: Site) -> None:
    admin = site.login("admin")
    token = csrf(page(admin.get(PAGE)))
    for user_id in ("99999", "abc", ""):
        response = admin.post(
            f"{PAGE}/peran",
            data={"csrf_token": token, "user_id": user_id, "role": "dinsos:kepala"},
        )
        assert response.status_code == 422
        assert [a.attributes["href"] for a in page(response).css("#error-summary a")] == [
            "#grant-user"
        ]


def test_an_account_may_have_an_email_address_checked_on_adding(site: Site) -> None:
    client = site.login("admin")
    token = csrf(page(client.get(PAGE)))
    values = {
        "csrf_token": token,
        "display_name": "Dewi Lestari",
        "username": "dewi.lestari",
        "password": NEW_PASSWORD,
        "email": "bukan-alamat",
    }
    refused = client.post(PAGE, data=values)
    assert refused.status_code == 422
    shown = page(refused)
    field = shown.css_first("#new-email")
    assert field is not None and field.attributes.get("value") == "bukan-alamat"
    assert "e-mail" in shown.text()
    added = client.post(PAGE, data={**values, "email": " dewi@dinsos.example.go.id "})
    assert added.status_code == 303
    assert site.user("dewi.lestari").email == "dewi@dinsos.example.go.id"


def test_each_mistake_is_shown_beside_its_field_in_the_pages_language(site: Site) -> None:
    client = site.login("admin")
    for lang, wanted, unwanted in (
        ("id", "Isi nama tampilan.", "Enter a display name"),
        ("en", "Enter a display name.", "Isi nama tampilan"),
    ):
        token = csrf(page(client.get(f"{PAGE}?lang={lang}")))
        response = client.post(
            f"{PAGE}?lang={lang}",
            data={
                "csrf_token": token,
                "display_name": "",
                "username": "budi.petugas",
                "password": "pendek",
                "email": "budi@",
            },
        )
        assert response.status_code == 422
        doc = page(response)
        name = doc.css_first("#new-display-name-error")
        assert name is not None and wanted in name.text() and unwanted not in response.text
        assert " / " not in doc.css_first("#new-password-error").text()
        assert " / " not in doc.css_first("#new-email-error").text()
        for field in ("new-display-name", "new-password", "new-email"):
            node = doc.css_first(f"#{field}")
            assert node.attributes.get("aria-invalid") == "true"
            assert f"{field}-error" in (node.attributes.get("aria-describedby") or "")
        summary = [a.text() for a in doc.css("#error-summary a")]
        assert all(" / " not in text for text in summary)
    grant = client.post(
        f"{PAGE}/peran?lang=en",
        data={"csrf_token": csrf(page(client.get(PAGE))), "user_id": "", "role": "x:y"},
    )
    doc = page(grant)
    assert (
        doc.css_first("#grant-role-error").text().strip().endswith("Choose a role from the list.")
    )
    assert "Pilih" not in doc.css_first("#grant-user-error").text()
