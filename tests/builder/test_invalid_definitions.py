"""Invalid definitions: each case is one mutation of the valid definition and the exact problems.

Every case lists ALL the problems reported (pointer and code, in the order reported), so a
check that fires at the wrong place, fires twice or drags in unrelated problems fails the test.
"""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from builder_testing import Change, case, delete, drop, mutate, problems_of, put, steps

from builder.problems import CODES, Problem, has_errors
from builder.validate import is_valid, validate

P0 = "/form/pages/0/fields"  # nik, nama, tanggal_lahir, jenis_kelamin, jumlah_anak, telepon, email
P1 = "/form/pages/1/fields"  # alasan, alasan_lain, kebutuhan, rt, punya_tanggungan, tanggungan
P2 = "/form/pages/2/fields"  # info (notice), ktp (file), setuju (declaration)
GROUP = P1 + "/5/fields"  # nama_tanggungan, hubungan, hubungan_lain (visible if hubungan=lainnya)
T = "/workflow/transitions"  # verifikasi, minta_perbaikan, kirim_ulang, setujui, tolak
S = "/workflow/states"  # diajukan, perlu_perbaikan, diverifikasi, selesai (final), ditolak (final)


TEXT_FIELD = {"key": "pekerjaan", "type": "text", "label": "Pekerjaan"}

