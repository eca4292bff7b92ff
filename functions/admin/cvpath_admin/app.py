"""The admin API: FastAPI behind API Gateway's HTTP API, through Mangum, for operators only.

``handler`` is the Lambda entry point (``cvpath_admin.app.handler``); ``app`` is
the ASGI application tests and the OpenAPI schema use (``/api/admin/openapi.json``).
Every route but the token exchange takes an admin token; every mutation writes
an audit row in its own transaction.
"""

from __future__ import annotations

from fastapi import FastAPI

from cvpath.web.errors import install_error_handlers
from cvpath.web.lambda_adapter import http_api_handler
from cvpath_admin.routes import analytics, audit, auth, errors, model_config, runs, settings, users

app = FastAPI(
    title="CVPath admin API",
    version="0.10.0",
    summary="LLM cost analytics, platform settings, model configuration, users, error triage, runs, audit.",
    description=(
        "Sign in with `POST /api/auth/login` (public API), then exchange the access token for an admin "
        "token with `POST /api/admin/auth/token`; send that as `Authorization: Bearer`. A caller who "
        'is not an administrator gets 403 on every route. Errors answer `{"error": {"code", "message", '
        '"details"}}`.'
    ),
    openapi_url="/api/admin/openapi.json",
    docs_url=None,
    redoc_url=None,
)
install_error_handlers(app)
for module in (auth, audit, analytics, settings, model_config, users, errors, runs):
    app.include_router(module.router)

handler = http_api_handler(app, name="admin API")
