"""Identity for the public API: guests, accounts, sessions, tokens, throttling, email verification.

Every function takes the connection explicitly. Those that must persist
something although they then raise (``login`` counting a failure, ``refresh``
revoking a session on reuse) commit their own transaction: give them an
autocommit connection with no transaction open.
"""

from cvpath.auth.email_verification import is_email_verified, verification_token, verify_email
from cvpath.auth.errors import (
    AuthFailed,
    InvalidToken,
    NotAnAdmin,
    TokenExpired,
    TooManyAttempts,
    WeakPassword,
)
from cvpath.auth.login import login
from cvpath.auth.outbox import send_email
from cvpath.auth.passwords import check_password_strength, hash_password, verify_password
from cvpath.auth.principal import Principal, TokenPair
from cvpath.auth.registration import create_guest, register
from cvpath.auth.sessions import (
    admin_principal_for,
    issue_admin_session_token,
    logout,
    principal_for,
    refresh,
)
from cvpath.auth.signing import signing_secret
from cvpath.auth.tokens import issue_access_token, issue_guest_token, verify_token

__all__ = [
    "AuthFailed",
    "InvalidToken",
    "NotAnAdmin",
    "Principal",
    "TokenExpired",
    "TokenPair",
    "TooManyAttempts",
    "WeakPassword",
    "admin_principal_for",
    "check_password_strength",
    "create_guest",
    "hash_password",
    "is_email_verified",
    "issue_access_token",
    "issue_admin_session_token",
    "issue_guest_token",
    "login",
    "logout",
    "principal_for",
    "refresh",
    "register",
    "send_email",
    "signing_secret",
    "verification_token",
    "verify_email",
    "verify_password",
    "verify_token",
]
