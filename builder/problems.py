"""Problems found in a definition: a catalogue of stable codes with bilingual messages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from builder.texts import Message, fill, msg

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """One entry of the problem catalogue."""

    severity: Severity
    message: Message
    hint: Message | None = None


def _c(severity: Severity, id_text: str, en_text: str, hint: tuple[str, str] | None = None) -> Code:
    return Code(severity, msg(id_text, en_text), msg(*hint) if hint else None)


E: Severity = "error"
W: Severity = "warning"

# The catalogue. Codes are stable: tools and the studio key on them; docs/problems.md lists them.
CODES: dict[str, Code] = {
    # reading the file
    "file-unreadable": _c(
        E,
        "Berkas tidak dapat dibaca: {reason}.",
        "The file cannot be read: {reason}.",
        (
            "Periksa nama dan letak berkas, dan simpan sebagai UTF-8.",
            "Check the file's name and place, and save it as UTF-8.",
        ),
    ),
    "not-a-file": _c(
        E,
        "Bukan berkas biasa, melainkan {kind}; yang dibaca hanya berkas biasa.",
        "Not a regular file but {kind_en}; only regular files are read.",
        (
            "Sebutkan berkas definisi .json, atau folder yang memuatnya.",
            "Name a definition .json file, or a folder holding them.",
        ),
    ),
    "json-syntax": _c(
        E,
        "Bukan JSON yang sah (baris {line}, kolom {column}): {reason_id}.",
        "Not valid JSON (line {line}, column {column}): {reason_en}.",
        ("{hint_id}", "{hint_en}"),
    ),
    "duplicate-key": _c(
        E,
        "Bagian '{key}' ditulis dua kali dalam objek yang sama: baris {first_line} kolom"
        " {first_column} dan baris {line} kolom {column}; yang pertama hilang.",
        "'{key}' is written twice in the same object: line {first_line} column {first_column}"
        " and line {line} column {column}; the first one is lost.",
        (
            "Hapus salah satunya, atau gabungkan isinya bila keduanya diperlukan.",
            "Remove one of them, or merge their contents if both are needed.",
        ),
    ),
    "not-object": _c(
        E,
        "Definisi harus berupa satu objek JSON {{ ... }}, bukan {found}.",
        "A definition must be one JSON object {{ ... }}, not {found}.",
        (
            'Bungkus definisi dalam satu objek: {{"format": "loket/service@1", ...}}.',
            'Wrap the definition in one object: {{"format": "loket/service@1", ...}}.',
        ),
    ),
    "too-large": _c(
        E,
        "Definisi terlalu besar ({size} byte); batasnya {limit} byte.",
        "The definition is too large ({size:~byte|bytes}); the limit is {limit:~byte|bytes}.",
        (
            "Pecah layanan menjadi beberapa layanan, atau singkatkan teks yang panjang.",
            "Split the service into several, or shorten long texts.",
        ),
    ),
    "too-deep": _c(
        E,
        "Definisi bersarang terlalu dalam (lebih dari {limit} tingkat).",
        "The definition is nested too deeply (more than {limit:~level|levels}).",
        (
            "Kurangi tingkat kurung bersarang; kondisi yang dalam dapat ditulis dengan all/any.",
            "Reduce the nesting; deep conditions can be written with all/any.",
        ),
    ),
    # structure (meta-schema)
    "missing-key": _c(
        E,
        "Bagian '{key}' wajib ada di sini.",
        "'{key}' is required here.",
        ("Tambahkan '{key}'.", "Add '{key}'."),
    ),
    "unknown-key": _c(
        E,
        "Bagian '{key}' tidak dikenal di sini.",
        "'{key}' is not allowed here.",
        ("{guess_id}Yang boleh: {allowed}.", "{guess_en}Allowed: {allowed}."),
    ),
    "wrong-type": _c(
        E,
        "Nilai ini harus berupa {expected}.",
        "This value must be {expected_en}.",
        (
            "Periksa tanda kutip: angka dan true/false ditulis tanpa kutip, teks dengan kutip.",
            "Check the quotes: numbers and true/false go without quotes, texts with them.",
        ),
    ),
    "bad-value": _c(
        E,
        "Nilai {value} tidak dikenal di sini.",
        "The value {value} is not allowed here.",
        ("Pilih salah satu: {allowed}.", "Choose one of: {allowed}."),
    ),
    "unknown-field-type": _c(
        E,
        "Jenis field '{value}' tidak dikenal.",
        "Unknown field type '{value}'.",
        ("Jenis yang tersedia: {allowed}.", "Available types: {allowed}."),
    ),
    "wrong-format-version": _c(
        E,
        'Versi format harus "loket/service@1".',
        'The format must be "loket/service@1".',
        ('Tulis "format": "loket/service@1".', 'Write "format": "loket/service@1".'),
    ),
    "bad-identifier": _c(
        E,
        "'{value}' bukan pengenal yang sah.",
        "'{value}' is not a valid identifier.",
        ("{rule_id}", "{rule_en}"),
    ),
    "bad-text": _c(
        E,
        'Teks harus berupa kalimat atau peta bahasa seperti {{"id": "...", "en": "..."}}.',
        'A text must be a string or a language map such as {{"id": "...", "en": "..."}}.',
        (
            'Tulis "teks" atau {{"id": "teks", "en": "text"}}.',
            'Write "text" or {{"id": "teks", "en": "text"}}.',
        ),
    ),
    "bad-time": _c(
        E,
        "'{value}' bukan jam yang sah.",
        "'{value}' is not a valid time of day.",
        (
            'Tulis jam dalam 24 jam dengan dua angka, misalnya "08:00" atau "15:30".',
            'Write the time in 24 hours with two digits, e.g. "08:00" or "15:30".',
        ),
    ),
    "bad-date-bound": _c(
        E,
        "'{value}' bukan batas tanggal yang sah.",
        "'{value}' is not a valid date bound.",
        (
            'Tulis tanggal YYYY-MM-DD, "today", atau misalnya "today-17y" / "today+30d".',
            'Write a date YYYY-MM-DD, "today", or e.g. "today-17y" / "today+30d".',
        ),
    ),
    "bad-pattern-value": _c(
        E,
        "'{value}' tidak sesuai bentuk yang diminta.",
        "'{value}' does not have the expected form.",
        (
            "Lihat schemas/README.md untuk bentuk nilai ini.",
            "See schemas/README.md for the form of this value.",
        ),
    ),
    "too-short": _c(
        E,
        "Terlalu pendek: paling sedikit {limit} karakter.",
        "Too short: at least {limit:~character|characters}.",
        ("Tambahkan isinya.", "Add to its content."),
    ),
    "too-long": _c(
        E,
        "Terlalu panjang: paling banyak {limit} karakter.",
        "Too long: at most {limit:~character|characters}.",
        ("Singkatkan isinya.", "Shorten its content."),
    ),
    "too-small": _c(
        E,
        "Nilai terlalu kecil: paling kecil {limit}.",
        "Value too small: the minimum is {limit}.",
        ("Naikkan nilainya paling sedikit ke {limit}.", "Raise the value to at least {limit}."),
    ),
    "too-big": _c(
        E,
        "Nilai terlalu besar: paling besar {limit}.",
        "Value too large: the maximum is {limit}.",
        ("Turunkan nilainya paling banyak ke {limit}.", "Lower the value to at most {limit}."),
    ),
    "too-few-items": _c(
        E,
        "Terlalu sedikit: paling sedikit {limit} butir.",
        "Too few: at least {limit:~item|items}.",
        ("Tambahkan butir ke daftar ini.", "Add items to this list."),
    ),
    "too-many-items": _c(
        E,
        "Terlalu banyak: paling banyak {limit} butir.",
        "Too many: at most {limit:~item|items}.",
        ("Hapus butir dari daftar ini.", "Remove items from this list."),
    ),
    "bad-condition": _c(
        E,
        "Kondisi tidak sah: {detail_id}",
        "Invalid condition: {detail_en}",
        (
            'Kondisi berbentuk {{"field": "kunci", "equals": nilai}} atau gabungan all / any / not.',
            'A condition looks like {{"field": "key", "equals": value}} or a combination all / any / not.',
        ),
    ),
    "bad-state-list": _c(
        E,
        "'from' harus berupa nama status atau daftar nama status.",
        "'from' must be a state name or a list of state names.",
        (
            'Tulis "from": "diajukan" atau "from": ["diajukan", "diverifikasi"].',
            'Write "from": "diajukan" or "from": ["diajukan", "diverifikasi"].',
        ),
    ),
    "invalid-structure": _c(
        E,
        "Struktur tidak sah: {detail}.",
        "Invalid structure: {detail}.",
        (
            "Bandingkan bagian ini dengan contoh di schemas/examples.",
            "Compare this part with the examples in schemas/examples.",
        ),
    ),
    # form semantics
    "duplicate-page-id": _c(
        E,
        "Id halaman '{value}' sudah dipakai halaman lain.",
        "Page id '{value}' is already used by another page.",
        ("Beri setiap halaman id yang berbeda.", "Give every page its own id."),
    ),
    "duplicate-field-key": _c(
        E,
        "Kunci field '{value}' sudah dipakai di {other}.",
        "Field key '{value}' is already used at {other}.",
        (
            "Kunci field harus unik di seluruh formulir (termasuk di dalam grup) dan di semua"
            " field petugas pada transisi.",
            "Field keys must be unique in the whole form (groups included) and across the"
            " officer fields of all transitions.",
        ),
    ),
    "officer-field-type": _c(
        E,
        "Field berjenis '{value}' tidak dapat diisi petugas pada transisi.",
        "A field of type '{value}' cannot be filled in by an officer on a transition.",
        (
            "Pernyataan dan grup hanya untuk formulir pemohon; pakai jenis lain, misalnya"
            " 'yesno' atau 'textarea'.",
            "Declarations and groups belong to the applicant's form; use another type, such as"
            " 'yesno' or 'textarea'.",
        ),
    ),
    "applicant-sees-in-form": _c(
        E,
        "'applicant_sees' hanya berlaku untuk field petugas pada transisi.",
        "'applicant_sees' applies only to officer fields on transitions.",
        (
            "Hapus 'applicant_sees' dari field formulir ini: pemohon selalu melihat jawabannya"
            " sendiri.",
            "Remove 'applicant_sees' from this form field: applicants always see their own"
            " answers.",
        ),
    ),
    "officer-fields-applicant": _c(
        E,
        "Transisi '{value}' dapat dilakukan pemohon, jadi tidak dapat memiliki field petugas.",
        "Transition '{value}' can be taken by the applicant, so it cannot have officer fields.",
        (
            "Pindahkan field ini ke transisi petugas, atau ke formulir bila pemohon yang"
            " mengisinya.",
            "Move these fields to an officer's transition, or to the form if the applicant fills"
            " them in.",
        ),
    ),
    "no-options": _c(
        E,
        "Field pilihan '{key}' belum punya pilihan.",
        "Choice field '{key}' has no options.",
        ("Tambahkan paling sedikit dua pilihan.", "Add at least two options."),
    ),
    "option-list-unknown": _c(
        E,
        "Daftar pilihan '{name}' tidak dideklarasikan di 'option_lists'.",
        "Option list '{name}' is not declared in 'option_lists'.",
        (
            "{guess_id}Daftar yang ada: {known}.",
            "{guess_en}Declared lists: {known}.",
        ),
    ),
    "options-and-options-from": _c(
        E,
        "Field ini punya 'options' dan juga 'options_from'.",
        "This field has both 'options' and 'options_from'.",
        (
            "Pakai salah satu: tulis pilihannya di 'options', atau ambil dari daftar bersama"
            " dengan 'options_from'.",
            "Use one: list the options in 'options', or take them from a shared list with"
            " 'options_from'.",
        ),
    ),
    "option-list-unused": _c(
        W,
        "Daftar pilihan '{name}' tidak dipakai oleh field mana pun.",
        "Option list '{name}' is not used by any field.",
        (
            'Pakai di field pilihan dengan "options_from": "{name}", atau hapus daftarnya.',
            'Use it in a choice field with "options_from": "{name}", or remove the list.',
        ),
    ),
    "filter-not-here": _c(
        E,
        "Field '{key}' ada di dalam grup atau di langkah alur kerja; 'filter_by' hanya untuk"
        " field formulir di luar grup.",
        "Field '{key}' is inside a group or on a workflow step; 'filter_by' is only for form"
        " fields outside groups.",
        (
            "Pindahkan field ke halaman formulir, atau hapus 'filter_by'.",
            "Move the field onto a form page, or remove 'filter_by'.",
        ),
    ),
    "filter-unknown-field": _c(
        E,
        "'filter_by' menyebut field '{value}' yang tidak ada di formulir (di luar grup).",
        "'filter_by' names field '{value}', which is not a form field (outside groups).",
        (
            "{guess_id}Tulis kunci field pilihan atau wilayah di halaman ini atau sebelumnya.",
            "{guess_en}Write the key of a choice or region field on this page or an earlier one.",
        ),
    ),
    "filter-self": _c(
        E,
        "Field '{key}' menyaring pilihannya dengan jawabannya sendiri.",
        "Field '{key}' filters its options by its own answer.",
        (
            "Tulis kunci field lain (pilihan atau wilayah) di 'filter_by'.",
            "Write the key of another field (a choice or a region) in 'filter_by'.",
        ),
    ),
    "filter-later-field": _c(
        E,
        "'filter_by' menyebut field '{value}' yang baru ditanyakan di halaman berikutnya"
        " ('{page}').",
        "'filter_by' names field '{value}', which is asked on a later page ('{page}').",
        (
            "Pemohon harus menjawab penyaringnya lebih dulu: pindahkan '{value}' ke halaman ini"
            " atau sebelumnya.",
            "The applicant must answer the filter first: move '{value}' to this page or an"
            " earlier one.",
        ),
    ),
    "filter-field-type": _c(
        E,
        "'filter_by' menyebut field '{value}' bertipe '{type}'; penyaring harus field 'choice'"
        " atau 'region'.",
        "'filter_by' names field '{value}' of type '{type}'; a filter must be a 'choice' or"
        " 'region' field.",
        (
            "Pilih field pilihan tunggal atau wilayah sebagai penyaring.",
            "Use a single-choice or a region field as the filter.",
        ),
    ),
    "filter-without-groups": _c(
        W,
        "Field '{key}' punya 'filter_by' tetapi tidak satu pun pilihannya punya 'group'.",
        "Field '{key}' has 'filter_by' but none of its options has a 'group'.",
        (
            "Beri setiap pilihan 'group' (nilai jawaban penyaring), atau hapus 'filter_by'.",
            "Give each option a 'group' (a value of the filter's answer), or remove 'filter_by'.",
        ),
    ),
    "option-group-unmatched": _c(
        W,
        "Grup '{group}' tidak cocok dengan jawaban mana pun dari field '{field}': pilihan ini"
        " tidak pernah ditawarkan.",
        "Group '{group}' matches no possible answer of field '{field}': this option is never"
        " offered.",
        (
            "Untuk penyaring pilihan, tulis salah satu nilai pilihannya; untuk wilayah, kode"
            " wilayah (mis. 18.71.01) sampai tingkat field itu dan di dalam wilayahnya.",
            "For a choice filter, write one of its option values; for a region, an area code"
            " (e.g. 18.71.01) down to that field's level and inside its area.",
        ),
    ),
    "region-unknown": _c(
        E,
        "Kode wilayah '{area}' tidak ada dalam data wilayah Kemendagri ({source}).",
        "Area code '{area}' is not in the Kemendagri area data ({source}).",
        ("{hint_id}", "{hint_en}"),
    ),
    "region-within-too-deep": _c(
        E,
        "Wilayah '{area}' ({name}) sudah setingkat {level_id} atau lebih rendah; field ini"
        " menanyakan sampai {level_id}.",
        "Area '{area}' ({name}) is already at the {level_en} level or below; this field asks"
        " down to the {level_en}.",
        (
            "Pakai wilayah yang lebih tinggi di 'within' (misalnya kota untuk memilih kecamatan),"
            " atau 'level' yang lebih rendah.",
            "Use a higher area in 'within' (a city to choose a district, say), or a lower 'level'.",
        ),
    ),
    "duplicate-option": _c(
        E,
        "Nilai pilihan '{value}' muncul lebih dari sekali.",
        "Option value '{value}' appears more than once.",
        ("Setiap pilihan harus punya nilai yang berbeda.", "Every option needs its own value."),
    ),
    "min-greater-than-max": _c(
        E,
        "Batas bawah {low} lebih besar dari batas atas {high}.",
        "The lower bound {low} is greater than the upper bound {high}.",
        ("Tukar kedua nilai atau perbaiki salah satunya.", "Swap the two values or fix one."),
    ),
    "bad-date-limit": _c(
        E,
        "Batas tanggal {value} tidak dikenal.",
        "The date limit {value} is not one Loket knows.",
        (
            'Tulis "2026-01-31", "today-17y", {{"field": "tanggal_mulai", "days": 30}} atau'
            ' {{"month": 7, "day": 1}}.',
            'Write "2026-01-31", "today-17y", {{"field": "tanggal_mulai", "days": 30}} or'
            ' {{"month": 7, "day": 1}}.',
        ),
    ),
    "date-limit-self": _c(
        E,
        "Batas tanggal field '{value}' membaca jawabannya sendiri.",
        "The date limit of '{value}' reads its own answer.",
        (
            "Sebutkan field tanggal lain, misalnya tanggal mulai untuk tanggal selesai.",
            "Name another date field, such as the start date for an end date.",
        ),
    ),
    "date-limit-unknown-field": _c(
        E,
        "Batas tanggal membaca field '{value}' yang tidak ada.",
        "The date limit reads a field '{value}' that does not exist.",
        (
            "{guess_id}Field tanggal yang dapat dipakai: {allowed}.",
            "{guess_en}Date fields that can be used: {allowed}.",
        ),
    ),
    "date-limit-not-a-date": _c(
        E,
        "Batas tanggal membaca '{value}', yang jenisnya {type}, bukan tanggal.",
        "The date limit reads '{value}', a {type} field, not a date.",
        (
            "Batas tanggal hanya dapat membaca field berjenis date.",
            "A date limit can only read a field of type date.",
        ),
    ),
    "date-limit-later-field": _c(
        E,
        "Batas tanggal membaca '{value}', yang ada di halaman sesudahnya.",
        "The date limit reads '{value}', which is on a later page.",
        (
            "Pindahkan '{value}' ke halaman yang sama atau sebelumnya: pemohon harus sudah"
            " mengisinya.",
            "Move '{value}' to the same or an earlier page: the applicant must have answered it.",
        ),
    ),
    "date-limit-in-group": _c(
        E,
        "Batas tanggal '{key}' tidak dapat membaca '{value}': salah satunya ada di dalam grup"
        " berulang.",
        "The date limit of '{key}' cannot read '{value}': one of them is inside a repeatable"
        " group.",
        (
            "Batas yang membaca jawaban lain hanya untuk field di luar grup; di dalam grup pakai"
            " aturan (rules) compare.",
            "A limit that reads another answer is for fields outside groups; inside a group use"
            " a compare rule.",
        ),
    ),
    "date-limit-no-such-day": _c(
        E,
        "Tanggal {day} bulan {month} tidak ada di setiap tahun.",
        "Day {day} of month {month} does not exist in every year.",
        (
            "Pilih hari yang ada di setiap tahun (29 Februari hanya ada di tahun kabisat): misalnya"
            ' {{"month": 2, "day": 28}} atau {{"month": 3, "day": 1}}.',
            "Choose a day that exists in every year (29 February only in leap years): e.g."
            ' {{"month": 2, "day": 28}} or {{"month": 3, "day": 1}}.',
        ),
    ),
    "time-range-across-midnight": _c(
        E,
        "Jam paling awal {low} lebih lambat dari jam paling akhir {high}.",
        "The earliest time {low} is later than the latest time {high}.",
        (
            "Jam dibaca dalam satu hari (00:00 sampai 23:59); rentang yang melewati tengah malam"
            " tidak didukung. Tukar kedua nilai, atau hapus salah satunya.",
            "Times are read within one day (00:00 to 23:59); a range across midnight is not"
            " supported. Swap the two values, or remove one of them.",
        ),
    ),
    "max-length-zero": _c(
        E,
        "Panjang paling banyak 0 karakter: field ini tidak pernah dapat diisi.",
        "A maximum length of 0 characters: nobody can ever fill in this field.",
        (
            "Hapus max_length (batas bawaan berlaku) atau tulis batas yang wajar, misalnya 100.",
            "Remove max_length (the default applies) or write a sensible limit, e.g. 100.",
        ),
    ),
    "min-length-over-default-max": _c(
        E,
        "Panjang paling sedikit {low} karakter melebihi batas bawaan {limit} karakter.",
        "A minimum length of {low:~character|characters} is above the default maximum of {limit}.",
        (
            "Tambahkan max_length paling sedikit {low}, atau turunkan min_length.",
            "Add a max_length of at least {low}, or lower min_length.",
        ),
    ),
    "no-whole-number": _c(
        E,
        "Tidak ada bilangan bulat antara {low} dan {high}; field ini tidak pernah dapat diisi.",
        "There is no whole number between {low} and {high}; nobody can fill in this field.",
        (
            'Lebarkan batas min/max, atau hapus "integer": true bila pecahan boleh.',
            'Widen min/max, or remove "integer": true if fractions are allowed.',
        ),
    ),
    "max-items-zero": _c(
        E,
        "Paling banyak 0 butir: field '{key}' tidak pernah dapat diisi.",
        "At most 0 items: nobody can ever fill in field '{key}'.",
        (
            "Hapus max_items (tanpa batas) atau tulis paling sedikit 1.",
            "Remove max_items (no limit) or write at least 1.",
        ),
    ),
    "min-items-over-options": _c(
        E,
        "Harus dipilih paling sedikit {low} tetapi hanya ada {count} pilihan.",
        "At least {low} must be ticked but the field has only {count:~option|options}.",
        (
            "Turunkan min_items atau tambahkan pilihan.",
            "Lower min_items or add options.",
        ),
    ),
    "single-option": _c(
        E,
        "Field pilihan '{key}' hanya punya satu pilihan; tidak ada yang dapat dipilih.",
        "Choice field '{key}' has only one option; there is nothing to choose.",
        (
            'Tambahkan pilihan lain, atau pakai field "declaration" untuk satu persetujuan.',
            'Add another option, or use a "declaration" field for a single consent.',
        ),
    ),
    "bad-regex": _c(
        E,
        "Pola (pattern) bukan regular expression yang sah: {reason}.",
        "The pattern is not a valid regular expression: {reason_en}.",
        (
            "Perbaiki bagian itu; contoh pola yang sah: [0-9]{{16}} atau [A-Z]{{2}}-[0-9]{{4}}.",
            "Fix that part; valid patterns look like [0-9]{{16}} or [A-Z]{{2}}-[0-9]{{4}}.",
        ),
    ),
    "regex-unsupported": _c(
        E,
        "Pola (pattern) memakai {construct}, yang tidak didukung: jawaban warga diperiksa "
        "dengan mesin RE2 yang selalu cepat, dan mesin itu tidak mengenal bagian ini.",
        "The pattern uses {construct_en}, which is not supported: answers are checked with the "
        "RE2 engine, which is always fast and does not know this construct.",
        ("{advice}", "{advice_en}"),
    ),
    "pattern-without-message": _c(
        W,
        "Pola tanpa pesan kesalahan sendiri; warga akan melihat pesan umum.",
        "A pattern without its own message; citizens will see a generic one.",
        (
            "Tambahkan messages.pattern yang menjelaskan bentuk yang diminta.",
            "Add messages.pattern explaining the expected form.",
        ),
    ),
    "file-type-not-allowed": _c(
        E,
        "Jenis berkas '{value}' tidak diizinkan.",
        "File type '{value}' is not allowed.",
        ("Jenis yang diizinkan: {allowed}.", "Allowed types: {allowed}."),
    ),
    "file-too-large": _c(
        E,
        "Batas ukuran berkas {value} MB tidak wajar; paling besar {limit} MB.",
        "A file size limit of {value} MB is unreasonable; at most {limit} MB.",
        (
            "Warga sering memakai jaringan lemah; 2 MB biasanya cukup untuk foto dokumen.",
            "Citizens often use weak connections; 2 MB is usually enough for a document photo.",
        ),
    ),
    "nested-group": _c(
        E,
        "Grup di dalam grup belum didukung.",
        "A group inside a group is not supported.",
        ("Pindahkan field-nya ke grup luar.", "Move its fields into the outer group."),
    ),
    "unsupported-in-group": _c(
        E,
        "Field berjenis '{value}' tidak dapat dipakai di dalam grup.",
        "A field of type '{value}' cannot be used inside a group.",
        ("Letakkan field ini di luar grup.", "Place this field outside the group."),
    ),
    "missing-indonesian": _c(
        E,
        "Teks ini belum punya versi Bahasa Indonesia.",
        "This text has no Bahasa Indonesia version.",
        ('Tambahkan "id": "..." ke peta bahasa.', 'Add "id": "..." to the language map.'),
    ),
    "declaration-not-required": _c(
        W,
        "Pernyataan '{key}' tidak wajib dicentang.",
        "Declaration '{key}' need not be ticked.",
        (
            'Pernyataan selalu wajib; hapus "required": false.',
            'A declaration is always required; remove "required": false.',
        ),
    ),
    "template-text": _c(
        E,
        'Teks bawaan penyunting "{text}" belum diganti.',
        'The editor\'s placeholder text "{text}" was not replaced.',
        (
            "Tulis pertanyaan yang sebenarnya, dengan kata-kata warga; teks bawaan tidak boleh "
            "terbit.",
            "Write the real question, in the citizen's words; placeholder texts cannot go live.",
        ),
    ),
    "blank-text": _c(
        E,
        "Teks ini hanya berisi spasi.",
        "This text holds only white space.",
        (
            "Tulis teksnya, atau hapus bagian ini bila tidak diperlukan.",
            "Write the text, or remove this part if it is not needed.",
        ),
    ),
    # service standard
    "bad-contact-email": _c(
        E,
        "'{value}' bukan alamat email yang sah.",
        "'{value}' is not a valid e-mail address.",
        (
            "Tulis satu alamat seperti layanan@kota.go.id, tanpa spasi.",
            "Write one address such as layanan@kota.go.id, without spaces.",
        ),
    ),
    "bad-contact-phone": _c(
        E,
        "'{value}' bukan nomor telepon yang dapat dihubungi.",
        "'{value}' is not a phone number anyone can call.",
        (
            "Tulis nomor seperti (0721) 470280, 0812-3456-7890 atau +62 21 1234567;"
            " beberapa nomor dipisah dengan '/'.",
            "Write a number such as (0721) 470280, 0812-3456-7890 or +62 21 1234567;"
            " separate several numbers with '/'.",
        ),
    ),
    "bad-contact-website": _c(
        E,
        "'{value}' bukan alamat situs web yang sah.",
        "'{value}' is not a valid website address.",
        (
            "Tulis alamat lengkap yang diawali https://, misalnya https://kota.go.id/layanan.",
            "Write the full address starting with https://, e.g. https://kota.go.id/layanan.",
        ),
    ),
    # conditions
    "condition-unknown-field": _c(
        E,
        "Kondisi merujuk field '{value}' yang tidak ada.",
        "The condition refers to field '{value}', which does not exist.",
        (
            "{guess_id}Field yang dapat dipakai: {allowed}.",
            "{guess_en}Fields you can use: {allowed}.",
        ),
    ),
    "condition-officer-field": _c(
        E,
        "Kondisi merujuk '{value}', field yang diisi petugas pada transisi '{action}'.",
        "The condition refers to '{value}', a field the officer fills in on transition '{action}'.",
        (
            "Kondisi formulir dan penjaga transisi hanya membaca jawaban pemohon; kondisi field"
            " petugas membaca jawaban pemohon dan field petugas dari transisi yang sama.",
            "Form conditions and transition guards read only the applicant's answers; a"
            " condition on an officer field reads those and the officer fields of its own"
            " transition.",
        ),
    ),
    "condition-self": _c(
        E,
        "Kondisi field '{value}' merujuk dirinya sendiri.",
        "The condition of field '{value}' refers to itself.",
        (
            "Kondisi harus bergantung pada jawaban field lain yang diisi lebih dulu.",
            "A condition must depend on another field answered earlier.",
        ),
    ),
    "condition-later-field": _c(
        E,
        "Kondisi merujuk field '{value}' yang baru diisi di halaman berikutnya.",
        "The condition refers to field '{value}', which is answered on a later page.",
        (
            "Rujuk hanya field di halaman ini atau halaman sebelumnya.",
            "Refer only to fields on this page or an earlier one.",
        ),
    ),
    "condition-cycle": _c(
        E,
        "Syarat tampil field '{value}' saling bergantung: {cycle}.",
        "The visibility of field '{value}' depends on itself through: {cycle}.",
        (
            "Putus lingkarannya: sebuah field hanya boleh bergantung pada field yang diisi sebelumnya.",
            "Break the loop: a field may only depend on fields answered before it.",
        ),
    ),
    "condition-outside-group": _c(
        E,
        "Field di dalam grup hanya boleh merujuk field lain di grup yang sama, bukan '{value}'.",
        "A field inside a group may only refer to fields of the same group, not '{value}'.",
        (
            "Pindahkan kondisinya ke grup itu sendiri, atau rujuk field di grup yang sama.",
            "Put the condition on the group itself, or refer to a field of the same group.",
        ),
    ),
    "condition-into-group": _c(
        E,
        "Kondisi tidak dapat merujuk field '{value}' yang ada di dalam grup berulang.",
        "A condition cannot refer to field '{value}', which sits inside a repeatable group.",
        (
            'Uji isian grupnya: {{"group": "anggota", "some": {{"field": "{value}", ...}}}}'
            ' (juga "every" atau "none"), rujuk grupnya dengan "filled", atau pindahkan field'
            " itu ke luar grup.",
            'Test the group\'s items: {{"group": "anggota", "some": {{"field": "{value}", ...}}}}'
            ' (or "every", "none"), refer to the group with "filled", or move that field out of'
            " the group.",
        ),
    ),
    "officer-max-files": _c(
        E,
        "Field berkas petugas hanya menerima satu berkas.",
        "An officer's file field takes one file.",
        (
            "Hapus max_files, atau buat beberapa field berkas (misalnya surat dan lampirannya).",
            "Remove max_files, or make several file fields (the letter and its annex, say).",
        ),
    ),
    "duplicate-exit-id": _c(
        E,
        "Halaman keluar '{value}' sudah ada di {other}.",
        "The exit page '{value}' already exists at {other}.",
        (
            "Beri setiap halaman keluar id sendiri; id itu muncul di alamat halamannya dan di"
            " jawaban API.",
            "Give every exit page its own id; it shows in the page's address and in the API's"
            " answer.",
        ),
    ),
    "condition-unknown-group": _c(
        E,
        "Kondisi menguji grup '{value}' yang tidak ada.",
        "The condition tests a group '{value}' that does not exist.",
        (
            "{guess_id}Grup yang dapat diuji: {allowed}.",
            "{guess_en}Groups that can be tested: {allowed}.",
        ),
    ),
    "condition-not-a-group": _c(
        E,
        "'{value}' berjenis {type}, bukan grup berulang: some / every / none hanya untuk grup.",
        "'{value}' is a {type} field, not a repeatable group: some / every / none are for groups.",
        (
            'Uji field biasa dengan {{"field": "{value}", "equals": ...}}.',
            'Test a plain field with {{"field": "{value}", "equals": ...}}.',
        ),
    ),
    "group-test-in-group": _c(
        E,
        "Uji grup '{value}' tidak dapat dipakai di dalam grup atau di dalam uji grup lain.",
        "A test of the group '{value}' cannot be used inside a group or another group test.",
        (
            "Di dalam grup, kondisi hanya membaca field isian yang sama; pakai aturan"
            " (rules) untuk memeriksa seluruh grup.",
            "Inside a group a condition reads only the same item's fields; use a rule to check"
            " the whole group.",
        ),
    ),
    "condition-no-value": _c(
        E,
        "Field '{value}' tidak berisi jawaban sehingga tidak dapat dipakai dalam kondisi.",
        "Field '{value}' holds no answer, so it cannot be used in a condition.",
        (
            "Pilih field yang diisi pemohon; keterangan (notice) tidak berisi jawaban.",
            "Choose a field the applicant fills in; a notice holds no answer.",
        ),
    ),
    "condition-type-mismatch": _c(
        E,
        "Operator '{op}' tidak cocok untuk field '{value}' berjenis {type}.",
        "Operator '{op}' does not fit field '{value}' of type {type}.",
        ("Operator yang cocok: {allowed}.", "Operators that fit: {allowed}."),
    ),
    "condition-bad-value": _c(
        E,
        "Nilai pembanding {given} tidak cocok untuk field '{value}' berjenis {type}.",
        "The value {given} does not fit field '{value}' of type {type}.",
        ("{expected_id}", "{expected_en}"),
    ),
    # workflow
    # computed values and rules across fields
    "bad-expression": _c(
        E,
        "Bukan nilai atau hitungan yang dikenal: {value}.",
        "Not a known value or calculation: {value}.",
        (
            'Tulis {{"field": "kunci"}}, {{"computed": "nama"}}, {{"value": 3}}, atau satu dari'
            " age, days_between, count, sum, add, subtract, multiply, divide.",
            'Write {{"field": "key"}}, {{"computed": "name"}}, {{"value": 3}}, or one of age,'
            " days_between, count, sum, add, subtract, multiply, divide.",
        ),
    ),
    "expression-unknown-field": _c(
        E,
        "Isian '{value}' tidak ada di formulir.",
        "There is no field '{value}' in the form.",
        (
            "{guess_id}Sebutkan kunci isian tingkat atas (bukan isian di dalam grup).",
            "{guess_en}Name the key of a top-level field (not a field inside a group).",
        ),
    ),
    "expression-unknown-computed": _c(
        E,
        "Nilai hitungan '{value}' tidak ada di form/computed.",
        "There is no computed value '{value}' in form/computed.",
        (
            "{guess_id}Tambahkan di form/computed, atau perbaiki namanya.",
            "{guess_en}Add it under form/computed, or correct the name.",
        ),
    ),
    "expression-not-group": _c(
        E,
        "'{value}' bukan grup (jenisnya {type}).",
        "'{value}' is not a group (its type is {type}).",
        (
            "count, sum dan aturan atas butir memerlukan isian berjenis group.",
            "count, sum and rules over items need a field of type group.",
        ),
    ),
    "expression-unknown-child": _c(
        E,
        "Grup '{group}' tidak punya isian '{value}'.",
        "Group '{group}' has no field '{value}'.",
        (
            "{guess_id}Sebutkan salah satu isian di dalam grup itu.",
            "{guess_en}Name one of the fields inside that group.",
        ),
    ),
    "expression-wrong-type": _c(
        E,
        "{what} memerlukan {expected}, tetapi '{value}' berjenis {type}.",
        "{what_en} needs {expected_en}, but '{value}' is of type {type}.",
        (
            "Umur memerlukan tanggal atau NIK; selisih hari memerlukan dua tanggal; jumlah dan"
            " hitungan memerlukan angka.",
            "An age needs a date or a NIK; days between need two dates; sums and arithmetic"
            " need numbers.",
        ),
    ),
    "expression-bad-date": _c(
        E,
        "'{value}' bukan tanggal ISO (TTTT-BB-HH).",
        "'{value}' is not an ISO date (YYYY-MM-DD).",
        ("Tulis tanggal seperti 2026-01-31.", "Write the date like 2026-01-31."),
    ),
    "computed-name-taken": _c(
        E,
        "Nama nilai hitungan '{value}' sudah dipakai oleh sebuah isian.",
        "The computed value name '{value}' is already a field's key.",
        (
            "Beri nama lain; kondisi dan aturan membaca isian dan nilai hitungan dengan nama.",
            "Choose another name; conditions and rules read fields and computed values by name.",
        ),
    ),
    "computed-cycle": _c(
        E,
        "Nilai hitungan saling bergantung melingkar: {cycle}.",
        "Computed values depend on each other in a loop: {cycle}.",
        (
            "Putus lingkaran: satu nilai harus dihitung dari isian saja.",
            "Break the loop: one value must be worked out from answers alone.",
        ),
    ),
    "computed-may-be-hidden": _c(
        W,
        "Nilai hitungan '{value}' kosong bila isian '{field}' tersembunyi; {used} yang memakainya"
        " lalu dilewati.",
        "Computed value '{value}' is empty while field '{field}' is hidden; the {used_en} using"
        " it is then skipped.",
        (
            "Pastikan itu yang dimaksud, atau hitung dari isian yang selalu tampil.",
            "Make sure that is intended, or compute it from fields that are always shown.",
        ),
    ),
    "rule-test-count": _c(
        E,
        "Aturan harus berisi tepat satu uji ({allowed}); ditemukan {count}.",
        "A rule must hold exactly one test ({allowed}); found {count}.",
        (
            "Pecah menjadi beberapa aturan, masing-masing dengan satu uji.",
            "Split it into several rules, each with one test.",
        ),
    ),
    "rule-type-mismatch": _c(
        E,
        "Aturan membandingkan {left} dengan {right}.",
        "The rule compares {left_en} with {right_en}.",
        (
            "Bandingkan angka dengan angka dan tanggal dengan tanggal; teks dan pilihan hanya"
            " dengan eq atau ne.",
            "Compare numbers with numbers and dates with dates; texts and choices only with eq"
            " or ne.",
        ),
    ),
    "rule-at-not-read": _c(
        E,
        "Pesan aturan ditampilkan di samping '{value}', tetapi aturan tidak membaca isian itu.",
        "The rule's message is shown beside '{value}', but the rule does not read that field.",
        (
            "Pilih salah satu isian aturan: {allowed}.",
            "Choose one of the rule's fields: {allowed}.",
        ),
    ),
    "rule-at-not-last-page": _c(
        E,
        "Aturan diperiksa di halaman '{page}' (isian terakhirnya), tetapi '{value}' ada di"
        " halaman '{at_page}'.",
        "The rule is checked on page '{page}' (where its last field is), but '{value}' is on"
        " page '{at_page}'.",
        (
            "Tampilkan pesan di samping isian pada halaman '{page}': {allowed}.",
            "Show the message beside a field on page '{page}': {allowed}.",
        ),
    ),
    "reserved-role": _c(
        E,
        "Nama peran 'applicant' sudah dipakai untuk pemohon.",
        "The role name 'applicant' is reserved for the citizen.",
        ("Pakai nama lain, misalnya 'petugas'.", "Use another name, e.g. 'petugas'."),
    ),
    "unknown-initial-state": _c(
        E,
        "Status awal '{value}' tidak ada di daftar status.",
        "Initial state '{value}' is not among the states.",
        ("{guess_id}Status yang ada: {allowed}.", "{guess_en}Declared states: {allowed}."),
    ),
    "initial-is-final": _c(
        E,
        "Status awal '{value}' tidak boleh status akhir.",
        "The initial state '{value}' cannot be final.",
        (
            "Mulai dari status seperti 'diajukan' yang punya transisi keluar.",
            "Start from a state such as 'diajukan' that has transitions out.",
        ),
    ),
    "unknown-state": _c(
        E,
        "Status '{value}' tidak ada di daftar status.",
        "State '{value}' is not declared.",
        ("{guess_id}Status yang ada: {allowed}.", "{guess_en}Declared states: {allowed}."),
    ),
    "undeclared-role": _c(
        E,
        "Peran '{value}' belum dideklarasikan di 'roles'.",
        "Role '{value}' is not declared in 'roles'.",
        (
            "{guess_id}Tambahkan ke 'roles' atau pakai salah satu: {allowed}.",
            "{guess_en}Add it to 'roles' or use one of: {allowed}.",
        ),
    ),
    "escalate-unknown-role": _c(
        E,
        "Eskalasi status '{state}' ditujukan ke peran '{value}' yang belum dideklarasikan di 'roles'.",
        "The escalation of state '{state}' goes to role '{value}', which is not declared in 'roles'.",
        (
            "{guess_id}Tambahkan ke 'roles' atau pakai salah satu: {allowed}.",
            "{guess_en}Add it to 'roles' or use one of: {allowed}.",
        ),
    ),
    "escalate-without-sla": _c(
        E,
        "Status '{value}' punya eskalasi tetapi tidak punya batas waktu (sla_days) yang berjalan.",
        "State '{value}' has an escalation but no running time limit (sla_days).",
        (
            'Eskalasi dihitung dari batas waktu status: beri status ini "sla_days" lebih dari 0'
            ' (atau "sla"), atau hapus "escalate". Status akhir dan status perbaikan oleh pemohon'
            " tidak punya batas waktu.",
            'An escalation counts from the state\'s time limit: give this state "sla_days" above 0'
            ' (or "sla"), or remove "escalate". Final states and states where the applicant edits'
            " have no time limit.",
        ),
    ),
    "approvals-too-many": _c(
        E,
        "Aksi '{value}' meminta {required} persetujuan, tetapi hanya punya {roles} peran.",
        "Action '{value}' asks for {required} approvals but has only {roles} roles.",
        (
            'Setiap peran menyetujui satu kali: tambahkan peran ke "roles", atau turunkan'
            ' "required" (atau pakai "all").',
            'Each role approves once: add roles to "roles", or lower "required" (or use "all").',
        ),
    ),
    "approvals-applicant": _c(
        E,
        "Aksi '{value}' adalah persetujuan bersama, tetapi pemohon ada di 'roles'.",
        "Action '{value}' is a joint approval, but the applicant is in its 'roles'.",
        (
            "Persetujuan bersama hanya untuk petugas: hapus 'applicant' dari 'roles'.",
            "A joint approval is for officers only: remove 'applicant' from 'roles'.",
        ),
    ),
    "approvals-with-fields": _c(
        E,
        "Aksi '{value}' adalah persetujuan bersama dan tidak dapat meminta isian petugas.",
        "Action '{value}' is a joint approval and cannot ask for officer fields.",
        (
            "Minta isian itu pada aksi sebelumnya (misalnya pemeriksaan), atau hapus 'approvals'.",
            "Ask for those fields in an earlier action (e.g. the check), or remove 'approvals'.",
        ),
    ),
    "sla-twice": _c(
        E,
        'Status \'{value}\' punya dua batas waktu: "sla_days" dan "sla".',
        'State \'{value}\' has two time limits: "sla_days" and "sla".',
        (
            'Pakai salah satu: "sla_days" (hari kerja), atau "sla" dengan satu satuan:'
            ' "working_days", "calendar_days" atau "hours".',
            'Use one: "sla_days" (working days), or "sla" with one unit: "working_days",'
            ' "calendar_days" or "hours".',
        ),
    ),
    "unreachable-state": _c(
        E,
        "Status '{value}' tidak pernah dapat dicapai dari status awal.",
        "State '{value}' can never be reached from the initial state.",
        (
            "Tambahkan transisi menuju status ini atau hapus statusnya.",
            "Add a transition into this state or remove it.",
        ),
    ),
    "dead-end-state": _c(
        E,
        "Status '{value}' bukan status akhir tetapi tidak punya jalan keluar.",
        "State '{value}' is not final but has no way out.",
        (
            'Tambahkan transisi keluar, atau tandai sebagai status akhir dengan "final".',
            'Add a transition out, or mark it final with "final".',
        ),
    ),
    "final-state-exit": _c(
        E,
        "Status akhir '{value}' tidak boleh punya transisi keluar.",
        "Final state '{value}' cannot have a transition out.",
        (
            "Hapus transisi ini atau jadikan statusnya bukan akhir.",
            "Remove this transition or make the state non-final.",
        ),
    ),
    "no-final-state": _c(
        E,
        "Alur kerja belum punya status akhir.",
        "The workflow has no final state.",
        (
            'Tandai paling sedikit satu status dengan "final": "approved".',
            'Mark at least one state with "final": "approved".',
        ),
    ),
    "final-unreachable": _c(
        E,
        "Dari status '{value}' tidak ada jalan menuju status akhir.",
        "No final state can be reached from state '{value}'.",
        (
            "Tambahkan transisi yang akhirnya menuju status akhir.",
            "Add transitions that eventually lead to a final state.",
        ),
    ),
    "applicant-not-allowed": _c(
        E,
        "Di status '{value}' pemohon hanya dapat mengambil aksinya sendiri, tidak bersama peran petugas.",
        "In state '{value}' the applicant can only take an action of their own, not one shared with officer roles.",
        (
            'Tulis "roles": ["applicant"] untuk aksi pemohon, tandai status itu dengan "applicant_edits": true, atau hapus \'applicant\' dari peran transisi.',
            'Write "roles": ["applicant"] for an applicant action, mark that state "applicant_edits": true, or remove \'applicant\' from the transition\'s roles.',
        ),
    ),
    "applicant-fields-misplaced": _c(
        E,
        "Aksi '{value}' bukan aksi pemohon, jadi tidak dapat memakai 'applicant_fields' atau 'confirm'.",
        "Action '{value}' is not an applicant action, so it cannot take 'applicant_fields' or 'confirm'.",
        (
            'Aksi pemohon berperan ["applicant"] saja dan keluar dari status tanpa "applicant_edits". Ubah perannya, atau hapus kunci ini.',
            'An applicant action has the roles ["applicant"] only and leaves states without "applicant_edits". Change its roles, or remove this key.',
        ),
    ),
    "applicant-field-unknown": _c(
        E,
        "Aksi '{action}' meminta kolom '{value}' yang tidak ada di formulir.",
        "Action '{action}' asks for field '{value}', which is not in the form.",
        (
            "{guess_id}Pakai kunci kolom formulir (bukan kolom petugas).",
            "{guess_en}Use the key of a form field (not an officer field).",
        ),
    ),
    "applicant-field-unfit": _c(
        E,
        "Kolom '{value}' ({kind}) tidak dapat dikirim lewat aksi pemohon.",
        "Field '{value}' ({kind}) cannot be sent with an applicant action.",
        (
            "Pakai kolom formulir di luar kelompok yang berisi jawaban (bukan notice, declaration atau group).",
            "Use a form field outside a group that holds an answer (not a notice, declaration or group).",
        ),
    ),
    "follows-later-required": _c(
        E,
        "Berkas '{value}' boleh menyusul, jadi tidak dapat wajib diisi di formulir.",
        "File '{value}' may follow later, so the form cannot require it.",
        (
            'Hapus "required": true, atau hapus "follows_later".',
            'Remove "required": true, or remove "follows_later".',
        ),
    ),
    "follows-later-no-action": _c(
        E,
        "Berkas '{value}' boleh menyusul, tetapi tidak ada aksi pemohon yang memintanya.",
        "File '{value}' may follow later, but no applicant action asks for it.",
        (
            'Tambahkan transisi dengan "roles": ["applicant"] dan "applicant_fields": ["{value}"] dari status tempat permohonan menunggu (hanya kolom di luar kelompok).',
            'Add a transition with "roles": ["applicant"] and "applicant_fields": ["{value}"] from the state where the case waits (fields outside a group only).',
        ),
    ),
    "applicant-edits-final": _c(
        E,
        "Status akhir '{value}' tidak boleh membolehkan pemohon mengubah jawaban.",
        "Final state '{value}' cannot let the applicant edit.",
        (
            'Hapus "applicant_edits" dari status akhir ini.',
            'Remove "applicant_edits" from this final state.',
        ),
    ),
    "duplicate-action": _c(
        E,
        "Aksi '{value}' sudah ada dari status '{state}'.",
        "Action '{value}' already leaves state '{state}'.",
        (
            "Beri aksi nama lain atau gabungkan transisinya.",
            "Rename the action or merge the transitions.",
        ),
    ),
    "self-transition": _c(
        W,
        "Transisi '{value}' kembali ke status yang sama.",
        "Transition '{value}' returns to the same state.",
        (
            "Bila maksudnya mencatat sesuatu tanpa pindah status, ini boleh; bila tidak, perbaiki 'to'.",
            "If it records something without changing state, this is fine; otherwise fix 'to'.",
        ),
    ),
    "applicant-state-no-exit": _c(
        E,
        "Pemohon dapat memperbaiki di status '{value}' tetapi tidak ada transisi 'applicant' untuk mengirim ulang.",
        "The applicant may edit in state '{value}' but no 'applicant' transition lets them resubmit.",
        (
            'Tambahkan transisi dengan "roles": ["applicant"] dari status ini.',
            'Add a transition with "roles": ["applicant"] from this state.',
        ),
    ),
    "unused-role": _c(
        W,
        "Peran '{value}' tidak dipakai di transisi mana pun.",
        "Role '{value}' is not used by any transition.",
        (
            "Tambahkan peran ini ke transisi yang sesuai, atau hapus dari 'roles'.",
            "Add this role to the right transitions, or remove it from 'roles'.",
        ),
    ),
    "no-rejection-path": _c(
        W,
        'Tidak ada jalan menuju penolakan (status akhir "rejected").',
        'There is no path to a rejection (a "rejected" final state).',
        (
            "Permohonan yang tidak memenuhi syarat perlu dapat ditolak dengan alasan.",
            "Applications that do not qualify need a way to be rejected with a reason.",
        ),
    ),
    "no-send-back-path": _c(
        W,
        "Tidak ada jalan untuk mengembalikan permohonan ke pemohon untuk diperbaiki.",
        "There is no way to send an application back to the applicant for correction.",
        (
            'Tambahkan status dengan "applicant_edits": true.',
            'Add a state with "applicant_edits": true.',
        ),
    ),
    "sla-exceeds-duration": _c(
        W,
        "Jalur terpanjang butuh {total} hari kerja, melebihi janji {duration} hari kerja.",
        "The longest path takes {total:~working day|working days}, more than the promised {duration}.",
        (
            "Perpendek sla_days status atau naikkan standard.duration_days.",
            "Shorten the states' sla_days or raise standard.duration_days.",
        ),
    ),
    "nik-without-legal-basis": _c(
        W,
        "Formulir meminta NIK tetapi privacy.legal_basis belum diisi.",
        "The form asks for a NIK but privacy.legal_basis is not declared.",
        (
            "UU 27/2022 (Pelindungan Data Pribadi) mensyaratkan dasar pemrosesan data.",
            "Law 27/2022 on personal data protection requires a lawful basis.",
        ),
    ),
    # documents
    "document-unknown": _c(
        E,
        "Dokumen '{value}' tidak ada di 'documents'.",
        "Document '{value}' is not declared in 'documents'.",
        (
            "{guess_id}Dokumen yang ada: {allowed}.",
            "{guess_en}Declared documents: {allowed}.",
        ),
    ),
    "document-not-issued": _c(
        W,
        "Dokumen '{value}' tidak diterbitkan oleh transisi mana pun.",
        "Document '{value}' is not issued by any transition.",
        (
            'Tambahkan "issues": ["{value}"] pada transisi yang menerbitkannya, atau hapus dokumennya.',
            'Add "issues": ["{value}"] to the transition that issues it, or remove the document.',
        ),
    ),
    "document-issued-by-applicant": _c(
        E,
        "Transisi '{action}' yang dijalankan pemohon tidak dapat menerbitkan dokumen '{value}'.",
        "Transition '{action}', taken by the applicant, cannot issue document '{value}'.",
        (
            "Surat resmi diterbitkan petugas: pindahkan 'issues' ke transisi petugas.",
            "Official letters are issued by officers: move 'issues' to an officer's transition.",
        ),
    ),
    "document-bad-number": _c(
        E,
        "Pola nomor dokumen tidak sah: {detail_id}",
        "Invalid document number pattern: {detail_en}",
        (
            "Contoh pola yang sah: 470/{{seq:04}}/DUKCAPIL/{{month_roman}}/{{year}}.",
            "A valid pattern looks like 470/{{seq:04}}/DUKCAPIL/{{month_roman}}/{{year}}.",
        ),
    ),
    "document-duplicate-audience": _c(
        E,
        "'{value}' ditulis lebih dari sekali di visible_to.",
        "'{value}' is written more than once in visible_to.",
        ("Tulis setiap penerima sekali saja.", "Write each audience only once."),
    ),
    "document-bad-placeholder": _c(
        E,
        "Tempat isian tidak sah (karakter ke-{column}): {detail_id}",
        "Invalid placeholder (character {column}): {detail_en}",
        (
            "Tempat isian ditulis {{kunci}} atau {{kunci|filter}}; kurung kurawal biasa ditulis {{{{ dan }}}}.",
            "Placeholders are written {{key}} or {{key|filter}}; literal braces are {{{{ and }}}}.",
        ),
    ),
    "document-unknown-key": _c(
        E,
        "Tempat isian {{{value}}} tidak merujuk field atau data apa pun.",
        "Placeholder {{{value}}} does not name any field or data.",
        (
            "{guess_id}Pakai kunci field formulir atau field petugas, atau nama seperti"
            " {{case.reference}}; daftar lengkapnya di schemas/README.md.",
            "{guess_en}Use the key of a form field or an officer's field, or a name such as"
            " {{case.reference}}; the full list is in schemas/README.md.",
        ),
    ),
    "document-unknown-name": _c(
        E,
        "Tempat isian {{{value}}} tidak dikenal di '{namespace}'.",
        "Placeholder {{{value}}} is not known under '{namespace}'.",
        ("{guess_id}Yang ada: {allowed}.", "{guess_en}Known ones: {allowed}."),
    ),
    "document-unknown-filter": _c(
        E,
        "Filter '{value}' pada {{{key}}} tidak dikenal.",
        "Filter '{value}' on {{{key}}} is unknown.",
        ("{guess_id}Filter yang ada: {allowed}.", "{guess_en}Known filters: {allowed}."),
    ),
    "document-file-as-text": _c(
        E,
        "Field '{value}' berisi berkas dan tidak dapat dicetak sebagai teks.",
        "Field '{value}' holds a file and cannot be printed as text.",
        (
            "Hapus tempat isian ini; berkas dilampirkan pada permohonan, tidak dicetak di surat.",
            "Remove this placeholder; files stay with the application and are not printed.",
        ),
    ),
    "document-not-printable": _c(
        E,
        "Field '{value}' ({type}) tidak dapat dicetak di dokumen: {reason_id}.",
        "Field '{value}' ({type}) cannot be printed on a document: {reason_en}.",
        (
            "Rujuk field yang berisi satu jawaban, misalnya teks, tanggal, angka atau pilihan.",
            "Refer to a field holding one answer, such as a text, date, number or choice.",
        ),
    ),
    "document-terbilang-not-number": _c(
        E,
        "Filter terbilang hanya untuk angka, sedangkan {{{value}}} berjenis {type}.",
        "The terbilang filter is for numbers only, but {{{value}}} is of type {type}.",
        (
            "Hapus |terbilang, atau rujuk field berjenis number.",
            "Remove |terbilang, or refer to a field of type number.",
        ),
    ),
    "document-field-may-be-hidden": _c(
        E,
        "Field '{value}' dapat tersembunyi oleh syarat tampil ({condition}), sehingga"
        " tempat isiannya bisa kosong.",
        "Field '{value}' may be hidden by a condition ({condition}), so its placeholder may"
        " be empty.",
        (
            "Tulis teks pengganti, misalnya {{{value}|default:-}}.",
            "Write a fallback text, e.g. {{{value}|default:-}}.",
        ),
    ),
    "document-field-optional": _c(
        E,
        "Field '{value}' tidak wajib diisi, sehingga tempat isiannya bisa kosong.",
        "Field '{value}' is not required, so its placeholder may be empty.",
        (
            'Tulis teks pengganti, misalnya {{{value}|default:-}}, atau jadikan field wajib ("required": true).',
            'Write a fallback text, e.g. {{{value}|default:-}}, or make the field required ("required": true).',
        ),
    ),
    "document-officer-field-not-taken": _c(
        E,
        "Field petugas '{value}' diisi pada transisi '{owner}', yang tidak selalu dilalui"
        " sebelum transisi '{action}' menerbitkan dokumen ini.",
        "Officer field '{value}' is filled in on transition '{owner}', which is not always"
        " taken before transition '{action}' issues this document.",
        (
            "Pindahkan field itu ke transisi yang menerbitkan dokumen, atau tulis teks pengganti,"
            " misalnya {{{value}|default:-}}.",
            "Move the field to the transition that issues the document, or write a fallback"
            " text, e.g. {{{value}|default:-}}.",
        ),
    ),
    # notifications
    "notification-no-contact": _c(
        E,
        "'notifications' tidak menyebut field kontak pemohon: 'email' maupun 'phone'.",
        "'notifications' names no contact field of the applicant: neither 'email' nor 'phone'.",
        (
            'Tambahkan "email": "<key field email>" dan/atau "phone": "<key field telepon>".',
            'Add "email": "<key of an email field>" and/or "phone": "<key of a phone field>".',
        ),
    ),
    "notification-unknown-field": _c(
        E,
        "Field '{value}' ({role_id}) tidak ada di formulir.",
        "Field '{value}' ({role_en}) is not in the form.",
        (
            "{guess_id}Field yang dapat dipakai: {allowed}.",
            "{guess_en}Fields that can be used: {allowed}.",
        ),
    ),
    "notification-field-in-group": _c(
        E,
        "Field '{value}' ({role_id}) berada di dalam grup '{group}'; yang dipakai harus satu"
        " jawaban di tingkat atas formulir.",
        "Field '{value}' ({role_en}) is inside group '{group}'; it must be one answer at the top"
        " level of the form.",
        (
            "Pindahkan field itu keluar dari grup, langsung ke halaman.",
            "Move the field out of the group, directly onto the page.",
        ),
    ),
    "notification-wrong-type": _c(
        E,
        "Field '{value}' bertipe {type}; untuk {role_id} diperlukan field bertipe {expected}.",
        "Field '{value}' is of type {type}; {role_en} needs a field of type {expected}.",
        (
            "Sebutkan field bertipe {expected}, atau ubah tipe field '{value}'.",
            "Name a field of type {expected}, or change the type of field '{value}'.",
        ),
    ),
    "notification-bad-placeholder": _c(
        E,
        "Tanda kurung kurawal '{value}' tidak membentuk isian yang benar.",
        "The brace '{value}' does not form a valid placeholder.",
        (
            "Tulis isian sebagai {{reference}}; untuk tanda kurung kurawal biasa tulis {{{{ atau"
            " }}}}.",
            "Write a placeholder as {{reference}}; for a literal brace write {{{{ or }}}}.",
        ),
    ),
    "notification-unknown-placeholder": _c(
        E,
        "Isian '{{{value}}}' tidak dikenal dalam pesan '{event}'.",
        "Placeholder '{{{value}}}' is not known in the '{event}' message.",
        (
            "{guess_id}Isian yang dapat dipakai: {allowed}.",
            "{guess_en}Placeholders that can be used: {allowed}.",
        ),
    ),
    "notification-sms-too-long": _c(
        W,
        "Dengan nilai yang lazim, pesan '{event}' ({lang}) sepanjang {length} karakter {encoding};"
        " satu SMS memuat {limit}.",
        "With typical values, the '{event}' message ({lang}) is {length} {encoding} characters"
        " long; one SMS holds {limit}.",
        (
            "Singkatkan teksnya di notifications.messages.{event}; huruf di luar GSM-7 (mis."
            " emoji) membatasi SMS menjadi 70 karakter.",
            "Shorten its text in notifications.messages.{event}; letters outside GSM-7 (e.g."
            " emoji) limit an SMS to 70 characters.",
        ),
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem in a definition, located by a JSON pointer."""

    pointer: str
    code: str
    severity: Severity
    message: Message
    hint: Message | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def text(self, lang: str = "id") -> str:
        """The message in `lang`."""
        return self.message.get(lang) or self.message["id"]

    def hint_text(self, lang: str = "id") -> str | None:
        """The hint in `lang`, if there is one."""
        if self.hint is None:
            return None
        return self.hint.get(lang) or self.hint["id"]

    @property
    def excerpt(self) -> str | None:
        """For a problem in the JSON text: the line and a caret under the place, else None."""
        value = self.params.get("excerpt")
        return value if isinstance(value, str) else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        found: dict[str, Any] = {
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity,
            "message": dict(self.message),
            "hint": dict(self.hint) if self.hint else None,
        }
        if self.excerpt is not None:
            found["excerpt"] = self.excerpt
        return found


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def problem(code: str, pointer: str, **params: Any) -> Problem:
    """Create a problem from the catalogue, filling the message parameters."""
    entry = CODES[code]
    values = _Defaults(params)
    message = {lang: fill(text, values) for lang, text in entry.message.items()}
    hint = {lang: fill(text, values) for lang, text in entry.hint.items()} if entry.hint else None
    return Problem(pointer, code, entry.severity, message, hint, dict(params))


