"""GET and PUT /api/preferences: the caller's app preferences (the defaults until a first save).

PUT replaces the whole object: the client sends what it shows, so there is no
partial merge to get wrong. They move with the guest at registration.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses

router = APIRouter(prefix="/api", tags=["preferences"], responses=error_responses(401, 422, 503))

# extra holds a client's small settings (a dismissed hint, a column width), not documents.
MAX_EXTRA_BYTES = 8 * 1024
MAX_EXTRA_DEPTH = 8


class PreferencesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: str = Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$", max_length=6, examples=["en", "de-CH"])
    theme: Literal["system", "light", "dark"]
    default_engine: Literal["v1", "v2"]
    cover_letter_format: Literal["pdf", "docx", "none"]
    analytics_opt_out: StrictBool
    extra: dict[str, Any] = Field(default_factory=dict, description="a client's own settings, at most 8 KB")

    @field_validator("extra")
    @classmethod
    def _storable(cls, extra: dict[str, Any]) -> dict[str, Any]:
        try:
            size = len(json.dumps(extra, ensure_ascii=False).encode("utf-8"))
        except UnicodeEncodeError:
            raise ValueError("extra holds text that is not valid Unicode (a lone surrogate)") from None
        if size > MAX_EXTRA_BYTES:
            raise ValueError(f"extra is larger than {MAX_EXTRA_BYTES // 1024} KB")
        # jsonb cannot hold the NUL character, in keys or values.
        if _breaks_rules(extra, MAX_EXTRA_DEPTH):
            raise ValueError(f"extra holds a NUL character or nests deeper than {MAX_EXTRA_DEPTH} levels")
        return extra


def _breaks_rules(value: Any, depth_left: int) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth_left == 0 and isinstance(value, dict | list):
        return True
    if isinstance(value, dict):
        return any("\x00" in key or _breaks_rules(item, depth_left - 1) for key, item in value.items())
    if isinstance(value, list):
        return any(_breaks_rules(item, depth_left - 1) for item in value)
    return False


class PreferencesOut(BaseModel):
    locale: str
    theme: Literal["system", "light", "dark"]
    default_engine: Literal["v1", "v2"]
    cover_letter_format: Literal["pdf", "docx", "none"]
    analytics_opt_out: bool
    extra: dict[str, Any]
    updated_at: datetime | None = Field(description="null: never saved, these are the defaults")

    @classmethod
    def of(cls, preferences: Any) -> PreferencesOut:
        return cls.model_validate(preferences, from_attributes=True)


@router.get(
    "/preferences", response_model=PreferencesOut, summary="The caller's preferences, or the defaults"
)
def get_preferences(principal: CurrentPrincipal, conn: Connection) -> PreferencesOut:
    from cvpath.db.preferences import get_preferences as load

    return PreferencesOut.of(load(conn, principal.owner))


@router.put("/preferences", response_model=PreferencesOut, summary="Replace the caller's preferences")
def put_preferences(body: PreferencesBody, principal: CurrentPrincipal, conn: Connection) -> PreferencesOut:
    from cvpath.db.preferences import Preferences
    from cvpath.db.preferences import put_preferences as save

    return PreferencesOut.of(save(conn, principal.owner, Preferences(**body.model_dump())))
