"""Server-side validation on the form pages, and the form working without JavaScript."""

from __future__ import annotations

from httpx2 import Response
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import select

from builder.answers import _DEFAULTS
from runtime.models import FormDraft

from .conftest import (
    NIK,
    Citizen,
    Loket,
    attr,
    csrf_of,
    error_texts,
    ids,
    parse,
)

DOMISILI = "disdukcapil/surat-keterangan-domisili"
SKTM = "dinsos/surat-keterangan-tidak-mampu"


def _draft_answers(loket: Loket) -> dict[str, object]:
    with loket.session() as session:
        return dict(session.exec(select(FormDraft)).one().answers)


def _assert_error_beside(doc: LexborHTMLParser, anchor: str, control_id: str | None = None) -> str:
    """The field's message is next to it and tied to its control; returns the message."""
    message = doc.css_first(f"#{anchor}-error")
    assert message is not None, f"no message beside {anchor}"
    control = doc.css_first(f"#{control_id or anchor}")
    assert control is not None
    assert f"{anchor}-error" in attr(control, "aria-describedby").split()
    if control.tag in {"input", "select", "textarea"}:
        assert attr(control, "aria-invalid") == "true"
    wrapper = doc.css_first(f"#wrap-{anchor}")
    assert wrapper is not None
    assert wrapper.css_first(f"#{anchor}-error") is not None
    prefix = message.css_first(".visually-hidden")  # "Galat:" for screen readers
    assert prefix is not None
    text = message.text(deep=True).strip()
    return text.removeprefix(prefix.text(deep=True).strip()).strip()


def _summary_targets(doc: LexborHTMLParser) -> list[str]:
    links = [attr(a, "href") for a in doc.css("#error-summary a")]
    assert all(link.startswith("#") for link in links)
    return [link[1:] for link in links]


