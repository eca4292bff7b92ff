"""Provider names and chains: lazy resolution, and a named error for every bad chain."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from cvpath.errors import InvalidProviderChain, UnknownProvider
from cvpath.llm.clients.anthropic import AnthropicClient
from cvpath.llm.clients.openai_compatible import OpenAICompatibleClient
from cvpath.llm.registry import (
    base_url_for,
    create_client,
    known_providers,
    parse_chain,
    parse_model_string,
    provider_info,
    register_provider,
    unregister_provider,
)
from cvpath.llm.types import ProviderSpec


@pytest.fixture
def no_offline() -> Iterator[None]:
    """Hide any registered offline provider for the test, then put it back."""
    try:
        previous = provider_info("offline")
    except UnknownProvider:
        previous = None
    unregister_provider("offline")
    yield
    if previous is not None:
        register_provider("offline", previous.target, needs_key=previous.needs_key)


def test_a_full_chain_parses_from_jsonb_text() -> None:
    raw = json.dumps(
        [
            {"provider": "anthropic", "model": "claude-3-5-haiku-latest", "timeout_s": 20, "max_retries": 1},
            {"provider": "ollama", "model": "llama3:8b"},
            "openai:gpt-4o-mini",
        ]
    )
    specs = parse_chain(raw)
    assert [(s.provider, s.model) for s in specs] == [
        ("anthropic", "claude-3-5-haiku-latest"),
        ("ollama", "llama3:8b"),
        ("openai", "gpt-4o-mini"),
    ]
    assert specs[0].timeout_s == 20
    assert specs[0].max_retries == 1


def test_model_strings_split_on_the_first_colon_only() -> None:
    spec = parse_model_string("ollama:qwen2.5:7b-instruct", timeout_s=5)
    assert (spec.provider, spec.model, spec.timeout_s) == ("ollama", "qwen2.5:7b-instruct", 5)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ([], "empty"),
        ("[]", "empty"),
        ("not json", "not valid JSON"),
        ({"provider": "openai"}, "JSON list"),
        ([42], "link 0 must be an object"),
        (["gpt-4o-mini"], "'provider:model'"),
        ([{"provider": "openai"}], "link 0 (openai) is invalid: model: Field required"),
        (
            [{"provider": "openai", "model": "m", "timeout_s": -1}],
            "timeout_s: Input should be greater than 0",
        ),
        ([{"provider": "openai", "model": "m", "max_retries": 99}], "max_retries"),
        ([{"provider": "openai", "model": "m", "surprise": 1}], "surprise: Extra inputs are not permitted"),
        ([{"provider": "openai_compatible", "model": "m"}], "link 0: provider 'openai_compatible'"),
        ([{"provider": "openai", "model": "m", "base_url": "ftp://x"}], "base_url"),
        ([{"provider": "openai", "model": "m"}] * 11, "at most 10"),
    ],
)
def test_a_bad_chain_is_invalid_provider_chain_naming_the_problem(raw: object, words: str) -> None:
    with pytest.raises(InvalidProviderChain) as caught:
        parse_chain(raw)
    assert words in caught.value.message


def test_a_negative_timeout_names_the_field_in_details() -> None:
    with pytest.raises(InvalidProviderChain) as caught:
        parse_chain([{"provider": "gemini", "model": "m", "timeout_s": -5}])
    assert caught.value.details == {"link": 0, "fields": ["timeout_s"]}


def test_a_pasted_key_is_refused_without_being_repeated() -> None:
    pasted = "sk-proj-PASTED-0123456789abcdef"
    with pytest.raises(InvalidProviderChain) as caught:
        parse_chain([{"provider": "openai", "model": "m", "api_key_ref": pasted}])
    assert "must name a key" in str(caught.value)
    assert pasted not in repr(caught.value)
    assert pasted not in str(caught.value.details)
    assert caught.value.__context__ is None


@pytest.mark.parametrize("raw", [[{"provider": "mistral", "model": "m"}], ["mistral:large"]])
def test_an_unknown_provider_is_unknown_provider_listing_the_known(raw: object) -> None:
    with pytest.raises(UnknownProvider) as caught:
        parse_chain(raw)
    assert "unknown provider 'mistral'" in caught.value.message
    assert "anthropic, gemini" in caught.value.message


@pytest.mark.usefixtures("no_offline")
def test_offline_is_built_in_and_names_its_client_lazily() -> None:
    specs = parse_chain(["openai:gpt-4o-mini", "offline:offline"])
    assert [spec.provider for spec in specs] == ["openai", "offline"]
    info = provider_info("offline")
    # A "module:attribute" path: the agents are imported when the link is first used, not before.
    assert info.target == "cvpath.agents.offline.provider:create_offline_client"
    assert not info.needs_key


@pytest.mark.usefixtures("no_offline")
def test_offline_resolves_to_the_registered_factory_lazily() -> None:
    built: list[ProviderSpec] = []

    def factory(spec: ProviderSpec, http: httpx.Client) -> OpenAICompatibleClient:
        built.append(spec)
        return OpenAICompatibleClient(provider="offline", base_url="http://127.0.0.1:9", http=http)

    register_provider("offline", factory)
    specs = parse_chain(["offline:deterministic"])
    assert "offline" in known_providers()
    assert built == []
    with httpx.Client() as http:
        create_client(specs[0], http)
    assert built == specs


def test_builtin_names_map_to_their_wire_client_and_default_url() -> None:
    with httpx.Client() as http:
        ollama = create_client(parse_model_string("ollama:llama3.2"), http)
        router = create_client(parse_model_string("openrouter:openai/gpt-4o-mini"), http)
        claude = create_client(parse_model_string("anthropic:claude"), http)
    assert isinstance(ollama, OpenAICompatibleClient)
    assert ollama.base_url == "http://127.0.0.1:11434/v1"
    assert isinstance(router, OpenAICompatibleClient)
    assert router.base_url == "https://openrouter.ai/api/v1"
    assert isinstance(claude, AnthropicClient)
    assert claude.base_url == "https://api.anthropic.com"
    assert not provider_info("ollama").needs_key
    assert provider_info("openrouter").needs_key


def test_a_spec_base_url_wins_over_the_default() -> None:
    spec = parse_model_string("openai:gpt-4o-mini", base_url="http://127.0.0.1:8000/v1")
    assert base_url_for(spec) == "http://127.0.0.1:8000/v1"


def test_an_agent_imports_only_the_client_it_uses() -> None:
    # Given a fresh interpreter that builds and uses an anthropic-only chain
    code = (
        "import json, sys\n"
        "import httpx\n"
        "from cvpath.llm.registry import create_client, parse_model_string\n"
        "from cvpath.llm.chain import ProviderChain\n"
        "create_client(parse_model_string('anthropic:claude'), httpx.Client())\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('cvpath.llm.clients.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # Then neither the Gemini nor the OpenAI-compatible client was imported
    loaded = json.loads(out)
    assert "cvpath.llm.clients.anthropic" in loaded
    assert "cvpath.llm.clients.gemini" not in loaded
    assert "cvpath.llm.clients.openai_compatible" not in loaded
