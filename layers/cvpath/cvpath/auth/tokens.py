"""Signed guest and access tokens (JWT, HS256) and opaque refresh tokens.

JWTs are stateless proofs of who the caller is for a short time; the refresh
token is a random opaque string whose sha256 is the only thing stored (in
``sessions.token_hash``), so a database leak yields no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import jwt

from cvpath.auth.errors import InvalidToken, TokenExpired
from cvpath.auth.signing import signing_secret
from cvpath.config import get_settings

ALGORITHM = "HS256"
AUDIENCE = "cvpath-api"
# Admin tokens have an audience of their own: the public API never accepts one,
# and the admin API never accepts an access token.
ADMIN_AUDIENCE = "cvpath-admin"
ISSUER = "cvpath"
# Names the signing key, so a rotation can run two keys side by side later.
KEY_ID = "1"
TOKEN_TYPES = frozenset({"guest", "access"})
REQUIRED_CLAIMS = ["exp", "iat", "sub", "typ", "aud", "iss"]
# A prefix makes a leaked refresh token recognisable to secret scanners.
REFRESH_PREFIX = "cvr_"


def issue_guest_token(guest_id: UUID, *, now: datetime | None = None) -> str:
    return _encode("guest", str(guest_id), get_settings().guest_token_ttl_s, {}, now)


def issue_access_token(
    user_id: UUID, session_id: UUID, *, is_admin: bool, now: datetime | None = None
) -> str:
    """A short-lived token naming the user and the session it belongs to (``sid``)."""
    extra = {"sid": str(session_id), "adm": bool(is_admin)}
    return _encode("access", str(user_id), get_settings().access_token_ttl_s, extra, now)


def issue_admin_token(user_id: UUID, session_id: UUID, *, now: datetime | None = None) -> str:
    """A short-lived admin token, bound to the session of the access token it was exchanged for."""
    settings = get_settings()
    extra = {"sid": str(session_id)}
    return _encode("admin", str(user_id), settings.admin_token_ttl_s, extra, now, audience=ADMIN_AUDIENCE)


def verify_token(
    token: str, *, expected: set[str], now: datetime | None = None, audience: str = AUDIENCE
) -> dict[str, Any]:
    """The claims of a token this service signed, of one of the ``expected`` types.

    Raises ``TokenExpired`` when it is past ``exp`` (no leeway) and ``InvalidToken``
    for anything else: bad signature, ``alg`` other than HS256 (``none`` included),
    wrong audience, issuer, key id or type, a missing claim, an ``iat`` in the future.
    """
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise InvalidToken("the token is missing or malformed")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("kid") != KEY_ID:
            raise InvalidToken("the token was not signed by a known key")
        # exp and iat are checked below against ``now``, so tests can move the clock.
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_secret().get_secret_value(),
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            leeway=0,
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        # The library's message may quote token parts; only its class name is kept.
        raise InvalidToken("the token is invalid", details={"reason": type(exc).__name__}) from None
    _check_times(claims, _timestamp(now))
    if claims.get("typ") not in expected:
        raise InvalidToken("the token is of the wrong type", details={"expected": sorted(expected)})
    return claims


def new_refresh_token() -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> bytes:
    """The 32-byte sha256 stored for a refresh token (high-entropy, so no key or salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def _encode(
    typ: str,
    subject: str,
    ttl_s: int,
    extra: dict[str, Any],
    now: datetime | None,
    *,
    audience: str = AUDIENCE,
) -> str:
    issued = _timestamp(now)
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": subject,
        "typ": typ,
        "iat": issued,
        "exp": issued + ttl_s,
        "jti": secrets.token_hex(8),
        **extra,
    }
    return jwt.encode(
        claims, signing_secret().get_secret_value(), algorithm=ALGORITHM, headers={"kid": KEY_ID}
    )


def _check_times(claims: dict[str, Any], now: int) -> None:
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int) or not isinstance(iat, int) or isinstance(exp, bool) or isinstance(iat, bool):
        raise InvalidToken("the token's times are malformed")
    if now >= exp:
        raise TokenExpired("the token has expired")
    if iat > now:
        raise InvalidToken("the token was issued in the future")


def _timestamp(now: datetime | None) -> int:
    return int((now or datetime.now(UTC)).timestamp())
