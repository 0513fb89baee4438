"""`loket keys`: the development signing certificate under the data folder."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runtime.cli import app
from runtime.documents.pdf import render_pdf
from runtime.documents.signing import check_signature, signer_for_agency
from runtime.settings import Settings
from tests.runtime.documents.samples import sample_document

PASSPHRASE = "rahasia-pengembangan-123"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOKET_SECRET_KEY", "cli-test-secret-key-0123456789-abcdefghij")
    monkeypatch.setenv("LOKET_SIGNING_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("LOKET_SIGNING_SERVICE_URL", raising=False)
    return tmp_path


def test_keys_writes_a_labelled_certificate_the_agency_signs_with(env: Path) -> None:
    result = CliRunner().invoke(app, ["keys", "disdukcapil", "--name", "Disdukcapil Kota"])
    assert result.exit_code == 0, result.output
    path = env / "keys" / "disdukcapil.p12"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (env / "keys" / "disdukcapil.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert "BUKAN SERTIFIKAT RESMI" in result.output
    assert str(path) in result.output
    assert PASSPHRASE not in result.output

    signer = signer_for_agency(Settings.from_env(), "disdukcapil")
    signed = signer.sign(render_pdf(sample_document()), reason="uji", location="Bandar Lampung")
    check = check_signature(signed, [signer.certificate_der])  # type: ignore[attr-defined]
    assert check.ok
    assert "CN=Disdukcapil Kota" in check.signer or "Disdukcapil Kota" in check.signer


def test_keys_refuses_to_replace_without_force(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "dinkes"]).exit_code == 0
    first = (env / "keys" / "dinkes.p12").read_bytes()
    again = runner.invoke(app, ["keys", "dinkes"])
    assert again.exit_code == 1
    assert "--force" in again.output
    assert (env / "keys" / "dinkes.p12").read_bytes() == first
    assert runner.invoke(app, ["keys", "dinkes", "--force"]).exit_code == 0
    assert (env / "keys" / "dinkes.p12").read_bytes() != first


def test_keys_needs_the_passphrase_setting(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOKET_SIGNING_PASSPHRASE")
    result = CliRunner().invoke(app, ["keys", "dinkes"])
    assert result.exit_code == 2
    assert "LOKET_SIGNING_PASSPHRASE" in result.output
    assert not (env / "keys").exists()


def test_keys_refuses_a_bad_agency_id(env: Path) -> None:
    result = CliRunner().invoke(app, ["keys", "../etc"])
    assert result.exit_code == 2
    assert not (env / "keys").exists()
