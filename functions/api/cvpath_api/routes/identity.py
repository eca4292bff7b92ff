"""Identity routes: guests, registration (with the guest's data moved over), login, refresh, logout, me.

The work is ``cvpath.auth``'s; these functions read the request, call it, and
set or clear the cookies a browser client relies on. The auth package is
imported on first use so that the cold start does not load PyJWT and argon2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from cvpath.web.deps import (
    ACCESS_COOKIE,
    GUEST_COOKIE,
    Connection,
    CurrentPrincipal,
    PresentedToken,
    client_ip,
    user_agent,
)
from cvpath.web.errors import error_responses
from cvpath_api.models import GuestCreated, LoginBody, Me, RefreshBody, RegisterBody, TokenResponse

if TYPE_CHECKING:
    import psycopg

    from cvpath.auth import TokenPair

router = APIRouter(prefix="/api", tags=["identity"])
COOKIE_PATH = "/api"


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=COOKIE_PATH, secure=True, httponly=True, samesite="lax"
    )


def _clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, secure=True, httponly=True, samesite="lax")


def _tokens(pair: TokenPair, response: Response) -> TokenResponse:
    """The pair as the body, and the access token as a cookie for browser clients."""
    from cvpath.config import get_settings

    _set_cookie(response, ACCESS_COOKIE, pair.access_token, get_settings().access_token_ttl_s)
    return TokenResponse.model_validate(pair.model_dump())


@router.post(
    "/guest",
    status_code=status.HTTP_201_CREATED,
    response_model=GuestCreated,
    responses=error_responses(503),
    summary="Create a guest and return its signed token",
)
def create_guest(request: Request, response: Response, conn: Connection) -> GuestCreated:
    from cvpath.auth import create_guest as create
    from cvpath.config import get_settings

    guest_id, token = create(conn, user_agent=user_agent(request), ip=client_ip(request))
    _set_cookie(response, GUEST_COOKIE, token, get_settings().guest_token_ttl_s)
    return GuestCreated(guest_id=guest_id, guest_token=token)


def _guest_of(conn: psycopg.Connection[Any], token: str | None) -> UUID | None:
    """The guest whose data moves to the new account: the presented token's, when it is a guest token.

    A bad or expired token is refused (401) rather than ignored: registering would
    otherwise silently leave the guest's work behind.
    """
    if token is None:
        return None
    from cvpath.auth import principal_for

    principal = principal_for(conn, token)
    return principal.guest_id if principal.kind == "guest" else None


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenResponse,
    responses=error_responses(401, 409, 422, 503),
    summary="Create an account; a presented guest token moves the guest's data to it, atomically",
)
def register(
    body: RegisterBody, request: Request, response: Response, conn: Connection, token: PresentedToken
) -> TokenResponse:
    from cvpath.auth import register as create_account

    pair = create_account(
        conn,
        body.email,
        body.password,
        guest_id=_guest_of(conn, token),
        user_agent=user_agent(request),
        ip=client_ip(request),
    )
    _clear_cookie(response, GUEST_COOKIE)
    return _tokens(pair, response)


@router.post(
    "/auth/login",
    response_model=TokenResponse,
    responses=error_responses(401, 422, 429, 503),
    summary="Sign in with email and password",
)
def login(body: LoginBody, request: Request, response: Response, conn: Connection) -> TokenResponse:
    from cvpath.auth import login as sign_in

    pair = sign_in(conn, body.email, body.password, user_agent=user_agent(request), ip=client_ip(request))
    return _tokens(pair, response)


@router.post(
    "/auth/refresh",
    response_model=TokenResponse,
    responses=error_responses(401, 422, 503),
    summary="Exchange a refresh token for a new pair (the old refresh token stops working)",
)
def refresh(body: RefreshBody, response: Response, conn: Connection) -> TokenResponse:
    from cvpath.auth import refresh as rotate

    return _tokens(rotate(conn, body.refresh_token), response)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 503),
    summary="Revoke the current session; its access and refresh tokens stop working",
)
def logout(principal: CurrentPrincipal, conn: Connection) -> Response:
    # A guest has no session to revoke: the call only clears the cookies.
    if principal.session_id is not None:
        from cvpath.auth import logout as revoke

        revoke(conn, principal.session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_cookie(response, ACCESS_COOKIE)
    _clear_cookie(response, GUEST_COOKIE)
    return response


@router.get(
    "/me",
    response_model=Me,
    responses=error_responses(401, 503),
    summary="Who the presented token identifies",
)
def me(principal: CurrentPrincipal) -> Me:
    return Me.model_validate(principal.model_dump(include={"kind", "guest_id", "user_id", "is_admin"}))
