"""The public app API: only ``GET /api/health`` answers until issue 9; every other route is a 501."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvpath.not_implemented import describe_request, http_json, http_not_implemented

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

HEALTH_ROUTE = "GET /api/health"


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if describe_request(event) == HEALTH_ROUTE:
        return http_json(200, {"status": "ok"})
    return http_not_implemented(event, feature="the public app API", issue=9)
