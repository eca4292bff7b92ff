"""The common error body on every answer that is not a success, and the 500 that never leaks.

Every error leaves as ``{"error": {"code", "message", "details"}}``:
- a ``CVPathError`` with its own ``http_status``;
- a request that does not validate as 422, naming the field locations and the
  rule broken, never the values sent (they may be a password or a token);
- Starlette's own 404/405 (an unknown path, a wrong method);
- anything else as 500 ``internal_error``, logged by its class name only: the
  text of an unexpected exception may quote SQL parameters or a header.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cvpath.errors import CVPathError

logger = logging.getLogger("cvpath.api")

# Context values of a validation error that describe the rule, not the input.
_RULE_CONTEXT_KEYS = ("min_length", "max_length", "pattern", "ge", "gt", "le", "lt", "expected")
_STATUS_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large"}
_JSON_BODY = b'{"error":{"code":"internal_error","message":"internal error","details":{}}}'


class NotAuthenticated(CVPathError):
    """No credentials where the route needs a principal (a bad token is the auth layer's 401)."""

    http_status = 401
    code = "not_authenticated"


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_authenticated"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for ``statuses``, all with the common error body."""
    return {status: {"model": ErrorBody, "description": _describe(status)} for status in statuses}


def _describe(status: int) -> str:
    return {
        401: "missing, invalid, expired or revoked credentials",
        409: "conflicts with the current state",
        422: "the request does not validate",
        429: "too many attempts",
        403: "the caller may not use this route",
        404: "no such object for this caller",
        413: "the body is too large",
        415: "the body's media type is not accepted",
    }.get(status, "error")


def _body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Where each problem is and which rule it breaks; ``input`` and free-text messages are dropped."""
    described: list[dict[str, Any]] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        entry: dict[str, Any] = {"loc": location, "type": error.get("type")}
        context = error.get("ctx") or {}
        rule = {key: context[key] for key in _RULE_CONTEXT_KEYS if isinstance(context.get(key), int | str)}
        if rule:
            entry["rule"] = rule
        described.append(entry)
    return described


async def _cvpath_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CVPathError)
    headers = {"www-authenticate": "Bearer"} if exc.http_status == 401 else None
    return JSONResponse(exc.to_body(), status_code=exc.http_status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = {"errors": validation_details(exc.errors())}
    return JSONResponse(_body("validation_failed", "the request does not validate", details), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = {404: "no such route", 405: "method not allowed on this route"}.get(exc.status_code, code)
    return JSONResponse(_body(code, message), status_code=exc.status_code, headers=exc.headers)


class InternalErrorMiddleware:
    """Answers 500 ``internal_error`` for any exception the handlers above did not take.

    Why a middleware rather than an ``Exception`` handler: Starlette re-raises
    after such a handler answers, and Mangum then logs the exception with its text.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001 - the last line of defence; the class name is logged
            logger.error("unhandled %s on %s %s", type(exc).__name__, scope.get("method"), _route_of(scope))
            if started:
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_JSON_BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _JSON_BODY})


def _route_of(scope: Scope) -> str:
    """The matched route's template (``/api/runs/{id}``), never the raw path with its ids."""
    route = scope.get("route")
    return str(getattr(route, "path", "?"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CVPathError, _cvpath_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(InternalErrorMiddleware)
