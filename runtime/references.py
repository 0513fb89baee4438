"""Identifiers: case references people can read aloud, and unguessable tokens.

A case reference looks like ``LKT-7K3M9-QXP4C``: nine random characters and one check character
from a 30-symbol alphabet without look-alikes (no 0/O, 1/I/L, no U), so 44 bits of randomness.
The check character follows ISO 7064 "hybrid MOD 31,30" (31 is prime), which catches every
single mistyped character and most swaps of two neighbouring characters. A reference is a
handle, not a password: the private status link carries a separate secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets

PREFIX = "LKT"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 9
RANDOM_BITS = RANDOM_CHARS * math.log2(len(ALPHABET))
REFERENCE_LENGTH = len(PREFIX) + 2 + RANDOM_CHARS + 1
MIN_TOKEN_BYTES = 16

_M = len(ALPHABET)
_SPACE = _M**RANDOM_CHARS  # how many bodies there are
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def _checksum(code: str) -> int:
    check = _M // 2
    for char in code:
        check = (((check or _M) * 2) % (_M + 1) + _VALUE[char]) % _M
    return check


def _check_char(body: str) -> str:
    return ALPHABET[(1 - ((_checksum(body) or _M) * 2) % (_M + 1)) % _M]


def _format(code: str) -> str:
    return f"{PREFIX}-{code[:5]}-{code[5:]}"


def new_reference() -> str:
    """A new random case reference such as ``LKT-7K3M9-QXP4C`` (check character included)."""
    # one uniform draw of all nine symbols (nine `secrets.choice` calls cost nine draws)
    number = secrets.randbelow(_SPACE)
    symbols = []
    for _ in range(RANDOM_CHARS):
        number, digit = divmod(number, _M)
        symbols.append(ALPHABET[digit])
    body = "".join(symbols)
    return _format(body + _check_char(body))


def normalise_reference(text: str) -> str | None:
    """The canonical form of a typed reference (any case, spaces, dashes), or None if invalid."""
    if len(text) > 4 * REFERENCE_LENGTH:
        return None
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) == len(PREFIX) + RANDOM_CHARS + 1 and code.startswith(PREFIX):
        code = code[len(PREFIX) :]
    if len(code) != RANDOM_CHARS + 1 or any(char not in _VALUE for char in code):
        return None
    if _checksum(code) != 1:
        return None
    return _format(code)


def is_valid_reference(text: str) -> bool:
    """Whether the text is a well-formed reference with a correct check character."""
    return normalise_reference(text) is not None


def new_token(nbytes: int = MIN_TOKEN_BYTES) -> str:
    """A random URL-safe token of ``nbytes`` random bytes (at least 16, i.e. 128 bits)."""
    if nbytes < MIN_TOKEN_BYTES:
        raise ValueError(f"a token needs at least {MIN_TOKEN_BYTES} random bytes, got {nbytes}")
    return secrets.token_urlsafe(nbytes)


def status_secret(secret_key: str, case_id: str) -> str:
    """The status secret of a case, derived from the server's key and the case's id.

    Only its hash is stored, as for a random secret; deriving it lets Loket put the private
    status link into later messages (a case sent back, decided) without keeping the secret.
    """
    digest = hmac.new(
        secret_key.encode("utf-8"), b"loket-status-secret\x00" + case_id.encode("utf-8"), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest[:MIN_TOKEN_BYTES]).decode("ascii").rstrip("=")


def document_secret(secret_key: str, document_id: str) -> str:
    """The secret of an issued document's own download link, derived like `status_secret`.

    128 bits from the server's key and the document's id: as unguessable as the private
    status link, nothing stored, and it names one document only (not the case's status).
    """
    digest = hmac.new(
        secret_key.encode("utf-8"),
        b"loket-document-secret\x00" + document_id.encode("utf-8"),
        "sha256",
    ).digest()
    return base64.urlsafe_b64encode(digest[:MIN_TOKEN_BYTES]).decode("ascii").rstrip("=")


def document_path(reference: str, secret: str) -> str:
    """An issued document's private download address: /surat/<reference>/<document secret>.

    No longer than the status link, so a "decided" message carrying it still fits one SMS.
    """
    return f"/surat/{reference}/{secret}"


def status_path(reference: str, secret: str) -> str:
    """A case's private status address (the receipt's link): /status/<reference>/<secret>."""
    return f"/status/{reference}/{secret}"


def hash_secret(secret: str) -> str:
    """The sha256 (hex) of a secret, which is what gets stored instead of the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secrets_equal(left: str, right: str) -> bool:
    """Compare two secrets or hashes in constant time."""
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))
