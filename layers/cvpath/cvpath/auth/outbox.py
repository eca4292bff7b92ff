"""Outgoing email: the SES-ready interface.

``send_email`` only records the message in ``public.email_outbox`` inside the
caller's transaction, so an email exists exactly when the change that caused it
committed. A sender (SES in AWS; nothing locally) delivers unsent rows later.
The payload holds template variables and must never hold a secret.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from cvpath.errors import ValidationFailed

TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def send_email(conn: psycopg.Connection[Any], to: str, template: str, payload: dict[str, Any]) -> UUID:
    """Queue one email; returns the outbox row id."""
    if not TEMPLATE_NAME.match(template):
        raise ValidationFailed("unknown email template name", details={"template": template[:64]})
    row = conn.execute(
        "INSERT INTO public.email_outbox (to_address, template, payload) VALUES (%s, %s, %s) RETURNING id",
        [to, template, Jsonb(payload)],
    ).fetchone()
    assert row is not None
    return UUID(str(row[0]))
