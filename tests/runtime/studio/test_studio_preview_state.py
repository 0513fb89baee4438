"""The studio's preview panel stays open or folded across edits, kept by the server (no script)."""

from __future__ import annotations

from tests.runtime.studio.conftest import AGENCY, DOMISILI, Designer, attr

EDITOR = f"/studio/{AGENCY}/{DOMISILI['id']}"


def _is_open(designer: Designer) -> bool:
    panel = designer.doc.css_first("#preview-panel")
    body = designer.doc.css_first("#preview-body")
    assert panel is not None and body is not None
    assert (attr(panel, "data-open") == "true") == ("hidden" not in body.attributes)
    return attr(panel, "data-open") == "true"


def _toggle(designer: Designer) -> None:
    link = designer.doc.css_first("#preview-toggle")
    assert link is not None
    designer.get(attr(link, "href"))


def test_the_preview_stays_as_the_designer_left_it_across_edits(designer: Designer) -> None:
    designer.open()
    assert not _is_open(designer)  # folded at first: the editor gets the whole width
    assert attr(designer.doc.css_first("#preview-toggle"), "aria-expanded") == "false"
    _toggle(designer)
    assert _is_open(designer)
    assert attr(designer.doc.css_first("#preview-toggle"), "aria-expanded") == "true"
    # every edit form and every link of the editor carries the state on
    forms = designer.doc.css("form[action$='/ubah']")
    lacking = [f.html[:200] for f in forms if not f.css_first("input[name=pratinjau][value='1']")]
    assert forms and not lacking, lacking
    edit_links = designer.doc.css(f"a[href^='{EDITOR}?open=']")
    assert edit_links and all("pratinjau=1" in attr(a, "href") for a in edit_links)

    added = designer.submit_ok(designer.form("page_add"), {"title": "Halaman baru"})
    assert added.status_code == 200
    assert "pratinjau=1" in str(added.url)
    assert _is_open(designer)
    # refused (an empty page is an error), the editor comes back still open
    refused = designer.submit("#s-submit form")
    assert refused.status_code == 422, refused.status_code
    assert _is_open(designer)
    assert designer.doc.css_first("#preview-last-good") is not None

    _toggle(designer)  # folded again: it stays folded after the next edit
    assert not _is_open(designer)
    assert not designer.doc.css("input[name=pratinjau][value='1']")
    designer.submit_ok(designer.form("page_add"), {"title": "Satu lagi"})
    assert not _is_open(designer)


def test_the_toggle_keeps_the_item_being_edited(designer: Designer) -> None:
    designer.open(open="/form/pages/1")
    href = attr(designer.doc.css_first("#preview-toggle"), "href")
    assert href == f"{EDITOR}?open=/form/pages/1&pratinjau=1#preview-panel"
    designer.get(href)
    assert _is_open(designer)
    assert attr(designer.doc.css_first("#preview-page option[selected]"), "value") == "1"


def test_the_condition_drop_downs_keep_the_state_when_swapped_in(designer: Designer) -> None:
    at = "/form/pages/1/fields/0"
    designer.open(open=at, pratinjau="1")
    select = designer.doc.css_first("select[name=cf]")
    assert select is not None and attr(select, "hx-get").endswith("&pratinjau=1")
    part = designer.get(attr(select, "hx-get") + "&cf=jumlah_pengikut")
    assert part.status_code == 200
    assert designer.doc.css_first("input[name=pratinjau][value='1']") is not None
    designer.open(open=at)
    assert not attr(designer.doc.css_first("select[name=cf]"), "hx-get").endswith("pratinjau=1")
