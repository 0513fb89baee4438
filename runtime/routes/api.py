"""The JSON API beside the citizen pages (``/api/v1``), documented at ``/api/openapi.json``.

Thin routes over :mod:`runtime.catalog`, :mod:`runtime.store` and the compiled service: list the
published services, read a service's standard and its submission JSON Schema, file a submission,
read a case's status with its secret.

CSRF: the API reads no cookies and sets none; a caller proves nothing by its origin, only by
what it sends (the status secret travels in the ``X-Status-Secret`` header, never in a cookie).
A cross-site page therefore gains nothing by making a visitor's browser call it. On top of
that, filing (``POST .../submissions``) requires ``Content-Type: application/json`` (415
otherwise): a browser can only send that content type cross-site after a CORS preflight, which
this app never approves, so a plain HTML form on another site cannot file a case either (the
file upload is the exception, see below).

Submissions: the body is one JSON object of answers keyed by field key, with values as the
service's schema (``GET .../schema``) describes them. Unknown keys are refused; answers to
hidden fields are dropped; the rest is validated exactly like the pages do.

Files (upload, then refer): ``POST .../files`` takes ``multipart/form-data`` with one file
whose part name is the file field's key (``curl -F ktp=@ktp.pdf``) and checks it as the pages
do: the field's ``max_mb`` while reading (413 ``file_too_large``), the type judged by the
file's first bytes against the field's ``accept`` (415 ``file_type_not_accepted``), the name
cleaned. It answers 201 with an upload id; the submission answers the file field with that id
(a string, as the schema says). A field with ``max_files`` above 1 takes a list of 1 to
``max_files`` distinct ids, one upload per file. A file field inside a repeatable group is
uploaded under its own key (``-F akta=@akta.pdf``) and answered in each item
(``{"anggota": [{"nama": "Ani", "akta": "<id>"}]}``); the case files it as the pages do
(``anggota.0.akta``). The upload belongs to that service and field, serves one case
only and expires unused after ``LOKET_DRAFT_TTL_HOURS``; with the case it becomes one of the
case's files like a file sent through the pages (:mod:`runtime.api_uploads`). Unlike
``POST .../submissions`` the upload takes a content type a plain cross-site form can send; it
gains an attacker nothing: the API uses no cookies, so the request carries nothing the attacker
could not send itself, and the reply (the upload id) cannot be read cross-site.

Language: the ``Accept-Language`` header of a submission (``id`` or ``en``; Indonesian by
default) is kept with the case, and the applicant's messages about it are written in it.

Retries: an ``Idempotency-Key`` header (8-64 characters ``A-Z a-z 0-9 - _``) makes a retry
return the case the first attempt filed. The key is never stored: the draft behind the case
gets the id ``HMAC(secret key, agency/service/key)``, so a retry finds it by primary key, and
two concurrent attempts collide on that primary key. The status secret of such a case is
derived the same way, so a retry can return it again: treat the key like a password.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from builder import conditions
from builder.answers import AnswerError, make_error
from builder.compiler import CompiledService, ExitPlan, FieldPlan
from builder.texts import DEFAULT_LANGUAGE, LANGUAGES, localise, pick_language
from runtime import api_uploads, catalog, db, store
from runtime.casework import deadlines
from runtime.casework.workflow import state_label
from runtime.catalog import LiveService
from runtime.deps import RequestSession, SessionDep
from runtime.documents import issued
from runtime.i18n import t
from runtime.models import (
    CaseEvent,
    FormDraft,
    Submission,
    utcnow,
)
from runtime.notify import case_messages
from runtime.references import hash_secret, secrets_equal, status_secret
from runtime.security import BodyTooLarge, limited_receive
from runtime.settings import Settings
from runtime.uploads import (
    CappedMultiPartParser,
    UploadRejected,
    bytes_download,
    max_bytes,
    remove_attachment_files,
    store_field_upload,
)
from runtime.web import language

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["api v1"])

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 8
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_SECRET_LENGTH = 128
MAX_ACCEPT_LANGUAGE = 200  # an Accept-Language header is read up to this many characters
JSON_TYPE = "application/json"
SLUG_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"  # as the definition language's slugs

# A path parameter that does not fit its pattern names nothing: 404 (the app's handler).
AgencyPath = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        min_length=2,
        max_length=63,
        description="Agency id (slug).",
        examples=["disdukcapil"],
    ),
]
ServicePath = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        min_length=2,
        max_length=63,
        description="Service id (slug) within the agency.",
        examples=["surat-keterangan-domisili"],
    ),
]
ReferencePath = Annotated[
    str,
    Path(
        description="The case reference (any case, spaces or dashes); any other text is 404.",
        examples=["LKT-7K3M9-QXP4C"],
    ),
]


# -- response models ---------------------------------------------------------------------------


class Text(BaseModel):
    """A text in Bahasa Indonesia and, where the definition has it, in English."""

    id: str = Field(description="Bahasa Indonesia.")
    en: str | None = Field(default=None, description="English, when the definition has it.")


class ErrorMessage(BaseModel):
    """A message of Loket's own, always in both languages."""

    id: str
    en: str


