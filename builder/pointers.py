"""JSON pointers (RFC 6901) for naming a place in a definition or an answer set."""

from __future__ import annotations

from collections.abc import Iterable


def escape(part: str | int) -> str:
    """Escape one reference token."""
    return str(part).replace("~", "~0").replace("/", "~1")


def join(base: str, *parts: str | int) -> str:
    """Append reference tokens to a pointer."""
    return base + "".join("/" + escape(part) for part in parts)


def from_parts(parts: Iterable[str | int]) -> str:
    """Build a pointer from a sequence of tokens."""
    return join("", *parts)


def split(pointer: str) -> list[str]:
    """Split a pointer into its unescaped tokens."""
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
