"""Who is calling (``Principal``) and what a successful sign-in returns (``TokenPair``)."""

from __future__ import annotations

from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cvpath.db.runs import Owner


class Principal(BaseModel):
    """An authenticated caller: a guest (``guest_id``) or a user (``user_id`` and ``session_id``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["guest", "user"]
    guest_id: UUID | None = None
    user_id: UUID | None = None
    session_id: UUID | None = None
    is_admin: bool = False

    @model_validator(mode="after")
    def _one_identity(self) -> Self:
        if self.kind == "guest" and (self.guest_id is None or self.user_id is not None or self.is_admin):
            raise ValueError("a guest principal has a guest_id only and is never an admin")
        if self.kind == "user" and (
            self.user_id is None or self.guest_id is not None or self.session_id is None
        ):
            raise ValueError("a user principal has a user_id and a session_id and no guest_id")
        return self

    @property
    def owner(self) -> Owner:
        """The owner every repository scopes its queries to."""
        return Owner(user_id=self.user_id, guest_id=self.guest_id)


class TokenPair(BaseModel):
    """The answer to register, login and refresh. ``expires_in`` is the access token's lifetime in seconds."""

    model_config = ConfigDict(extra="forbid")

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(gt=0)
    user_id: UUID
