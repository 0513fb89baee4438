"""Runtime settings: read from ``LOKET_*`` environment variables and validated at start-up.

Every setting is listed in :data:`VARIABLES` (variable, field, help); a test checks that each
one is documented in ``docs/configuration.md``. Nothing is read or created at import time.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from builder.values import is_email

PREFIX = "LOKET_"
KIB = 1024
MIB = 1024 * 1024
MIN_SECRET_KEY_LENGTH = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
STORAGES = ("local", "database")
SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
POSTGRES_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")

_log = logging.getLogger(__name__)

_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SIZE = re.compile(r"(\d+)\s*(|B|KIB|KB|K|MIB|MB|M)", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "KIB": KIB, "KB": KIB, "K": KIB, "MIB": MIB, "MB": MIB, "M": MIB}

SMTP_SECURITY = ("starttls", "tls", "none")
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
# WhatsApp/SMS gateway presets (runtime.notify.channels.gateway.PRESETS) and the settings each
# one needs besides LOKET_<CHANNEL>_GATEWAY; "custom" needs a URL and a body template.
GATEWAY_PRESETS: dict[str, tuple[str, ...]] = {
    "fonnte": ("TOKEN",),
    "wablas": ("TOKEN",),
    "zenziva": ("USER", "TOKEN"),
}
GATEWAY_CUSTOM = "custom"
GATEWAY_METHODS = ("POST", "GET", "PUT")
GATEWAY_BODY_FORMATS = ("json", "form", "query")
GATEWAY_NUMBER_FORMATS = ("e164", "international", "local")
GATEWAY_PLACEHOLDERS = ("number", "text", "subject", "token", "user", "idempotency_key")
GATEWAY_SETTINGS = (
    "URL",
    "TOKEN",
    "USER",
    "METHOD",
    "HEADERS",
    "BODY_FORMAT",
    "BODY_TEMPLATE",
    "NUMBER_FORMAT",
    "SUCCESS",
)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SUCCESS_RULE = re.compile(r"(status|json:[A-Za-z0-9_.\-]+=.*|text:.+)", re.DOTALL)


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and how to fix it."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: the Settings field it fills, its default and its meaning."""

    field: str
    default: str
    help: str


