"""The admin API's caller: an administrator presenting an admin token.

401 without a token or with a bad, expired or revoked one; 403 for anyone who is
not an administrator (a guest, a user, or an admin presenting an access token
instead of an admin token). ``AdminActor`` is who the audit trail names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from cvpath.web.deps import Connection, PresentedToken
from cvpath.web.errors import NotAuthenticated

if TYPE_CHECKING:
    from cvpath.admin.audit import Actor
    from cvpath.auth import Principal


def current_admin(conn: Connection, token: PresentedToken) -> Principal:
    if token is None:
        raise NotAuthenticated("admin routes need an admin token (POST /api/admin/auth/token)")
    from cvpath.auth import admin_principal_for

    return admin_principal_for(conn, token)


if TYPE_CHECKING:
    CurrentAdmin = Annotated[Principal, Depends(current_admin)]
else:
    CurrentAdmin = Annotated[Any, Depends(current_admin)]


def admin_actor(admin: CurrentAdmin, request: Request) -> Actor:
    from cvpath.admin.audit import Actor
    from cvpath.auth.signing import ip_hash

    assert admin.user_id is not None
    address = request.client.host if request.client else None
    return Actor(user_id=admin.user_id, session_id=admin.session_id, ip_hash=ip_hash(address))


if TYPE_CHECKING:
    AdminActor = Annotated[Actor, Depends(admin_actor)]
else:
    AdminActor = Annotated[Any, Depends(admin_actor)]