STRUCTURAL = [
    # missing-key
    case("missing-key-format", drop("/format"), ("/format", "missing-key")),
    case("missing-key-workflow", drop("/workflow"), ("/workflow", "missing-key")),
    case("missing-key-field-label", drop(P0 + "/1/label"), (P0 + "/1/label", "missing-key")),
    case("missing-key-field-type", drop(P0 + "/1/type"), (P0 + "/1/type", "missing-key")),
    case("missing-key-file-accept", drop(P2 + "/1/accept"), (P2 + "/1/accept", "missing-key")),
    case(
        "missing-key-state-label", drop(S + "/ditolak/label"), (S + "/ditolak/label", "missing-key")
    ),
    case("missing-key-transition-to", drop(T + "/0/to"), (T + "/0/to", "missing-key")),
    # unknown-key: the pointer names the unknown key itself
    case("unknown-key-top", put("/titel", "Surat"), ("/titel", "unknown-key")),
    case("unknown-key-field", put(P0 + "/1/maxlength", 5), (P0 + "/1/maxlength", "unknown-key")),
    case(
        "unknown-key-not-for-this-type",
        put(P0 + "/5/max_length", 20),
        (P0 + "/5/max_length", "unknown-key"),
    ),
    case("unknown-key-group-child", put(GROUP + "/0/rows", 3), (GROUP + "/0/rows", "unknown-key")),
    case(
        "unknown-key-state",
        put(S + "/diajukan/sla_hours", 1),
        (S + "/diajukan/sla_hours", "unknown-key"),
    ),
    case("unknown-key-language", put("/title/fr", "Lettre"), ("/title/fr", "unknown-key")),
    case(
        "unknown-key-condition-operator",
        put(P1 + "/1/visible_if", {"field": "alasan", "like": "lain"}),
        (P1 + "/1/visible_if/like", "unknown-key"),
    ),
    case(
        "unknown-key-beside-all",
        put(P1 + "/1/visible_if", {"all": [{"field": "alasan", "equals": "lainnya"}], "x": 1}),
        (P1 + "/1/visible_if/x", "unknown-key"),
    ),
    # wrong-type
    case(
        "wrong-type-duration-string",
        put("/standard/duration_days", "3"),
        ("/standard/duration_days", "wrong-type"),
    ),
    case("wrong-type-required", put(P0 + "/0/required", "ya"), (P0 + "/0/required", "wrong-type")),
    case("wrong-type-pages", put("/form/pages", {}), ("/form/pages", "wrong-type")),
    case(
        "wrong-type-condition-in",
        put(P1 + "/1/visible_if", {"field": "alasan", "in": "lainnya"}),
        (P1 + "/1/visible_if/in", "wrong-type"),
    ),
    case("wrong-type-roles", put("/roles", ["petugas"]), ("/roles", "wrong-type")),
    # bad-value
    case("bad-value-comment", put(T + "/1/comment", "wajib"), (T + "/1/comment", "bad-value")),
    case(
        "bad-value-final", put(S + "/ditolak/final", "denied"), (S + "/ditolak/final", "bad-value")
    ),
    case("bad-value-display", put(P1 + "/0/display", "dropdown"), (P1 + "/0/display", "bad-value")),
    # unknown-field-type
    case(
        "unknown-field-type",
        put(P0 + "/1/type", "string"),
        (P0 + "/1/type", "unknown-field-type"),
    ),
    case(
        "unknown-field-type-in-group",
        put(GROUP + "/0/type", "varchar"),
        (GROUP + "/0/type", "unknown-field-type"),
    ),
    # wrong-format-version
    case(
        "wrong-format-version",
        put("/format", "loket/service@2"),
        ("/format", "wrong-format-version"),
    ),
    # bad-identifier: slugs, keys, and names used as object keys (roles, states)
    case("bad-identifier-id", put("/id", "Surat_Uji"), ("/id", "bad-identifier")),
    case("bad-identifier-agency", put("/agency", "dinas uji"), ("/agency", "bad-identifier")),
    case("bad-identifier-field-key", put(P0 + "/1/key", "Nama"), (P0 + "/1/key", "bad-identifier")),
    case(
        "bad-identifier-page-id",
        put("/form/pages/2/id", "2dok"),
        ("/form/pages/2/id", "bad-identifier"),
    ),
    case(
        "bad-identifier-role-name", put("/roles/Lurah", "Lurah"), ("/roles/Lurah", "bad-identifier")
    ),
    case(
        "bad-identifier-state-name",
        put(S + "/Arsip", {"label": "Arsip", "final": "withdrawn"}),
        (S + "/Arsip", "bad-identifier"),
    ),
    case(
        "bad-identifier-pointer-is-escaped",
        put("/roles/kasi~1kabid", "Kasi/Kabid"),
        ("/roles/kasi~1kabid", "bad-identifier"),
    ),
    # bad-text
    case("bad-text-number", put("/title", 5), ("/title", "bad-text")),
    case("bad-text-list", put("/summary", ["Layanan"]), ("/summary", "bad-text")),
    case(
        "bad-text-option-label",
        put(P1 + "/0/options/0/label", True),
        (P1 + "/0/options/0/label", "bad-text"),
    ),
    # bad-date-bound
    case("bad-date-bound-word", put(P0 + "/2/max", "kemarin"), (P0 + "/2/max", "bad-date-bound")),
    case(
        "bad-date-bound-format", put(P0 + "/2/min", "01-01-1900"), (P0 + "/2/min", "bad-date-bound")
    ),
    # too-small
    case(
        "too-small-duration",
        put("/standard/duration_days", 0),
        ("/standard/duration_days", "too-small"),
    ),
    case("too-small-max-mb", put(P2 + "/1/max_mb", 0), (P2 + "/1/max_mb", "too-small")),
    case("too-small-rows", put(P1 + "/1/rows", 1), (P1 + "/1/rows", "too-small")),
    # bad-condition
    case(
        "bad-condition-two-operators",
        put(P1 + "/1/visible_if", {"field": "alasan", "equals": "lainnya", "in": ["kerja"]}),
        (P1 + "/1/visible_if", "bad-condition"),
    ),
    case(
        "bad-condition-no-operator",
        put(P1 + "/1/visible_if", {"field": "alasan"}),
        (P1 + "/1/visible_if", "bad-condition"),
    ),
    case(
        "bad-condition-unknown-shape",
        put(P1 + "/1/visible_if", {"when": "alasan"}),
        (P1 + "/1/visible_if", "bad-condition"),
    ),
    case(
        "bad-condition-inside-all",
        put(P1 + "/1/visible_if", {"all": [{"field": "alasan", "equals": "a", "in": ["b"]}]}),
        (P1 + "/1/visible_if/all/0", "bad-condition"),
    ),
    case(
        "bad-condition-inside-not",
        put(P1 + "/1/visible_if", {"not": {"field": "alasan"}}),
        (P1 + "/1/visible_if/not", "bad-condition"),
    ),
    # bad-state-list
    case("bad-state-list-number", put(T + "/0/from", 5), (T + "/0/from", "bad-state-list")),
    case("bad-state-list-empty", put(T + "/0/from", []), (T + "/0/from", "bad-state-list")),
    # too-few-items
    case("too-few-items-pages", put("/form/pages", []), ("/form/pages", "too-few-items")),
    case(
        "too-few-items-fields",
        put("/form/pages/2/fields", []),
        ("/form/pages/2/fields", "too-few-items"),
    ),
    case("too-few-items-states", put(S, {"diajukan": {"label": "Diajukan"}}), (S, "too-few-items")),
    case("too-few-items-roles", put(T + "/0/roles", []), (T + "/0/roles", "too-few-items")),
    case("too-few-items-transitions", put(T, []), (T, "too-few-items")),
]

