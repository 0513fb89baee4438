"""The `loket` command line: validate, build and diff definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from builder.bundle import make_bundle, write_bundle
from builder.diff import diff as diff_definitions
from builder.loader import Loaded, load_path
from builder.problems import Problem, has_errors
from builder.texts import plural
from builder.validate import validate
from builder.where import describe

app = typer.Typer(
    help="Loket: build public-service apps from JSON definitions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LangOption = Annotated[str, typer.Option("--lang", help="Message language: id or en.")]
_READ_CODES = {"file-unreadable", "not-a-file", "json-syntax", "too-large", "too-deep"}


def definition_files(paths: list[Path]) -> list[Path]:
    """The JSON files named by `paths`: files as given, folders searched recursively."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            found.append(path)
    return found


def _line(path: Path, item: Problem, lang: str, definition: Any = None) -> None:
    colour = typer.colors.RED if item.severity == "error" else typer.colors.YELLOW
    label = typer.style(
        item.severity if lang == "en" else ("galat" if item.severity == "error" else "peringatan"),
        fg=colour,
        bold=True,
    )
    typer.echo(f"{path}:{item.pointer or '/'}: [{item.code}] {label}: {item.text(lang)}")
    place = describe(definition, item.pointer)
    if place:
        typer.echo(f"    {'di' if lang == 'id' else 'in'} {place[lang]}")
    hint = item.hint_text(lang)
    if hint:
        typer.echo(f"    {typer.style('→', fg=typer.colors.CYAN)} {hint}")
    if item.excerpt:
        for text in item.excerpt.splitlines():
            typer.echo(f"      {text}")


def _check_all(paths: list[Path]) -> list[tuple[Path, Loaded, list[Problem]]]:
    results = []
    for path in definition_files(paths):
        loaded = load_path(path)
        results.append((path, loaded, validate(loaded)))
    return results


def _exit_code(results: list[tuple[Path, Loaded, list[Problem]]]) -> int:
    """2 when a file cannot be read as JSON, 1 when a definition has errors, else 0."""
    if any(p.code in _READ_CODES for _, _, problems in results for p in problems):
        return 2
    return 1 if any(has_errors(problems) for _, _, problems in results) else 0


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Definition files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
    lang: LangOption = "id",
) -> None:
    """Check definitions; exit 0 when valid, 1 when invalid, 2 when a file cannot be read."""
    results = _check_all(paths)
    if not results:
        typer.echo("Tidak ada berkas .json. / No .json files found.", err=True)
        raise typer.Exit(2)
    if as_json:
        payload = [
            {
                "path": str(path),
                "valid": not has_errors(problems),
                "problems": [
                    {**p.to_dict(), "where": describe(loaded.definition, p.pointer)}
                    for p in problems
                ],
            }
            for path, loaded, problems in results
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, loaded, problems in results:
            for item in problems:
                _line(path, item, lang, loaded.definition)
        bad = sum(1 for _, _, problems in results if has_errors(problems))
        summary = (
            f"{len(results)} definisi diperiksa, {bad} tidak valid."
            if lang == "id"
            else f"{plural(len(results), 'definition', 'definitions')} checked, {bad} invalid."
        )
        typer.secho(summary, fg=typer.colors.RED if bad else typer.colors.GREEN, err=True)
    raise typer.Exit(_exit_code(results))


@app.command("build")
def build_command(
    paths: Annotated[list[Path], typer.Argument(help="Definition files or folders.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("generated_apps"),
    lang: LangOption = "id",
) -> None:
    """Build bundles into OUT/<agency>/<service>/v<version>/; refuses definitions with errors."""
    results = _check_all(paths)
    code = _exit_code(results)
    for path, loaded, problems in results:
        for item in problems:
            _line(path, item, lang, loaded.definition)
    if code:
        typer.secho(
            "Tidak ada yang dibangun: perbaiki galat di atas. / Nothing built: fix the errors above.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code)
    for path, loaded, _ in results:
        assert loaded.definition is not None
        target = write_bundle(make_bundle(loaded.definition), out)
        typer.echo(f"{path} → {target}")


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The older definition.")],
    new: Annotated[Path, typer.Argument(help="The newer definition.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
    lang: LangOption = "id",
) -> None:
    """Show what changed between two versions of a definition."""
    loaded = [load_path(old), load_path(new)]
    for path, item in zip((old, new), loaded, strict=True):
        if item.definition is None:
            for problem_item in item.problems:
                _line(path, problem_item, lang)
            raise typer.Exit(2)
    for path, item in zip((old, new), loaded, strict=True):
        problems = validate(item)
        if has_errors(problems):
            for problem_item in problems:
                _line(path, problem_item, lang)
            raise typer.Exit(1)
    before, after = (item.definition for item in loaded)
    assert before is not None and after is not None
    changes = diff_definitions(before, after)
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in changes], ensure_ascii=False, indent=2))
        return
    if not changes:
        typer.echo("Tidak ada perubahan." if lang == "id" else "No changes.")
    marks = {
        "added": ("+", typer.colors.GREEN),
        "removed": ("-", typer.colors.RED),
        "changed": ("~", typer.colors.YELLOW),
    }
    for change in changes:
        mark, colour = marks[change.kind]
        typer.echo(f"{typer.style(mark, fg=colour, bold=True)} {change.text(lang)}")


def main() -> None:
    """Entry point of the `loket` command."""
    app(prog_name="loket")


if __name__ == "__main__":  # pragma: no cover
    main()
