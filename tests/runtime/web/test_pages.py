"""Catalogue, start page, every field type's template, page weight, English."""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from builder.fields import REGISTRY
from runtime import assets

from .conftest import (
    AGENCY_NAMES,
    ALL_FIELDS,
    EXAMPLES,
    Loket,
    attr,
    csrf_of,
    ids,
    load_definition,
    parse,
)

TEMPLATES = Path(__file__).resolve().parents[3] / "runtime" / "templates"
DOMISILI = "disdukcapil/surat-keterangan-domisili"


def _catalogue(doc: LexborHTMLParser) -> dict[str, list[str]]:
    """Agency name -> service titles, in page order."""
    groups: dict[str, list[str]] = {}
    current = None
    main = doc.css_first("main")
    assert main is not None
    for node in main.iter():
        if node.tag == "h2":
            current = node.text().strip()
            groups[current] = []
        elif node.tag == "ul" and "services" in attr(node, "class"):
            assert current is not None
            groups[current] += [a.text().strip() for a in node.css("li > a")]
    return groups


def test_catalogue_groups_services_by_agency(loket: Loket) -> None:
    response = loket.client.get("/")
    assert response.status_code == 200
    groups = _catalogue(parse(response))
    definitions = [load_definition(p) for p in [*EXAMPLES, ALL_FIELDS]]
    expected: dict[str, list[str]] = {}
    for definition in definitions:
        title = definition["title"]
        expected.setdefault(AGENCY_NAMES[definition["agency"]], []).append(
            title["id"] if isinstance(title, dict) else title
        )
    assert {k: sorted(v) for k, v in groups.items()} == {k: sorted(v) for k, v in expected.items()}
    links = {attr(a, "href") for a in parse(response).css("ul.services a")}
    assert f"/layanan/{DOMISILI}" in links


def test_catalogue_search(loket: Loket) -> None:
    doc = parse(loket.client.get("/", params={"q": "domisili"}))
    assert _catalogue(doc) == {AGENCY_NAMES["disdukcapil"]: ["Surat Keterangan Domisili"]}
    assert attr(doc.css_first("input[name=q]"), "value") == "domisili"
    by_agency = _catalogue(parse(loket.client.get("/", params={"q": "dinas sosial"})))
    assert list(by_agency) == [AGENCY_NAMES["dinsos"]]
    nothing = parse(loket.client.get("/", params={"q": "tidak ada yang cocok"}))
    assert _catalogue(nothing) == {}
    assert nothing.css_first("main p") is not None
    english = _catalogue(
        parse(loket.client.get("/", params={"q": "certificate domicile", "lang": "en"}))
    )
    assert english == {AGENCY_NAMES["disdukcapil"]: ["Certificate of Domicile"]}
    weird = loket.client.get("/", params={"q": '"><script>alert(1)</script>' + "x" * 500})
    assert weird.status_code == 200
    assert parse(weird).css("script") == parse(weird).css("script[integrity]")


def test_start_page_shows_the_service_standard(loket: Loket) -> None:
    definition = loket.definitions[DOMISILI]
    response = loket.client.get(f"/layanan/{DOMISILI}")
    assert response.status_code == 200
    doc = parse(response)
    assert doc.css_first("h1").text().strip() == definition["title"]["id"]
    items = [li.text().strip() for li in doc.css("main ul li")]
    for requirement in definition["standard"]["requirements"]:
        text = requirement["id"] if isinstance(requirement, dict) else requirement
        assert text in items
    facts = {
        div.css_first("dt").text().strip(): div.css_first("dd").text(deep=True).strip()
        for div in doc.css("dl.answers > div")
    }
    days = definition["standard"]["duration_days"]
    assert facts["Jangka waktu penyelesaian"] == f"{days} hari kerja"
    cost = definition["standard"]["cost"]
    assert facts["Biaya"] == (cost["id"] if isinstance(cost, dict) else cost)
    website = definition["standard"]["contact"]["website"]
    assert [attr(a, "href") for a in doc.css("dl.answers a")] == [website]
    paragraphs = [p.text(deep=True).strip() for p in doc.css("main p")]
    purpose = definition["privacy"]["purpose"]
    assert (purpose["id"] if isinstance(purpose, dict) else purpose) in paragraphs
    retention = definition["privacy"]["retention_days"]
    assert f"Data disimpan selama {retention} hari." in paragraphs
    form = doc.css_first("main form")
    assert attr(form, "method") == "post"
    assert attr(form, "action") == f"/layanan/{DOMISILI}/mulai"
    assert form.css_first("input[type=hidden][name=csrf_token]") is not None
    assert form.css_first("button[type=submit]").text().strip() == "Mulai permohonan"


def test_every_field_type_has_a_template() -> None:
    for name in REGISTRY:
        assert (TEMPLATES / "fields" / f"{name}.html").is_file(), name


def _all_fields_page(loket: Loket) -> tuple[str, LexborHTMLParser]:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    return page.text, parse(page)


def test_every_field_type_renders_accessibly(loket: Loket) -> None:
    _, doc = _all_fields_page(loket)
    rendered = {attr(n, "id").removeprefix("wrap-f-") for n in doc.css(".field[id^=wrap-f-]")}
    compiled = loket.citizen("contoh/semua-jenis-field").compiled
    page = compiled.pages[0]
    types = {p.type for p in page.fields if p.key in rendered}
    assert types == set(REGISTRY) - {"declaration"}
    known = ids(doc)
    form = doc.css_first("main form")
    for control in form.css("input, select, textarea"):
        kind = attr(control, "type")
        if kind in {"hidden", "submit"}:
            continue
        control_id = attr(control, "id")
        assert control_id, control.html
        assert doc.css_first(f"label[for='{control_id}']") is not None, control_id
        for described in attr(control, "aria-describedby").split():
            assert described in known
    for fieldset in form.css("fieldset"):
        assert fieldset.css_first("legend") is not None
    # radio buttons for short choices, a select for long ones
    assert form.css("input[type=radio][name=warna]")
    assert form.css_first("select[name=provinsi]") is not None
    assert form.css("input[type=checkbox][name=hobi]")