FORM = [
    case(
        "duplicate-page-id",
        put("/form/pages/1/id", "pemohon"),
        ("/form/pages/1/id", "duplicate-page-id"),
    ),
    case(
        "duplicate-field-key-across-pages",
        put(P1 + "/3/key", "nama"),
        (P1 + "/3/key", "duplicate-field-key"),
    ),
    case(
        "duplicate-field-key-group-child-vs-page",
        put(GROUP + "/0/key", "nama"),
        (GROUP + "/0/key", "duplicate-field-key"),
    ),
    case(
        "duplicate-field-key-inside-group",
        put(GROUP + "/-", {**TEXT_FIELD, "key": "nama_tanggungan"}),
        (GROUP + "/3/key", "duplicate-field-key"),
    ),
    case("no-options-choice", put(P1 + "/2/options", []), (P1 + "/2/options", "no-options")),
    case(
        "duplicate-option",
        put(P1 + "/2/options/2/value", "a"),
        (P1 + "/2/options/2/value", "duplicate-option"),
    ),
    case(
        "min-greater-than-max-number",
        put(P0 + "/4/min", 30),
        (P0 + "/4/min", "min-greater-than-max"),
    ),
    case(
        "min-greater-than-max-text-length",
        put(P0 + "/1/min_length", 200),
        (P0 + "/1/min_length", "min-greater-than-max"),
    ),
    case(
        "min-greater-than-max-textarea-length",
        put(P1 + "/1/min_length", 501),
        (P1 + "/1/min_length", "min-greater-than-max"),
    ),
    case(
        "max-length-zero", put(P0 + "/1/max_length", 0), (P0 + "/1/max_length", "max-length-zero")
    ),
    case(
        "max-length-zero-with-a-minimum",
        steps(put(P1 + "/1/max_length", 0), put(P1 + "/1/min_length", 5)),
        (P1 + "/1/max_length", "max-length-zero"),
    ),
    case(
        "min-length-over-default-max-text",
        steps(drop(P0 + "/1/max_length"), put(P0 + "/1/min_length", 201)),
        (P0 + "/1/min_length", "min-length-over-default-max"),
    ),
    case(
        "min-length-over-default-max-textarea",
        steps(drop(P1 + "/1/max_length"), put(P1 + "/1/min_length", 2001)),
        (P1 + "/1/min_length", "min-length-over-default-max"),
    ),
    case(
        "no-whole-number",
        steps(put(P0 + "/4/min", 0.2), put(P0 + "/4/max", 0.8)),
        (P0 + "/4/min", "no-whole-number"),
    ),
    case(
        "max-items-zero-group",
        steps(put(P1 + "/5/max_items", 0), put(P1 + "/5/required", True)),
        (P1 + "/5/max_items", "max-items-zero"),
    ),
    case(
        "max-items-zero-multichoice",
        put(P1 + "/2/max_items", 0),  # min_items is 1: the one problem is the zero
        (P1 + "/2/max_items", "max-items-zero"),
    ),
    case(
        "min-items-over-options",
        steps(put(P1 + "/2/min_items", 4), drop(P1 + "/2/max_items")),
        (P1 + "/2/min_items", "min-items-over-options"),
    ),
    case(
        "single-option",
        put(P0 + "/3/options", [{"value": "ya", "label": "Ya"}]),
        (P0 + "/3/options", "single-option"),
    ),
    case(
        "bad-contact-email",
        put("/standard/contact", {"email": "dinas at kota.go.id"}),
        ("/standard/contact/email", "bad-contact-email"),
    ),
    case(
        "bad-contact-phone",
        put("/standard/contact", {"phone": "telepon kantor"}),
        ("/standard/contact/phone", "bad-contact-phone"),
    ),
    case(
        "bad-contact-website",
        put("/standard/contact", {"website": "www.kota.go.id/layanan"}),
        ("/standard/contact/website", "bad-contact-website"),
    ),
    case("blank-text", put("/summary", "  \n "), ("/summary", "blank-text")),
    case("blank-text-english", put("/title/en", "   "), ("/title/en", "blank-text")),
    case(
        "blank-text-option-label",
        put(P0 + "/3/options/0/label", " "),
        (P0 + "/3/options/0/label", "blank-text"),
    ),
    case(
        "min-greater-than-max-dates",
        steps(put(P0 + "/2/min", "2020-01-02"), put(P0 + "/2/max", "2020-01-01")),
        (P0 + "/2/min", "min-greater-than-max"),
    ),
    case(
        "min-greater-than-max-relative-dates",
        put(P0 + "/2/min", "today"),
        (P0 + "/2/min", "min-greater-than-max"),
    ),
    case(
        "min-greater-than-max-multichoice-items",
        put(P1 + "/2/min_items", 3),
        (P1 + "/2/min_items", "min-greater-than-max"),
    ),
    case(
        "min-greater-than-max-group-items",
        put(P1 + "/5/min_items", 6),
        (P1 + "/5/min_items", "min-greater-than-max"),
    ),
    case("bad-regex", put(P1 + "/3/pattern", "[0-9"), (P1 + "/3/pattern", "bad-regex")),
    case(
        "regex-unsupported",
        put(P1 + "/3/pattern", "(?=[0-9]{3})[0-9]+"),
        (P1 + "/3/pattern", "regex-unsupported"),
    ),
    case(
        "file-type-not-allowed",
        put(P2 + "/1/accept/1", "application/zip"),
        (P2 + "/1/accept/1", "file-type-not-allowed"),
    ),
    case("file-too-large", put(P2 + "/1/max_mb", 50), (P2 + "/1/max_mb", "file-too-large")),
    case(
        "nested-group",
        put(
            GROUP + "/-",
            {"key": "sub", "type": "group", "label": "Sub", "fields": [TEXT_FIELD]},
        ),
        (GROUP + "/3/type", "nested-group"),
    ),
    case(
        "missing-indonesian-title",
        put("/title", {"en": "Test letter"}),
        ("/title", "missing-indonesian"),
    ),
    case(
        "missing-indonesian-field-label",
        put(P0 + "/1/label", {"en": "Full name"}),
        (P0 + "/1/label", "missing-indonesian"),
    ),
    case(
        "missing-indonesian-role",
        put("/roles/kepala", {"en": "Head"}),
        ("/roles/kepala", "missing-indonesian"),
    ),
    case(
        "missing-indonesian-requirement",
        put("/standard/requirements/1", {"en": "Family card"}),
        ("/standard/requirements/1", "missing-indonesian"),
    ),
    case(
        "missing-indonesian-option-label",
        put(P1 + "/0/options/1/label", {"en": "Other"}),
        (P1 + "/0/options/1/label", "missing-indonesian"),
    ),
]

