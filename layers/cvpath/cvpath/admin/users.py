"""Users as an operator sees them: search, one user's limits and money, and changing them.

A change of tier, limits or subscription status goes through
``governance.profiles.set_limits``, and a balance change through
``governance.ledger.adjust`` (an ADJUSTMENT entry with its reason): the balance
column is never written here. Every change and its audit row share one
transaction, with the user's profile and account rows locked first, so the
audit's ``before`` is exactly what the change replaced, even when two operators
edit the same user at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.admin.audit import Actor, record
from cvpath.errors import Conflict, NotFound, ValidationFailed
from cvpath.money import money_text

RECENT_RUN_DAYS = 30


@dataclass(frozen=True)
class UserSummary:
    id: UUID
    email: str
    created_at: datetime
    is_admin: bool
    tier: str


@dataclass(frozen=True)
class LimitsChange:
    """What a PATCH asks for; ``None`` leaves a value as it is."""

    tier: str | None = None
    daily_limit: int | None = None
    hourly_limit: int | None = None
    monthly_cap: Decimal | None = None
    subscription_status: str | None = None
    # Return the three limits to the platform defaults before applying the ones given.
    reset_limits: bool = False

    @property
    def sets_values(self) -> bool:
        return any(
            value is not None
            for value in (
                self.tier,
                self.daily_limit,
                self.hourly_limit,
                self.monthly_cap,
                self.subscription_status,
            )
        )


@dataclass(frozen=True)
class BalanceAdjustment:
    amount: Decimal
    reason: str


def like_pattern(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_users(conn: psycopg.Connection[Any], query: str | None, *, limit: int = 50) -> list[UserSummary]:
    """Users whose email contains ``query`` (any case; prefix matches first), or whose id it is."""
    needle = (query or "").strip().lower()
    exact_id = _uuid_or_none(needle)
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            r"""SELECT u.id, u.email, u.created_at, u.is_admin, coalesce(p.tier::text, 'FREE') AS tier
                FROM public.users u
                LEFT JOIN public.user_model_profiles p ON p.user_id = u.id
                WHERE %(needle)s = ''
                   OR lower(u.email) LIKE '%%' || %(pattern)s || '%%' ESCAPE '\'
                   OR u.id = %(id)s::uuid
                ORDER BY u.id = %(id)s::uuid DESC NULLS LAST,
                         starts_with(lower(u.email), %(needle)s) DESC,
                         lower(u.email), u.id
                LIMIT %(limit)s""",
            {"needle": needle, "pattern": like_pattern(needle), "id": exact_id, "limit": limit},
        )
        return [UserSummary(**row) for row in cur.fetchall()]


def user_detail(conn: psycopg.Connection[Any], user_id: UUID) -> dict[str, Any]:
    """Identity, tier, limits (own and effective), current use, money and recent runs of one user.

    Use counters are read as admission reads them: a counter of a past hour,
    day or month counts as 0. A guest's id, or any unknown id, is ``NotFound``.
    """
    from cvpath.governance.admission import FREE_MODE_NOTICE, effective_tier, limits_for
    from cvpath.governance.profiles import Profile, platform_settings

    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT u.id, u.email, u.display_name, u.created_at, u.last_login_at, u.email_verified_at,
                       u.is_admin, p.id AS profile_id, coalesce(p.tier::text, 'FREE') AS tier,
                       coalesce(p.subscription_status::text, 'NONE') AS subscription_status,
                       p.daily_quota, p.hourly_limit, p.monthly_cap, p.api_key_provider,
                       CASE WHEN p.quota_day >= (now() AT TIME ZONE 'UTC')::date
                            THEN p.daily_used ELSE 0 END AS daily_used,
                       CASE WHEN p.hour_start
                                 >= date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                            THEN p.hourly_used ELSE 0 END AS hourly_used,
                       CASE WHEN p.spending_reset_date <= (now() AT TIME ZONE 'UTC')::date
                            THEN 0 ELSE p.monthly_spent END AS monthly_spent,
                       p.monthly_reserved,
                       a.balance, a.reserved, a.currency,
                       (SELECT count(*) FROM public.pipeline_runs r
                        WHERE r.user_id = u.id
                          AND r.created_at >= now() - make_interval(days => %(days)s)) AS recent_runs,
                       (SELECT max(r.created_at) FROM public.pipeline_runs r
                        WHERE r.user_id = u.id) AS last_run_at
                FROM public.users u
                LEFT JOIN public.user_model_profiles p ON p.user_id = u.id
                LEFT JOIN public.user_accounts a ON a.user_id = u.id
                WHERE u.id = %(user)s""",
            {"user": user_id, "days": RECENT_RUN_DAYS},
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"user {user_id} does not exist", details={"user_id": str(user_id)})
    profile = Profile(
        id=row["profile_id"] or user_id,
        tier=row["tier"],
        subscription_status=row["subscription_status"],
        daily_quota=row["daily_quota"],
        hourly_limit=row["hourly_limit"],
        monthly_cap=row["monthly_cap"],
        api_key_provider=row["api_key_provider"],
        provider_chain=None,
    )
    billed_as, _, notices = effective_tier(profile)
    settings = platform_settings(conn)
    limits = limits_for(profile, billed_as, settings)
    if settings.global_free_mode:
        notices = (FREE_MODE_NOTICE, *notices)
    return {
        "id": row["id"],
        "email": row["email"],
        "display_name": row["display_name"],
        "created_at": row["created_at"],
        "last_login_at": row["last_login_at"],
        "email_verified": row["email_verified_at"] is not None,
        "is_admin": row["is_admin"],
        "tier": row["tier"],
        "billed_as": billed_as,
        "notices": list(notices),
        "subscription_status": row["subscription_status"],
        "daily_quota": row["daily_quota"],
        "daily_used": row["daily_used"] or 0,
        "hourly_limit": row["hourly_limit"],
        "hourly_used": row["hourly_used"] or 0,
        "monthly_cap": _money(row["monthly_cap"]),
        "monthly_spent": money_text(row["monthly_spent"] or Decimal(0)),
        "monthly_reserved": money_text(row["monthly_reserved"] or Decimal(0)),
        "effective_limits": {
            "daily": limits.daily,
            "hourly": limits.hourly,
            "monthly_cap": _money(limits.cap),
        },
        "account": None
        if row["balance"] is None
        else {
            "balance": money_text(row["balance"]),
            "reserved": money_text(row["reserved"]),
            "currency": row["currency"],
        },
        "byok_provider": row["api_key_provider"],
        "recent_runs": row["recent_runs"],
        "recent_runs_days": RECENT_RUN_DAYS,
        "last_run_at": row["last_run_at"],
    }