VARIABLES: dict[str, Variable] = {
    "LOKET_DATA_DIR": Variable(
        "data_dir", "./var", "Folder for the SQLite database, keys and (local storage) files."
    ),
    "LOKET_DATABASE_URL": Variable(
        "database_url",
        "sqlite:///<data dir>/loket.db",
        "Database: a sqlite:/// file or a postgresql:// URL (psycopg 3 is used).",
    ),
    "LOKET_SECRET_KEY": Variable(
        "secret_key",
        "(required)",
        "Long random secret used to sign cookies and tokens; at least 32 characters.",
    ),
    "LOKET_DEV": Variable(
        "dev",
        "0",
        "1 on a development machine: a random secret key is generated when none is set.",
    ),
    "LOKET_HOST": Variable("host", "127.0.0.1", "Address `loket serve` listens on."),
    "LOKET_PORT": Variable("port", "8000", "Port `loket serve` listens on (1-65535)."),
    "LOKET_WORKERS": Variable("workers", "1", "Number of app processes `loket serve` starts."),
    "LOKET_BASE_URL": Variable(
        "base_url",
        "(unset: taken from each request)",
        "Public address used in links, e.g. https://layanan.bandarlampungkota.go.id",
    ),
    "LOKET_TRUSTED_PROXIES": Variable(
        "trusted_proxies",
        "(none)",
        "Reverse proxies whose X-Forwarded-For/-Proto are believed: IPs or networks, by commas.",
    ),
    "LOKET_BODY_LIMIT_BYTES": Variable(
        "body_limit_bytes",
        "10MiB",
        "Largest request body accepted, in bytes (KiB and MiB suffixes allowed).",
    ),
    "LOKET_VERIFY_RATE_LIMIT": Variable(
        "verify_rate_limit",
        "30",
        "Document verifications (page, API, file checks) per client address and minute; 0: off.",
    ),
    "LOKET_DRAFT_TTL_HOURS": Variable(
        "draft_ttl_hours", "72", "Hours an unsent form is kept after its last change."
    ),
    "LOKET_SESSION_IDLE_MINUTES": Variable(
        "session_idle_minutes", "30", "Back-office sessions end after this many idle minutes."
    ),
    "LOKET_SESSION_ABSOLUTE_HOURS": Variable(
        "session_absolute_hours", "12", "Back-office sessions end this many hours after login."
    ),
    "LOKET_CUTI_BERSAMA": Variable(
        "cuti_bersama",
        "(none)",
        "Extra non-working days (cuti bersama), YYYY-MM-DD separated by commas.",
    ),
    "LOKET_LOG_LEVEL": Variable(
        "log_level", "INFO", "One of DEBUG, INFO, WARNING, ERROR, CRITICAL."
    ),
    "LOKET_LOG_FORMAT": Variable(
        "log_format",
        "text",
        "text: readable log lines; json: one JSON object a line, with a request id.",
    ),
    "LOKET_STORAGE": Variable(
        "storage",
        "local",
        "Where uploaded files and issued documents live: local (the data folder) or database.",
    ),
    "LOKET_METRICS_TOKEN": Variable(
        "metrics_token",
        "(none)",
        "Bearer token a scraper must send to read /metrics (at least 16 characters).",
    ),
    "LOKET_METRICS_ALLOW": Variable(
        "metrics_allow",
        "(none)",
        "Addresses or networks that may read /metrics without the token, by commas.",
    ),
    "LOKET_SHUTDOWN_SECONDS": Variable(
        "shutdown_seconds",
        "20",
        "Seconds `loket serve` lets running requests finish when it is told to stop.",
    ),
    "LOKET_SIGNING_PASSPHRASE": Variable(
        "signing_passphrase",
        "(unset: actions that issue documents are refused)",
        "Passphrase of the agencies' signing certificates (<data dir>/keys/<agency>.p12), "
        "or the signer's passphrase at the signing service.",
    ),
    "LOKET_SIGNING_SERVICE_URL": Variable(
        "signing_service_url",
        "(unset: sign with the local PKCS#12 files)",
        "Address of a remote signing service (BSrE-like JSON API), e.g. https://tte.example.go.id",
    ),
    "LOKET_SIGNING_SERVICE_USER": Variable(
        "signing_service_user", "(none)", "User name (client id) for the signing service."
    ),
    "LOKET_SIGNING_SERVICE_PASSWORD": Variable(
        "signing_service_password", "(none)", "Password (client secret) for the signing service."
    ),
    "LOKET_SIGNING_SIGNER_ID": Variable(
        "signing_signer_id",
        "(none)",
        "The signer's id at the signing service: NIK, or e-mail address.",
    ),
    "LOKET_NOTIFY_IN_PROCESS": Variable(
        "notify_in_process",
        "(auto: 1 on SQLite, 0 on PostgreSQL)",
        "1: `loket serve` delivers messages and runs periodic jobs in a thread of its own; "
        "0: only `loket worker` processes do.",
    ),
    "LOKET_NOTIFY_POLL_SECONDS": Variable(
        "notify_poll_seconds", "5", "Seconds an idle worker waits before it looks for work again."
    ),
    "LOKET_NOTIFY_MAX_ATTEMPTS": Variable(
        "notify_max_attempts",
        "8",
        "Delivery tries of a message before it is marked failed (retries back off, 1 min to 1 h).",
    ),
    "LOKET_SMTP_HOST": Variable(
        "smtp_host", "(unset: e-mail messages are skipped)", "Mail server that sends e-mail."
    ),
    "LOKET_SMTP_PORT": Variable(
        "smtp_port", "587 (465 with tls, 25 with none)", "Port of the mail server (1-65535)."
    ),
    "LOKET_SMTP_SECURITY": Variable(
        "smtp_security", "starttls", "starttls, tls (implicit TLS) or none (local relay only)."
    ),
    "LOKET_SMTP_USER": Variable(
        "smtp_user", "(none: no login)", "User name for the mail server's login."
    ),
    "LOKET_SMTP_PASSWORD": Variable("smtp_password", "(none)", "Password for the mail server."),
    "LOKET_SMTP_SENDER": Variable(
        "smtp_sender",
        "(required with LOKET_SMTP_HOST)",
        "From address of e-mail, e.g. Layanan DPMPTSP <layanan@example.go.id>.",
    ),
    "LOKET_NOTIFY_TIMEOUT_SECONDS": Variable(
        "notify_timeout_seconds",
        "20",
        "Seconds to wait for the mail server or a gateway before a try counts as failed.",
    ),
    "LOKET_WEBHOOK_ALLOW_HTTP": Variable(
        "webhook_allow_http",
        "0",
        "1: webhook endpoints may use http:// (development only); 0: https:// only.",
    ),
    "LOKET_WHATSAPP_GATEWAY": Variable(
        "whatsapp_gateway",
        "(unset: WhatsApp messages are skipped)",
        "WhatsApp gateway: a preset (fonnte, wablas, zenziva) or custom.",
    ),
    "LOKET_WHATSAPP_URL": Variable(
        "whatsapp_url", "(the preset's)", "Address of the WhatsApp gateway's send endpoint."
    ),
    "LOKET_WHATSAPP_TOKEN": Variable(
        "whatsapp_token", "(none)", "API token (or pass key) of the WhatsApp gateway; secret."
    ),
    "LOKET_WHATSAPP_USER": Variable(
        "whatsapp_user", "(none)", "Account or user key at the WhatsApp gateway (zenziva: userkey)."
    ),
    "LOKET_WHATSAPP_METHOD": Variable(
        "whatsapp_method", "(the preset's; custom: POST)", "HTTP method: POST, GET or PUT."
    ),
    "LOKET_WHATSAPP_HEADERS": Variable(
        "whatsapp_headers",
        "(the preset's)",
        "Extra request headers as a JSON object; values may use {token} and {user}.",
    ),
    "LOKET_WHATSAPP_BODY_FORMAT": Variable(
        "whatsapp_body_format",
        "(the preset's; custom: json)",
        "How the body template is sent: json, form or query (URL parameters).",
    ),
    "LOKET_WHATSAPP_BODY_TEMPLATE": Variable(
        "whatsapp_body_template",
        "(the preset's)",
        "Request fields as a JSON object; string values may use {number}, {text}, "
        "{subject}, {token}, {user} and {idempotency_key}.",
    ),
    "LOKET_WHATSAPP_NUMBER_FORMAT": Variable(
        "whatsapp_number_format",
        "(the preset's; custom: international)",
        "How {number} is written: e164 (+62812...), international (62812...) or local (0812...).",
    ),
    "LOKET_WHATSAPP_SUCCESS": Variable(
        "whatsapp_success",
        "(the preset's; custom: status)",
        "When a 2xx answer counts as sent: status, json:<path>=<value> or text:<substring>.",
    ),
    "LOKET_SMS_GATEWAY": Variable(
        "sms_gateway",
        "(unset: SMS messages are skipped)",
        "SMS gateway: a preset (fonnte, wablas, zenziva) or custom.",
    ),
    "LOKET_SMS_URL": Variable(
        "sms_url", "(the preset's)", "Address of the SMS gateway's send endpoint."
    ),
    "LOKET_SMS_TOKEN": Variable(
        "sms_token", "(none)", "API token (or pass key) of the SMS gateway; secret."
    ),
    "LOKET_SMS_USER": Variable(
        "sms_user", "(none)", "Account or user key at the SMS gateway (zenziva: userkey)."
    ),
    "LOKET_SMS_METHOD": Variable(
        "sms_method", "(the preset's; custom: POST)", "HTTP method: POST, GET or PUT."
    ),
    "LOKET_SMS_HEADERS": Variable(
        "sms_headers",
        "(the preset's)",
        "Extra request headers as a JSON object; values may use {token} and {user}.",
    ),
    "LOKET_SMS_BODY_FORMAT": Variable(
        "sms_body_format",
        "(the preset's; custom: json)",
        "How the body template is sent: json, form or query (URL parameters).",
    ),
    "LOKET_SMS_BODY_TEMPLATE": Variable(
        "sms_body_template",
        "(the preset's)",
        "Request fields as a JSON object; string values may use {number}, {text}, "
        "{subject}, {token}, {user} and {idempotency_key}.",
    ),
    "LOKET_SMS_NUMBER_FORMAT": Variable(
        "sms_number_format",
        "(the preset's; custom: international)",
        "How {number} is written: e164 (+62812...), international (62812...) or local (0812...).",
    ),
    "LOKET_SMS_SUCCESS": Variable(
        "sms_success",
        "(the preset's; custom: status)",
        "When a 2xx answer counts as sent: status, json:<path>=<value> or text:<substring>.",
    ),
}


