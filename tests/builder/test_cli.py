"""The `loket` command line: validate, build and diff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builder_testing import fresh_definition, mutate
from typer.testing import CliRunner

from builder.cli import app

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(?P<path>[^:]+):(?P<pointer>/[^:]*): \[(?P<code>[a-z-]+)\] (?P<rest>.*)$")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, definition: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(definition, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def invalid_definition() -> dict[str, Any]:
    """One error (unknown initial state) and one warning (unused role)."""
    definition = fresh_definition()
    mutate(definition, "/roles/lurah", "Lurah")  # warning
    mutate(definition, "/workflow/initial", "baru")  # error
    return definition


@pytest.fixture
def ok_file(tmp_path: Path) -> Path:
    return write(tmp_path / "ok.json", fresh_definition())


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    return write(tmp_path / "bad.json", invalid_definition())


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "loket/service@1",\n  "id" "x"\n}\n', encoding="utf-8")
    return path


def problem_lines(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in output.splitlines() if (m := LINE.match(line))]


# -- validate -------------------------------------------------------------------------------------


def test_validate_valid_file(runner: CliRunner, ok_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(ok_file)])
    assert result.exit_code == 0, result.output
    assert problem_lines(result.stdout) == []
    assert "1 definisi diperiksa, 0 tidak valid." in result.stderr


def test_validate_invalid_file(runner: CliRunner, bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad_file)])
    assert result.exit_code == 1
    lines = problem_lines(result.stdout)
    assert [(line["path"], line["pointer"], line["code"]) for line in lines] == [
        (str(bad_file), "/workflow/initial", "unknown-initial-state"),
        (str(bad_file), "/roles/lurah", "unused-role"),
    ]
    assert lines[0]["rest"] == "galat: Status awal 'baru' tidak ada di daftar status."
    assert lines[1]["rest"] == "peringatan: Peran 'lurah' tidak dipakai di transisi mana pun."
    assert "    → Status yang ada: diajukan, perlu_perbaikan" in result.stdout
    assert "1 definisi diperiksa, 1 tidak valid." in result.stderr


def test_validate_errors_before_warnings(runner: CliRunner, tmp_path: Path) -> None:
    definition = fresh_definition()
    del definition["form"]["pages"][1]["fields"][3]["messages"]  # a warning found early
    mutate(definition, "/workflow/transitions/0/roles/0", "camat")  # an error found later
    path = write(tmp_path / "order.json", definition)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    codes = [line["code"] for line in problem_lines(result.stdout)]
    assert codes == ["undeclared-role", "pattern-without-message"]


def test_validate_warnings_only_exit_zero(runner: CliRunner, tmp_path: Path) -> None:
    definition = fresh_definition()
    mutate(definition, "/roles/lurah", "Lurah")
    path = write(tmp_path / "warn.json", definition)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert [line["code"] for line in problem_lines(result.stdout)] == ["unused-role"]


def test_validate_non_json_file(runner: CliRunner, broken_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(broken_file)])
    assert result.exit_code == 2
    (line,) = problem_lines(result.stdout)
    assert line["code"] == "json-syntax"
    assert line["pointer"] == "/"
    assert "(baris 3, kolom 8)" in line["rest"]
    assert "titik dua setelah nama bagian tidak ada" in line["rest"]
    lines = result.stdout.splitlines()
    assert lines[-2:] == ['        "id" "x"', "      " + " " * 7 + "^"]


def test_validate_reports_a_key_written_twice(runner: CliRunner, tmp_path: Path) -> None:
    text = json.dumps(fresh_definition(), ensure_ascii=False, indent=2)
    text = text.replace('"summary":', '"summary": "Dua kali",\n  "summary":', 1)
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", "en", str(path)])
    assert result.exit_code == 1
    (line,) = problem_lines(result.stdout)
    assert (line["pointer"], line["code"]) == ("/summary", "duplicate-key")
    assert "'summary' is written twice in the same object" in line["rest"]


def test_validate_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "tidak-ada.json")])
    assert result.exit_code == 2
    assert [line["code"] for line in problem_lines(result.stdout)] == ["file-unreadable"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_validate_refuses_a_pipe_without_waiting(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: the check must not open it at all."""
    pipe = tmp_path / "definisi.json"
    os.mkfifo(pipe)
    found = subprocess.run(
        [sys.executable, "-m", "builder.cli", "validate", "--lang", "en", str(pipe)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,  # a hang fails here instead of stalling the suite
    )
    assert found.returncode == 2
    (line,) = problem_lines(found.stdout)
    assert (line["path"], line["pointer"], line["code"]) == (str(pipe), "/", "not-a-file")
    assert (
        line["rest"] == "error: Not a regular file but a pipe (FIFO); only regular files are read."
    )
    assert "→ Name a definition .json file, or a folder holding them." in found.stdout


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_validate_refuses_a_device(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "/dev/null"])
    assert result.exit_code == 2
    (line,) = problem_lines(result.stdout)
    assert line["code"] == "not-a-file"
    assert line["rest"] == (
        "galat: Bukan berkas biasa, melainkan perangkat karakter; yang dibaca hanya berkas biasa."
    )


