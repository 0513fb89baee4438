"""The region field on the citizen's pages: level by level without JavaScript, and with htmx."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .conftest import Loket, attr, csrf_of, parse, the_form

SERVICE = "contoh/semua-jenis-field"


def _selects(doc: LexborHTMLParser, name: str = "wilayah") -> list[tuple[str, str, list[str]]]:
    """(id, chosen value, offered values) of each select named `name`, in page order."""
    found = []
    for node in the_form(doc).css(f"select[name='{name}']"):
        chosen = next(
            (attr(o, "value") for o in node.css("option") if "selected" in o.attributes), ""
        )
        offered = [attr(o, "value") for o in node.css("option") if attr(o, "value")]
        found.append((attr(node, "id"), chosen, offered))
    return found


def test_without_javascript_each_choice_posts_back_and_shows_the_next_list(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    selects = _selects(parse(first))
    assert [s[0] for s in selects] == ["f-wilayah"]  # only the provinces to start with
    assert "18" in selects[0][2] and len(selects[0][2]) == 38

    province = citizen.post_form(first, {"wilayah": "18", "nama": "Siti Aminah"}, action="wilayah")
    assert province.status_code == 200  # the same page again, nothing held against the citizen
    doc = parse(province)
    assert doc.css(".field.err") == []
    assert attr(doc.css_first("#f-nama"), "value") == "Siti Aminah"  # other answers kept
    selects = _selects(doc)
    assert [s[:2] for s in selects] == [("f-wilayah", "18"), ("f-wilayah-regency", "")]
    assert "18.71" in selects[1][2] and all(c.startswith("18.") for c in selects[1][2])
    labels = [n.text(deep=True) for n in doc.css("#wrap-f-wilayah label")]
    assert labels == ["Provinsi", "Kabupaten/kota"]

    regency = citizen.post_form(province, {"wilayah": ["18", "18.71"]}, action="wilayah")
    selects = _selects(parse(regency))
    assert [s[1] for s in selects] == ["18", "18.71", ""]
    assert "18.71.01" in selects[2][2]
    assert parse(regency).css_first("#wrap-f-wilayah button[value=wilayah]") is not None

    # changing a higher level drops the lower choices
    moved = citizen.post_form(regency, {"wilayah": ["11", "18.71", ""]}, action="wilayah")
    selects = _selects(parse(moved))
    assert [s[1] for s in selects] == ["11", ""]
    assert "18.71" not in selects[1][2]

    # down to the field's level (district): no more lists, no button; the page moves on
    done = citizen.post_form(moved, {"wilayah": ["18", "18.71", "18.71.01"]}, action="wilayah")
    doc = parse(done)
    assert [s[1] for s in _selects(doc)] == ["18", "18.71", "18.71.01"]
    assert doc.css_first("#wrap-f-wilayah button[value=wilayah]") is None
    citizen._record(
        "wilayah", {"code": "18.71.01", "names": ["Lampung", "Kota Bandar Lampung", "Kedaton"]}
    )
    check = citizen.fill_all(citizen.follow(citizen.fill_page(done)))
    assert "Kec. Kedaton, Kota Bandar Lampung, Lampung" in check.text


def test_an_answer_above_the_level_is_refused_on_next(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    response = citizen.post_form(first, {"wilayah": ["18", "18.71"]})
    assert response.status_code == 422
    doc = parse(response)
    error = doc.css_first("#f-wilayah-error")
    assert error is not None
    assert "sampai kecamatan" in error.text(deep=True)
    assert [s[1] for s in _selects(doc)] == ["18", "18.71", ""]  # the next list is there


def test_a_forged_code_is_not_taken(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    response = citizen.post_form(first, {"wilayah": ["99", "<b>x</b>"]}, action="wilayah")
    assert response.status_code == 200
    assert [s[1] for s in _selects(parse(response))] == [""]
    assert "<b>x</b>" not in response.text


def test_htmx_gets_the_field_with_its_next_list(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    doc = parse(first)
    select = doc.css_first("#f-wilayah")
    url = f"{citizen.base}/isi/data/wilayah"
    assert attr(select, "hx-post") == f"{url}?field=wilayah", select.html[:300]
    assert attr(select, "hx-target") == "#wrap-f-wilayah"
    assert "hx-on" not in select.html  # no inline handlers: the page's CSP allows none
    data = {"csrf_token": csrf_of(doc), "wilayah": ["18", "18.71"], "nik": "123"}
    partial = citizen.client.post(f"{url}?field=wilayah", data=data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text.lower()
    part = parse(partial)
    assert part.css_first("#wrap-f-wilayah") is not None
    assert part.css_first("#f-nik") is None  # only the field
    assert part.css_first(".msg") is None  # nothing checked yet
    chosen = [
        next((attr(o, "value") for o in n.css("option") if "selected" in o.attributes), "")
        for n in part.css("select[name=wilayah]")
    ]
    assert chosen == ["18", "18.71", ""]
    # nothing was saved
    again = citizen.get(f"{citizen.base}/isi/data")
    assert [s[1] for s in _selects(parse(again))] == [""]

    # a field that is not a region, or no field: nothing to swap
    other = citizen.client.post(f"{url}?field=nik", data=data, headers={"HX-Request": "true"})
    assert other.status_code == 204
    # without htmx the address shows the whole page, choices kept
    page = citizen.client.post(f"{url}?field=wilayah", data=data)
    assert page.status_code == 200
    assert [s[1] for s in _selects(parse(page))] == ["18", "18.71", ""]
    # without a CSRF token: refused
    refused = citizen.client.post(
        f"{url}?field=wilayah", data={"wilayah": "18"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code in {400, 403}


def test_a_region_inside_a_group_item(loket: Loket) -> None:
    citizen = loket.citizen(SERVICE)
    first = citizen.start()
    name = "anggota.0.kota_anggota"
    outside = citizen.post_form(first, {name: ["17.71"], "anggota._count": "1"}, action="wilayah")
    assert outside.status_code == 200
    selects = _selects(parse(outside), name)
    assert [s[1] for s in selects] == [""]  # within province 18: its regencies/cities only
    assert "18.71" in selects[0][2] and all(c.startswith("18.") for c in selects[0][2])
    inside = citizen.post_form(outside, {name: ["18.71"]}, action="wilayah")
    doc = parse(inside)
    assert [s[1] for s in _selects(doc, name)] == ["18.71"]
    assert doc.css_first("#wrap-f-anggota-0-kota_anggota button[value=wilayah]") is None