# Variables read by single commands, not settings of the installation (never warned about).
COMMAND_VARIABLES: dict[str, str] = {
    "LOKET_NEW_PASSWORD": "`loket user add` takes the new account's password from it.",
}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Validated configuration of one Loket installation."""

    data_dir: Path
    secret_key: str = field(repr=False)
    database_url: str = ""
    dev: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    base_url: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    body_limit_bytes: int = 10 * MIB
    verify_rate_limit: int = 30
    draft_ttl_hours: int = 72
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    cuti_bersama: tuple[date, ...] = ()
    log_level: str = "INFO"
    log_format: str = "text"
    storage: str = "local"
    metrics_token: str | None = field(default=None, repr=False)
    metrics_allow: tuple[str, ...] = ()
    shutdown_seconds: int = 20
    signing_passphrase: str | None = field(default=None, repr=False)
    signing_service_url: str | None = None
    signing_service_user: str | None = None
    signing_service_password: str | None = field(default=None, repr=False)
    signing_signer_id: str | None = field(default=None, repr=False)
    notify_in_process: bool | None = None  # None: on SQLite yes, on PostgreSQL no
    notify_poll_seconds: int = 5
    notify_max_attempts: int = 8
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_sender: str | None = None
    notify_timeout_seconds: int = 20
    webhook_allow_http: bool = False
    whatsapp_gateway: str | None = None
    whatsapp_url: str | None = None
    whatsapp_token: str | None = field(default=None, repr=False)
    whatsapp_user: str | None = field(default=None, repr=False)
    whatsapp_method: str | None = None
    whatsapp_headers: str | None = field(default=None, repr=False)
    whatsapp_body_format: str | None = None
    whatsapp_body_template: str | None = None
    whatsapp_number_format: str | None = None
    whatsapp_success: str | None = None
    sms_gateway: str | None = None
    sms_url: str | None = None
    sms_token: str | None = field(default=None, repr=False)
    sms_user: str | None = field(default=None, repr=False)
    sms_method: str | None = None
    sms_headers: str | None = field(default=None, repr=False)
    sms_body_format: str | None = None
    sms_body_template: str | None = None
    sms_number_format: str | None = None
    sms_success: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "cuti_bersama", tuple(self.cuti_bersama))
        object.__setattr__(self, "trusted_proxies", tuple(self.trusted_proxies))
        object.__setattr__(self, "metrics_allow", tuple(self.metrics_allow))
        if not self.database_url:
            object.__setattr__(self, "database_url", sqlite_url(self.data_dir))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate settings from LOKET_* variables; raise SettingsError on a bad one."""
        env = _Env(os.environ if environ is None else environ)
        _warn_unknown(env.raw)
        data_dir = _data_dir(env)
        dev = _boolean("LOKET_DEV", env.get("LOKET_DEV"))
        idle = _whole(
            "LOKET_SESSION_IDLE_MINUTES", env.get("LOKET_SESSION_IDLE_MINUTES"), 30, 1, 7 * 24 * 60
        )
        absolute = _whole(
            "LOKET_SESSION_ABSOLUTE_HOURS", env.get("LOKET_SESSION_ABSOLUTE_HOURS"), 12, 1, 30 * 24
        )
        if idle > absolute * 60:
            raise SettingsError(
                f"LOKET_SESSION_IDLE_MINUTES ({idle}) must not be longer than "
                f"LOKET_SESSION_ABSOLUTE_HOURS ({absolute} hours = {absolute * 60} minutes): "
                "lower the first or raise the second"
            )
        return cls(
            data_dir=data_dir,
            database_url=_database_url(env.get("LOKET_DATABASE_URL"), data_dir),
            secret_key=_secret_key(env.get("LOKET_SECRET_KEY"), dev),
            dev=dev,
            host=_host(env.get("LOKET_HOST")),
            port=_whole("LOKET_PORT", env.get("LOKET_PORT"), 8000, 1, 65535),
            workers=_whole("LOKET_WORKERS", env.get("LOKET_WORKERS"), 1, 1, 256),
            base_url=_base_url(env.get("LOKET_BASE_URL")),
            trusted_proxies=_networks("LOKET_TRUSTED_PROXIES", env.get("LOKET_TRUSTED_PROXIES")),
            body_limit_bytes=_size("LOKET_BODY_LIMIT_BYTES", env.get("LOKET_BODY_LIMIT_BYTES")),
            verify_rate_limit=_whole(
                "LOKET_VERIFY_RATE_LIMIT", env.get("LOKET_VERIFY_RATE_LIMIT"), 30, 0, 100_000
            ),
            draft_ttl_hours=_whole(
                "LOKET_DRAFT_TTL_HOURS", env.get("LOKET_DRAFT_TTL_HOURS"), 72, 1, 24 * 365
            ),
            session_idle_minutes=idle,
            session_absolute_hours=absolute,
            cuti_bersama=_dates("LOKET_CUTI_BERSAMA", env.get("LOKET_CUTI_BERSAMA")),
            log_level=_log_level(env.get("LOKET_LOG_LEVEL")),
            log_format=_choice("LOKET_LOG_FORMAT", env.get("LOKET_LOG_FORMAT"), LOG_FORMATS),
            storage=_choice("LOKET_STORAGE", env.get("LOKET_STORAGE"), STORAGES),
            metrics_token=_metrics_token(env.get("LOKET_METRICS_TOKEN")),
            metrics_allow=_networks("LOKET_METRICS_ALLOW", env.get("LOKET_METRICS_ALLOW")),
            shutdown_seconds=_whole(
                "LOKET_SHUTDOWN_SECONDS", env.get("LOKET_SHUTDOWN_SECONDS"), 20, 0, 3600
            ),
            signing_passphrase=env.get("LOKET_SIGNING_PASSPHRASE"),
            signing_service_url=_signing_service_url(env),
            signing_service_user=env.get("LOKET_SIGNING_SERVICE_USER"),
            signing_service_password=env.get("LOKET_SIGNING_SERVICE_PASSWORD"),
            signing_signer_id=env.get("LOKET_SIGNING_SIGNER_ID"),
            notify_in_process=_optional_boolean(
                "LOKET_NOTIFY_IN_PROCESS", env.get("LOKET_NOTIFY_IN_PROCESS")
            ),
            notify_poll_seconds=_whole(
                "LOKET_NOTIFY_POLL_SECONDS", env.get("LOKET_NOTIFY_POLL_SECONDS"), 5, 1, 3600
            ),
            notify_max_attempts=_whole(
                "LOKET_NOTIFY_MAX_ATTEMPTS", env.get("LOKET_NOTIFY_MAX_ATTEMPTS"), 8, 1, 100
            ),
            **_smtp(env),
            notify_timeout_seconds=_whole(
                "LOKET_NOTIFY_TIMEOUT_SECONDS", env.get("LOKET_NOTIFY_TIMEOUT_SECONDS"), 20, 1, 300
            ),
            webhook_allow_http=_boolean(
                "LOKET_WEBHOOK_ALLOW_HTTP", env.get("LOKET_WEBHOOK_ALLOW_HTTP")
            ),
            **_gateway(env, "WHATSAPP"),
            **_gateway(env, "SMS"),
        )

    @property
    def worker_in_process(self) -> bool:
        """Whether `loket serve` runs a delivery worker thread (LOKET_NOTIFY_IN_PROCESS)."""
        if self.notify_in_process is not None:
            return self.notify_in_process
        return make_url(self.database_url).drivername in SQLITE_DRIVERS


