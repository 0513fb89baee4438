"""Files in the database: a row per file (`stored_files`) and its bytes in chunks of at most
CHUNK bytes (`file_chunks`, bytea on PostgreSQL, BLOB on SQLite).

Why chunks in a table, and not PostgreSQL large objects or an object store: rows in a table
are copied by the same ``pg_dump`` and the same replication as the cases that name them, are
removed with a plain DELETE (large objects need ``lo_unlink`` or ``vacuumlo`` and are left
behind by a deleted row), work the same on SQLite (so the same tests run on both), and need no
other service. An S3-compatible object store would scale further for very large archives but
is one more service to run, secure and back up in step with the database; no such server is
available to this project's tests, so it is not built. Files here are small (uploads of a few
MB, letters of some hundred KB), chunked so that a download never holds a whole file in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from runtime import db
from runtime.models import FileChunk, StoredFile, utcnow
from runtime.storage.base import CHUNK, FileInfo, FileMissing, check_key

_FILES = StoredFile.__table__  # type: ignore[attr-defined]
_CHUNKS = FileChunk.__table__  # type: ignore[attr-defined]


class DatabaseStore:
    """A `FileStore` in the database of `engine` (``LOKET_STORAGE=database``)."""

    name = "database"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.location = engine.url.render_as_string(hide_password=True)

    def put(self, key: str, data: bytes | BinaryIO, *, session: Session | None = None) -> int:
        """Write the file's row and chunks in one transaction: `session`'s, else a new one.

        On SQLite (one writer at a time) a caller that holds a write transaction in another
        session must pass that session, or put the file before or after that transaction."""
        check_key(key)
        if session is not None:
            return self._write(session, key, data)
        with Session(self.engine) as own, db.serialised_writes(own):
            try:
                size = self._write(own, key, data)
                own.commit()
            except BaseException:
                own.rollback()
                raise
        return size

    def _write(self, session: Session, key: str, data: bytes | BinaryIO) -> int:
        connection = session.connection()
        try:  # a taken key fails the transaction (the caller rolls back)
            connection.execute(
                insert(_FILES).values(key=key, size=0, chunks=0, created_at=utcnow())
            )
        except IntegrityError:
            raise FileExistsError(key) from None
        size = 0
        seq = 0
        for chunk in _pieces(data):
            connection.execute(insert(_CHUNKS).values(key=key, seq=seq, data=chunk))
            size += len(chunk)
            seq += 1
        connection.execute(update(_FILES).where(_FILES.c.key == key).values(size=size, chunks=seq))
        return size

    def read(self, key: str) -> bytes:
        """The whole file."""
        return b"".join(self.iter_chunks(key))

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The file's stored chunks (each at most CHUNK bytes; `chunk_size` is not used), one
        short query per chunk, so a slow download holds no database connection."""
        check_key(key)
        with self.engine.connect() as connection:
            count = connection.execute(
                select(_FILES.c.chunks).where(_FILES.c.key == key)
            ).scalar_one_or_none()
        if count is None:
            raise FileMissing(key)
        return self._chunks(key, count)

    def _chunks(self, key: str, count: int) -> Iterator[bytes]:
        for seq in range(count):
            with self.engine.connect() as connection:
                data = connection.execute(
                    select(_CHUNKS.c.data).where(_CHUNKS.c.key == key, _CHUNKS.c.seq == seq)
                ).scalar_one_or_none()
            if data is None:  # deleted while being read
                raise FileMissing(key)
            yield bytes(data)

    def exists(self, key: str) -> bool:
        """Whether the file's row is there."""
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        """The file's size, or None."""
        check_key(key)
        with self.engine.connect() as connection:
            found = connection.execute(
                select(_FILES.c.size).where(_FILES.c.key == key)
            ).scalar_one_or_none()
        return None if found is None else int(found)

    def delete(self, key: str) -> bool:
        """Delete the chunks and the row in one transaction."""
        check_key(key)
        with Session(self.engine) as session, db.serialised_writes(session):
            session.execute(delete(_CHUNKS).where(_CHUNKS.c.key == key))
            gone = session.execute(delete(_FILES).where(_FILES.c.key == key)).rowcount  # type: ignore[attr-defined]
            session.commit()
        return bool(gone)

    def list(self, prefix: str) -> Iterator[FileInfo]:
        """The files whose key starts with `prefix` + ``/``."""
        check_key(prefix)
        files = _FILES.c
        query = (
            select(files.key, files.size, files.created_at)
            .where(files.key.startswith(prefix + "/", autoescape=True))
            .order_by(files.key)
        )
        with Session(self.engine) as session:
            rows = session.execute(query).all()
        for key, size, created_at in rows:
            yield FileInfo(key, int(size), created_at)

    def check(self) -> str | None:
        """The file table must be readable."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(func.count()).select_from(_FILES).limit(1))
        except SQLAlchemyError:
            return "file table unreadable"
        return None


def _pieces(data: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        for start in range(0, len(raw), CHUNK):
            yield raw[start : start + CHUNK]
        return
    while chunk := data.read(CHUNK):
        yield chunk
