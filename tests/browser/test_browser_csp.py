"""No Content-Security-Policy violation while htmx swaps parts of pages, in Chromium.

The policy allows no inline style or script. htmx is configured (the `htmx-config` meta tag)
not to inject its indicator `<style>`; its indicator rules are in the stylesheet. This test
collects the browser's console and `securitypolicyviolation` events while a designer edits a
service in the studio (the editor is swapped in place) and an officer acts on a case (the case
panel is swapped in place), and expects none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import lifecycle_steps as steps
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from runtime import auth, db, store
from runtime.assets import HTMX_CONFIG, HTMX_URL
from runtime.settings import sqlite_url
from runtime.workdays import Calendar
from tests import kit

pytestmark = pytest.mark.browser

DOMISILI = ("disdukcapil", "surat-keterangan-domisili")
ANSWERS: dict[str, Any] = dict(kit.DOMISILI_ANSWERS)
# every violation of the policy, as the page itself sees it
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@dataclass(frozen=True)
class Accounts:
    """A designer in the studio's agency, an officer of Disdukcapil and a filed case."""

    designer: str
    officer: str
    reference: str


@pytest.fixture(scope="module")
def accounts(live_server: Any) -> Iterator[Accounts]:
    """The staff accounts and a case waiting for the officer, in the live server's database."""
    engine = db.make_engine(sqlite_url(live_server.data_dir))
    try:
        with Session(engine) as session:
            for username, agency, role in (
                ("perancang.csp", steps.AGENCY, "designer"),
                ("petugas.csp", DOMISILI[0], "petugas"),
            ):
                user = auth.create_user(
                    session,
                    username=username,
                    display_name=username.title(),
                    password=steps.PASSWORD,
                )
                auth.grant(session, user=user, agency_id=agency, role=role)
            version = store.current_version(session, *DOMISILI)
            assert version is not None and version.id is not None
            now = dt.datetime.now(dt.UTC)
            draft = store.create_draft(
                session, service_version_id=version.id, ttl=dt.timedelta(hours=1), now=now
            )
            case, _ = store.submit_draft(
                session,
                draft_id=draft.id,
                answers=dict(ANSWERS),
                initial_state="diajukan",
                due_at=Calendar().due_at(now, 5),
                now=now,
            )
            session.commit()
            yield Accounts("perancang.csp", "petugas.csp", case.reference)
    finally:
        engine.dispose()


def _watched(open_session: Callable[..., Any]) -> tuple[Any, Any, list[str]]:
    """A visitor with JavaScript on whose console and policy violations are recorded."""
    session = open_session(js=True)
    page = session.page
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    session.context.add_init_script(WATCH_VIOLATIONS)
    return session, page, messages


def _violations(page: Any, messages: list[str]) -> list[str]:
    seen = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    return seen + list(page.evaluate("window.__csp || []"))


def test_the_policy_allows_htmx_by_its_full_address_only(live_server: Any) -> None:
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/") as response:
        policy = response.headers["content-security-policy"]
    (script_src,) = [d for d in policy.split("; ") if d.startswith("script-src ")]
    assert script_src == f"script-src 'self' {HTMX_URL}"
    assert "unsafe-inline" not in policy


def test_htmx_swaps_cause_no_policy_violation(
    open_session: Callable[..., Any], accounts: Accounts
) -> None:
    # the studio: create a service and save two sections, each swapping the editor in place
    studio, designer, studio_messages = _watched(open_session)
    steps.login(designer, accounts.designer, "/studio")
    service = steps.Service(slug="layanan-csp", title="Layanan Uji Kebijakan Keamanan")
    steps.create_blank(designer, service, js=True)
    steps.edit_texts_and_standard(designer, js=True)
    assert studio.network.cdn_hits, "htmx was not loaded from the (intercepted) CDN"
    assert designer.evaluate("typeof htmx") == "object"
    for key, value in HTMX_CONFIG.items():  # the meta tag was read
        assert designer.evaluate(f"htmx.config.{key}") == value, key
    assert designer.locator("style").count() == 0  # htmx added no <style> element

    # the back office: open the case and act on it (the case panel is swapped in place)
    office, officer, office_messages = _watched(open_session)
    steps.login(officer, accounts.officer, "/kantor")
    steps.open_case(officer, accounts.reference)
    steps.act(officer, "Data benar, teruskan", "Diverifikasi", js=True)
    expect(officer.locator("#case-panel")).to_be_visible()
    assert not office.network.blocked, office.network.blocked

    assert _violations(designer, studio_messages) == []
    assert _violations(officer, office_messages) == []

    # the watch sees a violation when there is one: an inline style attribute is refused
    designer.evaluate("document.body.setAttribute('style', 'color: red')")
    designer.wait_for_function("window.__csp.length > 0")
    assert any("style-src" in v for v in _violations(designer, studio_messages))
