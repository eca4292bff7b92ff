"""Guest and access tokens: what verifies, and every way a token is refused."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from cvpath.auth import InvalidToken, TokenExpired, issue_access_token, issue_guest_token, verify_token
from cvpath.auth.signing import forget_remote_secret, signing_secret
from cvpath.config import get_settings
from cvpath.errors import ConfigurationError

SECRET = "unit-test-signing-secret-0123456789abcdef-0123456789abcdef-0123456789"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    monkeypatch.delenv("CVPATH_JWT_SECRET_PARAMETER", raising=False)
    get_settings.cache_clear()
    forget_remote_secret()
    yield
    get_settings.cache_clear()


def _claims(**overrides: object) -> dict[str, object]:
    iat = int(NOW.timestamp())
    claims: dict[str, object] = {
        "iss": "cvpath",
        "aud": "cvpath-api",
        "sub": str(uuid.uuid4()),
        "typ": "guest",
        "iat": iat,
        "exp": iat + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, object], *, key: str = SECRET, kid: str = "1") -> str:
    return jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid})


def test_guest_token_round_trip_carries_the_guest_and_required_claims() -> None:
    guest_id = uuid.uuid4()
    token = issue_guest_token(guest_id, now=NOW)

    claims = verify_token(token, expected={"guest"}, now=NOW + timedelta(minutes=1))

    assert claims["sub"] == str(guest_id)
    assert claims["typ"] == "guest"
    assert (claims["aud"], claims["iss"]) == ("cvpath-api", "cvpath")
    assert claims["exp"] - claims["iat"] == get_settings().guest_token_ttl_s
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "1", "typ": "JWT"}


def test_access_token_names_the_session_and_admin_flag() -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = issue_access_token(user_id, session_id, is_admin=True, now=NOW)

    claims = verify_token(token, expected={"access"}, now=NOW)

    assert (claims["sub"], claims["sid"], claims["adm"]) == (str(user_id), str(session_id), True)
    assert claims["exp"] - claims["iat"] == 900


def test_a_token_expires_exactly_at_exp_with_no_leeway() -> None:
    token = issue_access_token(uuid.uuid4(), uuid.uuid4(), is_admin=False, now=NOW)
    verify_token(token, expected={"access"}, now=NOW + timedelta(seconds=899))

    with pytest.raises(TokenExpired) as caught:
        verify_token(token, expected={"access"}, now=NOW + timedelta(seconds=900))

    assert caught.value.http_status == 401
    assert caught.value.code == "token_expired"


def test_wrong_signature_is_refused() -> None:
    forged = _sign(_claims(), key="another-secret-of-enough-length-0123456789")

    with pytest.raises(InvalidToken) as caught:
        verify_token(forged, expected={"guest"}, now=NOW)

    assert caught.value.code == "invalid_token"
    assert caught.value.http_status == 401


def test_wrong_type_is_refused_even_when_signed() -> None:
    guest = issue_guest_token(uuid.uuid4(), now=NOW)

    with pytest.raises(InvalidToken, match="wrong type"):
        verify_token(guest, expected={"access"}, now=NOW)


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "someone-else"},
        {"iss": "not-cvpath"},
        {"typ": None},
        {"sub": None},
        {"exp": None},
        {"iat": None},
        {"iat": int(NOW.timestamp()) + 60},
    ],
    ids=["audience", "issuer", "no-typ", "no-sub", "no-exp", "no-iat", "iat-in-future"],
)
def test_claims_that_break_the_contract_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidToken):
        verify_token(_sign(_claims(**overrides)), expected={"guest"}, now=NOW)


def test_alg_none_is_refused() -> None:
    unsigned = jwt.encode(_claims(), key="", algorithm="none", headers={"kid": "1"})

    with pytest.raises(InvalidToken):
        verify_token(unsigned, expected={"guest"}, now=NOW)


def test_another_hmac_algorithm_is_refused() -> None:
    token = jwt.encode(_claims(), SECRET, algorithm="HS512", headers={"kid": "1"})

    with pytest.raises(InvalidToken):
        verify_token(token, expected={"guest"}, now=NOW)


def test_unknown_key_id_is_refused() -> None:
    with pytest.raises(InvalidToken, match="known key"):
        verify_token(_sign(_claims(), kid="2"), expected={"guest"}, now=NOW)


def test_tampered_payload_is_refused() -> None:
    token = issue_access_token(uuid.uuid4(), uuid.uuid4(), is_admin=False, now=NOW)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["adm"] = True
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    with pytest.raises(InvalidToken):
        verify_token(f"{header}.{forged_payload}.{signature}", expected={"access"}, now=NOW)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 5000])
def test_garbage_is_refused_without_echoing_it(garbage: str) -> None:
    with pytest.raises(InvalidToken) as caught:
        verify_token(garbage, expected={"guest"}, now=NOW)

    if garbage:
        assert garbage not in str(caught.value)
        assert garbage not in json.dumps(caught.value.to_body())


def test_the_error_never_contains_the_token() -> None:
    token = _sign(_claims(aud="elsewhere"))

    with pytest.raises(InvalidToken) as caught:
        verify_token(token, expected={"guest"}, now=NOW)

    body = json.dumps(caught.value.to_body())
    for part in token.split("."):
        assert part not in body


def test_missing_secret_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CVPATH_JWT_SECRET")
    get_settings.cache_clear()

    with pytest.raises(ConfigurationError, match="CVPATH_JWT_SECRET"):
        issue_guest_token(uuid.uuid4())


def test_short_secret_is_refused_without_being_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVPATH_JWT_SECRET", "short-canary-secret")
    get_settings.cache_clear()

    with pytest.raises(ConfigurationError) as caught:
        signing_secret()

    assert "short-canary-secret" not in str(caught.value)


def test_secret_from_a_parameter_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CVPATH_JWT_SECRET")
    monkeypatch.setenv("CVPATH_JWT_SECRET_PARAMETER", "/cvpath/test/jwt")
    get_settings.cache_clear()
    reads: list[str] = []

    def fake_read(name: str) -> str:
        reads.append(name)
        return SECRET + "-from-ssm"

    monkeypatch.setattr("cvpath.auth.signing._read_parameter", fake_read)

    token = issue_guest_token(uuid.uuid4(), now=NOW)
    verify_token(token, expected={"guest"}, now=NOW)

    assert reads == ["/cvpath/test/jwt"]
    assert signing_secret().get_secret_value() == SECRET + "-from-ssm"
