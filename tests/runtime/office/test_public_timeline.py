"""The citizen's timeline shows the filing and the changes of state, never internal audit events.

An officer who reveals a NIK or downloads a file leaves an audit event on the case; those are
for the back office only. Before the fix they showed on the citizen's status page (and in the
JSON API) as an entry with no label.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.runtime.office.conftest import Filed, Office, csrf_of, parse
from tests.runtime.office.test_office_pages import post_action


def _officer_looks_at_everything(office: Office, filed: Filed) -> TestClient:
    attachment = office.attach(filed.id)
    officer = office.login("petugas.uji")
    page = officer.get(f"/kantor/kasus/{filed.id}")
    token = csrf_of(parse(page))
    shown = officer.post(
        f"/kantor/kasus/{filed.id}/nik", data={"csrf_token": token, "field": "nik"}
    )
    assert shown.status_code == 200
    assert officer.get(f"/kantor/kasus/{filed.id}/berkas/{attachment}").status_code == 200
    return officer


@pytest.mark.postgres
def test_status_page_and_api_show_only_public_events(office: Office) -> None:
    filed = office.file_case()
    officer = _officer_looks_at_everything(office, filed)
    moved = post_action(officer, office, filed, "verifikasi", "catatan internal")
    assert moved.status_code == 303
    _officer_looks_at_everything(office, filed)
    # the audit trail holds the internal events ...
    actions = [e.action for e in office.events(filed.id)]
    assert actions.count("view_nik") == 2 and actions.count("download_attachment") == 2

    citizen = office.client()
    page = parse(citizen.get(f"/status/{filed.reference}/{filed.secret}"))
    entries = [li.css_first("strong").text().strip() for li in page.css("ol.timeline li")]
    # ... the citizen sees the filing and the one change of state, each with its label
    assert entries == ["Diajukan", "Menunggu tanda tangan"]
    assert "catatan internal" not in page.html

    api = citizen.get(
        f"/api/v1/status/{filed.reference}", headers={"X-Status-Secret": filed.secret}
    )
    assert api.status_code == 200
    timeline = api.json()["timeline"]
    assert len(timeline) == 2
    assert all(entry["label"]["id"] for entry in timeline)
    assert [entry["comment"] for entry in timeline] == [None, None]