CONDITIONS = [
    case(
        "condition-unknown-field",
        put(P1 + "/1/visible_if/field", "alasannya"),
        (P1 + "/1/visible_if/field", "condition-unknown-field"),
    ),
    case(
        "condition-unknown-field-in-guard",
        put(T + "/3/guard", {"field": "tidak_ada", "filled": True}),
        (T + "/3/guard/field", "condition-unknown-field"),
    ),
    case(
        "condition-self",
        put(P1 + "/1/visible_if/field", "alasan_lain"),
        (P1 + "/1/visible_if/field", "condition-self"),
    ),
    case(
        "condition-later-field",
        put(P0 + "/6/visible_if", {"field": "alasan", "equals": "kerja"}),
        (P0 + "/6/visible_if/field", "condition-later-field"),
    ),
    case(
        "condition-later-field-page-on-itself",
        put("/form/pages/1/visible_if", {"field": "alasan", "equals": "kerja"}),
        ("/form/pages/1/visible_if/field", "condition-later-field"),
    ),
    case(
        "condition-outside-group",
        put(GROUP + "/2/visible_if/field", "alasan"),
        (GROUP + "/2/visible_if/field", "condition-outside-group"),
    ),
    case(
        "condition-into-group",
        put(P1 + "/1/visible_if", {"field": "hubungan", "equals": "anak"}),
        (P1 + "/1/visible_if/field", "condition-into-group"),
    ),
    case(
        "condition-into-group-from-guard",
        put(T + "/3/guard", {"field": "hubungan", "filled": True}),
        (T + "/3/guard/field", "condition-into-group"),
    ),
    case(
        "condition-no-value",
        put(P2 + "/2/visible_if", {"field": "info", "filled": True}),
        (P2 + "/2/visible_if/field", "condition-no-value"),
    ),
    case(
        "condition-type-mismatch-gt-on-choice",
        put(P1 + "/1/visible_if", {"field": "alasan", "gt": 1}),
        (P1 + "/1/visible_if/gt", "condition-type-mismatch"),
    ),
    case(
        "condition-type-mismatch-equals-on-multichoice",
        put(P1 + "/3/visible_if", {"field": "kebutuhan", "equals": "a"}),
        (P1 + "/3/visible_if/equals", "condition-type-mismatch"),
    ),
    case(
        "condition-bad-value-unknown-option",
        put(P1 + "/1/visible_if/equals", "lain"),
        (P1 + "/1/visible_if/equals", "condition-bad-value"),
    ),
    case(
        "condition-bad-value-unknown-option-in-list",
        put(P1 + "/1/visible_if", {"field": "alasan", "in": ["kerja", "sekolah"]}),
        (P1 + "/1/visible_if/in", "condition-bad-value"),
    ),
    case(
        "condition-bad-value-string-vs-number",
        put(P1 + "/1/visible_if", {"field": "jumlah_anak", "gt": "2"}),
        (P1 + "/1/visible_if/gt", "condition-bad-value"),
    ),
    case(
        "condition-bad-value-string-vs-yesno",
        put(P1 + "/5/visible_if/equals", "ya"),
        (P1 + "/5/visible_if/equals", "condition-bad-value"),
    ),
    case(
        "condition-bad-value-not-a-date",
        put(P1 + "/1/visible_if", {"field": "tanggal_lahir", "lt": "kemarin"}),
        (P1 + "/1/visible_if/lt", "condition-bad-value"),
    ),
    case(
        "condition-bad-value-inside-any",
        put(
            P1 + "/1/visible_if",
            {
                "any": [
                    {"field": "alasan", "equals": "kerja"},
                    {"field": "jumlah_anak", "lt": "tiga"},
                ]
            },
        ),
        (P1 + "/1/visible_if/any/1/lt", "condition-bad-value"),
    ),
]

