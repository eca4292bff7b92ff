"""The admin API: every route answers 501 until issue 10."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvpath.not_implemented import http_not_implemented

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return http_not_implemented(event, feature="the admin API", issue=10)
