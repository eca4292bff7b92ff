"""A committed database the agent steps and the pooled audit recorder share, and runs to run them on.

Why a fresh database instead of the rollback ``conn``: audit rows are written
through the process pool on their own connections, and they must be visible
to the test (and survive a failed step) like in Lambda.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from cvpath.config import get_settings
from cvpath.db import pool
from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.llm.redact import forget_secrets

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SAMPLE_CV_TEXT = (EXAMPLES / "sample_cv.txt").read_text(encoding="utf-8")
SAMPLE_JOB_TEXT = (EXAMPLES / "sample_job.txt").read_text(encoding="utf-8")
PLATFORM_KEYS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "OPENROUTER_API_KEY",
    "CVPATH_LLM_KEY_PARAMETER_PREFIX",
)

SeedRun = Callable[..., UUID]


@pytest.fixture
def pooled_db(monkeypatch: pytest.MonkeyPatch, fresh_db_url: str) -> Iterator[str]:
    """``fresh_db_url`` as the process's DATABASE_URL, with no platform LLM key configured."""
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    for name in PLATFORM_KEYS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    pool.close_pool()
    yield fresh_db_url
    pool.close_pool()
    get_settings.cache_clear()
    forget_secrets()


@pytest.fixture
def db(pooled_db: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the pooled database (what the handler uses too)."""
    with psycopg.connect(pooled_db, autocommit=True) as conn:
        yield conn


@pytest.fixture
def seed_run(db: psycopg.Connection[Any]) -> SeedRun:
    """Create a guest's run over a CV (text and/or JSON content) and a job text; returns the run id."""

    def seed(
        cv_text: str | None = SAMPLE_CV_TEXT,
        job_text: str | None = SAMPLE_JOB_TEXT,
        *,
        content: dict[str, Any] | None = None,
        source_format: str = "TEXT",
    ) -> UUID:
        owner = Owner(guest_id=insert_guest(db))
        import_id = None
        if cv_text is not None or content is not None:
            import_id = insert_import(
                db, owner, raw_text=cv_text, content=content, source_format=source_format
            )
        job_id = insert_job_text(db, owner, job_text) if job_text is not None else None
        return insert_run(db, owner, import_data_id=import_id, job_data_id=job_id)

    return seed