def test_a_form_page_is_light(loket: Loket) -> None:
    html, doc = _all_fields_page(loket)
    css = loket.client.get("/static/loket.css")
    assert css.status_code == 200
    stylesheets = [attr(n, "href") for n in doc.css("link[rel=stylesheet]")]
    assert stylesheets == ["/static/loket.css"]
    size = len(html.encode()) + len(css.content)
    assert size < 30 * 1024, size
    scripts = doc.css("script")
    assert len(scripts) == 1
    (script,) = scripts
    assert attr(script, "src") == assets.HTMX_URL
    assert attr(script, "integrity") == assets.HTMX_SRI
    assert attr(script, "integrity").startswith("sha384-")
    assert attr(script, "crossorigin") == "anonymous"
    assert f"@{assets.HTMX_VERSION}/" in assets.HTMX_URL


def test_english_by_query_and_cookie(loket: Loket) -> None:
    client = loket.new_client()
    response = client.get(f"/layanan/{DOMISILI}", params={"lang": "en"})
    doc = parse(response)
    assert doc.css_first("html").attributes["lang"] == "en"
    assert doc.css_first("h1").text().strip() == "Certificate of Domicile"
    assert doc.css_first("main form button").text().strip() == "Start application"
    assert "loket_lang=en" in response.headers["set-cookie"]
    # the cookie keeps the choice
    again = parse(client.get("/"))
    assert again.css_first("h1").text().strip() == "Services"
    start = client.post(f"/layanan/{DOMISILI}/mulai", data={"csrf_token": csrf_of(doc)})
    page = parse(client.get(start.headers["location"]))
    assert page.css_first("h1").text().strip() == "Applicant"
    assert page.css_first("label[for=f-nama]").text().strip().startswith("Full name")
    # a label without an English version falls back to Bahasa Indonesia
    assert page.css_first("label[for=f-nik]").text().strip().startswith("NIK")
    errors = client.post(start.headers["location"], data={"csrf_token": csrf_of(doc), "nik": "1"})
    assert errors.status_code == 422
    summary = parse(errors).css_first("#error-summary h2").text().strip()
    assert summary == "There is a problem"
    # switching back
    back = client.get("/", params={"lang": "id"})
    assert parse(back).css_first("h1").text().strip() == "Daftar layanan"


def test_english_by_accept_language(loket: Loket) -> None:
    client = loket.new_client()
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,id;q=0.5"})
    doc = parse(response)
    assert doc.css_first("html").attributes["lang"] == "en"
    assert doc.css_first("h1").text().strip() == "Services"
    assert "accept-language" in response.headers["vary"].lower()
    indonesian = parse(client.get("/", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}))
    assert indonesian.css_first("h1").text().strip() == "Daftar layanan"
    fallback = parse(client.get("/", headers={"Accept-Language": "fr-FR"}))
    assert fallback.css_first("html").attributes["lang"] == "id"


def _assert_unique_ids(doc: LexborHTMLParser) -> None:
    found = [attr(n, "id") for n in doc.css("[id]")]
    assert len(found) == len(set(found)), sorted(i for i in found if found.count(i) > 1)
    for link in doc.css("a[href^='#']"):
        assert attr(link, "href")[1:] in set(found), attr(link, "href")
    for label in doc.css("label[for]"):
        assert attr(label, "for") in set(found)


def test_ids_are_unique_and_references_resolve(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    first = citizen.start()
    _assert_unique_ids(parse(first))
    added = citizen.post_form(first, action="add:anggota")
    _assert_unique_ids(parse(added))
    errors = citizen.post_form(added, {"nama": "", "anggota.1.nik_anggota": "12"}, fill=False)
    assert errors.status_code == 422
    _assert_unique_ids(parse(errors))
    check = citizen.fill_all(citizen.follow(citizen.fill_page(errors)))
    _assert_unique_ids(parse(check))
    refused = citizen.post_form(check, fill=False)
    assert refused.status_code == 422
    _assert_unique_ids(parse(refused))


def _switch(doc: LexborHTMLParser) -> str:
    link = doc.css_first("header nav a[hreflang]")
    assert link is not None
    return attr(link, "href")


def test_the_language_link_leads_to_a_page_that_exists(loket: Loket) -> None:
    doc = parse(loket.client.get("/", params={"q": "domisili"}))
    assert _switch(doc) == "/?q=domisili&lang=en"
    citizen = loket.citizen("ppid/permohonan-informasi-publik")
    check = citizen.fill_all()
    refused = citizen.post_form(check, fill=False)  # no declaration: shown again at /kirim
    assert refused.status_code == 422
    target = _switch(parse(refused))
    assert target == f"{citizen.base}/periksa?lang=en"
    english = citizen.get(target)
    assert english.status_code == 200
    assert parse(english).css_first("h1").text().strip() == "Check your answers"
    page = citizen.get(f"{citizen.base}/isi/pemohon?kembali=periksa")
    invalid = citizen.post_form(page, {"nik": "1"}, fill=False)
    assert _switch(parse(invalid)) == f"{citizen.base}/isi/pemohon?kembali=periksa&lang=id"
