"""The studio's edit functions: one edit each, a new dict, exact results, the input untouched."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from builder import edit
from builder.fields import REGISTRY
from builder.problems import has_errors
from builder.validate import validate

BASE = edit.blank("layanan-uji", "dinas-uji", "Layanan uji")


def _page(definition: dict[str, Any], index: int = 0) -> dict[str, Any]:
    page: dict[str, Any] = definition["form"]["pages"][index]
    return page


@pytest.fixture
def d() -> dict[str, Any]:
    """A fresh copy of the blank service, with a second page holding a choice and a group."""
    result = copy.deepcopy(BASE)
    result["form"]["pages"].append(
        {
            "id": "rincian",
            "title": "Rincian",
            "fields": [
                {
                    "key": "jenis",
                    "type": "choice",
                    "label": "Jenis",
                    "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                },
                {"key": "jumlah", "type": "number", "label": "Jumlah"},
                {"key": "setuju", "type": "yesno", "label": "Setuju?"},
                {
                    "key": "anggota",
                    "type": "group",
                    "label": "Anggota",
                    "fields": [
                        {"key": "nama_anggota", "type": "text", "label": "Nama"},
                        {"key": "umur", "type": "number", "label": "Umur"},
                    ],
                },
            ],
        }
    )
    return result


def test_blank_is_valid_without_warnings() -> None:
    assert validate(BASE) == []
    assert BASE["id"] == "layanan-uji" and BASE["agency"] == "dinas-uji"
    states = BASE["workflow"]["states"]
    assert 3 <= len(states) <= 4
    assert any(s.get("applicant_edits") for s in states.values())  # a send-back path


def test_text_helpers() -> None:
    assert edit.make_text("Nama", "") == "Nama"
    assert edit.make_text(" Nama ", " Name ") == {"id": "Nama", "en": "Name"}
    assert edit.make_text("", "") is None
    assert edit.make_text("", "Name") == {"en": "Name"}
    assert edit.text_parts({"id": "A", "en": "B"}) == ("A", "B")
    assert edit.text_parts("A") == ("A", "")
    assert edit.make_texts("KTP\n\n KK \n", "ID card") == [{"id": "KTP", "en": "ID card"}, "KK"]
    assert edit.texts_parts(["KTP", {"id": "KK", "en": "Family card"}]) == (
        "KTP\nKK",
        "\nFamily card",
    )
    assert edit.slug_key("Nama lengkap pemohon") == "nama_lengkap_pemohon"
    assert edit.slug_key("Alamat (RT/RW)") == "alamat_rt_rw"
    assert edit.slug_key("123") == "isian_123"
    assert edit.slug_key("Éé ñ") == "ee_n"


def test_set_texts_does_not_touch_the_input(d: dict[str, Any]) -> None:
    before = copy.deepcopy(d)
    result = edit.set_texts(d, {"title.id": "Surat baru", "title.en": "New letter"})
    assert d == before
    assert result["title"] == {"id": "Surat baru", "en": "New letter"}
    assert result["summary"] == d["summary"]  # absent keys are left alone
    assert edit.set_texts(d, {"summary.id": "Ringkas", "summary.en": ""})["summary"] == "Ringkas"


def test_set_standard(d: dict[str, Any]) -> None:
    result = edit.set_standard(
        d,
        {
            "requirements.id": "KTP-el\nKartu Keluarga",
            "requirements.en": "e-ID card",
            "procedure.id": "",
            "procedure.en": "",
            "duration_days": "7",
            "cost.id": "Gratis",
            "cost.en": "Free",
            "contact.phone": "(0721) 123456",
            "contact.email": "",
            "contact.office.id": "Dinas Uji",
            "contact.office.en": "",
        },
    )
    assert result["standard"] == {
        "requirements": [{"id": "KTP-el", "en": "e-ID card"}, "Kartu Keluarga"],
        "duration_days": 7,
        "cost": {"id": "Gratis", "en": "Free"},
        "contact": {"office": "Dinas Uji", "phone": "(0721) 123456"},
    }
    emptied = edit.set_standard(result, {"contact.phone": "", "contact.office.id": ""})
    assert "contact" not in emptied["standard"]
    assert edit.set_standard(d, {"requirements.id": ""})["standard"]["requirements"] == []
    with pytest.raises(edit.EditError) as caught:
        edit.set_standard(d, {"duration_days": "tiga"})
    assert "bukan bilangan bulat" in caught.value.text("id")
    assert "not a whole number" in caught.value.text("en")


def test_set_privacy(d: dict[str, Any]) -> None:
    result = edit.set_privacy(
        d,
        {
            "purpose.id": "Memeriksa",
            "purpose.en": "",
            "legal_basis.id": "UU 27/2022",
            "legal_basis.en": "Law 27/2022",
            "retention_days": "1.825",
            "recipients.id": "Dinas Uji\nKelurahan",
            "recipients.en": "",
        },
    )
    assert result["privacy"] == {
        "purpose": "Memeriksa",
        "legal_basis": {"id": "UU 27/2022", "en": "Law 27/2022"},
        "retention_days": 1825,
        "recipients": ["Dinas Uji", "Kelurahan"],
    }


def test_pages(d: dict[str, Any]) -> None:
    added = edit.add_page(d, "Data pemohon")  # the blank service has a page "pemohon"
    assert _page(added, 2) == {"id": "data_pemohon", "title": "Data pemohon", "fields": []}
    again = edit.add_page(added, "Data pemohon")
    assert _page(again, 3)["id"] == "data_pemohon_2"
    assert [p["id"] for p in edit.move_page(d, 1, "up")["form"]["pages"]] == ["rincian", "pemohon"]
    assert [p["id"] for p in edit.move_page(d, 0, "up")["form"]["pages"]] == ["pemohon", "rincian"]
    assert [p["id"] for p in edit.remove_page(d, 0)["form"]["pages"]] == ["rincian"]
    titled = edit.set_page(
        d, 1, {"id": "detail", "title.id": "Rincian", "title.en": "Details", "description.id": ""}
    )
    assert _page(titled, 1)["id"] == "detail"
    assert _page(titled, 1)["title"] == {"id": "Rincian", "en": "Details"}
    assert "description" not in _page(titled, 1)
    with pytest.raises(edit.EditError):
        edit.remove_page(d, 5)
    with pytest.raises(edit.EditError):
        edit.set_page(d, 0, {"id": "Bukan Id"})


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("text", {"label": "Nama ibu"}),
        ("number", {"label": "Nama ibu"}),
        (
            "choice",
            {
                "label": "Nama ibu",
                "options": [
                    {"value": "pilihan_1", "label": "Pilihan 1"},
                    {"value": "pilihan_2", "label": "Pilihan 2"},
                ],
            },
        ),
        ("file", {"label": "Nama ibu", "accept": ["application/pdf", "image/jpeg"], "max_mb": 2}),
        ("notice", {"text": "Nama ibu"}),
        (
            "group",
            {
                "label": "Nama ibu",
                "fields": [{"key": "nama_anggota_2", "type": "text", "label": "Nama"}],
            },
        ),
    ],
)
def test_add_field_defaults(d: dict[str, Any], kind: str, extra: dict[str, Any]) -> None:
    result = edit.add_field(d, "/form/pages/0", kind, "Nama ibu")
    assert _page(result)["fields"][-1] == {"key": "nama_ibu", "type": kind, **extra}


def test_every_type_can_be_added_and_stays_valid(d: dict[str, Any]) -> None:
    result = d
    for kind in REGISTRY:
        result = edit.add_field(result, "/form/pages/0", kind, f"Pertanyaan {kind}")
    assert not has_errors(validate(result)), [p.to_dict() for p in validate(result)]


def test_add_field_keys_are_unique_across_the_form(d: dict[str, Any]) -> None:
    result = edit.add_field(d, "/form/pages/0", "text", "Nama")
    assert _page(result)["fields"][-1]["key"] == "nama_2"  # the blank service has "nama"
    child = edit.add_field(d, "/form/pages/1/fields/3", "text", "Umur")
    assert _page(child, 1)["fields"][3]["fields"][-1] == {
        "key": "umur_2",
        "type": "text",
        "label": "Umur",
    }
    photo = edit.add_field(d, "/form/pages/1/fields/3", "file", "Foto")
    assert _page(photo, 1)["fields"][3]["fields"][-1]["type"] == "file"  # a file per item
    with pytest.raises(edit.EditError):
        edit.add_field(d, "/form/pages/1/fields/3", "group", "Sub")
    with pytest.raises(edit.EditError):
        edit.add_field(d, "/form/pages/1/fields/0", "text", "Bukan grup")
    with pytest.raises(edit.EditError):
        edit.add_field(d, "/form/pages/0", "video", "Tidak ada")


def test_remove_and_move_fields(d: dict[str, Any]) -> None:
    keys = lambda r, i=1: [f["key"] for f in _page(r, i)["fields"]]  # noqa: E731
    assert keys(edit.move_field(d, "/form/pages/1/fields/1", "up")) == [
        "jumlah",
        "jenis",
        "setuju",
        "anggota",
    ]
    assert keys(edit.move_field(d, "/form/pages/1/fields/3", "down")) == keys(d)
    assert keys(edit.remove_field(d, "/form/pages/1/fields/0")) == ["jumlah", "setuju", "anggota"]
    moved = edit.move_field(d, "/form/pages/1/fields/3/fields/1", "up")
    assert [f["key"] for f in _page(moved, 1)["fields"][3]["fields"]] == ["umur", "nama_anggota"]
    removed = edit.remove_field(d, "/form/pages/1/fields/3/fields/0")
    assert [f["key"] for f in _page(removed, 1)["fields"][3]["fields"]] == ["umur"]
    with pytest.raises(edit.EditError):
        edit.remove_field(d, "/form/pages/1/fields/9")
    with pytest.raises(edit.EditError):
        edit.move_field(d, "/form/pages/1/fields/0", "sideways")


def test_update_field_from_a_flat_mapping(d: dict[str, Any]) -> None:
    names = edit.field_properties("text")
    assert {"label.id", "required", "max_length", "messages.pattern.id"} <= set(names)
    values = dict.fromkeys(names, "")
    values.update(
        {
            "key": "nama_lengkap",
            "label.id": "Nama lengkap",
            "label.en": "Full name",
            "help.id": "Sesuai KTP-el",
            "required": "on",
            "min_length": "3",
            "max_length": "100",
            "pattern": "[A-Za-z ]+",
            "messages.pattern.id": "Huruf saja.",
            "messages.pattern.en": "Letters only.",
        }
    )
    result = edit.update_field(d, "/form/pages/0/fields/0", values)
    assert _page(result)["fields"][0] == {
        "key": "nama_lengkap",
        "type": "text",
        "label": {"id": "Nama lengkap", "en": "Full name"},
        "help": "Sesuai KTP-el",
        "required": True,
        "min_length": 3,
        "max_length": 100,
        "pattern": "[A-Za-z ]+",
        "messages": {"pattern": {"id": "Huruf saja.", "en": "Letters only."}},
    }
    cleared = edit.update_field(result, "/form/pages/0/fields/0", {"required": "", "pattern": ""})
    assert "required" not in _page(cleared)["fields"][0]
    assert "pattern" not in _page(cleared)["fields"][0]
    with pytest.raises(edit.EditError):
        edit.update_field(d, "/form/pages/0/fields/0", {"key": "jumlah"})  # taken
    with pytest.raises(edit.EditError):
        edit.update_field(d, "/form/pages/0/fields/0", {"max_length": "banyak"})


def test_update_choice_number_file_and_group(d: dict[str, Any]) -> None:
    result = edit.update_field(
        d,
        "/form/pages/1/fields/0",
        {"options": "kerja|Pekerjaan|Work\nsekolah|Sekolah\nLain lain", "display": ""},
    )
    assert _page(result, 1)["fields"][0]["options"] == [
        {"value": "kerja", "label": {"id": "Pekerjaan", "en": "Work"}},
        {"value": "sekolah", "label": "Sekolah"},
        {"value": "lain_lain", "label": "Lain lain"},
    ]
    assert edit.options_text(_page(result, 1)["fields"][0]["options"]) == (
        "kerja|Pekerjaan|Work\nsekolah|Sekolah\nlain_lain|Lain lain"
    )
    number = edit.update_field(
        d, "/form/pages/1/fields/1", {"min": "0", "max": "1.500.000", "integer": "on"}
    )
    assert _page(number, 1)["fields"][1] == {
        "key": "jumlah",
        "type": "number",
        "label": "Jumlah",
        "min": 0,
        "max": 1500000,
        "integer": True,
    }
    with_file = edit.add_field(d, "/form/pages/1", "file", "Foto KTP")
    photo = edit.update_field(
        with_file, "/form/pages/1/fields/4", {"accept": "image/jpeg\nimage/png", "max_mb": "2,5"}
    )
    assert _page(photo, 1)["fields"][4]["accept"] == ["image/jpeg", "image/png"]
    assert _page(photo, 1)["fields"][4]["max_mb"] == 2.5
    group = edit.update_field(
        d,
        "/form/pages/1/fields/3",
        {"min_items": "1", "max_items": "10", "messages.max_items.id": "Paling banyak 10."},
    )
    spec = _page(group, 1)["fields"][3]
    assert (spec["min_items"], spec["max_items"]) == (1, 10)
    assert spec["messages"] == {"max_items": "Paling banyak 10."}


def test_set_field_type_keeps_what_fits(d: dict[str, Any]) -> None:
    result = edit.set_field_type(d, "/form/pages/0/fields/0", "choice")
    assert _page(result)["fields"][0] == {
        "key": "nama",
        "type": "choice",
        "label": "Nama lengkap",
        "required": True,
        "options": [
            {"value": "pilihan_1", "label": "Pilihan 1"},
            {"value": "pilihan_2", "label": "Pilihan 2"},
        ],
    }
    back = edit.set_field_type(result, "/form/pages/0/fields/0", "text")
    assert _page(back)["fields"][0] == {
        "key": "nama",
        "type": "text",
        "label": "Nama lengkap",
        "required": True,
    }
    notice = edit.set_field_type(d, "/form/pages/0/fields/0", "notice")
    assert _page(notice)["fields"][0] == {
        "key": "nama",
        "type": "notice",
        "label": "Nama lengkap",
        "text": "Nama lengkap",
    }


def test_conditions_convert_the_value_to_the_field_type(d: dict[str, Any]) -> None:
    at = "/form/pages/1/fields/1"
    cases = [
        ("jenis", "equals", "b", {"field": "jenis", "equals": "b"}),
        ("jenis", "in", "a\nb", {"field": "jenis", "in": ["a", "b"]}),
        ("setuju", "equals", "ya", {"field": "setuju", "equals": True}),
        ("setuju", "equals", "tidak", {"field": "setuju", "equals": False}),
        ("jenis", "filled", "false", {"field": "jenis", "filled": False}),
        ("nama", "not_equals", "Budi", {"field": "nama", "not_equals": "Budi"}),
    ]
    for field_key, op, raw, expected in cases:
        result = edit.set_condition(d, "/form/pages/1/fields/2", field_key, op, raw)
        assert _page(result, 1)["fields"][2]["visible_if"] == expected
    numeric = edit.set_condition(d, "/form/pages/1/fields/2", "jumlah", "gt", "3.000.000")
    assert _page(numeric, 1)["fields"][2]["visible_if"] == {"field": "jumlah", "gt": 3000000}
    page = edit.set_condition(d, "/form/pages/1", "nama", "filled", "true")
    assert _page(page, 1)["visible_if"] == {"field": "nama", "filled": True}
    guard = edit.set_condition(d, "/workflow/transitions/0", "setuju", "equals", "ya")
    assert guard["workflow"]["transitions"][0]["guard"] == {"field": "setuju", "equals": True}
    cleared = edit.clear_condition(numeric, "/form/pages/1/fields/2")
    assert "visible_if" not in _page(cleared, 1)["fields"][2]
    child = edit.set_condition(d, "/form/pages/1/fields/3/fields/1", "nama_anggota", "filled", "")
    assert _page(child, 1)["fields"][3]["fields"][1]["visible_if"] == {
        "field": "nama_anggota",
        "filled": True,
    }
    for bad in [("jumlah", "gt", "banyak"), ("setuju", "equals", "mungkin"), ("x", "equals", "1")]:
        with pytest.raises(edit.EditError):
            edit.set_condition(d, at, *bad)
    with pytest.raises(edit.EditError):
        edit.set_condition(d, at, "jenis", "between", "a")


def test_roles(d: dict[str, Any]) -> None:
    added = edit.add_role(d, "kepala", "Kepala bidang")
    assert added["roles"] == {"petugas": "Petugas pelayanan", "kepala": "Kepala bidang"}
    labelled = edit.set_role(added, "kepala", {"label.id": "Kepala", "label.en": "Head"})
    assert labelled["roles"]["kepala"] == {"id": "Kepala", "en": "Head"}
    assert edit.remove_role(labelled, "kepala")["roles"] == {"petugas": "Petugas pelayanan"}
    for bad in ("petugas", "Kepala Bidang", ""):
        with pytest.raises(edit.EditError):
            edit.add_role(d, bad, "x")
    with pytest.raises(edit.EditError):
        edit.set_role(d, "tidak_ada", {"label.id": "x"})


def test_states(d: dict[str, Any]) -> None:
    added = edit.add_state(d, "diverifikasi", "Diverifikasi")
    assert added["workflow"]["states"]["diverifikasi"] == {"label": "Diverifikasi"}
    changed = edit.set_state(
        added,
        "diverifikasi",
        {
            "label.id": "Diverifikasi",
            "label.en": "Verified",
            "public_label.id": "Menunggu tanda tangan",
            "public_label.en": "",
            "sla_days": "2",
            "final": "",
            "applicant_edits": "",
            "initial": "on",
        },
    )
    assert changed["workflow"]["states"]["diverifikasi"] == {
        "label": {"id": "Diverifikasi", "en": "Verified"},
        "public_label": "Menunggu tanda tangan",
        "sla_days": 2,
    }
    assert changed["workflow"]["initial"] == "diverifikasi"
    final = edit.set_state(d, "diajukan", {"final": "rejected", "sla_days": ""})
    assert final["workflow"]["states"]["diajukan"] == {
        "label": "Diajukan",
        "public_label": "Sedang diperiksa",
        "final": "rejected",
    }
    assert "ditolak" not in edit.remove_state(d, "ditolak")["workflow"]["states"]
    with pytest.raises(edit.EditError):
        edit.set_state(d, "diajukan", {"final": "selesai"})
    with pytest.raises(edit.EditError):
        edit.add_state(d, "diajukan", "lagi")


def test_transitions(d: dict[str, Any]) -> None:
    added = edit.add_transition(
        d,
        {
            "action": "tolak_ulang",
            "label.id": "Tolak",
            "label.en": "",
            "from": "perlu_perbaikan\ndiajukan",
            "to": "ditolak",
            "roles": "petugas",
            "comment": "required",
            "comment_to_applicant": "on",
            "distinct_actor": "",
        },
    )
    assert added["workflow"]["transitions"][-1] == {
        "action": "tolak_ulang",
        "from": ["perlu_perbaikan", "diajukan"],
        "to": "ditolak",
        "roles": ["petugas"],
        "label": "Tolak",
        "comment": "required",
        "comment_to_applicant": True,
    }
    updated = edit.set_transition(
        d, 0, {"from": "diajukan", "comment": "", "distinct_actor": "on", "roles": "petugas, x"}
    )
    assert updated["workflow"]["transitions"][0] == {
        "action": "setujui",
        "label": "Setujui",
        "from": "diajukan",
        "to": "disetujui",
        "roles": ["petugas", "x"],
        "distinct_actor": True,
    }
    removed = edit.remove_transition(d, 0)
    assert [t["action"] for t in removed["workflow"]["transitions"]] == [
        "minta_perbaikan",
        "kirim_ulang",
        "tolak",
    ]
    with pytest.raises(edit.EditError):
        edit.remove_transition(d, 10)
    with pytest.raises(edit.EditError):
        edit.set_transition(d, 0, {"comment": "sometimes"})


def test_edits_followed_by_validation_point_at_the_item(d: dict[str, Any]) -> None:
    result = edit.update_field(d, "/form/pages/1/fields/1", {"min": "10", "max": "5"})
    codes = {(p.pointer, p.code) for p in validate(result)}
    assert ("/form/pages/1/fields/1/min", "min-greater-than-max") in codes


def test_a_from_list_stays_a_list(d: dict[str, Any]) -> None:
    listed = copy.deepcopy(d)
    listed["workflow"]["transitions"][0]["from"] = ["diajukan"]
    same = edit.set_transition(listed, 0, {"from": "diajukan"})
    assert same["workflow"]["transitions"][0]["from"] == ["diajukan"]
    assert edit.set_transition(d, 0, {"from": "diajukan"})["workflow"]["transitions"][0][
        "from"
    ] == ("diajukan")


def test_the_kind_of_service_is_optional_and_checked(d: dict[str, Any]) -> None:
    complaint = edit.set_texts(d, {"kind": "pengaduan"})
    assert complaint["kind"] == "pengaduan"
    assert not has_errors(validate(complaint))
    assert "kind" not in edit.set_texts(complaint, {"kind": ""})  # the default: left out
    assert not has_errors(validate(d))  # no kind at all: an application, as before
    problems = validate(edit.set_texts(d, {"kind": "aduan"}))
    assert [(p.code, p.pointer) for p in problems if p.severity == "error"] == [
        ("bad-value", "/kind")
    ]
