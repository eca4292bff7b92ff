"""The BYOK vault: users' own provider keys, sealed with AES-256-GCM under a versioned master key.

A sealed key is ``version (4 bytes, big-endian) || nonce (12 random bytes) ||
ciphertext+tag`` in ``user_model_profiles.api_key_encrypted``. The additional
authenticated data names the user and the provider, so a blob copied to another
user's row, or relabelled as another provider's key, does not open. Any failure
to open is ``KeyDecryptionFailed``: never garbage, never the key in a message.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from cvpath.config import Settings, get_settings
from cvpath.errors import ConfigurationError, KeyDecryptionFailed, NotFound, ValidationFailed
from cvpath.governance.vault_keys import MasterKeys
from cvpath.llm.redact import redacting_logger, register_secret
from cvpath.llm.registry import provider_info
from cvpath.llm.types import CallContext

logger = redacting_logger(__name__)

VERSION_BYTES = 4
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_KEY_CHARS = 4096  # far above any provider's key; refuses pasted files


def _aad(user_id: UUID, provider: str) -> bytes:
    return f"cvpath-byok:v1:{user_id}:{provider}".encode()


class Vault:
    """Seals and opens BYOK keys; seals under ``version`` (default: the highest master key version)."""

    def __init__(self, keys: MasterKeys, *, version: int | None = None) -> None:
        if version is not None and version not in keys:
            raise ConfigurationError(
                f"vault key version {version} has no master key; configured versions: {list(keys.versions)}",
                details={"version": version, "configured": list(keys.versions)},
            )
        self.keys = keys
        self.version = version if version is not None else keys.latest

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Vault:
        settings = settings or get_settings()
        return cls(MasterKeys.from_settings(settings), version=settings.vault_key_version)

    def seal(self, user_id: UUID, provider: str, key: SecretStr) -> bytes:
        plain = key.get_secret_value()
        if not plain.strip() or len(plain) > MAX_KEY_CHARS:
            raise ValidationFailed(
                f"a BYOK key must be 1 to {MAX_KEY_CHARS} characters, not blank",
                details={"provider": provider},
            )
        master = self.keys.get(self.version)
        assert master is not None  # checked in __init__
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(master).encrypt(nonce, plain.encode(), _aad(user_id, provider))
        return self.version.to_bytes(VERSION_BYTES, "big") + nonce + sealed

    def open(self, user_id: UUID, provider: str, blob: bytes) -> SecretStr:
        details: dict[str, Any] = {"user_id": str(user_id), "provider": provider}
        if len(blob) < VERSION_BYTES + NONCE_BYTES + TAG_BYTES:
            raise KeyDecryptionFailed(
                f"the stored {provider} key of user {user_id} is truncated ({len(blob)} bytes)",
                details=details,
            )
        version = int.from_bytes(blob[:VERSION_BYTES], "big")
        details["key_version"] = version
        master = self.keys.get(version)
        if master is None:
            raise KeyDecryptionFailed(
                f"the stored {provider} key of user {user_id} was sealed with master key version {version}, "
                f"which is not configured (configured versions: {list(self.keys.versions)})",
                details={**details, "configured": list(self.keys.versions)},
            )
        nonce = blob[VERSION_BYTES : VERSION_BYTES + NONCE_BYTES]
        try:
            plain = AESGCM(master).decrypt(
                nonce, blob[VERSION_BYTES + NONCE_BYTES :], _aad(user_id, provider)
            )
            key = SecretStr(plain.decode())
        except (InvalidTag, UnicodeDecodeError):
            raise KeyDecryptionFailed(
                f"the stored {provider} key of user {user_id} does not decrypt under master key version "
                f"{version}: it was altered or belongs to another user or provider",
                details=details,
            ) from None
        register_secret(key)
        return key


def store_key(
    conn: psycopg.Connection[Any], vault: Vault, user_id: UUID, provider: str, key: SecretStr
) -> None:
    """Seal ``key`` and upsert it into the user's profile row (creating a FREE profile when there is none)."""
    provider_info(provider)  # UnknownProvider for a name the gateway does not know
    register_secret(key)
    blob = vault.seal(user_id, provider, key)
    row = conn.execute(
        """INSERT INTO public.user_model_profiles AS p
               (user_id, api_key_encrypted, api_key_provider, api_key_version)
           SELECT u.id, %(blob)s, %(provider)s, %(version)s FROM public.users u WHERE u.id = %(user)s
           ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
               SET api_key_encrypted = excluded.api_key_encrypted,
                   api_key_provider = excluded.api_key_provider,
                   api_key_version = excluded.api_key_version
           RETURNING p.id""",
        {"blob": blob, "provider": provider, "version": vault.version, "user": user_id},
    ).fetchone()
    if row is None:
        raise NotFound(f"user {user_id} does not exist", details={"user_id": str(user_id)})


