"""Handlers the fixture template (testdata/small_template.yaml) names; imported by module name."""

from __future__ import annotations

import os
from typing import Any

from cvpath.config import get_settings
from cvpath.errors import RateLimited


def echo_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "run_id": event.get("run_id"),
        "branch": event.get("branch"),
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "service": os.environ.get("POWERTOOLS_SERVICE_NAME"),
        "log_level": os.environ.get("LOG_LEVEL"),
        "bucket": get_settings().artifacts_bucket,
    }


def flaky_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("fail") == "rate":
        raise RateLimited("the fake provider is rate limiting")
    if event.get("fail") == "crash":
        raise KeyError("missing")
    return {
        "value": 42,
        "service": os.environ.get("POWERTOOLS_SERVICE_NAME"),
        "log_level": os.environ.get("LOG_LEVEL"),
    }


def consume_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"batchItemFailures": []}
