"""The public app API: FastAPI behind API Gateway's HTTP API, through Mangum.

``handler`` is the Lambda entry point (``cvpath_api.app.handler``); ``app`` is
the ASGI application tests and the OpenAPI schema use. The schema is served at
``/api/openapi.json``, a route the template maps to this function.
"""

from __future__ import annotations

from fastapi import FastAPI

from cvpath.web.errors import install_error_handlers
from cvpath.web.lambda_adapter import http_api_handler
from cvpath_api.models import Health
from cvpath_api.routes import applications, builder, cvs, identity, preferences, runs

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


handler = http_api_handler(app, name="public API")
