"""The PromptBuilder: versioned system prompt + output JSON Schema + context blocks.

Why the schema goes into the prompt instead of a provider's JSON mode: JSON
modes differ per provider and are missing on many (Ollama models, older
OpenRouter routes). A schema in the prompt works everywhere, and the same
pydantic model that generates it validates the answer, so the two cannot drift.

The schema sits in the system prompt, which stays byte-identical across calls of
one agent (good for provider-side prompt caching); the per-call context goes
into the user message, each block measured and encoded by
:mod:`cvpath.llm.context_encoding`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from cvpath.llm.context_encoding import BlockEncoding, encode_block
from cvpath.llm.tokens import count_tokens
from cvpath.llm.types import CallContext, ChatMessage, ChatRequest

SCHEMA_OPEN = "<output-schema>"
SCHEMA_CLOSE = "</output-schema>"
OUTPUT_INSTRUCTIONS = (
    "# Output\n"
    "Answer with exactly one JSON object and nothing else: no text before or after it, "
    "no Markdown, no code fences. The object must validate against this JSON Schema:"
)
TOON_NOTE = (
    'Blocks marked format="toon" use TOON, a compact notation for JSON data: nesting by '
    "indentation, and `name[N]{a,b}:` followed by N rows of comma-separated values for fields a and b."
)
_BLOCK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SCHEMA_VERSION_LENGTH = 12


def output_schema(output_model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema the model must answer with: camelCase, validation side (as ``json_schemas()``)."""
    return output_model.model_json_schema(by_alias=True, mode="validation")


def schema_version(schema: Mapping[str, Any]) -> str:
    """A short content hash of a schema: it changes exactly when the schema does."""
    canonical = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:_SCHEMA_VERSION_LENGTH]


@dataclass(frozen=True)
class BlockReport:
    """How one context block was sent, and what each candidate encoding would have cost."""

    name: str
    encoding: BlockEncoding
    tokens: int
    json_tokens: int
    toon_tokens: int


@dataclass(frozen=True)
class BuiltPrompt:
    """Everything a call needs from the prompt, plus what the audit log records about it."""

    system: str
    messages: tuple[ChatMessage, ...]
    prompt_version: str
    schema_version: str
    schema: Mapping[str, Any]
    blocks: tuple[BlockReport, ...]
    # cl100k estimate of system + messages, for a context-size check before the call.
    prompt_tokens: int

    def request(
        self, model: str, *, temperature: float = 0.0, max_tokens: int = 4096, timeout_s: float = 60.0
    ) -> ChatRequest:
        return ChatRequest(
            model=model,
            system=self.system,
            messages=list(self.messages),
            temperature=temperature,
            max_tokens=max_tokens,
            timeout_s=timeout_s,
        )

    def call_context(self, context: CallContext) -> CallContext:
        """``context`` with this prompt's versions, so every audit row names them."""
        return context.model_copy(
            update={"prompt_version": self.prompt_version, "schema_version": self.schema_version}
        )


class PromptBuilder:
    """Builds one agent's prompts. Create it once per agent (module level); ``build`` per call."""

    def __init__(self, *, system_prompt: str, prompt_version: str, output_model: type[BaseModel]) -> None:
        if not system_prompt.strip():
            raise ValueError("system_prompt must not be empty")
        if not prompt_version.strip() or len(prompt_version) > 100:
            raise ValueError("prompt_version must be a short, non-empty label such as 'cv_tailor/3'")
        self.prompt_version = prompt_version
        self.output_model = output_model
        self.schema = output_schema(output_model)
        self.schema_version = schema_version(self.schema)
        schema_json = json.dumps(self.schema, ensure_ascii=False, separators=(",", ":"))
        self.system = (
            f"{system_prompt.strip()}\n\n{OUTPUT_INSTRUCTIONS}\n{SCHEMA_OPEN}\n{schema_json}\n{SCHEMA_CLOSE}"
        )
        self._system_tokens = count_tokens(self.system)

    def build(self, context: Mapping[str, Any], *, task: str = "") -> BuiltPrompt:
        """The prompt for one call.

        ``context`` maps block names (``cv``, ``job``, ...) to values: text, a pydantic
        model or JSON-compatible data. Blocks keep the mapping's order. ``task`` is an
        optional instruction placed before the blocks.
        """
        if not context and not task.strip():
            raise ValueError("a prompt needs a task or at least one context block")
        parts: list[str] = [task.strip()] if task.strip() else []
        reports: list[BlockReport] = []
        bodies: list[str] = []
        for name, value in context.items():
            if not _BLOCK_NAME.match(name):
                raise ValueError(f"context block name {name!r} must match {_BLOCK_NAME.pattern}")
            block = encode_block(value)
            reports.append(
                BlockReport(name, block.encoding, block.tokens, block.json_tokens, block.toon_tokens)
            )
            bodies.append(f'<context name="{name}" format="{block.encoding}">\n{block.text}\n</context>')
        if any(report.encoding == "toon" for report in reports):
            parts.append(TOON_NOTE)
        parts.extend(bodies)
        user = "\n\n".join(parts)
        return BuiltPrompt(
            system=self.system,
            messages=(ChatMessage(role="user", content=user),),
            prompt_version=self.prompt_version,
            schema_version=self.schema_version,
            schema=self.schema,
            blocks=tuple(reports),
            prompt_tokens=self._system_tokens + count_tokens(user),
        )
