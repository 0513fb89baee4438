"""Where issued documents' signed PDFs are kept: ``$LOKET_DATA_DIR/documents/<storage_name>``.

The bytes are written once and never changed; the database row (`IssuedDocument`) holds the
sha256, so a changed or missing file is noticed when it is served or verified.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FOLDER = "documents"


def document_path(data_dir: Path, storage_name: str) -> Path:
    """The file of an issued document (storage names are generated tokens, never user input)."""
    if not storage_name or "/" in storage_name or "\\" in storage_name or storage_name[0] == ".":
        raise ValueError("not a storage name")
    return data_dir / FOLDER / storage_name


def write_document(data_dir: Path, storage_name: str, content: bytes) -> Path:
    """Write a new document file durably (fsync), refusing to overwrite an existing one."""
    path = document_path(data_dir, storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_document(data_dir: Path, storage_name: str, sha256: str) -> bytes | None:
    """The document's bytes when the file exists and still has the recorded sha256."""
    try:
        content = document_path(data_dir, storage_name).read_bytes()
    except (OSError, ValueError):
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None
