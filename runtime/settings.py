"""Runtime settings: read from ``LOKET_*`` environment variables and validated at start-up.

Every setting is listed in :data:`VARIABLES` (variable, field, help); a test checks that each
one is documented in ``docs/configuration.md``. Nothing is read or created at import time.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "LOKET_"
KIB = 1024
MIB = 1024 * 1024
MIN_SECRET_KEY_LENGTH = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
POSTGRES_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")

_log = logging.getLogger(__name__)

_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SIZE = re.compile(r"(\d+)\s*(|B|KIB|KB|K|MIB|MB|M)", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "KIB": KIB, "KB": KIB, "K": KIB, "MIB": MIB, "MB": MIB, "M": MIB}


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
        "data_dir", "./var", "Folder for the SQLite database and uploaded files."
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
    draft_ttl_hours: int = 72
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    cuti_bersama: tuple[date, ...] = ()
    log_level: str = "INFO"
    signing_passphrase: str | None = field(default=None, repr=False)
    signing_service_url: str | None = None
    signing_service_user: str | None = None
    signing_service_password: str | None = field(default=None, repr=False)
    signing_signer_id: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "cuti_bersama", tuple(self.cuti_bersama))
        object.__setattr__(self, "trusted_proxies", tuple(self.trusted_proxies))
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
            draft_ttl_hours=_whole(
                "LOKET_DRAFT_TTL_HOURS", env.get("LOKET_DRAFT_TTL_HOURS"), 72, 1, 24 * 365
            ),
            session_idle_minutes=idle,
            session_absolute_hours=absolute,
            cuti_bersama=_dates("LOKET_CUTI_BERSAMA", env.get("LOKET_CUTI_BERSAMA")),
            log_level=_log_level(env.get("LOKET_LOG_LEVEL")),
            signing_passphrase=env.get("LOKET_SIGNING_PASSPHRASE"),
            signing_service_url=_signing_service_url(env),
            signing_service_user=env.get("LOKET_SIGNING_SERVICE_USER"),
            signing_service_password=env.get("LOKET_SIGNING_SERVICE_PASSWORD"),
            signing_signer_id=env.get("LOKET_SIGNING_SIGNER_ID"),
        )


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
