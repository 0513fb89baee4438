"""Where file bytes live: citizens' and officers' uploads and issued documents' signed PDFs.

`FileStore` (runtime.storage.base) is the small interface every part of Loket uses for a file:
put bytes under a key, read them back whole or in chunks, check whether a key exists and its
size, delete it, and list keys under a prefix (for pruning orphans). Two stores implement it:

* `LocalStore` (``LOKET_STORAGE=local``, the default): files in ``$LOKET_DATA_DIR``, a key
  ``attachments/ab/ab….pdf`` is the path below that folder. For one machine, or several that
  share the folder (NFS).
* `DatabaseStore` (``LOKET_STORAGE=database``): the bytes in the database itself, in chunks
  (tables ``stored_files`` and ``file_chunks``), so every app process on every machine that
  reaches the database sees every file with nothing else to share. Works on SQLite and
  PostgreSQL alike.

`open_store(settings, engine)` gives the store the settings choose; `app.state.store` holds the
web application's.

Dependency rule: this package depends on runtime.settings and the database layer (runtime.db
and the tables in runtime.models) only; it never imports web code (fastapi, starlette,
runtime.web, runtime.routes, runtime.app). tests/runtime/storage/test_dependency_rule.py
enforces it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from runtime.settings import Settings
from runtime.storage.base import CHUNK, FileInfo, FileMissing, FileStore, check_key
from runtime.storage.database import DatabaseStore
from runtime.storage.local import LocalStore

__all__ = [
    "CHUNK",
    "DatabaseStore",
    "FileInfo",
    "FileMissing",
    "FileStore",
    "LocalStore",
    "as_store",
    "check_key",
    "open_store",
]


def open_store(settings: Settings, engine: Engine) -> FileStore:
    """The file store LOKET_STORAGE chooses: the data folder, or the database of `engine`."""
    if settings.storage == "database":
        return DatabaseStore(engine)
    return LocalStore(settings.data_dir)


def as_store(store_or_folder: FileStore | Path) -> FileStore:
    """A store as given, or the local store over a data folder (commands and tests that
    know only the folder)."""
    if isinstance(store_or_folder, Path):
        return LocalStore(store_or_folder)
    return store_or_folder
