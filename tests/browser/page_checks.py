"""Checks the journey tests make on every page they visit: axe-core (no serious or critical
violation), no sideways scrolling at the window's width, and a full-page screenshot kept under
.artifacts/screenshots/ (git-ignored) for people to look at."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
BLOCKING = {"serious", "critical"}


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (all default rules).

    The page needs JavaScript and a context made with `bypass_csp` (the app's CSP rightly
    forbids the inline script axe is injected as)."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
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
    """The checks of one visited page: a screenshot, no sideways scroll, axe (JavaScript on)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)
    assert scroll_width(page) <= width, f"{name}: the page scrolls sideways at {width} px"
    if axe_source is not None:
        assert_accessible(page, axe_source, name)
