"""Issuing the documents a transition names (``issues``), inside that transition's transaction.

`cases.apply_transition` calls an `Issuer` twice: `prepare` before it writes anything (the
signer must be set up and the agency's letterhead filled in, else the action is refused with
a message saying what the administrator must set), then `issue` after the state change and
its audit event, before the commit. For every document `issue` takes the next number (given
back if the transaction rolls back), fills the document (`builder.documents.render_document`),
lays it out (`pdf.render_pdf`), signs it (`Signer.sign`), writes the signed file
(`files.store_document`, in the transaction itself with the database store) and adds its `IssuedDocument` row; an earlier valid document of the
same type for the case is superseded by it. If the transaction then fails, `discard` deletes
the files written: no row without its file and no file kept for a rolled-back row. A crash
between writing a file and the commit leaves an orphan file and nothing else; `loket prune`
removes such files (`issued.prune_orphan_files`).

Signing runs pyHanko, which starts its own event loop: `issue` is called from plain (thread
pool) code, never from inside a running event loop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from builder.compiler import CompiledService
from builder.documents import CaseData, documents, render_document, signatory_for, visible_to
from builder.texts import localise
from runtime.agencies import TEXT_FIELDS
from runtime.documents.files import store_document
from runtime.documents.numbering import next_number
from runtime.documents.pdf import render_pdf
from runtime.documents.signing import (
    LocalSigner,
    Signer,
    SigningError,
    certificate_path,
    signer_for_agency,
)
from runtime.documents.verify import new_verify_code, verification_url
from runtime.models import Agency, AgencyLogo, CaseEvent, IssuedDocument, Submission
from runtime.references import new_token
from runtime.settings import Settings
from runtime.storage import FileStore, LocalStore
from runtime.workdays import WIB

FOOTER = (
    "Dokumen ini ditandatangani secara elektronik. Keasliannya dapat diperiksa dengan memindai "
    "kode QR atau membuka alamat di bawah kode tersebut."
)
# Answer keys that hold the applicant's name (stored, partly masked, for the verification page).
HOLDER_KEYS = ("nama_lengkap", "nama", "nama_pemohon")


class IssuingRefused(Exception):
    """A document cannot be issued as things are set up; `message` says what to set (id/en)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = {"id": message_id, "en": message_en}


def issued_documents(definition: Mapping[str, Any], transition: int) -> list[str]:
    """The document ids a transition (by index) issues; none for -1 (no transition)."""
    moves = definition.get("workflow", {}).get("transitions", [])
    if not 0 <= transition < len(moves):
        return []
    return [str(doc) for doc in moves[transition].get("issues") or []]


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in WIB: a letter issued at 06:30 WIB carries that day's date."""
    return moment.astimezone(WIB).date()


_signer_lock = threading.Lock()
_local_signers: dict[tuple[str, int, int, str], LocalSigner] = {}


def cached_signer(settings: Settings, agency_id: str) -> Signer:
    """`signer_for_agency`, keeping a loaded PKCS#12 file while it is unchanged on disk.

    Opening a PKCS#12 file checks its RSA key at length (tens of milliseconds); a changed file
    (new mtime or size) or passphrase is loaded again.
    """
    if settings.signing_service_url or not settings.signing_passphrase:
        return signer_for_agency(settings, agency_id)
    path = certificate_path(settings, agency_id)
    try:
        stat = path.stat()
    except OSError:
        return signer_for_agency(settings, agency_id)  # raises its own clear error
    secret = hashlib.sha256(settings.signing_passphrase.encode("utf-8")).hexdigest()
    key = (str(path), stat.st_mtime_ns, stat.st_size, secret)
    with _signer_lock:
        found = _local_signers.get(key)
    if found is None:
        signer = signer_for_agency(settings, agency_id)
        assert isinstance(signer, LocalSigner)
        found = signer
        with _signer_lock:
            for old in [k for k in _local_signers if k[0] == key[0]]:
                del _local_signers[old]
            _local_signers[key] = found
    return found


def agency_data(session: Session, agency_id: str) -> dict[str, Any]:
    """The agency's letterhead and signatory data (and logo bytes) as `render_document` reads."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        return {}
    data: dict[str, Any] = agency.model_dump()
    logo = session.get(AgencyLogo, agency_id)
    data["logo"] = logo.content if logo is not None else None
    return data


def letterhead_problems(agency: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    """Agency settings a document of `spec` needs that are empty (names of the fields)."""
    needed = ["parent_government", "city", "address", "signatory_position"]
    if spec.get("signatory", "agency") == "agency":
        needed.append("signatory_name")
    return [name for name in needed if not str(agency.get(name) or "").strip()]


def holder_name(answers: Mapping[str, Any]) -> str:
    """The applicant's name as answered (the first of the usual name keys), for verification."""
    for key in HOLDER_KEYS:
        value = answers.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return ""


def officer_values(session: Session, case_id: str) -> dict[str, Any]:
    """What officers entered on the case's transitions so far (this one included), by key."""
    found: dict[str, Any] = {}
    events = session.exec(
        select(CaseEvent).where(CaseEvent.submission_id == case_id).order_by(col(CaseEvent.id))
    ).all()
    for event in events:
        fields = event.details.get("fields") if isinstance(event.details, Mapping) else None
        if isinstance(fields, Mapping):
            found.update((str(key), value) for key, value in fields.items())
    return found


