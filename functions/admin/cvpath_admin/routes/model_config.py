"""GET and PUT /api/admin/model-config/{agent}: an agent's default provider chain.

The body's shape (sizes, ranges) is checked here; whether the chain can run
(known providers, priced models, the offline fallback) is ``cvpath.admin.model_config``'s,
whose refusals are 422 naming the link.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import AdminActor, CurrentAdmin

if TYPE_CHECKING:
    from cvpath.admin.model_config import ModelConfig

router = APIRouter(prefix="/api/admin", tags=["model_config"], responses=error_responses(401, 403, 422, 503))

# The values of public.agent_name; anything else is 422 before a query runs.
Agent = Literal["CV_PARSER", "CV_VALIDATOR", "JOB_PARSER", "JOB_ANALYZER", "CV_TAILOR", "COMPARATIVE_SCORER"]
_NO_NUL = r"^[^\x00]*$"


class ChainLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", examples=["openai"])
    model: str = Field(min_length=1, max_length=200, pattern=_NO_NUL, examples=["gpt-4.1-mini"])
    base_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https?://[^\x00\s]+$",
        description="needed by openai_compatible",
    )
    api_key_ref: str | None = Field(
        default=None, max_length=200, pattern=_NO_NUL, description="the name of a key, never a key"
    )
    timeout_s: int = Field(default=60, ge=1, le=120)
    max_retries: int = Field(default=2, ge=0, le=5)
    allow_unpriced: StrictBool = Field(
        default=False,
        description="accept a model genai-prices cannot price (its cost counts as 0); "
        "self-hosted providers always need it",
    )


class ModelConfigUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_chain: list[ChainLink] = Field(min_length=1, max_length=8, description="tried in order")
    temperature: Decimal = Field(ge=0, le=2, max_digits=3, decimal_places=2)
    max_output_tokens: int = Field(ge=1, le=32768)
    allow_no_fallback: StrictBool = Field(
        default=False, description="accept a chain that does not end with the offline provider"
    )


class ChainLinkOut(BaseModel):
    """A stored link; ``allow_unpriced`` is true where genai-prices has no price, so it can be sent back."""

    provider: str
    model: str
    base_url: str | None = None
    api_key_ref: str | None = None
    timeout_s: float = 60
    max_retries: int = 2
    allow_unpriced: bool


class ModelConfigOut(BaseModel):
    agent: Agent
    provider_chain: list[ChainLinkOut]
    temperature: float
    max_output_tokens: int
    allow_no_fallback: bool
    updated_by: UUID | None
    updated_at: datetime


def _out(config: ModelConfig) -> ModelConfigOut:
    from cvpath.admin.model_config import link_needs_allowance

    links = [
        ChainLinkOut.model_validate(
            {**link, "allow_unpriced": link_needs_allowance(str(link["provider"]), str(link["model"]))}
        )
        for link in config.links()
    ]
    return ModelConfigOut.model_validate(
        {
            "agent": config.agent,
            "provider_chain": links,
            "temperature": float(config.temperature),
            "max_output_tokens": config.max_output_tokens,
            "allow_no_fallback": config.allow_no_fallback,
            "updated_by": config.updated_by,
            "updated_at": config.updated_at,
        }
    )


@router.get(
    "/model-config/{agent}", response_model=ModelConfigOut, summary="An agent's default provider chain"
)
def get_model_config(agent: Agent, admin: CurrentAdmin, conn: Connection) -> ModelConfigOut:
    from cvpath.admin.model_config import read_config

    return _out(read_config(conn, agent))


@router.put(
    "/model-config/{agent}",
    response_model=ModelConfigOut,
    summary="Replace an agent's default provider chain (validated, audited)",
)
def put_model_config(
    agent: Agent, body: ModelConfigUpdate, actor: AdminActor, conn: Connection
) -> ModelConfigOut:
    from cvpath.admin.model_config import replace_config

    config = replace_config(
        conn,
        actor,
        agent,
        links=[link.model_dump(exclude_none=True) for link in body.provider_chain],
        temperature=body.temperature,
        max_output_tokens=body.max_output_tokens,
        allow_no_fallback=body.allow_no_fallback,
    )
    return _out(config)
