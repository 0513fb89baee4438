"""File uploads: size limits while reading, type by content (magic bytes), generated storage names.

The bytes go to the file store (runtime.storage) under ``attachments/<ab>/<storage name>``.

A stored file's name is a random token plus the extension of the type found in its content
(`Ab3…x9.pdf`), never anything the uploader chose. The uploader's file name is kept only as
display text, cleaned by `clean_name`; a download is offered as that name with its extension
replaced by the detected type's (`download_name`), in a `Content-Disposition` header with an
ASCII fallback and the UTF-8 name (`content_disposition`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import Response, StreamingResponse

from runtime.models import Attachment
from runtime.references import new_token
from runtime.storage import FileStore, as_store

CHUNK = 64 * 1024
DEFAULT_MAX_MB = 2  # a file field whose definition names no `max_mb`
TEXT_MARGIN_BYTES = 512 * 1024  # room for a form's text inputs beside its files


def max_bytes(spec: Mapping[str, Any]) -> int:
    """The most a file field may hold, from its `max_mb`."""
    return int(float(spec.get("max_mb", DEFAULT_MAX_MB)) * 1024 * 1024)


EXTENSIONS: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
}
"""The extension a stored file gets for each type `sniff` recognises."""

_SAME_EXTENSIONS: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/heic": frozenset({".heic", ".heif"}),
}
_UNSAFE = frozenset("<>:\"/\\|?*;%$`'&{}^")  # markup, shell, path and quoting characters


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

    def attachment(self, field_key: str, **placement: Any) -> Attachment:
        """The file's row, for `field_key`, not yet in the database; `placement` sets the
        rest (draft_id, created_at)."""
        return Attachment(
            id=self.id,
            field_key=field_key,
            original_name=self.original_name,
            content_type=self.content_type,
            size=self.size,
            sha256=self.sha256,
            storage_name=self.storage_name,
            **placement,
        )


class UploadRejected(Exception):
    """An upload that cannot be accepted; `reason` is too_big, bad_type or empty."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ATTACHMENTS = "attachments"
"""The prefix of uploaded files' keys in the file store."""


def attachment_key(storage_name: str) -> str:
    """The file store key of an uploaded file: ``attachments/<first two>/<storage name>``."""
    return f"{ATTACHMENTS}/{storage_name[:2]}/{storage_name}"


def attachment_path(data_dir: Path, storage_name: str) -> Path:
    """Where a stored file lives in the data folder with local storage (outside any static
    route)."""
    return data_dir / attachment_key(storage_name)


def clean_name(name: str) -> str:
    """A safe display name: the last path part without control, format (bidirectional
    overrides), shell or markup characters, spaces collapsed, no leading dots, at most 120
    characters; `berkas` when nothing is left."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        ch if ch.isprintable() and ch not in _UNSAFE else " "
        for ch in base
        if unicodedata.category(ch) != "Cf"
    )
    base = " ".join(base.split()).lstrip(". ")[:120].rstrip(". ")
    stem, dot, suffix = base.rpartition(".")
    if dot and stem:
        base = f"{stem.rstrip()}.{suffix.lstrip()}"
    return base or "berkas"


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is offered under: the cleaned display name whose last extension is
    replaced by the detected type's (`ktp.pdf.bat` → `ktp.pdf`, `ktp.html` → `ktp.pdf`,
    `scan` → `scan.pdf`); a name already ending in a matching extension is kept."""
    name = clean_name(original_name)
    extension = EXTENSIONS.get(content_type, "")
    matching = _SAME_EXTENSIONS.get(content_type, frozenset({extension}))
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and f".{suffix.lower()}" in matching:
        return name
    if dot and stem and suffix.isalnum() and len(suffix) <= 8:
        name = stem.rstrip(". ")
    if extension and any(name.lower().endswith(e) for e in matching):
        return name
    return name[: 120 - len(extension)] + extension


def content_disposition(name: str, kind: str = "attachment") -> str:
    """A `Content-Disposition` value for `name`: an ASCII fallback in `filename=` (accents
    dropped, other characters and quotes replaced by `_`) and the UTF-8 name in `filename*=`
    (RFC 6266 and RFC 5987)."""
    safe = clean_name(name)
    folded = unicodedata.normalize("NFKD", safe).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_" for ch in folded)
    stem, dot, suffix = fallback.rpartition(".")
    if not (stem if dot else suffix).strip("_ ."):
        fallback = f"berkas.{suffix}" if dot else "berkas"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"


