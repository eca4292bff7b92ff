"""Password strength policy and argon2id hashing.

Hashing is deliberately done outside any database transaction by the callers:
it takes tens of milliseconds and must not hold row locks.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cvpath.auth.common_passwords import COMMON_PASSWORDS
from cvpath.auth.errors import WeakPassword

MIN_LENGTH = 10
MAX_LENGTH = 128
# Why these numbers: the OWASP Password Storage Cheat Sheet's minimum for
# argon2id (m=19 MiB, t=2, p=1). It keeps one hash around 20-40 ms in a
# 1 GiB Lambda, so a burst of logins does not exhaust memory or time, while
# raising an offline attacker's cost per guess well above sha256 or bcrypt-10.
# Changing them is safe: stored hashes carry their parameters, and login
# rehashes with the current ones (needs_rehash).
HASHER = PasswordHasher(
    time_cost=2,
    memory_cost=19 * 1024,
    parallelism=1,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)


def check_password_strength(password: str, *, email: str | None = None) -> None:
    """Raise ``WeakPassword`` naming the first rule ``password`` breaks; the password is never echoed."""
    if len(password) < MIN_LENGTH:
        raise _weak("min_length", f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise _weak("max_length", f"the password must be at most {MAX_LENGTH} characters long")
    if _character_classes(password) < 2:
        raise _weak("character_classes", "the password must mix at least two of: letters, digits, symbols")
    local_part = email.split("@", 1)[0].strip().lower() if email else ""
    # A local part of 1-2 characters would refuse too much ("a@x.io" vs any "a").
    if len(local_part) >= 3 and local_part in password.lower():
        raise _weak("contains_email", "the password must not contain the email address")
    if password.lower() in COMMON_PASSWORDS:
        raise _weak("common_password", "the password is one of the most commonly used passwords")


def hash_password(password: str) -> str:
    """The argon2id PHC string (algorithm, parameters, salt and hash) stored in users.password_hash."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing or malformed stored hash is simply False.

    With no stored hash a dummy verification still runs, so an unknown account
    takes as long to refuse as a wrong password (no account enumeration by timing).
    """
    if password_hash is None:
        _verify_quietly(_dummy_hash(), password)
        return False
    return _verify_quietly(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with other parameters than ``HASHER``'s."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def _verify_quietly(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("cvpath timing equaliser, never a real password")


def _character_classes(password: str) -> int:
    # str.isalpha/isdigit cover Unicode: "é" is a letter, "٣" a digit.
    has_letter = any(c.isalpha() for c in password)
    has_digit = any(c.isdigit() for c in password)
    has_symbol = any(not c.isalnum() for c in password)
    return sum((has_letter, has_digit, has_symbol))


def _weak(rule: str, message: str) -> WeakPassword:
    return WeakPassword(message, details={"rule": rule, "field": "password"})
