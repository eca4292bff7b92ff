"""Key sources: settings, overrides, SSM / Secrets Manager through Powertools, BYOK resolvers."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr

from cvpath.config import Settings
from cvpath.llm.keys import KeySource
from cvpath.llm.redact import forget_secrets, redact_text
from cvpath.llm.types import CallContext, ProviderSpec

CONTEXT = CallContext(run_id="r1", user_id="u1")


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def spec(provider: str = "openai", ref: str | None = None) -> ProviderSpec:
    return ProviderSpec.model_validate({"provider": provider, "model": "m", "api_key_ref": ref})


class FakeVault:
    def __init__(self, key: str | None) -> None:
        self.key = key
        self.calls: list[tuple[str, CallContext]] = []

    def resolve(self, ref: str, context: CallContext) -> SecretStr | None:
        self.calls.append((ref, context))
        return SecretStr(self.key) if self.key else None


def test_platform_key_comes_from_settings_and_is_registered_for_redaction() -> None:
    keys = KeySource(Settings(anthropic_api_key=SecretStr("sk-ant-settings-123456")))
    key = keys.key_for(spec("anthropic"), CONTEXT)
    assert key is not None
    assert key.get_secret_value() == "sk-ant-settings-123456"
    assert redact_text("x sk-ant-settings-123456") == "x ***"


def test_no_key_is_none_and_local_servers_need_none() -> None:
    keys = KeySource(Settings())
    assert keys.key_for(spec("openai"), CONTEXT) is None
    assert keys.needs_key(spec("openai"))
    assert not keys.needs_key(spec("ollama"))
    assert keys.needs_key(spec("ollama", ref="openai_api_key"))


def test_a_blank_key_counts_as_missing() -> None:
    keys = KeySource(Settings(openai_api_key=SecretStr("   ")))
    assert keys.key_for(spec("openai"), CONTEXT) is None


def test_overrides_win_by_ref_then_by_provider() -> None:
    keys = KeySource(
        Settings(openai_api_key=SecretStr("from-settings-123")),
        overrides={"openai": SecretStr("by-provider-123"), "team": SecretStr("by-ref-12345")},
    )
    assert keys.key_for(spec("openai"), CONTEXT) == SecretStr("by-provider-123")
    assert keys.key_for(spec("openai", ref="team"), CONTEXT) == SecretStr("by-ref-12345")


def test_a_ref_can_name_another_settings_field() -> None:
    keys = KeySource(Settings(openrouter_api_key=SecretStr("sk-or-1234567890")))
    key = keys.key_for(spec("openai_compatible", ref="openrouter_api_key"), CONTEXT)
    assert key == SecretStr("sk-or-1234567890")


def test_byok_goes_to_the_resolver_with_the_call_context() -> None:
    vault = FakeVault("sk-byok-user-key-123456")
    keys = KeySource(Settings(openai_api_key=SecretStr("platform-key-123")), resolver=vault)
    assert keys.key_for(spec("openai", ref="byok"), CONTEXT) == SecretStr("sk-byok-user-key-123456")
    assert vault.calls == [("byok", CONTEXT)]
    assert "sk-byok-user-key-123456" not in redact_text("sk-byok-user-key-123456")


def test_byok_without_a_resolver_or_a_stored_key_is_missing() -> None:
    assert KeySource(Settings()).key_for(spec("openai", ref="byok"), CONTEXT) is None
    assert (
        KeySource(Settings(), resolver=FakeVault(None)).key_for(spec("openai", ref="byok:u1"), CONTEXT)
        is None
    )


def test_settings_fall_back_to_the_parameter_prefix_once_per_source() -> None:
    fetched: list[str] = []

    def fetch(name: str) -> str | None:
        fetched.append(name)
        return "sk-from-ssm-123456"

    keys = KeySource(Settings(llm_key_parameter_prefix="/cvpath/prod/llm/"), fetch_parameter=fetch)
    assert keys.key_for(spec("gemini"), CONTEXT) == SecretStr("sk-from-ssm-123456")
    assert keys.key_for(spec("gemini"), CONTEXT) == SecretStr("sk-from-ssm-123456")
    assert fetched == ["/cvpath/prod/llm/gemini_api_key"]


def test_refs_name_ssm_parameters_and_secrets() -> None:
    keys = KeySource(
        Settings(),
        fetch_parameter=lambda name: f"param-value-for-{name}",
        fetch_secret=lambda name: f"secret-value-for-{name}",
    )
    assert keys.key_for(spec("openai", ref="ssm:/a/b"), CONTEXT) == SecretStr("param-value-for-/a/b")
    assert keys.key_for(spec("openai", ref="/c/d"), CONTEXT) == SecretStr("param-value-for-/c/d")
    assert keys.key_for(spec("openai", ref="secretsmanager:llm"), CONTEXT) == SecretStr(
        "secret-value-for-llm"
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.mark.usefixtures("aws")
def test_powertools_reads_a_secure_string_from_ssm() -> None:
    # Given the platform key stored as an SSM SecureString under the prefix
    ssm = boto3.client("ssm", region_name="eu-west-1")
    ssm.put_parameter(
        Name="/cvpath/test-keys/openai_api_key", Value="sk-ssm-secure-98765", Type="SecureString"
    )
    keys = KeySource(Settings(llm_key_parameter_prefix="/cvpath/test-keys"))
    # When the key is resolved with no key in settings
    key = keys.key_for(spec("openai"), CONTEXT)
    # Then Powertools fetched and decrypted it
    assert key == SecretStr("sk-ssm-secure-98765")


@pytest.mark.usefixtures("aws")
def test_a_missing_parameter_is_a_missing_key_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    keys = KeySource(Settings(llm_key_parameter_prefix="/cvpath/nowhere"))
    assert keys.key_for(spec("anthropic"), CONTEXT) is None
    assert "could not be read" in caplog.text
