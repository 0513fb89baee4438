"""The dependency rule: `builder` is pure Python, with no web framework and no database.

Checked in a fresh interpreter, importing the package and every one of its modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("fastapi", "sqlmodel", "sqlalchemy", "starlette", "jinja2")

_SCRIPT = """
import importlib, json, pkgutil, sys
import builder
names = sorted(m.name for m in pkgutil.walk_packages(builder.__path__, "builder."))
for name in names:
    importlib.import_module(name)
importlib.import_module("builder.cli")
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


def test_builder_imports_no_web_framework_or_database() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # the check is only meaningful if it really imported the package's modules
    for module in ("builder.cli", "builder.compiler", "builder.validate", "builder.diff"):
        assert module in report["imported"]
    offending = sorted(name for name in report["loaded"] if name.split(".")[0] in FORBIDDEN)
    assert offending == []


def test_the_check_would_notice_a_forbidden_import() -> None:
    # guard against a vacuous test: the same detection finds jinja2 once it is imported
    script = "import json, sys, jinja2; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(result.stdout)
    found = {n.split(".")[0] for n in loaded if n.split(".")[0] in FORBIDDEN}
    assert found == {"jinja2"}
