"""`loket keys AGENCY`: a self-signed development signing certificate for an agency.

It is written to <data dir>/keys/<agency>.p12 (PKCS#12, encrypted with LOKET_SIGNING_PASSPHRASE)
with its public certificate beside it as <agency>.pem. Its subject says "BUKAN SERTIFIKAT RESMI":
it is for development and demos; production signing uses a certificate from a certification
authority (or the remote signing service), placed at the same path or configured in settings.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated

import typer


def write_development_certificate(
    path: Path, name: str, passphrase: str, *, days: int = 730
) -> tuple[str, str]:
    """Create a development certificate at `path` (PKCS#12, mode 0600) with its public
    certificate beside it (.pem); return its subject and SHA-256 fingerprint."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from runtime.documents.signing import create_development_certificate

    data = create_development_certificate(name, passphrase, days=days)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    certificate = pkcs12.load_pkcs12(data, passphrase.encode()).cert
    assert certificate is not None
    path.with_suffix(".pem").write_bytes(certificate.certificate.public_bytes(Encoding.PEM))
    der = certificate.certificate.public_bytes(Encoding.DER)
    subject = certificate.certificate.subject.rfc4514_string()
    return subject, hashlib.sha256(der).hexdigest()


def keys_command(
    agency_id: Annotated[str, typer.Argument(help="Agency id, e.g. disdukcapil.")],
    name: Annotated[
        str | None, typer.Option(help="Name in the certificate (default: the agency id).")
    ] = None,
    days: Annotated[
        int, typer.Option(min=1, max=3650, help="Days the certificate is valid.")
    ] = 730,
    force: Annotated[bool, typer.Option(help="Replace an existing certificate.")] = False,
) -> None:
    """Create a self-signed DEVELOPMENT signing certificate for an agency (not official)."""
    from runtime.cli.common import settings_or_exit
    from runtime.documents.signing import DEVELOPMENT_ORGANISATION, SigningError, certificate_path

    settings = settings_or_exit()
    if not settings.signing_passphrase:
        typer.secho(
            "LOKET_SIGNING_PASSPHRASE belum diisi / is not set: set it to a long random value "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(24))") and run again',
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    try:
        path = certificate_path(settings, agency_id)
    except SigningError as exc:
        typer.secho(f"Id instansi tidak sah / {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    if path.exists() and not force:
        typer.secho(
            f"Sudah ada / already exists: {path} (use --force to replace it)",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(1)
    subject, fingerprint = write_development_certificate(
        path, name or agency_id, settings.signing_passphrase, days=days
    )
    pem = path.with_suffix(".pem")
    typer.echo(f"Sertifikat pengembangan / development certificate: {path}")
    typer.echo(f"  subjek / subject: {subject}")
    typer.echo(f"  SHA-256: {fingerprint}")
    typer.echo(f"  sertifikat publik / public certificate: {pem}")
    typer.secho(
        f"  {DEVELOPMENT_ORGANISATION}: only for development and demos; "
        "documents signed with it are not legally valid signatures.",
        fg=typer.colors.YELLOW,
    )
