"""An operator's day through ``cvpath serve``: sign in, cost by provider, free mode, a limit, an error.

Everything goes over HTTP to the local gateway, which invokes the admin API's
Lambda handler; the error arrives the way a client reports one (POST
/track/error -> SQS -> the consumer), and every change shows in the audit trail.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
from admin_world import PASSWORD, SECRET, bearer
from psycopg.types.json import Jsonb
from serve_thread import serving

from cvpath.config import get_settings

FINGERPRINT = "feedfacecafebeef0123"


def _seed_llm_calls(db: psycopg.Connection[Any], user_id: Any) -> None:
    """Four calls of one user over nine days, then the hourly job's catch-up over those hours."""
    from cvpath.telemetry.aggregation import catch_up

    now = datetime.now(UTC)
    for provider, model, cost, ago in (
        ("openai", "gpt-4o-mini", "0.0012", 1),
        ("openai", "gpt-4o-mini", "0.0030", 2),
        ("anthropic", "claude-3-5-haiku-latest", "0.0040", 3),
        ("openai", "gpt-4o-mini", "0.5000", 9),  # outside the last 7 days
    ):
        db.execute(
            """INSERT INTO analytics_monitoring.llm_generation_logs
                   (user_id, provider, model, agent, cost_usd, latency_ms, status, request,
                    input_tokens, output_tokens, created_at)
               VALUES (%s, %s, %s, 'CV_PARSER', %s, 420, 'SUCCESS', %s, 100, 50, %s)""",
            [user_id, provider, model, cost, Jsonb({"messages": []}), now - timedelta(days=ago)],
        )
    catch_up(db, now=now, max_hours=24 * 10)


def _wait_for_error(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        groups = client.get("/api/admin/errors", headers=headers).json()["items"]
        found = [group for group in groups if group["fingerprint"] == FINGERPRINT]
        if found:
            return found[0]
        time.sleep(0.3)
    raise AssertionError("the reported error never reached the errors list")


def test_an_operator_runs_the_platform_through_the_gateway(
    pooled_db: str, db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    with serving() as base, httpx.Client(base_url=base, timeout=60) as client:
        for email in ("ops@example.com", "ada@example.com"):
            client.post("/api/auth/register", json={"email": email, "password": PASSWORD}).raise_for_status()
        db.execute("UPDATE public.users SET is_admin = true WHERE email = 'ops@example.com'")
        ada_row = db.execute("SELECT id FROM public.users WHERE email = 'ada@example.com'").fetchone()
        assert ada_row is not None
        _seed_llm_calls(db, ada_row[0])
        login = client.post("/api/auth/login", json={"email": "ops@example.com", "password": PASSWORD})
        exchanged = client.post("/api/admin/auth/token", headers=bearer(login.json()["access_token"]))
        assert exchanged.status_code == 200, exchanged.text
        admin = bearer(exchanged.json()["admin_token"])

        since = (datetime.now(UTC) - timedelta(days=7)).isoformat()
        cost = client.get(
            "/api/admin/llm-analytics", params={"group_by": "provider", "from": since}, headers=admin
        )
        assert cost.status_code == 200, cost.text
        by_provider = {item["key"]: item for item in cost.json()["items"]}
        assert set(by_provider) == {"openai", "anthropic"}
        assert by_provider["openai"]["requests"] == 2
        assert by_provider["openai"]["cost_usd"].startswith("0.0042")
        assert by_provider["anthropic"]["cost_usd"].startswith("0.004")

        for mode in (True, False):
            changed = client.put("/api/admin/settings", json={"global_free_mode": mode}, headers=admin)
            assert changed.status_code == 200, changed.text
            assert client.get("/api/admin/settings", headers=admin).json()["global_free_mode"] is mode

        found = client.get("/api/admin/users", params={"query": "ada@"}, headers=admin).json()["items"]
        (ada,) = found
        raised = client.patch(f"/api/admin/users/{ada['id']}", json={"daily_limit": 40}, headers=admin)
        assert raised.status_code == 200, raised.text
        assert client.get(f"/api/admin/users/{ada['id']}", headers=admin).json()["daily_quota"] == 40

        reported = client.post(
            "/track/error",
            json={
                "microservice": "frontend",
                "error_type": "TypeError",
                "message": "x is undefined",
                "fingerprint": FINGERPRINT,
            },
        )
        assert reported.status_code == 202, reported.text
        group = _wait_for_error(client, admin)
        assert group["status"] == "new"
        resolved = client.patch(
            f"/api/admin/errors/{FINGERPRINT}",
            json={"status": "resolved", "assignee_note": "fixed"},
            headers=admin,
        )
        assert resolved.status_code == 200, resolved.text
        assert _wait_for_error(client, admin)["status"] == "resolved"

        trail = client.get("/api/admin/audit", headers=admin).json()["items"]
        actions = [entry["action"] for entry in reversed(trail)]
        assert actions == ["settings.update", "settings.update", "user.update", "error.triage"]
        free_on, free_off = trail[3], trail[2]
        assert free_on["before"]["global_free_mode"] is False
        assert free_on["after"]["global_free_mode"] is True
        assert free_off["after"]["global_free_mode"] is False
        assert trail[1]["target_id"] == ada["id"]
        assert trail[0]["target_id"] == FINGERPRINT
