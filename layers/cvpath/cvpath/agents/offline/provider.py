"""The offline provider: a chain link that answers with an agent's deterministic implementation.

It speaks the same ``ChatClient`` protocol as the HTTP clients, so an offline
answer goes through the same chain, audit rows, validation and guards as an
LLM's. Why a context variable instead of parsing the prompt: the agent already
holds its typed input, and re-reading it from rendered TOON or JSON would make
the offline answer depend on prompt formatting. The agent runner sets the task
(:func:`offline_task`) around its chain call; the client produces the task's
answer when its link is reached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, SecretStr

from cvpath.errors import ConfigurationError
from cvpath.llm.clients.base import OutgoingRequest
from cvpath.llm.types import ChatRequest, ChatResponse, ProviderSpec

OFFLINE_URL = "offline://cvpath"


@dataclass(frozen=True)
class OfflineTask:
    agent: str
    produce: Callable[[], BaseModel]


_current: ContextVar[OfflineTask | None] = ContextVar("cvpath_offline_task", default=None)


@contextmanager
def offline_task(agent: str, produce: Callable[[], BaseModel]) -> Iterator[None]:
    """Within the block, an offline link answers ``agent``'s call with ``produce()``."""
    token = _current.set(OfflineTask(agent, produce))
    try:
        yield
    finally:
        _current.reset(token)


class OfflineClient:
    provider = "offline"

    def __init__(self, model: str) -> None:
        self.model = model

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        task = _require_task()
        # The audit row needs to say what was asked, not to repeat the CV: digests suffice.
        prompt = request.system + "".join(message.content for message in request.messages)
        body = {
            "agent": task.agent,
            "messages": len(request.messages),
            "prompt_sha256": hashlib.sha256(prompt.encode()).hexdigest(),
        }
        return OutgoingRequest(self.provider, request.model, f"{OFFLINE_URL}/{task.agent}", body)

    def send(self, outgoing: OutgoingRequest, *, timeout_s: float) -> ChatResponse:
        task = _require_task()
        value = task.produce()
        text = value.model_dump_json()
        return ChatResponse(
            text=text,
            # No model ran: no tokens were used, and the cost is 0 (see cvpath.llm.pricing).
            input_tokens=0,
            output_tokens=0,
            finish_reason="stop",
            raw={"agent": task.agent, "chars": len(text)},
            provider=self.provider,
            model=outgoing.model,
        )


def _require_task() -> OfflineTask:
    task = _current.get()
    if task is None:
        raise ConfigurationError(
            "the offline provider answers agent calls only: run it through cvpath.agents "
            "(an agent's run()), not as a bare chat model"
        )
    return task


def create_offline_client(spec: ProviderSpec, http: httpx.Client) -> OfflineClient:
    """The registry's factory for ``offline`` links (``http`` is unused: nothing leaves the process)."""
    return OfflineClient(spec.model)