WORKFLOW = [
    case(
        "reserved-role", put("/roles/applicant", "Pemohon"), ("/roles/applicant", "reserved-role")
    ),
    case(
        "unknown-initial-state",
        put("/workflow/initial", "baru"),
        ("/workflow/initial", "unknown-initial-state"),
    ),
    case(
        "initial-is-final",
        put("/workflow/initial", "selesai"),
        ("/workflow/initial", "initial-is-final"),
        (S + "/diajukan", "unreachable-state"),
        (S + "/perlu_perbaikan", "unreachable-state"),
        (S + "/diverifikasi", "unreachable-state"),
        (S + "/ditolak", "unreachable-state"),
    ),
    case(
        "unknown-state-from",
        put(T + "/1/from/1", "baru"),
        (T + "/1/from/1", "unknown-state"),
    ),
    case(
        "unknown-state-from-string",
        put(T + "/0/from", "baru"),
        (T + "/0/from", "unknown-state"),  # no follow-on "unreachable" for what it leads to
    ),
    case(
        "unknown-state-to",
        put(T + "/0/to", "baru"),
        (T + "/0/to", "unknown-state"),
    ),
    case(
        "unknown-state-misspelt-still-shows-real-problems",
        steps(
            put(T + "/0/to", "diverfikasi"),
            put(S + "/arsip", {"label": "Arsip", "final": "withdrawn"}),
        ),
        (T + "/0/to", "unknown-state"),
        (S + "/arsip", "unreachable-state"),
    ),
    case(
        "unknown-state-only-transition-out",
        put(T + "/0/from", "diajuakn"),
        (T + "/0/from", "unknown-state"),  # meant 'diajukan': the exit is there
    ),
    case("undeclared-role", put(T + "/0/roles/0", "lurah"), (T + "/0/roles/0", "undeclared-role")),
    case(
        "unreachable-state",
        put(S + "/arsip", {"label": "Arsip", "final": "withdrawn"}),
        (S + "/arsip", "unreachable-state"),
    ),
    case(
        "dead-end-state",
        steps(
            put(S + "/ditunda", {"label": "Ditunda"}),
            put(
                T + "/-",
                {"action": "tunda", "from": "diajukan", "to": "ditunda", "roles": ["petugas"]},
            ),
        ),
        (S + "/ditunda", "dead-end-state"),
    ),
    case(
        "final-state-exit",
        put(T + "/-", {"action": "buka", "from": "ditolak", "to": "diajukan", "roles": ["kepala"]}),
        (T + "/5/from", "final-state-exit"),
    ),
    case(
        "no-final-state",
        steps(drop(S + "/selesai/final"), drop(S + "/ditolak/final")),
        (S, "no-final-state"),
        (S + "/selesai", "dead-end-state"),
        (S + "/ditolak", "dead-end-state"),
        (S, "no-rejection-path"),
    ),
    case(
        "final-unreachable",
        steps(
            put(S + "/antri", {"label": "Antri"}),
            put(S + "/tunggu", {"label": "Tunggu"}),
            put(
                T + "/-",
                {"action": "antrikan", "from": "diajukan", "to": "antri", "roles": ["petugas"]},
            ),
            put(
                T + "/-",
                {"action": "tunggu", "from": "antri", "to": "tunggu", "roles": ["petugas"]},
            ),
            put(
                T + "/-",
                {"action": "antrikan", "from": "tunggu", "to": "antri", "roles": ["petugas"]},
            ),
        ),
        (S + "/antri", "final-unreachable"),
        (S + "/tunggu", "final-unreachable"),
    ),
    case(
        "applicant-not-allowed",
        put(T + "/0/roles/-", "applicant"),
        (T + "/0/from", "applicant-not-allowed"),
    ),
    case(
        "applicant-edits-final",
        put(S + "/ditolak/applicant_edits", True),
        (S + "/ditolak/applicant_edits", "applicant-edits-final"),
    ),
    case(
        "duplicate-action",
        put(
            T + "/-",
            {"action": "verifikasi", "from": "diajukan", "to": "ditolak", "roles": ["petugas"]},
        ),
        (T + "/5/action", "duplicate-action"),
    ),
    case(
        "applicant-state-no-exit",
        put(T + "/2/roles", ["petugas"]),
        (S + "/perlu_perbaikan", "applicant-state-no-exit"),
    ),
]

