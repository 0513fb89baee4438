"""The compiled submission schema: every field type, conditional requirement, pruning, caching.

Dates are never frozen: expected bounds are computed from builder.values.today(), like the
validator does.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from builder_testing import delete, fresh_definition, mutate
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from builder import compiler, conditions, values
from builder.compiler import CompiledService, compile_definition, compiled
from builder.fields import REGISTRY
from builder.validate import is_valid

P0 = "/form/pages/0/fields"
P1 = "/form/pages/1/fields"
P2 = "/form/pages/2/fields"
GROUP = P1 + "/5/fields"

FILE = {"id": "abcdefghijklmnop", "name": "ktp.jpg", "size": 150_000, "content_type": "image/jpeg"}
GOOD: dict[str, Any] = {
    "nik": "3171011708450001",
    "nama": "Budi Santoso",
    "tanggal_lahir": "1980-08-17",
    "jenis_kelamin": "laki_laki",
    "telepon": "+6281234567890",
    "alasan": "kerja",
    "ktp": FILE,
    "setuju": True,
}
ABSENT = object()


def answers(**changes: Any) -> dict[str, Any]:
    """The good answers with some changed (ABSENT removes one)."""
    result = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is ABSENT:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def errors(service: CompiledService, given: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer, rule) of the errors of answers after pruning."""
    return [(e.pointer, e.rule) for e in service.check(given)[1]]


def compile_with(*changes: tuple[str, Any]) -> CompiledService:
    """Compile the valid definition after setting some pointers (a value of ABSENT deletes)."""
    definition = fresh_definition()
    for pointer, value in changes:
        if value is ABSENT:
            delete(definition, pointer)
        else:
            mutate(definition, pointer, value)
    assert is_valid(definition)
    return compile_definition(definition)


@pytest.fixture
def service(valid_definition: dict[str, Any]) -> CompiledService:
    return compile_definition(valid_definition)


def d_m_y(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def test_good_answers_are_accepted_unchanged(service: CompiledService) -> None:
    pruned, found = service.check(GOOD)
    assert found == []
    assert pruned == GOOD
    assert service.unknown_keys(GOOD) == []


def test_compiled_schema_is_a_valid_2020_12_schema(service: CompiledService) -> None:
    Draft202012Validator.check_schema(service.schema)
    assert service.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert service.schema["required"] == [
        "nik", "nama", "tanggal_lahir", "jenis_kelamin", "telepon", "alasan", "ktp", "setuju",
    ]  # fmt: skip
    assert service.schema["additionalProperties"] is False


def test_everything_missing_reports_every_required_field_in_form_order(
    service: CompiledService,
) -> None:
    found = service.check({})[1]
    assert [(e.pointer, e.rule) for e in found] == [
        (f"/{key}", "required") for key in service.schema["required"]
    ]
    by_key = {e.key: e for e in found}
    assert by_key["nama"].text("id") == "Nama lengkap wajib diisi."
    assert by_key["nama"].text("en") == "Full name is required."
    assert by_key["jenis_kelamin"].text("id") == "Pilih Jenis kelamin."
    assert by_key["ktp"].text("id") == "Unggah Foto KTP."
    assert by_key["setuju"].text("id") == "Centang pernyataan ini untuk melanjutkan."


# -- text, textarea ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"nama": "Bud"}, [], id="min-length-exact"),
        pytest.param({"nama": "Bu"}, [("/nama", "min_length")], id="too-short"),
        pytest.param({"nama": "x" * 100}, [], id="max-length-exact"),
        pytest.param({"nama": "x" * 101}, [("/nama", "max_length")], id="too-long"),
        pytest.param({"nama": ""}, [("/nama", "required")], id="empty-is-missing"),
        pytest.param({"nama": 42}, [("/nama", "invalid")], id="not-a-string"),
        pytest.param({"rt": "005"}, [], id="pattern-ok"),
        pytest.param({"rt": "12a"}, [("/rt", "pattern")], id="pattern-letter"),
        pytest.param({"rt": "1234"}, [("/rt", "pattern")], id="pattern-is-anchored"),
        pytest.param({"nama": "Budi\nSantoso"}, [("/nama", "single_line")], id="line-feed"),
        pytest.param({"nama": "Budi\rSantoso"}, [("/nama", "single_line")], id="carriage-return"),
        pytest.param({"nama": "Budi\tSantoso"}, [("/nama", "single_line")], id="tab"),
        pytest.param({"nama": "Budi Santoso "}, [("/nama", "single_line")], id="edge-space"),
        pytest.param(
            {"alasan": "lainnya", "alasan_lain": "Baris satu\nBaris dua\tdan tab"},
            [],
            id="textarea-keeps-lines",
        ),
        pytest.param({"alasan": "lainnya", "alasan_lain": "x" * 500}, [], id="textarea-max"),
        pytest.param(
            {"alasan": "lainnya", "alasan_lain": "x" * 501},
            [("/alasan_lain", "max_length")],
            id="textarea-too-long",
        ),
    ],
)
def test_text_rules(
    service: CompiledService, changes: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert errors(service, answers(**changes)) == expected


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        (["  Budi Santoso  "], "Budi Santoso"),
        (["Budi\tSantoso"], "Budi Santoso"),
        (["\tBudi\r\n"], "Budi"),
        (["Budi\nSantoso"], "Budi\nSantoso"),  # kept as typed; validation refuses it
        ([" \t "], None),
    ],
)
def test_a_short_text_from_the_form_is_trimmed_and_tabs_become_spaces(
    typed: list[str], parsed: str | None
) -> None:
    assert REGISTRY["text"].parse({}, typed) == (parsed, None)


