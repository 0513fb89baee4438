"""The signing settings: secrets hidden from repr, the service address checked."""

from __future__ import annotations

import pytest

from runtime.settings import Settings, SettingsError

BASE = {"LOKET_SECRET_KEY": "k" * 40, "LOKET_DATA_DIR": "/tmp/loket-signing-settings"}


def test_signing_settings_are_read_and_secrets_kept_out_of_repr() -> None:
    settings = Settings.from_env(
        {
            **BASE,
            "LOKET_SIGNING_PASSPHRASE": "pass-rahasia",
            "LOKET_SIGNING_SERVICE_URL": "https://tte.example.go.id/",
            "LOKET_SIGNING_SERVICE_USER": "loket",
            "LOKET_SIGNING_SERVICE_PASSWORD": "sandi-rahasia",
            "LOKET_SIGNING_SIGNER_ID": "1871010101900001",
        }
    )
    assert settings.signing_passphrase == "pass-rahasia"
    assert settings.signing_service_url == "https://tte.example.go.id"
    assert settings.signing_service_user == "loket"
    shown = repr(settings)
    for secret in ("pass-rahasia", "sandi-rahasia", "1871010101900001"):
        assert secret not in shown


def test_signing_is_off_by_default() -> None:
    settings = Settings.from_env(BASE)
    assert settings.signing_passphrase is None
    assert settings.signing_service_url is None


@pytest.mark.parametrize("url", ["ftp://tte.example.go.id", "tte.example.go.id", "https://x/?a=1"])
def test_a_bad_service_address_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="LOKET_SIGNING_SERVICE_URL"):
        Settings.from_env(
            {**BASE, "LOKET_SIGNING_SERVICE_URL": url, "LOKET_SIGNING_SIGNER_ID": "a@b.go.id"}
        )


def test_a_service_address_needs_a_signer_id() -> None:
    with pytest.raises(SettingsError, match="LOKET_SIGNING_SIGNER_ID"):
        Settings.from_env({**BASE, "LOKET_SIGNING_SERVICE_URL": "https://tte.example.go.id"})
