"""Documents in the definition language: the checks (every problem with its pointer), the
placeholder syntax and rendering a whole document from sample data to its exact text."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from builder_testing import (
    Change,
    case,
    drop,
    fresh_definition,
    mutate,
    problems_of,
    put,
    steps,
)

from builder.checklist import review_checklist
from builder.document_model import Letterhead, RenderedDocument, Rows, Signatory
from builder.documents import (
    CaseData,
    Filter,
    Placeholder,
    TemplateError,
    parse,
    render_document,
    revoke_roles,
    signatory_for,
    visible_to,
)
from builder.metaschema import full_structural_problems, structural_problems
from builder.validate import validate

DOC = "/documents/surat"
B = DOC + "/body"
T = "/workflow/transitions"  # verifikasi, minta_perbaikan, kirim_ulang, setujui, tolak

DOCUMENT: dict[str, Any] = {
    "title": {"id": "Surat Keterangan Uji", "en": "Test certificate"},
    "number": "470/{seq:04}/UJI/{month_roman}/{year}",
    "body": [
        "Yang bertanda tangan di bawah ini, {signatory.position} {agency.name}, menerangkan bahwa:",
        {
            "rows": [
                ["Nama", "{nama|upper}"],
                ["NIK", "{nik}"],
                ["Tanggal lahir", "{tanggal_lahir}"],
                ["Jenis kelamin", "{jenis_kelamin}"],
                ["Telepon", "{telepon}"],
            ]
        },
        "mempunyai {jumlah_anak|default:0} ({jumlah_anak|terbilang|default:nol}) anak;"
        " kebutuhan: {kebutuhan|default:-}; tanggungan: {punya_tanggungan|default:-}.",
        "Hasil survei: {catatan_survei}. Surat ini berlaku sampai {berlaku_sampai}.",
        "Bantuan sebesar Rp{bantuan} ({bantuan|terbilang} rupiah).",
        "Permohonan {case.reference} tanggal {case.filed_on}; nomor {document.number}"
        " terbit {document.issued_on}; {{bukan tempat isian}}.",
    ],
    "signatory": "agency",
    "visible_to": ["applicant", "officers"],
    "revoke_roles": ["kepala"],
}
SURVEY = {"key": "catatan_survei", "type": "text", "label": "Hasil survei", "required": True}
APPROVAL = [
    {"key": "berlaku_sampai", "type": "date", "label": "Berlaku sampai", "required": True},
    {"key": "bantuan", "type": "number", "label": "Bantuan", "integer": True, "required": True},
]
REFUSAL = {"key": "alasan_tolak", "type": "text", "label": "Alasan penolakan", "required": True}


def with_document() -> dict[str, Any]:
    """The builder tests' valid definition with a document issued by 'setujui'."""
    definition = fresh_definition()
    definition["documents"] = {"surat": copy.deepcopy(DOCUMENT)}
    transitions = definition["workflow"]["transitions"]
    transitions[0]["fields"] = [dict(SURVEY)]
    transitions[3]["fields"] = copy.deepcopy(APPROVAL)
    transitions[3]["issues"] = ["surat"]
    transitions[4]["fields"] = [dict(REFUSAL)]
    return definition


def test_the_document_definition_is_valid_without_warnings() -> None:
    assert validate(with_document()) == []


