"""Agencies and their letterhead data: the administrator's pages (and the rules they share)."""

from __future__ import annotations

import io

from runtime import agencies
from runtime.models import Agency
from tests import kit
from tests.runtime.admin.conftest import Site, csrf, page

PAGE = "/admin/instansi"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG image (2x2 unless told)."""
    return kit.png(width, height)


GOOD = {
    "id": "bpbd",
    "name": "Badan Penanggulangan Bencana Daerah",
    "parent_government": "Pemerintah Kota Bandar Lampung",
    "city": "Bandar Lampung",
    "address": "Jl. Dr. Susilo No. 2\nBandar Lampung",
    "phone": "(0721) 123456",
    "email": "bpbd@bandarlampungkota.go.id",
    "website": "https://bpbd.bandarlampungkota.go.id",
    "signatory_position": "Kepala Pelaksana",
    "signatory_name": "Drs. Budi Santoso",
    "signatory_nip": "197001011990031001",
}


def _agency(site: Site, agency_id: str) -> Agency | None:
    with site.session() as session:
        return session.get(Agency, agency_id)


def test_an_admin_adds_an_agency_without_a_service(site: Site) -> None:
    admin = site.login("admin")
    form = page(admin.get(PAGE))
    response = admin.post(
        PAGE,
        data={"csrf_token": csrf(form), **GOOD},
        files={"logo": ("logo.png", io.BytesIO(png()), "image/png")},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?selesai=added"
    stored = _agency(site, "bpbd")
    assert stored is not None
    assert stored.phone == "+62721123456"  # kept in +62 form
    assert stored.signatory_nip == "197001011990031001"
    listing = page(admin.get(response.headers["location"]))
    row = listing.css_first("tr[data-agency=bpbd]")
    assert row is not None and "Pemerintah Kota Bandar Lampung" in row.text()
    logo = admin.get(f"{PAGE}/bpbd/logo")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert logo.content == png()
    # a designer can now be given a role in it, though it has no service
    users = page(admin.get("/admin/pengguna"))
    assert users.css_first("#grant-role option[value='bpbd:designer']") is not None


def test_mistakes_are_listed_beside_their_fields_and_values_kept(site: Site) -> None:
    admin = site.login("admin")
    form = page(admin.get(PAGE))
    bad = {
        **GOOD,
        "id": "BPBD Kota",
        "email": "bpbd@",
        "phone": "12345",
        "website": "bpbd.go.id",
        "signatory_nip": "1970",
    }
    response = admin.post(
        PAGE,
        data={"csrf_token": csrf(form), **bad},
        files={"logo": ("logo.png", io.BytesIO(b"<html>not an image</html>"), "image/png")},
    )
    assert response.status_code == 422
    doc = page(response)
    links = [a.attributes["href"] for a in doc.css("#error-summary a")]
    assert sorted(links) == sorted(
        f"#agency-{name}" for name in ("id", "email", "phone", "website", "signatory_nip", "logo")
    )
    assert doc.css_first("#agency-email").attributes["value"] == "bpbd@"
    assert doc.css_first("#agency-name").attributes["value"] == GOOD["name"]
    assert "PNG atau JPEG" in doc.css_first("#agency-logo-error").text()
    assert _agency(site, "BPBD Kota") is None and _agency(site, "bpbd") is None


def test_a_taken_id_is_refused(site: Site) -> None:
    admin = site.login("admin")
    form = page(admin.get(PAGE))
    response = admin.post(
        PAGE, data={"csrf_token": csrf(form), "id": "disdukcapil", "name": "Tiruan"}
    )
    assert response.status_code == 422
    assert "sudah ada" in page(response).css_first("#agency-id-error").text()


def test_an_admin_updates_an_agency_and_replaces_the_logo(site: Site) -> None:
    admin = site.login("admin")
    edit = page(admin.get(f"{PAGE}/disdukcapil"))
    assert edit.css_first("#agency-name") is not None
    values = {
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "parent_government": "Pemerintah Kota Bandar Lampung",
        "city": "Bandar Lampung",
        "email": "",
    }
    response = admin.post(
        f"{PAGE}/disdukcapil",
        data={"csrf_token": csrf(edit), **values},
        files={"logo": ("logo.png", io.BytesIO(png(3, 3)), "image/png")},
    )
    assert response.status_code == 303
    stored = _agency(site, "disdukcapil")
    assert stored is not None and stored.city == "Bandar Lampung"
    assert admin.get(f"{PAGE}/disdukcapil/logo").content == png(3, 3)

    again = page(admin.get(f"{PAGE}/disdukcapil"))
    assert again.css_first("#agency-remove-logo") is not None
    removed = admin.post(
        f"{PAGE}/disdukcapil",
        data={"csrf_token": csrf(again), **values, "remove_logo": "1"},
    )
    assert removed.status_code == 303
    assert admin.get(f"{PAGE}/disdukcapil/logo").status_code == 404


def test_an_oversized_logo_is_refused_and_the_form_kept(site: Site) -> None:
    admin = site.login("admin")
    edit = page(admin.get(f"{PAGE}/dinsos"))
    big = png() + b"\x00" * (agencies.MAX_LOGO_BYTES + 10)
    response = admin.post(
        f"{PAGE}/dinsos",
        data={"csrf_token": csrf(edit), "name": "Dinas Sosial", "city": "Metro"},
        files={"logo": ("logo.png", io.BytesIO(big), "image/png")},
    )
    assert response.status_code == 422
    doc = page(response)
    assert "256 KB" in doc.css_first("#agency-logo-error").text()
    assert doc.css_first("#agency-city").attributes["value"] == "Metro"
    stored = _agency(site, "dinsos")
    assert stored is not None and stored.city == ""


def test_only_admins_open_the_agency_pages(site: Site) -> None:
    officer = site.login("petugas.dukcapil")
    assert officer.get(PAGE).status_code == 403
    assert officer.get(f"{PAGE}/disdukcapil").status_code == 403
    token = csrf(page(officer.get("/kantor")))
    refused = officer.post(PAGE, data={"csrf_token": token, "id": "x-y", "name": "X"})
    assert refused.status_code == 403
    assert _agency(site, "x-y") is None
    assert site.client().get(PAGE).status_code == 303  # anonymous: to the login page


def test_a_post_without_the_csrf_token_is_refused(site: Site) -> None:
    admin = site.login("admin")
    response = admin.post(PAGE, data={**GOOD})
    assert response.status_code == 403
    assert _agency(site, "bpbd") is None


def test_an_unknown_agency_is_not_found(site: Site) -> None:
    admin = site.login("admin")
    assert admin.get(f"{PAGE}/tidak-ada").status_code == 404
    assert admin.get(f"{PAGE}/{'x' * 500}").status_code == 404


def test_agency_mistakes_are_in_one_language(site: Site) -> None:
    admin = site.login("admin")
    for lang, wanted in (("id", "Surel tidak sah"), ("en", "e-mail")):
        form = page(admin.get(f"{PAGE}?lang={lang}"))
        response = admin.post(
            f"{PAGE}?lang={lang}", data={"csrf_token": csrf(form), **GOOD, "email": "bpbd@"}
        )
        assert response.status_code == 422
        message = page(response).css_first("#agency-email-error").text()
        assert wanted.lower() in message.lower() and " / " not in message
