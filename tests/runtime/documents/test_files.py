"""The document files: written once, read back only when their sha256 still matches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from runtime.documents.files import document_path, read_document, write_document


def test_written_once_and_read_back_when_unchanged(tmp_path: Path) -> None:
    content = b"%PDF-1.7 signed letter"
    digest = hashlib.sha256(content).hexdigest()
    path = write_document(tmp_path, "abc123.pdf", content)
    assert path == tmp_path / "documents" / "abc123.pdf"
    assert read_document(tmp_path, "abc123.pdf", digest) == content
    with pytest.raises(FileExistsError):
        write_document(tmp_path, "abc123.pdf", b"other")
    path.write_bytes(content + b"x")  # changed on disk
    assert read_document(tmp_path, "abc123.pdf", digest) is None
    assert read_document(tmp_path, "missing.pdf", digest) is None


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a/b.pdf", ".hidden", "a\\b"])
def test_only_plain_storage_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        document_path(tmp_path, name)
