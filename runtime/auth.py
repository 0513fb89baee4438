"""Staff accounts: argon2id passwords, server-side sessions, login throttling, the current user."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from sqlalchemy import delete, update
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from builder.values import is_email
from runtime import db, login_attempts
from runtime.models import Membership, User, WebSession, utcnow
from runtime.settings import Settings
from runtime.web import session_token

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 72  # the longest the strength estimate takes
MIN_GUESSES_LOG10 = 10  # zxcvbn's score 4: far beyond an online attack, slow offline
GLOBAL_ROLES = ("reviewer", "admin")
_SEPARATORS = re.compile(r"[\s\-_.,;:/\\|+*~^=!?'\"`]+")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AuthError(Exception):
    """A login or account operation that cannot be done; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StaffUser:
    """The signed-in staff user with their roles."""

    id: int
    username: str
    display_name: str
    global_roles: frozenset[str]
    roles_by_agency: dict[str, frozenset[str]]
    session_id: str

    def roles_in(self, agency_id: str) -> frozenset[str]:
        """The user's roles in one agency."""
        return self.roles_by_agency.get(agency_id, frozenset())

    @property
    def agencies(self) -> list[str]:
        """Agencies where the user holds a role."""
        return sorted(self.roles_by_agency)

    def has_global(self, role: str) -> bool:
        """Whether the user holds a global role (reviewer, admin)."""
        return role in self.global_roles


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _local_words() -> tuple[str, ...]:
    """Indonesian and local words for the strength estimate (runtime/data/password_words.txt)."""
    path = Path(__file__).resolve().parent / "data" / "password_words.txt"
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            words.append(word)
            if " " in word:
                words.append(word.replace(" ", ""))
    return tuple(words)


def password_problem(password: str, username: str = "", personal: Iterable[str] = ()) -> str | None:
    """Why a password is not acceptable (in Bahasa Indonesia and English), or None.

    Besides the length, the password must be hard to guess by zxcvbn's estimate (at least
    10^10 guesses), which knows 30 000 common and breached passwords, English words, names,
    keyboard patterns, dates and years; it is also given local words (place names such as
    "Bandar Lampung", Indonesian password words), the username and `personal` texts (e.g. the
    display name), so "Bandarlampung2026" is refused.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Kata sandi paling sedikit {MIN_PASSWORD_LENGTH} karakter. / "
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "Kata sandi tidak boleh memuat nama pengguna. / A password must not contain the username."
    if len(password) > MAX_PASSWORD_LENGTH:
        return (
            f"Kata sandi paling banyak {MAX_PASSWORD_LENGTH} karakter. / "
            f"A password has at most {MAX_PASSWORD_LENGTH} characters."
        )
    inputs = [username.lower(), *username.lower().split("."), *(p.lower() for p in personal)]
    inputs.extend(part for text in personal for part in text.lower().split())
    words = [*filter(None, inputs), *_local_words()]
    # separators add little against guessing rules: "Bandar-Lampung-2026" counts as its letters
    plain = _SEPARATORS.sub("", password)
    guesses_log10 = min(
        float(zxcvbn(candidate, user_inputs=words)["guesses_log10"])
        for candidate in {password, plain}
        if candidate
    )
    if guesses_log10 < MIN_GUESSES_LOG10:
        return (
            "Kata sandi ini terlalu mudah ditebak (kata umum, nama tempat, tahun atau pola). "
            "Pilih kalimat beberapa kata yang hanya Anda ketahui. / "
            "This password is too easy to guess (a common word, place name, year or pattern). "
            "Choose a phrase of several words only you know."
        )
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so both failures take as long.
@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    global_roles: tuple[str, ...] = (),
    email: str | None = None,
) -> User:
    """Add a staff account; refuses weak passwords, unknown global roles and bad addresses."""
    username = username.strip().lower()
    email = checked_email(email)
    if not _USERNAME.match(username):
        raise AuthError(
            "bad-username",
            "Nama pengguna: 3–64 huruf kecil, angka, titik, garis bawah atau "
            "tanda hubung. / Username: 3–64 lower-case letters, digits, . _ -",
        )
    problem = password_problem(password, username, [display_name])
    if problem:
        raise AuthError("weak-password", problem)
    unknown = [r for r in global_roles if r not in GLOBAL_ROLES]
    if unknown:
        raise AuthError(
            "bad-role",
            f"Peran global tidak dikenal: {', '.join(unknown)}. / "
            f"Unknown global role: {', '.join(unknown)}.",
        )
    if session.exec(select(User).where(User.username == username)).first():
        raise AuthError(
            "duplicate-user", f"Pengguna '{username}' sudah ada. / User '{username}' exists."
        )
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        global_roles=list(global_roles),
        email=email,
    )
    session.add(user)
    session.flush()
    return user


def checked_email(email: str | None) -> str | None:
    """An account's e-mail address (for the deadline digest), trimmed; None when empty."""
    email = (email or "").strip()
    if not email:
        return None
    if not is_email(email):
        raise AuthError(
            "bad-email",
            "Alamat e-mail tidak sah, misalnya nama@instansi.go.id. / Not a valid e-mail address,"
            " e.g. name@agency.go.id.",
        )
    return email