def test_validate_json_output(runner: CliRunner, bad_file: Path, ok_file: Path) -> None:
    result = runner.invoke(app, ["validate", "--json", str(bad_file), str(ok_file)])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [(item["path"], item["valid"]) for item in payload] == [
        (str(bad_file), False),
        (str(ok_file), True),
    ]
    problems = payload[0]["problems"]
    assert [(p["pointer"], p["code"], p["severity"]) for p in problems] == [
        ("/workflow/initial", "unknown-initial-state", "error"),
        ("/roles/lurah", "unused-role", "warning"),
    ]
    for item in problems:
        assert set(item) >= {"pointer", "code", "severity", "message"}
        assert item["message"]["id"] and item["message"]["en"]
    assert payload[1]["problems"] == []


def test_validate_in_english(runner: CliRunner, bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", "--lang", "en", str(bad_file)])
    assert result.exit_code == 1
    lines = problem_lines(result.stdout)
    assert lines[0]["rest"] == "error: Initial state 'baru' is not among the states."
    assert lines[1]["rest"] == "warning: Role 'lurah' is not used by any transition."
    assert "1 definition checked, 1 invalid." in result.stderr


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [("(?=[0-9]{3})[0-9]+", "a lookahead"), ("([0-9])\\1", "a backreference")],
)
def test_validate_reports_a_pattern_re2_refuses(
    runner: CliRunner, tmp_path: Path, pattern: str, construct: str
) -> None:
    definition = fresh_definition()
    mutate(definition, "/form/pages/1/fields/3/pattern", pattern)
    path = write(tmp_path / "pola.json", definition)
    for lang in ("id", "en"):
        result = runner.invoke(app, ["validate", "--lang", lang, str(path)])
        assert result.exit_code == 1
        (line,) = problem_lines(result.stdout)
        assert (line["pointer"], line["code"]) == (
            "/form/pages/1/fields/3/pattern",
            "regex-unsupported",
        )
        (hint,) = [x for x in result.stdout.splitlines() if x.startswith("    → ")]
        assert len(hint) > 20
        if lang == "en":
            assert line["rest"].startswith(f"error: The pattern uses {construct}")
        else:
            assert line["rest"].startswith("galat: Pola (pattern) memakai ")
        assert "invalid perl operator" not in result.stdout
        assert "invalid escape sequence" not in result.stdout


