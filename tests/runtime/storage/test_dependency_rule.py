"""runtime.storage depends on settings and the database layer only (its __init__ states the
rule): no web code, and no other runtime module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "runtime" / "storage"
ALLOWED_RUNTIME = ("runtime.settings", "runtime.db", "runtime.models", "runtime.storage")
FORBIDDEN = ("fastapi", "starlette", "jinja2", "uvicorn")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from runtime import web` names runtime.web
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _under(name: str, roots: tuple[str, ...]) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


def test_runtime_storage_imports_only_settings_and_the_database_layer() -> None:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imports(path):
            if _under(name, FORBIDDEN) or (
                _under(name, ("runtime",)) and not _under(name, ALLOWED_RUNTIME)
            ):
                found.append(f"{path.name}: {name}")
    assert found == []


def test_the_rule_itself_catches_a_web_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from starlette.responses import Response\nimport runtime.web\nfrom runtime import app\n"
    )
    names = _imports(bad)
    assert [n for n in names if _under(n, FORBIDDEN)] == ["starlette.responses.Response"]
    outside = [n for n in names if _under(n, ("runtime",)) and not _under(n, ALLOWED_RUNTIME)]
    assert outside == ["runtime.web", "runtime.app"]
