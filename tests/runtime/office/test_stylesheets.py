"""Staff pages add staff.css to the citizen stylesheet; citizen pages load loket.css alone."""

from __future__ import annotations

from tests import kit
from tests.runtime.office.conftest import Office


def _stylesheets(html: str) -> list[str]:
    return [n.attributes.get("href") or "" for n in kit.page(html).css("link[rel=stylesheet]")]


def test_staff_pages_add_the_staff_stylesheet(office: Office) -> None:
    officer = office.login("petugas.uji")
    inbox = officer.get("/kantor")
    assert inbox.status_code == 200
    assert _stylesheets(inbox.text) == ["/static/loket.css", "/static/staff.css"]
    staff_css = officer.get("/static/staff.css")
    assert staff_css.status_code == 200
    assert ".case-layout" in staff_css.text  # the back office's rules live there
    # signed out, the same site gives the citizen stylesheet only
    login = office.client().get("/masuk")
    assert _stylesheets(login.text) == ["/static/loket.css"]
    assert ".case-layout" not in office.client().get("/static/loket.css").text
