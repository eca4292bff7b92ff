"""The BYOK vault's sealing and its master keys, without a database."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr

from cvpath.config import Settings
from cvpath.errors import ConfigurationError, KeyDecryptionFailed, ValidationFailed
from cvpath.governance.vault import Vault
from cvpath.governance.vault_keys import MasterKeys
from cvpath.llm.redact import forget_secrets, redact_text

KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))
CANARY = "sk-canary-7f3a9c1e5b2d4f6a8c0e"
USER = UUID("11111111-1111-4111-8111-111111111111")
OTHER = UUID("22222222-2222-4222-8222-222222222222")


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@pytest.fixture(autouse=True)
def _forget() -> Any:
    yield
    forget_secrets()


@pytest.fixture
def vault() -> Vault:
    return Vault(MasterKeys({1: KEY_1, 2: KEY_2}))


def test_a_sealed_key_opens_for_its_user_and_provider(vault: Vault) -> None:
    blob = vault.seal(USER, "openai", SecretStr(CANARY))
    assert vault.open(USER, "openai", blob).get_secret_value() == CANARY
    # version (4 bytes) || nonce (12) || ciphertext (len of the key) + tag (16)
    assert blob[:4] == (2).to_bytes(4, "big")
    assert len(blob) == 4 + 12 + len(CANARY) + 16
    assert CANARY.encode() not in blob


def test_each_seal_uses_a_fresh_nonce(vault: Vault) -> None:
    first, second = (vault.seal(USER, "openai", SecretStr(CANARY)) for _ in range(2))
    assert first[4:16] != second[4:16]
    assert first != second


def test_the_vault_seals_under_the_highest_version_unless_told() -> None:
    keys = MasterKeys({1: KEY_1, 2: KEY_2})
    assert Vault(keys).version == 2
    old = Vault(keys, version=1)
    blob = old.seal(USER, "openai", SecretStr(CANARY))
    assert blob[:4] == (1).to_bytes(4, "big")
    # A vault sealing with version 2 still opens what version 1 sealed.
    assert Vault(keys).open(USER, "openai", blob).get_secret_value() == CANARY


def test_a_version_without_a_master_key_cannot_be_chosen() -> None:
    with pytest.raises(ConfigurationError, match=r"version 3 has no master key.*\[1, 2\]"):
        Vault(MasterKeys({1: KEY_1, 2: KEY_2}), version=3)


@pytest.mark.parametrize(("user", "provider"), [(OTHER, "openai"), (USER, "anthropic"), (OTHER, "gemini")])
def test_a_blob_moved_to_another_user_or_provider_does_not_open(
    vault: Vault, user: UUID, provider: str
) -> None:
    blob = vault.seal(USER, "openai", SecretStr(CANARY))
    with pytest.raises(KeyDecryptionFailed, match="altered or belongs to another user or provider") as caught:
        vault.open(user, provider, blob)
    assert caught.value.details == {"user_id": str(user), "provider": provider, "key_version": 2}


@pytest.mark.parametrize("position", [4, 10, 15, 16, 20, -17, -1])
def test_any_tampered_byte_fails_to_open(vault: Vault, position: int) -> None:
    blob = bytearray(vault.seal(USER, "openai", SecretStr(CANARY)))
    blob[position] ^= 0x01
    with pytest.raises(KeyDecryptionFailed):
        vault.open(USER, "openai", bytes(blob))


@pytest.mark.parametrize("length", [0, 3, 4, 16, 31])
def test_a_truncated_blob_fails_to_open(vault: Vault, length: int) -> None:
    blob = vault.seal(USER, "openai", SecretStr(CANARY))[:length]
    with pytest.raises(KeyDecryptionFailed, match=f"is truncated \\({length} bytes\\)"):
        vault.open(USER, "openai", blob)


def test_a_blob_cut_short_of_its_tag_fails_to_open(vault: Vault) -> None:
    blob = vault.seal(USER, "openai", SecretStr(CANARY))
    with pytest.raises(KeyDecryptionFailed, match="does not decrypt"):
        vault.open(USER, "openai", blob[:-1])


def test_an_unknown_version_names_the_version_and_the_configured_ones(vault: Vault) -> None:
    blob = Vault(MasterKeys({7: KEY_1})).seal(USER, "openai", SecretStr(CANARY))
    with pytest.raises(KeyDecryptionFailed) as caught:
        vault.open(USER, "openai", blob)
    assert (
        "master key version 7, which is not configured (configured versions: [1, 2])" in caught.value.message
    )
    assert caught.value.details["key_version"] == 7
    assert b64(KEY_1) not in caught.value.message


def test_the_wrong_master_key_under_the_same_version_fails(vault: Vault) -> None:
    blob = Vault(MasterKeys({2: KEY_1})).seal(USER, "openai", SecretStr(CANARY))
    with pytest.raises(KeyDecryptionFailed, match="under master key version 2"):
        vault.open(USER, "openai", blob)


@pytest.mark.parametrize("key", ["", "   ", "x" * 4097])
def test_a_blank_or_huge_key_is_refused(vault: Vault, key: str) -> None:
    with pytest.raises(ValidationFailed, match="1 to 4096 characters"):
        vault.seal(USER, "openai", SecretStr(key))


def test_an_opened_key_is_masked_from_then_on(vault: Vault) -> None:
    blob = vault.seal(USER, "openai", SecretStr(CANARY))
    forget_secrets()
    assert redact_text(f"key={CANARY}") == f"key={CANARY}"
    vault.open(USER, "openai", blob)
    assert redact_text(f"key={CANARY}") == "key=***"


def test_failures_never_carry_the_key_or_the_master_key(
    vault: Vault, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    blob = vault.seal(USER, "openai", SecretStr(CANARY))
    texts = [repr(vault.keys), repr(SecretStr(CANARY))]
    for opener, user, opened in (
        (vault, OTHER, blob),
        (vault, USER, blob[:-3]),
        (Vault(MasterKeys({9: KEY_2})), USER, blob),
    ):
        with pytest.raises(KeyDecryptionFailed) as caught:
            opener.open(user, "openai", opened)
        texts += [str(caught.value), repr(caught.value), str(caught.value.to_body())]
    captured = capsys.readouterr()
    texts += [caplog.text, captured.out, captured.err]
    for secret in (CANARY, b64(KEY_1), b64(KEY_2)):
        assert not any(secret in text for text in texts)


# --- master keys -------------------------------------------------------------------


def test_master_keys_parse_versions_and_keys() -> None:
    keys = MasterKeys.parse(f" 2:{b64(KEY_2)} , 1:{b64(KEY_1)},")
    assert keys.versions == (1, 2)
    assert keys.latest == 2
    assert keys.get(1) == KEY_1
    assert keys.get(2) == KEY_2
    assert keys.get(3) is None
    assert repr(keys) == "MasterKeys(versions=[1, 2])"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "are empty"),
        (" , ,", "are empty"),
        (f"{b64(KEY_1)}", "entry 1 is not '<version>:<base64 key>'"),
        (f"1:{b64(KEY_1)},v2:{b64(KEY_2)}", "entry 2 is not '<version>:<base64 key>'"),
        (f"\u00b2:{b64(KEY_1)}", "entry 1 is not"),
        (f"-1:{b64(KEY_1)}", "entry 1 is not"),
        (f"0:{b64(KEY_1)}", "version 0 is invalid"),
        ("1:not*base64!", "version 1 is not valid base64"),
        (f"1:{b64(KEY_1)[:-2]}", "version 1 is not valid base64"),
        (f"1:{b64(KEY_1[:16])}", "version 1 is 16 bytes; it must be 32"),
        (f"1:{b64(KEY_1 + b'x')}", "version 1 is 33 bytes; it must be 32"),
        (f"1:{b64(KEY_1)},1:{b64(KEY_2)}", "version 1 is given twice"),
    ],
)
def test_bad_master_keys_are_a_configuration_error(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        MasterKeys.parse(text)
    assert b64(KEY_1) not in caught.value.message
    assert b64(KEY_2) not in caught.value.message


def test_master_keys_need_at_least_one_key() -> None:
    with pytest.raises(ConfigurationError, match="no master keys"):
        MasterKeys({})


def test_master_keys_come_from_the_environment_setting() -> None:
    settings = Settings(vault_master_keys=SecretStr(f"1:{b64(KEY_1)},3:{b64(KEY_2)}"), vault_key_version=1)
    vault = Vault.from_settings(settings)
    assert vault.keys.versions == (1, 3)
    assert vault.version == 1


def test_no_master_keys_configured_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="set CVPATH_VAULT_KEYS"):
        MasterKeys.from_settings(Settings())


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
def test_in_aws_the_master_keys_come_from_an_ssm_secure_string_read_once() -> None:
    name = f"/cvpath/test/vault_keys_{uuid4().hex}"
    ssm = boto3.client("ssm", region_name="eu-west-1")
    ssm.put_parameter(Name=name, Value=f"1:{b64(KEY_1)}", Type="SecureString")
    assert MasterKeys.from_settings(Settings(vault_key_parameter=name)).get(1) == KEY_1
    # Within max_age the cached text is used: a changed parameter is not re-read on every execution.
    ssm.put_parameter(Name=name, Value=f"1:{b64(KEY_2)}", Type="SecureString", Overwrite=True)
    assert MasterKeys.from_settings(Settings(vault_key_parameter=name)).get(1) == KEY_1


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("prefix", ["secretsmanager:", ""])
def test_in_aws_the_master_keys_can_live_in_secrets_manager(prefix: str) -> None:
    client = boto3.client("secretsmanager", region_name="eu-west-1")
    arn = client.create_secret(Name=f"cvpath-vault-{uuid4().hex}", SecretString=f"4:{b64(KEY_2)}")["ARN"]
    name = f"{prefix}{arn}"
    assert MasterKeys.from_settings(Settings(vault_key_parameter=name)).get(4) == KEY_2


@pytest.mark.usefixtures("aws")
def test_a_missing_aws_parameter_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"/cvpath/nowhere could not be read \(GetParameterError\)"):
        MasterKeys.from_settings(Settings(vault_key_parameter="/cvpath/nowhere"))


def test_an_empty_aws_parameter_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from aws_lambda_powertools.utilities import parameters

    monkeypatch.setattr(parameters, "get_parameter", lambda name, **kwargs: "  ")
    with pytest.raises(ConfigurationError, match="parameter /cvpath/vault is empty"):
        MasterKeys.from_settings(Settings(vault_key_parameter="/cvpath/vault"))