class AnswerProblem(BaseModel):
    """One problem with the answers, located by a JSON pointer into the submitted object."""

    pointer: str = Field(description="JSON pointer to the answer, e.g. /anggota/0/nama.")
    key: str = Field(description="The top-level field key the problem belongs to.")
    rule: str = Field(
        description="The rule broken: required, max_length, unknown, ...; `rule` for one of the"
        " form's rules across fields (shown beside its `at` field)"
    )
    message: ErrorMessage = Field(description="How to fix it, in both languages.")


class ApiError(BaseModel):
    """An error: a stable code, a message in the request's language and, for answers, details."""

    error: str = Field(description="Stable machine-readable code, e.g. service_not_found.")
    message: str = Field(description="What went wrong (?lang= or Accept-Language decides).")
    errors: list[AnswerProblem] = Field(
        default_factory=list, description="Problems with individual answers."
    )


class ServiceLinks(BaseModel):
    """Where to go next, as paths from the server root."""

    detail: str
    json_schema: str
    submissions: str
    page: str = Field(description="The citizen-facing start page.")


class ServiceSummary(BaseModel):
    """A published service in the list."""

    agency: str = Field(description="Agency id (slug), e.g. disdukcapil.")
    agency_name: str
    id: str = Field(description="Service id (slug) within the agency.")
    version: int = Field(description="Number of the live version.")
    title: Text
    summary: Text | None = None
    links: ServiceLinks


class ServiceList(BaseModel):
    """The published services, ordered by agency and service."""

    services: list[ServiceSummary]


class ServiceDetail(ServiceSummary):
    """A service with its service standard and privacy notice."""

    status: Literal["published", "retired"] = Field(
        description="A retired service takes no new submissions (POST answers 410)."
    )
    sha256: str = Field(description="Content hash of the live version's definition.")
    standard: dict[str, Any] = Field(
        description="Requirements, procedure, duration in working days, cost, ... as defined."
    )
    privacy: dict[str, Any] = Field(
        description="Purpose, legal basis, retention in days and recipients of personal data."
    )
    accepts_api_submissions: bool = Field(
        description=(
            "Whether the API can file this service: always true since files can be uploaded "
            "(POST .../files) and named in the submission."
        )
    )
    file_fields: list[str] = Field(
        description="Keys of file fields: upload each file first, then answer with its upload id."
    )


class UploadCreated(BaseModel):
    """A file held for a submission: answer its field with `upload` before `expires_at`."""

    upload: str = Field(description="The upload id: the answer to the file field.")
    field: str = Field(description="The file field it was sent for.")
    name: str = Field(description="The file's name as it is kept (cleaned).")
    size: int = Field(description="Bytes.")
    content_type: str = Field(description="The type judged by the file's content.")
    sha256: str
    expires_at: dt.datetime = Field(description="An upload no case names by then is deleted.")


class SubmissionCreated(BaseModel):
    """A filed case: keep the secret, it is shown only here."""

    reference: str = Field(description="Case reference, e.g. LKT-7K3M9-QXP4C.")
    status_url: str = Field(description="GET it with the X-Status-Secret header.")
    status_page_url: str = Field(
        description="The citizen's private status page (holds the secret)."
    )
    secret: str = Field(description="The status secret; only its hash is stored.")
    language: Literal["id", "en"] = Field(
        description=(
            "The language the applicant's messages about the case are written in, chosen "
            "from the request's Accept-Language when the case was filed (Indonesian by default)."
        )
    )


class TimelineEntry(BaseModel):
    """One step in a case's public history."""

    at: dt.datetime
    label: Text
    comment: str | None = Field(default=None, description="A comment meant for the applicant.")


class IssuedDocumentInfo(BaseModel):
    """A document (letter) issued for the case and meant for the applicant."""

    id: str = Field(description="The document's id (for its download address).")
    title: str
    number: str = Field(description="The official number, e.g. 470/0007/DUKCAPIL/XII/2026.")
    issued_at: dt.datetime
    status: Literal["valid", "superseded", "revoked"] = Field(
        description="superseded: replaced by a newer document; revoked: no longer valid."
    )
    revoked_at: dt.datetime | None = None
    download_url: str = Field(
        description="GET it with the X-Status-Secret header: the signed PDF (application/pdf)."
    )


class CaseStatus(BaseModel):
    """What the applicant may see of a case."""

    reference: str
    agency: str
    service: str
    service_title: Text
    version: int | None
    state_label: Text = Field(description="The citizen-facing name of the current state.")
    final_outcome: str | None = Field(
        description="approved, rejected, withdrawn, ... once final; null while in progress."
    )
    submitted_at: dt.datetime
    due_at: dt.datetime | None = Field(description="When the current step is due (working days).")
    timeline: list[TimelineEntry]
    documents: list[IssuedDocumentInfo] = Field(
        default_factory=list, description="Documents issued for the applicant, oldest first."
    )


# -- helpers -----------------------------------------------------------------------------------

