"""The BYOK vault against PostgreSQL: storing, loading, rotating, resolving, and the CLI as a real process."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from pydantic import SecretStr

from cvpath.errors import ConfigurationError, KeyDecryptionFailed, NotFound, UnknownProvider
from cvpath.governance.vault import Vault, VaultKeyResolver, key_version_counts, load_key, rotate, store_key
from cvpath.governance.vault_keys import MasterKeys
from cvpath.llm.keys import KeySource
from cvpath.llm.redact import forget_secrets, redact_text
from cvpath.llm.types import CallContext, ProviderSpec

KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))
KEYS_TEXT = f"1:{base64.b64encode(KEY_1).decode()},2:{base64.b64encode(KEY_2).decode()}"
CANARY = "sk-canary-byok-4e8d2a6c0b1f3e5d7c9a"
ROOT = Path(__file__).resolve().parents[3]

Conn = psycopg.Connection[Any]


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    forget_secrets()


def new_user(conn: Conn) -> UUID:
    row = conn.execute(
        "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"{uuid4().hex}@example.test"]
    ).fetchone()
    assert row is not None
    return UUID(str(row[0]))


def profile(conn: Conn, user_id: UUID) -> tuple[Any, ...]:
    row = conn.execute(
        """SELECT api_key_provider, api_key_version, api_key_encrypted, tier::text
           FROM public.user_model_profiles WHERE user_id = %s""",
        [user_id],
    ).fetchone()
    assert row is not None
    return tuple(row)


def whole_row_text(conn: Conn, user_id: UUID) -> tuple[str, bytes]:
    """Every column of the user's profile as JSON text, and the raw ciphertext bytes."""
    row = conn.execute(
        """SELECT row_to_json(p)::text, api_key_encrypted FROM public.user_model_profiles p
           WHERE user_id = %s""",
        [user_id],
    ).fetchone()
    assert row is not None
    return row[0], bytes(row[1])


@pytest.fixture
def vault() -> Vault:
    return Vault(MasterKeys({1: KEY_1, 2: KEY_2}), version=1)


