"""Files in the data folder: the key is the path below ``$LOKET_DATA_DIR``."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from runtime.storage.base import CHUNK, FileInfo, FileMissing, check_key


class LocalStore:
    """A `FileStore` over a folder (``LOKET_STORAGE=local``).

    A new file is written to a hidden temporary name beside its place, flushed to disk
    (fsync) and then linked to its key, which fails if the key exists: a reader never sees a
    partly written file, and a crash leaves at most a hidden temporary that no key names.
    """

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(self.root)

    def path(self, key: str) -> Path:
        """Where the key's file lives."""
        return self.root / check_key(key)

    def put(self, key: str, data: bytes | BinaryIO, *, session: Session | None = None) -> int:
        """Write a new file durably; FileExistsError when the key is taken."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.parent / f".{secrets.token_urlsafe(16)}.part"
        try:
            with temporary.open("xb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
                size = out.tell()
            os.link(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return size

    def read(self, key: str) -> bytes:
        """The whole file."""
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The file in chunks; the file is opened at once (FileMissing now, not later)."""
        try:
            handle = self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None
        return _chunks(handle, chunk_size)

    def exists(self, key: str) -> bool:
        """Whether the key's file is there."""
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        """The file's size, or None."""
        try:
            return self.path(key).stat().st_size
        except OSError:
            return None

    def delete(self, key: str) -> bool:
        """Remove the key's file."""
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def list(self, prefix: str) -> Iterator[FileInfo]:
        """The files below the prefix's folder (hidden temporaries are skipped)."""
        folder = self.path(prefix)
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            try:
                check_key(key)
                stat = path.stat()
            except (ValueError, OSError):
                continue
            if path.is_file():
                created = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
                yield FileInfo(key, stat.st_size, created)

    def check(self) -> str | None:
        """The data folder must exist and be writable."""
        if not self.root.is_dir():
            return "data folder missing"
        if not os.access(self.root, os.W_OK | os.X_OK):
            return "data folder not writable"
        return None


def _chunks(handle: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk
