"""Settings: parsing of LOKET_* variables, their error messages, and their documentation."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import date
from pathlib import Path

import pytest

from runtime.settings import (
    COMMAND_VARIABLES,
    MIB,
    VARIABLES,
    Settings,
    SettingsError,
    database_url_from_env,
)

KEY = "k" * 40
DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def settings(tmp_path: Path, **variables: str) -> Settings:
    """Settings from a minimal environment (data folder and key) plus the given variables."""
    environ = {"LOKET_DATA_DIR": str(tmp_path / "data"), "LOKET_SECRET_KEY": KEY}
    environ.update(variables)
    return Settings.from_env({k: v for k, v in environ.items() if v is not None})


def test_defaults(tmp_path: Path) -> None:
    result = settings(tmp_path)
    assert result.data_dir == (tmp_path / "data").resolve()
    assert result.database_url == f"sqlite:///{(tmp_path / 'data').resolve()}/loket.db"
    assert result.secret_key == KEY
    assert (result.host, result.port, result.workers) == ("127.0.0.1", 8000, 1)
    assert result.body_limit_bytes == 10 * MIB == 10_485_760
    assert result.draft_ttl_hours == 72
    assert (result.session_idle_minutes, result.session_absolute_hours) == (30, 12)
    assert result.cuti_bersama == ()
    assert result.base_url is None
    assert result.trusted_proxies == ()  # no forwarded header is believed by default
    assert result.log_level == "INFO"
    assert result.dev is False
    assert (result.notify_poll_seconds, result.notify_max_attempts) == (5, 8)
    assert result.notify_in_process is None and result.worker_in_process  # SQLite: in-process


def test_default_data_dir_is_var_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = Settings.from_env({"LOKET_SECRET_KEY": KEY})
    assert result.data_dir == tmp_path.resolve() / "var"
    assert result.database_url == f"sqlite:///{tmp_path.resolve() / 'var' / 'loket.db'}"


def test_every_variable_is_read(tmp_path: Path) -> None:
    result = settings(
        tmp_path,
        LOKET_DATABASE_URL="postgresql://loket:pw@db.example:5432/loket",
        LOKET_HOST="0.0.0.0",
        LOKET_PORT="8080",
        LOKET_WORKERS="4",
        LOKET_BASE_URL="https://layanan.example.go.id/",
        LOKET_BODY_LIMIT_BYTES="20MiB",
        LOKET_DRAFT_TTL_HOURS="24",
        LOKET_SESSION_IDLE_MINUTES="15",
        LOKET_SESSION_ABSOLUTE_HOURS="8",
        LOKET_CUTI_BERSAMA=" 2025-12-26, 2025-03-31,,2025-12-26 ",
        LOKET_LOG_LEVEL="debug",
        LOKET_DEV="no",
        LOKET_TRUSTED_PROXIES=" 10.0.0.7, 10.1.0.0/16,,::1 ",
        LOKET_NOTIFY_IN_PROCESS="yes",
        LOKET_NOTIFY_POLL_SECONDS="2",
        LOKET_NOTIFY_MAX_ATTEMPTS="3",
    )
    assert result.worker_in_process is True  # asked for, even on PostgreSQL
    assert (result.notify_poll_seconds, result.notify_max_attempts) == (2, 3)
    assert result.trusted_proxies == ("10.0.0.7", "10.1.0.0/16", "::1")
    assert result.database_url == "postgresql://loket:pw@db.example:5432/loket"
    assert (result.host, result.port, result.workers) == ("0.0.0.0", 8080, 4)
    assert result.base_url == "https://layanan.example.go.id"
    assert result.body_limit_bytes == 20 * MIB
    assert result.draft_ttl_hours == 24
    assert (result.session_idle_minutes, result.session_absolute_hours) == (15, 8)
    assert result.cuti_bersama == (date(2025, 3, 31), date(2025, 12, 26))
    assert result.log_level == "DEBUG"
    assert result.dev is False


def test_the_in_process_worker_follows_the_database_unless_set(tmp_path: Path) -> None:
    postgres = "postgresql://loket@db.example/loket"
    assert not settings(tmp_path, LOKET_DATABASE_URL=postgres).worker_in_process
    assert not settings(tmp_path, LOKET_NOTIFY_IN_PROCESS="0").worker_in_process
    assert settings(tmp_path, LOKET_NOTIFY_IN_PROCESS="auto").worker_in_process
    auto = settings(tmp_path, LOKET_DATABASE_URL=postgres, LOKET_NOTIFY_IN_PROCESS="auto")
    assert not auto.worker_in_process


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1048576", MIB),
        ("512KiB", 512 * 1024),
        ("10MiB", 10 * MIB),
        ("10 mb", 10 * MIB),
        ("1K", 1024),
    ],
)
def test_body_limit_units(tmp_path: Path, raw: str, expected: int) -> None:
    assert settings(tmp_path, LOKET_BODY_LIMIT_BYTES=raw).body_limit_bytes == expected


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    result = settings(tmp_path, LOKET_PORT="", LOKET_CUTI_BERSAMA="  ")
    assert result.port == 8000
    assert result.cuti_bersama == ()


@pytest.mark.parametrize(
    ("variable", "raw", "message"),
    [
        ("LOKET_PORT", "abc", "LOKET_PORT must be a whole number between 1 and 65535, got 'abc'"),
        ("LOKET_PORT", "0", "LOKET_PORT must be a whole number between 1 and 65535, got '0'"),
        (
            "LOKET_PORT",
            "65536",
            "LOKET_PORT must be a whole number between 1 and 65535, got '65536'",
        ),
        ("LOKET_PORT", "80.5", "LOKET_PORT must be a whole number between 1 and 65535, got '80.5'"),
        ("LOKET_WORKERS", "0", "LOKET_WORKERS must be a whole number between 1 and 256, got '0'"),
        ("LOKET_WORKERS", "-2", "LOKET_WORKERS must be a whole number between 1 and 256, got '-2'"),
        (
            "LOKET_DRAFT_TTL_HOURS",
            "three",
            "LOKET_DRAFT_TTL_HOURS must be a whole number between 1 and 8760, got 'three'",
        ),
        (
            "LOKET_SESSION_IDLE_MINUTES",
            "0",
            "LOKET_SESSION_IDLE_MINUTES must be a whole number between 1 and 10080, got '0'",
        ),
        (
            "LOKET_SESSION_ABSOLUTE_HOURS",
            "1000",
            "LOKET_SESSION_ABSOLUTE_HOURS must be a whole number between 1 and 720, got '1000'",
        ),
        (
            "LOKET_TRUSTED_PROXIES",
            "127.0.0.1,proxy.local",
            "LOKET_TRUSTED_PROXIES must be IP addresses or networks separated by commas "
            "(e.g. 127.0.0.1 or 10.0.0.0/24,::1), got 'proxy.local'",
        ),
        (
            "LOKET_BODY_LIMIT_BYTES",
            "lots",
            "LOKET_BODY_LIMIT_BYTES must be a size between 1KiB and 1024MiB, in bytes or with a KiB "
            "or MiB suffix (e.g. 10485760 or 10MiB), got 'lots'",
        ),
        ("LOKET_BODY_LIMIT_BYTES", "10", "got '10'"),
        ("LOKET_BODY_LIMIT_BYTES", "2048MiB", "got '2048MiB'"),
        (
            "LOKET_CUTI_BERSAMA",
            "2025-12-26,26/12/2025",
            "LOKET_CUTI_BERSAMA must be dates written YYYY-MM-DD and separated by commas "
            "(e.g. 2025-12-26,2026-03-20), got '26/12/2025'",
        ),
        ("LOKET_CUTI_BERSAMA", "2025-13-01", "got '2025-13-01'"),
        ("LOKET_CUTI_BERSAMA", "2025-2-1", "got '2025-2-1'"),
        (
            "LOKET_LOG_LEVEL",
            "LOUD",
            "LOKET_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'",
        ),
        ("LOKET_NOTIFY_POLL_SECONDS", "0", "must be a whole number between 1 and 3600"),
        ("LOKET_NOTIFY_MAX_ATTEMPTS", "many", "must be a whole number between 1 and 100"),
        ("LOKET_NOTIFY_IN_PROCESS", "sometimes", "must be 1 or 0"),
        (
            "LOKET_DEV",
            "maybe",
            "LOKET_DEV must be 1 or 0 (true/false and yes/no also work), got 'maybe'",
        ),
        (
            "LOKET_HOST",
            "local host",
            "LOKET_HOST must be a host name or IP address such as 127.0.0.1 or 0.0.0.0, "
            "got 'local host'",
        ),
        (
            "LOKET_BASE_URL",
            "layanan.example.go.id",
            "LOKET_BASE_URL must be an http:// or https:// address without query or fragment, "
            "e.g. https://layanan.example.go.id, got 'layanan.example.go.id'",
        ),
        ("LOKET_BASE_URL", "https://x.example/?a=1", "got 'https://x.example/?a=1'"),
        (
            "LOKET_DATABASE_URL",
            "not a url",
            "LOKET_DATABASE_URL is not a database URL: use sqlite:////absolute/path/loket.db or "
            "postgresql://user:password@host:5432/name",
        ),
        (
            "LOKET_DATABASE_URL",
            "mysql://root@db/loket",
            "LOKET_DATABASE_URL must be a sqlite or postgresql URL (PostgreSQL through psycopg 3), "
            "got 'mysql://root@db/loket'",
        ),
        ("LOKET_DATABASE_URL", "postgresql+psycopg2://db/loket", "got 'postgresql+psycopg2://"),
        ("LOKET_DATABASE_URL", "sqlite://", "LOKET_DATABASE_URL must name a SQLite file, got"),
        ("LOKET_DATABASE_URL", "sqlite:///:memory:", "must name a SQLite file"),
        (
            "LOKET_SECRET_KEY",
            "short",
            "LOKET_SECRET_KEY must be at least 32 characters long, got 5: generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`',
        ),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    tmp_path: Path, variable: str, raw: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, **{variable: raw})
    assert message in str(caught.value)
    assert str(caught.value).startswith(variable)


def test_a_bad_database_url_does_not_show_its_password(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, LOKET_DATABASE_URL="mysql://root:hunter2@db/loket")
    assert "hunter2" not in str(caught.value)
    assert "mysql://root:***@db/loket" in str(caught.value)


def test_idle_timeout_cannot_exceed_absolute_timeout(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError,
        match=re.escape(
            "LOKET_SESSION_IDLE_MINUTES (600) must not be longer than "
            "LOKET_SESSION_ABSOLUTE_HOURS (8 hours = 480 minutes)"
        ),
    ):
        settings(tmp_path, LOKET_SESSION_IDLE_MINUTES="600", LOKET_SESSION_ABSOLUTE_HOURS="8")


def test_data_dir_must_not_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingsError, match="LOKET_DATA_DIR must be a folder"):
        settings(tmp_path, LOKET_DATA_DIR=str(tmp_path / "file"))


def test_secret_key_is_required(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"LOKET_DATA_DIR": str(tmp_path)})
    message = str(caught.value)
    assert message.startswith("LOKET_SECRET_KEY is required")
    assert "secrets.token_urlsafe(32)" in message
    assert "LOKET_DEV=1" in message


def test_dev_mode_generates_a_random_key_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"LOKET_DATA_DIR": str(tmp_path), "LOKET_DEV": "1"}
    with caplog.at_level(logging.WARNING, logger="runtime.settings"):
        first = Settings.from_env(environ)
        second = Settings.from_env(environ)
    assert first.dev is True
    assert len(first.secret_key) >= 32
    assert first.secret_key != second.secret_key
    assert "LOKET_SECRET_KEY is not set" in caplog.text


def test_dev_mode_keeps_a_given_key(tmp_path: Path) -> None:
    assert settings(tmp_path, LOKET_DEV="1").secret_key == KEY


def test_secret_key_is_not_in_repr(tmp_path: Path) -> None:
    assert KEY not in repr(settings(tmp_path))


def test_unknown_variables_are_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="runtime.settings"):
        settings(tmp_path, LOKET_PROT="8000", LOKET_TEST_DATABASE_URL="postgresql://x/y")
    assert "LOKET_PROT" in caplog.text
    assert "LOKET_TEST_DATABASE_URL" not in caplog.text


def test_reading_settings_creates_nothing(tmp_path: Path) -> None:
    settings(tmp_path)
    assert not (tmp_path / "data").exists()


def test_settings_are_frozen(tmp_path: Path) -> None:
    result = settings(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.port = 1  # type: ignore[misc]


def test_settings_built_in_code_default_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    result = Settings(data_dir=tmp_path, secret_key=KEY, cuti_bersama=[date(2025, 12, 26)])  # type: ignore[arg-type]
    assert result.database_url == f"sqlite:///{tmp_path}/loket.db"
    assert result.cuti_bersama == (date(2025, 12, 26),)


def test_database_url_alone_needs_no_secret(tmp_path: Path) -> None:
    assert database_url_from_env({"LOKET_DATA_DIR": str(tmp_path)}) == (
        f"sqlite:///{tmp_path.resolve()}/loket.db"
    )
    assert database_url_from_env({"LOKET_DATABASE_URL": "postgres://db/x"}) == "postgres://db/x"


# -- every setting is documented --------------------------------------------------------------


def test_every_settings_field_has_one_variable() -> None:
    fields = {field.name for field in dataclasses.fields(Settings)}
    variable_fields = [variable.field for variable in VARIABLES.values()]
    assert sorted(variable_fields) == sorted(fields)
    assert all(name.startswith("LOKET_") for name in VARIABLES)


def test_every_variable_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(LOKET_[A-Z_]+)`", text))
    missing = set(VARIABLES) - documented
    assert not missing, f"add these to docs/configuration.md: {sorted(missing)}"
    unknown = documented - set(VARIABLES) - set(COMMAND_VARIABLES) - {"LOKET_TEST_DATABASE_URL"}
    assert not unknown, f"docs/configuration.md documents unknown settings: {sorted(unknown)}"


def test_every_variable_has_help() -> None:
    for name, variable in VARIABLES.items():
        assert variable.help.strip(), name
        assert variable.default.strip(), name


def test_command_variables_are_documented_and_not_settings() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in COMMAND_VARIABLES:
        assert f"`{name}`" in text, name
        assert name not in VARIABLES


def test_operations_settings(tmp_path: Path) -> None:
    default = settings(tmp_path)
    assert (default.storage, default.log_format, default.shutdown_seconds) == ("local", "text", 20)
    assert (default.metrics_token, default.metrics_allow) == (None, ())
    chosen = settings(
        tmp_path,
        LOKET_STORAGE="Database",
        LOKET_LOG_FORMAT="JSON",
        LOKET_METRICS_TOKEN="scrape-token-0123456789",
        LOKET_METRICS_ALLOW="10.20.0.5, 10.30.0.0/24",
        LOKET_SHUTDOWN_SECONDS="45",
    )
    assert (chosen.storage, chosen.log_format, chosen.shutdown_seconds) == ("database", "json", 45)
    assert chosen.metrics_token == "scrape-token-0123456789"
    assert chosen.metrics_allow == ("10.20.0.5", "10.30.0.0/24")
    assert "scrape-token" not in repr(chosen)


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("LOKET_STORAGE", "s3", "must be one of local, database"),
        ("LOKET_LOG_FORMAT", "xml", "must be one of text, json"),
        ("LOKET_METRICS_TOKEN", "short", "at least 16 characters"),
        ("LOKET_METRICS_TOKEN", "has a space in it ok", "at least 16 characters"),
        ("LOKET_METRICS_ALLOW", "everyone", "IP addresses or networks"),
        ("LOKET_SHUTDOWN_SECONDS", "-1", "between 0 and 3600"),
    ],
)
def test_bad_operations_settings_are_refused(
    tmp_path: Path, name: str, raw: str, says: str
) -> None:
    with pytest.raises(SettingsError, match=says) as refused:
        settings(tmp_path, **{name: raw})
    assert name in str(refused.value)
    if name == "LOKET_METRICS_TOKEN":
        assert raw not in str(refused.value)
