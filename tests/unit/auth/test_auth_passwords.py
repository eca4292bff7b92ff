"""The password policy (each rule named in the error) and argon2id hashing with rehash detection."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher, Type

from cvpath.auth import WeakPassword, check_password_strength, hash_password, verify_password
from cvpath.auth.passwords import needs_rehash

CANARY = "Canary-Pass-7781-zq"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1!xyz", "min_length"),
        ("a1" * 65, "max_length"),
        ("onlylettersherE", "character_classes"),
        ("12345678901", "character_classes"),
        ("!!!!????####", "character_classes"),
        ("Password123", "common_password"),
        ("QWERTY12345", "common_password"),
        ("my-jane.doe-secret1", "contains_email"),
        ("xJANE.DOEx2024", "contains_email"),
    ],
)
def test_each_rule_refuses_and_is_named(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword) as caught:
        check_password_strength(password, email="Jane.Doe@example.com")

    assert caught.value.details == {"rule": rule, "field": "password"}
    assert caught.value.http_status == 422
    assert password not in json.dumps(caught.value.to_body())


@pytest.mark.parametrize(
    "password",
    ["correct horse 7 staple", "Tr0ub4dor&3x", "ünïcødé-pass-42", "a" * 9 + "1", "x1" * 64],
)
def test_reasonable_passwords_pass(password: str) -> None:
    check_password_strength(password, email="jane.doe@example.com")


def test_a_short_local_part_is_not_a_rule() -> None:
    check_password_strength("ab-and-more-42", email="ab@example.com")


def test_hash_is_argon2id_with_the_owasp_parameters_and_no_plaintext() -> None:
    stored = hash_password(CANARY)

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert CANARY not in stored
    assert verify_password(stored, CANARY)
    assert not verify_password(stored, CANARY + "x")
    assert hash_password(CANARY) != stored  # salted


def test_missing_or_malformed_hash_never_verifies() -> None:
    assert not verify_password(None, CANARY)
    assert not verify_password("not-a-hash", CANARY)


def test_a_hash_made_with_other_parameters_needs_rehash() -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash(CANARY)

    assert needs_rehash(weaker)
    assert verify_password(weaker, CANARY)
    assert not needs_rehash(hash_password(CANARY))
    assert needs_rehash("garbage")
