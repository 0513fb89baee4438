"""Bundles: deterministic files, a manifest that matches, tampering detected."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from builder import __version__
from builder.bundle import make_bundle, normalise, read_bundle, write_bundle
from builder.canonical import canonical_bytes, digest, pretty
from builder.compiler import compile_definition

FILES = ["definition.json", "manifest.json", "submission.schema.json"]


def build(definition: dict[str, Any], out: Path) -> Path:
    return write_bundle(make_bundle(definition), out)


def test_building_twice_gives_byte_identical_files(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    first = build(valid_definition, tmp_path / "a")
    # same content, keys in another order: still the same bytes
    shuffled = json.loads(json.dumps(valid_definition), object_pairs_hook=lambda p: dict(p[::-1]))
    second = build(shuffled, tmp_path / "b")
    assert sorted(p.name for p in first.iterdir()) == FILES
    assert sorted(p.name for p in second.iterdir()) == FILES
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_bundle_layout(valid_definition: dict[str, Any], tmp_path: Path) -> None:
    target = build(valid_definition, tmp_path)
    assert target == tmp_path / "dinas-uji" / "surat-uji" / "v1"
    assert not list(target.glob(".*.tmp"))
    for name in FILES:
        text = (target / name).read_text(encoding="utf-8")
        assert text.endswith("\n")
        assert "\r" not in text
        json.loads(text)


def test_manifest_hash_matches_the_definition_file(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    target = build(valid_definition, tmp_path)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    written = json.loads((target / "definition.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == digest(written)
    assert manifest["format"] == "loket/service@1"
    assert (manifest["agency"], manifest["service"], manifest["version"]) == (
        "dinas-uji",
        "surat-uji",
        1,
    )
    assert manifest["builder_version"] == __version__
    assert set(manifest["files"]) == {"definition.json", "submission.schema.json"}

    for name, sha in manifest["files"].items():
        assert hashlib.sha256((target / name).read_bytes()).hexdigest() == sha, name


def test_definition_file_is_the_normal_form(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    target = build(valid_definition, tmp_path)
    written = json.loads((target / "definition.json").read_text(encoding="utf-8"))
    assert written == normalise(valid_definition)
    assert written["version"] == 1
    assert all(isinstance(t["from"], list) for t in written["workflow"]["transitions"])
    assert (target / "definition.json").read_text(encoding="utf-8") == pretty(written)
    # normalising does not touch the caller's definition
    assert valid_definition["workflow"]["transitions"][0]["from"] == "diajukan"
    assert "version" not in valid_definition


def test_submission_schema_file_is_the_compiled_schema(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    target = build(valid_definition, tmp_path)
    written = json.loads((target / "submission.schema.json").read_text(encoding="utf-8"))
    assert written == compile_definition(normalise(valid_definition)).schema


def test_version_goes_into_the_path_and_manifest(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    bundle = make_bundle(valid_definition, version=3)
    target = write_bundle(bundle, tmp_path)
    assert target.name == "v3"
    assert json.loads((target / "manifest.json").read_text(encoding="utf-8"))["version"] == 3
    assert bundle.sha256 != make_bundle(valid_definition).sha256


def test_read_bundle_round_trip(valid_definition: dict[str, Any], tmp_path: Path) -> None:
    target = build(valid_definition, tmp_path)
    read = read_bundle(target)
    assert read["definition"] == normalise(valid_definition)
    assert read["manifest"]["sha256"] == digest(read["definition"])


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.__setitem__("title", "Surat palsu"), id="retitled"),
        pytest.param(
            lambda d: d["workflow"]["transitions"][3]["roles"].append("petugas"), id="role-added"
        ),
        pytest.param(lambda d: d["form"]["pages"][0]["fields"].pop(), id="field-removed"),
    ],
)
def test_read_bundle_detects_a_tampered_definition(
    valid_definition: dict[str, Any], tmp_path: Path, tamper: Any
) -> None:
    target = build(valid_definition, tmp_path)
    path = target / "definition.json"
    definition = json.loads(path.read_text(encoding="utf-8"))
    tamper(definition)
    path.write_text(pretty(definition), encoding="utf-8")
    with pytest.raises(ValueError, match="does not match the manifest"):
        read_bundle(target)


def test_reformatting_the_definition_is_not_tampering(
    valid_definition: dict[str, Any], tmp_path: Path
) -> None:
    target = build(valid_definition, tmp_path)
    path = target / "definition.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    assert read_bundle(target)["definition"]["id"] == "surat-uji"


def test_canonical_json() -> None:
    assert canonical_bytes({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    assert digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1})
    assert digest({"a": 1}) != digest({"a": 2})
