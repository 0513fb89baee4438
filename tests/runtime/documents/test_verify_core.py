"""Verification codes, masked names, the stored signature's summary and the rate limit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from runtime.documents.files import document_path
from runtime.documents.verify import (
    describe,
    lookup_key,
    mask_name,
    new_verify_code,
    signature_of,
)
from runtime.rate_limit import Limited, RateLimiter
from tests.runtime.documents.verify_site import close, make_site

CODE = re.compile(r"^([2-9A-HJKMNP-TV-Z]{5}-){4}[2-9A-HJKMNP-TV-Z]{5}$")


def test_codes_are_random_grouped_and_without_look_alikes() -> None:
    codes = {new_verify_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.fullmatch(code) for code in codes)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Budi Santoso", "Bu** Sa*****"),
        ("Ani", "A**"),
        ("Yo", "Y*"),
        ("I Made Wiryawan", "I Ma** Wi******"),
        ("Dr. Hj. Siti Nurhaliza, S.Sos.", "D*. H*. Si** Nu*******, S.S**."),
        ("Renée Ōkawa", "Re*** Ōk***"),
        ("  Budi   Santoso ", "Bu** Sa*****"),
        ("", ""),
    ],
)
def test_names_keep_their_initial_letters_only(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_typed_codes_are_normalised_and_anything_else_names_nothing() -> None:
    code = new_verify_code()
    assert lookup_key(code) == code
    assert lookup_key(code.lower().replace("-", " ")) == code
    assert lookup_key(f" {code.replace('-', '')} ") == code
    token = "Ab3_x9-Qr7Zt2Wm8Kp4Ld"  # a plain token is taken as it is
    assert lookup_key(token) == token
    for malformed in ["", "-", "a/b", "x" * 65, "x" * 1000, "O0O0-" * 3, "' OR 1=1 --"]:
        assert lookup_key(malformed) == "-"


@pytest.fixture
def site(engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    made = make_site(engine, tmp_path / "data")
    yield made
    close(made)


def test_the_development_label_holds_when_the_stored_file_is_gone(site) -> None:  # type: ignore[no-untyped-def]
    doc, _ = site.issue()
    first = signature_of(site.settings, doc)
    assert first.found and first.intact and first.trusted and first.development
    document_path(site.settings.data_dir, doc.storage_name).unlink()
    other, _ = site.issue()
    document_path(site.settings.data_dir, other.storage_name).write_bytes(b"%PDF-1.7 changed")
    gone = signature_of(site.settings, other)
    assert not gone.found and gone.development  # the agency signs with a development certificate
    with Session(site.engine) as session:
        assert describe(session, site.settings, other).development


def test_lookups_over_the_limit_wait_for_the_end_of_their_minute() -> None:
    limiter = RateLimiter()
    at = dt.datetime(2026, 12, 2, 8, 0, 45, tzinfo=dt.UTC)
    for _ in range(3):
        limiter.count(scope="verify", address="a", limit=3, now=at)
    with pytest.raises(Limited) as refused:
        limiter.count(scope="verify", address="a", limit=3, now=at)
    assert refused.value.retry_after == 15
    limiter.count(scope="verify", address="b", limit=3, now=at)  # another address
    limiter.count(scope="other", address="a", limit=3, now=at)  # another scope
    limiter.count(scope="verify", address="a", limit=0, now=at)  # limit off
    later = at + dt.timedelta(seconds=15)  # the next minute starts afresh, older counts go
    limiter.count(scope="verify", address="a", limit=3, now=later)
    assert len(limiter) == 1


def test_the_counts_are_bounded() -> None:
    limiter = RateLimiter(max_addresses=2)
    at = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    for address in ("a", "b", "c", "d"):
        limiter.count(scope="verify", address=address, limit=1, now=at)
    assert len(limiter) == 2
    with pytest.raises(Limited):
        limiter.count(scope="verify", address="a", limit=1, now=at)