def test_a_long_text_from_the_form_keeps_its_tabs_and_lines() -> None:
    assert REGISTRY["textarea"].parse({}, [" a\tb\nc "]) == ("a\tb\nc", None)


def test_pattern_uses_the_custom_message(service: CompiledService) -> None:
    (found,) = service.check(answers(rt="12a"))[1]
    assert found.text("id") == "Tulis nomor RT dengan angka, misalnya 005."
    assert found.text("en") == "Tulis nomor RT dengan angka, misalnya 005."


def test_pattern_custom_message_per_language() -> None:
    service = compile_with(
        (P1 + "/3/messages/pattern", {"id": "Tulis angka saja.", "en": "Digits only."})
    )
    (found,) = service.check(answers(rt="dua"))[1]
    assert (found.text("id"), found.text("en")) == ("Tulis angka saja.", "Digits only.")


def test_pattern_without_custom_message_uses_the_default() -> None:
    service = compile_with((P1 + "/3/messages", ABSENT))
    (found,) = service.check(answers(rt="dua"))[1]
    assert found.text("id") == "RT tidak sesuai bentuk yang diminta."


def test_default_maximum_lengths() -> None:
    service = compile_with((P0 + "/1/max_length", ABSENT), (P1 + "/1/max_length", ABSENT))
    assert errors(service, answers(nama="x" * 200)) == []
    assert errors(service, answers(nama="x" * 201)) == [("/nama", "max_length")]
    lain = {"alasan": "lainnya"}
    assert errors(service, answers(**lain, alasan_lain="x" * 2000)) == []
    assert errors(service, answers(**lain, alasan_lain="x" * 2001)) == [
        ("/alasan_lain", "max_length")
    ]


def test_length_message_names_the_limit(service: CompiledService) -> None:
    (found,) = service.check(answers(nama="Bu"))[1]
    assert found.text("id") == "Nama lengkap paling sedikit 3 karakter."
    assert found.text("en") == "Full name must be at least 3 characters."


# -- number ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, [], id="min-inclusive"),
        pytest.param(20, [], id="max-inclusive"),
        pytest.param(-1, [("/jumlah_anak", "min")], id="below-min"),
        pytest.param(21, [("/jumlah_anak", "max")], id="above-max"),
        pytest.param(2.5, [("/jumlah_anak", "invalid")], id="not-integer"),
        pytest.param("3", [("/jumlah_anak", "invalid")], id="string"),
        pytest.param(True, [("/jumlah_anak", "invalid")], id="boolean"),
    ],
)
def test_number_rules(
    service: CompiledService, value: Any, expected: list[tuple[str, str]]
) -> None:
    assert errors(service, answers(jumlah_anak=value)) == expected


def test_number_messages(service: CompiledService) -> None:
    (too_big,) = service.check(answers(jumlah_anak=21))[1]
    assert too_big.text("id") == "Jumlah anak paling besar 20."
    (not_whole,) = service.check(answers(jumlah_anak=2.5))[1]
    assert not_whole.text("id") == "Jumlah anak harus berupa bilangan bulat, misalnya 3."


