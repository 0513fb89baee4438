"""The studio's document edits, the placeholders it offers and the sample answers of a preview:
one edit each, a new dict, exact results, the input untouched, problems at their pointers."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit, edit_documents
from builder.compiler import compile_definition
from builder.document_placeholders import placeholder_choices
from builder.document_samples import (
    SAMPLE_NAME,
    WATERMARK,
    preview_document,
    sample_answers,
    sample_officer_values,
)
from builder.model import iter_fields
from builder.problems import has_errors
from builder.validate import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
BASE = edit.blank("layanan-uji", "dinas-uji", "Layanan uji")
SETUJUI = "0"  # the blank service's first transition


def _with_document(**values: str) -> dict[str, Any]:
    return edit_documents.add_document(
        BASE, {"title": "Surat Keterangan Uji", "issued_by": SETUJUI, **values}
    )


def test_add_a_document_issued_by_a_transition() -> None:
    before = copy.deepcopy(BASE)
    result = _with_document()
    assert before == BASE  # the input is untouched
    assert result["documents"] == {
        "surat_keterangan_uji": {
            "title": "Surat Keterangan Uji",
            "number": "{seq:04}/DINAS-UJI/{month_roman}/{year}",
            "body": edit_documents.DEFAULT_BODY,
            "signatory": "agency",
        }
    }
    assert result["workflow"]["transitions"][0]["issues"] == ["surat_keterangan_uji"]
    assert validate(result) == []  # a new document is valid as it starts
    again = edit_documents.add_document(result, {"title": "Surat Keterangan Uji"})
    assert list(again["documents"]) == ["surat_keterangan_uji", "surat_keterangan_uji_2"]
    problems = validate(again)
    assert [(p.severity, p.code, p.pointer) for p in problems] == [
        ("warning", "document-not-issued", "/documents/surat_keterangan_uji_2")
    ]


def test_add_refuses_a_taken_id_or_an_unknown_transition() -> None:
    result = _with_document()
    with pytest.raises(edit.EditError) as taken:
        edit_documents.add_document(result, {"title": "Lain", "id": "surat_keterangan_uji"})
    assert "sudah ada" in taken.value.text("id") and "exists" in taken.value.text("en")
    with pytest.raises(edit.EditError, match="no transition '9'"):
        edit_documents.add_document(BASE, {"title": "Lain", "issued_by": "9"})
    with pytest.raises(edit.EditError):
        edit_documents.add_document(BASE, {"title": "Lain", "id": "Bukan Kunci"})


def test_set_every_part_of_a_document() -> None:
    result = _with_document()
    body = (
        "Yang bertanda tangan di bawah ini menerangkan bahwa:\n\n"
        "| Nama | {nama|upper}\n"
        "|  Nomor permohonan|{case.reference}\n\n"
        "benar telah mengajukan permohonan\npada {case.filed_on}."
    )
    changed = edit_documents.set_document(
        result,
        "surat_keterangan_uji",
        {
            "title.id": "Surat Keterangan Uji",
            "title.en": "Test certificate",
            "number": " 470/{seq:03}/UJI/{year} ",
            "body": body,
            "signatory": "acting_officer",
            "visible_to": "officers",
            "revoke_roles": "petugas",
            "issued_by": "3",  # tolak
        },
    )
    spec = changed["documents"]["surat_keterangan_uji"]
    assert spec == {
        "title": {"id": "Surat Keterangan Uji", "en": "Test certificate"},
        "number": "470/{seq:03}/UJI/{year}",
        "body": [
            "Yang bertanda tangan di bawah ini menerangkan bahwa:",
            {"rows": [["Nama", "{nama|upper}"], ["Nomor permohonan", "{case.reference}"]]},
            "benar telah mengajukan permohonan\npada {case.filed_on}.",
        ],
        "signatory": "acting_officer",
        "visible_to": ["officers"],
        "revoke_roles": ["petugas"],
    }
    moves = changed["workflow"]["transitions"]
    assert [m["action"] for m in moves if m.get("issues")] == ["tolak"]
    assert "issues" not in moves[0]  # an empty list is removed, not kept
    assert validate(changed) == []
    # only the keys given change
    again = edit_documents.set_document(changed, "surat_keterangan_uji", {"number": "{seq}"})
    assert again["documents"]["surat_keterangan_uji"] == {**spec, "number": "{seq}"}


def test_the_body_text_round_trips() -> None:
    body = [
        "Paragraf satu\ndengan baris kedua.",
        {"rows": [["Nama", "{nama|default:-|upper}"], ["A | B", "{x}"]]},
        {"rows": [["Kedua", "{y}"]]},
        "Penutup.",
    ]
    text = edit_documents.body_text(body)
    assert text == (
        "Paragraf satu\ndengan baris kedua.\n\n"
        "| Nama | {nama|default:-|upper}\n| A | B | {x}\n\n"
        "| Kedua | {y}\n\nPenutup."
    )
    parsed = edit_documents.parse_body(text.replace("\n", "\r\n") + "\n\n\n")
    # "A | B" as a label cannot be written back: the first | outside braces splits
    assert parsed[1] == {"rows": [["Nama", "{nama|default:-|upper}"], ["A", "B | {x}"]]}
    assert parsed[0] == body[0] and parsed[2:] == body[2:]
    assert edit_documents.parse_body("") == []
    assert edit_documents.body_text("not a list") == ""


@pytest.mark.parametrize("line", ["| Nama {nama}", "| Nama |", "|  | {nama}"])
def test_a_row_without_label_or_value_is_refused(line: str) -> None:
    with pytest.raises(edit.EditError) as refused:
        edit_documents.set_document(_with_document(), "surat_keterangan_uji", {"body": line})
    assert "| Nama | {nama}" in refused.value.text("id")
    assert refused.value.text("en").startswith("Row '")


def test_set_refuses_what_cannot_be_written() -> None:
    result = _with_document()
    for values, english in (
        ({"signatory": "lurah"}, "no signatory"),
        ({"visible_to": ""}, "at least one audience"),
        ({"visible_to": "warga"}, "at least one audience"),
        ({"issued_by": "x"}, "no transition 'x'"),
    ):
        with pytest.raises(edit.EditError, match=english):
            edit_documents.set_document(result, "surat_keterangan_uji", values)
    with pytest.raises(edit.EditError, match="no document 'tidak_ada'"):
        edit_documents.set_document(result, "tidak_ada", {"number": "{seq}"})
    with pytest.raises(edit.EditError):
        edit_documents.remove_document(result, "tidak_ada")


def test_problems_of_an_edited_document_point_into_it() -> None:
    result = edit_documents.set_document(
        _with_document(),
        "surat_keterangan_uji",
        {"number": "UJI/{year}", "body": "Halo {nama_salah}.\n\n| Nama | {nama|huruf_besar}"},
    )
    found = {(p.code, p.pointer) for p in validate(result)}
    assert ("document-bad-number", "/documents/surat_keterangan_uji/number") in found
    assert ("document-unknown-key", "/documents/surat_keterangan_uji/body/0") in found
    assert ("document-unknown-filter", "/documents/surat_keterangan_uji/body/1/rows/0/1") in found


def test_remove_a_document_and_its_issues() -> None:
    result = _with_document()
    removed = edit_documents.remove_document(result, "surat_keterangan_uji")
    assert "documents" not in removed
    assert "issues" not in removed["workflow"]["transitions"][0]
    assert removed == BASE
    assert validate(removed) == []


def _with_officer_fields() -> dict[str, Any]:
    """The blank service with a document on `setujui` and officer fields on two transitions."""
    result = _with_document()
    result["workflow"]["transitions"][0]["fields"] = [
        {"key": "berlaku_sampai", "type": "date", "label": "Berlaku sampai", "required": True},
        {"key": "catatan", "type": "text", "label": "Catatan"},
        {"key": "berita_acara", "type": "file", "label": "Berita acara"},
    ]
    result["workflow"]["transitions"][3]["fields"] = [
        {"key": "alasan_tolak", "type": "text", "label": "Alasan", "required": True}
    ]
    result["form"]["pages"][0]["fields"].append({"key": "email", "type": "email", "label": "Email"})
    return result


def test_the_placeholders_offered_for_a_document() -> None:
    definition = _with_officer_fields()
    choices = {c.key: c for c in placeholder_choices(definition, "surat_keterangan_uji")}
    assert choices["nama"].text == "{nama}" and choices["nama"].group == "answers"
    assert choices["email"].text == "{email|default:-}"  # optional: printed with a default
    assert choices["berlaku_sampai"].text == "{berlaku_sampai}"
    assert choices["berlaku_sampai"].group == "officer"
    assert choices["berlaku_sampai"].title("id") == "Berlaku sampai"
    assert choices["catatan"].text == "{catatan|default:-}"
    assert "alasan_tolak" not in choices  # filled on another transition, never before this one
    assert "berita_acara" not in choices  # a file is never printed
    assert choices["case.reference"].title("en") == "Case reference"
    assert {c.group for c in choices.values()} == {
        "answers",
        "officer",
        "case",
        "document",
        "agency",
        "signatory",
    }


def test_every_offered_placeholder_passes_the_checks() -> None:
    for name in ("surat-keterangan-domisili", "surat-keterangan-tidak-mampu"):
        definition = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        for document_id in definition["documents"]:
            every = " ".join(c.text for c in placeholder_choices(definition, document_id))
            changed = edit_documents.set_document(definition, document_id, {"body": every})
            assert [p for p in validate(changed) if p.code.startswith("document-")] == []
    definition = _with_officer_fields()
    every = " ".join(c.text for c in placeholder_choices(definition, "surat_keterangan_uji"))
    changed = edit_documents.set_document(definition, "surat_keterangan_uji", {"body": every})
    assert [p for p in validate(changed) if p.code.startswith("document-")] == []


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_sample_answers_pass_the_forms_checks_but_for_files(path: Path) -> None:
    definition = json.loads(path.read_text(encoding="utf-8"))
    compiled = compile_definition(definition)
    today = dt.date(2026, 12, 2)
    answers = sample_answers(definition, today)
    files = {r.key for r in iter_fields(definition) if r.type == "file"}
    _, errors = compiled.check(answers, today)
    in_files = [e for e in errors if e.key in files or e.pointer.rsplit("/", 1)[-1] in files]
    assert [(e.key, e.rule) for e in errors if e not in in_files] == []
    for index, move in enumerate(definition["workflow"]["transitions"]):
        form = compiled.officer_form(index)
        if form is None:
            continue
        values = sample_officer_values(definition, today, transition=index)
        _, errors = form.check(values, today, context=compiled.prune(answers, today))
        uploads = {f["key"] for f in move["fields"] if f["type"] == "file"}
        assert [(e.key, e.rule) for e in errors if e.key not in uploads] == []


def test_a_preview_is_filled_with_samples_and_marked() -> None:
    definition = json.loads(
        (EXAMPLES / "surat-keterangan-domisili.json").read_text(encoding="utf-8")
    )
    today = dt.date(2026, 12, 2)
    rendered = preview_document(definition, "surat_domisili", {"name": "Disdukcapil"}, today=today)
    assert rendered.watermark == WATERMARK
    assert rendered.title == f"SURAT KETERANGAN DOMISILI ({WATERMARK})"
    assert rendered.number == "470/0001/DUKCAPIL/XII/2026"
    assert ("Nama", SAMPLE_NAME.upper()) in rendered.body[1].rows  # type: ignore[union-attr]
    assert rendered.place_and_date == "Kota Contoh, 2 Desember 2026"  # sample letterhead
    assert rendered.signatory.name == "Nama Pejabat (contoh)"
    assert "CONTOH / PREVIEW" in rendered.footer
    real = {"name": "Disdukcapil", "city": "Bandar Lampung", "signatory_name": "Rina"}
    filled = preview_document(definition, "surat_domisili", real, today=today)
    assert filled.place_and_date == "Bandar Lampung, 2 Desember 2026"
    assert filled.signatory.name == "Rina"
    assert not has_errors(validate(definition))
