"""The telemetry interface: never raises, never carries foreign messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cvpath.errors import AtsCheckFailed
from cvpath.telemetry import CollectingTelemetry, TelemetryEvent, report_error, set_telemetry
from cvpath.telemetry.client import NoOpTelemetry, fingerprint


class Exploding:
    def emit(self, event: TelemetryEvent) -> None:
        raise RuntimeError("queue is on fire")


@pytest.fixture
def collected() -> Iterator[CollectingTelemetry]:
    sink = CollectingTelemetry()
    previous = set_telemetry(sink)
    yield sink
    set_telemetry(previous)


def test_report_error_carries_code_and_fingerprint(collected: CollectingTelemetry) -> None:
    report_error("render.pdf", AtsCheckFailed("bullet 3 missing"), engine="v2")
    (event,) = collected.events
    assert event.kind == "error"
    assert event.payload["code"] == "ats_check_failed"
    assert event.payload["message"] == "bullet 3 missing"
    assert event.payload["context"] == {"engine": "v2"}
    assert len(event.payload["fingerprint"]) == 32


def test_foreign_exception_messages_are_not_sent(collected: CollectingTelemetry) -> None:
    report_error("render.pdf", ValueError("Jane Doe, 12 Secret Street"))
    (event,) = collected.events
    assert "Secret Street" not in event.model_dump_json()
    assert event.payload["message"] == "ValueError"


def test_a_failing_client_never_breaks_the_caller() -> None:
    previous = set_telemetry(Exploding())
    try:
        report_error("render.pdf", AtsCheckFailed("x"))
    finally:
        set_telemetry(previous)


def test_fingerprint_groups_by_class_and_code_not_message() -> None:
    assert fingerprint("a", AtsCheckFailed("one")) == fingerprint("a", AtsCheckFailed("two"))
    assert fingerprint("a", AtsCheckFailed("one")) != fingerprint("b", AtsCheckFailed("one"))


def test_noop_drops_events() -> None:
    assert NoOpTelemetry().emit(TelemetryEvent(kind="action", payload={})) is None
