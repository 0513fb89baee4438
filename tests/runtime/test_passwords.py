"""Password rules: length, the username, and zxcvbn's estimate with local words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlmodel import Session

from builder.bundle import normalise
from builder.canonical import digest
from runtime import auth, seed, store

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the demo hashes many passwords."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)


@pytest.mark.parametrize(
    "password",
    [
        "Bandarlampung2026",  # the city and the year
        "bandarlampung2026",
        "Bandar-Lampung-2026",  # separators do not help
        "Bandar Lampung 2026!",
        "TanjungKarang2025",  # a district of Bandar Lampung
        "Jakarta.2024",
        "Metro_Lampung_1990",
        "Surabaya12345",
        "password1234",  # breached password lists
        "iloveyou2024",
        "qwertyuiop123",  # keyboard patterns
        "1q2w3e4r5t6y",
        "123456789012",
        "bismillah1234",  # Indonesian password words
        "sayangkamu123",
        "Indonesia2026!",
        "merdeka170845",
        "Loket-Layanan-2026",  # the product and the office
        "Pemkot-Disdukcapil-1",
        "aaaaaaaaaaaaaaaa",
    ],
)
def test_easily_guessed_passwords_are_refused(password: str) -> None:
    problem = auth.password_problem(password)
    assert problem is not None
    assert "terlalu mudah ditebak" in problem and "too easy to guess" in problem


@pytest.mark.parametrize(
    "password",
    [
        "Kantor-Uji-Rahasia-2026",
        "Senja-Di-Pahoman-Tujuh-2026",
        "kopi pahit di pagi hari",
        "kata-sandi-yang-panjang-sekali",
        "Loket-Demo-disdukcapil-petugas",  # the demo accounts' passwords
        "Loket-Demo-Kunci-2026",
    ],
)
def test_phrases_of_several_words_are_accepted(password: str) -> None:
    assert auth.password_problem(password) is None


def test_the_username_and_personal_texts_count_as_guessable() -> None:
    assert "nama pengguna" in (auth.password_problem("siti.rahma-rumah-baru", "siti.rahma") or "")
    plain = "Wulandari-Sekar-07"
    assert auth.password_problem(plain) is None
    assert auth.password_problem(plain, "sekar", ["Sekar Wulandari"]) is not None


def test_length_limits() -> None:
    assert "12" in (auth.password_problem("Pendek-2026") or "")
    assert "72" in (auth.password_problem("kata-" * 20) or "")


def test_create_user_refuses_a_guessable_password() -> None:
    with pytest.raises(auth.AuthError) as caught:
        auth.create_user(
            None,  # type: ignore[arg-type]  # refused before the database is touched
            username="siti.rahma",
            display_name="Siti Rahma",
            password="Bandarlampung2026",
        )
    assert caught.value.code == "weak-password"


def test_every_demo_account_passes_the_rules(engine: Engine) -> None:
    """`loket demo` creates every account of the examples (a refused password would stop it)."""
    with Session(engine) as session:
        for path in sorted(EXAMPLES.glob("*.json")):
            definition = normalise(json.loads(path.read_text(encoding="utf-8")))
            store.publish_version(session, definition=definition, sha256=digest(definition))
        session.commit()
        accounts = seed.demo_accounts(session)
    assert "ppid.ppid" in {username for username, _, _ in accounts}
    for username, password, _ in accounts:
        assert auth.password_problem(password, username) is None, username
