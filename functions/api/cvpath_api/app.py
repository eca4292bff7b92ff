"""The public app API: FastAPI behind API Gateway's HTTP API, through Mangum.

``handler`` is the Lambda entry point (``cvpath_api.app.handler``); ``app`` is
the ASGI application tests and the OpenAPI schema use. The schema is served at
``/api/openapi.json``, a route the template maps to this function.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from mangum import Mangum

from cvpath.web.errors import install_error_handlers
from cvpath_api.models import Health
from cvpath_api.routes import applications, builder, cvs, identity, preferences, runs

if TYPE_CHECKING:
    from mangum.types import LambdaContext

app = FastAPI(
    title="CVPath public API",
    version="0.9.0",
    summary="Guests, accounts, master CVs, job applications, tailoring runs and their artifacts.",
    description=(
        "Authenticate with `Authorization: Bearer <token>` (a guest token from `POST /api/guest` or an "
        "access token from register/login/refresh), or with the `cvpath_guest` / `cvpath_access` cookies "
        'those routes set. Every error answers `{"error": {"code", "message", "details"}}`.'
    ),
    openapi_url="/api/openapi.json",
    # The interactive pages load scripts from a CDN and have no route in the template.
    docs_url=None,
    redoc_url=None,
)
install_error_handlers(app)
app.include_router(identity.router)
app.include_router(builder.router)
app.include_router(cvs.router)
app.include_router(applications.router)
app.include_router(runs.router)
app.include_router(preferences.router)


@app.get("/api/health", response_model=Health, tags=["health"], summary="Liveness: no database involved")
def health() -> Health:
    return Health()


_loops = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, made current on first use.

    Why: Mangum runs each request on the calling thread's current loop. Lambda calls
    from one thread, but ``cvpath serve`` calls from the gateway's request threads,
    which have none (and asking asyncio for one there is an error).
    """
    loop: asyncio.AbstractEventLoop | None = getattr(_loops, "loop", None)
    if loop is None:
        loop = _loops.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


# Before Mangum, which otherwise asks asyncio for the import thread's loop the deprecated way.
_thread_loop()
_mangum = Mangum(app, lifespan="off")


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The Lambda entry point: one API Gateway HTTP API (payload 2.0) event in, its response out.

    An event that is not an HTTP API request (a misdirected invoke, a test payload)
    gets a 400 with the common error body instead of Mangum's RuntimeError.
    """
    if not _is_http_api_event(event):
        return {
            "statusCode": 400,
            "headers": {"content-type": "application/json"},
            "body": json.dumps(
                {
                    "error": {
                        "code": "invalid_event",
                        "message": "the public API takes API Gateway HTTP API (payload 2.0) events",
                        "details": {},
                    }
                }
            ),
            "isBase64Encoded": False,
        }
    _thread_loop()
    return dict(_mangum(event, context))


def _is_http_api_event(event: object) -> bool:
    if not isinstance(event, dict) or event.get("version") != "2.0":
        return False
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, dict) else None
    return (
        isinstance(http, dict)
        and isinstance(http.get("method"), str)
        and isinstance(event.get("rawPath"), str)
    )
