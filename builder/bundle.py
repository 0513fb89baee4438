"""Building a published bundle: the frozen definition, its submission schema and a manifest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import __version__
from builder.canonical import digest, pretty
from builder.compiler import compile_definition
from builder.metaschema import FORMAT


def normalise(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The normal form of a valid definition: `from` always a list, version present."""
    result: dict[str, Any] = json_copy(definition)
    result.setdefault("version", 1)
    for transition in result.get("workflow", {}).get("transitions", []):
        if isinstance(transition.get("from"), str):
            transition["from"] = [transition["from"]]
    return result


def json_copy(value: Any) -> Any:
    """A deep copy of plain JSON data."""
    if isinstance(value, Mapping):
        return {str(k): json_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class Bundle:
    """The files of one built service version, in memory."""

    agency: str
    service: str
    version: int
    sha256: str
    files: dict[str, str]

    @property
    def relative_dir(self) -> Path:
        """generated_apps/<agency>/<service>/v<version>."""
        return Path(self.agency) / self.service / f"v{self.version}"


def make_bundle(definition: Mapping[str, Any], version: int | None = None) -> Bundle:
    """Build the bundle of a valid definition in memory (deterministic: no clocks, no randomness)."""
    normal = normalise(definition)
    if version is not None:
        normal["version"] = version
    compiled = compile_definition(normal)
    files = {
        "definition.json": pretty(normal),
        "submission.schema.json": pretty(compiled.schema),
    }
    manifest = {
        "format": FORMAT,
        "agency": normal["agency"],
        "service": normal["id"],
        "version": normal["version"],
        "sha256": digest(normal),
        "builder_version": __version__,
        "files": {name: digest_text(text) for name, text in sorted(files.items())},
    }
    files["manifest.json"] = pretty(manifest)
    return Bundle(normal["agency"], normal["id"], normal["version"], manifest["sha256"], files)


def digest_text(text: str) -> str:
    """sha256 of a file's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_bundle(bundle: Bundle, out_dir: Path) -> Path:
    """Write a bundle under `out_dir`; files are replaced atomically."""
    target = out_dir / bundle.relative_dir
    target.mkdir(parents=True, exist_ok=True)
    for name, text in bundle.files.items():
        temporary = target / f".{name}.tmp"
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(target / name)
    return target


def read_bundle(directory: Path) -> dict[str, Any]:
    """Read a bundle's manifest and definition, checking the definition against its hash."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    definition = json.loads((directory / "definition.json").read_text(encoding="utf-8"))
    if digest(definition) != manifest.get("sha256"):
        raise ValueError(f"{directory}: definition.json does not match the manifest's sha256")
    return {"manifest": manifest, "definition": definition}
