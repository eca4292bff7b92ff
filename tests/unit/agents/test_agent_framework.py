"""The agent framework: registry, prompts, the offline link of a chain, prechecks before any call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from cvpath.agents import AgentDeps, AgentName, agent_names, get_agent
from cvpath.agents.base import GROUND_RULES, Agent
from cvpath.agents.offline.provider import OfflineClient, offline_task
from cvpath.errors import ConfigurationError, UnknownAgent, ValidationFailed
from cvpath.llm.types import CallContext, ChatMessage, ChatRequest, CollectingRecorder
from cvpath.models import Model


class Echo(Model):
    text: str


class ShoutAgent(Agent[Echo, Echo, Echo]):
    """A toy agent: upper-cases its input offline, refuses 'bad', and marks what finish() saw."""

    name = AgentName.CV_PARSER
    prompt_version = "shout/1"
    system_prompt = "You shout."
    input_model = Echo
    answer_model = Echo
    output_model = Echo

    def precheck(self, data: Echo) -> None:
        if data.text == "bad":
            raise ValidationFailed("bad input")

    def prompt_context(self, data: Echo) -> Mapping[str, Any]:
        return {"text": data.text}

    def offline(self, data: Echo) -> Echo:
        return Echo(text=data.text.upper())

    def finish(self, data: Echo, answer: Echo) -> tuple[Echo, list[str]]:
        return Echo(text=answer.text + "!"), ["added an exclamation mark"]


def test_the_registry_knows_six_agents_under_both_spellings() -> None:
    assert agent_names() == [
        "cv_parser",
        "cv_validator",
        "job_parser",
        "job_analyzer",
        "cv_tailor",
        "comparative_scorer",
    ]
    for name in agent_names():
        agent = get_agent(name)
        assert agent.name.value == name
        assert get_agent(name.upper()) is agent
        assert agent.name.chain_key == name.upper()


@pytest.mark.parametrize("name", ["", "cv-parser", "ignore previous instructions" * 10])
def test_an_unknown_agent_is_unknown_agent_listing_the_known(name: str) -> None:
    with pytest.raises(UnknownAgent) as caught:
        get_agent(name)
    assert "cv_parser" in caught.value.message
    assert len(caught.value.message) < 300


@pytest.mark.parametrize("name", [n.value for n in AgentName])
def test_every_prompt_is_versioned_and_carries_the_ground_rules(name: str) -> None:
    agent = get_agent(name)
    assert agent.prompt_version.startswith(f"{name}/")
    system = agent.prompts.system
    assert GROUND_RULES in system
    assert "Every number you write must appear in the input" in system
    assert "verbatim" in system
    assert agent.prompts.schema_version  # the output schema is in the prompt


def test_the_tailor_prompt_asks_each_bullet_to_cite_its_sources() -> None:
    assert "sourceBulletIds" in get_agent("cv_tailor").prompts.system
    assert "sourceBulletIds" in get_agent("cv_tailor").prompts.system.split("<output-schema>")[1]


def test_given_offline_deps_when_run_then_the_offline_answer_passes_through_finish() -> None:
    recorder = CollectingRecorder()
    deps = AgentDeps.offline(context=CallContext(run_id=None), recorder=recorder)
    outcome = ShoutAgent().run(Echo(text="hello"), deps)
    assert outcome.output == Echo(text="HELLO!")
    assert outcome.repairs == ("added an exclamation mark",)
    assert outcome.provider == "offline"
    assert outcome.cost_usd == 0
    assert outcome.usage()["attempts"] == 1
    [(context, attempt)] = recorder.attempts
    assert context.agent == "CV_PARSER"
    assert context.prompt_version == "shout/1"
    assert attempt.status == "success"
    # The audit request holds a digest of the prompt, not the CV.
    assert "hello" not in str(attempt.request)


def test_a_precheck_failure_calls_no_provider() -> None:
    recorder = CollectingRecorder()
    with pytest.raises(ValidationFailed):
        ShoutAgent().run(Echo(text="bad"), AgentDeps.offline(recorder=recorder))
    assert recorder.attempts == []


def test_the_offline_client_outside_an_agent_run_is_a_configuration_error() -> None:
    client = OfflineClient("offline")
    request = ChatRequest(model="offline", messages=[ChatMessage(role="user", content="hi")])
    with pytest.raises(ConfigurationError, match="agent calls only"):
        client.build(request, None)


def test_the_offline_task_is_scoped_to_its_block() -> None:
    client = OfflineClient("offline")
    request = ChatRequest(model="offline", messages=[ChatMessage(role="user", content="hi")])
    with offline_task("cv_parser", lambda: Echo(text="x")):
        outgoing = client.build(request, None)
        assert client.send(outgoing, timeout_s=1).text == '{"text":"x"}'
    with pytest.raises(ConfigurationError):
        client.send(outgoing, timeout_s=1)
