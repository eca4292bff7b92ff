"""The BYOK vault's master keys: versioned 32-byte AES keys, read from settings, never from the database.

Locally they come from ``CVPATH_VAULT_KEYS`` ("1:<base64>,2:<base64>"); in AWS,
``vault_key_parameter`` names an SSM parameter or a Secrets Manager secret
holding the same text, read through Powertools parameters with caching.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from cvpath.config import Settings, get_settings
from cvpath.errors import ConfigurationError

MASTER_KEY_BYTES = 32  # AES-256
# Why cached: every Lambda execution builds a vault; SSM is read at most every five minutes.
PARAMETER_MAX_AGE_S = 300
SECRETS_MANAGER_PREFIXES = ("arn:aws:secretsmanager:", "secretsmanager:")


class MasterKeys:
    """Key versions (positive integers) mapped to 32-byte keys; its repr never shows a key."""

    def __init__(self, keys: Mapping[int, bytes]) -> None:
        if not keys:
            raise ConfigurationError("the vault has no master keys")
        for version, key in keys.items():
            if version < 1:
                raise ConfigurationError(
                    f"vault master key version {version} is invalid: versions are positive integers",
                    details={"version": version},
                )
            if len(key) != MASTER_KEY_BYTES:
                raise ConfigurationError(
                    f"vault master key version {version} is {len(key)} bytes; it must be {MASTER_KEY_BYTES}",
                    details={"version": version, "length": len(key)},
                )
        self._keys = dict(keys)

    @classmethod
    def parse(cls, text: str) -> MasterKeys:
        """Parse ``"1:<base64 of 32 bytes>,2:<base64>"``; errors name the entry's position, never its key."""
        keys: dict[int, bytes] = {}
        entries = [entry.strip() for entry in text.split(",") if entry.strip()]
        if not entries:
            raise ConfigurationError("the vault master keys are empty: expected '1:<base64 of 32 bytes>'")
        for position, entry in enumerate(entries, start=1):
            version_text, sep, encoded = entry.partition(":")
            version_text = version_text.strip()
            if not sep or not (version_text.isascii() and version_text.isdigit()):
                raise ConfigurationError(
                    f"vault master key entry {position} is not '<version>:<base64 key>'",
                    details={"entry": position},
                )
            version = int(version_text)
            if version in keys:
                raise ConfigurationError(
                    f"vault master key version {version} is given twice", details={"version": version}
                )
            try:
                keys[version] = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise ConfigurationError(
                    f"vault master key version {version} is not valid base64", details={"version": version}
                ) from None
        return cls(keys)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> MasterKeys:
        """The keys in ``vault_master_keys``, else those in the AWS parameter ``vault_key_parameter``."""
        settings = settings or get_settings()
        if settings.vault_master_keys is not None:
            return cls.parse(settings.vault_master_keys.get_secret_value())
        if settings.vault_key_parameter:
            return cls.parse(_read_parameter(settings.vault_key_parameter))
        raise ConfigurationError(
            "no vault master keys are configured: set CVPATH_VAULT_KEYS ('1:<base64 of 32 bytes>') "
            "or CVPATH_VAULT_KEY_PARAMETER"
        )

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(sorted(self._keys))

    @property
    def latest(self) -> int:
        return max(self._keys)

    def get(self, version: int) -> bytes | None:
        return self._keys.get(version)

    def __contains__(self, version: object) -> bool:
        return version in self._keys

    def __repr__(self) -> str:
        return f"MasterKeys(versions={list(self.versions)})"


def _read_parameter(name: str) -> str:
    # Imported here: only AWS deployments pay for Powertools parameters and boto3.
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        if name.startswith(SECRETS_MANAGER_PREFIXES):
            value = parameters.get_secret(name.removeprefix("secretsmanager:"), max_age=PARAMETER_MAX_AGE_S)
        else:
            value = parameters.get_parameter(name, decrypt=True, max_age=PARAMETER_MAX_AGE_S)
    except (GetParameterError, BotoCoreError, ClientError) as exc:
        raise ConfigurationError(
            f"the vault master key parameter {name} could not be read ({type(exc).__name__})",
            details={"parameter": name},
        ) from None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            f"the vault master key parameter {name} is empty", details={"parameter": name}
        )
    return value
