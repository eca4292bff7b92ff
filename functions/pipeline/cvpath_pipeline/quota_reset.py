"""The FREE tier's daily quota reset (schedule cron(0 0 * * ? *)): a stub until issue 7 adds quotas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvpath.not_implemented import task_not_implemented

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return task_not_implemented(feature="daily FREE quota reset", issue=7)
