"""Checks the journey tests make on every page they visit: axe-core (no serious or critical
violation), no sideways scrolling at the window's width, and a full-page screenshot kept under
.artifacts/screenshots/ (git-ignored) for people to look at.

axe-core is JavaScript: in a page with JavaScript on it is injected and run there. A page with
JavaScript off cannot run it (its timers never fire), so the document that browser built is
taken as it stands (`page.content()`), its scripts removed and its `<noscript>` contents kept
in place, and loaded at the same address into a page of a fresh JavaScript context (same
viewport, stylesheets from the server); axe runs there, on what the visitor without
JavaScript got."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
BLOCKING = {"serious", "critical"}


SCRIPTS = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)
NOSCRIPT = re.compile(r"</?noscript\b[^>]*>", re.I)
# innerHTML reads <noscript> contents as elements only where scripting is off
SCRIPTING_PROBE = """() => {
  const probe = document.createElement('div');
  probe.innerHTML = '<noscript><p></p></noscript>';
  return probe.querySelector('noscript p') === null;
}"""
RUN_AXE = "async () => await axe.run(document, {resultTypes: ['violations']})"


def scripting_enabled(page: Any) -> bool:
    """Whether the page's scripts run (its context has JavaScript on)."""
    enabled: bool = page.evaluate(SCRIPTING_PROBE)
    return enabled


def without_scripts(html: str) -> str:
    """A document as a browser without JavaScript shows it: no scripts, noscript contents in."""
    return NOSCRIPT.sub("", SCRIPTS.sub("", html))


def _static_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's violations on a JavaScript-off page: its document, loaded at the same address
    into a page that runs JavaScript (only axe's; the document's scripts are removed)."""
    html = without_scripts(page.content())
    address, host = page.url.split("#")[0], urlsplit(page.url).hostname
    context = page.context.browser.new_context(
        java_script_enabled=True,
        bypass_csp=True,
        viewport=page.viewport_size,
        locale="id-ID",
        service_workers="block",
    )
    served: list[str] = []

    def handle(route: Any) -> None:
        request = route.request
        if request.is_navigation_request() and not served:
            served.append(request.url)  # the document itself, as the other browser got it
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        elif urlsplit(request.url).hostname == host and request.resource_type != "script":
            route.continue_()  # stylesheets, images
        else:
            route.abort()

    try:
        context.set_default_timeout(10_000)
        context.route("**/*", handle)
        checker = context.new_page()
        checker.goto(address, wait_until="load")
        assert served == [address], served
        checker.add_script_tag(content=axe_source)
        result = checker.evaluate(RUN_AXE)
    finally:
        context.close()
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (all default rules).

    With JavaScript on, the page's context must be made with `bypass_csp` (the app's CSP
    rightly forbids the inline script axe is injected as); with JavaScript off, the page's
    document is checked in a JavaScript context of its own (see the module's text)."""
    if not scripting_enabled(page):
        return _static_violations(page, axe_source)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(RUN_AXE)
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines (rule, impact, the first nodes and why they fail)."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Any, axe_source: str, where: str) -> None:
    """No serious or critical axe-core violation on the current page."""
    violations = axe_violations(page, axe_source)
    if violations:
        print(f"axe-core violations on {where} ({page.url}):\n{describe(violations)}")
    assert not violations, f"{where}:\n{describe(violations)}"


def scroll_width(page: Any) -> int:
    """The page's width including what would need sideways scrolling."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width


def check(page: Any, name: str, *, width: int, axe_source: str | None) -> None:
    """The checks of one visited page: a screenshot, no sideways scroll, axe (with JavaScript on
    or off; None: not checked)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)
    assert scroll_width(page) <= width, f"{name}: the page scrolls sideways at {width} px"
    if axe_source is not None:
        assert_accessible(page, axe_source, name)
