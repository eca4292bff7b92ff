"""``cvpath serve``: POST /track/page-view through the template's route answers 202 with the event id."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from serve_thread import serving


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving() as url:
        yield url


def test_a_page_view_is_accepted_through_the_local_gateway(base_url: str) -> None:
    event_id = str(uuid.uuid4())
    with httpx.Client(base_url=base_url, trust_env=False, timeout=20) as http:
        response = http.post("/track/page-view", json={"path": "/pricing", "event_id": event_id})
        too_many = http.post("/track/page-view", json={"events": [{"path": "/"}] * 101})

    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": [event_id], "rejected": []}
    assert too_many.status_code == 400