_MESSAGES: dict[str, tuple[str, str]] = {
    "service_not_found": ("Layanan tidak ditemukan.", "No such service."),
    "service_retired": (
        "Layanan ini sudah tidak menerima permohonan baru.",
        "This service no longer accepts new applications.",
    ),
    "case_not_found": (
        "Permohonan tidak ditemukan. Periksa nomor dan kode rahasia Anda.",
        "Application not found. Check its reference and secret.",
    ),
    "unsupported_media_type": (
        "Kirim jawaban sebagai JSON dengan Content-Type: application/json.",
        "Send the answers as JSON with Content-Type: application/json.",
    ),
    "too_large": (
        f"Kiriman terlalu besar (paling banyak {MAX_BODY_BYTES // 1024} KiB).",
        f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KiB).",
    ),
    "invalid_encoding": (
        "Kiriman harus berupa teks UTF-8 yang sah.",
        "The body must be valid UTF-8 text.",
    ),
    "invalid_json": ("Kiriman bukan JSON yang sah.", "The body is not valid JSON."),
    "too_deep": (
        f"JSON terlalu bertingkat (paling banyak {MAX_DEPTH} tingkat).",
        f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).",
    ),
    "not_an_object": (
        'Kirim satu objek JSON berisi jawaban, misalnya {"nama": "Budi"}.',
        'Send one JSON object of answers, e.g. {"nama": "Budi"}.',
    ),
    "invalid_idempotency_key": (
        "Idempotency-Key harus 8-64 karakter A-Z, a-z, 0-9, - atau _.",
        "Idempotency-Key must be 8-64 characters A-Z, a-z, 0-9, - or _.",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk jawaban yang berbeda.",
        "This Idempotency-Key was already used with different answers.",
    ),
    "unknown_fields": (
        "Ada isian yang tidak dikenal di layanan ini.",
        "Some answers are not fields of this service.",
    ),
    "invalid_uploads": (
        "Ada berkas unggahan yang tidak dapat dipakai.",
        "Some uploaded files cannot be used.",
    ),
    "upload_not_multipart": (
        "Kirim berkas sebagai multipart/form-data.",
        "Send the file as multipart/form-data.",
    ),
    "invalid_multipart": (
        "Kiriman multipart tidak sah.",
        "The multipart body is malformed.",
    ),
    "one_file": (
        "Kirim tepat satu berkas, dengan nama bagian berupa kunci isian berkas.",
        "Send exactly one file, its part named after the file field's key.",
    ),
    "not_a_file_field": (
        "Layanan ini tidak punya isian berkas dengan kunci itu.",
        "This service has no file field with that key.",
    ),
    "file_too_large": (
        "Berkas melebihi batas ukuran isiannya.",
        "The file is larger than its field allows.",
    ),
    "file_type_not_accepted": (
        "Jenis berkas ini tidak diterima isiannya.",
        "The field does not accept this type of file.",
    ),
    "file_empty": ("Berkas kosong.", "The file is empty."),
    "invalid_answers": (
        "Ada jawaban yang perlu diperbaiki.",
        "Some answers need to be corrected.",
    ),
    "not_eligible": (
        "Menurut jawaban ini, permohonan tidak dapat diajukan di layanan ini; lihat `errors`.",
        "By these answers the application cannot be made to this service; see `errors`.",
    ),
}


def _error(
    request: Request, status: int, code: str, errors: list[AnswerError] | None = None
) -> Response:
    """A JSON error in the shape of :class:`ApiError`."""
    pair = _MESSAGES[code]
    text = pair[1] if language(request) == "en" else pair[0]
    body = {"error": code, "message": text, "errors": [e.to_dict() for e in errors or []]}
    return _json(body, status)


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response written as ASCII, so that any text it echoes can be sent."""
    content = json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Response(content, status_code=status, headers=headers, media_type=JSON_TYPE)


def _text(value: Any) -> Text | None:
    """A definition text as both languages (English only when the definition has one)."""
    if value is None or value == "":
        return None
    english = value.get("en") if isinstance(value, Mapping) else None
    return Text(id=localise(value, "id"), en=english if isinstance(english, str) else None)


def _links(agency: str, slug: str) -> ServiceLinks:
    base = f"{PREFIX}/services/{agency}/{slug}"
    return ServiceLinks(
        detail=base,
        json_schema=f"{base}/schema",
        submissions=f"{base}/submissions",
        page=f"/layanan/{agency}/{slug}",
    )


def _summary(live: LiveService) -> dict[str, Any]:
    definition = live.version.definition
    return {
        "agency": live.agency_id,
        "agency_name": live.agency_name,
        "id": live.slug,
        "version": live.version.number,
        "title": _text(definition.get("title")) or Text(id=live.slug),
        "summary": _text(definition.get("summary")),
        "links": _links(live.agency_id, live.slug),
    }


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ApiError, "description": "No such service."}
}


# -- services ----------------------------------------------------------------------------------


@router.get("/services", summary="List published services")
def list_services(session: SessionDep) -> ServiceList:
    """Every published service with its live version, ordered by agency and service id."""
    return ServiceList(
        services=[ServiceSummary(**_summary(live)) for live in catalog.published_services(session)]
    )


def _service(request: Request, session: Session, agency: str, slug: str) -> LiveService | Response:
    live = catalog.live_service(session, agency, slug)
    if live is None:
        return _error(request, 404, "service_not_found")
    return live


@router.get(
    "/services/{agency}/{service}",
    summary="A service's standard and privacy notice",
    response_model=ServiceDetail,
    responses=_ERRORS,
)
def service_detail(
    request: Request, session: SessionDep, agency: AgencyPath, service: ServicePath
) -> ServiceDetail | Response:
    """The live version's service standard (requirements, duration, cost) and privacy notice."""
    live = _service(request, session, agency, service)
    if isinstance(live, Response):
        return live
    definition = live.version.definition
    files = [p for p in live.compiled.fields.values() if p.type == "file"]
    return ServiceDetail(
        **_summary(live),
        status="retired" if live.retired else "published",
        sha256=live.version.sha256,
        standard=dict(definition.get("standard") or {}),
        privacy=dict(definition.get("privacy") or {}),
        accepts_api_submissions=True,
        file_fields=[p.key for p in files],
    )


