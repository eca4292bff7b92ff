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

from cvpath.errors import (
    CVPathError,
    ProviderUnavailable,
    QuotaExceeded,
    RateLimited,
    UnparseableCV,
    ValidationFailed,
    pipeline_error_name,
)

_BY_NAME: dict[str, type[CVPathError]] = {
    klass.__name__: klass
    for klass in (UnparseableCV, ValidationFailed, QuotaExceeded, RateLimited, ProviderUnavailable)
}


def as_pipeline_error(exc: CVPathError) -> CVPathError:
    """``exc`` as the pipeline error class it falls under, or ``exc`` itself when it has none."""
    name = pipeline_error_name(exc)
    if name is None:
        return exc
    return _BY_NAME[name](exc.message, details={**exc.details, "code": exc.code})
