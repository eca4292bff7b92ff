"""Fake LLM providers for tests, the CLI and benchmarks (never shipped to Lambda)."""

from local.fake_llm.script import Fault, Reply, ScriptItem, item_from_json
from local.fake_llm.server import FakeLLMServer, RecordedRequest, echo_reply, unused_port
from local.fake_llm.wire import PATHS, count_tokens

__all__ = [
    "PATHS",
    "FakeLLMServer",
    "Fault",
    "RecordedRequest",
    "Reply",
    "ScriptItem",
    "count_tokens",
    "echo_reply",
    "item_from_json",
    "unused_port",
]
