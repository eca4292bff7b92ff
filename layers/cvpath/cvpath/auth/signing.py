"""The signing secret of guest and access tokens, and keyed hashes derived from it.

Locally the secret comes from ``CVPATH_JWT_SECRET``; in AWS from the SSM or
Secrets Manager name in ``CVPATH_JWT_SECRET_PARAMETER``, read once per Lambda
environment (Powertools is imported only then).
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from pydantic import SecretStr

from cvpath.config import Settings, get_settings
from cvpath.errors import ConfigurationError

# HS256 keys shorter than the hash output weaken the MAC (RFC 7518 section 3.2).
MIN_SECRET_BYTES = 32
SECRETS_MANAGER_PREFIX = "secretsmanager:"

_remote: dict[str, SecretStr] = {}
_remote_lock = threading.Lock()


def signing_secret(settings: Settings | None = None) -> SecretStr:
    """The HS256 secret; ``ConfigurationError`` when none is configured or it is too short."""
    settings = settings or get_settings()
    if settings.auth_jwt_secret is not None:
        secret = settings.auth_jwt_secret
    elif settings.auth_jwt_secret_parameter:
        secret = _remote_secret(settings.auth_jwt_secret_parameter)
    else:
        raise ConfigurationError(
            "no token signing secret is configured: set CVPATH_JWT_SECRET or CVPATH_JWT_SECRET_PARAMETER"
        )
    if len(secret.get_secret_value().encode("utf-8")) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"the token signing secret must be at least {MIN_SECRET_BYTES} bytes long")
    return secret


def keyed_hash(purpose: str, value: str, settings: Settings | None = None) -> bytes:
    """HMAC-SHA256 of ``value`` under a key derived from the signing secret for ``purpose``.

    Why keyed: an IP or an email has so few possible values that a plain sha256
    is reversed by enumeration; without the secret it cannot be.
    """
    root = signing_secret(settings).get_secret_value().encode("utf-8")
    key = hmac.new(root, f"cvpath-auth:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()


def ip_hash(ip: str | None, settings: Settings | None = None) -> str | None:
    """The keyed hash (hex) stored in place of a client IP, or None without one."""
    return keyed_hash("ip", ip.strip(), settings).hex() if ip and ip.strip() else None


def forget_remote_secret() -> None:
    """Drop the cached parameter value (tests, secret rotation)."""
    with _remote_lock:
        _remote.clear()


def _remote_secret(name: str) -> SecretStr:
    with _remote_lock:
        if name not in _remote:
            _remote[name] = SecretStr(_read_parameter(name))
        return _remote[name]


def _read_parameter(name: str) -> str:
    # Imported here: only AWS deployments pay for Powertools parameters and boto3.
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        if name.startswith(SECRETS_MANAGER_PREFIX):
            value = parameters.get_secret(name.removeprefix(SECRETS_MANAGER_PREFIX))
        else:
            value = parameters.get_parameter(name, decrypt=True)
    except (GetParameterError, BotoCoreError, ClientError) as exc:
        raise ConfigurationError(
            f"the token signing secret parameter {name} could not be read ({type(exc).__name__})",
            details={"parameter": name},
        ) from None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            f"the token signing secret parameter {name} is empty", details={"parameter": name}
        )
    return value.strip()
