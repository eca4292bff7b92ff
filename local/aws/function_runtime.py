"""What a handler sees when the local cloud calls it: its template environment and a Lambda context.

Why the environment is split in two: Step Functions runs Parallel branches in
threads and ``os.environ`` is process-wide. Variables every function has with the
same value are set once for the whole session; only the few that differ per
function are applied around the call, under a lock. Settings are re-read
(``get_settings.cache_clear()``) after every change.

The caller's own environment wins (DATABASE_URL, CVPATH_LLM_*, API keys,
CVPATH_ENV, log levels), except for values that name a resource of the local stack
(ARTIFACTS_BUCKET, TELEMETRY_QUEUE_URL): those always point at this stack.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.config import get_settings
from local.aws.template import FunctionDef, Template


class LocalLambdaContext(LambdaContext):
    """A LambdaContext whose remaining time counts down from the function's template Timeout."""

    def __init__(self, function: FunctionDef, function_name: str, function_arn: str) -> None:
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._invoked_function_arn = function_arn
        self._memory_limit_in_mb = function.memory_mb
        self._aws_request_id = str(uuid.uuid4())
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = "local"
        self._tenant_id = None
        self._deadline = time.monotonic() + function.timeout_s

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@contextmanager
def environ_applied(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, unset) environment variables for the block; restore them after."""
    saved = {name: os.environ.get(name) for name in values}
    _write(values)
    try:
        yield
    finally:
        _write(saved)


def _write(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()


class FunctionEnvironments:
    """Every function's effective environment, split into a shared part and per-function rest."""

    def __init__(
        self,
        template: Template,
        *,
        stack_values: Mapping[str, str],
        caller_environ: Mapping[str, str],
    ) -> None:
        effective = {
            logical_id: self._effective(function, stack_values, caller_environ)
            for logical_id, function in template.functions.items()
        }
        environments = list(effective.values())
        first = environments[0] if environments else {}
        self.shared: dict[str, str] = {
            name: value
            for name, value in first.items()
            if all(env.get(name) == value for env in environments)
        }
        self.own: dict[str, dict[str, str]] = {
            logical_id: {name: value for name, value in env.items() if name not in self.shared}
            for logical_id, env in effective.items()
        }
        self._lock = threading.RLock()

    @staticmethod
    def _effective(
        function: FunctionDef, stack_values: Mapping[str, str], caller_environ: Mapping[str, str]
    ) -> dict[str, str]:
        environment = {}
        for name, value in function.environment.items():
            if value in stack_values:
                environment[name] = stack_values[value]
            elif name not in caller_environ:
                environment[name] = value
        return environment

    @contextmanager
    def session(self) -> Iterator[None]:
        """Apply the shared part for the whole local-cloud session."""
        with environ_applied(self.shared):
            yield

    @contextmanager
    def around_call(self, logical_id: str) -> Iterator[None]:
        """Apply ``logical_id``'s own variables around one call (serialised with other such calls)."""
        own = self.own.get(logical_id) or {}
        if not own:
            yield
            return
        with self._lock, environ_applied(own):
            yield
