"""Project-wide invariants: examples valid, bundles current, docs complete, README contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builder.bundle import make_bundle
from builder.fields import REGISTRY
from builder.problems import CODES, catalogue_markdown
from builder.validate import validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))


def test_there_are_five_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(
    "path", [*EXAMPLES, ROOT / "tests" / "fixtures" / "all_fields.json"], ids=lambda p: p.stem
)
def test_example_has_no_problem(path: Path) -> None:
    assert [(p.pointer, p.code) for p in validate(path)] == []


def test_examples_together_use_every_field_type() -> None:
    used: set[str] = set()

    def walk(fields: list[dict]) -> None:
        for spec in fields:
            used.add(spec["type"])
            walk(spec.get("fields", []))

    for path in EXAMPLES:
        for page in json.loads(path.read_text())["form"]["pages"]:
            walk(page["fields"])
    assert used == set(REGISTRY)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_generated_apps_are_current(path: Path) -> None:
    """generated_apps/ holds exactly what `loket build schemas/examples` writes now."""
    bundle = make_bundle(json.loads(path.read_text()))
    folder = ROOT / "generated_apps" / bundle.relative_dir
    for name, text in bundle.files.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"run: loket build schemas/examples ({name})"
        )


def test_every_problem_code_is_documented() -> None:
    documented = set(
        re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs" / "problems.md").read_text(), re.M)
    )
    assert documented == set(CODES)
    text = (ROOT / "docs" / "problems.md").read_text()
    assert text == catalogue_markdown(), "regenerate: python -m builder.problems > docs/problems.md"


def test_every_field_type_is_documented_and_has_a_template() -> None:
    language_doc = (ROOT / "schemas" / "README.md").read_text()
    for name in REGISTRY:
        assert f"`{name}`" in language_doc, name
        assert (ROOT / "runtime" / "templates" / "fields" / f"{name}.html").exists(), name


def test_readme_names_the_two_commands_and_ci_uses_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
