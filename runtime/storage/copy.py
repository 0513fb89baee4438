"""Copying the files of one store into another (switching LOKET_STORAGE from local to
database): every file under the given prefixes whose key the target does not hold yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runtime.storage.base import FileStore

PREFIXES = ("attachments", "documents")
"""Where Loket keeps files: uploads and issued documents."""


@dataclass(frozen=True)
class Copied:
    """What a copy did: files copied, files the target already held, bytes copied."""

    copied: int
    present: int
    size: int


def copy_files(source: FileStore, target: FileStore, prefixes: Iterable[str] = PREFIXES) -> Copied:
    """Copy every file of `source` under `prefixes` that `target` lacks (run it again to resume:
    what was copied is skipped). The source is only read."""
    copied = present = size = 0
    for prefix in prefixes:
        for info in source.list(prefix):
            if target.exists(info.key):
                present += 1
                continue
            size += target.put(info.key, source.read(info.key))
            copied += 1
    return Copied(copied, present, size)
