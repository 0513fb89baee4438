"""`loket demo` sets up signing in one command: a passphrase kept in the data folder, a
development certificate per example agency, and fictional letterhead data marked as demo."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from runtime import db
from runtime.cli import app
from runtime.documents.signing import LocalSigner, certificate_path, signer_for_agency
from runtime.models import Agency
from runtime.settings import Settings

VARIABLES = ("LOKET_DATA_DIR", "LOKET_SECRET_KEY", "LOKET_SIGNING_PASSPHRASE", "LOKET_DATABASE_URL")


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment for `loket demo` (the variables it sets are restored afterwards)."""
    for name in VARIABLES:
        monkeypatch.setenv(name, "x")  # remembered, so what the demo sets is undone
        monkeypatch.delenv(name)
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_the_demo_signs_with_development_certificates_and_demo_letterheads(
    demo_dir: Path,
) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "BUKAN SERTIFIKAT RESMI" in result.output
    passphrase_file = demo_dir / "signing_passphrase"
    assert stat.S_IMODE(passphrase_file.stat().st_mode) == 0o600
    assert os.environ["LOKET_SIGNING_PASSPHRASE"] == passphrase_file.read_text().strip()
    settings = Settings.from_env()
    for agency_id in ("disdukcapil", "dinsos"):
        path = certificate_path(settings, agency_id)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        signer = signer_for_agency(settings, agency_id)
        assert isinstance(signer, LocalSigner) and "BUKAN SERTIFIKAT RESMI" in signer.subject
    engine = db.make_engine(settings)
    try:
        with Session(engine) as session:
            agency = session.get(Agency, "disdukcapil")
            assert agency is not None
            assert (agency.city, agency.parent_government) == (
                "Bandar Lampung",
                "Pemerintah Kota Bandar Lampung",
            )
            assert "(demo)" in agency.signatory_name and len(agency.signatory_nip) == 18
    finally:
        engine.dispose()
    first = certificate_path(settings, "disdukcapil").read_bytes()
    again = CliRunner().invoke(app, ["demo", "--no-serve"])  # idempotent: keys are kept
    assert again.exit_code == 0, again.output
    assert certificate_path(settings, "disdukcapil").read_bytes() == first
