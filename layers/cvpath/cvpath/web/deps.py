"""Request dependencies: one pooled connection per request, the caller's credentials and principal.

Credentials are read from ``Authorization: Bearer <token>`` first, then the
``cvpath_access`` cookie, then the ``cvpath_guest`` cookie: an explicit header
wins over what a browser carries along, and a signed-in user over a guest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cvpath.web.errors import NotAuthenticated

if TYPE_CHECKING:
    import psycopg

    from cvpath.auth import Principal

GUEST_COOKIE = "cvpath_guest"
ACCESS_COOKIE = "cvpath_access"

# auto_error=False: a missing header is not an error here (cookies may carry the token), and the
# 401 keeps the common body. The scheme still documents the bearer security in the OpenAPI.
bearer_scheme = HTTPBearer(auto_error=False, description="an access token or a guest token")


def connection() -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection in autocommit mode for this request; writes that belong together open a
    transaction of their own (``conn.transaction()``). 503 when the database cannot be reached."""
    import psycopg
    from psycopg_pool import PoolTimeout

    from cvpath.db.pool import get_pool
    from cvpath.errors import DatabaseUnavailable

    pool = get_pool()
    try:
        conn = pool.getconn()
    except (PoolTimeout, psycopg.OperationalError):
        raise DatabaseUnavailable("the database is not reachable right now; try again shortly") from None
    try:
        conn.autocommit = True
        yield conn
    finally:
        if not conn.closed:
            conn.autocommit = False
        pool.putconn(conn)


# Why two spellings: mypy checks the precise types, while FastAPI, which evaluates these annotations
# at import, sees Any; psycopg and cvpath.auth (PyJWT, argon2) then load on the first request, not
# at cold start, and GET /api/health never loads them.
if TYPE_CHECKING:
    Connection = Annotated[psycopg.Connection[Any], Depends(connection)]
else:
    Connection = Annotated[Any, Depends(connection)]


def presented_token(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str | None:
    """The token the caller presents, or None when there is none."""
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    return request.cookies.get(ACCESS_COOKIE) or request.cookies.get(GUEST_COOKIE) or None


PresentedToken = Annotated[str | None, Depends(presented_token)]


def current_principal(conn: Connection, token: PresentedToken) -> Principal:
    """The guest or user behind the request; 401 without a token or with a bad, expired or revoked one."""
    if token is None:
        raise NotAuthenticated("this route needs a guest token or an access token")
    from cvpath.auth import principal_for

    return principal_for(conn, token)


if TYPE_CHECKING:
    CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
else:
    CurrentPrincipal = Annotated[Any, Depends(current_principal)]


def client_ip(request: Request) -> str | None:
    """The caller's address: Mangum puts API Gateway's ``sourceIp`` there, a server the socket peer."""
    return request.client.host if request.client else None


def user_agent(request: Request) -> str | None:
    agent = request.headers.get("user-agent")
    return agent[:512] if agent else None