def test_a_stored_key_loads_back_and_the_row_holds_only_ciphertext(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    assert load_key(conn, vault, user) == ("openai", SecretStr(CANARY))
    provider, version, blob, tier = profile(conn, user)
    assert (provider, version, tier) == ("openai", 1, "FREE")
    assert bytes(blob)[:4] == (1).to_bytes(4, "big")
    text, raw = whole_row_text(conn, user)
    assert CANARY not in text
    assert CANARY.encode() not in raw


def test_storing_again_replaces_the_key_and_keeps_the_profile(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    conn.execute("INSERT INTO public.user_model_profiles (user_id, daily_quota) VALUES (%s, 9)", [user])
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    store_key(conn, Vault(vault.keys), user, "anthropic", SecretStr("sk-ant-second-key-0001"))
    assert load_key(conn, vault, user) == ("anthropic", SecretStr("sk-ant-second-key-0001"))
    assert profile(conn, user)[1] == 2
    quota = conn.execute("SELECT daily_quota FROM public.user_model_profiles WHERE user_id = %s", [user])
    assert quota.fetchone() == (9,)


def test_an_unknown_user_or_provider_is_refused_and_nothing_is_written(conn: Conn, vault: Vault) -> None:
    ghost = uuid4()
    with pytest.raises(NotFound, match=f"user {ghost} does not exist"):
        store_key(conn, vault, ghost, "openai", SecretStr(CANARY))
    user = new_user(conn)
    with pytest.raises(UnknownProvider, match="unknown provider 'acme'"):
        store_key(conn, vault, user, "acme", SecretStr(CANARY))
    count = conn.execute(
        "SELECT count(*) FROM public.user_model_profiles WHERE user_id = ANY(%s)", [[ghost, user]]
    ).fetchone()
    assert count == (0,)


def test_no_stored_key_loads_as_none(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    assert load_key(conn, vault, user) is None
    conn.execute("INSERT INTO public.user_model_profiles (user_id) VALUES (%s)", [user])
    assert load_key(conn, vault, user) is None


def test_a_ciphertext_moved_to_another_users_row_fails(conn: Conn, vault: Vault) -> None:
    victim, thief = new_user(conn), new_user(conn)
    store_key(conn, vault, victim, "openai", SecretStr(CANARY))
    store_key(conn, vault, thief, "openai", SecretStr("sk-thief-own-key-000001"))
    conn.execute(
        """UPDATE public.user_model_profiles SET api_key_encrypted =
               (SELECT api_key_encrypted FROM public.user_model_profiles WHERE user_id = %s)
           WHERE user_id = %s""",
        [victim, thief],
    )
    with pytest.raises(KeyDecryptionFailed, match=f"user {thief} does not decrypt") as caught:
        load_key(conn, vault, thief)
    assert CANARY not in str(caught.value)


def test_a_tampered_tag_in_the_database_fails(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    store_key(conn, vault, user, "gemini", SecretStr(CANARY))
    conn.execute(
        """UPDATE public.user_model_profiles
           SET api_key_encrypted = set_byte(api_key_encrypted, length(api_key_encrypted) - 1,
                                            get_byte(api_key_encrypted, length(api_key_encrypted) - 1) # 1)
           WHERE user_id = %s""",
        [user],
    )
    with pytest.raises(KeyDecryptionFailed, match="under master key version 1"):
        load_key(conn, vault, user)


def test_rotate_reseals_stale_keys_and_leaves_current_ones_untouched(conn: Conn, vault: Vault) -> None:
    users = [new_user(conn) for _ in range(3)]
    for number, user in enumerate(users):
        store_key(conn, vault, user, "openai", SecretStr(f"sk-rotate-key-{number:08d}"))
    current = new_user(conn)
    store_key(conn, Vault(vault.keys, version=2), current, "anthropic", SecretStr("sk-already-at-two-01"))
    before = profile(conn, current)[2]
    assert key_version_counts(conn) == {1: 3, 2: 1}
    assert rotate(conn, vault, to_version=2) == 3
    assert key_version_counts(conn) == {2: 4}
    assert profile(conn, current)[2] == before
    only_two = Vault(MasterKeys({2: KEY_2}))
    for number, user in enumerate(users):
        assert load_key(conn, only_two, user) == ("openai", SecretStr(f"sk-rotate-key-{number:08d}"))
        assert bytes(profile(conn, user)[2])[:4] == (2).to_bytes(4, "big")
    assert rotate(conn, vault, to_version=2) == 0


def test_rotate_to_a_version_without_a_master_key_is_refused(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    with pytest.raises(ConfigurationError, match="version 3 has no master key"):
        rotate(conn, vault, to_version=3)
    assert profile(conn, user)[1] == 1


def test_a_rotation_failing_half_way_leaves_every_row_as_it_was(fresh_db_url: str, vault: Vault) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        users = sorted(new_user(conn) for _ in range(3))
        for user in users:
            store_key(conn, vault, user, "openai", SecretStr(f"sk-half-way-{user.hex[:12]}"))
        # The last row in rotation order is tampered: the first two are re-sealed before it fails.
        conn.execute(
            """UPDATE public.user_model_profiles SET api_key_encrypted = set_byte(api_key_encrypted, 20, 0)
               WHERE user_id = %s""",
            [users[-1]],
        )
        before = [profile(conn, user) for user in users]
        with pytest.raises(KeyDecryptionFailed, match=f"user {users[-1]}"):
            rotate(conn, vault, to_version=2)
        assert [profile(conn, user) for user in users] == before
        assert key_version_counts(conn) == {1: 3}
        assert load_key(conn, vault, users[0]) == ("openai", SecretStr(f"sk-half-way-{users[0].hex[:12]}"))


# --- the gateway's KeyResolver ----------------------------------------------------------


class CountingConnections:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.opened = 0

    @contextmanager
    def __call__(self) -> Iterator[Conn]:
        self.opened += 1
        yield self.conn


def context(user: UUID | str | None) -> CallContext:
    return CallContext(run_id=str(uuid4()), agent="cv_tailor", user_id=None if user is None else str(user))


def test_the_resolver_decrypts_once_and_answers_only_its_user(conn: Conn, vault: Vault) -> None:
    user, other = new_user(conn), new_user(conn)
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    forget_secrets()
    connections = CountingConnections(conn)
    resolver = VaultKeyResolver(connections, vault, user)
    assert resolver.resolve("openrouter_api_key", context(user)) is None
    assert connections.opened == 0
    assert resolver.resolve("byok", context(other)) is None
    assert resolver.resolve("byok", context(None)) is None
    assert resolver.resolve("byok", context("not-a-uuid")) is None
    assert connections.opened == 0
    assert resolver.resolve("byok", context(user)) == SecretStr(CANARY)
    assert resolver.resolve("byok:openai", context(str(user).upper())) == SecretStr(CANARY)
    assert resolver.resolve("byok:anthropic", context(user)) is None
    assert connections.opened == 1
    # Registered for redaction the moment it was read.
    assert redact_text(f"Bearer {CANARY}") == "Bearer ***"


def test_the_gateway_key_source_gets_the_byok_key_through_the_resolver(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    source = KeySource(resolver=VaultKeyResolver(CountingConnections(conn), vault, user))
    spec = ProviderSpec(provider="openai", model="gpt-4o-mini", api_key_ref="byok")
    assert source.key_for(spec, context(user)) == SecretStr(CANARY)
    assert source.key_for(spec, context(uuid4())) is None


def test_a_user_without_a_key_resolves_to_none_once(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    connections = CountingConnections(conn)
    resolver = VaultKeyResolver(connections, vault, user)
    assert resolver.resolve("byok", context(user)) is None
    assert resolver.resolve("byok", context(user)) is None
    assert connections.opened == 1


def test_a_key_that_does_not_decrypt_fails_every_time_without_rereading(conn: Conn, vault: Vault) -> None:
    user = new_user(conn)
    store_key(conn, Vault(MasterKeys({5: KEY_1})), user, "openai", SecretStr(CANARY))
    connections = CountingConnections(conn)
    resolver = VaultKeyResolver(connections, vault, user)
    for _ in range(2):
        with pytest.raises(KeyDecryptionFailed, match="master key version 5, which is not configured"):
            resolver.resolve("byok", context(user))
    assert connections.opened == 1


def test_a_canary_key_never_leaves_the_vault_in_clear(
    conn: Conn, vault: Vault, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    user, thief = new_user(conn), new_user(conn)
    store_key(conn, vault, user, "openai", SecretStr(CANARY))
    resolved = VaultKeyResolver(CountingConnections(conn), vault, user).resolve("byok", context(user))
    assert resolved == SecretStr(CANARY)
    logging.getLogger("cvpath.governance.vault").warning("resolved %s", resolved)
    rotate(conn, vault, to_version=2)
    texts = [repr(resolved), str(resolved)]
    stolen = conn.execute(
        "SELECT api_key_encrypted FROM public.user_model_profiles WHERE user_id = %s", [user]
    ).fetchone()
    assert stolen is not None
    conn.execute(
        """INSERT INTO public.user_model_profiles
               (user_id, api_key_encrypted, api_key_provider, api_key_version)
           VALUES (%s, %s, 'openai', 2)""",
        [thief, stolen[0]],
    )
    with pytest.raises(KeyDecryptionFailed) as caught:
        VaultKeyResolver(CountingConnections(conn), vault, thief).resolve("byok", context(thief))
    texts += [str(caught.value), repr(caught.value.details), str(caught.value.to_body())]
    captured = capsys.readouterr()
    texts += [caplog.text, captured.out, captured.err]
    assert not any(CANARY in text for text in texts)
    text, raw = whole_row_text(conn, user)
    assert CANARY not in text
    assert CANARY.encode() not in raw


# --- the CLI, as a real process ---------------------------------------------------------


def run_vault(
    *args: str, database_url: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CVPATH_VAULT")}
    environ.update({"DATABASE_URL": database_url, "CVPATH_VAULT_KEYS": KEYS_TEXT, **(env or {})})
    return subprocess.run(
        [str(Path(sys.executable).with_name("cvpath")), "vault", *args],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_set_key_rotate_and_status(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        user = new_user(conn)
    pinned = {"CVPATH_VAULT_KEY_VERSION": "1", "BYOK_CANARY": CANARY}
    done = run_vault(
        "set-key", "--user", str(user), "--provider", "openai", "--key-env", "BYOK_CANARY",
        database_url=fresh_db_url, env=pinned,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"stored the openai key of user {user} under master key version 1"
    status = run_vault("status", database_url=fresh_db_url, env=pinned)
    assert status.returncode == 0, status.stderr
    assert "master keys: versions [1, 2], sealing with version 1" in status.stdout
    assert "version 1: 1 key(s)" in status.stdout
    rotated = run_vault("rotate", "--to-version", "2", database_url=fresh_db_url)
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == "re-sealed 1 key(s) under master key version 2"
    again = run_vault("rotate", database_url=fresh_db_url)
    assert again.stdout.strip() == "re-sealed 0 key(s) under master key version 2"
    for output in (done, status, rotated, again):
        assert CANARY not in output.stdout + output.stderr
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        assert load_key(conn, Vault(MasterKeys({2: KEY_2})), user) == ("openai", SecretStr(CANARY))
        assert CANARY not in whole_row_text(conn, user)[0]


SET_KEY_ARGS = ["--user", "{user}", "--provider", "openai", "--key-env", "K"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--user", "{user}", "--provider", "openai", "--key-env", "NOT_SET_ANYWHERE"], {},
         "error: the environment variable NOT_SET_ANYWHERE is not set or is empty"),
        (["--user", "{user}", "--provider", "openai", "--key-env", "BLANK"], {"BLANK": "  "},
         "error: the environment variable BLANK is not set or is empty"),
        (["--user", "nobody", "--provider", "openai", "--key-env", "K"], {"K": CANARY},
         "error: --user must be a UUID, not 'nobody'"),
        (["--user", "{ghost}", "--provider", "openai", "--key-env", "K"], {"K": CANARY},
         "does not exist"),
        (["--user", "{user}", "--provider", "acme", "--key-env", "K"], {"K": CANARY},
         "error: unknown provider 'acme'"),
        (SET_KEY_ARGS, {"K": CANARY, "CVPATH_VAULT_KEYS": "1:c2hvcnQ="},
         "error: vault master key version 1 is 5 bytes; it must be 32"),
    ],
)  # fmt: skip
def test_cli_set_key_refuses_bad_input_with_one_line(
    fresh_db_url: str, args: list[str], env: dict[str, str], message: str
) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        user = new_user(conn)
    argv = [arg.format(user=user, ghost=uuid4()) for arg in args]
    done = run_vault("set-key", *argv, database_url=fresh_db_url, env=env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert CANARY not in done.stderr
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        assert key_version_counts(conn) == {}


def test_cli_rotate_to_an_unconfigured_version_fails_and_changes_nothing(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        user = new_user(conn)
        store_key(conn, Vault(MasterKeys({1: KEY_1})), user, "openai", SecretStr(CANARY))
    done = run_vault("rotate", "--to-version", "3", database_url=fresh_db_url)
    assert done.returncode == 1
    assert "error: vault key version 3 has no master key; configured versions: [1, 2]" in done.stderr
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        assert key_version_counts(conn) == {1: 1}
