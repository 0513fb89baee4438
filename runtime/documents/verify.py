"""Public verification of issued documents: codes, look-up, what may be shown, file comparison.

- Codes (`new_verify_code`): 25 characters from the case reference alphabet (30 symbols
  without look-alikes), about 123 random bits, printed in five groups of five
  (``7Q2MK-4XD93-PAH6V-…``): unguessable, and readable aloud from a paper copy. A typed code
  is normalised (any case, spaces or dashes) by `lookup_key`; whatever cannot be a code becomes
  a key no document has, so a malformed code takes the same single indexed query as an unknown
  one and gets the same answer.
- What is shown (`Verification`): status, issuing agency, document type, title and number,
  issue date, the holder's name masked (`mask_name`), the sha256 and size of the issued file,
  the newer document of a superseded one, the date of a revocation (not its reason), and the
  signature found in the stored file (signer, development certificate or not). Never the
  applicant's answers.
- `compare_file`: whether an uploaded file is exactly the issued one (sha256).

The signature of a stored file is checked once per process and document (documents never
change once issued), so a verification page costs two small indexed queries afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from runtime.documents.files import read_document
from runtime.documents.signing import (
    DEVELOPMENT_ORGANISATION,
    SigningError,
    certificate_path,
    check_signature,
)
from runtime.models import TOKEN_LENGTH, Agency, IssuedDocument
from runtime.references import ALPHABET
from runtime.settings import Settings
from runtime.storage import FileStore, LocalStore

CODE_GROUPS = 5
GROUP_LENGTH = 5
CODE_LENGTH = CODE_GROUPS * GROUP_LENGTH
PATH = "/verifikasi"
_NO_DOCUMENT = "-"  # no verify_code is ever "-": the key of every malformed code
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_MASK = "*"


def new_verify_code() -> str:
    """A new random verification code such as ``7Q2MK-4XD93-PAH6V-M8NRT-3C9WE``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return _grouped(body)


