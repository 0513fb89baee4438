"""The administrative areas of Indonesia with their Kemendagri codes, read once, lazily.

Four levels: province (`18`), regency or city (`18.71`), district / kecamatan (`18.71.01`) and
village / kelurahan or desa (`18.71.01.1001`). An area's parent is its code without the last
part. The data comes from the npm package idn-area-data (ODbL 1.0), compacted by
`scripts/regions_data.py` into `builder/data/regions.tsv.gz`; nothing is fetched at run time.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.texts import Message, msg

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.tsv.gz"
LEVELS = ("province", "regency", "district", "village")
LEVEL_TITLES: dict[str, Message] = {
    "province": msg("Provinsi", "Province"),
    "regency": msg("Kabupaten/kota", "Regency/city"),
    "district": msg("Kecamatan", "District (kecamatan)"),
    "village": msg("Kelurahan/desa", "Village (kelurahan/desa)"),
}


@dataclass(frozen=True)
class RegionData:
    """Every area: its name, and the areas under each parent (sorted by name)."""

    source: str
    names: Mapping[str, str]
    children: Mapping[str, tuple[str, ...]]  # "" holds the provinces


_DATA: RegionData | None = None
_LOCK = threading.Lock()


def _read(path: Path) -> RegionData:
    """Read the data file; its lines come grouped by parent, in name order."""
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")
    source = lines[0][1:].strip() if lines and lines[0].startswith("#") else ""
    names: dict[str, str] = {}
    grouped: dict[str, list[str]] = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        names[code] = name
        grouped.setdefault(code.rpartition(".")[0], []).append(code)
    return RegionData(source, names, {key: tuple(codes) for key, codes in grouped.items()})


def data() -> RegionData:
    """The areas, read from the data file the first time they are needed."""
    global _DATA
    if _DATA is None:
        with _LOCK:
            if _DATA is None:
                _DATA = _read(DATA_FILE)
    return _DATA


def parent(code: str) -> str:
    """The code of the area above (`""` for a province)."""
    return code.rpartition(".")[0]


def level_of(code: str) -> str | None:
    """`province`, `regency`, `district` or `village` by the shape of the code."""
    depth = code.count(".")
    return LEVELS[depth] if 0 <= depth < len(LEVELS) and code else None


def exists(code: Any) -> bool:
    """Whether `code` is a known area."""
    return isinstance(code, str) and code in data().names


def name(code: str) -> str:
    """The area's name ("" when unknown)."""
    return data().names.get(code, "")


def children(code: str) -> tuple[str, ...]:
    """The areas directly under `code` (`""`: the provinces), sorted by name."""
    return data().children.get(code, ())


def chain(code: str) -> list[str]:
    """The codes from the province down to `code` itself."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def is_within(code: str, within: str | None) -> bool:
    """Whether `code` lies inside the area `within` (always, without a restriction)."""
    return not within or code.startswith(within + ".")


def accepts(code: Any, within: str | None, level: str) -> bool:
    """Whether `code` is a known area at `level` inside `within`: a complete answer."""
    return exists(code) and is_within(code, within) and level_of(code) == level


def record(code: str) -> dict[str, Any]:
    """An answer as stored: the code and the names from the province down, as known today."""
    return {"code": code, "names": [name(c) for c in chain(code)]}


def deepest(raw: list[str], within: str | None, level: str) -> str | None:
    """The deepest known code of a run of choices that each sit inside the one before.

    A form posts one value per select, from the top down; once a choice does not sit directly
    inside the one before (the citizen changed a higher level), the lower ones are dropped.
    """
    found: str | None = None
    limit = LEVELS.index(level)
    for text in raw:
        code = text.strip()
        if not code:
            break
        if not exists(code) or not is_within(code, within):
            break
        if found is not None and parent(code) != found:
            break
        if LEVELS.index(level_of(code) or "village") > limit:
            break
        found = code
    return found
