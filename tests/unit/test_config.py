"""Settings are read once from the environment, strictly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from cvpath.config import Settings, _from_environ, get_settings


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_point_beside_the_checkout() -> None:
    settings = _from_environ({})
    root = Path(__file__).resolve().parents[2]
    assert settings.database_url is None
    assert settings.sql_dir == root / "sql"
    assert settings.state_dir == root / ".cvpath"
    assert settings.db_prepare_threshold == 5


@pytest.mark.parametrize("value", ["none", "None", "off", ""])
def test_prepare_threshold_can_be_turned_off_for_poolers(value: str) -> None:
    assert _from_environ({"CVPATH_DB_PREPARE_THRESHOLD": value}).db_prepare_threshold is None


def test_database_url_is_secret_in_repr() -> None:
    settings = _from_environ({"DATABASE_URL": "postgresql://u:CANARY-secret@db/x"})
    assert "CANARY-secret" not in repr(settings)
    assert "CANARY-secret" not in str(settings.model_dump())
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value().endswith("@db/x")


def test_invalid_values_name_the_setting() -> None:
    with pytest.raises(ValidationError, match="db_pool_max_size"):
        _from_environ({"CVPATH_DB_POOL_MAX": "0"})
    with pytest.raises(ValidationError, match="environment"):
        _from_environ({"CVPATH_ENV": "production-ish"})


def test_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVPATH_DB_POOL_MAX", "7")
    first = get_settings()
    monkeypatch.setenv("CVPATH_DB_POOL_MAX", "9")
    assert get_settings() is first
    assert first.db_pool_max_size == 7


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="extra_forbidden"):
        Settings.model_validate({"databse_url": "typo"})