def check_upload(upload: UploadFile, *, max_bytes: int, accept: list[str]) -> Stored:
    """Check an upload (size while reading, type by content) without storing it: the
    reference it would get, under a fresh storage name that names no stored file.

    Raises UploadRejected. The upload's spooled copy holds at most one byte over the field's
    limit (see CappedMultiPartParser).
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.file.seek(0)
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
    if size == 0:
        raise UploadRejected("empty")
    kind = sniff(head)
    if kind is None or kind not in accept:
        raise UploadRejected("bad_type")
    storage_name = new_token() + EXTENSIONS[kind]
    return Stored(
        new_token(), storage_name, clean_name(upload.filename or ""), kind, size, digest.hexdigest()
    )


def store_upload(
    upload: UploadFile, *, store: FileStore | Path, max_bytes: int, accept: list[str]
) -> Stored:
    """Check an upload (`check_upload`), then put it in the file store.

    The upload is read once to check it and once more to store it, so nothing refused ever
    reaches the store. Synchronous on purpose: routes that store files run in the thread
    pool, never on the event loop.
    """
    stored = check_upload(upload, max_bytes=max_bytes, accept=accept)
    upload.file.seek(0)
    as_store(store).put(attachment_key(stored.storage_name), upload.file)
    return stored


def store_field_upload(
    upload: UploadFile, spec: Mapping[str, Any], store: FileStore | Path
) -> Stored:
    """Check and store a file sent for a file field, by the field's definition (`spec`): its
    `max_mb` while reading, its `accept` judged by content. Raises UploadRejected."""
    return store_upload(
        upload, store=store, max_bytes=max_bytes(spec), accept=list(spec.get("accept", []))
    )


def remove_attachment_files(store: FileStore | Path, storage_names: list[str]) -> None:
    """Delete stored attachment files (after the transaction that forgot them committed)."""
    files = as_store(store)
    for name in storage_names:
        files.delete(attachment_key(name))


def download_response(store: FileStore | Path, attachment: Attachment) -> Response:
    """A stored file streamed as a download (never rendered inline) under its safe name;
    FileMissing when the store has no such file."""
    files = as_store(store)
    key = attachment_key(attachment.storage_name)
    chunks = files.iter_chunks(key)
    name = download_name(attachment.original_name, attachment.content_type)
    headers = {"Content-Disposition": content_disposition(name)}
    size = files.size(key)
    if size is not None:
        headers["Content-Length"] = str(size)
    return StreamingResponse(chunks, media_type=attachment.content_type, headers=headers)


def bytes_download(content: bytes, name: str, media_type: str = "application/pdf") -> Response:
    """Bytes held in memory (an issued document) sent as a private download under `name`."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class CappedMultiPartParser(MultiPartParser):
    """Multipart parsing that keeps at most `cap + 1` bytes of each capped file field.

    Every multipart form of the pages is read with it (`web.posted_form`), capped or not.

    The rest of an oversized file is dropped as it streams in, so it is never spooled whole;
    what is kept is still one byte over the field's limit, and `store_upload` then refuses it
    as too big, with the page shown again and every other answer kept.
    """

    def __init__(
        self,
        *args: Any,
        caps: Mapping[str, int],
        other_files: int | None = None,
        text_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._caps = caps
        self._other_files = other_files  # the cap of file fields not in `caps` (None: none)
        self._text_left = text_limit  # all text parts together (None: only the part limit)
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
        if part.file is None and self._text_left is not None:
            self._text_left -= end - start
            if self._text_left < 0:
                raise MultiPartException("The text parts are too large.")
        cap = self._caps.get(part.field_name, self._other_files) if part.file is not None else None
        if cap is not None:
            kept = self._kept.get(id(part), 0)
            end = min(end, start + max(0, cap + 1 - kept))
            self._kept[id(part)] = kept + (end - start)
            if end <= start:
                return
        super().on_part_data(data, start, end)
