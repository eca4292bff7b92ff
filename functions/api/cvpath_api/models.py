"""Request and response bodies of the identity routes, as the OpenAPI schema shows them.

Why our own ``TokenResponse`` rather than ``cvpath.auth.TokenPair``: importing the
auth package loads PyJWT and argon2, which the cold start should not pay for.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

# The length caps bound the work one request can cause (argon2 hashes the whole password).
# No NUL either: PostgreSQL text cannot hold one.
EMAIL_PATTERN = r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
MAX_EMAIL_CHARS = 254
MAX_PASSWORD_CHARS = 256
MAX_TOKEN_CHARS = 4096


class GuestCreated(BaseModel):
    guest_id: UUID
    guest_token: str = Field(
        description="send as `Authorization: Bearer`; also set as the cookie cvpath_guest"
    )


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=MAX_EMAIL_CHARS, pattern=EMAIL_PATTERN)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_CHARS)


class RegisterBody(Credentials):
    """A guest token presented with the request (bearer or cookie) moves the guest's data to the new user."""


class LoginBody(Credentials):
    pass


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="seconds until the access token expires")
    user_id: UUID


class Me(BaseModel):
    kind: Literal["guest", "user"]
    guest_id: UUID | None
    user_id: UUID | None
    is_admin: bool = False


class Health(BaseModel):
    status: Literal["ok"] = "ok"


def holds_nul(value: Any) -> bool:
    """Whether a JSON value holds NUL anywhere, keys included: PostgreSQL text and jsonb cannot."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False
