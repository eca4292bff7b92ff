"""`cvpath llm ping` and `cvpath llm fake-server` as a person runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from local.commands.llm import llm_app
from local.fake_llm import FakeLLMServer, Fault, unused_port

runner = CliRunner()
# The typer app run as its own process, as `cvpath llm ...` runs it once wired into local/cli.py.
LLM_CLI = [sys.executable, "-c", "from local.commands.llm import llm_app; llm_app()"]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini", "ollama"])
def test_ping_through_the_gateway(provider: str, fake_llm: FakeLLMServer) -> None:
    result = runner.invoke(
        llm_app, ["ping", "--provider", provider, "--base-url", fake_llm.url, "--model", "tiny"]
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["provider"] == provider
    assert lines["model"] == "tiny"
    assert lines["latency"].endswith(" ms")
    assert lines["tokens"] == "7 in / 8 out"  # the fake server counts words
    assert lines["text"].startswith('{"echo": "Reply with the JSON object')
    assert len(fake_llm.requests) == 1


def test_ping_sends_a_placeholder_key_only_to_loopback(fake_llm: FakeLLMServer) -> None:
    result = runner.invoke(llm_app, ["ping", "--provider", "anthropic", "--base-url", fake_llm.url])
    assert result.exit_code == 0
    assert "placeholder" in result.stderr
    assert fake_llm.requests[0].headers["x-api-key"] == "cvpath-loopback-placeholder"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "mistral"], "error: link 0: unknown provider 'mistral'"),
        (["--provider", "openai", "--base-url", "not a url"], "error: link 0 (openai) is invalid: base_url"),
        (
            ["--provider", "openai", "--api-key-env", "CVPATH_TEST_UNSET_VAR"],
            "error: --api-key-env: the environment variable CVPATH_TEST_UNSET_VAR is not set",
        ),
        (
            ["--provider", "openai", "--api-key-env", "CVPATH_TEST_PING_KEY"],
            "error: real LLM call to 'api.openai.com' refused",
        ),
    ],
)
def test_ping_errors_are_one_clear_line(args: list[str], message: str) -> None:
    result = runner.invoke(llm_app, ["ping", *args], env={"CVPATH_TEST_PING_KEY": "sk-ping-test-0123456789"})
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ping_to_nothing_listening_fails_with_one_line() -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    result = runner.invoke(llm_app, ["ping", "--provider", "ollama", "--base-url", url])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: ollama llama3.2: connection failed (ConnectError: [Errno 111] Connection refused) (1 attempt)"
    )


def test_ping_reports_a_provider_error(fake_llm: FakeLLMServer) -> None:
    fake_llm.script(Fault.unavailable())
    result = runner.invoke(llm_app, ["ping", "--provider", "gemini", "--base-url", fake_llm.url])
    assert result.exit_code == 1
    assert "provider error, HTTP 503" in result.stderr


def test_fake_server_serves_until_ctrl_c() -> None:
    # Given the command started as its own process
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*LLM_CLI, "fake-server", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        # Then it says where it listens and what it serves
        assert first.startswith("fake LLM providers listening on http://127.0.0.1:")
        url = first.split()[-1]
        served = [process.stdout.readline() for _ in range(3)]
        assert [line.split()[0] for line in served] == ["openai", "anthropic", "gemini"]
        # And a ping through the gateway gets an answer from it
        ping = runner.invoke(llm_app, ["ping", "--provider", "anthropic", "--base-url", url])
        assert ping.exit_code == 0, ping.output
        # When Ctrl-C arrives, Then it stops cleanly
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
        assert process.returncode == 0
        assert out.rstrip().endswith("stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_fake_server_on_a_busy_port_says_so() -> None:
    with FakeLLMServer() as busy:
        result = subprocess.run(
            [*LLM_CLI, "fake-server", "--port", str(busy.port)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{busy.port}")
