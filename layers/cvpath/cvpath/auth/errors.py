"""Errors of the identity layer.

Why a separate ``AuthFailed`` here: ``cvpath.errors.AuthFailed`` is the LLM
provider refusing a key (502); a caller failing to authenticate is a 401. No
message here ever contains a token, a password or an email address.
"""

from __future__ import annotations

from cvpath.errors import CVPathError, ValidationFailed


class AuthFailed(CVPathError):
    """The caller is not authenticated: bad credentials, or a token that does not verify."""

    http_status = 401
    code = "invalid_credentials"


class InvalidToken(AuthFailed):
    """Malformed, forged, of the wrong type or audience, or its session is revoked."""

    code = "invalid_token"


class TokenExpired(AuthFailed):
    code = "token_expired"


class TooManyAttempts(CVPathError):
    """Sign-in refused without checking the password: too many recent failures.

    ``details`` carry ``scope`` ("account" or "ip") and ``retry_after_s``.
    """

    http_status = 429
    code = "too_many_attempts"


class WeakPassword(ValidationFailed):
    """The password breaks the strength policy; ``details["rule"]`` names the rule."""

    code = "weak_password"


class NotAnAdmin(CVPathError):
    """A signed-in caller without the admin role, or without an admin token, on an admin route."""

    http_status = 403
    code = "forbidden"
