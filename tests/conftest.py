"""Suite-wide options and fixtures. The database fixtures live in tests/db_fixtures.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Registered here so that tests/integration and tests/e2e share one copy.
from db_fixtures import (  # noqa: F401
    conn,
    db,
    empty_db_url,
    fresh_db_url,
    pooled_db,
    seed_run,
    server_url,
    shared_db_url,
    sql_dir,
    template_db,
)

# The LLM kill switch: only loopback (the fake provider servers) is reachable
# from the suite. Set before any settings are read.
os.environ["CVPATH_LLM_FORBID_NETWORK"] = "1"
os.environ.setdefault("CVPATH_ENV", "test")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-testdata",
        action="store_true",
        default=False,
        help="rewrite reference files (JSON Schemas, PDF text, ...) instead of comparing with them",
    )


@pytest.fixture
def update_testdata(request: pytest.FixtureRequest) -> bool:
    """True when the run should regenerate reference files rather than compare."""
    return bool(request.config.getoption("--update-testdata"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/integration and tests/e2e needs a real PostgreSQL."""
    for item in items:
        parts = item.path.parts
        if "integration" in parts or "e2e" in parts:
            item.add_marker(pytest.mark.db)


CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus`` (real CVs and jobs with labels); the test skips when it is absent."""
    if not (CORPUS_DIR / "labels").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS_DIR}: these tests need ../shared/corpus")
    return CORPUS_DIR