def set_email(session: Session, *, user: User, email: str | None) -> None:
    """Change (or remove, with None or "") an account's e-mail address."""
    user.email = checked_email(email)
    session.add(user)


def find_user(session: Session, username: str) -> User | None:
    """A user by username."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def grant(session: Session, *, user: User, agency_id: str, role: str) -> Membership:
    """Give a user a role in an agency (idempotent)."""
    assert user.id is not None
    existing = session.exec(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.agency_id == agency_id,
            Membership.role == role,
        )
    ).first()
    if existing is not None:
        return existing
    membership = Membership(user_id=user.id, agency_id=agency_id, role=role)
    session.add(membership)
    session.flush()
    return membership


def revoke(session: Session, *, user: User, agency_id: str, role: str) -> None:
    """Take a role away."""
    session.exec(
        delete(Membership).where(
            col(Membership.user_id) == user.id,
            col(Membership.agency_id) == agency_id,
            col(Membership.role) == role,
        )
    )


def disable(session: Session, *, user: User, now: dt.datetime | None = None) -> None:
    """Disable an account and end all its sessions."""
    user.is_active = False
    user.disabled_at = now or utcnow()
    session.exec(delete(WebSession).where(col(WebSession.user_id) == user.id))
    session.flush()


def enable(session: Session, *, user: User) -> None:
    """Let a disabled account sign in again (its roles were kept; it starts with no session)."""
    user.is_active = True
    user.disabled_at = None
    session.flush()


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    settings: Settings,
    old_token: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Check credentials (throttled per account and address pair) and open a session; return its token."""
    now = now or utcnow()
    name = username.strip().lower()[:64]
    user = find_user(session, name)
    known = user is not None
    throttle = login_attempts.check(session, username=name, address=address, known=known, now=now)
    if not throttle.allowed:
        raise AuthError(
            "throttled",
            f"Terlalu banyak percobaan. Coba lagi dalam {throttle.minutes} menit. / "
            f"Too many attempts. Try again in {throttle.minutes} minutes.",
        )
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    ok = ok and user is not None and user.is_active
    with db.serialised_writes(session):
        login_attempts.record(session, username=name, address=address, known=known, ok=ok, now=now)
        if not ok or user is None or user.id is None:
            session.commit()
            raise AuthError(
                "bad-credentials",
                "Nama pengguna atau kata sandi salah. / Wrong username or password.",
            )
        return _open_session(session, user, password, settings, old_token, now)


def _open_session(
    session: Session,
    user: User,
    password: str,
    settings: Settings,
    old_token: str | None,
    now: dt.datetime,
) -> str:
    """Store a new session for a user whose password was just checked; return its token."""
    assert user.id is not None
    if old_token:
        session.exec(delete(WebSession).where(col(WebSession.id) == _session_id(old_token)))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)  # 256 bits
    session.add(
        WebSession(
            id=_session_id(token),
            user_id=user.id,
            csrf_secret=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_absolute_hours),
        )
    )
    session.commit()
    return token


def logout(session: Session, token: str | None) -> None:
    """End a session."""
    if token:
        session.exec(delete(WebSession).where(col(WebSession.id) == _session_id(token)))
        session.commit()


def _seen_step(settings: Settings) -> dt.timedelta:
    """How stale a session's last-seen time may be: a minute, or a tenth of the idle timeout."""
    return min(dt.timedelta(minutes=1), dt.timedelta(minutes=settings.session_idle_minutes) / 10)


def current_user(
    session: Session, token: str | None, settings: Settings, now: dt.datetime | None = None
) -> StaffUser | None:
    """The user of a session token, or None when absent, expired, idle too long or disabled."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    web_session = session.get(WebSession, _session_id(token))
    if web_session is None:
        return None
    idle_limit = web_session.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes)
    user = session.get(User, web_session.user_id)
    if now >= web_session.expires_at or now >= idle_limit or user is None or not user.is_active:
        with db.serialised_writes(session):
            session.delete(web_session)
            session.commit()
        return None
    if now - web_session.last_seen_at >= _seen_step(settings):
        # the idle timeout runs from the last request: a request moves it on, written at most
        # once per step so that busy officers do not write to the database on every page
        with db.serialised_writes(session):
            session.exec(
                update(WebSession)
                .where(col(WebSession.id) == web_session.id, col(WebSession.last_seen_at) < now)
                .values(last_seen_at=now)
            )
            session.commit()
    assert user.id is not None
    roles: dict[str, set[str]] = {}
    for membership in session.exec(select(Membership).where(Membership.user_id == user.id)).all():
        roles.setdefault(membership.agency_id, set()).add(membership.role)
    return StaffUser(
        user.id,
        user.username,
        user.display_name,
        frozenset(user.global_roles),
        {agency: frozenset(found) for agency, found in roles.items()},
        web_session.id,
    )


def request_user(request: Request, session: Session) -> StaffUser | None:
    """The signed-in user of a request, if any."""
    return current_user(session, session_token(request), request.app.state.settings)


def client_address(request: Request) -> str:
    """The client's address for throttling: the connection's peer, or what a proxy listed in
    LOKET_TRUSTED_PROXIES forwarded (X-Forwarded-For from anyone else is ignored)."""
    return (request.client.host if request.client else "unknown")[:64]