def sqlite_url(data_dir: Path) -> str:
    """The default database URL: a SQLite file ``loket.db`` inside the data folder."""
    return f"sqlite:///{Path(data_dir) / 'loket.db'}"


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """Only the database URL from LOKET_DATABASE_URL / LOKET_DATA_DIR (no secret key needed)."""
    env = _Env(os.environ if environ is None else environ)
    return _database_url(env.get("LOKET_DATABASE_URL"), _data_dir(env))


class _Env:
    """Environment lookups where an empty value counts as unset."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = raw

    def get(self, name: str) -> str | None:
        value = self.raw.get(name)
        return value.strip() if value is not None and value.strip() else None


def _warn_unknown(environ: Mapping[str, str]) -> None:
    for name in sorted(environ):
        known = name in VARIABLES or name in COMMAND_VARIABLES or name.startswith("LOKET_TEST_")
        if name.startswith(PREFIX) and not known:
            _log.warning(
                "Ignoring unknown setting %s; known settings are listed in docs/configuration.md",
                name,
            )


def _whole(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    if re.fullmatch(r"[+]?\d+", raw) and low <= int(raw) <= high:
        return int(raw)
    raise SettingsError(f"{name} must be a whole number between {low} and {high}, got {raw!r}")


def _boolean(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false and yes/no also work), got {raw!r}")


def _optional_boolean(name: str, raw: str | None) -> bool | None:
    return None if raw is None or raw.lower() == "auto" else _boolean(name, raw)


def _data_dir(env: _Env) -> Path:
    raw = env.get("LOKET_DATA_DIR") or "./var"
    if "\x00" in raw:
        raise SettingsError("LOKET_DATA_DIR must be a folder path, got a value with a NUL byte")
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise SettingsError(
            f"LOKET_DATA_DIR must be a folder, but {str(path)!r} is a file: "
            "point it to a folder (it is created when missing)"
        )
    return path


def _database_url(raw: str | None, data_dir: Path) -> str:
    if raw is None:
        return sqlite_url(data_dir)
    how = "use sqlite:////absolute/path/loket.db or postgresql://user:password@host:5432/name"
    try:
        url: URL = make_url(raw)
    except ArgumentError:
        raise SettingsError(f"LOKET_DATABASE_URL is not a database URL: {how}") from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername in SQLITE_DRIVERS:
        if url.database in (None, "", ":memory:"):
            raise SettingsError(f"LOKET_DATABASE_URL must name a SQLite file, got {shown!r}: {how}")
    elif url.drivername not in POSTGRES_DRIVERS:
        raise SettingsError(
            f"LOKET_DATABASE_URL must be a sqlite or postgresql URL (PostgreSQL through "
            f"psycopg 3), got {shown!r}: {how}"
        )
    return raw


def _secret_key(raw: str | None, dev: bool) -> str:
    if raw is None:
        if dev:
            _log.warning(
                "LOKET_SECRET_KEY is not set: using a random key for this process only "
                "(LOKET_DEV=1). Sessions and links signed with it stop working on restart."
            )
            return secrets.token_urlsafe(32)
        raise SettingsError(
            "LOKET_SECRET_KEY is required: set it to a long random value, for example the "
            f"output of `{_GENERATE_KEY}` (or set LOKET_DEV=1 on a development machine)"
        )
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"LOKET_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long, got "
            f"{len(raw)}: generate one with `{_GENERATE_KEY}`"
        )
    return raw


def _host(raw: str | None) -> str:
    if raw is None:
        return "127.0.0.1"
    if re.fullmatch(r"[A-Za-z0-9.:\-\[\]]+", raw):
        return raw
    raise SettingsError(
        f"LOKET_HOST must be a host name or IP address such as 127.0.0.1 or 0.0.0.0, got {raw!r}"
    )


def _base_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    if re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", raw):
        return raw.rstrip("/")
    raise SettingsError(
        "LOKET_BASE_URL must be an http:// or https:// address without query or fragment, "
        f"e.g. https://layanan.example.go.id, got {raw!r}"
    )


def _networks(name: str, raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    found: list[str] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name} must be IP addresses or networks separated by commas "
                f"(e.g. 127.0.0.1 or 10.0.0.0/24,::1), got {item!r}"
            ) from None
        found.append(str(network) if "/" in item else str(network.network_address))
    return tuple(found)


def _size(name: str, raw: str | None) -> int:
    if raw is None:
        return 10 * MIB
    match = _SIZE.fullmatch(raw)
    if match:
        value = int(match.group(1)) * _SIZE_UNITS[match.group(2).upper()]
        if KIB <= value <= 1024 * MIB:
            return value
    raise SettingsError(
        f"{name} must be a size between 1KiB and 1024MiB, in bytes or with a KiB or MiB suffix "
        f"(e.g. 10485760 or 10MiB), got {raw!r}"
    )


def _dates(name: str, raw: str | None) -> tuple[date, ...]:
    if raw is None:
        return ()
    days: set[date] = set()
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            if not _ISO_DATE.fullmatch(item):
                raise ValueError(item)
            days.add(date.fromisoformat(item))
        except ValueError:
            raise SettingsError(
                f"{name} must be dates written YYYY-MM-DD and separated by commas "
                f"(e.g. 2025-12-26,2026-03-20), got {item!r}"
            ) from None
    return tuple(sorted(days))


def _signing_service_url(env: _Env) -> str | None:
    raw = env.get("LOKET_SIGNING_SERVICE_URL")
    if raw is None:
        return None
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", raw):
        raise SettingsError(
            "LOKET_SIGNING_SERVICE_URL must be an http:// or https:// address without query or "
            f"fragment, e.g. https://tte.example.go.id, got {raw!r}"
        )
    if env.get("LOKET_SIGNING_SIGNER_ID") is None:
        raise SettingsError(
            "LOKET_SIGNING_SERVICE_URL is set but LOKET_SIGNING_SIGNER_ID is not: set it to the "
            "signer's NIK or e-mail address at the signing service"
        )
    return raw.rstrip("/")


def _log_level(raw: str | None) -> str:
    if raw is None:
        return "INFO"
    if raw.upper() in LOG_LEVELS:
        return raw.upper()
    raise SettingsError(f"LOKET_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")


def _choice(name: str, raw: str | None, choices: tuple[str, ...]) -> str:
    """One of `choices` (any case); the first when unset."""
    if raw is None:
        return choices[0]
    if raw.lower() in choices:
        return raw.lower()
    raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def _metrics_token(raw: str | None) -> str | None:
    if raw is None:
        return None
    if len(raw) >= 16 and re.fullmatch(r"[A-Za-z0-9._~+/=\-]+", raw):
        return raw
    raise SettingsError(
        "LOKET_METRICS_TOKEN must be at least 16 characters of letters, digits and ._~+/=- "
        f"(e.g. the output of `{_GENERATE_KEY}`); the value is not shown"
    )


def _smtp(env: _Env) -> dict[str, Any]:
    security = (env.get("LOKET_SMTP_SECURITY") or "starttls").lower()
    if security not in SMTP_SECURITY:
        raise SettingsError(
            f"LOKET_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
            f"got {env.get('LOKET_SMTP_SECURITY')!r}"
        )
    host = env.get("LOKET_SMTP_HOST")
    if host is not None and not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]+", host):
        raise SettingsError(
            f"LOKET_SMTP_HOST must be a host name or IP address such as smtp.example.go.id, "
            f"got {host!r}"
        )
    sender = env.get("LOKET_SMTP_SENDER")
    if sender is not None:
        _name, address = parseaddr(sender)
        if not is_email(address) or "\n" in sender or "\r" in sender:
            raise SettingsError(
                "LOKET_SMTP_SENDER must be an e-mail address, optionally with a name, e.g. "
                f"Layanan DPMPTSP <layanan@example.go.id>, got {sender!r}"
            )
    elif host is not None:
        raise SettingsError(
            "LOKET_SMTP_HOST is set but LOKET_SMTP_SENDER is not: set it to the From address, "
            "e.g. Layanan DPMPTSP <layanan@example.go.id>"
        )
    port = _whole(
        "LOKET_SMTP_PORT", env.get("LOKET_SMTP_PORT"), SMTP_DEFAULT_PORTS[security], 1, 65535
    )
    return {
        "smtp_host": host,
        "smtp_port": port,
        "smtp_security": security,
        "smtp_user": env.get("LOKET_SMTP_USER"),
        "smtp_password": env.get("LOKET_SMTP_PASSWORD"),
        "smtp_sender": sender,
    }


def _gateway(env: _Env, channel: str) -> dict[str, Any]:
    """The LOKET_<channel>_* gateway settings, checked; None where the preset decides."""
    prefix = f"LOKET_{channel}_"
    low = channel.lower()
    names = [*GATEWAY_SETTINGS]
    values: dict[str, str | None] = {name: env.get(prefix + name) for name in names}
    gateway = env.get(prefix + "GATEWAY")
    if gateway is None:
        return {f"{low}_gateway": None} | {f"{low}_{n.lower()}": values[n] for n in names}
    gateway = gateway.lower()
    choices = (*GATEWAY_PRESETS, GATEWAY_CUSTOM)
    if gateway not in choices:
        raise SettingsError(
            f"{prefix}GATEWAY must be one of {', '.join(choices)}, got {env.get(prefix + 'GATEWAY')!r}"
        )
    needed = GATEWAY_PRESETS.get(gateway, ("URL", "BODY_TEMPLATE"))
    missing = [prefix + name for name in needed if values[name] is None]
    if missing:
        raise SettingsError(
            f"{prefix}GATEWAY is {gateway} but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set: see docs/notifications.md"
        )
    url = values["URL"]
    if url is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s#]*)?", url):
        raise SettingsError(
            f"{prefix}URL must be an http:// or https:// address without spaces, e.g. "
            "https://api.fonnte.com/send (the value is not shown: it may hold a token)"
        )
    for name, choices_ in (
        ("METHOD", GATEWAY_METHODS),
        ("BODY_FORMAT", GATEWAY_BODY_FORMATS),
        ("NUMBER_FORMAT", GATEWAY_NUMBER_FORMATS),
    ):
        raw = values[name]
        if raw is None:
            continue
        value = raw.upper() if name == "METHOD" else raw.lower()
        if value not in choices_:
            raise SettingsError(f"{prefix}{name} must be one of {', '.join(choices_)}, got {raw!r}")
        values[name] = value
    if values["METHOD"] == "GET" and values["BODY_FORMAT"] not in (None, "query"):
        raise SettingsError(f"{prefix}METHOD GET sends no body: set {prefix}BODY_FORMAT=query")
    _json_template(prefix + "HEADERS", values["HEADERS"], flat=True)
    _json_template(prefix + "BODY_TEMPLATE", values["BODY_TEMPLATE"], flat=False)
    success = values["SUCCESS"]
    if success is not None and not _SUCCESS_RULE.fullmatch(success):
        raise SettingsError(
            f"{prefix}SUCCESS must be status, json:<path>=<value> (e.g. json:status=true) or "
            f"text:<substring> (e.g. text:OK), got {success!r}"
        )
    return {f"{low}_gateway": gateway} | {f"{low}_{n.lower()}": values[n] for n in names}


def _json_template(name: str, raw: str | None, *, flat: bool) -> None:
    """Check a JSON object template: its strings use only the known {placeholders}."""
    if raw is None:
        return
    kind = "strings" if flat else "values"
    how = (
        f'{name} must be a JSON object of {kind}, e.g. {{"target": "{{number}}", '
        f'"message": "{{text}}"}}'
    )
    try:
        template = json.loads(raw)
    except ValueError:
        raise SettingsError(f"{how}; it is not valid JSON") from None
    if not isinstance(template, dict) or (
        flat and not all(isinstance(value, str) for value in template.values())
    ):
        raise SettingsError(how)
    if flat and any("\r" in value or "\n" in value for value in template.values()):
        raise SettingsError(f"{name} must not hold line breaks in its values")
    unknown = sorted(set(_PLACEHOLDER.findall(raw)) - set(GATEWAY_PLACEHOLDERS))
    if unknown:
        raise SettingsError(
            f"{name} uses unknown placeholders {', '.join('{' + u + '}' for u in unknown)}; "
            f"known are {', '.join('{' + p + '}' for p in GATEWAY_PLACEHOLDERS)}"
        )
