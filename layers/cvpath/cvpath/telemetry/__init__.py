"""Fire-and-forget telemetry: events go to SQS without blocking the caller."""

from cvpath.telemetry.client import (
    CollectingTelemetry,
    NoOpTelemetry,
    TelemetryClient,
    TelemetryEvent,
    configure_from_settings,
    flush_telemetry,
    get_telemetry,
    report_error,
    set_telemetry,
)
from cvpath.telemetry.sqs_client import SqsTelemetry

__all__ = [
    "CollectingTelemetry",
    "NoOpTelemetry",
    "SqsTelemetry",
    "TelemetryClient",
    "TelemetryEvent",
    "configure_from_settings",
    "flush_telemetry",
    "get_telemetry",
    "report_error",
    "set_telemetry",
]