def did_you_mean(value: Any, candidates: Iterable[str]) -> dict[str, str]:
    """The `guess_id` / `guess_en` parameters of a hint: the nearest known name, if any is near."""
    close = nearest(value, candidates)
    if close is None:
        return {"guess_id": "", "guess_en": ""}
    return {"guess_id": f"Maksud Anda '{close}'? ", "guess_en": f"Did you mean '{close}'? "}


def nearest(value: Any, candidates: Iterable[str]) -> str | None:
    """The known name nearest to `value`, or None when none is near."""
    if not isinstance(value, str):
        return None
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings; in the order found (document order) within each."""
    return sorted(problems, key=lambda p: p.severity != "error")


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error."""
    return any(p.severity == "error" for p in problems)


_COUNTED = re.compile(r"\{([a-z_]+):~([^|}]*)\|([^}]*)\}")


def catalogue_markdown() -> str:
    """docs/problems.md: every code with its severity and messages (`python -m builder.problems`)."""
    lines = [
        "# Problem codes",
        "",
        "Every problem `loket validate` reports has a stable code. Tools and the studio key on these",
        "codes; messages may be reworded, codes do not change. Severity `error` blocks building and",
        "publishing; `warning` is shown but does not block. Generated by `python -m builder.problems`.",
        "",
        "| code | severity | message (Bahasa Indonesia) | message (English) |",
        "|---|---|---|---|",
    ]
    for code, entry in CODES.items():
        cells = [entry.message["id"], entry.message["en"]]
        cells = [_COUNTED.sub(r"{\1} \3", c) for c in cells]
        cells = [c.replace("|", "\\|").replace("{{", "{").replace("}}", "}") for c in cells]
        lines.append(f"| `{code}` | {entry.severity} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(catalogue_markdown(), end="")
