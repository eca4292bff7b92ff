"""Where a provider's API key comes from.

- **Platform keys** come from settings (the environment locally). In AWS, when
  a setting is empty and ``llm_key_parameter_prefix`` is set, the key is read
  from the SSM SecureString ``{prefix}/{setting}`` (e.g.
  ``/cvpath/prod/llm/openai_api_key``) through Powertools parameters, which is
  imported only then.
- **A chain link's** ``api_key_ref`` can name a settings field
  (``openrouter_api_key``), an SSM parameter (``ssm:/path`` or ``/path``), a
  Secrets Manager secret (``secretsmanager:name``) or a BYOK key (``byok`` or
  ``byok:...``), which the governance layer resolves through ``KeyResolver``.

A key stays a ``SecretStr`` until a client builds the auth header, and every
resolved value is registered for redaction the moment it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from pydantic import SecretStr

from cvpath.config import Settings, get_settings
from cvpath.llm.redact import redacting_logger, register_secret
from cvpath.llm.registry import provider_info
from cvpath.llm.types import CallContext, ProviderSpec

logger = redacting_logger(__name__)

PLATFORM_KEY_SETTINGS = frozenset(
    {"openai_api_key", "anthropic_api_key", "gemini_api_key", "openrouter_api_key"}
)
ParameterFetcher = Callable[[str], str | None]


class KeyResolver(Protocol):
    """Resolves a BYOK reference for one call (the governance layer's vault implements it)."""

    def resolve(self, ref: str, context: CallContext) -> SecretStr | None: ...


class KeySource:
    """Resolves the key for each chain link; ``None`` means "no key", and the chain skips the link."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        resolver: KeyResolver | None = None,
        overrides: Mapping[str, SecretStr] | None = None,
        fetch_parameter: ParameterFetcher | None = None,
        fetch_secret: ParameterFetcher | None = None,
    ) -> None:
        """``overrides`` maps a ref or a provider name to a key (the CLI's ``--api-key-env``, tests).
        The fetchers default to Powertools (SSM with decryption, Secrets Manager)."""
        self._settings = settings
        self._resolver = resolver
        self._overrides = dict(overrides or {})
        self._fetch_parameter = fetch_parameter or _powertools_parameter
        self._fetch_secret = fetch_secret or _powertools_secret
        # Remote reads are cached per KeySource (one per execution): a retry must not re-read SSM.
        self._remote: dict[str, SecretStr | None] = {}
        for value in self._overrides.values():
            register_secret(value)

    def needs_key(self, spec: ProviderSpec) -> bool:
        return spec.api_key_ref is not None or provider_info(spec.provider).needs_key

    def key_for(self, spec: ProviderSpec, context: CallContext) -> SecretStr | None:
        key = self._lookup(spec, context)
        if key is not None and not key.get_secret_value().strip():
            key = None
        register_secret(key)
        return key

    def _lookup(self, spec: ProviderSpec, context: CallContext) -> SecretStr | None:
        ref = spec.api_key_ref
        if ref is not None and ref in self._overrides:
            return self._overrides[ref]
        if spec.provider in self._overrides:
            return self._overrides[spec.provider]
        if ref is None:
            setting = provider_info(spec.provider).key_setting
            return self._platform_key(setting) if setting else None
        if ref == "byok" or ref.startswith("byok:"):
            return self._resolver.resolve(ref, context) if self._resolver is not None else None
        if ref in PLATFORM_KEY_SETTINGS:
            return self._platform_key(ref)
        if ref.startswith("secretsmanager:"):
            return self._remote_value(ref, ref.removeprefix("secretsmanager:"), self._fetch_secret)
        return self._remote_value(ref, ref.removeprefix("ssm:"), self._fetch_parameter)

    def _platform_key(self, setting: str) -> SecretStr | None:
        settings = self._settings or get_settings()
        value: SecretStr | None = getattr(settings, setting)
        if value is not None or not settings.llm_key_parameter_prefix:
            return value
        name = f"{settings.llm_key_parameter_prefix.rstrip('/')}/{setting}"
        return self._remote_value(name, name, self._fetch_parameter)

    def _remote_value(self, cache_key: str, name: str, fetch: ParameterFetcher) -> SecretStr | None:
        if cache_key not in self._remote:
            value = fetch(name)
            self._remote[cache_key] = SecretStr(value) if value else None
        return self._remote[cache_key]


def _powertools_parameter(name: str) -> str | None:
    # Imported here: only Lambdas that keep keys in SSM pay for Powertools parameters and boto3.
    from aws_lambda_powertools.utilities.parameters import get_parameter
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return get_parameter(name, decrypt=True)
    except (GetParameterError, BotoCoreError, ClientError) as exc:
        logger.warning(
            "LLM key parameter %s could not be read (%s); the link is skipped", name, type(exc).__name__
        )
        return None


def _powertools_secret(name: str) -> str | None:
    from aws_lambda_powertools.utilities.parameters import get_secret
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        value = get_secret(name)
    except (GetParameterError, BotoCoreError, ClientError) as exc:
        logger.warning(
            "LLM key secret %s could not be read (%s); the link is skipped", name, type(exc).__name__
        )
        return None
    return value if isinstance(value, str) else None
