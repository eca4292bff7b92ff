"""Principal invariants and the email verification link token."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from cvpath.auth import InvalidToken, Principal, verification_token
from cvpath.auth.email_verification import _parse
from cvpath.config import get_settings


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CVPATH_JWT_SECRET", "unit-test-signing-secret-for-principal-0123456789")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_guest_principal_scopes_to_the_guest() -> None:
    guest_id = uuid.uuid4()
    principal = Principal(kind="guest", guest_id=guest_id)

    assert principal.owner.guest_id == guest_id
    assert principal.owner.user_id is None


def test_a_user_principal_needs_a_session() -> None:
    with pytest.raises(ValidationError):
        Principal(kind="user", user_id=uuid.uuid4())


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "guest"},
        {"kind": "guest", "guest_id": uuid.uuid4(), "is_admin": True},
        {"kind": "guest", "guest_id": uuid.uuid4(), "user_id": uuid.uuid4()},
        {"kind": "user", "user_id": uuid.uuid4(), "session_id": uuid.uuid4(), "guest_id": uuid.uuid4()},
    ],
)
def test_inconsistent_principals_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Principal.model_validate(fields)


def test_principal_is_frozen() -> None:
    principal = Principal(kind="guest", guest_id=uuid.uuid4())
    with pytest.raises(ValidationError):
        principal.is_admin = True  # type: ignore[misc]


def test_verification_token_round_trips_and_rejects_forgeries() -> None:
    verification_id = uuid.uuid4()
    token = verification_token(verification_id)

    assert _parse(token) == verification_id
    for forged in (
        f"{verification_id}.AAAA",
        f"{uuid.uuid4()}.{token.split('.')[1]}",
        "not-a-uuid.x",
        "",
        str(verification_id),
    ):
        with pytest.raises(InvalidToken):
            _parse(forged)
