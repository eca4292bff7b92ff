"""The one place that touches moto internals: Lambda invocations dispatched to in-process handlers.

Why: moto cannot run Lambda code without Docker, and has no supported hook for it
(moto issue #9916). With ``{"lambda": {"use_docker": False}}`` moto routes every
invoke, including those of its Step Functions interpreter, to
``LambdaSimpleBackend.invoke``, which only echoes the payload. Replacing that one
method is the smallest seam: the state machine then sees normal Lambda successes
and failures (``x-amz-function-error: Unhandled`` + ``{errorType, errorMessage}``),
so its Retry and Catch work on the error type. moto is pinned, and
``assert_seam_intact`` fails loudly if the method moves or changes shape.
"""

from __future__ import annotations

import inspect
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# (function name or ARN, payload) -> (response bytes, error type or None)
Dispatcher = Callable[[str, bytes], tuple[bytes, str | None]]

MOTO_CONFIG: dict[str, Any] = {
    "lambda": {"use_docker": False},
    "stepfunctions": {"execute_state_machine": True},
}

_SEAM_PARAMETERS = ("self", "function_name", "qualifier", "body", "headers", "response_headers")
_install_lock = threading.Lock()


def _simple_backend_class() -> type[Any]:
    try:
        from moto.awslambda_simple.models import LambdaSimpleBackend
    except ImportError as exc:
        raise RuntimeError(
            "moto.awslambda_simple.models.LambdaSimpleBackend is gone: "
            "the local Lambda seam (local/aws/lambda_seam.py) needs a new home"
        ) from exc
    return LambdaSimpleBackend


def assert_seam_intact() -> None:
    """Raise RuntimeError if moto's LambdaSimpleBackend.invoke moved or changed its signature."""
    backend = _simple_backend_class()
    invoke = backend.__dict__.get("invoke")
    # While a dispatch is active, check moto's own method, not ours.
    invoke = getattr(invoke, "_cvpath_original", invoke)
    if invoke is None or not callable(invoke):
        raise RuntimeError(
            "moto's LambdaSimpleBackend no longer defines invoke(): the local Lambda seam is broken"
        )
    parameters = tuple(inspect.signature(invoke).parameters)
    if parameters != _SEAM_PARAMETERS:
        raise RuntimeError(
            f"moto's LambdaSimpleBackend.invoke{parameters} no longer matches {_SEAM_PARAMETERS}: "
            "the local Lambda seam must be updated with moto"
        )
    from moto.awslambda.utils import get_backend

    if "use_docker" not in inspect.getsource(get_backend):
        raise RuntimeError("moto no longer picks LambdaSimpleBackend through the use_docker=False config")


def error_payload(error_type: str, message: str) -> bytes:
    """The body Lambda returns for an unhandled error, which Step Functions reads ``errorType`` from."""
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


@contextmanager
def lambda_dispatch(dispatcher: Dispatcher) -> Iterator[None]:
    """Route every moto Lambda invoke to ``dispatcher`` while the block runs; restore moto after."""
    backend = _simple_backend_class()
    if getattr(backend.__dict__.get("invoke"), "_cvpath_seam", False):
        raise RuntimeError("a lambda_dispatch is already active: one local cloud per process at a time")
    assert_seam_intact()

    def invoke(
        self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
    ) -> bytes:
        del self, qualifier, headers  # one version per function locally
        payload = body if isinstance(body, bytes) else str(body or "").encode()
        response, error_type = dispatcher(function_name, payload)
        if error_type is not None:
            response_headers["x-amz-function-error"] = "Unhandled"
        return response

    with _install_lock:
        original = backend.__dict__["invoke"]
        if getattr(original, "_cvpath_seam", False):
            raise RuntimeError("a lambda_dispatch is already active: one local cloud per process at a time")
        invoke._cvpath_seam = True  # type: ignore[attr-defined]
        invoke._cvpath_original = original  # type: ignore[attr-defined]
        backend.invoke = invoke
    try:
        yield
    finally:
        with _install_lock:
            backend.invoke = original


@contextmanager
def quiet_interpreter_errors() -> Iterator[None]:
    """Silence the ERROR lines moto's ASL interpreter logs for every failure, caught or not.

    Why: a caught, expected failure (a retry, a rejected run) is not an error of the
    local runtime; the execution history records every one of them anyway.
    """
    interpreter = logging.getLogger("moto.stepfunctions.parser")
    level = interpreter.level
    interpreter.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        interpreter.setLevel(level)