def _grouped(body: str) -> str:
    return "-".join(body[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def lookup_key(text: str) -> str:
    """The `verify_code` a typed or scanned code is looked up by.

    A code in `new_verify_code`'s form is normalised (any case, spaces, dashes); a plain token
    of 16-64 URL-safe characters is taken as it is; anything else gets a key no document has.
    """
    if len(text) > 2 * TOKEN_LENGTH:
        return _NO_DOCUMENT
    body = "".join(text.split()).replace("-", "").upper()
    if len(body) == CODE_LENGTH and all(char in ALPHABET for char in body):
        return _grouped(body)
    return text if _TOKEN.fullmatch(text) else _NO_DOCUMENT


# Built once: building a statement (coercing the comparison, annotating the columns) cost
# about as much as running it.
_BY_CODE = col(IssuedDocument.verify_code) == bindparam("key")
_FIND = select(IssuedDocument).where(_BY_CODE)
_FIND_WITH_AGENCY = (
    select(IssuedDocument, Agency.name)
    .outerjoin(Agency, col(Agency.id) == col(IssuedDocument.agency_id))
    .where(_BY_CODE)
)


def find(session: Session, code: str) -> IssuedDocument | None:
    """The document with this code: one exact match on the unique index, whatever `code` is."""
    return session.exec(_FIND, params={"key": lookup_key(code)}).first()


def lookup(
    session: Session, settings: Settings, code: str, store: FileStore | None = None
) -> tuple[IssuedDocument, Verification] | None:
    """The document with this code and its public view, its agency's name read in the same
    query (what the verification page and API need); None when no document has the code.
    The file (for the signature's details) is read from `store` (None: the data folder)."""
    row = session.execute(_FIND_WITH_AGENCY, {"key": lookup_key(code)}).first()
    if row is None:
        return None
    doc, agency_name = row
    return doc, describe(session, settings, doc, store, agency_name)


def mask_name(name: str) -> str:
    """A name with most of its letters hidden: "Budi Santoso" → "Bu** Sa*****".

    Each word (split at spaces) keeps its first letter or digit, and its second too when it has
    four or more; every other letter or digit becomes "*", one for one, so the length of each
    word stays. Punctuation stays where it is ("Dr. Siti" → "D*. Si**"). Enough for someone
    holding the paper to see that the names agree; not enough to learn a stranger's name.
    """
    masked: list[str] = []
    for word in unicodedata.normalize("NFC", name).split():
        alnum = sum(1 for char in word if char.isalnum())
        keep = 2 if alnum >= 4 else 1
        seen = 0
        out = []
        for char in word:
            if char.isalnum():
                seen += 1
                out.append(char if seen <= keep else _MASK)
            else:
                out.append(char)
        masked.append("".join(out))
    return " ".join(masked)


@dataclass(frozen=True)
class SignatureSummary:
    """What the signature embedded in the stored file says."""

    found: bool  # the stored file is there, unchanged, and holds a readable signature
    intact: bool  # signed bytes unchanged, signature mathematically valid, nothing appended
    trusted: bool  # the signer's certificate is the agency's certificate on this server
    signer: str  # the signer certificate's subject
    development: bool  # signed with a development certificate (`loket keys`), not an official one


_NO_SIGNATURE = SignatureSummary(False, False, False, "", False)


@dataclass(frozen=True)
class Verification:
    """What the public verification page and API show of an issued document."""

    code: str
    status: str  # valid, superseded or revoked
    agency_id: str
    agency_name: str
    doc_type: str
    title: str
    number: str
    issued_at: dt.datetime
    holder: str  # masked
    sha256: str
    size: int
    successor_code: str | None  # the newer document's code when superseded
    revoked_at: dt.datetime | None
    signature: SignatureSummary

    @property
    def development(self) -> bool:
        """Signed with a development certificate: not a legally valid signature."""
        return self.signature.development


def verification_path(code: str) -> str:
    """The verification page of a code, as a path from the server root."""
    return f"{PATH}/{code}"


def verification_url(base_url: str, code: str) -> str:
    """The address printed under a document's QR code."""
    return f"{base_url.rstrip('/')}{verification_path(code)}"


def describe(
    session: Session,
    settings: Settings,
    doc: IssuedDocument,
    store: FileStore | None = None,
    agency_name: str | None = None,
) -> Verification:
    """The public view of a document (its agency, unless its name is given, its successor and
    its signature looked up); the file is read from `store` (None: the data folder)."""
    if agency_name is None:
        agency = session.get(Agency, doc.agency_id)
        agency_name = agency.name if agency is not None else None
    successor = session.get(IssuedDocument, doc.superseded_by_id) if doc.superseded_by_id else None
    return Verification(
        code=doc.verify_code,
        status=doc.status,
        agency_id=doc.agency_id,
        agency_name=agency_name or doc.agency_id,
        doc_type=doc.doc_type,
        title=doc.title,
        number=doc.number,
        issued_at=doc.issued_at,
        holder=mask_name(doc.holder_name),
        sha256=doc.sha256,
        size=doc.size,
        successor_code=successor.verify_code if successor is not None else None,
        revoked_at=doc.revoked_at if doc.status == "revoked" else None,
        signature=signature_of(settings, doc, store),
    )


def compare_file(doc: IssuedDocument, content: bytes) -> bool:
    """Whether `content` is exactly the issued file (same sha256)."""
    digest = hashlib.sha256(content).hexdigest()
    return hmac.compare_digest(digest, doc.sha256)


# -- the stored file's signature ----------------------------------------------------------------


def _agency_certificate(settings: Settings, agency_id: str) -> x509.Certificate | None:
    """The agency's public certificate (<data dir>/keys/<agency>.pem), if there is one."""
    try:
        pem = certificate_path(settings, agency_id).with_suffix(".pem")
        return x509.load_pem_x509_certificate(pem.read_bytes())
    except (SigningError, OSError, ValueError):
        return None


def _is_development(certificate: x509.Certificate | None) -> bool:
    if certificate is None:
        return False
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    return any(name.value == DEVELOPMENT_ORGANISATION for name in names)


def signature_of(
    settings: Settings, doc: IssuedDocument, store: FileStore | None = None
) -> SignatureSummary:
    """The signature of the document's stored file (checked once per process and document).

    When the file is missing or changed, or holds no readable signature, the agency's own
    certificate still says whether this installation signs with a development certificate.
    """
    files = store if store is not None else LocalStore(settings.data_dir)
    key = (files.location, doc.storage_name, doc.sha256)
    summary = _checked.get(key)
    if summary is None:
        summary = _check_stored(settings, doc, files)
        if summary.found:  # a file that is missing now may be restored: ask again next time
            with _checked_lock:
                if len(_checked) >= _CHECKED_MAX:
                    _checked.clear()
                _checked[key] = summary
    if summary.found:
        return summary
    agency_cert = _agency_certificate(settings, doc.agency_id)
    return SignatureSummary(False, False, False, "", _is_development(agency_cert))


_CHECKED_MAX = 4096
_checked: dict[tuple[str, str, str], SignatureSummary] = {}
_checked_lock = threading.Lock()


def _check_stored(settings: Settings, doc: IssuedDocument, store: FileStore) -> SignatureSummary:
    content = read_document(store, doc.storage_name, doc.sha256)
    if content is None:
        return _NO_SIGNATURE
    agency_cert = _agency_certificate(settings, doc.agency_id)
    roots = [agency_cert.public_bytes(Encoding.DER)] if agency_cert is not None else []
    try:
        check = check_signature(content, roots)
    except SigningError:
        return _NO_SIGNATURE
    return SignatureSummary(
        found=True,
        intact=check.intact and check.valid and check.covers_whole_file,
        trusted=check.trusted,
        signer=check.signer,
        development=check.organisation == DEVELOPMENT_ORGANISATION,
    )