def test_number_that_need_not_be_whole() -> None:
    service = compile_with((P0 + "/4/integer", False), (P0 + "/4/min", 0.5))
    assert errors(service, answers(jumlah_anak=2.5)) == []
    assert errors(service, answers(jumlah_anak=0.25)) == [("/jumlah_anak", "min")]
    (found,) = service.check(answers(jumlah_anak="dua"))[1]
    assert found.text("en") == "Jumlah anak must be a number, e.g. 1500."


# -- date -----------------------------------------------------------------------------------------


def test_date_relative_maximum_today_minus_17_years(service: CompiledService) -> None:
    limit = values.resolve_date_bound("today-17y")
    assert limit is not None
    assert errors(service, answers(tanggal_lahir=limit.isoformat())) == []
    day_after = (limit + dt.timedelta(days=1)).isoformat()
    assert errors(service, answers(tanggal_lahir=day_after)) == [("/tanggal_lahir", "max")]
    (found,) = service.check(answers(tanggal_lahir=day_after))[1]
    assert found.text("id") == f"Tanggal lahir tidak boleh setelah {d_m_y(limit)}."


def test_date_fixed_minimum(service: CompiledService) -> None:
    assert errors(service, answers(tanggal_lahir="1900-01-01")) == []
    assert errors(service, answers(tanggal_lahir="1899-12-31")) == [("/tanggal_lahir", "min")]
    (found,) = service.check(answers(tanggal_lahir="1899-12-31"))[1]
    assert found.text("en") == "Tanggal lahir cannot be before 01-01-1900."


def test_date_bounds_today() -> None:
    service = compile_with((P0 + "/2/min", "today"), (P0 + "/2/max", "today+30d"))
    today = values.today()
    ok = [today, today + dt.timedelta(days=30)]
    for day in ok:
        assert errors(service, answers(tanggal_lahir=day.isoformat())) == [], day
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert errors(service, answers(tanggal_lahir=yesterday)) == [("/tanggal_lahir", "min")]
    late = (today + dt.timedelta(days=31)).isoformat()
    assert errors(service, answers(tanggal_lahir=late)) == [("/tanggal_lahir", "max")]


def test_date_bounds_and_conditions_count_from_a_given_day() -> None:
    """`check(answers, today)`: a case corrected after a send-back is held to its filing day,
    for bounds, their messages and conditions alike; the real today is untouched outside."""
    service = compile_with(
        (P0 + "/2/min", "today"),
        (P0 + "/2/max", "today+30d"),
        (P1 + "/1/visible_if", {"field": "tanggal_lahir", "gte": "today"}),
    )
    filed = values.today() - dt.timedelta(days=10)
    given = answers(tanggal_lahir=filed.isoformat(), alasan_lain="Sejak hari pengajuan.")
    pruned, found = service.check(given, filed)
    assert found == [] and pruned["alasan_lain"] == "Sejak hari pengajuan."
    assert service.page_errors("pemohon", given, filed) == []
    pruned, (late,) = service.check(given)  # on the real today: too early, and the question hidden
    assert (late.pointer, late.rule) == ("/tanggal_lahir", "min")
    assert "alasan_lain" not in pruned
    assert late.text("en").endswith(f"cannot be before {d_m_y(values.today())}.")
    (early,) = service.check(
        answers(tanggal_lahir=(filed - dt.timedelta(days=1)).isoformat()), filed
    )[1]
    assert early.text("en").endswith(f"cannot be before {d_m_y(filed)}.")
    assert values.resolve_date_bound("today") == values.today()


@pytest.mark.parametrize("value", ["1980-02-30", "17-08-1980", "1980/08/17", "kemarin", 1980])
def test_date_must_be_an_iso_date(service: CompiledService, value: Any) -> None:
    assert errors(service, answers(tanggal_lahir=value)) == [("/tanggal_lahir", "invalid")]


def test_date_field_parse_accepts_day_month_year() -> None:
    spec = fresh_definition()["form"]["pages"][0]["fields"][2]
    assert REGISTRY["date"].parse(spec, ["17-08-1980"]) == ("1980-08-17", None)
    assert REGISTRY["date"].parse(spec, ["1/2/1980"]) == ("1980-02-01", None)
    assert REGISTRY["date"].parse(spec, ["30-02-1980"]) == ("30-02-1980", "invalid")
    assert REGISTRY["date"].parse(spec, [" "]) == (None, None)