INVALID = STRUCTURAL + FORM + CONDITIONS + WORKFLOW

WARNINGS = [
    case(
        "no-rejection-path",
        steps(drop(T + "/4"), drop(S + "/ditolak")),
        (S, "no-rejection-path"),
    ),
    case(
        "no-send-back-path",
        steps(drop(T + "/2"), drop(T + "/1"), drop(S + "/perlu_perbaikan")),
        (S, "no-send-back-path"),
    ),
    case(
        "sla-exceeds-duration",
        put("/standard/duration_days", 2),
        ("/standard/duration_days", "sla-exceeds-duration"),
    ),
    case(
        "sla-exceeds-duration-longer-state",
        put(S + "/diverifikasi/sla_days", 5),
        ("/standard/duration_days", "sla-exceeds-duration"),
    ),
    case(
        "nik-without-legal-basis",
        drop("/privacy/legal_basis"),
        (P0 + "/0/type", "nik-without-legal-basis"),
    ),
    case("unused-role", put("/roles/lurah", "Lurah"), ("/roles/lurah", "unused-role")),
    case(
        "pattern-without-message",
        drop(P1 + "/3/messages"),
        (P1 + "/3/pattern", "pattern-without-message"),
    ),
    case(
        "declaration-not-required",
        put(P2 + "/2/required", False),
        (P2 + "/2/required", "declaration-not-required"),
    ),
    case(
        "self-transition",
        put(
            T + "/-",
            {"action": "catat", "from": "diajukan", "to": "diajukan", "roles": ["petugas"]},
        ),
        (T + "/5/to", "self-transition"),
    ),
]

