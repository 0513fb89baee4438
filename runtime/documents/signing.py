"""PAdES signatures on issued PDFs: a `Signer` protocol and its two kinds, plus checking.

- `LocalSigner` signs with a PKCS#12 file (certificate and private key) and its passphrase,
  through pyHanko (PAdES baseline B-B, SHA-256, an invisible signature field).
- `RemoteSigner` sends the PDF to a signing service over HTTP and takes back the signed PDF.
  Its JSON API is modelled on the shape publicly known of Indonesia's national
  electronic-certificate service (BSrE) for certified electronic signatures (TTE):
  ``POST <url>/api/v2/sign/pdf`` with HTTP Basic credentials and
  ``{"nik" | "email": <signer>, "passphrase": …, "signatureProperties": [{"tampilan":
  "INVISIBLE", "reason": …, "location": …}], "file": [<PDF, base64>]}``, answered by
  ``{"file": [<signed PDF, base64>]}`` or, on failure, a 4xx/5xx with ``{"error": …}``.
  It is modelled, not certified against the real service: check the provider's current
  documentation before production use.
- `signer_for_agency` picks the signer an installation is configured for (docs/documents.md).
- `create_development_certificate` makes the self-signed certificate of `loket keys`, labelled
  "BUKAN SERTIFIKAT RESMI" (not an official certificate) in its subject.
- `check_signature` validates a signed PDF against trusted root certificates.

Passphrases and service credentials come from settings and are never logged or stored.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import datetime as dt
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from runtime.settings import Settings

DEVELOPMENT_ORGANISATION = "Loket – sertifikat pengembangan, BUKAN SERTIFIKAT RESMI"
SIGNATURE_FIELD = "TandaTanganElektronik"
AGENCY_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
REMOTE_SIGN_PATH = "/api/v2/sign/pdf"


class SigningError(RuntimeError):
    """A document could not be signed; the message says why and what to fix (no secrets)."""


class Signer(Protocol):
    """Anything that turns a PDF into the same PDF with a PAdES signature appended."""

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """Return the signed PDF (the input bytes followed by an incremental update)."""
        ...


T = TypeVar("T")


def _off_loop(work: Callable[[], T]) -> T:
    """Run `work` here, or in a helper thread when this thread already runs an event loop.

    pyHanko signs and validates with `asyncio.run`, which refuses to start inside a running
    loop (an async route, or a test session with a browser driver running).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class LocalSigner:
    """Signs with a certificate and key from a PKCS#12 (.p12/.pfx) file."""

    def __init__(self, pkcs12_data: bytes, passphrase: str, *, source: str = "PKCS#12") -> None:
        try:
            key, cert, others = pkcs12.load_key_and_certificates(
                pkcs12_data, passphrase.encode("utf-8")
            )
        except ValueError as exc:
            raise SigningError(
                f"cannot open the signing certificate {source}: wrong passphrase "
                "(LOKET_SIGNING_PASSPHRASE) or not a PKCS#12 file"
            ) from exc
        if key is None or cert is None:
            raise SigningError(f"the signing certificate {source} holds no key or certificate")
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SigningError(f"the signing certificate {source} must hold an RSA or EC key")
        self._signer = _kept_key_signer(key, cert, others)
        self.certificate_der: bytes = cert.public_bytes(serialization.Encoding.DER)
        # Room for the CMS signature (written as hex: two characters a byte): the certificates
        # it carries, the signature value and the signed attributes, with a margin. Reserving
        # it spares pyHanko a trial signature to measure it.
        certificates = len(self.certificate_der) + sum(
            len(other.public_bytes(serialization.Encoding.DER)) for other in others
        )
        self._reserved = 2 * (3072 + certificates)

    @classmethod
    def from_file(cls, path: Path, passphrase: str) -> LocalSigner:
        """Load the signer from a PKCS#12 file; SigningError when missing or unreadable."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningError(
                f"cannot read the signing certificate {path}: {exc.strerror}"
            ) from exc
        return cls(data, passphrase, source=str(path))

    @property
    def subject(self) -> str:
        """The certificate's subject, for messages and the verification page."""
        return x509.load_der_x509_certificate(self.certificate_der).subject.rfc4514_string()

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            reason=reason or None,
            location=location or None,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            signed = _off_loop(
                lambda: signers.sign_pdf(
                    writer, meta, signer=self._signer, bytes_reserved=self._reserved
                )
            )
        except PdfError as exc:
            raise SigningError(f"the document is not a PDF that can be signed: {exc}") from exc
        return bytes(signed.getbuffer())


def _kept_key_signer(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    others: Sequence[x509.Certificate],
) -> Any:
    """A pyHanko signer that keeps the loaded private key.

    pyHanko's SimpleSigner parses its key again for every signature (twice per document, with
    the size estimate), and parsing an RSA key checks it at length: about 65 ms each on the
    benchmark machine. Keeping the parsed key makes signing a few milliseconds.
    """
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            algorithm = mechanism.signature_algo
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algorithm)
            if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(hash_algorithm))
            signed: bytes = super().sign_raw(data, digest_algorithm)
            return signed

    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in others])
    return KeptKeySigner(
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        cert_registry=store,
    )