# -- email, phone, NIK ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nama@contoh.id", []),
        ("nama@contoh", [("/email", "invalid")]),
        ("nama@", [("/email", "invalid")]),
        ("a" * 250 + "@b.id", [("/email", "invalid")]),
    ],
)
def test_email(service: CompiledService, value: str, expected: list[tuple[str, str]]) -> None:
    assert errors(service, answers(email=value)) == expected


def test_email_message(service: CompiledService) -> None:
    (found,) = service.check(answers(email="nama@"))[1]
    assert found.text("id") == "Masukkan alamat email yang benar, misalnya nama@contoh.id."


def test_phone_is_normalised_by_its_field_type(service: CompiledService) -> None:
    phone = REGISTRY["phone"]
    spec = service.fields["telepon"].spec
    value, rule = phone.parse(spec, ["0812-3456-7890"])
    assert (value, rule) == ("+6281234567890", None)
    assert errors(service, answers(telepon=value)) == []
    assert phone.parse(spec, ["0812"]) == ("0812", "invalid")
    assert phone.parse(spec, [""]) == (None, None)


@pytest.mark.parametrize("value", ["0812-3456-7890", "081234567890", "0812", "+1 555 1234567"])
def test_phone_not_in_normal_form_is_rejected(service: CompiledService, value: str) -> None:
    assert errors(service, answers(telepon=value)) == [("/telepon", "invalid")]
    (found,) = service.check(answers(telepon=value))[1]
    assert found.text("id") == "Masukkan nomor telepon Indonesia, misalnya 0812 3456 7890."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("3171011708450001", None, id="valid"),
        pytest.param("3171015708450001", None, id="woman-day-plus-40"),
        pytest.param("317101170845000", "NIK harus 16 angka.", id="wrong-length"),
        pytest.param("31710117O8450001", "NIK hanya berisi angka 0–9.", id="letters"),
        pytest.param(
            "3171013002001234",
            "Tanggal lahir pada NIK tidak mungkin; periksa angka ke-7 sampai ke-12.",
            id="impossible-birth-date",
        ),
        pytest.param(
            "9971011708450001",
            "Kode wilayah pada NIK tidak dikenal; periksa 6 angka pertama.",
            id="unknown-province",
        ),
    ],
)
def test_nik(service: CompiledService, value: str, message: str | None) -> None:
    found = service.check(answers(nik=value))[1]
    if message is None:
        assert found == []
    else:
        assert [(e.pointer, e.rule) for e in found] == [("/nik", "invalid")]
        assert found[0].text("id") == message


def test_nik_parse_strips_separators(service: CompiledService) -> None:
    spec = service.fields["nik"].spec
    assert REGISTRY["nik"].parse(spec, ["3171 0117.0845-0001"]) == ("3171011708450001", None)


# -- choice, multichoice, yesno ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("perempuan", []),
        ("Perempuan", [("/jenis_kelamin", "invalid")]),
        ("lainnya", [("/jenis_kelamin", "invalid")]),
        (["perempuan"], [("/jenis_kelamin", "invalid")]),
    ],
)
def test_choice_accepts_only_option_values(
    service: CompiledService, value: Any, expected: list[tuple[str, str]]
) -> None:
    assert errors(service, answers(jenis_kelamin=value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(["a"], [], id="one"),
        pytest.param(["a", "c"], [], id="two"),
        pytest.param([], [], id="empty-is-unanswered"),
        pytest.param(["a", "a"], [("/kebutuhan", "invalid")], id="not-unique"),
        pytest.param(["a", "b", "c"], [("/kebutuhan", "max_items")], id="too-many"),
        pytest.param(["d"], [("/kebutuhan/0", "invalid")], id="unknown-option"),
        pytest.param("a", [("/kebutuhan", "invalid")], id="not-a-list"),
    ],
)
def test_multichoice(service: CompiledService, value: Any, expected: list[tuple[str, str]]) -> None:
    assert errors(service, answers(kebutuhan=value)) == expected


def test_multichoice_minimum_items() -> None:
    service = compile_with((P1 + "/2/min_items", 2))
    assert errors(service, answers(kebutuhan=["a"])) == [("/kebutuhan", "min_items")]
    (found,) = service.check(answers(kebutuhan=["a"]))[1]
    assert found.text("id") == "Isi paling sedikit 2 untuk Kebutuhan."
    assert errors(service, answers(kebutuhan=["a", "b"])) == []


