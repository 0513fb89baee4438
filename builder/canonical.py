"""Canonical JSON and content hashes of definitions."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(value: Any) -> str:
    """sha256 (hex) of the canonical JSON of a value."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def pretty(value: Any) -> str:
    """Readable, stable JSON for files people open: two-space indent, sorted keys, final newline."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
