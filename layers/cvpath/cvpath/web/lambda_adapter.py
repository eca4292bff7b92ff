"""A FastAPI app as an API Gateway HTTP API (payload 2.0) Lambda handler, through Mangum.

Mangum runs each request on the calling thread's current event loop. Lambda calls
from one thread, but ``cvpath serve`` calls from the gateway's request threads,
which have none (and asking asyncio for one there is an error), so each thread
gets its own loop on first use. An event that is not an HTTP API request (a
misdirected invoke, a test payload) gets a 400 with the common error body
instead of Mangum's RuntimeError.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum import Mangum

if TYPE_CHECKING:
    from fastapi import FastAPI
    from mangum.types import LambdaContext

Handler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]
_loops = threading.local()


def thread_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, made current on first use."""
    loop: asyncio.AbstractEventLoop | None = getattr(_loops, "loop", None)
    if loop is None:
        loop = _loops.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def http_api_handler(app: FastAPI, *, name: str) -> Handler:
    """The Lambda entry point for ``app``; ``name`` says which API refused a non-HTTP event."""
    # Before Mangum, which otherwise asks asyncio for the import thread's loop the deprecated way.
    thread_loop()
    adapter = Mangum(app, lifespan="off")

    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if not is_http_api_event(event):
            return {
                "statusCode": 400,
                "headers": {"content-type": "application/json"},
                "body": json.dumps(
                    {
                        "error": {
                            "code": "invalid_event",
                            "message": f"the {name} takes API Gateway HTTP API (payload 2.0) events",
                            "details": {},
                        }
                    }
                ),
                "isBase64Encoded": False,
            }
        thread_loop()
        return dict(adapter(event, context))

    return handler


def is_http_api_event(event: object) -> bool:
    if not isinstance(event, dict) or event.get("version") != "2.0":
        return False
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, dict) else None
    return (
        isinstance(http, dict)
        and isinstance(http.get("method"), str)
        and isinstance(event.get("rawPath"), str)
    )