def load_key(conn: psycopg.Connection[Any], vault: Vault, user_id: UUID) -> tuple[str, SecretStr] | None:
    """The user's ``(provider, key)``, or None when no key is stored."""
    row = conn.execute(
        """SELECT api_key_provider, api_key_encrypted FROM public.user_model_profiles
           WHERE user_id = %s AND api_key_encrypted IS NOT NULL""",
        [user_id],
    ).fetchone()
    if row is None:
        return None
    provider, blob = row
    return provider, vault.open(user_id, provider, bytes(blob))


def rotate(conn: psycopg.Connection[Any], vault: Vault, *, to_version: int | None = None) -> int:
    """Re-seal every stored key not yet under ``to_version`` (default: the vault's version).

    One transaction: the rows are locked, and a key that fails to open leaves
    every row as it was. Returns the number of keys re-sealed.
    """
    target = Vault(vault.keys, version=to_version if to_version is not None else vault.version)
    with conn.transaction():
        rows = conn.execute(
            """SELECT user_id, api_key_provider, api_key_encrypted FROM public.user_model_profiles
               WHERE api_key_encrypted IS NOT NULL AND user_id IS NOT NULL AND api_key_version <> %s
               ORDER BY user_id FOR UPDATE""",
            [target.version],
        ).fetchall()
        for user_id, provider, blob in rows:
            resealed = target.seal(user_id, provider, vault.open(user_id, provider, bytes(blob)))
            conn.execute(
                """UPDATE public.user_model_profiles SET api_key_encrypted = %s, api_key_version = %s
                   WHERE user_id = %s""",
                [resealed, target.version, user_id],
            )
    logger.info("vault rotate: re-sealed %d key(s) under master key version %d", len(rows), target.version)
    return len(rows)


def key_version_counts(conn: psycopg.Connection[Any]) -> dict[int, int]:
    """How many stored keys each master key version sealed, by version."""
    rows = conn.execute(
        """SELECT api_key_version, count(*) FROM public.user_model_profiles
           WHERE api_key_encrypted IS NOT NULL GROUP BY api_key_version ORDER BY api_key_version"""
    ).fetchall()
    return {int(version): int(count) for version, count in rows}


ConnectionFactory = Callable[[], AbstractContextManager[psycopg.Connection[Any]]]


class VaultKeyResolver:
    """The gateway's ``KeyResolver`` for one user's BYOK key (one instance per execution).

    Answers ``byok`` and ``byok:<provider>`` for calls made on behalf of that
    user only. The key is read and decrypted at most once, and kept in memory.
    """

    def __init__(self, conn_factory: ConnectionFactory, vault: Vault, user_id: UUID) -> None:
        self._conn_factory = conn_factory
        self._vault = vault
        self._user_id = user_id
        self._lock = threading.Lock()
        self._loaded = False
        self._stored: tuple[str, SecretStr] | None = None
        self._failure: KeyDecryptionFailed | None = None

    def resolve(self, ref: str, context: CallContext) -> SecretStr | None:
        if ref != "byok" and not ref.startswith("byok:"):
            return None
        if not self._is_owner(context):
            logger.warning("a BYOK key was asked for on behalf of another user; refused")
            return None
        stored = self._load()
        if stored is None:
            return None
        provider, key = stored
        wanted = ref.removeprefix("byok").removeprefix(":")
        return key if not wanted or wanted == provider else None

    def _is_owner(self, context: CallContext) -> bool:
        try:
            return context.user_id is not None and UUID(context.user_id) == self._user_id
        except ValueError:
            return False

    def _load(self) -> tuple[str, SecretStr] | None:
        with self._lock:
            if not self._loaded:
                try:
                    with self._conn_factory() as conn:
                        self._stored = load_key(conn, self._vault, self._user_id)
                except KeyDecryptionFailed as exc:
                    self._failure = exc
                self._loaded = True
        if self._failure is not None:
            raise KeyDecryptionFailed(self._failure.message, details=dict(self._failure.details))
        return self._stored
