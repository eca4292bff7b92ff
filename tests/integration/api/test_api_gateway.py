"""The public API through the local gateway (``cvpath serve``), as API Gateway and Lambda run it."""

from __future__ import annotations

import httpx
import pytest
from api_world import SECRET, bearer
from serve_thread import serving

from cvpath.config import get_settings


def test_a_guest_is_created_and_recognised_through_the_gateway(
    pooled_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    with serving() as base, httpx.Client(base_url=base, timeout=30) as client:
        created = client.post("/api/guest", headers={"user-agent": "gateway-test"})
        assert created.status_code == 201, created.text
        body = created.json()
        assert "cvpath_guest=" in created.headers["set-cookie"]
        me = client.get("/api/me", headers=bearer(body["guest_token"]))
        assert me.json() == {
            "kind": "guest",
            "guest_id": body["guest_id"],
            "user_id": None,
            "is_admin": False,
        }
        missing = client.get("/api/runs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10")
        assert missing.status_code == 401
        assert missing.json()["error"]["code"] == "not_authenticated"
        assert client.get("/api/openapi.json").json()["info"]["title"] == "CVPath public API"
