"""No silent overwrite, no invalid JSON saved over a draft, access by role, escaped texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runtime.i18n import UI
from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, Studio, attr, parse

SLUG = DOMISILI["id"]
EDITOR = f"/studio/{AGENCY}/{SLUG}"
TEMPLATES = Path(__file__).resolve().parents[3] / "runtime" / "templates" / "studio"


def test_two_designers_never_overwrite_each_other(studio: Studio) -> None:
    first, second = studio.login("perancang"), studio.login("perancang.dua")
    first.open()
    second.open()
    assert first.hidden("row_version") == second.hidden("row_version")
    first.submit_ok(first.form("texts"), {"title.id": "Judul dari pertama"})
    stale = second.submit(second.form("texts"), {"title.id": "Judul dari kedua"})
    assert stale.status_code == 409
    doc = parse(stale)
    assert doc.css_first("#conflict") is not None
    assert attr(doc.css_first("#conflict a"), "href") == EDITOR
    assert studio.draft().definition["title"]["id"] == "Judul dari pertama"
    # after reloading, the second designer's edit goes through
    second.open()
    second.submit_ok(second.form("texts"), {"title.id": "Judul dari kedua"})
    assert studio.draft().definition["title"]["id"] == "Judul dari kedua"


def test_a_stale_submit_or_json_save_is_refused(studio: Studio) -> None:
    first, second = studio.login("perancang"), studio.login("perancang.dua")
    first.open()
    second.get(f"{EDITOR}/json")
    first.submit_ok(first.form("texts"), {"summary.id": "Ringkasan baru"})
    text = second.doc.css_first("textarea#definition").text(deep=True)
    stale = second.submit("main form", {"definition": text.replace("Surat", "Warkat")})
    assert stale.status_code == 409
    kept = parse(stale).css_first("textarea#kept")
    assert kept is not None and "Warkat" in kept.text(deep=True)  # the text is not lost
    assert studio.draft().definition["summary"]["id"] == "Ringkasan baru"
    second.open()
    first.submit_ok(first.form("texts"), {"summary.id": "Lagi"})
    assert second.submit("#s-submit form").status_code == 409
    assert studio.draft().state == "draft"


def test_the_json_tab_keeps_invalid_text_and_does_not_save_it(
    designer: Designer, studio: Studio
) -> None:
    designer.open()
    designer.get(f"{EDITOR}/json")
    before = studio.draft()
    broken = '{"format": "loket/service@1", "title": "Rusak",\n  "summary": }'
    response = designer.submit("main form", {"definition": broken})
    assert response.status_code == 422
    doc = parse(response)
    assert doc.css_first("textarea#definition").text(deep=True) == broken
    assert "json-syntax" in [c.text() for c in doc.css("#error-summary code")]
    assert doc.css_first("#error-summary .excerpt").text() == '  "summary": }\n             ^'
    assert "di sini seharusnya ada nilai" in doc.css_first("#error-summary").text()
    assert doc.css_first("button[name=anyway]") is None  # cannot be forced: it does not parse
    after = studio.draft()
    assert (after.row_version, after.definition) == (before.row_version, before.definition)


def test_the_json_tab_saves_a_definition_with_errors_only_when_asked(
    designer: Designer, studio: Studio
) -> None:
    designer.get(f"{EDITOR}/json")
    definition = json.loads(designer.doc.css_first("textarea#definition").text(deep=True))
    definition["format"] = "loket/service@2"
    definition["form"]["pages"][0]["fields"][1]["max_lenght"] = 10
    text = json.dumps(definition, indent=2)
    refused = designer.submit("main form", {"definition": text})
    assert refused.status_code == 422
    doc = parse(refused)
    assert doc.css_first("textarea#definition").text(deep=True) == text
    codes = [c.text() for c in doc.css("#error-summary code:not(.ptr)")]
    assert {"wrong-format-version", "unknown-key"} <= set(codes)
    assert studio.draft().definition["format"] == "loket/service@1"
    saved = designer.submit("main form", {"definition": text, "anyway": "1"})
    assert saved.status_code == 303
    assert studio.draft().definition["format"] == "loket/service@2"
    # the editor shows the problem without an item at the top, the other next to its field
    doc = parse(designer.get(EDITOR))
    assert "wrong-format-version" in [c.text() for c in doc.css("#s-problems .problems code")]
    field_codes = [c.text() for c in doc.css("#s-form-pages-0-fields-1 .problems code")]
    assert "unknown-key" in field_codes
    assert doc.css_first("#preview-unavailable") is not None


def test_the_json_tab_saves_a_valid_definition(designer: Designer, studio: Studio) -> None:
    designer.get(f"{EDITOR}/json")
    definition = json.loads(designer.doc.css_first("textarea#definition").text(deep=True))
    definition["summary"] = "Ringkasan dari JSON"
    saved = designer.submit("main form", {"definition": json.dumps(definition)})
    assert saved.status_code == 303
    page = designer.get(saved.headers["location"])
    assert parse(page).css_first("#json-saved") is not None
    assert studio.draft().definition["summary"] == "Ringkasan dari JSON"


def test_access_by_agency_and_role(studio: Studio) -> None:
    anonymous = studio.client()
    response = anonymous.get(EDITOR)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk?next=")
    assert anonymous.get("/studio").status_code == 303

    stranger = studio.login("perancang.dinsos")
    assert stranger.get(EDITOR).status_code == 404
    assert stranger.get(f"{EDITOR}/json").status_code == 404
    assert stranger.get(f"{EDITOR}/unduh").status_code == 404
    listing = stranger.get("/studio")
    assert listing.status_code == 200 and EDITOR not in listing.text
    page = stranger.get("/studio/baru")
    assert page.status_code == 200
    token = stranger.hidden("csrf_token")
    posted = stranger.client.post(
        f"{EDITOR}/ubah", data={"csrf_token": token, "op": "texts", "row_version": "1"}
    )
    assert posted.status_code == 404
    assert stranger.client.post(f"{EDITOR}/ajukan", data={"csrf_token": token}).status_code == 404
    created = stranger.client.post(
        "/studio/baru",
        data={"csrf_token": token, "agency": AGENCY, "service_id": "x-y", "source": "blank"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert created.status_code == 403

    officer = studio.login("petugas")
    assert officer.get("/studio").status_code == 403
    assert officer.get(EDITOR).status_code == 403
    reviewer = studio.login("peninjau")
    assert reviewer.get(EDITOR).status_code == 404
    assert reviewer.get("/studio").status_code == 403


def test_posts_need_the_csrf_token(designer: Designer, studio: Studio) -> None:
    designer.open()
    before = studio.draft().row_version
    response = designer.client.post(
        f"{EDITOR}/ubah",
        data={"op": "texts", "row_version": str(before), "title.id": "Tanpa token"},
    )
    assert response.status_code == 403
    assert studio.draft().row_version == before


def test_definition_texts_are_escaped_in_the_editor_and_the_picture(
    designer: Designer, studio: Studio
) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    designer.open(open="/form/pages/0/fields/1")
    designer.submit_ok("#s-form-pages-0-fields-1 form.sform", {"label.id": evil})
    designer.submit_ok("#s-workflow-states-diajukan-form", {"label.id": evil})
    designer.submit_ok("#s-roles-petugas-form", {"label.id": evil})
    page = designer.get(EDITOR)
    doc = parse(page)
    assert not [s for s in doc.css("script") if "alert" in s.text(deep=True)]
    assert doc.css("img") == []
    assert doc.css("[onerror]") == []
    summary = doc.css_first("#s-form-pages-0-fields-1 strong")
    assert summary.text() == evil[:80]
    preview_label = doc.css_first("#preview label[for=f-nama]")
    assert evil in preview_label.text(deep=True)
    svg_texts = [t.text() for t in doc.css("svg.wf g.state text")]
    assert any(t.startswith("<script>") for t in svg_texts)
    assert doc.css("svg script") == []
    assert evil in [i.attributes.get("value") for i in doc.css("#s-roles input[name='label.id']")]
    assert "<script>alert" not in page.text


def test_every_studio_text_is_translated() -> None:
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'", path.read_text(encoding="utf-8")))
    routes = (TEMPLATES.parents[1] / "routes" / "studio.py").read_text(encoding="utf-8")
    used |= set(re.findall(r'\bt\("([a-z_]+)"', routes))
    for prefix, values in {
        "studio_status_": (
            "draft",
            "in_review",
            "changes_requested",
            "published",
            "published_with_draft",
            "retired",
        ),
        "studio_final_": ("approved", "rejected", "withdrawn"),
        "studio_comment_": ("optional", "required"),
        "studio_": ("error", "warning"),
    }.items():
        used |= {prefix + value for value in values}
    used = {key for key in used if not key.endswith("_")}
    assert sorted(key for key in used if key not in UI) == []


BROKEN = [
    {},
    {"form": {"pages": "x"}, "workflow": {"states": [], "transitions": {}}, "roles": []},
    {
        "title": {"en": "Only English"},
        "standard": ["x"],
        "privacy": "x",
        "form": {"pages": [{"fields": [1, {"type": "group", "fields": "x"}, {"key": 3}]}, 7]},
        "roles": {"petugas": 5},
        "workflow": {"initial": 1, "states": {"a": "x", "b": {}}, "transitions": [1, {"from": 3}]},
    },
    {
        "form": {
            "pages": [
                {
                    "id": "p",
                    "title": ["x"],
                    "visible_if": "x",
                    "fields": [
                        {"key": "k", "type": "text", "label": "L", "visible_if": [1], "options": 5},
                        {"key": "c", "type": "choice", "label": 1, "options": [1, {"value": 2}]},
                    ],
                }
            ]
        },
        "roles": {"x": [1]},
        "workflow": {"initial": [1], "states": {"a": {"label": "A"}}, "transitions": 5},
    },
]


@pytest.mark.parametrize("broken", BROKEN)
def test_the_editor_shows_a_broken_draft_saved_anyway(
    designer: Designer, studio: Studio, broken: dict[str, object]
) -> None:
    designer.get(f"{EDITOR}/json")
    text = json.dumps(broken)
    assert designer.submit("main form", {"definition": text, "anyway": "1"}).status_code == 303
    page = designer.get(EDITOR)
    assert page.status_code == 200
    doc = parse(page)
    assert doc.css("#s-problems .problems li")  # the problems are listed, nothing crashes
    assert doc.css_first("#preview-unavailable") is not None
    for link in doc.css(".sitem a, .spage p a"):  # every item's edit forms open too
        assert designer.get(attr(link, "href")).status_code == 200
    assert designer.get(f"{EDITOR}/json").status_code == 200


def test_htmx_gets_the_conflict_as_a_page_it_can_swap(studio: Studio) -> None:
    first, second = studio.login("perancang"), studio.login("perancang.dua")
    first.open()
    second.open()
    first.submit_ok(first.form("texts"), {"title.id": "Satu"})
    stale = second.submit(second.form("texts"), {"title.id": "Dua"}, headers={"HX-Request": "true"})
    assert stale.status_code == 200
    assert parse(stale).css_first("#studio #conflict") is not None
    assert studio.draft().definition["title"]["id"] == "Satu"
