"""Provider names to clients, resolved lazily.

A name maps to a wire format, a default base URL and whether it needs a key.
The client module is imported only when a chain first uses that provider
(``importlib``), so an agent whose chain is ``anthropic`` never imports the
Gemini client. ``"provider:model"`` strings resolve here too.

The offline provider lives in ``cvpath.agents.offline``; it is listed here by
its ``"module:attribute"`` path, so the agents are imported only when a chain
first reaches the offline link. Tests may replace it with ``register_provider``.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import httpx
from pydantic import ValidationError

from cvpath.errors import InvalidProviderChain, UnknownProvider
from cvpath.llm.clients.base import ChatClient
from cvpath.llm.types import ProviderSpec

ClientFactory = Callable[[ProviderSpec, httpx.Client], ChatClient]

_OPENAI = "cvpath.llm.clients.openai_compatible:OpenAICompatibleClient"


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    # A wire client class path ("module:Class", built with provider/base_url/http),
    # or a registered factory (a callable, or a "module:attribute" path to one).
    target: str | ClientFactory
    default_base_url: str | None = None
    needs_key: bool = False
    # The settings field that holds the platform key for this provider.
    key_setting: str | None = None
    is_wire_client: bool = False


_BUILTIN: dict[str, ProviderInfo] = {
    "openai": ProviderInfo("openai", _OPENAI, "https://api.openai.com/v1", True, "openai_api_key", True),
    "openrouter": ProviderInfo(
        "openrouter", _OPENAI, "https://openrouter.ai/api/v1", True, "openrouter_api_key", True
    ),
    # Local servers answer without a key; a chain may still name one with api_key_ref.
    "ollama": ProviderInfo("ollama", _OPENAI, "http://127.0.0.1:11434/v1", False, None, True),
    "openai_compatible": ProviderInfo("openai_compatible", _OPENAI, None, False, None, True),
    "anthropic": ProviderInfo(
        "anthropic",
        "cvpath.llm.clients.anthropic:AnthropicClient",
        "https://api.anthropic.com",
        True,
        "anthropic_api_key",
        True,
    ),
    "gemini": ProviderInfo(
        "gemini",
        "cvpath.llm.clients.gemini:GeminiClient",
        "https://generativelanguage.googleapis.com",
        True,
        "gemini_api_key",
        True,
    ),
    # Runs the agents' deterministic implementations in process: no key, no network.
    "offline": ProviderInfo("offline", "cvpath.agents.offline.provider:create_offline_client"),
}
_registered: dict[str, ProviderInfo] = {}
_lock = threading.Lock()


def register_provider(
    name: str, factory: ClientFactory | str, *, needs_key: bool = False, default_base_url: str | None = None
) -> None:
    """Make ``name`` resolvable; ``factory(spec, http)`` builds its client on first use."""
    with _lock:
        _registered[name] = ProviderInfo(name, factory, default_base_url, needs_key)


def unregister_provider(name: str) -> None:
    with _lock:
        _registered.pop(name, None)


def known_providers() -> list[str]:
    return sorted({*_BUILTIN, *_registered})


def provider_info(name: str) -> ProviderInfo:
    info = _registered.get(name) or _BUILTIN.get(name)
    if info is not None:
        return info
    raise UnknownProvider(
        f"unknown provider {name!r}; known providers: {', '.join(known_providers())}",
        details={"provider": name, "known": known_providers()},
    )


def base_url_for(spec: ProviderSpec) -> str:
    """The spec's own base URL, else the provider's default; ``InvalidProviderChain`` when neither."""
    if spec.base_url is not None:
        return str(spec.base_url)
    default = provider_info(spec.provider).default_base_url
    if default is None:
        raise InvalidProviderChain(
            f"provider {spec.provider!r} (model {spec.model!r}) needs a base_url",
            details={"provider": spec.provider, "field": "base_url"},
        )
    return default


def parse_model_string(value: str, **spec_fields: Any) -> ProviderSpec:
    """``"anthropic:claude-3-5-haiku-latest"`` as a ``ProviderSpec``.

    Only the first colon separates: Ollama model names carry their own (``llama3:8b``).
    """
    provider, sep, model = value.partition(":")
    if not sep or not provider or not model:
        raise InvalidProviderChain(
            f"{value!r} is not a 'provider:model' string (for example 'openai:gpt-4o-mini')",
            details={"value": value},
        )
    provider_info(provider)
    return ProviderSpec.model_validate({"provider": provider, "model": model, **spec_fields})


def create_client(spec: ProviderSpec, http: httpx.Client) -> ChatClient:
    """Import (once) and build the client for ``spec``."""
    info = provider_info(spec.provider)
    if info.is_wire_client:
        client_class = _load(cast(str, info.target))
        return cast(ChatClient, client_class(provider=spec.provider, base_url=base_url_for(spec), http=http))
    factory = _load(info.target) if isinstance(info.target, str) else info.target
    return cast(ChatClient, factory(spec, http))


def _load(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


MAX_CHAIN_LINKS = 10


def parse_chain(raw: object) -> list[ProviderSpec]:
    """Validated specs from a chain's JSONB form: a list (or JSON text of one) whose links are
    objects ``{provider, model, base_url?, api_key_ref?, timeout_s, max_retries}`` or
    ``"provider:model"`` strings. Raises ``InvalidProviderChain`` / ``UnknownProvider``
    naming the link and the field."""
    if isinstance(raw, bytes | bytearray):
        raw = raw.decode("utf-8", errors="replace")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise InvalidProviderChain(f"the provider chain is not valid JSON ({exc})") from None
    if not isinstance(raw, list):
        raise InvalidProviderChain(
            f"a provider chain is a JSON list of links, not {type(raw).__name__}",
            details={"type": type(raw).__name__},
        )
    specs = [_parse_link(index, item) for index, item in enumerate(raw)]
    validate_specs(specs)
    return specs


def validate_specs(specs: Sequence[ProviderSpec]) -> None:
    """Checks that need the registry: a known provider, and a base URL wherever one is needed."""
    if not specs:
        raise InvalidProviderChain("the provider chain is empty: it needs at least one provider")
    if len(specs) > MAX_CHAIN_LINKS:
        raise InvalidProviderChain(f"the provider chain has {len(specs)} links; at most {MAX_CHAIN_LINKS}")
    for index, spec in enumerate(specs):
        try:
            if provider_info(spec.provider).is_wire_client:
                base_url_for(spec)
        except (UnknownProvider, InvalidProviderChain) as exc:
            raise type(exc)(f"link {index}: {exc.message}", details={**exc.details, "link": index}) from None


def _parse_link(index: int, item: object) -> ProviderSpec:
    if isinstance(item, str):
        try:
            return parse_model_string(item)
        except (UnknownProvider, InvalidProviderChain) as exc:
            raise type(exc)(f"link {index}: {exc.message}", details={**exc.details, "link": index}) from None
    if not isinstance(item, dict):
        raise InvalidProviderChain(
            f"link {index} must be an object with provider and model, not {type(item).__name__}",
            details={"link": index},
        )
    provider = item.get("provider")
    if isinstance(provider, str):
        try:
            provider_info(provider)
        except UnknownProvider as exc:
            raise UnknownProvider(
                f"link {index}: {exc.message}", details={**exc.details, "link": index}
            ) from None
    try:
        return ProviderSpec.model_validate(item)
    except ValidationError as exc:
        # Never the input values: a pasted key is exactly what api_key_ref rejects.
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
    # Raised outside the except block so the ValidationError (which holds the
    # input) is not kept as __context__.
    problems = [f"{'.'.join(str(part) for part in e['loc']) or 'link'}: {e['msg']}" for e in errors]
    label = f" ({provider})" if isinstance(provider, str) else ""
    raise InvalidProviderChain(
        f"link {index}{label} is invalid: {'; '.join(problems)}",
        details={"link": index, "fields": [".".join(map(str, e["loc"])) for e in errors]},
    )
