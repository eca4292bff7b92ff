"""Settings, read once from the environment into a pydantic model.

Why: nothing else in the code base reads ``os.environ``. Tests and the local
runtime change the environment and call ``get_settings.cache_clear()``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

# layers/cvpath/cvpath/config.py -> the checkout root.
_PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    environment: Literal["local", "test", "dev", "staging", "prod"] = "local"
    database_url: SecretStr | None = None
    # Poolers in transaction mode (RDS Proxy, PgBouncer) break server-side
    # prepared statements; None turns them off.
    db_prepare_threshold: int | None = 5
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=4, ge=1)
    db_connect_timeout_s: int = Field(default=5, ge=1, le=60)
    # Where the local runtime keeps its state (embedded Postgres data, moto state):
    # beside the checkout, whatever the working directory.
    state_dir: Path = Field(default_factory=lambda: _PROJECT_ROOT / ".cvpath")
    # Migrations ship beside the code; CVPATH_SQL_DIR points elsewhere (tests, packaging).
    sql_dir: Path = Field(default_factory=lambda: _PROJECT_ROOT / "sql")

    # LLM gateway. The kill switch allows only loopback hosts: the test suite
    # turns it on so that a forgotten real provider call fails loudly.
    llm_forbid_network: bool = False
    # Store full request/response bodies in the audit log (else a hash and sizes).
    llm_log_payloads: bool = False
    # Platform keys: environment locally; in AWS, SSM/Secrets Manager names.
    openai_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    gemini_api_key: SecretStr | None = None
    openrouter_api_key: SecretStr | None = None
    # Where platform keys live in AWS (SSM SecureString path prefix), when not in the environment.
    llm_key_parameter_prefix: str | None = None

    # AWS wiring, from template.yaml's environment (the local runtime sets the same names).
    # In AWS the database URL is not in the environment: this SSM SecureString
    # (or Secrets Manager) name holds it, read once and cached.
    database_url_parameter: str | None = None
    artifacts_bucket: str | None = None
    telemetry_queue_url: str | None = None
    # The tailoring state machine the public API starts runs on.
    tailoring_state_machine_arn: str | None = None
    # How GET /api/runs/{id}/artifacts/{kind} answers by default: a presigned S3 URL ("url"), or the
    # file's bytes through the API ("bytes"); a request may ask for either with ?delivery=.
    artifact_delivery: Literal["url", "bytes"] = "url"
    artifact_url_ttl_s: int = Field(default=300, ge=30, le=3600)
    # Where the BYOK vault's master keys live in AWS (SSM/Secrets Manager name); never in the database.
    vault_key_parameter: str | None = None
    # Locally, the master keys themselves: "1:<base64 of 32 bytes>,2:<base64>" (version:key, comma-separated).
    vault_master_keys: SecretStr | None = None
    # The version new ciphertexts are sealed with; None: the highest version present.
    vault_key_version: int | None = Field(default=None, ge=1)

    # Public API identity. The signing secret of access and guest tokens (HS256): the environment
    # locally, an SSM/Secrets Manager name (auth_jwt_secret_parameter) in AWS. Never logged.
    auth_jwt_secret: SecretStr | None = None
    auth_jwt_secret_parameter: str | None = None
    access_token_ttl_s: int = Field(default=900, ge=60, le=3600)
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=3600)
    guest_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=3600)
    # Admin tokens are exchanged for an admin's access token and live briefly.
    admin_token_ttl_s: int = Field(default=600, ge=60, le=3600)


def _from_environ(environ: dict[str, str]) -> Settings:
    values: dict[str, object] = {}
    mapping = {
        "CVPATH_ENV": "environment",
        "DATABASE_URL": "database_url",
        "CVPATH_DB_POOL_MIN": "db_pool_min_size",
        "CVPATH_DB_POOL_MAX": "db_pool_max_size",
        "CVPATH_DB_CONNECT_TIMEOUT": "db_connect_timeout_s",
        "CVPATH_STATE_DIR": "state_dir",
        "CVPATH_SQL_DIR": "sql_dir",
        "CVPATH_LLM_FORBID_NETWORK": "llm_forbid_network",
        "CVPATH_LLM_LOG_PAYLOADS": "llm_log_payloads",
        "OPENAI_API_KEY": "openai_api_key",
        "ANTHROPIC_API_KEY": "anthropic_api_key",
        "GEMINI_API_KEY": "gemini_api_key",
        "OPENROUTER_API_KEY": "openrouter_api_key",
        "CVPATH_LLM_KEY_PARAMETER_PREFIX": "llm_key_parameter_prefix",
        "CVPATH_DATABASE_URL_PARAMETER": "database_url_parameter",
        "ARTIFACTS_BUCKET": "artifacts_bucket",
        "TELEMETRY_QUEUE_URL": "telemetry_queue_url",
        "TAILORING_STATE_MACHINE_ARN": "tailoring_state_machine_arn",
        "CVPATH_ARTIFACT_DELIVERY": "artifact_delivery",
        "CVPATH_ARTIFACT_URL_TTL": "artifact_url_ttl_s",
        "CVPATH_VAULT_KEY_PARAMETER": "vault_key_parameter",
        "CVPATH_VAULT_KEYS": "vault_master_keys",
        "CVPATH_VAULT_KEY_VERSION": "vault_key_version",
        "CVPATH_JWT_SECRET": "auth_jwt_secret",
        "CVPATH_JWT_SECRET_PARAMETER": "auth_jwt_secret_parameter",
    }
    for env_name, field in mapping.items():
        if environ.get(env_name):
            values[field] = environ[env_name]
    threshold = environ.get("CVPATH_DB_PREPARE_THRESHOLD")
    if threshold is not None:
        values["db_prepare_threshold"] = None if threshold.lower() in ("", "none", "off") else threshold
    return Settings.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return _from_environ(dict(os.environ))
