"""PAdES signing of issued PDFs: local PKCS#12 signer, validation, tampering, configuration."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from pathlib import Path

import pytest
from cryptography import x509
from pypdf import PdfReader

from runtime.documents.pdf import render_pdf
from runtime.documents.signing import (
    DEVELOPMENT_ORGANISATION,
    LocalSigner,
    RemoteSigner,
    SigningError,
    certificate_path,
    check_signature,
    create_development_certificate,
    signer_for_agency,
)
from runtime.settings import Settings
from tests.runtime.documents.samples import sample_document

PASSPHRASE = "rahasia-pengembangan-123"


@pytest.fixture(scope="module")
def p12() -> bytes:
    return create_development_certificate("Disdukcapil Kota Bandar Lampung", PASSPHRASE)


@pytest.fixture(scope="module")
def signer(p12: bytes) -> LocalSigner:
    return LocalSigner(p12, PASSPHRASE)


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return render_pdf(sample_document())


@pytest.fixture(scope="module")
def signed(signer: LocalSigner, unsigned: bytes) -> bytes:
    return signer.sign(unsigned, reason="Surat Keterangan Domisili", location="Bandar Lampung")


def _settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="x" * 32, **values)  # type: ignore[arg-type]


def test_development_certificate_says_it_is_not_official(signer: LocalSigner) -> None:
    cert = x509.load_der_x509_certificate(signer.certificate_der)
    organisation = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    assert organisation[0].value == DEVELOPMENT_ORGANISATION
    assert "BUKAN SERTIFIKAT RESMI" in signer.subject
    assert cert.issuer == cert.subject
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=729) < lifetime < dt.timedelta(days=731)


def test_signed_pdf_keeps_the_document_and_validates(
    signer: LocalSigner, unsigned: bytes, signed: bytes
) -> None:
    assert signed.startswith(unsigned)  # an incremental update: the letter itself is unchanged
    check = check_signature(signed, [signer.certificate_der])
    assert check.ok, check
    assert "BUKAN SERTIFIKAT RESMI" in check.signer
    text = PdfReader(io.BytesIO(signed)).pages[0].extract_text()
    assert "470/0007/DUKCAPIL/XII/2026" in text


def test_signature_is_pades_with_reason_and_location(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    fields = reader.get_fields()
    assert fields is not None
    value = next(f for f in fields.values() if f.get("/FT") == "/Sig")["/V"]
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"
    assert value["/Reason"] == "Surat Keterangan Domisili"
    assert value["/Location"] == "Bandar Lampung"


def test_without_trusting_the_certificate_the_signature_is_intact_but_untrusted(
    signed: bytes,
) -> None:
    check = check_signature(signed, [])
    assert check.intact and check.valid
    assert not check.trusted
    assert not check.ok


def test_one_changed_byte_in_the_signed_range_breaks_the_signature(
    signer: LocalSigner, signed: bytes
) -> None:
    at = signed.index(b"SURAT KETERANGAN DOMISILI")  # the title in the document information
    tampered = signed[:at] + b"X" + signed[at + 1 :]
    assert len(tampered) == len(signed)
    check = check_signature(tampered, [signer.certificate_der])
    assert not check.intact
    assert not check.ok


def test_bytes_appended_after_the_signature_are_noticed(signer: LocalSigner, signed: bytes) -> None:
    check = check_signature(signed + b"\n% appended\n", [signer.certificate_der])
    assert not check.covers_whole_file
    assert not check.ok


def test_an_unsigned_pdf_is_refused_by_the_check() -> None:
    with pytest.raises(SigningError, match="no signature"):
        check_signature(render_pdf(sample_document()), [])


def test_wrong_passphrase_is_a_clear_error(p12: bytes) -> None:
    with pytest.raises(SigningError, match="wrong passphrase"):
        LocalSigner(p12, "bukan-ini")


def test_signing_something_that_is_not_a_pdf_is_a_clear_error(signer: LocalSigner) -> None:
    with pytest.raises(SigningError, match="not a PDF"):
        signer.sign(b"hello", reason="", location="")


# -- configuration ----------------------------------------------------------------------------


def test_no_passphrase_means_no_signing(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="LOKET_SIGNING_PASSPHRASE"):
        signer_for_agency(_settings(tmp_path), "disdukcapil")


def test_missing_certificate_names_the_path_and_loket_keys(tmp_path: Path) -> None:
    settings = _settings(tmp_path, signing_passphrase=PASSPHRASE)
    with pytest.raises(SigningError, match=r"loket keys disdukcapil") as caught:
        signer_for_agency(settings, "disdukcapil")
    assert str(tmp_path / "keys" / "disdukcapil.p12") in str(caught.value)


def test_agency_certificate_is_found_by_convention(tmp_path: Path, p12: bytes) -> None:
    settings = _settings(tmp_path, signing_passphrase=PASSPHRASE)
    path = certificate_path(settings, "disdukcapil")
    path.parent.mkdir()
    path.write_bytes(p12)
    signer = signer_for_agency(settings, "disdukcapil")
    assert isinstance(signer, LocalSigner)
    signed = signer.sign(render_pdf(sample_document()), reason="uji", location="Bandar Lampung")
    assert check_signature(signed, [signer.certificate_der]).ok


def test_agency_ids_cannot_reach_outside_the_keys_folder(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="not an agency id"):
        certificate_path(_settings(tmp_path), "../secret")


def test_service_url_selects_the_remote_signer(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        signing_passphrase=PASSPHRASE,
        signing_service_url="http://127.0.0.1:9/tte",
        signing_signer_id="1871010101900001",
    )
    signer = signer_for_agency(settings, "disdukcapil")
    assert isinstance(signer, RemoteSigner)
    assert signer.endpoint == "http://127.0.0.1:9/tte/api/v2/sign/pdf"


def _ca_issued_p12(passphrase: str) -> tuple[bytes, bytes]:
    """A PKCS#12 with a leaf certificate issued by a test CA (and the CA in the file)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Test CA"))
        .issuer_name(name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("Kepala Dinas Uji"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"leaf", key, leaf, [ca], serialization.BestAvailableEncryption(passphrase.encode())
    )
    return data, ca.public_bytes(serialization.Encoding.DER)


def test_a_certificate_issued_by_a_ca_validates_against_that_ca(unsigned: bytes) -> None:
    data, ca_der = _ca_issued_p12(PASSPHRASE)
    signer = LocalSigner(data, PASSPHRASE)
    signed = signer.sign(unsigned, reason="uji", location="Bandar Lampung")
    check = check_signature(signed, [ca_der])
    assert check.ok, check
    assert "Kepala Dinas Uji" in check.signer


def test_signing_and_checking_work_inside_a_running_event_loop(
    signer: LocalSigner, unsigned: bytes
) -> None:
    """An async caller (or a test session with a browser driver) already runs a loop."""

    async def inside() -> bool:
        signed = signer.sign(unsigned, reason="Uji", location="Bandar Lampung")
        return check_signature(signed, [signer.certificate_der]).ok

    results: list[bool] = []  # a thread of its own: this one may run a loop already
    worker = threading.Thread(target=lambda: results.append(asyncio.run(inside())))
    worker.start()
    worker.join(timeout=60)
    assert results == [True]
