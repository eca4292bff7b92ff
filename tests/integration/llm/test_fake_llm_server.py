"""The fake provider itself: its control routes, its scripting from JSON, its bad-request answers."""

from __future__ import annotations

import httpx
import pytest

from local.fake_llm import FakeLLMServer, Fault, Reply, item_from_json


def test_items_parse_from_json() -> None:
    assert item_from_json({"reply": "hi", "finish": "length"}) == Reply("hi", finish="length")
    assert item_from_json({"fault": "rate_limited", "retry_after": "3"}) == Fault.rate_limited("3")
    assert item_from_json({"fault": "status", "status": 503}) == Fault.unavailable()
    assert item_from_json({"fault": "too_large", "size_bytes": 10, "chunked": True}) == Fault.too_large(
        10, chunked=True
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "needs 'reply' or 'fault'"),
        ({"fault": "meltdown"}, "needs 'reply' or 'fault'"),
        ({"fault": "stall", "minutes": 3}, "unknown fault fields: minutes"),
        ({"reply": "x", "finish": "maybe"}, "finish must be"),
    ],
)
def test_bad_items_are_refused(data: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        item_from_json(data)


def test_a_server_in_another_process_is_scripted_over_http(fake_llm: FakeLLMServer) -> None:
    with httpx.Client(base_url=fake_llm.url) as client:
        queued = client.post(
            "/_fake/script", json={"items": [{"fault": "status", "status": 503}, {"reply": "ok"}]}
        )
        assert queued.json() == {"queued": 2, "pending": 2}
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        assert client.post("/v1/chat/completions", json=body).status_code == 503
        answer = client.post("/v1/chat/completions", json=body).json()
        assert answer["choices"][0]["message"]["content"] == "ok"
        seen = client.get("/_fake/requests").json()
        assert [r["path"] for r in seen] == ["/v1/chat/completions", "/v1/chat/completions"]
        assert client.get("/_fake/health").json() == {"ok": True, "pending": 0}
        assert client.post("/_fake/reset").json() == {"ok": True}
        assert fake_llm.requests == []
        assert client.post("/_fake/script", json={"items": [{"fault": "nope"}]}).status_code == 400


def test_unknown_routes_and_bodies_get_provider_style_errors(fake_llm: FakeLLMServer) -> None:
    with httpx.Client(base_url=fake_llm.url) as client:
        assert client.post("/v2/anything", json={}).status_code == 404
        wrong = client.post("/v1/messages", json={"model": "m"})
        assert wrong.status_code == 400
        assert wrong.json()["error"]["type"] == "invalid_request_error"
        not_json = client.post("/v1beta/models/g:generateContent", content=b"{nope")
        assert not_json.status_code == 400


def test_usage_counts_words(fake_llm: FakeLLMServer) -> None:
    fake_llm.script(Reply("three little words"))
    body = {
        "contents": [{"role": "user", "parts": [{"text": "one two"}]}],
        "systemInstruction": {"parts": [{"text": "sys prompt here"}]},
    }
    with httpx.Client(base_url=fake_llm.url) as client:
        usage = client.post("/v1beta/models/g:generateContent", json=body).json()["usageMetadata"]
    assert (usage["promptTokenCount"], usage["candidatesTokenCount"]) == (5, 3)
