"""The whole citizen journey for every example service: start, fill, check, submit, status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from runtime.models import Attachment, CaseEvent, FormDraft, Submission
from runtime.references import ALPHABET, is_valid_reference

from .conftest import (
    ALL_FIELDS,
    EXAMPLES,
    PDF,
    Loket,
    attr,
    csrf_of,
    ids,
    load_definition,
    parse,
    strip_file_ids,
)

SERVICES = [*EXAMPLES, ALL_FIELDS]
STATUS_LINK = re.compile(r"^/status/(LKT-[A-Z0-9]{5}-[A-Z0-9]{5})/([A-Za-z0-9_-]{16,})$")


def _key(path: Path) -> str:
    definition = load_definition(path)
    return f"{definition['agency']}/{definition['id']}"


@pytest.mark.postgres
@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.stem)
def test_full_flow(loket: Loket, path: Path) -> None:
    citizen = loket.citizen(_key(path))
    compiled = citizen.compiled
    check = citizen.fill_all()
    doc = parse(check)

    # every answer is listed, with a change link that leads to the field
    expected = citizen.expected_answers()
    rows = {row.css_first("dt").text(deep=True).strip(): row for row in doc.css("dl.answers > div")}
    for key, value in expected.items():
        plan = compiled.fields[key]
        if plan.type == "declaration":
            continue
        row = rows.get(plan.label("id"))
        assert row is not None, f"{key} is not on the check page"
        link = row.css_first("a")
        href = attr(link, "href")
        assert href.startswith(f"{citizen.base}/isi/{plan.page_id}?"), href
        assert href.endswith(f"#f-{key}")
        assert row.css_first("dd").text(deep=True).strip(), f"{key} shows no answer"
        if plan.type == "region":  # shown by name, the village first
            assert value["names"][-1] in row.css_first("dd").text(deep=True)
        if plan.type == "time":  # 14:30 is written 14.30 in Indonesian
            assert value.replace(":", ".") in row.css_first("dd").text(deep=True)
        kinds = {"group", "file", "number", "date", "time", "choice", "multichoice", "yesno"}
        if plan.type not in kinds | {"region"}:
            assert str(value) in row.css_first("dd").text(deep=True)
    # the change link's target exists on the page it points at
    for key in list(expected)[:3]:
        plan = compiled.fields[key]
        if plan.type == "declaration":
            continue
        page = citizen.get(f"{citizen.base}/isi/{plan.page_id}?kembali=periksa")
        assert f"f-{key}" in ids(parse(page))

    # the declarations are asked on the check page, not before
    declarations = [p for p in compiled.fields.values() if p.type == "declaration"]
    assert declarations
    for plan in declarations:
        box = doc.css_first(f"input[type=checkbox][name={plan.key}]")
        assert box is not None, f"declaration {plan.key} is not asked on the check page"
    assert not any(page_id for page_id in citizen.pages_seen if page_id == "pernyataan")

    sent = citizen.submit(check)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{citizen.base}/terkirim"
    receipt = citizen.follow(sent)
    assert receipt.status_code == 200
    receipt_doc = parse(receipt)
    reference = receipt_doc.css_first(".ref").text().strip()
    assert is_valid_reference(reference)
    assert not set(reference.replace("LKT-", "").replace("-", "")) - set(ALPHABET)
    assert not set(reference[4:]) & set("0O1I")
    links = [attr(a, "href") for a in receipt_doc.css("main a")]
    status_link = next(link for link in links if STATUS_LINK.match(link))
    assert STATUS_LINK.match(status_link).group(1) == reference  # type: ignore[union-attr]

    # what is stored is exactly the pruned answers
    (case,) = loket.submissions()
    assert case.reference == reference
    expected = citizen.expected_answers()
    assert all(expected[p.key] is True for p in declarations)
    assert strip_file_ids(case.answers) == strip_file_ids(expected)
    assert set(case.answers) == set(expected)
    with loket.session() as session:
        attachments = session.exec(select(Attachment)).all()
        in_groups = {  # a file in a group's item is kept as `group.index.child`
            f"{k}.{index}.{child.key}": item[child.key]
            for k, p in compiled.fields.items()
            if p.type == "group" and k in expected
            for index, item in enumerate(case.answers[k])
            for child in p.children
            if child.type == "file" and child.key in item
        }
        assert {a.field_key for a in attachments} == {
            k for k, p in compiled.fields.items() if p.type == "file" and k in expected
        } | set(in_groups)
        assert all(a.submission_id == case.id for a in attachments)
        for attachment in attachments:
            answer = in_groups.get(attachment.field_key) or case.answers[attachment.field_key]
            files = answer if isinstance(answer, list) else [answer]  # max_files > 1: a list
            assert attachment.id in {f["id"] for f in files}
        draft = session.exec(select(FormDraft)).one()
        assert draft.submission_id == case.id

    status = citizen.get(status_link)
    assert status.status_code == 200
    status_doc = parse(status)
    initial = citizen.definition["workflow"]["initial"]
    state = citizen.definition["workflow"]["states"][initial]
    label = state.get("public_label") or state["label"]
    label = label["id"] if isinstance(label, dict) else label
    assert status_doc.css_first(".tag").text().strip() == label
    timeline = status_doc.css("ol.timeline li")
    assert len(timeline) == 1
    assert reference in status_doc.css_first("h1").text()
    for attachment in attachments:
        download = citizen.get(f"{status_link}/berkas/{attachment.id}")
        assert download.status_code == 200
        assert download.content == citizen.uploaded[attachment.field_key][1]


def test_conditional_pages_are_skipped(loket: Loket) -> None:
    citizen = loket.citizen("dinsos/surat-keterangan-tidak-mampu")
    first = citizen.start()
    second = citizen.follow(citizen.fill_page(first))
    after = citizen.fill_page(second, {"keperluan": "bantuan_hukum"})
    assert after.headers["location"] == f"{citizen.base}/isi/ekonomi"
    check = citizen.fill_all(citizen.follow(after))
    assert "pasien" not in citizen.pages_seen
    titles = [h.text().strip() for h in parse(check).css("main h2")]
    assert "Data pasien" not in titles
    # choosing "kesehatan" brings the patient page in, right after the purpose page
    page = citizen.get(f"{citizen.base}/isi/keperluan")
    after = citizen.fill_page(page, {"keperluan": "kesehatan"})
    assert after.headers["location"] == f"{citizen.base}/isi/pasien"
    # the address of a hidden page leads on to the next page that is shown
    hidden = loket.citizen("dinsos/surat-keterangan-tidak-mampu", loket.new_client())
    hidden.start()
    skipped = hidden.get(f"{hidden.base}/isi/pasien")
    assert skipped.status_code == 303
    assert skipped.headers["location"] == f"{hidden.base}/isi/ekonomi"
    declaration = hidden.get(f"{hidden.base}/isi/pernyataan")
    assert declaration.headers["location"] == f"{hidden.base}/periksa"


@pytest.mark.postgres
def test_hidden_field_values_are_not_stored(loket: Loket) -> None:
    citizen = loket.citizen("contoh/semua-jenis-field")
    first = citizen.start()
    page = citizen.fill_page(first, {"warna": "lainnya", "hobi": "membaca"})
    check = citizen.fill_all(citizen.follow(page))
    assert citizen.sent["warna_lain"]
    rows = [dt.text().strip() for dt in parse(check).css("dl.answers dt")]
    assert "Warna lain" in rows
    # change "warna" from the check page: the other-colour question disappears
    change = citizen.get(f"{citizen.base}/isi/data?kembali=periksa")
    assert change.status_code == 200
    doc = parse(change)
    assert doc.css_first("input[name=warna_lain]") is not None
    back = citizen.post_form(change, {"warna": "merah"}, fill=False)
    assert back.status_code == 303
    assert back.headers["location"] == f"{citizen.base}/periksa"
    check = citizen.follow(back)
    rows = [dt.text().strip() for dt in parse(check).css("dl.answers dt")]
    assert "Warna lain" not in rows
    receipt = citizen.submit(check)
    assert receipt.status_code == 303
    (case,) = loket.submissions()
    assert case.answers["warna"] == "merah"
    assert "warna_lain" not in case.answers
    assert case.answers["hobi"] == ["membaca"]


@pytest.mark.postgres
def test_submitting_twice_files_one_case(loket: Loket) -> None:
    citizen = loket.citizen("diskominfo/pengaduan-masyarakat")
    check = citizen.fill_all()
    first = citizen.submit(check)
    second = citizen.submit(check)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    receipt = citizen.follow(first)
    reference = parse(receipt).css_first(".ref").text().strip()
    third = citizen.submit(check)  # back button after the receipt, then send again
    assert third.headers["location"] == f"{citizen.base}/terkirim"
    again = citizen.follow(third)
    assert parse(again).css_first(".ref").text().strip() == reference
    assert loket.count(Submission) == 1
    assert loket.count(CaseEvent) == 1
    # the form pages of a sent draft lead to the receipt too
    page = citizen.get(f"{citizen.base}/isi/pelapor")
    assert page.headers["location"] == f"{citizen.base}/terkirim"


def test_reload_and_back_keep_answers(loket: Loket) -> None:
    citizen = loket.citizen("disdukcapil/surat-keterangan-domisili")
    first = citizen.start()
    citizen.follow(citizen.fill_page(first))
    again = citizen.get(f"{citizen.base}/isi/pemohon")
    doc = parse(again)
    assert attr(doc.css_first("input[name=nama]"), "value") == citizen.sent["nama"]
    assert attr(doc.css_first("input[name=telepon]"), "value") == citizen.sent["telepon"]
    assert attr(doc.css_first("input[name=tanggal_lahir]"), "value") == "1990-01-01"
    chosen = doc.css_first("input[name=jenis_kelamin][checked]")
    assert chosen is not None
    assert attr(chosen, "value") == citizen.sent["jenis_kelamin"]
    # starting again resumes the same draft
    restart = citizen.start()
    assert attr(parse(restart).css_first("input[name=nama]"), "value") == citizen.sent["nama"]
    assert loket.count(FormDraft) == 1


def test_a_second_visitor_does_not_see_the_first_ones_answers(loket: Loket) -> None:
    citizen = loket.citizen("disdukcapil/surat-keterangan-domisili")
    citizen.follow(citizen.fill_page(citizen.start()))
    other = loket.citizen("disdukcapil/surat-keterangan-domisili", loket.new_client())
    page = other.get(f"{other.base}/isi/pemohon")
    assert page.status_code == 303
    assert page.headers["location"] == other.base
    fresh = other.start()
    assert attr(parse(fresh).css_first("input[name=nama]"), "value") == ""


def test_change_link_returns_to_the_check_page_even_after_an_error(loket: Loket) -> None:
    citizen = loket.citizen("disdukcapil/surat-keterangan-domisili")
    check = citizen.fill_all()
    link = next(
        attr(a, "href") for a in parse(check).css("dl.answers a") if "#f-telepon" in attr(a, "href")
    )
    page = citizen.get(link.split("#")[0])
    assert parse(page).css_first("input[name=_return]") is not None
    refused = citizen.post_form(page, {"telepon": "123"}, fill=False)
    assert refused.status_code == 422
    back = citizen.post_form(refused, {"telepon": "0813 1111 2222"}, fill=False)
    assert back.status_code == 303
    assert back.headers["location"] == f"{citizen.base}/periksa"
    rows = {
        row.css_first("dt").text().strip(): row.css_first("dd").text().strip()
        for row in parse(citizen.follow(back)).css("dl.answers > div")
    }
    assert rows["Nomor HP/WhatsApp"] == "+6281311112222"


@pytest.mark.postgres
def test_replaced_and_hidden_files_are_not_kept(loket: Loket) -> None:
    citizen = loket.citizen("disdukcapil/surat-keterangan-domisili")
    page = citizen.start()
    page = citizen.follow(citizen.fill_page(page))
    # a tenure that asks for the owner's statement
    page = citizen.follow(citizen.fill_page(page, {"status_tempat_tinggal": "kos"}))
    assert page.url.path.endswith("/isi/dokumen")
    check = citizen.follow(citizen.fill_page(page))
    with loket.session() as session:
        first = {a.field_key: a for a in session.exec(select(Attachment)).all()}
    assert set(first) == {"berkas_ktp", "berkas_kk", "berkas_pengantar_rt", "berkas_pemilik"}
    # replace the KTP scan
    page = citizen.get(f"{citizen.base}/isi/dokumen?kembali=periksa")
    again = citizen.post_form(
        page, fill=False, files={"berkas_ktp": ("ktp-baru.pdf", PDF + b"%baru", "application/pdf")}
    )
    assert again.status_code == 303
    # own home after all: the owner's statement is no longer asked
    page = citizen.get(f"{citizen.base}/isi/domisili?kembali=periksa")
    moved = citizen.post_form(page, {"status_tempat_tinggal": "milik_sendiri"}, fill=False)
    assert moved.status_code == 303
    check = citizen.follow(moved)
    assert citizen.submit(check).status_code == 303
    (case,) = loket.submissions()
    assert "berkas_pemilik" not in case.answers
    assert case.answers["berkas_ktp"]["name"] == "ktp-baru.pdf"
    with loket.session() as session:
        kept = session.exec(select(Attachment)).all()
    assert {a.field_key for a in kept} == {"berkas_ktp", "berkas_kk", "berkas_pengantar_rt"}
    assert all(a.submission_id == case.id for a in kept)
    folder = loket.settings.data_dir / "attachments"
    on_disk = {p.name for p in folder.rglob("*") if p.is_file()}
    assert on_disk == {a.storage_name for a in kept}
    assert first["berkas_ktp"].storage_name not in on_disk


def test_the_draft_cookie_is_private_and_renewed(loket: Loket) -> None:
    citizen = loket.citizen("disdukcapil/surat-keterangan-domisili")
    page = citizen.get(citizen.base)
    started = citizen.client.post(
        f"{citizen.base}/mulai", data={"csrf_token": csrf_of(parse(page))}
    )
    cookie = started.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert f"path={citizen.base}" in cookie
    saved = citizen.fill_page(citizen.follow(started))
    assert "loket_draft_" in saved.headers["set-cookie"]
