"""File uploads: size limits while reading, type by content (magic bytes), generated storage names."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.responses import FileResponse, Response

from runtime.models import Attachment
from runtime.references import new_token

CHUNK = 64 * 1024
DEFAULT_MAX_MB = 2  # a file field whose definition names no `max_mb`
TEXT_MARGIN_BYTES = 512 * 1024  # room for a form's text inputs beside its files


def max_bytes(spec: Mapping[str, Any]) -> int:
    """The most a file field may hold, from its `max_mb`."""
    return int(float(spec.get("max_mb", DEFAULT_MAX_MB)) * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    """The media type of a file judged by its first bytes, for the types Loket accepts."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in {
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
    }:
        return "image/heic"
    return None


@dataclass(frozen=True)
class Stored:
    """A file written to the attachment store."""

    id: str
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str

    def answer(self) -> dict[str, Any]:
        """The reference kept in the answers."""
        return {
            "id": self.id,
            "name": self.original_name,
            "size": self.size,
            "content_type": self.content_type,
            "sha256": self.sha256,
        }


class UploadRejected(Exception):
    """An upload that cannot be accepted; `reason` is too_big, bad_type or empty."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def attachment_path(data_dir: Path, storage_name: str) -> Path:
    """Where a stored file lives (outside any static route)."""
    return data_dir / "attachments" / storage_name[:2] / storage_name


def clean_name(name: str) -> str:
    """A safe display name: no path parts or control characters, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*;')
    return (base.strip() or "berkas")[:120]


def store_upload(
    upload: UploadFile, *, data_dir: Path, max_bytes: int, accept: list[str]
) -> Stored:
    """Copy an upload into the store, checking size while reading and type by content.

    Synchronous on purpose: routes that store files run in the thread pool, never on the
    event loop.
    """
    storage_name = new_token()
    target = attachment_path(data_dir, storage_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    temporary = target.with_suffix(".part")
    try:
        with temporary.open("wb") as out:
            while True:
                chunk = upload.file.read(CHUNK)
                if not chunk:
                    break
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejected("too_big")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadRejected("empty")
        kind = sniff(head)
        if kind is None or kind not in accept:
            raise UploadRejected("bad_type")
        temporary.replace(target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return Stored(
        new_token(), storage_name, clean_name(upload.filename or ""), kind, size, digest.hexdigest()
    )


def download_response(data_dir: Path, attachment: Attachment) -> Response:
    """A stored file sent as a download, never rendered inline."""
    path = attachment_path(data_dir, attachment.storage_name)
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.original_name,
        content_disposition_type="attachment",
    )


class CappedMultiPartParser(MultiPartParser):
    """Multipart parsing that keeps at most `cap + 1` bytes of each capped file field.

    Every multipart form of the pages is read with it (`web.posted_form`), capped or not.

    The rest of an oversized file is dropped as it streams in, so it is never spooled whole;
    what is kept is still one byte over the field's limit, and `store_upload` then refuses it
    as too big, with the page shown again and every other answer kept.
    """

    def __init__(self, *args: Any, caps: Mapping[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._caps = caps
        self._kept: dict[int, int] = {}

    async def parse(self) -> FormData:
        """The form; spooled files of a part cut off by the body's end are closed, not leaked."""
        form = await super().parse()
        kept = {id(value.file) for _, value in form.multi_items() if isinstance(value, UploadFile)}
        for spooled in self._files_to_close_on_error:
            if id(spooled) not in kept:
                spooled.close()
        return form

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        """Pass on a file's data only up to one byte past its field's cap."""
        part = self._current_part
        cap = self._caps.get(part.field_name) if part.file is not None else None
        if cap is not None:
            kept = self._kept.get(id(part), 0)
            end = min(end, start + max(0, cap + 1 - kept))
            self._kept[id(part)] = kept + (end - start)
            if end <= start:
                return
        super().on_part_data(data, start, end)
