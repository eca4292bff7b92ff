"""`cvpath llm ...`: the fake providers, and one smoke call through the gateway."""

from __future__ import annotations

import os
import time

import typer
from pydantic import SecretStr

from cvpath.errors import ConfigurationError
from local.commands.errors import friendly_errors

llm_app = typer.Typer(help="The LLM gateway: fake providers and a smoke call.", no_args_is_help=True)

# A model to ask when --model is not given: small and cheap on each provider.
DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-3-5-haiku-latest",
    "gemini": "gemini-2.0-flash",
    "openrouter": "openai/gpt-4o-mini",
    "ollama": "llama3.2",
    "openai_compatible": "local-model",
    "offline": "offline",
}
# Sent to a loopback server when no key is configured: local servers (the fake
# providers, Ollama, LM Studio) ignore it, and a real key stays where it is.
LOOPBACK_PLACEHOLDER_KEY = "cvpath-loopback-placeholder"


@llm_app.command("fake-server")
def fake_server(
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port to listen on; 0 picks a free one."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (keep it on loopback)."),
    context_window: int = typer.Option(
        32_000, "--context-window", min=1, help="Words before a context error."
    ),
) -> None:
    """Serve fake OpenAI, Anthropic and Gemini endpoints until Ctrl-C."""
    from local.fake_llm import PATHS, FakeLLMServer

    try:
        server = FakeLLMServer(host, port, context_window=context_window)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"fake LLM providers listening on {server.url}")
    for wire, path in PATHS.items():
        typer.echo(f"  {wire:<10} {path}")
    typer.echo('  control    POST /_fake/script {"items": [...]}, POST /_fake/reset, GET /_fake/requests')
    typer.echo(f"try: cvpath llm ping --provider openai --base-url {server.url}")
    typer.echo("Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")


@llm_app.command("ping")
@friendly_errors
def ping(
    provider: str = typer.Option(
        ..., "--provider", help="openai, anthropic, gemini, openrouter, ollama, ..."
    ),
    base_url: str | None = typer.Option(None, "--base-url", help="Server URL (default: the provider's)."),
    model: str | None = typer.Option(None, "--model", help="Model to ask (default: a small one)."),
    api_key_env: str | None = typer.Option(
        None, "--api-key-env", help="Environment variable holding the key."
    ),
    prompt: str = typer.Option('Reply with the JSON object {"pong": true}.', "--prompt"),
    timeout: float = typer.Option(
        30.0, "--timeout", min=0.1, max=900.0, help="Seconds to wait for the answer."
    ),
) -> None:
    """One call through the gateway: prints provider, model, latency, tokens and the answer."""
    import httpx

    from cvpath.llm.chain import ProviderChain
    from cvpath.llm.clients.network_guard import is_loopback_host
    from cvpath.llm.keys import KeySource
    from cvpath.llm.registry import base_url_for, parse_chain
    from cvpath.llm.types import CallContext, ChatMessage, ChatRequest, CollectingRecorder

    link: dict[str, object] = {
        "provider": provider,
        "model": model or DEFAULT_MODELS.get(provider, "default"),
        "timeout_s": timeout,
        "max_retries": 0,
    }
    if base_url:
        link["base_url"] = base_url
    specs = parse_chain([link])
    spec = specs[0]
    overrides: dict[str, SecretStr] = {}
    if api_key_env:
        value = os.environ.get(api_key_env, "")
        if not value.strip():
            raise ConfigurationError(
                f"--api-key-env: the environment variable {api_key_env} is not set or empty"
            )
        overrides[provider] = SecretStr(value)
    context = CallContext(agent="ping")
    keys = KeySource(overrides=overrides)
    if (
        keys.needs_key(spec)
        and keys.key_for(spec, context) is None
        and is_loopback_host(httpx.URL(base_url_for(spec)).host)
    ):
        typer.echo("no key configured: sending a placeholder to the loopback server", err=True)
        keys = KeySource(overrides={provider: SecretStr(LOOPBACK_PLACEHOLDER_KEY)})
    recorder = CollectingRecorder()
    chain = ProviderChain(specs, keys=keys, recorder=recorder, deadline_s=timeout + 5.0)
    request = ChatRequest(
        model=spec.model,
        messages=[ChatMessage(role="user", content=prompt)],
        max_tokens=256,
        timeout_s=timeout,
    )
    started = time.perf_counter()
    result = chain.complete(request, context)
    latency_ms = (time.perf_counter() - started) * 1000
    response = result.response
    url = result.attempts[-1].request.get("url", "")
    snippet = " ".join(response.text.split())
    typer.echo(f"provider  {result.provider}")
    typer.echo(f"model     {result.model}")
    if url:
        typer.echo(f"url       {url}")
    typer.echo(f"latency   {latency_ms:.1f} ms")
    typer.echo(f"tokens    {response.input_tokens} in / {response.output_tokens} out")
    typer.echo(f"finish    {response.finish_reason}")
    typer.echo(f"text      {snippet[:200]}{'...' if len(snippet) > 200 else ''}")
