"""The dependency rule of the runtime's capability packages (docs/architecture.md, "Packages").

`runtime/documents`, `runtime/notify`, `runtime/oversight` and `runtime/storage` are plain-Python
capabilities that the web layer calls: none of them imports the web framework, the templates or
the routes, storage (the lowest layer) imports no other capability, documents and notify do not
import each other, and oversight (deadlines, above notify) may queue messages but imports
neither documents nor is imported by notify. Two packages of the core have rules too: the
message catalogues (`runtime/i18n`) import nothing of the runtime but themselves, so any layer
may use them, and the studio's core (`runtime/studio`) imports neither the web framework nor the
templates nor the routes (it may read a posted form), and case work (`runtime/casework`) imports
neither the web framework, the templates and the routes nor the web layer's helpers built over it
(`runtime.office_views`, what the back-office pages show, and `runtime.action_files`, a posted
form's files); reports (`runtime/reporting`) import neither the web framework, the templates and
the routes nor `runtime.office_views`. Read from the source with `ast`, so that a lazy import
inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ("fastapi", "starlette", "jinja2", "runtime.routes", "runtime.web", "runtime.deps",
       "runtime.app", "runtime.asgi", "runtime.staff")  # fmt: skip
FORBIDDEN = {
    "casework": (*WEB, "runtime.office_views", "runtime.action_files"),
    "documents": (*WEB, "runtime.notify", "runtime.oversight"),
    "notify": (*WEB, "runtime.documents", "runtime.oversight"),
    "oversight": (*WEB, "runtime.documents"),
    "reporting": (*WEB, "runtime.office_views"),
    "cli": ("runtime.routes",),  # the command starts the app by its ASGI path only
    "storage": (*WEB, "runtime.documents", "runtime.notify", "runtime.oversight"),
    "studio": (
        "fastapi",
        "jinja2",
        "runtime.routes",
        "runtime.web",
        "runtime.app",
        "runtime.asgi",
        "runtime.staff",
    ),
}


def imported(source: str, module: str) -> set[str]:
    """Every module a source imports (absolute names; relative imports resolved from `module`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def breaks(name: str, rule: tuple[str, ...]) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in rule)


def imports_of(package: str) -> dict[str, set[str]]:
    """The imports of every module of `runtime/<package>`, by module name."""
    files = sorted((ROOT / "runtime" / package).rglob("*.py"))
    assert len(files) >= 3  # the package is where the rule expects it
    found = {}
    for path in files:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[module] = imported(path.read_text(), module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_capability_imports_no_web_code_nor_a_capability_above_it(package: str) -> None:
    offending = [
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in sorted(names)
        if breaks(name, FORBIDDEN[package])
    ]
    assert offending == []


def test_the_message_catalogues_import_nothing_of_the_runtime_but_themselves() -> None:
    offending = [
        f"{module} imports {name}"
        for module, names in imports_of("i18n").items()
        for name in sorted(names)
        if breaks(name, ("runtime", *WEB)) and not breaks(name, ("runtime.i18n",))
    ]
    assert offending == []


def test_the_check_sees_lazy_relative_and_from_imports() -> None:
    source = (
        "from runtime import web\n"
        "def later():\n"
        "    import fastapi.responses\n"
        "    from ..routes import office\n"
    )
    found = imported(source, "runtime.storage.local")
    assert breaks("runtime.web", FORBIDDEN["storage"]) and "runtime.web" in found
    assert "fastapi.responses" in found and "runtime.routes.office" in found
    assert not breaks("runtime.models", FORBIDDEN["storage"])
    assert breaks("runtime.routes.studio", FORBIDDEN["studio"])
    assert not breaks("runtime.studio.flow", FORBIDDEN["studio"])
    lazy_view = "def page():\n    from runtime import office_views\n"
    assert "runtime.office_views" in imported(lazy_view, "runtime.casework.cases")
    assert breaks("runtime.office_views", FORBIDDEN["casework"])
    assert breaks("starlette.datastructures", FORBIDDEN["casework"])
    assert not breaks("runtime.notify.case_messages", FORBIDDEN["casework"])
    assert not breaks("runtime.casework.workflow", FORBIDDEN["casework"])
    assert breaks("runtime.routes.reports", FORBIDDEN["reporting"])
    assert not breaks("runtime.reporting.report_figures", FORBIDDEN["reporting"])