@router.get(
    "/services/{agency}/{service}/schema",
    summary="The submission JSON Schema",
    responses={
        200: {"description": "A JSON Schema 2020-12 document.", "content": {JSON_TYPE: {}}},
        **_ERRORS,
    },
    response_model=None,
)
def service_schema(
    request: Request, session: SessionDep, agency: AgencyPath, service: ServicePath
) -> Response:
    """The JSON Schema (2020-12) that a submission to the live version must satisfy.

    A file field's answer is an upload id (``POST .../files``): a string, with the field's
    accepted types and size in ``x-loket-upload``.

    It uses the formats ``loket-date`` (YYYY-MM-DD), ``loket-email``, ``loket-phone`` (+62...),
    ``loket-nik`` and ``loket-line`` (a short text answer: one line, no tab, no space at either
    end; the citizen's form trims and turns tabs into spaces, the API refuses them), and keywords
    ``x-loket-date-{gt,gte,lt,lte}`` for dates relative to today.
    """
    live = _service(request, session, agency, service)
    if isinstance(live, Response):
        return live
    return _json(api_uploads.submission_schema(live.compiled))


# -- files -------------------------------------------------------------------------------------

MULTIPART_TYPE = "multipart/form-data"
UPLOAD_MARGIN_BYTES = 64 * 1024  # an upload's multipart framing and any stray text parts

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "multipart/form-data with exactly one file; the part's name is the key of the "
            "service's file field (`curl -F ktp=@ktp.pdf`; a file field inside a repeatable "
            "group by its own key, `-F akta=@akta.pdf`; one upload per file of a field that "
            "takes several). The file must fit the field's `max_mb` and, judged by its first "
            "bytes, be one of its `accept` types."
        ),
        "content": {
            MULTIPART_TYPE: {
                "schema": {
                    "type": "object",
                    "additionalProperties": {"type": "string", "format": "binary"},
                    "minProperties": 1,
                    "maxProperties": 1,
                }
            }
        },
    }
}


