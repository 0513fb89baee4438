"""The FileStore contract, run against both stores: the data folder (LocalStore) and the
database (DatabaseStore on SQLite, and on PostgreSQL when LOKET_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from runtime.models import FileChunk, StoredFile
from runtime.storage import CHUNK, DatabaseStore, FileMissing, FileStore, LocalStore

BIG = bytes(range(256)) * (CHUNK // 256 * 2 + 7)  # two full chunks and a bit


@pytest.fixture(params=["local", "database"])
def files(request: pytest.FixtureRequest, tmp_path: Path, engine: Engine) -> Iterator[FileStore]:
    """Each store; the database one on every database of the `engine` fixture (SQLite, and
    PostgreSQL when LOKET_TEST_DATABASE_URL is set)."""
    if request.param == "database":
        yield DatabaseStore(engine)
    elif engine.dialect.name == "sqlite":
        (tmp_path / "data").mkdir()  # as create_app does
        yield LocalStore(tmp_path / "data")
    else:
        pytest.skip("the local store does not depend on the database: run once, with SQLite")


def test_put_then_read_back_whole_and_in_chunks(files: FileStore) -> None:
    assert files.put("attachments/ab/abc.pdf", b"%PDF-1.7 small") == 14
    assert files.read("attachments/ab/abc.pdf") == b"%PDF-1.7 small"
    assert files.exists("attachments/ab/abc.pdf")
    assert files.size("attachments/ab/abc.pdf") == 14

    assert files.put("documents/big.pdf", io.BytesIO(BIG)) == len(BIG)
    chunks = list(files.iter_chunks("documents/big.pdf"))
    assert b"".join(chunks) == BIG
    assert len(chunks) >= 3 and all(len(chunk) <= CHUNK for chunk in chunks)
    assert files.size("documents/big.pdf") == len(BIG)


def test_generated_names_may_start_with_a_dash_or_underscore(files: FileStore) -> None:
    for key in ("attachments/_e/_eMaSt5.pdf", "attachments/-x/-xY.png"):
        files.put(key, b"x")
        assert files.read(key) == b"x"


def test_a_file_object_is_read_from_where_it_stands(files: FileStore) -> None:
    source = io.BytesIO(b"skip-this|keep this")
    source.seek(10)
    assert files.put("documents/part.pdf", source) == 9
    assert files.read("documents/part.pdf") == b"keep this"


def test_an_empty_file_is_a_file(files: FileStore) -> None:
    assert files.put("documents/empty.pdf", b"") == 0
    assert files.exists("documents/empty.pdf")
    assert files.read("documents/empty.pdf") == b""
    assert files.size("documents/empty.pdf") == 0


def test_a_key_is_written_once(files: FileStore) -> None:
    files.put("documents/once.pdf", b"first")
    with pytest.raises(FileExistsError):
        files.put("documents/once.pdf", b"second")
    assert files.read("documents/once.pdf") == b"first"


def test_missing_files(files: FileStore) -> None:
    assert not files.exists("documents/none.pdf")
    assert files.size("documents/none.pdf") is None
    with pytest.raises(FileMissing):
        files.read("documents/none.pdf")
    with pytest.raises(FileMissing):  # at once, not when the first chunk is asked for
        files.iter_chunks("documents/none.pdf")
    assert files.delete("documents/none.pdf") is False


def test_delete(files: FileStore) -> None:
    files.put("attachments/ab/gone.pdf", BIG)
    assert files.delete("attachments/ab/gone.pdf") is True
    assert not files.exists("attachments/ab/gone.pdf")
    with pytest.raises(FileMissing):
        files.read("attachments/ab/gone.pdf")
    files.put("attachments/ab/gone.pdf", b"again")  # the key is free again
    assert files.read("attachments/ab/gone.pdf") == b"again"


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "../x", "a/../b", "a//b", ".hidden", "a/.b", "a\\b", "a b", "x" * 256],
)
def test_only_safe_keys(files: FileStore, key: str) -> None:
    with pytest.raises(ValueError):
        files.put(key, b"x")
    with pytest.raises(ValueError):
        files.exists(key)


def test_list_gives_the_files_under_a_prefix_with_their_age(files: FileStore) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    files.put("attachments/ab/one.pdf", b"1")
    files.put("attachments/cd/two.pdf", b"22")
    files.put("documents/three.pdf", b"333")
    files.put("attachments_x/not-under.pdf", b"4")  # shares the prefix's letters only
    listed = list(files.list("attachments"))
    assert [(i.key, i.size) for i in listed] == [
        ("attachments/ab/one.pdf", 1),
        ("attachments/cd/two.pdf", 2),
    ]
    after = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    assert all(before <= info.created_at <= after for info in listed)
    assert [i.key for i in files.list("documents")] == ["documents/three.pdf"]
    assert list(files.list("nothing")) == []


def test_the_store_is_ready(files: FileStore) -> None:
    assert files.check() is None
    assert files.name in ("local", "database")


# -- what only one store does ------------------------------------------------------------------


def test_local_files_live_under_their_key_and_no_temporary_is_left(tmp_path: Path) -> None:
    files = LocalStore(tmp_path)
    files.put("attachments/ab/abc.pdf", BIG)
    assert (tmp_path / "attachments" / "ab" / "abc.pdf").read_bytes() == BIG
    assert sorted(p.name for p in (tmp_path / "attachments" / "ab").iterdir()) == ["abc.pdf"]
    os.utime(tmp_path / "attachments" / "ab" / "abc.pdf", (1, 1))
    (info,) = files.list("attachments")
    assert info.created_at == dt.datetime.fromtimestamp(1, dt.UTC)


def test_a_local_store_that_cannot_be_written_is_not_ready(tmp_path: Path) -> None:
    assert LocalStore(tmp_path / "missing").check() == "data folder missing"
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root ignores the mode
            pytest.skip("running as root: a read-only folder is still writable")
        assert LocalStore(folder).check() == "data folder not writable"
    finally:
        folder.chmod(0o700)


def _rows(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        files = session.execute(select(func.count()).select_from(StoredFile)).scalar_one()
        chunks = session.execute(select(func.count()).select_from(FileChunk)).scalar_one()
    return int(files), int(chunks)


def test_database_files_are_chunk_rows_and_deleting_removes_them(engine: Engine) -> None:
    files = DatabaseStore(engine)
    files.put("documents/big.pdf", BIG)
    assert _rows(engine) == (1, 3)
    files.delete("documents/big.pdf")
    assert _rows(engine) == (0, 0)


def test_database_put_in_a_session_goes_with_its_transaction(engine: Engine) -> None:
    files = DatabaseStore(engine)
    with Session(engine) as session:
        files.put("documents/rolled-back.pdf", b"%PDF", session=session)
        session.rollback()
    assert not files.exists("documents/rolled-back.pdf")
    with Session(engine) as session:
        files.put("documents/kept.pdf", b"%PDF", session=session)
        assert not files.exists("documents/kept.pdf") or engine.dialect.name == "sqlite"
        session.commit()
    assert files.read("documents/kept.pdf") == b"%PDF"


def test_a_failed_database_write_leaves_nothing(engine: Engine) -> None:
    class Broken(io.RawIOBase):
        calls = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            self.calls += 1
            if self.calls > 2:
                raise OSError("the upload broke off")
            buffer[: len(buffer)] = b"x" * len(buffer)
            return len(buffer)

    files = DatabaseStore(engine)
    with pytest.raises(OSError):
        files.put("documents/broken.pdf", io.BufferedReader(Broken(), CHUNK))
    assert not files.exists("documents/broken.pdf")
    assert _rows(engine) == (0, 0)


def test_database_store_is_not_ready_without_its_table(empty_engine: Engine) -> None:
    assert DatabaseStore(empty_engine).check() == "file table unreadable"


def test_a_slow_reader_holds_no_connection(engine: Engine) -> None:
    """Between chunks of a download the pool has every connection back."""
    files = DatabaseStore(engine)
    files.put("documents/big.pdf", BIG)
    chunks = files.iter_chunks("documents/big.pdf")
    next(chunks)
    time.sleep(0.01)
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert len(b"".join(chunks)) == len(BIG) - CHUNK
