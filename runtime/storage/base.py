"""The `FileStore` interface, its errors and the rule for keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from sqlmodel import Session

CHUNK = 256 * 1024
"""Bytes per chunk of a streamed read (and per row of the database store)."""

MAX_KEY = 255
_PART = r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]*"  # generated tokens may start with _ or -
_KEY = re.compile(f"{_PART}(/{_PART})*")


class FileMissing(LookupError):
    """No file is stored under the key."""


@dataclass(frozen=True)
class FileInfo:
    """A stored file as listed: its key, size and when it was written."""

    key: str
    size: int
    created_at: dt.datetime


def check_key(key: str) -> str:
    """The key if it is one a store accepts (``part/part.ext``: letters, digits, ``_.-``, no
    part starting with a dot, no ``..``, at most 255 characters), else ValueError."""
    if len(key) > MAX_KEY or not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FileStore(Protocol):
    """Bytes kept under keys. Files are written once and never changed: `put` refuses a key
    that exists (FileExistsError). Every method is synchronous (call it from the thread pool)."""

    name: str
    """``local`` or ``database`` (shown by /readyz and in logs)."""
    location: str
    """Where the files are: the folder, or the database URL without its password."""

    def put(self, key: str, data: bytes | BinaryIO, *, session: Session | None = None) -> int:
        """Store `data` (bytes, or a binary file read from where it stands to its end) under a
        new key and return its size; the file is complete or absent, never partly written.

        With `session`, a store that keeps files in the database writes in that session's
        transaction (committed or rolled back with it); other stores ignore it."""
        ...

    def read(self, key: str) -> bytes:
        """The whole file (FileMissing when absent)."""
        ...

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The file in chunks, for a download (FileMissing, raised at once, when absent)."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a file is stored under the key."""
        ...

    def size(self, key: str) -> int | None:
        """The file's size in bytes, None when absent."""
        ...

    def delete(self, key: str) -> bool:
        """Remove the file; whether there was one."""
        ...

    def list(self, prefix: str) -> Iterator[FileInfo]:
        """Every complete file whose key starts with `prefix` + ``/``."""
        ...

    def check(self) -> str | None:
        """None when the store can be used now; otherwise a short reason (for /readyz)."""
        ...
