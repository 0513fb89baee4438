"""The citizen's four journeys, over HTTP: start, fill (uploads, groups, hints), check and
send, then follow the case (receipt, withdraw, correct)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from sqlmodel import select

from builder import values
from builder.indonesian import MONTHS
from runtime.models import OutboxMessage, Submission

from .conftest import ALL_FIELDS, PDF, Loket, attr, csrf_of, file_a_case, load_definition, parse
from .test_applicant import _case, _send_back

SKTM = "dinsos/surat-keterangan-tidak-mampu"
DOMISILI = "disdukcapil/surat-keterangan-domisili"
COMPLAINT = "diskominfo/pengaduan-masyarakat"
INFO = "ppid/permohonan-informasi-publik"
PAGE_BUDGET = 30 * 1024


def test_start_page_puts_the_start_button_before_the_full_standard(loket: Loket) -> None:
    page = loket.client.get(f"/layanan/{DOMISILI}")
    html = page.text
    button = html.index('action="/layanan/' + DOMISILI + '/mulai"')
    details = html.index("<details")
    assert button < details
    doc = parse(page)
    assert doc.css_first("details summary").text() == "Standar Pelayanan lengkap"
    requirement = loket.definitions[DOMISILI]["standard"]["requirements"][0]
    assert (requirement["id"] if isinstance(requirement, dict) else requirement) in doc.css_first(
        "details"
    ).text()
    assert [dt.text() for dt in doc.css("dl.facts dt")] == ["Jangka waktu penyelesaian", "Biaya"]
    # what comes before the button is short: the key facts only
    assert len(re.sub(r"<[^>]+>", "", html[html.index("<main") : button])) < 900


def test_wording_follows_the_kind_of_service(loket: Loket) -> None:
    words = {
        DOMISILI: ("Mulai permohonan", "Kirim permohonan", "Permohonan terkirim"),
        COMPLAINT: ("Mulai aduan", "Kirim aduan", "Aduan terkirim"),
        INFO: (
            "Mulai permintaan informasi",
            "Kirim permintaan informasi",
            "Permintaan informasi terkirim",
        ),
    }
    for service, (start, submit, receipt) in words.items():
        client = loket.new_client()
        start_page = parse(client.get(f"/layanan/{service}"))
        assert start_page.css_first("button.start").text().strip() == start
        citizen = loket.citizen(service, client)
        check = citizen.fill_all()
        assert parse(check).css("main form button[type=submit]")[-1].text().strip() == submit
        sent = citizen.follow(citizen.submit(check))
        assert parse(sent).css_first("h1").text().strip() == receipt
    english = loket.new_client().get(f"/layanan/{COMPLAINT}?lang=en")
    assert parse(english).css_first("button.start").text().strip() == "Start a complaint"


def test_an_upload_over_the_pages_limit_comes_back_beside_its_field(loket: Loket) -> None:
    """berkas_ktp allows 2 MB; a 12 MB file (more than the page's files together and the
    global limit) shows the page again: the error beside the field, the other answers kept."""
    citizen = loket.citizen(SKTM)
    page = citizen.start()
    while 'name="berkas_ktp"' not in page.text:
        page = citizen.follow(citizen.fill_page(page))
    big = PDF + b"0" * (12 * 1024 * 1024)
    response = citizen.post_form(page, files={"berkas_ktp": ("besar.pdf", big, "application/pdf")})
    assert response.status_code == 422, response.text[:300]
    doc = parse(response)
    wrap = doc.css_first("#wrap-f-berkas_ktp")
    assert "err" in attr(wrap, "class")
    assert "lebih besar dari 2 MB" in wrap.css_first(".msg").text()
    assert [a.attributes["href"] for a in doc.css("#error-summary a")] == ["#f-berkas_ktp"]
    # the other files sent with it are kept
    assert doc.css_first("#f-berkas_kk-current") is not None
    # a body over the read limit is still refused before it is read
    huge = loket.client.post(
        str(page.url.path),
        content=b"x" * 10,
        headers={"content-length": str(41 * 1024 * 1024), "content-type": "multipart/form-data"},
    )
    assert huge.status_code == 413


@pytest.mark.postgres
def test_receipt_reference_copy_next_steps_and_send_link(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    receipt = citizen.follow(citizen.submit(citizen.fill_all()))
    doc = parse(receipt)
    ref = doc.css_first("#reference")
    assert re.fullmatch(r"LKT-[A-Z0-9]{5}-[A-Z0-9]{5}", ref.text())
    css = loket.client.get("/static/loket.css").text
    assert re.search(r"\.panel \.ref[^{]*\{[^}]*white-space:nowrap", css)
    # the copy buttons are hidden without JavaScript; a same-site script (CSP 'self') shows them
    buttons = doc.css("button[data-copy]")
    assert buttons and all("hidden" in b.attributes for b in buttons)
    assert [attr(s, "src") for s in doc.css("script[src^='/']")] == ["/static/copy.js"]
    assert not [s for s in doc.css("script") if not attr(s, "src")]
    assert loket.client.get("/static/copy.js").status_code == 200
    steps = [li.text() for li in doc.css("ol.next-steps li")]
    days = loket.definitions[DOMISILI]["standard"]["duration_days"]
    assert any(f"{days} hari kerja" in s and "Perkiraan selesai" in s for s in steps)
    # send the link to an address typed on the receipt: queued, then rate limited
    form = doc.css_first("#kirim-tautan form")
    bad = citizen.client.post(
        attr(form, "action"), data={"csrf_token": csrf_of(doc), "contact": "x"}
    )
    assert bad.status_code == 422
    assert parse(bad).css_first("#send-contact-error") is not None
    for _ in range(3):
        sent = citizen.client.post(
            attr(form, "action"), data={"csrf_token": csrf_of(doc), "contact": "budi@contoh.id"}
        )
        assert sent.status_code == 200
        assert "Tautan status sudah dikirim" in sent.text
    limited = citizen.client.post(
        attr(form, "action"), data={"csrf_token": csrf_of(doc), "contact": "budi@contoh.id"}
    )
    assert limited.status_code == 429
    with loket.session() as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "link.status")).all()
    assert len(rows) == 3 and all(r.recipient == "budi@contoh.id" for r in rows)
    link = attr(doc.css_first("#status-link"), "href")
    assert all(link in r.body for r in rows)


def test_withdrawn_state_shows_its_label(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    status = parse(citizen.get(link))
    form = next(f for f in status.css("form") if attr(f, "action").endswith("/tarik"))
    version = attr(form.css_first("input[name=row_version]"), "value")
    done = citizen.client.post(
        attr(form, "action"),
        data={"csrf_token": csrf_of(status), "row_version": version, "confirm": "ya"},
    )
    assert done.status_code == 303
    after = citizen.get(link)
    assert "ditarik" not in after.text.replace("Ditarik", "")
    assert parse(after).css_first(".tag").text() == "Ditarik kembali oleh pemohon"


def test_correction_opens_with_the_note_and_the_questioned_fields(loket: Loket) -> None:
    citizen, link = file_a_case(loket, DOMISILI)
    case = _case(loket, link)
    _send_back(loket, case, comment="Foto KTP-el buram, unggah ulang.")
    status = parse(citizen.get(link))
    form = next(f for f in status.css("form") if attr(f, "action").endswith("/perbaiki"))
    first = citizen.follow(
        citizen.client.post(attr(form, "action"), data={"csrf_token": csrf_of(status)})
    )
    doc = parse(first)
    note = doc.css_first("#correction-note")
    assert note is not None and "Foto KTP-el buram, unggah ulang." in note.text()
    assert first.text.index("correction-note") < first.text.index("<h1")
    # it opens on the page of the field the note names, marked
    assert [attr(q, "id") for q in doc.css(".field.questioned")] == ["wrap-f-berkas_ktp"]
    check = citizen.fill_all(first)
    button = parse(check).css("main form button[type=submit]")[-1]
    assert button.text().strip() == "Kirim perbaikan"
    sent = citizen.submit(check)
    confirmation = parse(citizen.follow(sent))
    assert "Perbaikan Anda sudah terkirim" in confirmation.css_first("#confirmation").text()
    assert loket.count(Submission) == 1


def test_one_hint_per_field(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    examples: dict[str, dt.date] = {}
    for _ in range(10):
        doc = parse(page)
        for hint in doc.css(".hint[id$='-hint']"):
            text = hint.text()
            assert text.count("Contoh:") <= 1, text
        for date in doc.css("input[type=date]"):
            hint = doc.css_first(f"#{attr(date, 'id')}-hint")
            # the example names a date, in no format the browser's date input may contradict,
            # and a day the field takes: 17 August 1990 when the limits allow it
            assert hint is not None, date.html
            found = re.fullmatch(r"Contoh: (\d+) (\w+) (\d{4})", hint.text())
            assert found is not None, hint.text()
            number, month, year = found.groups()
            day = dt.date(int(year), MONTHS.index(month) + 1, int(number))
            low = attr(date, "min") or "0001-01-01"
            high = attr(date, "max") or "9999-12-31"
            assert low <= day.isoformat() <= high, (hint.text(), date.html)
            examples[attr(date, "name")] = day
        if page.url.path.endswith("/periksa"):
            break
        page = citizen.follow(citizen.fill_page(page))
    today = values.today()  # in Western Indonesia Time, as the server counts
    assert examples["tanggal_lahir"] == dt.date(1990, 8, 17)  # within 1900-01-01 .. today-17y
    assert examples["tanggal_janji"] == today + dt.timedelta(days=15)  # today .. today+30d


def test_a_fields_own_help_replaces_the_types_example(make_loket: Callable[..., Loket]) -> None:
    definition = load_definition(ALL_FIELDS)
    helps = {
        "nik": "NIK kepala keluarga",
        "telepon": "Nomor yang aktif",
        "tanggal_lahir": "Sesuai akta",
    }
    for page in definition["form"]["pages"]:
        for spec in page["fields"]:
            if spec["key"] in helps:
                spec["help"] = helps[spec["key"]]
    loket = make_loket([definition])
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    seen = set()
    for _ in range(10):
        doc = parse(page)
        for key, text in helps.items():
            hint = doc.css_first(f"#f-{key}-hint")
            if hint is not None:
                seen.add(key)
                assert hint.text() == text  # the help alone, not "Contoh: ..." after it
        if page.url.path.endswith("/periksa"):
            break
        page = citizen.follow(citizen.fill_page(page))
    assert seen == set(helps)


def test_check_page_groups_answers_per_page(loket: Loket) -> None:
    citizen = loket.citizen(SKTM)
    check = parse(citizen.fill_all())
    sections = check.css("section.check-section")
    assert len(sections) >= 3
    for section in sections:
        heading = section.css_first("h2")
        change = section.css_first(".section-head a")
        assert heading is not None and "/isi/" in attr(change, "href")
        assert all(row.css_first("dd.change a") for row in section.css("dl.answers > div"))
    members = check.css("ol.items li")
    assert members, "the household is listed item by item"


def test_group_page_at_its_maximum_stays_under_the_budget(loket: Loket) -> None:
    citizen = loket.citizen(SKTM)
    page = citizen.start()
    while "anggota_keluarga" not in page.text:
        page = citizen.follow(citizen.fill_page(page))
    maximum = loket.definitions[SKTM]["form"]["pages"]
    group = next(f for p in maximum for f in p["fields"] if f.get("key") == "anggota_keluarga")
    for _ in range(group["max_items"] - 1):
        page = citizen.post_form(page, action="add:anggota_keluarga")
        assert page.status_code == 200
    doc = parse(page)
    assert len(doc.css("fieldset.item")) + len(doc.css("div.folded")) == group["max_items"]
    css = loket.client.get("/static/loket.css").content
    assert len(page.content) + len(css) < PAGE_BUDGET, len(page.content)
    # and with every item open for a change, one at a time, the answers all come through
    done = citizen.fill_page(page)
    assert done.status_code == 303
    check = parse(citizen.fill_all(citizen.follow(done)))
    assert len(check.css("ol.items li")) == group["max_items"]
    assert len(citizen.get(f"{citizen.base}/periksa").content) + len(css) < PAGE_BUDGET
