"""Loading a definition from a path, a JSON string or a dict, without ever raising on bad input."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.jsontext import JsonTextError, SyntaxProblem, outside_strings, parse
from builder.problems import Problem, problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 64


@dataclass
class Loaded:
    """A loaded definition (or None) and the problems met while reading it."""

    definition: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    source: str = "<definition>"

    @property
    def ok(self) -> bool:
        """True when a definition object was read."""
        return self.definition is not None


def _depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    for index in outside_strings(text):
        char = text[index]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _value_depth(value: Any, limit: int) -> int:
    """Nesting depth of an in-memory value, stopping once past `limit`."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def loads(text: str | bytes, source: str = "<definition>") -> Loaded:
    """Parse a JSON text into a definition."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return Loaded(None, [problem("too-large", "", size=len(text), limit=MAX_BYTES)], source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return Loaded(
                None, [problem("file-unreadable", "", reason=f"not UTF-8 ({exc.reason})")], source
            )
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return Loaded(None, [problem("too-large", "", size=size, limit=MAX_BYTES)], source)
    if _depth(text) > MAX_DEPTH:
        return Loaded(None, [problem("too-deep", "", limit=MAX_DEPTH)], source)
    try:
        value, duplicates = parse(text)
    except JsonTextError as exc:
        return Loaded(None, [syntax_problem(exc.problem)], source)
    loaded = from_value(value, source)
    if loaded.definition is not None:
        loaded.problems.extend(
            problem(
                "duplicate-key",
                item.pointer,
                key=item.key,
                first_line=item.first.line,
                first_column=item.first.column,
                line=item.again.line,
                column=item.again.column,
            )
            for item in duplicates
        )
    return loaded


def syntax_problem(found: SyntaxProblem) -> Problem:
    """The `json-syntax` problem for a text that is not JSON."""
    return problem(
        "json-syntax",
        "",
        line=found.at.line,
        column=found.at.column,
        reason_id=found.reason["id"],
        reason_en=found.reason["en"],
        hint_id=found.hint["id"],
        hint_en=found.hint["en"],
        excerpt=found.excerpt,
    )


def from_value(value: Any, source: str = "<definition>") -> Loaded:
    """Accept an already parsed value as a definition."""
    if not isinstance(value, Mapping):
        return Loaded(None, [problem("not-object", "", found=_kind(value))], source)
    if _value_depth(value, MAX_DEPTH) > MAX_DEPTH:
        return Loaded(None, [problem("too-deep", "", limit=MAX_DEPTH)], source)
    try:
        # Through JSON and back: keys become strings, only JSON values remain, and the caller's
        # object is never shared with what the builder keeps.
        plain = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        return Loaded(None, [problem("invalid-structure", "", detail=str(exc)[:200])], source)
    return Loaded(plain, [], source)


# What a path is when it is not a regular file, in both languages.
_SPECIAL_FILES: tuple[tuple[Any, str, str], ...] = (
    (stat.S_ISDIR, "folder", "a folder"),
    (stat.S_ISFIFO, "pipa (FIFO)", "a pipe (FIFO)"),
    (stat.S_ISCHR, "perangkat karakter", "a character device"),
    (stat.S_ISBLK, "perangkat blok", "a block device"),
    (stat.S_ISSOCK, "soket", "a socket"),
)


def _not_regular(target: Path, mode: int) -> Loaded:
    kind, kind_en = next(
        ((i, e) for test, i, e in _SPECIAL_FILES if test(mode)), ("berkas khusus", "a special file")
    )
    return Loaded(None, [problem("not-a-file", "", kind=kind, kind_en=kind_en)], str(target))


def load_path(path: str | Path) -> Loaded:
    """Read a definition file; anything but a regular file (a pipe, a device) is refused
    unopened, since reading one could wait forever or never end."""
    target = Path(path)
    try:
        mode = target.stat().st_mode
        if not stat.S_ISREG(mode):
            return _not_regular(target, mode)
        # Non-blocking open: a path swapped for a pipe after the check cannot hang the open.
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return _not_regular(target, mode)
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return Loaded(
            None, [problem("file-unreadable", "", reason=exc.strerror or str(exc))], str(target)
        )
    if len(data) > MAX_BYTES:
        size = target.stat().st_size
        return Loaded(None, [problem("too-large", "", size=size, limit=MAX_BYTES)], str(target))
    return loads(data, str(target))


def load(source: str | bytes | Path | Mapping[str, Any]) -> Loaded:
    """Load a definition from a Path, a JSON text (str or bytes) or a dict."""
    if isinstance(source, Path):
        return load_path(source)
    if isinstance(source, str | bytes):
        return loads(source)
    return from_value(source)
