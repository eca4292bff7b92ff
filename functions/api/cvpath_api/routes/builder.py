"""GET and PUT /api/builder-state: the CV builder's sections (visibility, order) and custom entries.

The state belongs to the caller (guest or user; it moves with the guest at
registration). Saves carry the revision the client last read, so two tabs
cannot overwrite each other silently: a stale save is 409 with the current revision.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses
from cvpath_api.models import holds_nul

router = APIRouter(prefix="/api", tags=["builder"], responses=error_responses(401, 409, 422, 503))

SectionName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]
# A draft is a working copy, not a document store: custom entries stay small.
MAX_DRAFT_BYTES = 64 * 1024


class BuilderDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section_order: list[SectionName] = Field(default_factory=list, max_length=30)
    hidden_sections: list[SectionName] = Field(default_factory=list, max_length=30)
    custom_entries: list[dict[str, Any]] = Field(default_factory=list, max_length=50)

    @field_validator("section_order")
    @classmethod
    def _unique(cls, order: list[str]) -> list[str]:
        if len(set(order)) != len(order):
            raise ValueError("a section appears twice in section_order")
        return order


class BuilderStateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str | None = Field(default=None, max_length=100)
    draft: BuilderDraft
    revision: int = Field(ge=0, description="The revision last read (0 for the first save)")

    @field_validator("draft")
    @classmethod
    def _storable(cls, draft: BuilderDraft) -> BuilderDraft:
        text = json.dumps(draft.model_dump(mode="json"), ensure_ascii=False)
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise ValueError("the draft holds text that is not valid Unicode (a lone surrogate)") from None
        if size > MAX_DRAFT_BYTES:
            raise ValueError(f"the draft is larger than {MAX_DRAFT_BYTES // 1024} KB")
        # PostgreSQL's jsonb cannot hold the NUL character, in keys or values.
        if holds_nul(draft.model_dump(mode="json")):
            raise ValueError("the draft holds a NUL character")
        return draft


class BuilderStateOut(BaseModel):
    step: str | None
    draft: BuilderDraft
    revision: int

    @classmethod
    def of(cls, state: Any) -> BuilderStateOut:
        return cls(step=state.step, draft=BuilderDraft.model_validate(state.draft), revision=state.revision)


@router.get("/builder-state", summary="The caller's CV builder state (revision 0: nothing saved yet)")
def get_builder_state(principal: CurrentPrincipal, conn: Connection) -> BuilderStateOut:
    from cvpath.db.builder_states import get_builder_state as load

    state = load(conn, principal.owner)
    return BuilderStateOut(
        step=state.step, draft=BuilderDraft.model_validate(state.draft), revision=state.revision
    )


@router.put("/builder-state", summary="Save the caller's CV builder state over the revision it last read")
def put_builder_state(
    body: BuilderStateBody, principal: CurrentPrincipal, conn: Connection
) -> BuilderStateOut:
    from cvpath.db.builder_states import put_builder_state as save

    state = save(
        conn,
        principal.owner,
        step=body.step,
        draft=body.draft.model_dump(mode="json"),
        revision=body.revision,
    )
    return BuilderStateOut(
        step=state.step, draft=BuilderDraft.model_validate(state.draft), revision=state.revision
    )