@router.post(
    "/services/{agency}/{service}/files",
    summary="Upload a file for a file field",
    status_code=201,
    response_model=UploadCreated,
    openapi_extra=_UPLOAD_BODY,
    responses={
        400: {"model": ApiError, "description": "A malformed multipart body."},
        404: {"model": ApiError, "description": "No such service."},
        410: {"model": ApiError, "description": "The service is retired."},
        413: {"model": ApiError, "description": "The file is larger than its field allows."},
        415: {
            "model": ApiError,
            "description": "Not multipart/form-data, or a type of file the field does not take.",
        },
        422: {
            "model": ApiError,
            "description": "Not exactly one file, no file field of that key, or an empty file.",
        },
    },
)
async def upload_file(request: Request, agency: AgencyPath, service: ServicePath) -> Response:
    """Store one file for one of the service's file fields; answer that field with the reply's
    `upload` id in a submission (`POST .../submissions`) before `expires_at`.

    The file is checked as the service's pages check it: at most the field's `max_mb` (413),
    its type judged by its content against the field's `accept` (415), not empty (422). The
    upload can be named by one case of this service only, for this field only.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != MULTIPART_TYPE:
        return _error(request, 415, "upload_not_multipart")
    async with RequestSession(request) as session:
        live = await run_in_threadpool(catalog.live_service, session, agency, service)
    if live is None or live.version.id is None:
        return _error(request, 404, "service_not_found")
    if live.retired:
        return _error(request, 410, "service_retired")
    plans = api_uploads.file_plans(live.compiled)
    caps = {key: max_bytes(plan.spec) for key, plan in plans.items()}
    limit = max(caps.values(), default=0) + UPLOAD_MARGIN_BYTES
    request._receive = limited_receive(request._receive, limit)
    try:
        async with aclosing(request.stream()) as stream:
            parser = CappedMultiPartParser(
                request.headers,
                stream,
                caps=caps,
                other_files=0,  # a part named after no file field keeps nothing
                text_limit=UPLOAD_MARGIN_BYTES,
                max_files=2,
                max_fields=10,
            )
            form = await parser.parse()
    except BodyTooLarge:
        return _error(request, 413, "file_too_large")
    except (MultiPartException, UnicodeDecodeError):
        return _error(request, 400, "invalid_multipart")
    try:
        files = [(k, v) for k, v in form.multi_items() if isinstance(v, UploadFile)]
        if len(files) != 1:
            return _error(request, 422, "one_file")
        key, upload = files[0]
        plan = plans.get(key)
        if plan is None:
            return _error(request, 422, "not_a_file_field")
        async with RequestSession(request) as session:
            outcome = await run_in_threadpool(_hold_upload, request, session, live, plan, upload)
    finally:
        await form.close()
    if isinstance(outcome, AnswerError):
        status, code = _REJECTED[outcome.rule]
        return _error(request, status, code, [outcome])
    return _json(outcome.model_dump(mode="json"), 201)


_REJECTED = {
    "too_big": (413, "file_too_large"),
    "bad_type": (415, "file_type_not_accepted"),
    "empty": (422, "file_empty"),
}


def _hold_upload(
    request: Request, session: Session, live: LiveService, plan: FieldPlan, upload: UploadFile
) -> UploadCreated | AnswerError:
    """Check and store the file, then record it as an upload (in a worker thread)."""
    settings: Settings = request.app.state.settings
    files = request.app.state.store
    try:
        stored = store_field_upload(upload, plan.spec, files)
    except UploadRejected as exc:
        return api_uploads.rejected(plan, exc.reason)
    assert live.version.id is not None
    now = utcnow()
    ttl = dt.timedelta(hours=settings.draft_ttl_hours)
    try:
        with db.serialised_writes(session):
            api_uploads.hold(
                session,
                service_version_id=live.version.id,
                field_key=plan.key,
                stored=stored,
                ttl=ttl,
                now=now,
            )
            session.commit()
    except BaseException:
        session.rollback()
        remove_attachment_files(files, [stored.storage_name])  # no row names it
        raise
    return UploadCreated(
        upload=stored.id,
        field=plan.key,
        name=stored.original_name,
        size=stored.size,
        content_type=stored.content_type,
        sha256=stored.sha256,
        expires_at=now + ttl,
    )


# -- submissions -------------------------------------------------------------------------------

_SUBMISSION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "One JSON object of answers keyed by field key (see the service's schema). "
            f"At most {MAX_BODY_BYTES // 1024} KiB and {MAX_DEPTH} levels deep. A file "
            "field's answer is the upload id from POST .../files (a list of ids when the "
            "field takes several files; in a repeatable group's items too)."
        ),
        "content": {
            JSON_TYPE: {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {"nama": "Budi Santoso", "setuju": True},
            }
        },
    }
}


def _optional_header(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An optional text header as FastAPI's `Header()` would document it."""
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "title": name,
            "description": description,
            **schema,
        },
    }


# The submission route reads its two optional headers from the request itself (FastAPI's
# header parameters cost a pass of its parameter machinery per request) and documents them
# here, as `Header()` parameters were documented.
_SUBMISSION_HEADERS: dict[str, Any] = {
    "parameters": [
        _optional_header(
            "Idempotency-Key",
            "8-64 characters A-Z a-z 0-9 - _; a retry with it returns the same case.",
        ),
        _optional_header(
            "Accept-Language",
            "The applicant's language: `id` (Bahasa Indonesia, the default) or `en`, "
            "chosen by the usual q-values (e.g. `en-GB,en;q=0.9`). It is stored with the "
            "case, and every message to the applicant about it (received, sent back, "
            "decided, withdrawn) is written in it; the reply's `language` says which.",
            examples=["en"],
        ),
    ]
}


