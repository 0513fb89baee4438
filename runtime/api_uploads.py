"""Files sent through the JSON API: upload first, then name the upload in the submission.

``POST /api/v1/services/<agency>/<service>/files`` stores one file for one file field with the
checks of the citizen's pages (`uploads.store_field_upload`: the field's `max_mb` while reading, the
type judged by the file's first bytes against its `accept`, the display name cleaned). Its row
is an ordinary `Attachment`, held by a draft of its own whose id starts with `HOLDER_PREFIX`
(one per upload, never handed out, no answers). The reply's upload id is the attachment's id:
a random token of 128 bits.

A submission answers the file field with that id (`resolve`): the upload must exist, be held
for the same service (any of its versions) and the same field, not belong to a case yet, not
have expired and not be named twice. A field with `max_files` above 1 is answered with a list
of 1 to `max_files` ids; a file field inside a repeatable group is answered in each item
(problems point at `/anggota/0/akta`). The case's row of each file gets the name the pages give
it (`file_keys`: `ktp`, `anggota.0.akta`). The answer stored with the case is the same reference the pages store
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

from sqlalchemy import case, delete, update
from sqlmodel import Session, col, select

from builder.answers import AnswerError
from builder.compiler import CompiledService, FieldPlan
from builder.fields import FileField
from runtime.field_render import upload_refusal
from runtime.models import Attachment, FormDraft, ServiceVersion
from runtime.references import new_token
from runtime.uploads import DEFAULT_MAX_MB, Stored

HOLDER_PREFIX = "upload-"
"""Ids of the drafts that hold uploads sent through the API start with it."""

UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
UPLOAD_ID_PATTERN = "^[A-Za-z0-9_-]{16,64}$"
FIELD_KEY_LENGTH = 100  # Attachment.field_key's column

# rule -> (Bahasa Indonesia, English) of the problems with an upload named in a submission
_PROBLEMS: dict[str, tuple[str, str]] = {
    "upload_id": (
        "Isi dengan id unggahan dari POST .../files (teks), bukan data berkas.",
        "Answer with the upload id returned by POST .../files (a string), not file data.",
    ),
    "upload_ids": (
        "Isi dengan daftar id unggahan dari POST .../files (1 sampai {count}).",
        "Answer with a list of upload ids returned by POST .../files (1 to {count}).",
    ),
    "upload_count": (
        "Isian ini menerima paling banyak {count} berkas.",
        "This field takes at most {count} files.",
    ),
    "upload_duplicate": (
        "Unggahan ini sudah disebut di tempat lain dalam permohonan ini.",
        "This upload is already named elsewhere in this submission.",
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
    "upload_used": (
        "Unggahan ini sudah dipakai untuk permohonan lain. Unggah berkasnya lagi.",
        "This upload already belongs to another application. Upload the file again.",
    ),
}


def problem(pointer: str, rule: str, **params: str) -> AnswerError:
    """A problem with the upload(s) named at `pointer` (`/ktp`, `/lampiran/1`,
    `/anggota/0/akta`); the error's key is the top-level field's."""
    pair = _PROBLEMS[rule]
    key = pointer.split("/")[1]
    return AnswerError(
        pointer, key, rule, {"id": pair[0].format(**params), "en": pair[1].format(**params)}
    )


def rejected(plan: FieldPlan, reason: str) -> AnswerError:
    """The problem of a file the field does not take (`UploadRejected.reason`), as the pages
    word it."""
    return AnswerError(f"/{plan.key}", plan.key, reason, upload_refusal(plan.spec, reason))


def file_plans(compiled: CompiledService) -> dict[str, FieldPlan]:
    """The service's file fields by key: those at the top level of the form and those inside
    repeatable groups (field keys are unique across the whole form, groups included)."""
    found: dict[str, FieldPlan] = {}
    for plan in compiled.fields.values():
        for each in (plan, *plan.children):
            if each.type == "file":
                found[each.key] = each
    return found


def _top_plans(compiled: CompiledService) -> list[FieldPlan]:
    """The fields of the form (groups hold their own), in form order."""
    return list(compiled.fields.values())


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
    attachment = stored.attachment(field_key, draft_id=holder.id, created_at=now)
    session.add(attachment)
    return attachment


@dataclass(frozen=True)
class Resolved:
    """A submission's answers with each upload id replaced by the file's reference."""

    answers: dict[str, Any]
    errors: list[AnswerError]
    uploads: dict[str, str]  # upload id -> the id of the draft holding it


class _Resolver:
    """Looks up the upload ids of one submission, collecting problems and the uploads found."""

    def __init__(self, session: Session, service_id: int, now: dt.datetime) -> None:
        self.session = session
        self.service_id = service_id
        self.now = now
        self.errors: list[AnswerError] = []
        self.uploads: dict[str, str] = {}

    def answer(self, pointer: str, plan: FieldPlan, value: Any) -> Any:
        """The file reference(s) for the id(s) answering `plan` at `pointer`; None (with the
        problems recorded) when one of them cannot be used."""
        most = FileField.max_files(plan.spec)
        if most == 1:
            return self.one(pointer, plan, value)
        if not isinstance(value, list) or not value:
            self.errors.append(problem(pointer, "upload_ids", count=str(most)))
            return None
        if len(value) > most:
            self.errors.append(problem(pointer, "upload_count", count=str(most)))
            return None
        found = [self.one(f"{pointer}/{index}", plan, item) for index, item in enumerate(value)]
        return found if all(ref is not None for ref in found) else None

    def one(self, pointer: str, plan: FieldPlan, value: Any) -> dict[str, Any] | None:
        """The file reference for one upload id; None (with a problem recorded) if unusable."""
        if not isinstance(value, str) or not UPLOAD_ID.fullmatch(value):
            self.errors.append(problem(pointer, "upload_id"))
            return None
        row = self.session.exec(
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
        rule, params = "", {}
        if attachment is not None and attachment.submission_id is not None:
            used = attachment.draft_id is None or attachment.draft_id.startswith(HOLDER_PREFIX)
            rule = "upload_used" if used else "upload_not_found"
        elif attachment is None or holder is None or not holder.id.startswith(HOLDER_PREFIX):
            rule = "upload_not_found"  # a page's file is no upload
        elif owner != self.service_id:
            rule = "upload_other_service"
        elif attachment.field_key != plan.key:
            rule, params = "upload_other_field", {"field": attachment.field_key}
        elif holder.expires_at <= self.now:
            rule = "upload_expired"
        elif value in self.uploads:
            rule = "upload_duplicate"
        if rule:
            self.errors.append(problem(pointer, rule, **params))
            return None
        assert attachment is not None and holder is not None
        self.uploads[value] = holder.id
        return Stored(
            attachment.id,
            attachment.storage_name,
            attachment.original_name,
            attachment.content_type,
            attachment.size,
            attachment.sha256,
        ).answer()


def resolve(
    session: Session,
    compiled: CompiledService,
    service_id: int,
    answers: Mapping[str, Any],
    now: dt.datetime,
) -> Resolved:
    """Look up the uploads the answers name for shown file fields (at the top level, or in a
    shown field of a repeatable group's item); problems for those that cannot be used. Other
    answers (hidden file fields' too, dropped later) are kept as sent."""
    result = dict(answers)
    resolver = _Resolver(session, service_id, now)
    if not any(answers.get(p.key) is not None for p in _top_plans(compiled) if _has_files(p)):
        return Resolved(result, [], {})
    shown = compiled.prune(answers)
    for plan in _top_plans(compiled):
        if plan.key not in shown:
            continue
        if plan.type == "file":
            ref = resolver.answer(f"/{plan.key}", plan, shown[plan.key])
            if ref is not None:
                result[plan.key] = ref
        elif plan.type == "group" and _has_files(plan):
            result[plan.key] = _resolve_items(resolver, compiled, plan, answers[plan.key])
    return Resolved(result, resolver.errors, resolver.uploads)


def _has_files(plan: FieldPlan) -> bool:
    """Whether the field is a file field or a group holding one."""
    return plan.type == "file" or any(child.type == "file" for child in plan.children)


def _resolve_items(
    resolver: _Resolver, compiled: CompiledService, plan: FieldPlan, items: Any
) -> Any:
    """A group's items as sent, each shown file field's upload id(s) replaced by the
    reference(s) (problems pointed at `/group/index/child`)."""
    if not isinstance(items, list):
        return items
    result: list[Any] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            result.append(item)
            continue
        kept = compiled.prune_item(plan, item)
        changed = dict(item)
        for child in plan.children:
            if child.type == "file" and child.key in kept:
                pointer = f"/{plan.key}/{index}/{child.key}"
                ref = resolver.answer(pointer, child, kept[child.key])
                if ref is not None:
                    changed[child.key] = ref
        result.append(changed)
    return result


def file_keys(compiled: CompiledService, answers: Mapping[str, Any]) -> dict[str, str]:
    """The files of a case's (pruned) answers: file id -> the name its row is filed under, as
    the pages name it (`ktp`; `anggota.1.akta` for the second item of the group, only the
    child's key when group and child keys are too long together for the column)."""
    found: dict[str, str] = {}

    def add(value: Any, name: str) -> None:
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
                found[ref["id"]] = name

    for plan in _top_plans(compiled):
        value = answers.get(plan.key)
        if plan.type == "file":
            add(value, plan.key)
        elif plan.type == "group" and isinstance(value, list):
            for index, item in enumerate(value):
                for child in plan.children:
                    if child.type == "file" and isinstance(item, Mapping):
                        name = f"{plan.key}.{index}.{child.key}"
                        add(
                            item.get(child.key),
                            name if len(name) <= FIELD_KEY_LENGTH else child.key,
                        )
    return found


class UploadTaken(Exception):
    """An upload was claimed by another case between the check and the filing."""


def claim(
    session: Session, case_id: str, uploads: Mapping[str, str], names: Mapping[str, str]
) -> None:
    """Make the uploads the case's files (in the filing transaction), each filed under its
    name in `names` (`file_keys`), and drop their holders; UploadTaken if one of them no
    longer waits for a case."""
    if not uploads:
        return
    moved = session.exec(
        update(Attachment)
        .where(
            col(Attachment.id).in_(list(uploads)),
            col(Attachment.submission_id).is_(None),
            col(Attachment.draft_id).in_(list(uploads.values())),
        )
        .values(
            submission_id=case_id,
            draft_id=None,
            field_key=case(
                {upload: names[upload] for upload in uploads if upload in names},
                value=col(Attachment.id),
                else_=col(Attachment.field_key),
            ),
        )
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


def _ids(value: Any) -> Any:
    """A file answer (one reference or a list of them) as the upload id(s) it was sent as."""
    if isinstance(value, list):
        return [_ids(item) for item in value]
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return value["id"]
    return value


def as_sent(compiled: CompiledService, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A case's answers as the API sent them: each file field's reference(s) as upload id(s),
    in group items too."""
    result = dict(answers)
    for plan in _top_plans(compiled):
        value = result.get(plan.key)
        if plan.type == "file" and value is not None:
            result[plan.key] = _ids(value)
        elif plan.type == "group" and _has_files(plan) and isinstance(value, list):
            files = [child.key for child in plan.children if child.type == "file"]
            result[plan.key] = [
                {k: _ids(v) if k in files else v for k, v in item.items()}
                if isinstance(item, Mapping)
                else item
                for item in value
            ]
    return result


def _upload_schema(plan: FieldPlan) -> dict[str, Any]:
    """The schema of a file field's answer in a submission: an upload id, or a list of 1 to
    `max_files` distinct ids."""
    accept = list(plan.spec.get("accept", []))
    max_mb = float(plan.spec.get("max_mb", DEFAULT_MAX_MB))
    most = FileField.max_files(plan.spec)
    one = {"type": "string", "pattern": UPLOAD_ID_PATTERN}
    about = f"({', '.join(accept)}; at most {max_mb:g} MB{' each' if most > 1 else ''})"
    extension = {"field": plan.key, "accept": accept, "max_mb": max_mb, "max_files": most}
    if most == 1:
        return {
            **one,
            "description": f"The upload id returned by POST .../files for this field {about}.",
            "x-loket-upload": extension,
        }
    return {
        "type": "array",
        "minItems": 1,
        "maxItems": most,
        "uniqueItems": True,
        "items": one,
        "description": (
            f"1 to {most} upload ids returned by POST .../files for this field, one per file "
            f"{about}."
        ),
        "x-loket-upload": extension,
    }


def submission_schema(compiled: CompiledService) -> dict[str, Any]:
    """The JSON Schema of an API submission: the compiled schema with each file field's answer
    upload id(s) instead of the file reference(s) the pages store (in group items too)."""
    schema = copy.deepcopy(compiled.schema)
    properties = schema.get("properties", {})
    for plan in _top_plans(compiled):
        if plan.key not in properties:
            continue
        if plan.type == "file":
            properties[plan.key] = _upload_schema(plan)
        elif plan.type == "group" and _has_files(plan):
            inner = properties[plan.key].get("items", {}).get("properties", {})
            for child in plan.children:
                if child.type == "file" and child.key in inner:
                    inner[child.key] = _upload_schema(child)
    return schema