def update_user(
    conn: psycopg.Connection[Any],
    actor: Actor,
    user_id: UUID,
    change: LimitsChange,
    adjustment: BalanceAdjustment | None = None,
) -> dict[str, Any]:
    """Apply ``change``, then ``adjustment``; one transaction, one "user.update" audit row; the user after."""
    try:
        return _update(conn, actor, user_id, change, adjustment)
    except psycopg.errors.NumericValueOutOfRange:
        # The ledger refuses amounts over its limit, but not a balance that a credit would carry past it.
        raise ValidationFailed(
            "the balance would exceed the largest amount an account holds", details={"user_id": str(user_id)}
        ) from None


def _update(
    conn: psycopg.Connection[Any],
    actor: Actor,
    user_id: UUID,
    change: LimitsChange,
    adjustment: BalanceAdjustment | None,
) -> dict[str, Any]:
    from cvpath.governance.ledger import adjust
    from cvpath.governance.profiles import set_limits

    with conn.transaction():
        _lock(conn, user_id)
        before = user_detail(conn, user_id)
        if change.reset_limits:
            set_limits(conn, user_id, clear=True)
        if change.sets_values:
            set_limits(
                conn,
                user_id,
                daily_limit=change.daily_limit,
                hourly_limit=change.hourly_limit,
                monthly_cap=change.monthly_cap,
                tier=change.tier,
                status=change.subscription_status,
            )
        entry = None
        if adjustment is not None:
            _require_account(conn, user_id)
            entry = adjust(
                conn, user_id, adjustment.amount, reason=adjustment.reason, created_by=actor.user_id
            )
        after = user_detail(conn, user_id)
        audit_after: dict[str, Any] = _audited(after)
        if entry is not None and adjustment is not None:
            audit_after["adjustment"] = {
                "ledger_entry_id": str(entry.id),
                "amount": money_text(entry.amount),
                "reason": adjustment.reason.strip(),
            }
        record(conn, actor, "user.update", "user", user_id, before=_audited(before), after=audit_after)
    return after


def _lock(conn: psycopg.Connection[Any], user_id: UUID) -> None:
    """Lock the user's profile and account (if any) for this transaction; ``NotFound`` for no such user.

    The profile is created first when the user has none (a user made outside
    registration, say by SQL), so that there is a row to lock and to change.
    """
    from cvpath.db.runs import Owner
    from cvpath.governance.profiles import ensure_profile

    if conn.execute("SELECT 1 FROM public.users WHERE id = %s FOR SHARE", [user_id]).fetchone() is None:
        raise NotFound(f"user {user_id} does not exist", details={"user_id": str(user_id)})
    ensure_profile(conn, Owner(user_id=user_id))
    conn.execute("SELECT 1 FROM public.user_model_profiles WHERE user_id = %s FOR UPDATE", [user_id])
    conn.execute("SELECT 1 FROM public.user_accounts WHERE user_id = %s FOR UPDATE", [user_id])


def _require_account(conn: psycopg.Connection[Any], user_id: UUID) -> None:
    row = conn.execute("SELECT 1 FROM public.user_accounts WHERE user_id = %s", [user_id]).fetchone()
    if row is None:
        raise Conflict(
            f"user {user_id} has no account: only PAID users hold money (set tier PAID in the same request)",
            details={"user_id": str(user_id)},
        )


# What the audit trail keeps of a user: the profile and the money, not identity details.
_AUDITED = (
    "tier",
    "subscription_status",
    "daily_quota",
    "hourly_limit",
    "monthly_cap",
    "byok_provider",
    "account",
)


def _audited(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: detail[key] for key in _AUDITED}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value)


def _uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
