"""Fire-and-forget telemetry: events go to SQS without blocking the caller."""

from cvpath.telemetry.client import (
    CollectingTelemetry,
    NoOpTelemetry,
    TelemetryClient,
    TelemetryEvent,
    get_telemetry,
    report_error,
    set_telemetry,
)

__all__ = [
    "CollectingTelemetry",
    "NoOpTelemetry",
    "TelemetryClient",
    "TelemetryEvent",
    "get_telemetry",
    "report_error",
    "set_telemetry",
]