CASES = [
    # placeholders
    case("unknown-key", put(B + "/0", "{nam}"), (B + "/0", "document-unknown-key")),
    case(
        "unknown-key-in-rows",
        put(B + "/1/rows/0/1", "{nam}"),
        (B + "/1/rows/0/1", "document-unknown-key"),
    ),
    case(
        "unknown-namespace",
        put(B + "/0", "{kasus.reference}"),
        (B + "/0", "document-unknown-key"),
    ),
    case(
        "unknown-case-name",
        put(B + "/0", "{case.referense}"),
        (B + "/0", "document-unknown-name"),
    ),
    case(
        "unknown-agency-name",
        put(B + "/0", "{agency.kota}"),
        (B + "/0", "document-unknown-name"),
    ),
    case("unknown-filter", put(B + "/0", "{nama|uper}"), (B + "/0", "document-unknown-filter")),
    case(
        "terbilang-on-text",
        put(B + "/0", "{nama|terbilang}"),
        (B + "/0", "document-terbilang-not-number"),
    ),
    case(
        "terbilang-on-case-data",
        put(B + "/0", "{case.reference|terbilang}"),
        (B + "/0", "document-terbilang-not-number"),
    ),
    case(
        "hidden-by-field-condition",
        put(B + "/0", "{alasan_lain}"),
        (B + "/0", "document-field-may-be-hidden"),
    ),
    case(
        "hidden-by-page-condition",
        steps(
            put("/form/pages/1/visible_if", {"field": "jenis_kelamin", "equals": "perempuan"}),
            put(B + "/0", "{alasan}"),
        ),
        (B + "/0", "document-field-may-be-hidden"),
    ),
    case("hidden-with-default", put(B + "/0", "{alasan_lain|default:-}")),
    case("optional-answer", put(B + "/0", "{email}"), (B + "/0", "document-field-optional")),
    case("optional-answer-with-default", put(B + "/0", "{email|default:tidak ada}")),
    case("file-as-text", put(B + "/0", "{ktp}"), (B + "/0", "document-file-as-text")),
    case(
        "file-as-text-even-with-default",
        put(B + "/0", "{ktp|default:-}"),
        (B + "/0", "document-file-as-text"),
    ),
    case("notice", put(B + "/0", "{info}"), (B + "/0", "document-not-printable")),
    case("group", put(B + "/0", "{tanggungan}"), (B + "/0", "document-not-printable")),
    case(
        "group-child",
        put(B + "/0", "{nama_tanggungan}"),
        (B + "/0", "document-not-printable"),
    ),
    case("declaration-prints", put(B + "/0", "{setuju}")),
    # officer fields
    case(
        "officer-field-of-another-transition",
        put(B + "/0", "{alasan_tolak}"),
        (B + "/0", "document-officer-field-not-taken"),
    ),
    case(
        "officer-field-of-another-transition-with-default",
        put(B + "/0", "{alasan_tolak|default:-}"),
    ),
    case(
        "officer-field-optional-on-the-issuing-transition",
        put(T + "/3/fields/0/required", False),
        (B + "/3", "document-field-optional"),
    ),
    case(
        "officer-field-optional-on-an-earlier-transition",
        put(T + "/0/fields/0/required", False),
        (B + "/3", "document-field-optional"),
    ),
    case(
        "issued-where-earlier-fields-may-not-be-filled",
        put(T + "/1/issues", ["surat"]),
        (B + "/3", "document-officer-field-not-taken"),  # catatan_survei (on verifikasi)
        (B + "/3", "document-officer-field-not-taken"),  # berlaku_sampai (on setujui)
        (B + "/4", "document-officer-field-not-taken"),  # bantuan, used twice, said once
    ),
    # braces
    case("unclosed-brace", put(B + "/0", "a { b"), (B + "/0", "document-bad-placeholder")),
    case("nested-brace", put(B + "/0", "{a {b}}"), (B + "/0", "document-bad-placeholder")),
    case("lone-closing-brace", put(B + "/0", "a } b"), (B + "/0", "document-bad-placeholder")),
    case("empty-placeholder", put(B + "/0", "{}"), (B + "/0", "document-bad-placeholder")),
    case("capital-name", put(B + "/0", "{Nama}"), (B + "/0", "document-bad-placeholder")),
    case(
        "default-without-text", put(B + "/0", "{x|default}"), (B + "/0", "document-bad-placeholder")
    ),
    case("literal-braces", put(B + "/0", "{{nama}} dan }}")),
    # the document itself
    case(
        "number-unknown-name-and-no-seq",
        put(DOC + "/number", "470/{bulan}"),
        (DOC + "/number", "document-bad-number"),
        (DOC + "/number", "document-bad-number"),
    ),
    case(
        "number-width-on-year",
        put(DOC + "/number", "{seq}/{year:04}"),
        (DOC + "/number", "document-bad-number"),
    ),
    case(
        "issues-unknown-document",
        put(T + "/3/issues/0", "surat_x"),
        (T + "/3/issues/0", "document-unknown"),
        (DOC, "document-not-issued"),
    ),
    case("not-issued", drop(T + "/3/issues"), (DOC, "document-not-issued")),
    case(
        "issued-by-the-applicant",
        steps(
            put("/documents/lain", {"title": "Lain", "number": "{seq}", "body": ["Teks."]}),
            put(T + "/2/issues", ["lain"]),
        ),
        (T + "/2/roles", "document-issued-by-applicant"),
    ),
    case(
        "revoke-role-unknown",
        put(DOC + "/revoke_roles", ["kepal"]),
        (DOC + "/revoke_roles/0", "undeclared-role"),
    ),
    case(
        "revoke-role-applicant",
        put(DOC + "/revoke_roles", ["applicant"]),
        (DOC + "/revoke_roles/0", "undeclared-role"),
    ),
    case(
        "visible-to-twice",
        put(DOC + "/visible_to", ["officers", "officers"]),
        (DOC + "/visible_to/1", "document-duplicate-audience"),
    ),
    # structure
    case(
        "visible-to-unknown",
        put(DOC + "/visible_to/0", "warga"),
        (DOC + "/visible_to/0", "bad-value"),
    ),
    case("signatory-unknown", put(DOC + "/signatory", "kepala"), (DOC + "/signatory", "bad-value")),
    case("body-item-number", put(B + "/0", 5), (B + "/0", "wrong-type")),
    case("body-item-empty", put(B + "/0", ""), (B + "/0", "too-short")),
    case("row-of-one", put(B + "/1/rows/0", ["Nama"]), (B + "/1/rows/0", "too-few-items")),
    case(
        "rows-misspelt",
        put(B + "/1", {"row": []}),
        (B + "/1/rows", "missing-key"),
        (B + "/1/row", "unknown-key"),
    ),
    case("document-without-number", drop(DOC + "/number"), (DOC + "/number", "missing-key")),
    case("document-unknown-key", put(DOC + "/kop", "x"), (DOC + "/kop", "unknown-key")),
    case("document-id", put("/documents/Surat", DOCUMENT), ("/documents/Surat", "bad-identifier")),
    case(
        "issues-identifier", put(T + "/3/issues/0", "Surat"), (T + "/3/issues/0", "bad-identifier")
    ),
    case("issues-empty", put(T + "/3/issues", []), (T + "/3/issues", "too-few-items")),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_problems(change: Change, expected: list[tuple[str, str]]) -> None:
    definition = with_document()
    change(definition)
    assert problems_of(definition) == expected


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_problems_have_both_languages_and_hints(
    change: Change, expected: list[tuple[str, str]]
) -> None:
    definition = with_document()
    change(definition)
    for found in validate(definition):
        assert found.hint is not None
        for lang in ("id", "en"):
            assert "?" not in found.text(lang).replace("Anda '", "").replace("mean '", "")
            assert found.hint_text(lang)


def test_structure_checks_agree_on_documents() -> None:
    definition = with_document()
    definition["documents"]["surat"]["body"][1] = {"rows": [["Nama"]], "x": 1}
    definition["documents"]["surat"]["visible_to"] = ["warga"]
    definition["workflow"]["transitions"][3]["issues"] = "surat"
    fast = [(p.pointer, p.code) for p in structural_problems(definition)]
    assert fast == [(p.pointer, p.code) for p in full_structural_problems(definition)]
    assert len(fast) == 4


def _first(definition: dict[str, Any]) -> tuple[str, str | None, str | None]:
    found = validate(definition)[0]
    return found.text("id"), found.hint_text("id"), found.hint_text("en")


def test_messages_name_the_place_and_suggest_the_fix() -> None:
    definition = with_document()
    mutate(definition, B + "/0", "{nam}")
    text, hint_id, hint_en = _first(definition)
    assert text == "Tempat isian {nam} tidak merujuk field atau data apa pun."
    assert hint_id is not None and hint_id.startswith("Maksud Anda 'nama'? ")
    assert hint_en is not None and hint_en.startswith("Did you mean 'nama'? ")

    definition = with_document()
    mutate(definition, B + "/0", "{alasan_lain}")
    text, hint_id, _ = _first(definition)
    assert "/form/pages/1/fields/1/visible_if" in text
    assert hint_id == "Tulis teks pengganti, misalnya {alasan_lain|default:-}."

    definition = with_document()
    mutate(definition, B + "/0", "{alasan_tolak}")
    found = validate(definition)[0]
    assert found.text("en") == (
        "Officer field 'alasan_tolak' is filled in on transition 'tolak', which is not always"
        " taken before transition 'setujui' issues this document."
    )

    definition = with_document()
    mutate(definition, T + "/3/issues/0", "surat_")
    assert validate(definition)[0].hint_text("en") == (
        "Did you mean 'surat'? Declared documents: surat."
    )

    definition = with_document()
    mutate(definition, B + "/0", "Nomor {case.referense} dan ini")
    found = validate(definition)[0]
    assert found.hint_text("en") == (
        "Did you mean 'reference'? Known ones: {case.reference}, {case.filed_on}."
    )

    definition = with_document()
    mutate(definition, B + "/0", "Kurung { tanpa tutup")
    found = validate(definition)[0]
    assert found.text("en") == (
        "Invalid placeholder (character 8): a { is not closed with }; write {{ for a literal brace."
    )


# -- the placeholder syntax ------------------------------------------------------------------


def test_parse_splits_literals_and_placeholders() -> None:
    assert parse("Rp{jumlah} ({jumlah|terbilang|upper}) {{x}}") == [
        "Rp",
        Placeholder("jumlah", (), 2, 10),
        " (",
        Placeholder("jumlah", (Filter("terbilang"), Filter("upper")), 12, 36),
        ") {x}",
    ]


def test_default_text_keeps_its_spaces_and_colons() -> None:
    (found,) = parse("{rt|default: tidak ada: - }")
    assert isinstance(found, Placeholder)
    assert found.default == " tidak ada: - "
    assert found.namespace is None
    (named,) = parse("{case.reference}")
    assert isinstance(named, Placeholder)
    assert (named.namespace, named.name, named.default) == ("case", "reference", None)


@pytest.mark.parametrize("text", ["{", "}", "{a", "a}", "{a{b}}", "{}", "{ }", "{A}", "{a.b.c}"])
def test_parse_refuses_malformed_text(text: str) -> None:
    with pytest.raises(TemplateError):
        parse(text)


# -- rendering -------------------------------------------------------------------------------

AGENCY = {
    "name": "Dinas Uji",
    "parent_government": "Pemerintah Kota Bandar Lampung",
    "city": "Bandar Lampung",
    "address": "Jl. Dr. Susilo No. 2, Bandar Lampung 35214",
    "phone": "+62721473100",
    "email": "uji@bandarlampungkota.go.id",
    "website": "https://bandarlampungkota.go.id",
    "signatory_position": "Kepala Dinas Uji",
    "signatory_name": "Dra. Siti Aminah, M.Si.",
    "signatory_nip": "196805121990032004",
}
ANSWERS = {
    "nik": "1871010101900001",
    "nama": "Budi Santoso",
    "tanggal_lahir": "1990-01-01",
    "jenis_kelamin": "laki_laki",
    "jumlah_anak": 2,
    "telepon": "+6281234567890",
    "alasan": "kerja",
    "kebutuhan": ["a", "c"],
    "punya_tanggungan": False,
    "setuju": True,
}
OFFICER_VALUES = {
    "catatan_survei": "Benar tinggal di alamat",
    "berlaku_sampai": "2027-06-30",
    "bantuan": 1250000,
}


def _render(answers: dict[str, Any] | None = None) -> RenderedDocument:
    definition = with_document()
    return render_document(
        definition,
        "surat",
        answers=ANSWERS if answers is None else answers,
        officer_values=OFFICER_VALUES,
        case=CaseData("SKU-2026-000123", dt.date(2026, 11, 28)),
        agency=AGENCY,
        number="470/0007/UJI/XII/2026",
        issued_on=dt.date(2026, 12, 2),
        signatory=signatory_for(definition["documents"]["surat"], AGENCY),
        verification_url="https://loket.bandarlampungkota.go.id/v/abc",
    )


def test_render_a_whole_document() -> None:
    assert _render() == RenderedDocument(
        letterhead=Letterhead(
            parent_government="PEMERINTAH KOTA BANDAR LAMPUNG",
            agency_name="DINAS UJI",
            address_lines=(
                "Jl. Dr. Susilo No. 2, Bandar Lampung 35214",
                "Telp. 0721473100 · Surel uji@bandarlampungkota.go.id"
                " · Situs https://bandarlampungkota.go.id",
            ),
        ),
        title="SURAT KETERANGAN UJI",
        number="470/0007/UJI/XII/2026",
        body=(
            "Yang bertanda tangan di bawah ini, Kepala Dinas Uji Dinas Uji, menerangkan bahwa:",
            Rows(
                (
                    ("Nama", "BUDI SANTOSO"),
                    ("NIK", "1871010101900001"),
                    ("Tanggal lahir", "1 Januari 1990"),
                    ("Jenis kelamin", "Laki-laki"),
                    ("Telepon", "0812-3456-7890"),
                )
            ),
            "mempunyai 2 (dua) anak; kebutuhan: A, C; tanggungan: Tidak.",
            "Hasil survei: Benar tinggal di alamat. Surat ini berlaku sampai 30 Juni 2027.",
            "Bantuan sebesar Rp1.250.000 (satu juta dua ratus lima puluh ribu rupiah).",
            "Permohonan SKU-2026-000123 tanggal 28 November 2026; nomor 470/0007/UJI/XII/2026"
            " terbit 2 Desember 2026; {bukan tempat isian}.",
        ),
        place_and_date="Bandar Lampung, 2 Desember 2026",
        signatory=Signatory("Kepala Dinas Uji", "Dra. Siti Aminah, M.Si.", "196805121990032004"),
        verification_url="https://loket.bandarlampungkota.go.id/v/abc",
        labels={"number": "Nomor"},
    )


def test_render_uses_defaults_for_missing_answers() -> None:
    answers = {k: v for k, v in ANSWERS.items() if k not in {"jumlah_anak", "kebutuhan"}}
    del answers["punya_tanggungan"]
    assert _render(answers).body[2] == "mempunyai 0 (nol) anak; kebutuhan: -; tanggungan: -."


def test_signatory_and_audience() -> None:
    document: dict[str, Any] = {"signatory": "acting_officer"}
    assert signatory_for(document, AGENCY, "Rahmat Hidayat") == Signatory(
        "Kepala Dinas Uji", "Rahmat Hidayat", ""
    )
    assert signatory_for({}, AGENCY) == Signatory(
        "Kepala Dinas Uji", "Dra. Siti Aminah, M.Si.", "196805121990032004"
    )
    assert visible_to({}) == ("applicant", "officers")
    assert visible_to({"visible_to": ["officers"]}) == ("officers",)


def test_revoke_roles_default_to_the_issuing_roles() -> None:
    definition = with_document()
    assert revoke_roles(definition, "surat") == ["kepala"]
    del definition["documents"]["surat"]["revoke_roles"]
    definition["workflow"]["transitions"][4]["issues"] = ["surat"]
    assert revoke_roles(definition, "surat") == ["kepala", "petugas"]


def test_the_review_checklist_has_document_items_only_with_documents() -> None:
    assert [i.code for i in review_checklist(fresh_definition())][-1] == "nik-with-legal-basis"
    definition = with_document()
    items = {i.code: i for i in review_checklist(definition)}
    assert items["documents-issued"].ok and items["documents-visible-to-applicant"].ok
    del definition["workflow"]["transitions"][3]["issues"]
    definition["documents"]["surat"]["visible_to"] = ["officers"]
    items = {i.code: i for i in review_checklist(definition)}
    assert not items["documents-issued"].ok
    assert items["documents-issued"].pointer == "/documents/surat"
    assert not items["documents-visible-to-applicant"].ok
    assert items["documents-visible-to-applicant"].pointer == "/documents/surat/visible_to"
    assert (
        items["documents-issued"].text("id") == "Setiap dokumen diterbitkan oleh sebuah transisi."
    )
