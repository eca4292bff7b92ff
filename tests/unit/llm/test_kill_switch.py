"""The kill switch: with llm_forbid_network on, only loopback is reachable, checked before any socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from cvpath.config import get_settings
from cvpath.errors import RealCallForbidden
from cvpath.llm.chain import ProviderChain
from cvpath.llm.clients.network_guard import ensure_network_allowed, is_loopback_host
from cvpath.llm.clients.openai_compatible import OpenAICompatibleClient
from cvpath.llm.keys import KeySource
from cvpath.llm.types import CallContext, ChatMessage, ChatRequest, CollectingRecorder

REQUEST = ChatRequest(model="m", messages=[ChatMessage(role="user", content="hi")])


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_suite_runs_with_the_switch_on() -> None:
    assert get_settings().llm_forbid_network is True


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "api.openai.com",
        "10.0.0.1",
        "0.0.0.0",  # noqa: S104 (a host to refuse, not to bind)
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "",
    ],
)
def test_everything_else_is_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1/chat/completions",
        "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent",
        "http://192.168.1.20:11434/v1/chat/completions",
        "http://[2001:db8::1]:8000/v1/chat/completions",
    ],
)
def test_a_real_host_is_refused(url: str) -> None:
    with pytest.raises(RealCallForbidden, match="CVPATH_LLM_FORBID_NETWORK"):
        ensure_network_allowed(url)


def test_loopback_urls_pass() -> None:
    ensure_network_allowed("http://127.0.0.1:8080/v1/chat/completions")
    ensure_network_allowed("http://[::1]:8080/v1/messages")


def test_the_client_refuses_before_opening_a_socket() -> None:
    # Sockets are disabled in unit tests: reaching one would raise SocketBlockedError instead.
    with httpx.Client() as http:
        client = OpenAICompatibleClient(provider="openai", base_url="https://api.openai.com/v1", http=http)
        with pytest.raises(RealCallForbidden):
            client.send(client.build(REQUEST, SecretStr("sk-kill-switch-123456")), timeout_s=5)


def test_the_chain_does_not_fail_over_past_the_switch() -> None:
    # Given a chain whose first link is a real provider and whose second is loopback
    recorder = CollectingRecorder()
    chain = ProviderChain.from_json(
        [
            {"provider": "openai", "model": "gpt-4o-mini"},
            {"provider": "ollama", "model": "llama3.2"},
        ],
        keys=KeySource(overrides={"openai": SecretStr("sk-kill-switch-123456")}),
        recorder=recorder,
    )
    # When it runs, Then the forbidden call fails loudly instead of quietly moving on
    with pytest.raises(RealCallForbidden):
        chain.complete(REQUEST, CallContext())
    assert [(a.provider, a.error_code) for _, a in recorder.attempts] == [
        ("openai", "real_llm_call_forbidden")
    ]


def test_with_the_switch_off_real_hosts_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVPATH_LLM_FORBID_NETWORK", "")
    get_settings.cache_clear()
    ensure_network_allowed("https://api.anthropic.com/v1/messages")
