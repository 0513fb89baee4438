"""The studio's edits of applicant actions (language 1.1): what the citizen fills in
(`applicant_fields`), the statement they tick (`confirm`), and a file that may follow later
(`follows_later`). One edit each, a new dict, exact results, the input untouched, refusals
change nothing, the validator's problems at their pointers, and the review diff names them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder import edit, edit_flow
from builder.canonical import canonical_bytes
from builder.diff import diff
from builder.validate import validate
from builder.workflow_checks import applicant_field_choices

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
FAMILY: dict[str, Any] = json.loads(
    (EXAMPLES / "perubahan-kartu-keluarga.json").read_text(encoding="utf-8")
)
SEND = 0  # kirim_kk_lama: the applicant sends the old family card while the case is verified
CHECK = 1  # verifikasi_lengkap: an officer's transition
KK_LAMA = "/form/pages/3/fields/1"
STATEMENT = (
    "Saya menyatakan berkas ini pindaian KK lama yang asli.",
    "I declare that this file is a scan of the original old family card.",
)
ANGGOTA_FILE = "/form/pages/2/fields/1/fields/4"


def _codes(definition: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer or "", p.code) for p in validate(definition)]


def _moves(definition: dict[str, Any]) -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = definition["workflow"]["transitions"]
    return moves


def _bare() -> dict[str, Any]:
    """The family card without what the studio now edits."""
    bare = copy.deepcopy(FAMILY)
    del _moves(bare)[SEND]["applicant_fields"], _moves(bare)[SEND]["confirm"]
    del bare["form"]["pages"][3]["fields"][1]["follows_later"]
    return bare


def test_the_family_cards_action_written_through_the_edits_is_the_example() -> None:
    bare = _bare()
    kept = copy.deepcopy(bare)
    made = edit.update_field(bare, KK_LAMA, {"follows_later": "on"})
    made = edit_flow.set_applicant_action(
        made,
        SEND,
        {
            "applicant_fields": "kk_lama",
            "confirm.id": STATEMENT[0],
            "confirm.en": STATEMENT[1],
        },
    )
    assert canonical_bytes(made) == canonical_bytes(FAMILY)  # the JSON a version is known by
    assert bare == kept, "the input is untouched"
    assert not [c for c in _codes(made) if c[1].startswith(("applicant-", "follows-"))]


def test_the_unchanged_form_of_every_examples_transition_changes_nothing() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        for index, move in enumerate(_moves(definition)):
            values = edit_flow.applicant_action_values(move)
            assert edit_flow.set_applicant_action(definition, index, values) == definition, (
                path.name,
                index,
            )


def test_the_values_of_the_examples_action() -> None:
    assert edit_flow.applicant_action_values(_moves(FAMILY)[SEND]) == {
        "applicant_fields": "kk_lama",
        "confirm.id": STATEMENT[0],
        "confirm.en": STATEMENT[1],
    }
    assert edit_flow.applicant_action_values(_moves(FAMILY)[CHECK]) == {
        "applicant_fields": "",
        "confirm.id": "",
        "confirm.en": "",
    }


def test_chosen_fields_keep_their_order_and_new_ones_follow() -> None:
    made = edit_flow.set_applicant_action(
        FAMILY, SEND, {"applicant_fields": "telepon\nkk_lama\nemail\nkk_lama"}
    )
    assert _moves(made)[SEND]["applicant_fields"] == ["kk_lama", "telepon", "email"]
    again = edit_flow.set_applicant_action(made, SEND, {"applicant_fields": "email\ntelepon"})
    assert _moves(again)[SEND]["applicant_fields"] == ["telepon", "email"]


def test_nothing_chosen_and_an_empty_statement_remove_the_keys() -> None:
    made = edit_flow.set_applicant_action(
        FAMILY, SEND, {"applicant_fields": "", "confirm.id": " ", "confirm.en": ""}
    )
    assert "applicant_fields" not in _moves(made)[SEND]
    assert "confirm" not in _moves(made)[SEND]
    # the file that may follow later now has no action asking for it
    assert (f"{KK_LAMA}/follows_later", "follows-later-no-action") in _codes(made)


def test_a_statement_in_indonesian_only_is_a_plain_text() -> None:
    made = edit_flow.set_applicant_action(FAMILY, SEND, {"confirm.id": "Saya setuju."})
    assert _moves(made)[SEND]["confirm"] == "Saya setuju."
    assert _moves(made)[SEND]["applicant_fields"] == ["kk_lama"], "absent names stay as they are"


@pytest.mark.parametrize(
    ("index", "values", "words"),
    [
        (SEND, {"applicant_fields": "kk_lama\nBukan Kunci!"}, "huruf kecil"),
        (SEND, {"confirm.id": "", "confirm.en": "Only English."}, "Bahasa Indonesia"),
        (99, {"applicant_fields": "kk_lama"}, "Transisi 99"),
    ],
)
def test_what_cannot_be_written_is_refused(index: int, values: dict[str, str], words: str) -> None:
    kept = copy.deepcopy(FAMILY)
    with pytest.raises(edit.EditError) as refused:
        edit_flow.set_applicant_action(FAMILY, index, values)
    assert words in refused.value.text("id")
    assert refused.value.text("en") and refused.value.text("en") != refused.value.text("id")
    assert kept == FAMILY


def test_the_validator_reports_unfit_unknown_and_misplaced_fields_at_their_pointers() -> None:
    made = edit_flow.set_applicant_action(
        FAMILY, SEND, {"applicant_fields": "kk_lama\nanggota\nnik_anggota\nperingatan\ntak_ada"}
    )
    found = _codes(made)
    at = "/workflow/transitions/0/applicant_fields"
    assert (f"{at}/1", "applicant-field-unfit") in found  # a group
    assert (f"{at}/2", "applicant-field-unfit") in found  # a field inside the group
    assert (f"{at}/3", "applicant-field-unfit") in found  # a notice
    assert (f"{at}/4", "applicant-field-unknown") in found
    assert not [c for c in found if c[0] == f"{at}/0"]
    officer = edit_flow.set_applicant_action(FAMILY, CHECK, {"applicant_fields": "telepon"})
    assert ("/workflow/transitions/1/applicant_fields", "applicant-fields-misplaced") in _codes(
        officer
    )
    stated = edit_flow.set_applicant_action(FAMILY, CHECK, {"confirm.id": "Saya setuju."})
    assert ("/workflow/transitions/1/confirm", "applicant-fields-misplaced") in _codes(stated)


def test_the_fields_offered_are_the_ones_the_validator_accepts() -> None:
    offered = [ref.key for ref in applicant_field_choices(FAMILY)]
    assert "kk_lama" in offered and "telepon" in offered
    for unfit in ("anggota", "nik_anggota", "dokumen_anggota", "peringatan", "pernyataan_benar"):
        assert unfit not in offered
    every = edit_flow.set_applicant_action(FAMILY, SEND, {"applicant_fields": "\n".join(offered)})
    assert not [c for c in _codes(every) if c[1].startswith("applicant-field")]


# -- a file that may follow later ----------------------------------------------------------------


def test_follows_later_is_a_property_of_a_forms_file_outside_a_group() -> None:
    assert "follows_later" in edit.field_properties("file")
    assert "follows_later" not in edit.field_properties("file", in_group=True)
    assert "follows_later" not in edit.field_properties("file", officer=True)
    assert "follows_later" not in edit.field_properties("text")


def test_tick_and_untick_follows_later() -> None:
    off = edit.update_field(FAMILY, KK_LAMA, {"follows_later": ""})
    assert "follows_later" not in off["form"]["pages"][3]["fields"][1]
    on = edit.update_field(off, KK_LAMA, {"follows_later": "on"})
    assert on == FAMILY
    both = edit.update_field(FAMILY, KK_LAMA, {"required": "ya"})
    assert (f"{KK_LAMA}/required", "follows-later-required") in _codes(both)
    inside = edit.update_field(FAMILY, ANGGOTA_FILE, {"follows_later": "on"})
    assert (f"{ANGGOTA_FILE}/follows_later", "follows-later-no-action") in _codes(inside)


def test_changing_the_type_drops_follows_later() -> None:
    made = edit.set_field_type(FAMILY, KK_LAMA, "text")
    assert "follows_later" not in made["form"]["pages"][3]["fields"][1]


# -- the review diff -----------------------------------------------------------------------------


def test_the_review_diff_names_the_changes() -> None:
    changed = edit_flow.set_applicant_action(
        FAMILY,
        SEND,
        {"applicant_fields": "kk_lama\ntelepon", "confirm.id": "Benar.", "confirm.en": ""},
    )
    changed = edit.update_field(changed, KK_LAMA, {"follows_later": ""})
    found = {c.pointer: c.text("en") for c in diff(FAMILY, changed)}
    assert "what the applicant fills in" in found["/workflow/transitions/0/applicant_fields"]
    assert "telepon" in found["/workflow/transitions/0/applicant_fields"]
    assert "“Benar.”" in found["/workflow/transitions/0/confirm"]
    assert "may follow later" in found[f"{KK_LAMA}/follows_later"]


def test_the_file_types_keep_the_authors_order_when_the_form_posts_them_in_its_own() -> None:
    # the studio's boxes post the types in their own order: the same types change nothing
    same = edit.update_field(FAMILY, KK_LAMA, {"accept": "application/pdf\nimage/jpeg\nimage/png"})
    assert same == FAMILY
    assert same["form"]["pages"][3]["fields"][1]["accept"] == [
        "image/jpeg",
        "image/png",
        "application/pdf",
    ]
    fewer = edit.update_field(FAMILY, KK_LAMA, {"accept": "application/pdf\nimage/webp\nimage/png"})
    assert fewer["form"]["pages"][3]["fields"][1]["accept"] == [
        "image/png",
        "application/pdf",
        "image/webp",
    ]
