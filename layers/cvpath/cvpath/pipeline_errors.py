"""Errors leaving a pipeline task (agents, extraction, render), named for the state machine's Retry and Catch.

Lambda reports an uncaught exception's class name as its ``errorType``, and
Step Functions matches ``ErrorEquals`` against it. So an error with a pipeline
name (``cvpath.errors.PIPELINE_ERROR_NAMES``) leaves as an instance of that
class: ``NotAJobDescription`` as ``ValidationFailed``, ``ProviderTimeout`` as
``ProviderUnavailable``, with the original code kept in ``details["code"]``.
Other errors (``AgentInputMissing``, ``RunNotFound``, ``ConfigurationError``) keep
their own class: no Retry matches them, and a Catch-all sends them to MarkFailed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from cvpath.errors import (
    CVPathError,
    InsufficientBalance,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    SpendCapReached,
    SubscriptionInactive,
    UnparseableCV,
    ValidationFailed,
    pipeline_error_name,
)

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

_BY_NAME: dict[str, type[CVPathError]] = {
    klass.__name__: klass
    for klass in (
        UnparseableCV,
        ValidationFailed,
        InsufficientBalance,
        SpendCapReached,
        SubscriptionInactive,
        QuotaExceeded,
        RateLimited,
        ProviderUnavailable,
    )
}


def as_pipeline_error(exc: CVPathError) -> CVPathError:
    """``exc`` as the pipeline error class it falls under, or ``exc`` itself when it has none."""
    name = pipeline_error_name(exc)
    if name is None:
        return exc
    return _BY_NAME[name](exc.message, details={**exc.details, "code": exc.code})


@contextmanager
def task_errors(logger: Logger, source: str, event: object) -> Iterator[None]:
    """Around a state machine task: errors leave under their pipeline name, every failure is reported.

    Telemetry is configured from the settings on entry and flushed on the way out.

    An error already raised under a pipeline name (an ``UnparseableCV`` from
    extraction, say) leaves as it is; ``details["code"]`` keeps the most specific
    code (``scanned_document`` rather than ``unparseable_cv``).
    Logs carry codes and error types only: a message can quote a CV.
    """
    from cvpath.telemetry import configure_from_settings, flush_telemetry, report_error

    run_id = event.get("run_id") if isinstance(event, dict) else None
    where = str(run_id) if run_id else None
    # The SQS client when the function has a telemetry queue; what it buffered leaves with the task.
    with suppress(Exception):  # telemetry never fails a task
        configure_from_settings()
    try:
        yield
    except CVPathError as exc:
        named = exc if pipeline_error_name(exc) == type(exc).__name__ else as_pipeline_error(exc)
        logger.warning(f"{source} failed", extra={"code": exc.code, "error_type": type(named).__name__})
        report_error(source, exc, run_id=where)
        if named is exc:
            exc.details.setdefault("code", exc.code)
            raise
        raise named from exc
    except Exception as exc:
        logger.error(f"{source} failed unexpectedly", extra={"error_type": type(exc).__name__})
        report_error(source, exc, run_id=where)
        raise
    finally:
        flush_telemetry()