class _BadBody(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _encodable(value: Any) -> bool:
    """Whether every text in a parsed JSON value can be written as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (a scalar is 0)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
            stack.extend((child, level + 1) for child in _children(item))
    return deepest


def _children(item: dict[str, Any] | list[Any]) -> Iterator[Any]:
    return iter(item.values()) if isinstance(item, dict) else iter(item)


async def _read_answers(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; raise _BadBody with the status to answer."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _BadBody(413, "too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BadBody(413, "too_large")
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise _BadBody(400, "invalid_encoding") from None
    try:
        value = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except RecursionError:  # the parser's own guard against very deep nesting
        raise _BadBody(400, "too_deep") from None
    except ValueError:
        raise _BadBody(400, "invalid_json") from None
    if _depth(value) > MAX_DEPTH:
        raise _BadBody(400, "too_deep")
    if _SURROGATE_ESCAPE.search(text) and not _encodable(value):
        raise _BadBody(400, "invalid_encoding")  # a lone surrogate cannot be stored as UTF-8
    if not isinstance(value, dict):
        raise _BadBody(422, "not_an_object")
    return value


def _unknown(compiled: CompiledService, answers: Mapping[str, Any]) -> list[AnswerError]:
    """Answers (also inside repeatable groups) that are not fields of the service."""
    found = [
        make_error(pointer=f"/{key}", key=key, rule="unknown", spec={"label": key})
        for key in compiled.unknown_keys(answers)
    ]
    for plan in compiled.fields.values():
        items = answers.get(plan.key)
        if plan.type != "group" or not isinstance(items, list):
            continue
        known = {c.key for c in plan.children if c.has_value}
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                found.extend(
                    make_error(
                        pointer=f"/{plan.key}/{index}/{key}",
                        key=plan.key,
                        rule="unknown",
                        spec={"label": key},
                    )
                    for key in item
                    if key not in known
                )
    return found


def _exit_error(compiled: CompiledService, stop: ExitPlan) -> AnswerError:
    """An exit page that applies, as an answer problem: its id, title, text and link, pointing
    at the first answer its condition reads."""
    read = conditions.referenced_fields(stop.condition)
    key = next((k for k in compiled.fields if k in read), "")
    message = {}
    for lang in ("id", "en"):
        parts = [stop.title(lang).rstrip(".") + ".", stop.text(lang)]
        if stop.link_url:
            parts.append(f"{stop.link_label(lang)}: {stop.link_url}")
        message[lang] = " ".join(part for part in parts if part)
    return AnswerError(f"/{key}" if key else "", stop.id, "exit", message)


def _keyed(secret_key: str, purpose: str, *parts: str) -> str:
    """A URL-safe HMAC-SHA256 of `parts` (43 characters)."""
    message = "\x00".join((purpose, *parts)).encode("utf-8")
    mac = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _created(request: Request, case: Submission, secret: str, replayed: bool) -> Response:
    status_url = f"{PREFIX}/status/{case.reference}"
    body = SubmissionCreated(
        reference=case.reference,
        status_url=status_url,
        status_page_url=f"/status/{case.reference}/{secret}",
        secret=secret,
        language="en" if case.language == "en" else "id",
    )
    headers = {"Location": status_url}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return _json(body.model_dump(), 201, headers)


class _Outcome:
    """What the synchronous part of a submission decided."""

    def __init__(
        self,
        *,
        case: Submission | None = None,
        secret: str = "",
        replayed: bool = False,
        status: int = 0,
        code: str = "",
        errors: list[AnswerError] | None = None,
    ) -> None:
        self.case = case
        self.secret = secret
        self.replayed = replayed
        self.status = status
        self.code = code
        self.errors = errors or []


def _replay(
    session: Session, secret_key: str, draft_id: str, answers: Mapping[str, Any]
) -> _Outcome | None:
    """The case an earlier attempt with the same Idempotency-Key filed, if any."""
    draft = session.get(FormDraft, draft_id, populate_existing=True)
    if draft is None or draft.submission_id is None:
        return None
    case = session.get(Submission, draft.submission_id)
    found = catalog.compiled_version(session, draft.service_version_id)
    if case is None or found is None:
        return None
    if found[1].prune(answers) != api_uploads.as_sent(found[1], case.answers):
        return _Outcome(status=422, code="idempotency_key_reused")
    secret = status_secret(secret_key, case.id)
    if not secrets_equal(hash_secret(secret), case.secret_hash):  # filed before secrets were
        secret = _keyed(secret_key, "loket-api-status-secret", draft_id)  # derived from the id
    return _Outcome(case=case, secret=secret, replayed=True)


def _file_case(
    request: Request,
    session: Session,
    agency: str,
    slug: str,
    answers: dict[str, Any],
    key: str | None,
    lang: str = DEFAULT_LANGUAGE,
) -> _Outcome:
    """Validate and file the answers (through `db.writing`: on the event loop when SQLite's
    write lock is free at once, else in the thread pool; safe to run again after a rollback)."""
    settings = request.app.state.settings
    live = catalog.live_service(session, agency, slug)
    if live is None or live.version.id is None:
        return _Outcome(status=404, code="service_not_found")
    draft_id = None
    if key is not None:
        draft_id = "api-" + _keyed(settings.secret_key, "loket-api-idempotency", agency, slug, key)
        earlier = _replay(session, settings.secret_key, draft_id, answers)
        if earlier is not None:
            return earlier
    if live.retired:
        return _Outcome(status=410, code="service_retired")
    compiled = live.compiled
    unknown = _unknown(compiled, answers)
    if unknown:
        return _Outcome(status=422, code="unknown_fields", errors=unknown)
    now = utcnow()
    files = api_uploads.resolve(session, compiled, live.service_id, answers, now)
    if files.errors:
        return _Outcome(status=422, code="invalid_uploads", errors=files.errors)
    pruned, errors = compiled.check(files.answers)
    if errors:
        return _Outcome(status=422, code="invalid_answers", errors=errors)
    stop = compiled.exit_for(pruned)
    if stop is not None:
        return _Outcome(status=422, code="not_eligible", errors=[_exit_error(compiled, stop)])
    names = api_uploads.file_keys(compiled, pruned)  # the files of the answers kept
    uploads = {  # (a hidden field's answer is dropped, its upload stays free)
        upload: holder for upload, holder in files.uploads.items() if upload in names
    }
    definition = compiled.definition
    initial = str(definition["workflow"]["initial"])
    due = deadlines.due_on_entering(definition, initial, now, request.app.state.calendar)
    links = case_messages.Links.of(settings, str(request.base_url))
    filing = _Filing(settings, live, pruned, initial, due, now, links, lang, uploads, names)
    with db.serialised_writes(session):
        try:
            case, secret = _insert(session, filing, draft_id)
        except api_uploads.UploadTaken:
            session.rollback()
            return _taken(session, settings.secret_key, draft_id, answers, live)
        except IntegrityError:
            session.rollback()
            if draft_id is not None:
                # Another attempt with the same Idempotency-Key committed first: its case.
                earlier = _replay(session, settings.secret_key, draft_id, answers)
                if earlier is not None:
                    return earlier
            # A reference drawn twice (the unique index said so): draw again, once.
            try:
                case, secret = _insert(session, filing, draft_id)
            except api_uploads.UploadTaken:
                session.rollback()
                return _taken(session, settings.secret_key, draft_id, answers, live)
            return _Outcome(case=case, secret=secret)
    return _Outcome(case=case, secret=secret)


def _file_and_close(
    request: Request,
    session: Session,
    agency: str,
    slug: str,
    answers: dict[str, Any],
    key: str | None,
    lang: str,
) -> _Outcome:
    """`_file_case`, then the session closed in the same worker thread: a refused submission
    leaves a read transaction open, and closing it is a round trip on PostgreSQL that would
    otherwise take a second hand-off to the thread pool (the outcome's case stays readable)."""
    try:
        return _file_case(request, session, agency, slug, answers, key, lang)
    finally:
        session.close()


def _taken(
    session: Session,
    secret_key: str,
    draft_id: str | None,
    answers: Mapping[str, Any],
    live: LiveService,
) -> _Outcome:
    """The answer when another submission claimed an upload first: the case of an earlier
    attempt with the same Idempotency-Key, or a problem for each upload no longer free."""
    if draft_id is not None:
        earlier = _replay(session, secret_key, draft_id, answers)
        if earlier is not None:
            return earlier
    again = api_uploads.resolve(session, live.compiled, live.service_id, answers, utcnow())
    return _Outcome(status=422, code="invalid_uploads", errors=again.errors)


@dataclass(frozen=True)
class _Filing:
    """What `_insert` files: the checked answers and what goes with them."""

    settings: Settings
    live: LiveService
    pruned: dict[str, Any]
    initial: str
    due: dt.datetime | None
    now: dt.datetime
    links: case_messages.Links
    lang: str
    uploads: Mapping[str, str]  # upload id -> the draft holding it
    names: Mapping[str, str]  # upload id -> the name the case's file is filed under


def _insert(session: Session, filing: _Filing, draft_id: str | None) -> tuple[Submission, str]:
    """File the case (with a `draft_id`, also the filed draft a retry finds it by), claim its
    uploads, queue its 'received' messages and webhooks and commit; return the case and its
    status secret (derived from the case's id, so a retry gets the same one)."""
    settings, live, pruned, initial, due, now, links, lang = (
        filing.settings,
        filing.live,
        filing.pruned,
        filing.initial,
        filing.due,
        filing.now,
        filing.links,
        filing.lang,
    )
    assert live.version.id is not None
    case, secret, event_id = store.file_case_event(
        session,
        service_version_id=live.version.id,
        service_id=live.service_id,
        agency_id=live.agency_id,
        answers=pruned,
        initial_state=initial,
        due_at=due,
        check_reference=False,
        secret_key=settings.secret_key,
        language=lang,
        now=now,
        attach=False,
    )
    if draft_id is not None:  # how a retry with the same Idempotency-Key finds this case
        expires = now + dt.timedelta(hours=settings.draft_ttl_hours)
        store.record_filed_draft(session, draft_id=draft_id, case=case, expires_at=expires)
    api_uploads.claim(session, case.id, filing.uploads, filing.names)
    case_messages.case_filed(
        session,
        links,
        case,
        live.compiled.definition,
        secret,
        event_id=event_id,
        service_slug=live.slug,
    )
    session.commit()
    return case, secret


@router.post(
    "/services/{agency}/{service}/submissions",
    summary="File a submission",
    status_code=201,
    response_model=SubmissionCreated,
    openapi_extra={**_SUBMISSION_BODY, **_SUBMISSION_HEADERS},
    responses={
        400: {"model": ApiError, "description": "Malformed JSON, bad UTF-8, too deep, bad key."},
        404: {"model": ApiError, "description": "No such service."},
        410: {"model": ApiError, "description": "The service is retired."},
        413: {"model": ApiError, "description": "The body is too large."},
        415: {"model": ApiError, "description": "Content-Type is not application/json."},
        422: {
            "model": ApiError,
            "description": (
                "Not an object, unknown fields, a file answer, invalid answers, answers an "
                "exit page of the service stops (`not_eligible`, rule `exit`: why and where to "
                "go instead), or an Idempotency-Key reused with different answers; see `errors`."
            ),
        },
    },
)
async def create_submission(request: Request, agency: AgencyPath, service: ServicePath) -> Response:
    """Validate the answers like the pages do and file the case; the reply comes after the commit.

    Answers to hidden fields are dropped before validation and are not stored. Keep the
    returned secret: it is needed to read the status and is shown only in this reply (or in
    the reply to a retry with the same Idempotency-Key). The case keeps the language of
    `Accept-Language` for the applicant's messages.
    """
    headers = request.headers  # the two optional headers are read here (_SUBMISSION_HEADERS)
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != JSON_TYPE:
        return _error(request, 415, "unsupported_media_type")
    idempotency_key = headers.get("idempotency-key")
    accept_language = headers.get("accept-language")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        return _error(request, 400, "invalid_idempotency_key")
    try:
        answers = await _read_answers(request)
    except _BadBody as bad:
        return _error(request, bad.status, bad.code)
    lang = pick_language((accept_language or "")[:MAX_ACCEPT_LANGUAGE])
    # the session without a FastAPI dependency: a generator dependency costs an exit stack
    # and a shielded context manager per request
    async with RequestSession(request) as session:
        outcome = await db.writing(
            session,
            _file_and_close,
            request,
            session,
            agency,
            service,
            answers,
            idempotency_key,
            lang,
        )
    if outcome.case is None:
        return _error(request, outcome.status, outcome.code, outcome.errors)
    return _created(request, outcome.case, outcome.secret, outcome.replayed)


# -- status ------------------------------------------------------------------------------------


def _state_text(definition: Mapping[str, Any], state: str | None) -> Text:
    info = definition.get("workflow", {}).get("states", {}).get(state or "", {})
    return _text(info.get("public_label") or info.get("label")) or Text(
        **{lang: state_label(definition, state, lang, public=True) for lang in LANGUAGES}
    )


def _timeline(events: list[CaseEvent], definition: Mapping[str, Any]) -> Iterator[TimelineEntry]:
    for event in events:
        if event.action == store.SUBMIT_ACTION:
            label = Text(**{lang: t("status_submitted", lang) for lang in LANGUAGES})
        else:
            label = _state_text(definition, event.to_state)
        public = event.comment if event.comment_public and event.comment else None
        yield TimelineEntry(at=event.at, label=label, comment=public)


@router.get(
    "/status/{reference}",
    summary="A case's status",
    response_model=CaseStatus,
    responses={404: {"model": ApiError, "description": "Wrong reference or secret."}},
)
def case_status(
    request: Request,
    session: SessionDep,
    reference: ReferencePath,
    x_status_secret: Annotated[
        str | None,
        Header(alias="X-Status-Secret", description="The secret returned when the case was filed."),
    ] = None,
) -> CaseStatus | Response:
    """The citizen-facing state, final outcome and public timeline of a case.

    A wrong reference and a wrong (or missing) secret get the same 404.
    """
    secret = (x_status_secret or "")[:MAX_SECRET_LENGTH]
    case = store.find_submission(session, reference[:MAX_SECRET_LENGTH], secret)
    if case is None:
        return _error(request, 404, "case_not_found")
    found = catalog.compiled_version(session, case.service_version_id)
    version = found[0] if found else None
    definition: Mapping[str, Any] = version.definition if version else {}
    return CaseStatus(
        reference=case.reference,
        agency=case.agency_id,
        service=str(definition.get("id", "")),
        service_title=_text(definition.get("title")) or Text(id=""),
        version=version.number if version else None,
        state_label=_state_text(definition, case.state),
        final_outcome=case.final_outcome,
        submitted_at=case.created_at,
        due_at=None if case.final_outcome else case.due_at,
        timeline=list(_timeline(store.list_public_events(session, case.id), definition)),
        documents=[
            IssuedDocumentInfo(
                id=doc.id,
                title=doc.title,
                number=doc.number,
                issued_at=doc.issued_at,
                status=doc.status,  # type: ignore[arg-type]  # DOCUMENT_STATUSES
                revoked_at=doc.revoked_at,
                download_url=f"{PREFIX}/status/{case.reference}/dokumen/{doc.id}",
            )
            for doc in issued.for_applicant(session, case.id)
        ],
    )


@router.get(
    "/status/{reference}/dokumen/{document_id}",
    summary="Download an issued document",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The signed PDF."},
        404: {"model": ApiError, "description": "Wrong reference, secret or document."},
    },
)
def case_document(
    request: Request,
    session: SessionDep,
    reference: ReferencePath,
    document_id: Annotated[str, Path(max_length=64, description="The document's id.")],
    x_status_secret: Annotated[
        str | None,
        Header(alias="X-Status-Secret", description="The secret returned when the case was filed."),
    ] = None,
) -> Response:
    """The signed PDF of a document issued for the case, authenticated like the status.

    A wrong reference, secret or document id (or a document not meant for the applicant) gets
    the same 404.
    """
    secret = (x_status_secret or "")[:MAX_SECRET_LENGTH]
    case = store.find_submission(session, reference[:MAX_SECRET_LENGTH], secret)
    document = issued.of_case(session, case.id, document_id) if case is not None else None
    content = (
        issued.content(request.app.state.store, document)
        if document is not None and document.visible_to_applicant
        else None
    )
    if document is None or content is None:
        return _error(request, 404, "case_not_found")
    return bytes_download(content, issued.file_name(document))
