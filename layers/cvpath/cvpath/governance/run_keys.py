"""The provider chain and keys of a BYOK run: the user's own key, never a platform key.

A run that Admit billed as BYOK uses only the links of the user's provider
(each given the reference ``byok:<provider>``, which the vault resolves) and
then the offline provider: a platform key would put the run on the platform's
bill. The user's key is decrypted once per execution in this process (one
resolver per run id, kept for a few runs) and lives in memory only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from cvpath.llm.keys import KeySource
from cvpath.llm.types import ProviderSpec

# Runs whose resolver (and so their decrypted key) this process keeps; small on purpose.
_KEEP_RUNS = 8
_resolvers: OrderedDict[UUID, KeySource] = OrderedDict()
_lock = threading.Lock()


def byok_specs(specs: list[ProviderSpec], provider: str) -> list[ProviderSpec]:
    """The chain's links served by ``provider``, keyed to the user's own key, then offline."""
    own = [
        spec.model_copy(update={"api_key_ref": f"byok:{provider}"})
        for spec in specs
        if spec.provider == provider
    ]
    offline = [spec for spec in specs if spec.provider == "offline"] or [
        ProviderSpec(provider="offline", model="offline")
    ]
    return [*own, *offline]


def byok_keys(run_id: UUID, user_id: UUID) -> KeySource:
    """A key source resolving the user's key through the vault, decrypting once per run in this process."""
    with _lock:
        keys = _resolvers.get(run_id)
        if keys is not None:
            _resolvers.move_to_end(run_id)
            return keys
    from cvpath.db.pool import step_connection
    from cvpath.governance.vault import Vault, VaultKeyResolver

    keys = KeySource(resolver=VaultKeyResolver(step_connection, Vault.from_settings(), user_id))
    with _lock:
        keys = _resolvers.setdefault(run_id, keys)
        while len(_resolvers) > _KEEP_RUNS:
            _resolvers.popitem(last=False)
    return keys


def forget_run_keys() -> None:
    """Drop every cached resolver (tests; a key rotation in this process)."""
    with _lock:
        _resolvers.clear()
