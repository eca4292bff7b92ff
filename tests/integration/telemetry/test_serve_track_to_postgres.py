"""The telemetry path end to end under ``cvpath serve``: HTTP 202, SQS, the consumer, a row in Postgres."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from serve_thread import serving


@pytest.fixture
def served(pooled_db: str) -> Iterator[str]:
    with serving() as url:
        yield url


def test_a_page_view_posted_to_serve_is_in_postgres_within_two_seconds(
    served: str, db: psycopg.Connection[Any]
) -> None:
    event_id = uuid.uuid4()
    guest = uuid.uuid4()
    body = {"event_id": str(event_id), "path": "/jobs/<script>alert(1)</script>", "guest_id": str(guest)}
    with httpx.Client(base_url=served, trust_env=False, timeout=10) as http:
        answer = http.post("/track/page-view", json=body)
    posted = time.monotonic()
    assert answer.status_code == 202, answer.text
    assert str(event_id) in answer.json()["accepted"]
    row = None
    while time.monotonic() - posted < 2.0 and row is None:
        row = db.execute(
            "SELECT path, guest_id FROM analytics_monitoring.page_views WHERE event_id = %s", [event_id]
        ).fetchone()
        time.sleep(0.05)
    assert row is not None, "the page view did not reach analytics_monitoring.page_views within 2 s"
    assert row == ("/jobs/<script>alert(1)</script>", guest)  # stored as text, unchanged