def test_invalid_values_are_shown_again_with_errors(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    typed = {
        "nik": "12345",
        "nama": "",
        "tanggal_lahir": "31-02-1990",
        "telepon": "12ab",
        "email": "bukan-email",
    }
    response = citizen.post_form(first, typed)
    assert response.status_code == 422
    doc = parse(response)
    assert doc.css_first("title").text().startswith("Galat:")
    # the citizen's values are kept
    assert attr(doc.css_first("input[name=nik]"), "value") == "12345"
    assert attr(doc.css_first("input[name=telepon]"), "value") == "12ab"
    assert attr(doc.css_first("input[name=email]"), "value") == "bukan-email"
    assert attr(doc.css_first("input[name=tanggal_lahir]"), "value") == "31-02-1990"
    assert attr(doc.css_first("input[name=tempat_lahir]"), "value") == citizen.sent["tempat_lahir"]
    # a summary at the top whose links lead to the fields
    summary = doc.css_first("#error-summary")
    assert summary is not None
    assert doc.css_first("main").css_first("*").html  # the summary comes before the form
    assert doc.css_first("main form") is not None
    targets = _summary_targets(doc)
    assert set(targets) == {"f-nik", "f-nama", "f-tanggal_lahir", "f-telepon", "f-email"}
    assert set(targets) <= ids(doc)
    messages = {target: _assert_error_beside(doc, target) for target in targets}
    assert messages["f-nik"] == "NIK harus 16 angka."
    assert messages["f-telepon"] == _DEFAULTS["invalid_phone"][0]
    assert error_texts(doc) == [messages[t] for t in targets]
    assert "f-nik-error" not in attr(doc.css_first("#f-tempat_lahir"), "aria-describedby")
    # nothing valid was lost: the valid answers were saved in the draft
    assert _draft_answers(loket)["tempat_lahir"] == citizen.sent["tempat_lahir"]


def test_nik_with_an_impossible_birth_date(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    response = citizen.post_form(citizen.start(), {"nik": "1871019999900001"})
    assert response.status_code == 422
    doc = parse(response)
    assert _summary_targets(doc) == ["f-nik"]
    assert _assert_error_beside(doc, "f-nik") == _DEFAULTS["nik_birth-date"][0]


def test_nik_digits_and_length_in_english(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    response = citizen.client.post(
        f"{citizen.base}/isi/pemohon?lang=en",
        data={"csrf_token": _token(first), "nik": "18710157089000012"},
    )
    assert response.status_code == 422
    doc = parse(response)
    assert _assert_error_beside(doc, "f-nik") == "A NIK has 16 digits."


def _token(response: Response) -> str:
    return csrf_of(parse(response))


def test_phone_is_normalised_and_nik_spaces_removed(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    spaced = f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}"
    moved = citizen.fill_page(first, {"telepon": "0812-3456-7890", "nik": spaced})
    assert moved.status_code == 303
    answers = _draft_answers(loket)
    assert answers["telepon"] == "+6281234567890"
    assert answers["nik"] == NIK
    again = citizen.get(f"{citizen.base}/isi/pemohon")
    assert attr(parse(again).css_first("input[name=telepon]"), "value") == "+6281234567890"
    for typed in ("+62 812 3456 7890", "62812-3456-7890", "(0812) 3456 7890"):
        page = citizen.get(f"{citizen.base}/isi/pemohon")
        assert citizen.post_form(page, {"telepon": typed}, fill=False).status_code == 303
        assert _draft_answers(loket)["telepon"] == "+6281234567890"


def _domisili_page(loket: Loket) -> tuple[Citizen, Response]:
    citizen = loket.citizen(DOMISILI)
    second = citizen.follow(citizen.fill_page(citizen.start()))
    assert second.url.path.endswith("/isi/domisili")
    return citizen, second


def test_conditional_required_field_only_when_visible(loket: Loket) -> None:
    citizen, page = _domisili_page(loket)
    doc = parse(page)
    assert doc.css_first("input[name=status_lainnya]") is None
    # hidden: not required (and a value sent for it anyway is not kept)
    moved = citizen.post_form(
        page,
        {"status_tempat_tinggal": "milik_sendiri", "status_lainnya": ""},
    )
    assert moved.status_code == 303, error_texts(parse(moved))
    # shown: required
    back = citizen.get(f"{citizen.base}/isi/domisili")
    revealed = citizen.post_form(back, {"status_tempat_tinggal": "lainnya"}, fill=False)
    assert revealed.status_code == 200
    doc = parse(revealed)
    notice = doc.css_first("[role=status] p.notice")
    assert notice is not None
    assert doc.css_first("#error-summary") is None
    field = doc.css_first("input[name=status_lainnya]")
    assert field is not None
    assert attr(field, "aria-invalid") != "true"
    refused = citizen.post_form(revealed, {"status_lainnya": ""}, fill=False)
    assert refused.status_code == 422
    doc = parse(refused)
    assert _summary_targets(doc) == ["f-status_lainnya"]
    _assert_error_beside(doc, "f-status_lainnya")
    accepted = citizen.post_form(refused, {"status_lainnya": "Rumah adat"}, fill=False)
    assert accepted.status_code == 303


def test_a_value_sent_for_a_hidden_field_is_dropped(loket: Loket) -> None:
    citizen, page = _domisili_page(loket)
    moved = citizen.post_form(
        page,
        {"status_tempat_tinggal": "milik_sendiri", "status_lainnya": "Sengaja dikirim"},
    )
    assert moved.status_code == 303
    check = citizen.fill_all(citizen.follow(moved))
    assert citizen.submit(check).status_code == 303
    (case,) = loket.submissions()
    assert "status_lainnya" not in case.answers
    assert "nama_pemilik" not in case.answers


def _keluarga(loket: Loket) -> tuple[Citizen, Response]:
    citizen = loket.citizen(SKTM)
    page = citizen.start()
    while not page.url.path.endswith("/isi/keluarga"):
        page = citizen.follow(citizen.fill_page(page))
    return citizen, page


def _items(doc: LexborHTMLParser) -> int:
    """Items of the page's group, open (a fieldset) or folded (a summary line)."""
    return len(doc.css("fieldset.item")) + len(doc.css("div.folded"))


def test_repeatable_group_add_and_remove_without_javascript(loket: Loket) -> None:
    citizen, page = _keluarga(loket)
    doc = parse(page)
    assert len(doc.css("fieldset.item")) == 1
    add = doc.css_first("button[name=_action][value='add:anggota_keluarga']")
    assert add is not None
    assert doc.css_first("button[name=_action][value^='remove:']") is None  # at the minimum
    first_name = {"anggota_keluarga.0.nama_anggota": "Siti Aminah"}
    added = citizen.post_form(page, first_name, action="add:anggota_keluarga")
    assert added.status_code == 200
    doc = parse(added)
    assert _items(doc) == 2
    # the complete first item is folded to a line with its answers; the new one is open
    folded = doc.css_first("#f-anggota_keluarga-0.folded")
    assert folded is not None and "Siti Aminah" in folded.text()
    assert doc.css_first("input[name='anggota_keluarga.0.nama_anggota']") is None
    assert doc.css_first("input[name='anggota_keluarga.1.nama_anggota']") is not None
    assert doc.css_first("#error-summary") is None  # adding is not an attempt to go on
    second = {"anggota_keluarga.1.nama_anggota": "Rudi Hartono"}
    added = citizen.post_form(added, second, action="add:anggota_keluarga")
    doc = parse(added)
    assert _items(doc) == 3
    assert "Rudi Hartono" in doc.css_first("#f-anggota_keluarga-1").text()
    # "Ubah" opens a folded item again, with its saved answers
    opened = citizen.post_form(added, action="edit:anggota_keluarga:0", fill=False)
    doc = parse(opened)
    assert attr(doc.css_first("input[name='anggota_keluarga.0.nama_anggota']"), "value") == (
        "Siti Aminah"
    )
    # remove the first: the others move up with their values
    removed = citizen.post_form(opened, action="remove:anggota_keluarga:0", fill=False)
    assert removed.status_code == 200
    doc = parse(removed)
    assert _items(doc) == 2
    assert "Rudi Hartono" in doc.css_first("#f-anggota_keluarga-0").text()
    assert "Siti Aminah" not in doc.text()
    # then finish the page: both remaining items are checked and stored
    done = citizen.fill_page(removed)
    assert done.status_code == 303
    members = _draft_answers(loket)["anggota_keluarga"]
    assert isinstance(members, list)
    assert [m["nama_anggota"] for m in members] == ["Rudi Hartono", "Budi Santoso"]


def test_group_add_stops_at_max_items(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    for _ in range(4):
        page = citizen.post_form(page, action="add:anggota", fill=False)
        assert page.status_code == 200
    doc = parse(page)
    assert len(doc.css("#f-anggota fieldset.item")) + len(doc.css("#f-anggota div.folded")) == 3
    assert doc.css_first("button[value='add:anggota']") is None


def test_group_item_errors_point_at_the_item_field(loket: Loket) -> None:
    citizen, page = _keluarga(loket)
    response = citizen.post_form(
        page,
        {"anggota_keluarga.0.nama_anggota": "", "anggota_keluarga.0.nik_anggota": "99"},
    )
    assert response.status_code == 422
    doc = parse(response)
    targets = _summary_targets(doc)
    assert "f-anggota_keluarga-0-nama_anggota" in targets
    assert "f-anggota_keluarga-0-nik_anggota" in targets
    assert set(targets) <= ids(doc)
    _assert_error_beside(doc, "f-anggota_keluarga-0-nik_anggota")


def test_revealed_question_inside_a_group_item(loket: Loket) -> None:
    citizen, page = _keluarga(loket)
    response = citizen.post_form(
        page,
        {"anggota_keluarga.0.hubungan": "lainnya"},
    )
    assert response.status_code == 200, error_texts(parse(response))
    doc = parse(response)
    assert doc.css_first("[role=status] p.notice") is not None
    assert doc.css_first("#error-summary") is None
    assert doc.css_first("input[name='anggota_keluarga.0.hubungan_lain']") is not None


def test_unknown_and_wrongly_typed_inputs(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    page = citizen.start()
    response = citizen.post_form(
        page,
        {
            "umur": "tiga puluh",
            "warna": "ungu",
            "hobi": ["membaca", "terbang"],
            "setuju_kontak": "mungkin",
            "bukan_field": "x",
            "anggota.999.nama_anggota": "Nama",
            "anggota.x.nama_anggota": "Nama",
        },
    )
    assert response.status_code == 422
    doc = parse(response)
    targets = _summary_targets(doc)
    assert set(targets) <= ids(doc)
    assert {"f-umur", "f-warna", "f-hobi", "f-setuju_kontak"} <= set(targets)
    assert attr(doc.css_first("input[name=umur]"), "value") == "tiga puluh"
    answers = _draft_answers(loket)
    assert "bukan_field" not in answers


def test_enter_in_a_text_box_continues_rather_than_adding_an_item(loket: Loket) -> None:
    _, page = _keluarga(loket)
    form = parse(page).css_first("main form")
    buttons = form.css("button[type=submit], input[type=submit]")
    assert attr(buttons[0], "value") == "next"
    assert any(attr(b, "value").startswith("add:") for b in buttons)


# -- single-line text answers -------------------------------------------------------------------


def test_a_short_text_answer_is_trimmed_and_its_tabs_become_spaces(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    response = citizen.post_form(citizen.start(), {"nama": " \tBudi\tSantoso  "})
    assert response.status_code == 303, error_texts(parse(response))
    assert _draft_answers(loket)["nama"] == "Budi Santoso"


def test_a_line_break_in_a_short_text_answer_is_refused_and_kept(loket: Loket) -> None:
    citizen = loket.citizen(DOMISILI)
    first = citizen.start()
    for typed in ("Budi\nSantoso", "Budi\r\nSantoso", "Budi\rSantoso"):
        response = citizen.post_form(first, {"nama": typed})
        assert response.status_code == 422
        doc = parse(response)
        assert _assert_error_beside(doc, "f-nama", "f-nama") == (
            "Nama lengkap harus satu baris: hapus ganti baris (Enter) di dalamnya."
        )
        assert error_texts(doc) == [
            "Nama lengkap harus satu baris: hapus ganti baris (Enter) di dalamnya."
        ]
        # what was typed comes back (HTML reads every CR as a line feed) and is kept in the draft
        shown = attr(doc.css_first("input[name=nama]"), "value")
        assert shown == typed.replace("\r\n", "\n").replace("\r", "\n")
        assert _draft_answers(loket)["nama"] == typed
    english = citizen.post_form(first, {"nama": "Budi\nSantoso"}, headers={"Accept-Language": "en"})
    assert "Full name must be one line: remove the line breaks in it." in error_texts(
        parse(english)
    )
