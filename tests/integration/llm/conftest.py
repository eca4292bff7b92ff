"""Fake provider servers on loopback, and what the gateway tests share.

Every test that needs a provider gets a real HTTP server on 127.0.0.1 with a
random port (started in a thread, stopped after the test): the clients under
test talk HTTP to it, and nothing of ours is monkeypatched.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from gateway_fakes import CANARIES
from pydantic import SecretStr

from cvpath.llm.clients.base import new_http_client
from cvpath.llm.keys import KeySource
from cvpath.llm.redact import forget_secrets
from local.fake_llm import FakeLLMServer
from local.fake_llm.clock import FakeClock


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    client = new_http_client()
    yield client
    client.close()


@pytest.fixture
def canary_keys() -> Iterator[KeySource]:
    """Platform keys for the three providers, all canaries; forgotten after the test."""
    yield KeySource(overrides={provider: SecretStr(key) for provider, key in CANARIES.items()})
    forget_secrets()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()