def test_validate_searches_folders_recursively(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "layanan"
    first = write(root / "a.json", fresh_definition())
    second = write(root / "dukcapil" / "akta" / "b.json", invalid_definition())
    (root / "catatan.txt").write_text("bukan definisi", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--json", str(root)])
    assert result.exit_code == 1
    assert [item["path"] for item in json.loads(result.stdout)] == [str(first), str(second)]


def test_validate_folder_without_json(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "No .json files found." in result.stderr


def test_the_worst_file_decides_the_exit_code(
    runner: CliRunner, ok_file: Path, bad_file: Path, broken_file: Path
) -> None:
    assert runner.invoke(app, ["validate", str(ok_file), str(bad_file)]).exit_code == 1
    args = ["validate", str(ok_file), str(bad_file), str(broken_file)]
    assert runner.invoke(app, args).exit_code == 2


def test_validate_via_subprocess(ok_file: Path, bad_file: Path, broken_file: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "builder.cli", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )

    assert run("validate", str(ok_file)).returncode == 0
    bad = run("validate", str(bad_file))
    assert bad.returncode == 1
    assert [line["code"] for line in problem_lines(bad.stdout)] == [
        "unknown-initial-state",
        "unused-role",
    ]
    assert "\x1b[" not in bad.stdout  # no colour codes when not on a terminal
    broken = run("validate", "--lang", "en", str(broken_file))
    assert broken.returncode == 2
    assert "(line 3, column 8)" in broken.stdout
    assert "Traceback" not in broken.stderr


# -- build ----------------------------------------------------------------------------------------


def test_build_writes_the_bundle(runner: CliRunner, ok_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated_apps"
    result = runner.invoke(app, ["build", str(ok_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    target = out / "dinas-uji" / "surat-uji" / "v1"
    assert sorted(p.name for p in target.iterdir()) == [
        "definition.json",
        "manifest.json",
        "submission.schema.json",
    ]
    assert f"{ok_file} → {target}" in result.stdout


def test_build_refuses_a_definition_with_errors(
    runner: CliRunner, ok_file: Path, bad_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "generated_apps"
    result = runner.invoke(app, ["build", str(ok_file), str(bad_file), "--out", str(out)])
    assert result.exit_code == 1
    assert not out.exists()  # nothing written, not even the valid one
    assert "Nothing built" in result.stderr
    assert "unknown-initial-state" in result.stdout


def test_build_refuses_a_non_json_file(
    runner: CliRunner, broken_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "generated_apps"
    result = runner.invoke(app, ["build", str(broken_file), "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_build_accepts_warnings(runner: CliRunner, tmp_path: Path) -> None:
    definition = fresh_definition()
    mutate(definition, "/roles/lurah", "Lurah")
    path = write(tmp_path / "warn.json", definition)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(path), "--out", str(out)])
    assert result.exit_code == 0
    assert (out / "dinas-uji" / "surat-uji" / "v1" / "manifest.json").is_file()


# -- diff -----------------------------------------------------------------------------------------


def test_diff_prints_changes(runner: CliRunner, ok_file: Path, tmp_path: Path) -> None:
    new = fresh_definition()
    mutate(new, "/form/pages/0/fields/6/required", True)
    mutate(new, "/roles/lurah", "Lurah")
    new_file = write(tmp_path / "new.json", new)
    result = runner.invoke(app, ["diff", str(ok_file), str(new_file)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "~ Field 'Email' sekarang wajib diisi.",
        "+ Peran 'lurah' ditambahkan.",
    ]
    english = runner.invoke(app, ["diff", "--lang", "en", str(ok_file), str(new_file)])
    assert english.stdout.splitlines() == [
        "~ Field 'Email' is now required.",
        "+ Role 'lurah' added.",
    ]
    as_json = runner.invoke(app, ["diff", "--json", str(ok_file), str(new_file)])
    assert [(c["kind"], c["area"]) for c in json.loads(as_json.stdout)] == [
        ("changed", "field"),
        ("added", "role"),
    ]


def test_diff_without_changes(runner: CliRunner, ok_file: Path, tmp_path: Path) -> None:
    same = write(tmp_path / "same.json", fresh_definition())
    result = runner.invoke(app, ["diff", str(ok_file), str(same)])
    assert result.exit_code == 0
    assert result.stdout.strip() == "Tidak ada perubahan."


def test_diff_of_a_non_json_file(runner: CliRunner, ok_file: Path, broken_file: Path) -> None:
    result = runner.invoke(app, ["diff", str(ok_file), str(broken_file)])
    assert result.exit_code == 2
    assert "json-syntax" in result.stdout


def test_diff_of_a_malformed_definition_does_not_crash(
    runner: CliRunner, ok_file: Path, tmp_path: Path
) -> None:
    malformed = write(
        tmp_path / "malformed.json", {"form": {"pages": [{"id": "p", "fields": "x"}]}}
    )
    result = runner.invoke(app, ["diff", str(ok_file), str(malformed)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in {1, 2}


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert "validate" in result.output
    assert "build" in result.output
    assert "diff" in result.output
