"""The SQS consumer handler: poison isolated, one write per batch, a database outage fails and retries all."""

from __future__ import annotations

import json
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from cvpath.config import get_settings
from cvpath.db import pool
from cvpath.telemetry import store
from cvpath.telemetry.events import Envelope, ErrorReport, PageView
from cvpath_telemetry import consumer

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _record(body: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "handle",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:telemetry",
        "awsRegion": "us-east-1",
    }


def _page_view(path: str = "/") -> str:
    return Envelope.wrap("page_view", PageView(path=path, session_id=uuid.uuid4()), NOW).to_body()


def _failed(response: Any) -> set[str]:
    return {item["itemIdentifier"] for item in response["batchItemFailures"]}


def _stored(db: psycopg.Connection[Any], table: str) -> int:
    row = db.execute(f"SELECT count(*) FROM analytics_monitoring.{table}").fetchone()
    assert row is not None
    return int(row[0])


def test_poison_records_alone_are_reported_and_the_rest_is_stored(db: psycopg.Connection[Any]) -> None:
    valid = [_record(_page_view(f"/{i}")) for i in range(3)]
    error = _record(Envelope.wrap("error", ErrorReport(microservice="api", error_type="E"), NOW).to_body())
    wrong_type = json.loads(valid[0]["body"])
    wrong_type["data"]["duration_ms"] = "long"
    poison = [
        _record("not json"),
        _record(json.dumps(wrong_type)),
        _record(json.dumps({"v": 2, "kind": "page_view"})),
        _record(""),
    ]
    records = [valid[0], poison[0], valid[1], poison[1], error, poison[2], valid[2], poison[3]]
    response = consumer.handler({"Records": records}, None)  # type: ignore[arg-type]
    assert _failed(response) == {record["messageId"] for record in poison}
    assert _stored(db, "page_views") == 3
    assert _stored(db, "error_events") == 1


def test_a_batch_of_only_poison_reports_every_record_without_touching_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_database() -> Any:
        raise AssertionError("the database must not be used")

    monkeypatch.setattr(consumer, "pooled_connection", no_database)
    records = [_record("{}"), _record("[]")]
    response = consumer.handler({"Records": records}, None)  # type: ignore[arg-type]
    assert _failed(response) == {record["messageId"] for record in records}


def test_valid_records_are_written_in_one_call(monkeypatch: pytest.MonkeyPatch, pooled_db: str) -> None:
    calls: list[int] = []
    real = store.write_batch

    def counting(conn: Any, envelopes: list[Envelope], **kwargs: Any) -> Any:
        calls.append(len(envelopes))
        return real(conn, envelopes, **kwargs)

    monkeypatch.setattr(consumer, "write_batch", counting)
    response = consumer.handler({"Records": [_record(_page_view()) for _ in range(10)]}, None)  # type: ignore[arg-type]
    assert response["batchItemFailures"] == []
    assert calls == [10]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_database_down_fails_the_whole_batch_and_a_redelivery_writes_each_event_once(
    monkeypatch: pytest.MonkeyPatch, db: psycopg.Connection[Any], pooled_db: str
) -> None:
    records = [_record(_page_view(f"/{i}")) for i in range(4)]
    poison = _record("garbage")
    event = {"Records": [*records, poison]}
    # Given a database that does not answer
    monkeypatch.setenv("DATABASE_URL", f"postgresql://cvpath@127.0.0.1:{_closed_port()}/cvpath")
    monkeypatch.setattr(consumer, "CONNECT_WAIT_S", 0.3)
    get_settings.cache_clear()
    pool.close_pool()
    # Then every record is reported, so SQS delivers the batch again
    response = consumer.handler(event, None)  # type: ignore[arg-type]
    assert _failed(response) == {record["messageId"] for record in [*records, poison]}
    assert _stored(db, "page_views") == 0
    # When the database is back, the redelivered batch is written, and a further redelivery adds nothing
    pool.close_pool()
    monkeypatch.setenv("DATABASE_URL", pooled_db)
    get_settings.cache_clear()
    for _ in range(2):
        assert _failed(consumer.handler(event, None)) == {poison["messageId"]}  # type: ignore[arg-type]
    assert _stored(db, "page_views") == 4