def test_required_multichoice_with_nothing_chosen() -> None:
    service = compile_with((P1 + "/2/required", True), (P1 + "/2/min_items", ABSENT))
    (found,) = service.check(answers(kebutuhan=[]))[1]
    assert (found.pointer, found.rule) == ("/kebutuhan", "required")
    assert found.text("id") == "Pilih Kebutuhan."


def test_multichoice_parse_drops_duplicates_and_blanks(service: CompiledService) -> None:
    spec = service.fields["kebutuhan"].spec
    assert REGISTRY["multichoice"].parse(spec, ["a", " a", "", "c"]) == (["a", "c"], None)
    assert REGISTRY["multichoice"].parse(spec, []) == (None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, []),
        (False, []),
        ("ya", [("/punya_tanggungan", "invalid")]),
        (1, [("/punya_tanggungan", "invalid")]),
    ],
)
def test_yesno(service: CompiledService, value: Any, expected: list[tuple[str, str]]) -> None:
    assert errors(service, answers(punya_tanggungan=value)) == expected


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        (["ya"], (True, None)),
        (["Tidak"], (False, None)),
        ([""], (None, None)),
        (["mungkin"], ("mungkin", "invalid")),
    ],
)
def test_yesno_parse(raw: list[str], parsed: tuple[Any, Any]) -> None:
    assert REGISTRY["yesno"].parse({}, raw) == parsed


# -- file -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(FILE, [], id="reference"),
        pytest.param({**FILE, "sha256": "0" * 64}, [], id="with-sha256"),
        pytest.param({**FILE, "size": 2 * 1024 * 1024}, [], id="exactly-max-mb"),
        pytest.param({**FILE, "size": 2 * 1024 * 1024 + 1}, [("/ktp", "max")], id="too-big"),
        pytest.param({**FILE, "size": 0}, [("/ktp", "min")], id="empty-file"),
        pytest.param(
            {**FILE, "content_type": "image/png"},
            [("/ktp", "invalid")],
            id="not-accepted",
        ),
        pytest.param({**FILE, "id": "pendek"}, [("/ktp", "pattern")], id="bad-id"),
        pytest.param({**FILE, "path": "/etc/passwd"}, [("/ktp/path", "unknown")], id="extra-key"),
        pytest.param(
            {k: v for k, v in FILE.items() if k != "name"},
            [("/ktp", "required")],
            id="no-name",
        ),
        pytest.param("ktp.jpg", [("/ktp", "invalid")], id="a-string"),
    ],
)
def test_file_reference(
    service: CompiledService, value: Any, expected: list[tuple[str, str]]
) -> None:
    assert errors(service, answers(ktp=value)) == expected


def test_file_too_big_message_speaks_in_megabytes(service: CompiledService) -> None:
    (found,) = service.check(answers(ktp={**FILE, "size": 3 * 1024 * 1024}))[1]
    assert "2 MB" in found.text("id")


def test_file_parse_holds_no_form_value(service: CompiledService) -> None:
    assert REGISTRY["file"].parse(service.fields["ktp"].spec, ["x"]) == (None, None)


# -- declaration, notice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, []),
        (False, [("/setuju", "required")]),
        ("true", [("/setuju", "required")]),
        (ABSENT, [("/setuju", "required")]),
    ],
)
def test_declaration_must_be_true(
    service: CompiledService, value: Any, expected: list[tuple[str, str]]
) -> None:
    assert errors(service, answers(setuju=value)) == expected


def test_declaration_is_required_even_when_marked_optional() -> None:
    service = compile_with((P2 + "/2/required", False))
    assert errors(service, answers(setuju=ABSENT)) == [("/setuju", "required")]


def test_notice_holds_no_value(service: CompiledService) -> None:
    assert "info" not in service.schema["properties"]
    assert not service.fields["info"].has_value
    assert service.unknown_keys(answers(info="x")) == ["info"]
    found = service.validate(answers(info="x"))
    assert [(e.pointer, e.rule) for e in found] == [("/info", "unknown")]
    assert found[0].text("id") == "Isian 'info' tidak dikenal di layanan ini."
    pruned, problems = service.check(answers(info="x"))
    assert "info" not in pruned
    assert problems == []