class RemoteSigner:
    """Signs through an HTTP signing service shaped like BSrE's (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        signer_id: str,
        passphrase: str,
        username: str = "",
        password: str = "",
        timeout: float = 30.0,
    ) -> None:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
            raise SigningError(f"the signing service address must be http(s)://…, got {url!r}")
        if not signer_id:
            raise SigningError(
                "the signing service needs the signer's id (LOKET_SIGNING_SIGNER_ID)"
            )
        self.endpoint = url.rstrip("/") + REMOTE_SIGN_PATH
        self.signer_id = signer_id
        self._passphrase = passphrase
        self._username = username
        self._password = password
        self.timeout = timeout

    def _payload(self, pdf: bytes, reason: str, location: str) -> bytes:
        key = "email" if "@" in self.signer_id else "nik"
        return json.dumps(
            {
                key: self.signer_id,
                "passphrase": self._passphrase,
                "signatureProperties": [
                    {"tampilan": "INVISIBLE", "reason": reason, "location": location}
                ],
                "file": [base64.b64encode(pdf).decode("ascii")],
            }
        ).encode("utf-8")

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.endpoint,
            data=self._payload(pdf, reason, location),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if self._username or self._password:
            token = base64.b64encode(f"{self._username}:{self._password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise SigningError(
                f"the signing service at {self.endpoint} refused the document "
                f"(HTTP {exc.code}): {_service_message(exc.read())}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason_text = getattr(exc, "reason", exc)
            raise SigningError(
                f"the signing service at {self.endpoint} could not be reached: {reason_text}"
            ) from exc
        signed = _signed_file(body)
        if not signed.startswith(pdf):
            raise SigningError(
                "the signing service sent back a different document: a signature must be "
                "appended to the PDF it was given, without changing it"
            )
        return signed


def _service_message(body: bytes) -> str:
    try:
        answer = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return text[:200] or "no message"
    if isinstance(answer, dict):
        for key in ("error", "message", "detail"):
            if answer.get(key):
                return str(answer[key])[:200]
    return "no message"


def _signed_file(body: bytes) -> bytes:
    try:
        answer = json.loads(body)
        files = answer["file"]
        signed = base64.b64decode(files[0], validate=True)
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error) as exc:
        raise SigningError(
            "the signing service answered without a signed PDF (expected JSON with file[0])"
        ) from exc
    if not signed.startswith(b"%PDF-"):
        raise SigningError("the signing service answered with something that is not a PDF")
    return signed


def keys_dir(settings: Settings) -> Path:
    """Folder of the agencies' PKCS#12 files: <data dir>/keys."""
    return settings.data_dir / "keys"


def certificate_path(settings: Settings, agency_id: str) -> Path:
    """Where the agency's PKCS#12 file is looked for: <data dir>/keys/<agency>.p12."""
    if not AGENCY_ID.fullmatch(agency_id):
        raise SigningError(f"not an agency id: {agency_id!r}")
    return keys_dir(settings) / f"{agency_id}.p12"


def signer_for_agency(settings: Settings, agency_id: str) -> Signer:
    """The signer this installation uses for the agency: the remote service when
    LOKET_SIGNING_SERVICE_URL is set, else the agency's PKCS#12 file."""
    if not settings.signing_passphrase:
        raise SigningError(
            "LOKET_SIGNING_PASSPHRASE is not set: documents cannot be signed "
            "(docs/documents.md says how to set up signing)"
        )
    if settings.signing_service_url:
        return RemoteSigner(
            settings.signing_service_url,
            signer_id=settings.signing_signer_id or "",
            passphrase=settings.signing_passphrase,
            username=settings.signing_service_user or "",
            password=settings.signing_service_password or "",
        )
    path = certificate_path(settings, agency_id)
    if not path.is_file():
        raise SigningError(
            f"no signing certificate for agency {agency_id!r}: put its PKCS#12 file at {path}, "
            f"or run `loket keys {agency_id}` for a development certificate"
        )
    return LocalSigner.from_file(path, settings.signing_passphrase)


def create_development_certificate(
    common_name: str,
    passphrase: str,
    *,
    days: int = 730,
    now: dt.datetime | None = None,
) -> bytes:
    """A self-signed RSA certificate and key as PKCS#12, for development and demos only.

    Its organisation reads "BUKAN SERTIFIKAT RESMI" (not an official certificate); documents
    signed with it validate only where it is trusted explicitly.
    """
    if not passphrase:
        raise SigningError("a development certificate needs a passphrase")
    start = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "Loket"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - dt.timedelta(minutes=5))
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8")[:64],
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


@dataclass(frozen=True)
class SignatureCheck:
    """What validating a signed PDF found."""

    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature is mathematically valid over them
    trusted: bool  # the signer's certificate leads to a trusted root
    covers_whole_file: bool  # nothing was appended after the signature
    signer: str  # the signer certificate's subject
    signed_at: dt.datetime | None
    organisation: str = ""  # the signer certificate's organisation (O=)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


def check_signature(pdf: bytes, trusted_roots: Sequence[bytes]) -> SignatureCheck:
    """Validate the last signature of a PDF; `trusted_roots` are DER certificates.

    Raises SigningError when the file holds no signature or is not a PDF.
    """
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError) as exc:
        raise SigningError(f"not a readable PDF: {exc}") from exc
    if not signatures:
        raise SigningError("the PDF holds no signature")
    roots = [asn1_x509.Certificate.load(der) for der in trusted_roots]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = _off_loop(lambda: validate_pdf_signature(signatures[-1], context))
    except (SignatureValidationError, PdfError, ValueError) as exc:
        raise SigningError(f"the signature cannot be checked: {exc}") from exc
    cert = status.signing_cert
    return SignatureCheck(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=cert.subject.human_friendly if cert is not None else "",
        signed_at=status.signer_reported_dt,
        organisation=_organisation(cert.subject.native) if cert is not None else "",
    )


def _organisation(subject: Any) -> str:
    """The organisation (O=) of a certificate subject in asn1crypto's native form."""
    value = subject.get("organization_name", "") if isinstance(subject, Mapping) else ""
    if isinstance(value, list):  # several O= attributes
        value = ", ".join(str(part) for part in value)
    return str(value)
