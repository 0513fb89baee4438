"""The small pure parts of issuing: dates in WIB, the verification address, download names,
the holder's name, the transition's documents and the letterhead check."""

from __future__ import annotations

import datetime as dt

from runtime.documents.issue import (
    holder_name,
    issued_documents,
    letterhead_problems,
    local_date,
    verification_url,
)
from runtime.documents.issued import file_name
from runtime.models import IssuedDocument
from runtime.uploads import content_disposition


def test_the_issue_date_is_the_day_in_wib() -> None:
    late_utc = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)  # 01:30 WIB on 1 January
    assert local_date(late_utc) == dt.date(2027, 1, 1)


def test_the_verification_address_joins_the_base_without_a_double_slash() -> None:
    assert verification_url("https://layanan.example.go.id/", "abc") == (
        "https://layanan.example.go.id/verifikasi/abc"
    )


def test_the_download_name_keeps_the_number_readable() -> None:
    document = IssuedDocument(
        submission_id="c",
        agency_id="disdukcapil",
        doc_type="surat_domisili",
        title="Surat Keterangan Domisili",
        number="470/0007/DUKCAPIL/XII/2026",
        year=2026,
        seq=7,
        sha256="0" * 64,
        size=1,
        storage_name="x.pdf",
        verify_code="v",
    )
    name = file_name(document)
    assert name == "Surat Keterangan Domisili 470-0007-DUKCAPIL-XII-2026.pdf"
    assert 'filename="Surat Keterangan Domisili 470-0007-DUKCAPIL-XII-2026.pdf"' in (
        content_disposition(name)
    )


def test_the_holder_is_the_first_name_answer() -> None:
    assert holder_name({"nama": "  Budi Santoso ", "nama_pemohon": "X"}) == "Budi Santoso"
    assert holder_name({"alamat": "Jalan"}) == ""


def test_documents_of_a_transition() -> None:
    definition = {"workflow": {"transitions": [{"action": "a"}, {"action": "b", "issues": ["s"]}]}}
    assert issued_documents(definition, 1) == ["s"]
    assert issued_documents(definition, 0) == []
    assert issued_documents(definition, -1) == []


def test_the_letterhead_check_names_what_is_missing() -> None:
    agency = {"parent_government": "Pemerintah Kota", "city": "Bandar Lampung", "address": "Jl."}
    assert letterhead_problems(agency, {"signatory": "agency"}) == [
        "signatory_position",
        "signatory_name",
    ]
    with_position = {**agency, "signatory_position": "Kepala"}
    assert letterhead_problems(with_position, {"signatory": "acting_officer"}) == []
