"""The six agents of the tailoring pipeline.

Each agent is one module (``cv_parser``, ``cv_validator``, ``job_parser``,
``job_analyzer``, ``cv_tailor``, ``comparative_scorer``) with its input and
output models, a versioned system prompt, its chain key and retry policy, an
offline implementation and ``run(input, deps)``. Modules are imported on first
use, so a Lambda running one agent does not import the other five.
"""

from __future__ import annotations

import importlib
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome, AgentRetry
from cvpath.errors import UnknownAgent

__all__ = ["Agent", "AgentDeps", "AgentName", "AgentOutcome", "AgentRetry", "agent_names", "get_agent"]


def agent_names() -> list[str]:
    return [name.value for name in AgentName]


def get_agent(name: str | AgentName) -> Agent[Any, Any, Any]:
    """The agent called ``name`` (``cv_parser``, or its chain key ``CV_PARSER``)."""
    try:
        agent_name = AgentName(str(name).lower())
    except ValueError:
        raise UnknownAgent(
            f"unknown agent {str(name)[:60]!r}; agents: {', '.join(agent_names())}",
            details={"agent": str(name)[:60], "known": agent_names()},
        ) from None
    module = importlib.import_module(f"cvpath.agents.{agent_name.value}")
    agent: Agent[Any, Any, Any] = module.AGENT
    return agent
