"""The files posted with a workflow action (an officer's fields, an applicant action's files).

Shared by the officer's case page and the applicant's status page: the text inputs of a posted
form, the uploads of its file fields stored (size while reading, type by content) as
attachments not yet in the database, and the stored files the case did not take removed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from builder.answers import AnswerError
from builder.compiler import CompiledService
from runtime.field_render import upload_refusal
from runtime.models import Attachment
from runtime.uploads import UploadRejected, remove_attachment_files, store_field_upload


def text_inputs(form: FormData) -> dict[str, list[str]]:
    """The posted text inputs by name (files left out)."""
    found: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(name, []).append(value)
    return found


def store_uploads(
    request: Request, form: CompiledService, posted: FormData, values: dict[str, Any]
) -> tuple[list[Attachment], list[AnswerError]]:
    """Store the posted files of `form`'s file fields (size while reading, type by content);
    their references go into `values`. Returns the attachments (not yet in the database) and
    the refused files as errors beside their fields."""
    files: list[Attachment] = []
    refused: list[AnswerError] = []
    for plan in form.fields.values():
        upload = posted.get(plan.key) if plan.type == "file" else None
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        try:
            stored = store_field_upload(upload, plan.spec, request.app.state.store)
        except UploadRejected as exc:
            message = upload_refusal(plan.spec, exc.reason)
            refused.append(AnswerError(f"/{plan.key}", plan.key, "invalid", message))
            continue
        values[plan.key] = stored.answer()
        files.append(stored.attachment(plan.key))
    return files, refused


def forget_unused(
    request: Request, files: list[Attachment], kept: Mapping[str, Any] | None
) -> None:
    """Remove the stored files the case did not take (all of them without `kept`)."""
    named = {v.get("id") for v in (kept or {}).values() if isinstance(v, Mapping)}
    gone = [file.storage_name for file in files if file.id not in named]
    remove_attachment_files(request.app.state.store, gone)
