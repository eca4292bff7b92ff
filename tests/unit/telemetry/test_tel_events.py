"""The wire models and the queue envelope: limits, round trips, UUIDv7 ids."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.errors import ValidationFailed
from cvpath.telemetry.events import (
    Action,
    Envelope,
    ErrorReport,
    LlmRequest,
    PageView,
    new_event_id,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCRIPT = '<script>alert("x")</script>'


def test_new_event_id_is_a_time_ordered_uuid7() -> None:
    before_ms = time.time_ns() // 1_000_000
    ids = [new_event_id() for _ in range(5000)]
    after_ms = time.time_ns() // 1_000_000

    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids, key=lambda i: i.int)
    assert len(set(ids)) == len(ids)
    assert before_ms <= ids[0].int >> 80 <= ids[-1].int >> 80 <= after_ms + 1


def test_a_script_tag_travels_as_plain_text() -> None:
    envelope = Envelope.wrap("page_view", PageView(path="/x", title=SCRIPT), NOW)

    parsed = Envelope.parse(envelope.to_body())

    assert isinstance(parsed.data, PageView)
    assert parsed.data.title == SCRIPT
    assert parsed == envelope


def test_wrap_keeps_the_clients_id_and_time_and_data_repeats_them() -> None:
    event_id, occurred = uuid.uuid4(), NOW - timedelta(minutes=3)
    envelope = Envelope.wrap(
        "action", Action(action_type="cv.upload", event_id=event_id, occurred_at=occurred), NOW
    )

    assert (envelope.event_id, envelope.occurred_at, envelope.received_at) == (event_id, occurred, NOW)
    assert (envelope.data.event_id, envelope.data.occurred_at) == (event_id, occurred)


def test_wrap_assigns_a_uuid7_and_the_receive_time_when_the_client_gives_none() -> None:
    envelope = Envelope.wrap("action", Action(action_type="click"), NOW)

    assert envelope.event_id.version == 7
    assert envelope.occurred_at == NOW


def test_an_event_from_the_future_is_refused() -> None:
    with pytest.raises(ValueError, match="future"):
        Envelope.wrap("action", Action(action_type="click", occurred_at=NOW + timedelta(hours=1)), NOW)


@pytest.mark.parametrize(
    ("model", "fields", "where"),
    [
        (PageView, {"path": "/" * 2049}, "path"),
        (PageView, {"path": ""}, "path"),
        (PageView, {"path": "/a\x00b"}, "path"),
        (PageView, {"path": "/", "duration_ms": "fast"}, "duration_ms"),
        (PageView, {"path": "/", "duration_ms": -1}, "duration_ms"),
        (PageView, {"path": "/", "device_type": "fridge"}, "device_type"),
        (PageView, {"path": "/", "session_id": "not-a-uuid"}, "session_id"),
        (PageView, {"path": "/", "unknown": 1}, "unknown"),
        (Action, {"action_type": "Click Me"}, "action_type"),
        (Action, {"action_type": "click", "metadata": {"blob": "x" * 9000}}, "metadata"),
        (Action, {"action_type": "click", "metadata": ["not", "an", "object"]}, "metadata"),
        (LlmRequest, {"provider": "p", "model": "m", "latency_ms": 1, "status": "DONE"}, "status"),
        (
            LlmRequest,
            {"provider": "p", "model": "m", "latency_ms": 1, "status": "SUCCESS", "cost_usd": -1},
            "cost_usd",
        ),
        (ErrorReport, {"microservice": "mainframe", "error_type": "E"}, "microservice"),
        (ErrorReport, {"microservice": "api", "error_type": "E", "stack_trace": "s" * 40_000}, "stack_trace"),
    ],
)
def test_bad_fields_are_refused_where_they_are(model: Any, fields: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(fields)

    assert where in {str(part) for error in caught.value.errors() for part in error["loc"]}


def test_an_event_names_one_owner_at_most() -> None:
    with pytest.raises(ValidationError, match="not both"):
        PageView(path="/", user_id=uuid.uuid4(), guest_id=uuid.uuid4())


def test_a_failed_llm_request_needs_an_error_code() -> None:
    with pytest.raises(ValidationError, match="error_code"):
        LlmRequest(provider="openai", model="gpt", latency_ms=5, status="TIMEOUT")
    ok = LlmRequest.model_validate(
        {"provider": "openai", "model": "gpt", "latency_ms": 5, "status": "TIMEOUT", "error_code": "timeout"}
    )
    assert ok.error_code == "timeout"


def test_agent_type_accepts_either_spelling_and_stores_the_database_name() -> None:
    fields = {"provider": "p", "model": "m", "latency_ms": 1, "status": "SUCCESS", "agent_type": "cv_parser"}
    assert LlmRequest.model_validate(fields).agent_type == "CV_PARSER"


def test_error_fingerprint_groups_by_type_file_and_function() -> None:
    one = ErrorReport(microservice="frontend", error_type="TypeError", file_path="a.js", function_name="f")
    same = one.model_copy(update={"message": "other text", "line_number": 99})
    other = one.model_copy(update={"function_name": "g"})

    assert one.group_fingerprint == same.group_fingerprint != other.group_fingerprint
    given = ErrorReport(microservice="api", error_type="E", fingerprint="ab" * 16)
    assert given.group_fingerprint == "ab" * 16


def test_parse_refuses_garbage_without_echoing_it() -> None:
    for body in ("not json", '{"v": 1}', '{"v": 2, "kind": "action"}'):
        with pytest.raises(ValidationFailed) as caught:
            Envelope.parse(body)
        assert caught.value.details["errors"]
    secret = Envelope.wrap("action", Action(action_type="click"), NOW).model_dump(mode="json")
    secret["data"]["element_id"] = 12345678  # wrong type: its value must not be echoed
    with pytest.raises(ValidationFailed) as caught:
        Envelope.parse(json.dumps(secret))
    assert "12345678" not in str(caught.value.details)


def test_parse_refuses_data_of_another_kind() -> None:
    body = Envelope.wrap("page_view", PageView(path="/"), NOW).model_dump(mode="json")
    body["kind"] = "action"
    with pytest.raises(ValidationFailed):
        Envelope.parse(json.dumps(body))


def test_llm_cost_survives_the_round_trip_exactly() -> None:
    event = LlmRequest(
        provider="p", model="m", latency_ms=1, status="SUCCESS", cost_usd=Decimal("0.0000001234")
    )
    parsed = Envelope.parse(Envelope.wrap("llm_request", event, NOW).to_body())
    assert isinstance(parsed.data, LlmRequest)
    assert str(parsed.data.cost_usd) in {"1.234E-7", "0.0000001234"}
    assert parsed.data.cost_usd == event.cost_usd