# The codes this suite must cover; the parametrized cases must exercise each one.
REQUIRED_ERRORS = {
    "missing-key", "unknown-key", "wrong-type", "bad-value", "unknown-field-type",
    "wrong-format-version", "bad-identifier", "bad-text", "bad-date-bound", "too-small",
    "bad-condition", "bad-state-list", "too-few-items", "duplicate-page-id",
    "duplicate-field-key", "no-options", "duplicate-option", "min-greater-than-max", "bad-regex",
    "regex-unsupported",
    "file-type-not-allowed", "file-too-large", "nested-group",
    "missing-indonesian", "condition-unknown-field", "condition-self", "condition-later-field",
    "condition-outside-group", "condition-into-group", "condition-no-value",
    "condition-type-mismatch", "condition-bad-value", "reserved-role", "unknown-initial-state",
    "initial-is-final", "unknown-state", "undeclared-role", "unreachable-state", "dead-end-state",
    "final-state-exit", "no-final-state", "final-unreachable", "applicant-not-allowed",
    "applicant-edits-final", "duplicate-action", "applicant-state-no-exit", "max-length-zero",
    "min-length-over-default-max", "no-whole-number", "max-items-zero", "min-items-over-options",
    "single-option", "bad-contact-email", "bad-contact-phone", "bad-contact-website",
    "blank-text",
}  # fmt: skip
REQUIRED_WARNINGS = {
    "no-rejection-path", "no-send-back-path", "sla-exceeds-duration", "nik-without-legal-basis",
    "unused-role", "pattern-without-message", "declaration-not-required",
}  # fmt: skip


def _assert_well_formed(problem: Problem) -> None:
    """A problem's code is catalogued, its severity matches, and both messages are filled in."""
    assert problem.code in CODES, problem.code
    entry = CODES[problem.code]
    assert problem.severity == entry.severity
    for lang in ("id", "en"):
        text = problem.message.get(lang)
        assert isinstance(text, str) and text.strip(), (problem.code, lang)
        assert not re.search(r"\{[a-z_]+\}", text), text  # no placeholder left unfilled
    # every parameter the message templates use was supplied (none fell back to "?")
    names = {
        name
        for template in entry.message.values()
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }
    assert names <= set(problem.params), (problem.code, names - set(problem.params))


def test_pointer_helpers(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, "/roles/kasi~1kabid", "Kasi")
    assert valid_definition["roles"]["kasi/kabid"] == "Kasi"
    mutate(valid_definition, T + "/-", {"action": "x"})
    assert valid_definition["workflow"]["transitions"][-1] == {"action": "x"}
    delete(valid_definition, T + "/0")
    assert valid_definition["workflow"]["transitions"][0]["action"] == "minta_perbaikan"
    with pytest.raises(ValueError):
        delete(valid_definition, "")


def test_the_valid_definition_has_no_problems(valid_definition: dict[str, Any]) -> None:
    assert problems_of(valid_definition) == []
    assert is_valid(valid_definition)


@pytest.mark.parametrize(("change", "expected"), INVALID)
def test_invalid_definition(
    valid_definition: dict[str, Any], change: Change, expected: list[tuple[str, str]]
) -> None:
    change(valid_definition)
    problems = validate(valid_definition)
    assert [(p.pointer, p.code) for p in problems] == expected
    assert has_errors(problems)  # what is_valid() decides on, without validating a second time
    assert problems[0].severity == "error"
    for item in problems:
        _assert_well_formed(item)


@pytest.mark.parametrize(("change", "expected"), WARNINGS)
def test_warning_only_definition(
    valid_definition: dict[str, Any], change: Change, expected: list[tuple[str, str]]
) -> None:
    change(valid_definition)
    problems = validate(valid_definition)
    assert [(p.pointer, p.code) for p in problems] == expected
    assert all(p.severity == "warning" for p in problems)
    assert is_valid(valid_definition)
    for item in problems:
        _assert_well_formed(item)


def _codes(cases: list[Any]) -> set[str]:
    return {code for param in cases for _, code in param.values[1]}


def test_the_cases_cover_every_required_code() -> None:
    assert len(INVALID) >= 45
    assert REQUIRED_ERRORS - _codes(INVALID) == set()
    assert REQUIRED_WARNINGS - _codes(WARNINGS) == set()
    for code in REQUIRED_ERRORS:
        assert CODES[code].severity == "error", code
    for code in REQUIRED_WARNINGS:
        assert CODES[code].severity == "warning", code


