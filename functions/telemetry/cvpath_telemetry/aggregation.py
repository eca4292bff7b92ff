"""The hourly usage aggregation into user_model_usage: a stub until issue 8."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvpath.not_implemented import task_not_implemented

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return task_not_implemented(feature="hourly usage aggregation", issue=8)
