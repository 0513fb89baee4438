"""Document changes in the review diff, and documents named in `loket validate`'s places."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from builder_testing import delete, fresh_definition, mutate
from test_document_language import DOCUMENT, with_document

from builder.diff import diff
from builder.where import describe

Change = Callable[[dict[str, Any]], Any]
DOC = "/documents/surat"


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    found = diff(old, new)
    for item in found:
        assert item.text("en") and item.text("en") != item.text("id")
    return [(c.kind, c.area, c.pointer, c.text("id")) for c in found]


def test_a_document_added_and_removed() -> None:
    without = fresh_definition()
    without["workflow"]["transitions"][3]["issues"] = ["surat"]
    assert _changes(without, with_document())[-1] == (
        "added",
        "document",
        DOC,
        "Dokumen 'Surat Keterangan Uji' (surat) ditambahkan.",
    )
    assert _changes(with_document(), without)[-1] == (
        "removed",
        "document",
        DOC,
        "Dokumen 'Surat Keterangan Uji' (surat) dihapus.",
    )
    assert diff(with_document(), with_document()) == []


CASES = [
    pytest.param(
        lambda d: mutate(d, DOC + "/body/5", "Demikian surat ini dibuat."),
        [
            (
                "changed",
                "document",
                DOC + "/body/5",
                "Dokumen 'Surat Keterangan Uji': teks bagian isi ke-6 berubah: “Permohonan"
                " {case.reference} tanggal {case.filed_on}; nomor {document.number} terbit"
                " {document.issued_on}; {{bukan tempat isian}}.” → “Demikian surat ini dibuat.”.",
            )
        ],
        id="paragraph-changed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/body/1/rows/1", ["Nomor induk", "{nik}"]),
        [
            (
                "changed",
                "document",
                DOC + "/body/1",
                "Dokumen 'Surat Keterangan Uji': teks bagian isi ke-2 berubah: “Nama:"
                " {nama|upper}; NIK: {nik}; Tanggal lahir: {tanggal_lahir}; Jenis kelamin:"
                " {jenis_kelamin}; Telepon: {telepon}” → “Nama: {nama|upper}; Nomor induk: {nik};"
                " Tanggal lahir: {tanggal_lahir}; Jenis kelamin: {jenis_kelamin}; Telepon:"
                " {telepon}”.",
            )
        ],
        id="row-changed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/body/-", "Tembusan: Camat."),
        [
            (
                "added",
                "document",
                DOC + "/body/6",
                "Dokumen 'Surat Keterangan Uji': bagian isi ke-7 ditambahkan: “Tembusan: Camat.”.",
            )
        ],
        id="paragraph-added",
    ),
    pytest.param(
        lambda d: delete(d, DOC + "/body/4"),
        [
            (
                "changed",
                "document",
                DOC + "/body/4",
                "Dokumen 'Surat Keterangan Uji': teks bagian isi ke-5 berubah: “Bantuan sebesar"
                " Rp{bantuan} ({bantuan|terbilang} rupiah).” → “Permohonan {case.reference}"
                " tanggal {case.filed_on}; nomor {document.number} terbit {document.issued_on};"
                " {{bukan tempat isian}}.”.",
            ),
            (
                "removed",
                "document",
                DOC + "/body/5",
                "Dokumen 'Surat Keterangan Uji': bagian isi ke-6 dihapus: “Permohonan"
                " {case.reference} tanggal {case.filed_on}; nomor {document.number} terbit"
                " {document.issued_on}; {{bukan tempat isian}}.”.",
            ),
        ],
        id="paragraph-removed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/number", "474/{seq}/{year}"),
        [
            (
                "changed",
                "document",
                DOC + "/number",
                "Dokumen 'Surat Keterangan Uji': pola nomor “470/{seq:04}/UJI/{month_roman}/{year}”"
                " → “474/{seq}/{year}”.",
            )
        ],
        id="number-changed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/signatory", "acting_officer"),
        [
            (
                "changed",
                "document",
                DOC + "/signatory",
                "Dokumen 'Surat Keterangan Uji': penanda tangan pejabat yang ditetapkan instansi"
                " → pejabat yang menjalankan transisi.",
            )
        ],
        id="signatory-changed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/visible_to", ["officers"]),
        [
            (
                "changed",
                "document",
                DOC + "/visible_to",
                "Dokumen 'Surat Keterangan Uji': dapat dilihat oleh pemohon dan petugas → petugas.",
            )
        ],
        id="audience-changed",
    ),
    pytest.param(
        lambda d: delete(d, DOC + "/revoke_roles"),
        [
            (
                "changed",
                "document",
                DOC + "/revoke_roles",
                "Dokumen 'Surat Keterangan Uji': peran yang boleh mencabut kepala → (bawaan: peran"
                " pada transisi yang menerbitkannya).",
            )
        ],
        id="revoke-roles-removed",
    ),
    pytest.param(
        lambda d: mutate(d, DOC + "/title", "Surat Keterangan"),
        [
            (
                "changed",
                "document",
                DOC + "/title",
                "Dokumen 'Surat Keterangan': judul “Surat Keterangan Uji” → “Surat Keterangan”.",
            )
        ],
        id="title-changed",
    ),
    pytest.param(
        lambda d: mutate(d, "/workflow/transitions/4/issues", ["surat"]),
        [
            (
                "changed",
                "transition",
                "/workflow/transitions/4/issues",
                "Transisi 'tolak': dokumen yang diterbitkan (tidak ada) → “Surat Keterangan Uji”"
                " (surat).",
            )
        ],
        id="transition-issues",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_document_changes(change: Change, expected: list[tuple[str, str, str, str]]) -> None:
    new = with_document()
    change(new)
    assert _changes(with_document(), new) == expected


def test_english_text_of_a_document_change() -> None:
    new = with_document()
    new["documents"]["surat"]["body"][0] = "Menerangkan bahwa:"
    (change,) = diff(with_document(), new)
    assert change.text("en").startswith(
        "Document 'Test certificate': the text of body part 1 changed: “Yang bertanda"
    )


def test_documents_are_named_by_their_title() -> None:
    definition = with_document()
    definition["documents"]["lain"] = copy.deepcopy(DOCUMENT) | {"title": "Surat Lain"}
    assert describe(definition, DOC + "/body/1/rows/0/1") == {
        "id": "dokumen 'Surat Keterangan Uji'",
        "en": "document 'Test certificate'",
    }
    assert describe(definition, "/documents/lain/number") == {
        "id": "dokumen 'Surat Lain'",
        "en": "document 'Surat Lain'",
    }
    assert describe(definition, "/documents/tidak_ada") is None