def test_unknown_key_is_rejected(service: CompiledService) -> None:
    assert [(e.pointer, e.rule) for e in service.validate(answers(hobi="x"))] == [
        ("/hobi", "unknown")
    ]
    assert service.unknown_keys(answers(hobi="x")) == ["hobi"]


# -- group ----------------------------------------------------------------------------------------

PERSON = {"nama_tanggungan": "Siti"}


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param([PERSON], [], id="one-item"),
        pytest.param([PERSON] * 5, [], id="max-items"),
        pytest.param([PERSON] * 6, [("/tanggungan", "max_items")], id="too-many"),
        pytest.param(
            [{"hubungan": "anak"}],
            [("/tanggungan/0/nama_tanggungan", "required")],
            id="required-child",
        ),
        pytest.param(
            [PERSON, {**PERSON, "hubungan": "lainnya"}],
            [("/tanggungan/1/hubungan_lain", "required")],
            id="sibling-conditioned-child-required",
        ),
        pytest.param(
            [{**PERSON, "hubungan": "lainnya", "hubungan_lain": "Keponakan"}],
            [],
            id="sibling-shown",
        ),
        pytest.param(
            [{**PERSON, "hubungan": "x"}],
            [("/tanggungan/0/hubungan", "invalid")],
            id="child-invalid",
        ),
    ],
)
def test_group(service: CompiledService, items: Any, expected: list[tuple[str, str]]) -> None:
    found = service.check(answers(punya_tanggungan=True, tanggungan=items))[1]
    assert [(e.pointer, e.rule) for e in found] == expected
    assert all(e.key == "tanggungan" for e in found)


def test_group_unknown_child_key(service: CompiledService) -> None:
    given = answers(punya_tanggungan=True, tanggungan=[{**PERSON, "umur": 3}])
    found = service.validate(given)
    assert [(e.pointer, e.key, e.rule) for e in found] == [
        ("/tanggungan/0/umur", "tanggungan", "unknown")
    ]
    pruned, found = service.check(given)
    assert pruned["tanggungan"] == [PERSON]
    assert found == []


def test_group_minimum_items() -> None:
    service = compile_with((P1 + "/5/min_items", 2))
    found = service.check(answers(punya_tanggungan=True, tanggungan=[PERSON]))[1]
    assert [(e.pointer, e.rule) for e in found] == [("/tanggungan", "min_items")]
    assert found[0].text("id") == "Isi paling sedikit 2 untuk Tanggungan."


def test_group_child_messages_use_the_child_label(service: CompiledService) -> None:
    (found,) = service.check(answers(punya_tanggungan=True, tanggungan=[{"hubungan": "anak"}]))[1]
    assert found.text("id") == "Nama wajib diisi."


def test_group_prune_drops_hidden_children_and_empty_items(service: CompiledService) -> None:
    given = answers(
        punya_tanggungan=True,
        tanggungan=[
            {**PERSON, "hubungan": "anak", "hubungan_lain": "x"},
            {},
            {"nama_tanggungan": ""},
        ],
    )
    pruned, found = service.check(given)
    assert pruned["tanggungan"] == [{**PERSON, "hubungan": "anak"}]
    assert found == []


def test_group_hidden_child_value_is_an_error_when_not_pruned(service: CompiledService) -> None:
    given = answers(punya_tanggungan=True, tanggungan=[{**PERSON, "hubungan_lain": "x"}])
    found = service.validate(given)
    assert [(e.pointer, e.rule) for e in found] == [("/tanggungan/0/hubungan_lain", "unknown")]


def test_group_chained_visibility() -> None:
    detail = {
        "key": "detail",
        "type": "text",
        "label": "Detail",
        "visible_if": {"field": "hubungan_lain", "filled": True},
    }
    service = compile_with((GROUP + "/-", detail))
    item = {**PERSON, "hubungan": "anak", "hubungan_lain": "x", "detail": "y"}
    pruned, found = service.check(answers(punya_tanggungan=True, tanggungan=[item]))
    assert pruned["tanggungan"] == [{**PERSON, "hubungan": "anak"}]
    assert found == []


# -- conditional requirement and pruning ----------------------------------------------------------


