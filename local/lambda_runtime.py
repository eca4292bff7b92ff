"""What the local runtime gives a handler that Lambda would: a context object, and logs off stdout.

Why stderr: a local invocation prints the handler's result as JSON on stdout
(like ``sam local invoke``), so the handler's own JSON log lines must not mix in.
"""

from __future__ import annotations

import logging
import sys
import uuid

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

LOCAL_ACCOUNT = "000000000000"
LOCAL_REGION = "local"


def local_context(function_name: str, *, memory_mb: int = 1024) -> LambdaContext:
    """A ``LambdaContext`` with the fields Powertools reads, and a fresh request id."""
    context = LambdaContext()
    context._function_name = function_name
    context._function_version = "$LATEST"
    context._invoked_function_arn = f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{function_name}"
    context._memory_limit_in_mb = memory_mb
    context._aws_request_id = str(uuid.uuid4())
    context._log_group_name = f"/aws/lambda/{function_name}"
    context._log_stream_name = "local"
    return context


def logs_to_stderr(logger: Logger, *, level: int | str = logging.INFO) -> None:
    """Send a handler's Powertools logs to stderr at ``level``."""
    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(sys.stderr)
    logger.setLevel(level)
