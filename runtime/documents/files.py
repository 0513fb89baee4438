"""Where issued documents' signed PDFs are kept: the file store (runtime.storage) under
``documents/<storage_name>`` (with local storage, ``$LOKET_DATA_DIR/documents/<storage_name>``).

The bytes are written once and never changed; the database row (`IssuedDocument`) holds the
sha256, so a changed or missing file is noticed when it is served or verified.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session

from runtime.storage import FileMissing, FileStore, LocalStore, as_store

FOLDER = "documents"


def document_key(storage_name: str) -> str:
    """The file store key of an issued document (storage names are generated tokens)."""
    if not storage_name or "/" in storage_name or "\\" in storage_name or storage_name[0] == ".":
        raise ValueError("not a storage name")
    return f"{FOLDER}/{storage_name}"


def document_path(data_dir: Path, storage_name: str) -> Path:
    """The file of an issued document with local storage."""
    return data_dir / document_key(storage_name)


def store_document(
    store: FileStore | Path, storage_name: str, content: bytes, *, session: Session | None = None
) -> str:
    """Write a new document durably, refusing to overwrite an existing one; its key. With
    `session`, the database store writes in that session's transaction."""
    key = document_key(storage_name)
    as_store(store).put(key, content, session=session)
    return key


def write_document(data_dir: Path, storage_name: str, content: bytes) -> Path:
    """Write a new document file into a data folder (local storage); its path."""
    store_document(LocalStore(data_dir), storage_name, content)
    return document_path(data_dir, storage_name)


def read_document(store: FileStore | Path, storage_name: str, sha256: str) -> bytes | None:
    """The document's bytes when the file exists and still has the recorded sha256."""
    try:
        content = as_store(store).read(document_key(storage_name))
    except (FileMissing, OSError, ValueError):
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None