def test_every_catalogue_entry_has_both_languages() -> None:
    for code, entry in CODES.items():
        assert set(entry.message) == {"id", "en"}, code
        assert all(text.strip() for text in entry.message.values()), code
        assert entry.message["id"] != entry.message["en"], code
        if entry.hint is not None:
            assert set(entry.hint) == {"id", "en"}, code


def test_problem_messages_carry_their_parameters(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, "/workflow/initial", "baru")
    (found,) = validate(valid_definition)
    assert found.text("id") == "Status awal 'baru' tidak ada di daftar status."
    assert found.text("en") == "Initial state 'baru' is not among the states."
    assert found.hint_text("en") == (
        "Declared states: diajukan, perlu_perbaikan, diverifikasi, selesai, ditolak."
    )
    assert found.to_dict()["severity"] == "error"


def test_unknown_key_suggests_the_closest_allowed_key(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, P0 + "/1/maxlength", 5)
    (found,) = validate(valid_definition)
    assert found.hint_text("en") is not None
    assert found.hint_text("en").startswith("Did you mean 'max_length'? Allowed: autocomplete,")
    assert found.hint_text("id").startswith("Maksud Anda 'max_length'? Yang boleh: autocomplete,")


@pytest.mark.parametrize(
    ("change", "pointer", "guess"),
    [
        (put(T + "/0/to", "diverfikasi"), T + "/0/to", "diverifikasi"),
        (put("/workflow/initial", "diajuakn"), "/workflow/initial", "diajukan"),
        (put(T + "/0/roles/0", "ptugas"), T + "/0/roles/0", "petugas"),
        (put(P1 + "/1/visible_if/field", "alsan"), P1 + "/1/visible_if/field", "alasan"),
    ],
    ids=["state", "initial-state", "role", "condition-field"],
)
def test_unknown_names_suggest_the_nearest(
    valid_definition: dict[str, Any], change: Change, pointer: str, guess: str
) -> None:
    change(valid_definition)
    found = [p for p in validate(valid_definition) if p.pointer == pointer]
    assert len(found) == 1
    assert (found[0].hint_text("en") or "").startswith(f"Did you mean '{guess}'? ")
    assert (found[0].hint_text("id") or "").startswith(f"Maksud Anda '{guess}'? ")


def test_no_suggestion_when_nothing_is_near(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, T + "/0/roles/0", "bupati")
    (found,) = validate(valid_definition)
    assert found.hint_text("en") == "Add it to 'roles' or use one of: petugas, kepala."


def test_errors_come_before_warnings(valid_definition: dict[str, Any]) -> None:
    # the warning is found first (form checks run before workflow checks) but reported last
    delete(valid_definition, P1 + "/3/messages")
    mutate(valid_definition, T + "/0/roles/0", "camat")
    assert problems_of(valid_definition) == [
        (T + "/0/roles/0", "undeclared-role"),
        (P1 + "/3/pattern", "pattern-without-message"),
    ]
    assert [p.severity for p in validate(valid_definition)] == ["error", "warning"]


def test_semantic_checks_wait_for_a_sound_structure(valid_definition: dict[str, Any]) -> None:
    # a duplicate page id would be reported, but the structural error comes alone
    mutate(valid_definition, "/form/pages/1/id", "pemohon")
    mutate(valid_definition, "/standard/duration_days", "tiga")
    assert problems_of(valid_definition) == [("/standard/duration_days", "wrong-type")]


def test_cyclic_visibility_conditions_are_an_error(valid_definition: dict[str, Any]) -> None:
    mutate(valid_definition, P0 + "/5/visible_if", {"field": "email", "filled": False})
    mutate(valid_definition, P0 + "/6/visible_if", {"field": "telepon", "filled": False})
    assert not is_valid(valid_definition)


def test_structural_problems_are_in_document_order(valid_definition: dict[str, Any]) -> None:
    for index in range(10):
        mutate(valid_definition, P0 + "/-", {**TEXT_FIELD, "key": f"isian_{index}"})
    mutate(valid_definition, P0 + "/2/label", 5)
    mutate(valid_definition, P0 + "/10/label", 5)
    assert problems_of(valid_definition) == [
        (P0 + "/2/label", "bad-text"),
        (P0 + "/10/label", "bad-text"),
    ]
