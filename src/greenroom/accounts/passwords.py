"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3: the library's RFC 9106 low-memory profile
# A hash of a random string: verifying against it costs what a real verification costs, so a
# sign-in with an unknown email takes as long as one with a known email.
_DUMMY_HASH = _hasher.hash("greenroom-timing-equaliser")
MAX_PASSWORD_LENGTH = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always spends one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    text = files("greenroom.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(
    password: str, *, min_length: int, email: str = "", display_name: str = ""
) -> str | None:
    """Why `password` is refused, in words for the person choosing it; None when it is fine."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    # A common word padded with digits or symbols ("password1234!") is as guessable as the word.
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or (len(core) >= 6 and core in common_passwords()):
        return "This password is in a list of commonly used passwords; choose another."
    if len(set(lowered)) <= 3 or re.fullmatch(r"(.+?)\1+", lowered):
        return "This password repeats itself too much; choose another."
    for personal in (email.split("@")[0].lower(), display_name.strip().lower()):
        if len(personal) >= 4 and personal in lowered:
            return "Do not build the password from your email or name."
    return None