def test_required_field_is_required_only_when_visible(service: CompiledService) -> None:
    assert errors(service, answers(alasan="lainnya")) == [("/alasan_lain", "required")]
    assert errors(service, answers(alasan="lainnya", alasan_lain="Pindah kerja")) == []
    assert errors(service, answers(alasan="kerja")) == []


def test_hidden_field_value_is_pruned(service: CompiledService) -> None:
    pruned, found = service.check(answers(alasan="kerja", alasan_lain="Pindah kerja"))
    assert "alasan_lain" not in pruned
    assert found == []
    # validating without pruning: the hidden answer is not allowed
    found = service.validate(answers(alasan="kerja", alasan_lain="Pindah kerja"))
    assert [(e.pointer, e.rule) for e in found] == [("/alasan_lain", "unknown")]


def test_hidden_group_is_pruned_and_not_checked(service: CompiledService) -> None:
    given = answers(punya_tanggungan=False, tanggungan=[{"hubungan": "x"}] * 9)
    pruned, found = service.check(given)
    assert "tanggungan" not in pruned
    assert found == []


def test_prune_keeps_form_order_and_drops_empty_answers(service: CompiledService) -> None:
    given = {"setuju": True, "email": "", "nama": "Budi", "kebutuhan": [], "nik": None}
    assert list(service.prune(given)) == ["nama", "setuju"]


def test_values_on_a_hidden_page_are_pruned() -> None:
    service = compile_with(("/form/pages/2/visible_if", {"field": "alasan", "equals": "lainnya"}))
    given = answers(alasan="kerja")
    pruned, found = service.check(given)
    assert "ktp" not in pruned
    assert "setuju" not in pruned
    assert found == []
    shown = answers(alasan="lainnya", alasan_lain="x", ktp=ABSENT)
    assert errors(service, shown) == [("/ktp", "required")]
    assert [p.id for p in service.visible_pages(given)] == ["pemohon", "keperluan"]
    assert [p.id for p in service.visible_pages(shown)] == ["pemohon", "keperluan", "dokumen"]


def test_chained_visibility_is_pruned_to_a_fixpoint() -> None:
    detail = {
        "key": "detail",
        "type": "text",
        "label": "Detail",
        "required": True,
        "visible_if": {"field": "alasan_lain", "filled": True},
    }
    service = compile_with((P1 + "/-", detail))
    # alasan_lain is hidden, so detail (which depends on it) is hidden too
    pruned, found = service.check(answers(alasan="kerja", alasan_lain="x", detail="y"))
    assert "alasan_lain" not in pruned
    assert "detail" not in pruned
    assert found == []
    # shown in a chain: both are required
    assert errors(service, answers(alasan="lainnya")) == [("/alasan_lain", "required")]
    assert errors(service, answers(alasan="lainnya", alasan_lain="x")) == [("/detail", "required")]
    assert service.is_visible(service.fields["detail"], answers(alasan="lainnya", alasan_lain="x"))
    assert not service.is_visible(
        service.fields["detail"], answers(alasan="kerja", alasan_lain="x")
    )


def test_page_errors_only_concern_that_page(service: CompiledService) -> None:
    given = answers(nama="Bu", rt="abc")
    assert [e.pointer for e in service.page_errors("pemohon", given)] == ["/nama"]
    assert [e.pointer for e in service.page_errors("keperluan", given)] == ["/rt"]
    assert service.page_errors("tidak-ada", given) == []


# -- the two readings of a condition agree ---------------------------------------------------------

OPTIONS = ["a", "b", "c"]
FIELDS = ["n", "ch", "yn", "mc"]
numbers = st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 1))
leaves = st.one_of(
    st.builds(
        lambda op, v: {"field": "n", op: v},
        st.sampled_from(["equals", "not_equals", "gt", "gte", "lt", "lte"]),
        numbers,
    ),
    st.builds(lambda v: {"field": "n", "in": v}, st.lists(numbers, min_size=1, max_size=3)),
    st.builds(
        lambda op, v: {"field": "ch", op: v},
        st.sampled_from(["equals", "not_equals"]),
        st.sampled_from(OPTIONS),
    ),
    st.builds(
        lambda v: {"field": "ch", "in": v},
        st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3),
    ),
    st.builds(lambda v: {"field": "yn", "equals": v}, st.booleans()),
    st.builds(lambda v: {"field": "mc", "contains": v}, st.sampled_from(OPTIONS)),
    st.builds(lambda f, v: {"field": f, "filled": v}, st.sampled_from(FIELDS), st.booleans()),
)
condition_trees = st.recursive(
    leaves,
    lambda inner: (
        st.builds(lambda c: {"not": c}, inner)
        | st.builds(lambda c: {"all": c}, st.lists(inner, min_size=1, max_size=3))
        | st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3))
    ),
    max_leaves=8,
)
# Answers as prune leaves them: no empty values, but not necessarily of the right type.
scalar_answers = st.booleans() | numbers | st.sampled_from([*OPTIONS, "x", "3"])
answer_values = st.one_of(
    scalar_answers,
    st.lists(st.sampled_from([*OPTIONS, "x"]), min_size=1, max_size=4),
    st.lists(scalar_answers, min_size=1, max_size=3),
)
answer_sets = st.dictionaries(st.sampled_from(FIELDS), answer_values)