@dataclass
class Issuer:
    """Issues a transition's documents for one request: signer, verification base address and
    who acts. Keeps the files it wrote until the transaction ends (`discard` on rollback)."""

    settings: Settings
    base_url: str
    acting_officer: str = ""
    user_id: int | None = None
    store: FileStore | None = None  # None: the data folder (local storage)
    written: list[str] = field(default_factory=list)
    _signers: dict[str, Signer] = field(default_factory=dict)

    def prepare(
        self,
        session: Session,
        *,
        agency_id: str,
        definition: Mapping[str, Any],
        doc_ids: Sequence[str],
    ) -> None:
        """Check, before anything is written, that the documents can be issued and signed."""
        if not doc_ids:
            return
        agency = agency_data(session, agency_id)
        specs = documents(definition)
        missing: dict[str, None] = {}
        for doc_id in doc_ids:
            missing.update(dict.fromkeys(letterhead_problems(agency, specs.get(doc_id, {}))))
        if missing:
            names_id = ", ".join(TEXT_FIELDS[name][1] for name in missing)
            names_en = ", ".join(TEXT_FIELDS[name][2] for name in missing)
            raise IssuingRefused(
                "Surat tidak dapat diterbitkan: data kop surat instansi belum lengkap "
                f"({names_id}). Minta administrator melengkapinya di /admin/instansi.",
                "The letter cannot be issued: the agency's letterhead data is incomplete "
                f"({names_en}). Ask an administrator to fill it in at /admin/instansi.",
            )
        try:
            self._signers[agency_id] = cached_signer(self.settings, agency_id)
        except SigningError as exc:
            raise IssuingRefused(
                "Surat tidak dapat diterbitkan karena penandatanganan elektronik belum disiapkan. "
                "Administrator perlu mengisi LOKET_SIGNING_PASSPHRASE dan menaruh sertifikat "
                "instansi (atau mengatur LOKET_SIGNING_SERVICE_URL); lihat docs/documents.md. "
                f"Rincian: {exc}",
                "The letter cannot be issued: electronic signing is not set up. An administrator "
                "must set LOKET_SIGNING_PASSPHRASE and install the agency's certificate (or set "
                f"LOKET_SIGNING_SERVICE_URL); see docs/documents.md. Details: {exc}",
            ) from exc

    def issue(
        self,
        session: Session,
        *,
        case: Submission,
        answers: Mapping[str, Any],
        definition: Mapping[str, Any],
        compiled: CompiledService,
        doc_ids: Sequence[str],
        event: CaseEvent,
        now: dt.datetime,
    ) -> list[IssuedDocument]:
        """Issue the documents in the caller's transaction (rows added and flushed, files
        written); the caller commits, or rolls back and calls `discard`."""
        issued = []
        agency = agency_data(session, case.agency_id)
        signer = self._signers.get(case.agency_id) or cached_signer(self.settings, case.agency_id)
        pruned = compiled.prune(answers)
        entered = officer_values(session, case.id)
        issued_on = local_date(now)
        for doc_id in doc_ids:
            spec = documents(definition)[doc_id]
            seq, number = next_number(
                session,
                agency_id=case.agency_id,
                doc_type=doc_id,
                pattern=str(spec["number"]),
                issued_on=issued_on,
            )
            verify_code = new_verify_code()
            rendered = render_document(
                definition,
                doc_id,
                answers=pruned,
                officer_values=entered,
                case=CaseData(case.reference, local_date(case.created_at)),
                agency=agency,
                number=number,
                issued_on=issued_on,
                signatory=signatory_for(spec, agency, self.acting_officer),
                verification_url=verification_url(self.base_url, verify_code),
                footer=FOOTER,
            )
            title = localise(spec.get("title"), "id") or doc_id
            signed = signer.sign(
                render_pdf(rendered),
                reason=f"{title} {number}",
                location=str(agency.get("city") or ""),
            )
            storage_name = f"{new_token()}.pdf"
            self.written.append(
                store_document(self._store(), storage_name, signed, session=session)
            )
            row = IssuedDocument(
                submission_id=case.id,
                event_id=event.id,
                agency_id=case.agency_id,
                doc_type=doc_id,
                title=title[:300],
                number=number,
                year=issued_on.year,
                seq=seq,
                issued_at=now,
                issued_by_user_id=self.user_id,
                holder_name=holder_name(pruned),
                sha256=hashlib.sha256(signed).hexdigest(),
                size=len(signed),
                storage_name=storage_name,
                verify_code=verify_code,
                visible_to_applicant="applicant" in visible_to(spec),
            )
            session.add(row)
            session.flush()
            for older in session.exec(
                select(IssuedDocument).where(
                    IssuedDocument.submission_id == case.id,
                    IssuedDocument.doc_type == doc_id,
                    IssuedDocument.status == "valid",
                    IssuedDocument.id != row.id,
                )
            ).all():
                older.status = "superseded"
                older.superseded_by_id = row.id
                session.add(older)
            session.flush()
            issued.append(row)
        return issued

    def _store(self) -> FileStore:
        return self.store if self.store is not None else LocalStore(self.settings.data_dir)

    def discard(self) -> None:
        """Delete the files written for a transaction that did not commit (the database
        store's went with the rollback; deleting again finds nothing)."""
        store = self._store()
        for key in self.written:
            store.delete(key)
        self.written.clear()
