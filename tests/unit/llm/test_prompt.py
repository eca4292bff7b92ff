"""The PromptBuilder: the output schema really is in the prompt, and each block's encoding is measured."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import BaseModel
from structured_samples import SKILLS, prose_cv

from cvpath.llm.prompt import SCHEMA_CLOSE, SCHEMA_OPEN, TOON_NOTE, BuiltPrompt, PromptBuilder
from cvpath.llm.tokens import count_tokens
from cvpath.llm.types import CallContext
from cvpath.models import Score, TailoredCV, json_schemas

SYSTEM = "You tailor a CV to a job. Never invent employers, titles, dates or metrics."


def builder(model: type[BaseModel] = TailoredCV) -> PromptBuilder:
    return PromptBuilder(system_prompt=SYSTEM, prompt_version="cv_tailor/1", output_model=model)


def schema_in(system: str) -> dict[str, Any]:
    """Parse the schema back out of a system prompt."""
    match = re.search(re.escape(SCHEMA_OPEN) + r"\n(.*)\n" + re.escape(SCHEMA_CLOSE), system, re.DOTALL)
    assert match, "no schema block in the system prompt"
    parsed: dict[str, Any] = json.loads(match.group(1))
    return parsed


def block_body(prompt: BuiltPrompt, name: str) -> tuple[str, str]:
    match = re.search(
        rf'<context name="{name}" format="(\w+)">\n(.*?)\n</context>', prompt.messages[0].content, re.DOTALL
    )
    assert match, f"no {name} block"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("model", [TailoredCV, Score])
def test_the_output_schema_is_in_the_system_prompt(model: type[BaseModel]) -> None:
    # Given a builder for an agent's output model
    prompt = builder(model).build({"cv": prose_cv()})
    # When the schema is parsed back out of the system prompt
    embedded = schema_in(prompt.system)
    # Then it is exactly the model's own JSON Schema, the published one too
    assert embedded == model.model_json_schema(by_alias=True, mode="validation")
    assert embedded == json_schemas()[model.__name__]
    assert prompt.schema == embedded
    # And the instruction to answer with one JSON object and nothing else is there
    assert "exactly one JSON object and nothing else" in prompt.system
    assert prompt.system.startswith(SYSTEM)


def test_the_builder_picks_the_smaller_encoding_per_block() -> None:
    # Given a tabular block and a prose-heavy one
    prompt = builder().build({"skills": {"skills": SKILLS}, "cv": prose_cv()}, task="Tailor the CV.")
    skills, cv = prompt.blocks
    # Then each choice is the smaller measured count (ties to JSON)
    assert (skills.name, skills.encoding) == ("skills", "toon")
    assert skills.toon_tokens < skills.json_tokens
    assert skills.tokens == skills.toon_tokens
    assert (cv.name, cv.encoding) == ("cv", "json")
    assert cv.json_tokens <= cv.toon_tokens
    assert cv.tokens == cv.json_tokens
    # And the message carries each block in the reported format
    assert block_body(prompt, "skills")[0] == "toon"
    fmt, body = block_body(prompt, "cv")
    assert fmt == "json"
    assert json.loads(body) == prose_cv()
    assert prompt.messages[0].content.startswith("Tailor the CV.")
    assert TOON_NOTE in prompt.messages[0].content


def test_the_toon_note_appears_only_when_toon_is_used() -> None:
    prompt = builder().build({"cv": prose_cv(), "job": "Senior engineer, Lisbon."})
    assert [b.encoding for b in prompt.blocks] == ["json", "text"]
    assert TOON_NOTE not in prompt.messages[0].content


def test_versions_and_token_estimate() -> None:
    prompt = builder().build({"cv": prose_cv()})
    assert prompt.prompt_version == "cv_tailor/1"
    assert re.fullmatch(r"[0-9a-f]{12}", prompt.schema_version)
    # The schema version follows the schema, not the prompt text
    assert builder().build({"x": 1}).schema_version == prompt.schema_version
    assert builder(Score).build({"x": 1}).schema_version != prompt.schema_version
    assert prompt.prompt_tokens == count_tokens(prompt.system) + count_tokens(prompt.messages[0].content)


def test_the_prompt_becomes_a_request_and_a_context() -> None:
    prompt = builder().build({"cv": prose_cv()})
    request = prompt.request("gpt-4o-mini", max_tokens=2000, temperature=0.2)
    assert request.system == prompt.system
    assert list(request.messages) == list(prompt.messages)
    assert (request.model, request.max_tokens, request.temperature) == ("gpt-4o-mini", 2000, 0.2)
    context = prompt.call_context(CallContext(agent="CV_TAILOR"))
    assert (context.agent, context.prompt_version, context.schema_version) == (
        "CV_TAILOR",
        "cv_tailor/1",
        prompt.schema_version,
    )


@pytest.mark.parametrize("name", ["CV", "1cv", "cv block", "", 'cv"><x'])
def test_block_names_are_checked(name: str) -> None:
    with pytest.raises(ValueError, match="context block name"):
        builder().build({name: "text"})


def test_an_empty_prompt_is_refused() -> None:
    with pytest.raises(ValueError, match="task or at least one"):
        builder().build({})


@pytest.mark.parametrize(("system", "version"), [("  ", "v1"), (SYSTEM, ""), (SYSTEM, "v" * 101)])
def test_the_system_prompt_and_version_are_required(system: str, version: str) -> None:
    with pytest.raises(ValueError, match="must"):
        PromptBuilder(system_prompt=system, prompt_version=version, output_model=Score)
