"""The verification of an issued document as JSON: ``GET /api/v1/verifikasi/{code}``.

The same look-up, limit and not-found answer as the page (`runtime.routes.verify`); the reply
holds the same public details and nothing of the applicant's answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from runtime.deps import SessionDep
from runtime.documents import verify
from runtime.i18n import t
from runtime.routes.api import PREFIX, ApiError, _json
from runtime.routes.verify import issue_date, limit_lookups
from runtime.web import language

router = APIRouter(prefix=PREFIX, tags=["api v1"])

EXAMPLE_CODE = "7Q2MK-4XD93-PAH6V-M8NRT-3C9WE"
EXAMPLE_SHA256 = "9f2b5c0e6d1a4b8c7e3f2a1d0c9b8a7f6e5d4c3b2a19080706050403020100ff"

CodePath = Annotated[
    str,
    Path(
        description=(
            "The verification code printed under the document's QR code (any case, spaces or "
            "dashes). Any text that names no document is 404."
        ),
        examples=[EXAMPLE_CODE],
    ),
]


class Successor(BaseModel):
    """The document that replaced a superseded one."""

    code: str
    page: str = Field(description="Its public verification page, as a path.")
    api: str = Field(description="Its verification as JSON, as a path.")


class VerifiedDocument(BaseModel):
    """The public facts of an issued document: never the applicant's answers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": EXAMPLE_CODE,
                    "status": "valid",
                    "agency": "disdukcapil",
                    "agency_name": "Dinas Kependudukan dan Pencatatan Sipil",
                    "document_type": "surat_domisili",
                    "title": "Surat Keterangan Domisili",
                    "number": "470/0007/DUKCAPIL/XII/2026",
                    "issued_at": "2026-12-02T03:15:00Z",
                    "issued_on": "2026-12-02",
                    "holder": "Bu** Sa*****",
                    "sha256": EXAMPLE_SHA256,
                    "size": 34773,
                    "superseded_by": None,
                    "revoked_at": None,
                    "signature_intact": True,
                    "signer": "Common Name: Disdukcapil; Country: ID",
                    "development_certificate": False,
                    "page": f"/verifikasi/{EXAMPLE_CODE}",
                }
            ]
        }
    )

    code: str = Field(description="The verification code, in its printed form.")
    status: Literal["valid", "superseded", "revoked"]
    agency: str = Field(description="Issuing agency id (slug).")
    agency_name: str
    document_type: str = Field(description="The document's id in the service definition.")
    title: str
    number: str
    issued_at: dt.datetime
    issued_on: dt.date = Field(description="The issue date as printed (Western Indonesia time).")
    holder: str = Field(
        description=(
            "The holder's name, masked: each word keeps its first letter (two from four letters "
            "on), the others are '*'."
        )
    )
    sha256: str = Field(description="SHA-256 of the issued PDF file, hex.")
    size: int = Field(description="Size of the issued PDF file in bytes.")
    superseded_by: Successor | None = Field(
        default=None, description="The newer document, when superseded."
    )
    revoked_at: dt.datetime | None = Field(
        default=None, description="When it was revoked (the reason is not public)."
    )
    signature_intact: bool | None = Field(
        default=None,
        description="Whether the stored file's signature is intact; null when it cannot be read.",
    )
    signer: str | None = Field(
        default=None, description="The signer certificate's subject, when readable."
    )
    development_certificate: bool = Field(
        description="Signed with a development certificate: NOT a legally valid signature."
    )
    page: str = Field(description="The public verification page, as a path.")


_NOT_FOUND = {"model": ApiError, "description": "No document has this code (any wrong code)."}
_LIMITED = {
    "model": ApiError,
    "description": "Too many look-ups from this address; wait for Retry-After seconds.",
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def _not_found(request: Request) -> Response:
    lang = language(request)
    body = {
        "error": "document_not_found",
        "message": t("verify_not_found_text", lang),
        "errors": [],
    }
    return _json(body, 404)


def _successor(code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    return {
        "code": code,
        "page": verify.verification_path(code),
        "api": f"{PREFIX}{verify.verification_path(code)}",
    }


@router.get(
    f"{verify.PATH}/{{code:path}}",
    summary="Verify an issued document",
    response_model=VerifiedDocument,
    responses={404: _NOT_FOUND, 429: _LIMITED},
    dependencies=[Depends(limit_lookups)],
)
def verify_document(request: Request, session: SessionDep, code: CodePath) -> Response:
    """Status (valid, superseded, revoked) and public details of the document with this code."""
    found = verify.lookup(session, request.app.state.settings, code, request.app.state.store)
    if found is None:
        return _not_found(request)
    seen = found[1]
    body: dict[str, Any] = {
        "code": seen.code,
        "status": seen.status,
        "agency": seen.agency_id,
        "agency_name": seen.agency_name,
        "document_type": seen.doc_type,
        "title": seen.title,
        "number": seen.number,
        "issued_at": seen.issued_at.isoformat(),
        "issued_on": issue_date(seen.issued_at).isoformat(),
        "holder": seen.holder,
        "sha256": seen.sha256,
        "size": seen.size,
        "superseded_by": _successor(seen.successor_code),
        "revoked_at": seen.revoked_at.isoformat() if seen.revoked_at else None,
        "signature_intact": seen.signature.intact if seen.signature.found else None,
        "signer": seen.signature.signer or None,
        "development_certificate": seen.development,
        "page": verify.verification_path(seen.code),
    }
    return _json(body)
