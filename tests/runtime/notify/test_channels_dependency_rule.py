"""runtime.notify.channels keeps the package's dependency rule: no web code, no HTTP client
library beyond the standard library (runtime.notify's __init__ states the rule)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "runtime" / "notify" / "channels"
ALLOWED_RUNTIME = ("runtime.models", "runtime.db", "runtime.settings", "runtime.notify")
FORBIDDEN = ("fastapi", "starlette", "httpx", "requests")


def test_channels_import_only_what_the_rule_allows() -> None:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                runtime_bad = top == "runtime" and not any(
                    name == ok or name.startswith(ok + ".") for ok in ALLOWED_RUNTIME
                )
                if runtime_bad or top in FORBIDDEN:
                    found.append(f"{path.name}: {name}")
    assert found == []
