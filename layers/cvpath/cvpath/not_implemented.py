"""Answers of the entry points whose feature arrives in a later issue.

Why a shared module: a stub must fail in one recognisable way (HTTP 501 with the
usual error body, or a task result that says so) instead of pretending to work.
Imports stay minimal so a stub's cold start costs nothing.
"""

from __future__ import annotations

import json
from typing import Any

NOT_IMPLEMENTED_CODE = "not_implemented"
MAX_PATH_CHARS = 200


def http_not_implemented(event: dict[str, Any], *, feature: str, issue: int) -> dict[str, Any]:
    """An API Gateway v2 (HTTP API) response 501 with the error body every HTTP entry point uses."""
    body = {
        "error": {
            "code": NOT_IMPLEMENTED_CODE,
            "message": f"{describe_request(event)}: {feature} is not implemented yet (issue {issue})",
            "details": {"feature": feature, "issue": issue},
        }
    }
    return http_json(501, body)


def task_not_implemented(*, feature: str, issue: int) -> dict[str, Any]:
    """The result of a scheduled or queued task that has nothing to do until its issue lands.

    Why not raise: a failing schedule would fill the scheduled jobs' dead-letter
    queue with runs that can never succeed; the result says plainly what happened.
    """
    return {"status": NOT_IMPLEMENTED_CODE, "feature": feature, "issue": issue}


def http_json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway v2 response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body, separators=(",", ":")),
    }


def describe_request(event: object) -> str:
    """``"GET /api/cvs"`` from an API Gateway v2 event; ``"request"`` when the event is not one.

    The query string is left out (it may carry a token) and the path is capped.
    """
    fields = event if isinstance(event, dict) else {}
    context = fields.get("requestContext")
    http = context.get("http") if isinstance(context, dict) else None
    method = http.get("method") if isinstance(http, dict) else None
    path = fields.get("rawPath")
    if isinstance(method, str) and isinstance(path, str):
        return f"{method.upper()[:10]} {path[:MAX_PATH_CHARS]}"
    return "request"
