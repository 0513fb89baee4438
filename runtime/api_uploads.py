"""Files sent through the JSON API: upload first, then name the upload in the submission.

``POST /api/v1/services/<agency>/<service>/files`` stores one file for one file field with the
checks of the citizen's pages (`uploads.store_upload`: the field's `max_mb` while reading, the
type judged by the file's first bytes against its `accept`, the display name cleaned). Its row
is an ordinary `Attachment`, held by a draft of its own whose id starts with `HOLDER_PREFIX`
(one per upload, never handed out, no answers). The reply's upload id is the attachment's id:
a random token of 128 bits.

A submission answers the file field with that id (`resolve`): the upload must exist, be held
for the same service (any of its versions) and the same field, not belong to a case yet and
not have expired. The answer stored with the case is the same reference the pages store
(`Stored.answer`: id, name, size, type, sha256), so the case's schema check, the officer's case
page and downloads treat it like a file sent through the pages. In the filing transaction
`claim` moves the rows to the case with a conditional UPDATE: of two submissions naming one
upload at once, one files its case and the other is refused (`UploadTaken`).

An upload not used expires with its holder draft `LOKET_DRAFT_TTL_HOURS` after it was sent;
`store.prune_expired_drafts` (the hourly `prune` job, `loket prune`) deletes it and its file as
it does for the pages' drafts.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from builder.answers import AnswerError
from builder.compiler import CompiledService, FieldPlan
from runtime.field_render import upload_refusal
from runtime.models import Attachment, FormDraft, ServiceVersion
from runtime.references import new_token
from runtime.uploads import DEFAULT_MAX_MB, Stored

HOLDER_PREFIX = "upload-"
"""Ids of the drafts that hold uploads sent through the API start with it."""

UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
UPLOAD_ID_PATTERN = "^[A-Za-z0-9_-]{16,64}$"

# rule -> (Bahasa Indonesia, English) of the problems with an upload named in a submission
_PROBLEMS: dict[str, tuple[str, str]] = {
    "upload_id": (
        "Isi dengan id unggahan dari POST .../files (teks), bukan data berkas.",
        "Answer with the upload id returned by POST .../files (a string), not file data.",
    ),
    "upload_not_found": (
        "Unggahan ini tidak ada atau sudah kedaluwarsa. Unggah berkasnya lagi.",
        "No such upload, or it has expired. Upload the file again.",
    ),
    "upload_expired": (
        "Unggahan ini sudah kedaluwarsa. Unggah berkasnya lagi.",
        "This upload has expired. Upload the file again.",
    ),
    "upload_other_service": (
        "Unggahan ini dikirim untuk layanan lain.",
        "This upload was sent for another service.",
    ),
    "upload_other_field": (
        "Unggahan ini dikirim untuk isian lain ({field}).",
        "This upload was sent for another field ({field}).",
    ),
    "upload_in_group": (
        "Berkas di dalam grup berulang belum dapat dikirim lewat API; isi formulirnya di halaman.",
        "A file inside a repeatable group cannot be sent through the API yet; use the form pages.",
    ),
    "upload_used": (
        "Unggahan ini sudah dipakai untuk permohonan lain. Unggah berkasnya lagi.",
        "This upload already belongs to another application. Upload the file again.",
    ),
}


def problem(key: str, rule: str, **params: str) -> AnswerError:
    """A problem with the upload named in the answer to the file field `key`."""
    pair = _PROBLEMS[rule]
    return AnswerError(
        f"/{key}", key, rule, {"id": pair[0].format(**params), "en": pair[1].format(**params)}
    )


def rejected(plan: FieldPlan, reason: str) -> AnswerError:
    """The problem of a file the field does not take (`UploadRejected.reason`), as the pages
    word it."""
    return AnswerError(f"/{plan.key}", plan.key, reason, upload_refusal(plan.spec, reason))


def file_plans(compiled: CompiledService) -> dict[str, FieldPlan]:
    """The service's file fields at the top level of the form, by key (the API takes no file
    inside a repeatable group: see `group_file_problems`)."""
    inner = {c.key for p in compiled.fields.values() if p.type == "group" for c in p.children}
    return {
        key: plan
        for key, plan in compiled.fields.items()
        if plan.type == "file" and key not in inner
    }


def group_file_problems(compiled: CompiledService, answers: Mapping[str, Any]) -> list[AnswerError]:
    """A problem for each answer to a file field inside a repeatable group: the pages take
    those files, the API does not (yet)."""
    found: list[AnswerError] = []
    for key, plan in compiled.fields.items():
        items = answers.get(key) if plan.type == "group" else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            for child in plan.children:
                if child.type == "file" and isinstance(item, Mapping) and child.key in item:
                    pair = _PROBLEMS["upload_in_group"]
                    found.append(
                        AnswerError(
                            f"/{key}/{index}/{child.key}",
                            child.key,
                            "upload_in_group",
                            {"id": pair[0], "en": pair[1]},
                        )
                    )
    return found


def hold(
    session: Session,
    *,
    service_version_id: int,
    field_key: str,
    stored: Stored,
    ttl: dt.timedelta,
    now: dt.datetime,
) -> Attachment:
    """Record a stored file as an upload for `field_key` of the service, held until `now + ttl`
    (the caller commits)."""
    holder = FormDraft(
        id=HOLDER_PREFIX + new_token(),
        service_version_id=service_version_id,
        answers={},
        created_at=now,
        updated_at=now,
        expires_at=now + ttl,
    )
    session.add(holder)
    session.flush()
    attachment = Attachment(
        id=stored.id,
        draft_id=holder.id,
        field_key=field_key,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        created_at=now,
    )
    session.add(attachment)
    return attachment


@dataclass(frozen=True)
class Resolved:
    """A submission's answers with each upload id replaced by the file's reference."""

    answers: dict[str, Any]
    errors: list[AnswerError]
    uploads: dict[str, str]  # upload id -> the id of the draft holding it


def resolve(
    session: Session,
    compiled: CompiledService,
    service_id: int,
    answers: Mapping[str, Any],
    now: dt.datetime,
) -> Resolved:
    """Look up the uploads the answers name for shown file fields; problems for those that
    cannot be used. Other answers (hidden file fields' too, dropped later) are kept as sent."""
    result = dict(answers)
    errors: list[AnswerError] = []
    uploads: dict[str, str] = {}
    errors.extend(group_file_problems(compiled, answers))
    files = file_plans(compiled)
    shown = compiled.prune(answers) if any(answers.get(key) is not None for key in files) else {}
    for key in files:
        value = shown.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not UPLOAD_ID.fullmatch(value):
            errors.append(problem(key, "upload_id"))
            continue
        row = session.exec(
            select(Attachment, FormDraft, ServiceVersion.service_id)
            .join(FormDraft, col(FormDraft.id) == col(Attachment.draft_id), isouter=True)
            .join(
                ServiceVersion,
                col(ServiceVersion.id) == col(FormDraft.service_version_id),
                isouter=True,
            )
            .where(col(Attachment.id) == value)
        ).first()
        attachment, holder, owner = row if row is not None else (None, None, None)
        if attachment is not None and attachment.submission_id is not None:
            used = attachment.draft_id is None or attachment.draft_id.startswith(HOLDER_PREFIX)
            errors.append(problem(key, "upload_used" if used else "upload_not_found"))
        elif attachment is None or holder is None or not holder.id.startswith(HOLDER_PREFIX):
            errors.append(problem(key, "upload_not_found"))  # a page's file is no upload
        elif owner != service_id:
            errors.append(problem(key, "upload_other_service"))
        elif attachment.field_key != key:
            errors.append(problem(key, "upload_other_field", field=attachment.field_key))
        elif holder.expires_at <= now:
            errors.append(problem(key, "upload_expired"))
        elif value in uploads:
            errors.append(problem(key, "upload_used"))
        else:
            uploads[value] = holder.id
            result[key] = Stored(
                attachment.id,
                attachment.storage_name,
                attachment.original_name,
                attachment.content_type,
                attachment.size,
                attachment.sha256,
            ).answer()
    return Resolved(result, errors, uploads)


class UploadTaken(Exception):
    """An upload was claimed by another case between the check and the filing."""


def claim(session: Session, case_id: str, uploads: Mapping[str, str]) -> None:
    """Make the uploads the case's files (in the filing transaction) and drop their holders;
    UploadTaken if one of them no longer waits for a case."""
    if not uploads:
        return
    moved = session.exec(
        update(Attachment)
        .where(
            col(Attachment.id).in_(list(uploads)),
            col(Attachment.submission_id).is_(None),
            col(Attachment.draft_id).in_(list(uploads.values())),
        )
        .values(submission_id=case_id, draft_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != len(uploads):
        raise UploadTaken(f"{len(uploads) - moved} upload(s) already taken")
    session.exec(
        delete(FormDraft)
        .where(
            col(FormDraft.id).in_(list(uploads.values())), col(FormDraft.submission_id).is_(None)
        )
        .execution_options(synchronize_session=False)
    )


def as_sent(compiled: CompiledService, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers as the API sent them: each file field's reference as its upload id."""
    result = dict(answers)
    for key in file_plans(compiled):
        value = result.get(key)
        if isinstance(value, Mapping) and isinstance(value.get("id"), str):
            result[key] = value["id"]
    return result


def submission_schema(compiled: CompiledService) -> dict[str, Any]:
    """The JSON Schema of an API submission: the compiled schema with each file field's answer
    an upload id (a string) instead of the file reference the pages store."""
    schema = copy.deepcopy(compiled.schema)
    properties = schema.get("properties", {})
    for key, plan in file_plans(compiled).items():
        if key not in properties:
            continue
        accept = list(plan.spec.get("accept", []))
        max_mb = float(plan.spec.get("max_mb", DEFAULT_MAX_MB))
        properties[key] = {
            "type": "string",
            "pattern": UPLOAD_ID_PATTERN,
            "description": (
                "The upload id returned by POST .../files for this field "
                f"({', '.join(accept)}; at most {max_mb:g} MB)."
            ),
            "x-loket-upload": {"field": key, "accept": accept, "max_mb": max_mb},
        }
    return schema