@settings(max_examples=300, deadline=None)
@given(condition_trees, answer_sets)
def test_evaluate_and_to_schema_agree(condition: dict[str, Any], given: dict[str, Any]) -> None:
    validator = compiler._validator_class()(
        conditions.to_schema(condition), format_checker=compiler.format_checker()
    )
    assert validator.is_valid(given) == conditions.evaluate(condition, given)


TODAY = object()  # stands for today's date, read when the test runs


@pytest.mark.parametrize(
    ("condition", "given", "expected"),
    [
        ({"field": "n", "gt": 3}, {"n": 4}, True),
        ({"field": "n", "gt": 3}, {"n": 3}, False),
        ({"field": "n", "gte": 3}, {"n": 3.0}, True),
        ({"field": "n", "in": [1, 2]}, {"n": 2}, True),
        ({"field": "n", "equals": 1}, {"n": True}, False),
        ({"field": "ch", "not_equals": "a"}, {}, True),
        ({"field": "mc", "contains": "b"}, {"mc": ["a", "b"]}, True),
        ({"field": "yn", "equals": False}, {"yn": False}, True),
        ({"field": "yn", "equals": False}, {}, False),
        ({"not": {"field": "yn", "filled": True}}, {}, True),
        ({"any": [{"field": "n", "lt": 0}, {"field": "ch", "equals": "c"}]}, {"ch": "c"}, True),
        ({"all": [{"field": "n", "lt": 0}, {"field": "ch", "equals": "c"}]}, {"ch": "c"}, False),
        ({"field": "d", "gte": "today"}, {"d": TODAY}, True),
        ({"field": "d", "lt": "today-17y"}, {"d": TODAY}, False),
    ],
)
def test_condition_examples(
    condition: dict[str, Any], given: dict[str, Any], expected: bool
) -> None:
    # today's date is read when the test runs, not when it is collected (the suite may cross
    # midnight in Jakarta, 17:00 UTC)
    given = {k: values.today().isoformat() if v is TODAY else v for k, v in given.items()}
    assert conditions.evaluate(condition, given) is expected
    validator = compiler._validator_class()(
        conditions.to_schema(condition), format_checker=compiler.format_checker()
    )
    assert validator.is_valid(given) is expected


def test_date_comparison_on_an_impossible_date_agrees() -> None:
    condition = {"field": "d", "gt": "2000-01-01"}
    given = {"d": "2024-02-30"}
    validator = compiler._validator_class()(
        conditions.to_schema(condition), format_checker=compiler.format_checker()
    )
    assert validator.is_valid(given) == conditions.evaluate(condition, given)


# -- caching --------------------------------------------------------------------------------------


def test_compiled_is_cached_by_content(valid_definition: dict[str, Any]) -> None:
    first = compiled(valid_definition)
    assert compiled(valid_definition) is first
    assert compiled(copy.deepcopy(valid_definition)) is first
    other = copy.deepcopy(valid_definition)
    other["title"] = "Surat uji lain"
    assert compiled(other) is not first
    assert compiled(other).digest != first.digest


def test_validator_is_built_once(
    valid_definition: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = compiler._validator_class()
    built: list[Any] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        validator = real(*args, **kwargs)
        built.append(validator)
        return validator

    monkeypatch.setattr(compiler, "_validator_class", lambda: counting)
    service = compile_definition(valid_definition)
    for _ in range(5):
        service.check(GOOD)
        service.validate(answers(nama="Bu"))
    assert len(built) == 1
    assert service.value_validator is built[0]
