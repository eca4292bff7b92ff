"""Tiers, subscription statuses, platform settings and a person's governance profile.

Tier and status words are checked here, before any SQL, so a typo is a
``ValidationFailed`` naming the accepted values rather than a database error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.db.runs import Owner
from cvpath.errors import NotFound, ValidationFailed

TIERS = ("FREE", "PAID", "BYOK")
STATUSES = ("NONE", "TRIALING", "ACTIVE", "PAST_DUE", "CANCELED", "EXPIRED")
ACTIVE_STATUSES = frozenset({"ACTIVE", "TRIALING"})
# The words for a subscription, and the enum values each stands for.
STATUS_WORDS = {
    "active": "ACTIVE",
    "inactive": "NONE",
    "cancelled": "CANCELED",
    "canceled": "CANCELED",
    "expired": "EXPIRED",
}
FAILED_RUN_POLICIES = ("charge_incurred", "waive")


def parse_tier(value: str) -> str:
    tier = value.strip().upper()
    if tier not in TIERS:
        raise ValidationFailed(
            f"unknown tier {value!r}: use one of {', '.join(TIERS)}", details={"accepted": list(TIERS)}
        )
    return tier


def parse_status(value: str) -> str:
    """An enum value from either the enum's name (``PAST_DUE``) or the issue's word (``cancelled``)."""
    word = value.strip()
    status = STATUS_WORDS.get(word.lower(), word.upper())
    if status not in STATUSES:
        accepted = sorted(set(STATUSES) | set(STATUS_WORDS))
        raise ValidationFailed(
            f"unknown subscription status {value!r}: use one of {', '.join(accepted)}",
            details={"accepted": accepted},
        )
    return status


def status_word(status: str) -> str:
    """The issue's word for an enum value: active, inactive, cancelled or expired."""
    if status in ACTIVE_STATUSES:
        return "active"
    return {"CANCELED": "cancelled", "EXPIRED": "expired"}.get(status, "inactive")


@dataclass(frozen=True)
class PlatformSettings:
    global_free_mode: bool
    service_fee_rate: Decimal
    free_daily_quota: int
    minimum_balance: Decimal
    default_monthly_cap: Decimal
    failed_run_policy: str
    default_hourly_limit: int | None
    # None: guests share free_daily_quota.
    guest_daily_quota: int | None = None


def platform_settings(conn: psycopg.Connection[Any]) -> PlatformSettings:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT global_free_mode, service_fee_rate, free_daily_quota, minimum_balance,
                      default_monthly_cap, failed_run_policy, default_hourly_limit, guest_daily_quota
               FROM public.platform_settings"""
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound("platform_settings has no row: run the migrations")
    return PlatformSettings(**row)


@dataclass(frozen=True)
class Profile:
    """The limits and tier of one owner; ``None`` limits fall back to platform settings."""

    id: UUID
    tier: str
    subscription_status: str
    daily_quota: int | None
    hourly_limit: int | None
    monthly_cap: Decimal | None
    api_key_provider: str | None
    provider_chain: list[dict[str, Any]] | None


_PROFILE_COLUMNS = """id, tier::text AS tier, subscription_status::text AS subscription_status, daily_quota,
                      hourly_limit, monthly_cap, api_key_provider, provider_chain"""


def ensure_profile(conn: psycopg.Connection[Any], owner: Owner) -> Profile:
    """The owner's profile, created FREE with platform defaults when it does not exist yet."""
    column, value = ("user_id", owner.user_id) if owner.user_id is not None else ("guest_id", owner.guest_id)
    with conn.cursor(row_factory=dict_row) as cur:
        # A static choice between two statements: the column name is never user input.
        if column == "user_id":
            cur.execute(
                """INSERT INTO public.user_model_profiles (user_id) VALUES (%s)
                   ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO NOTHING""",
                [value],
            )
            cur.execute(
                f"SELECT {_PROFILE_COLUMNS} FROM public.user_model_profiles WHERE user_id = %s", [value]
            )
        else:
            cur.execute(
                """INSERT INTO public.user_model_profiles (guest_id) VALUES (%s)
                   ON CONFLICT (guest_id) WHERE guest_id IS NOT NULL DO NOTHING""",
                [value],
            )
            cur.execute(
                f"SELECT {_PROFILE_COLUMNS} FROM public.user_model_profiles WHERE guest_id = %s", [value]
            )
        row = cur.fetchone()
    assert row is not None  # inserted or already there, in this transaction
    return Profile(**row)


def create_user(
    conn: psycopg.Connection[Any],
    email: str,
    *,
    tier: str = "FREE",
    status: str | None = None,
    daily_limit: int | None = None,
    hourly_limit: int | None = None,
    monthly_cap: Decimal | None = None,
) -> UUID:
    """A user with a profile (and, for PAID, an empty account); PAID and BYOK default to ACTIVE."""
    tier = parse_tier(tier)
    status = parse_status(status) if status is not None else ("NONE" if tier == "FREE" else "ACTIVE")
    _check_limits(daily_limit, hourly_limit, monthly_cap)
    with conn.transaction():
        row = conn.execute("INSERT INTO public.users (email) VALUES (%s) RETURNING id", [email]).fetchone()
        assert row is not None
        user_id: UUID = row[0]
        conn.execute(
            """INSERT INTO public.user_model_profiles
                   (user_id, tier, subscription_status, daily_quota, hourly_limit, monthly_cap)
               VALUES (%s, %s::public.user_tier, %s::public.subscription_status, %s, %s, %s)""",
            [user_id, tier, status, daily_limit, hourly_limit, monthly_cap],
        )
        if tier == "PAID":
            conn.execute("INSERT INTO public.user_accounts (user_id) VALUES (%s)", [user_id])
    return user_id


def set_limits(
    conn: psycopg.Connection[Any],
    user_id: UUID,
    *,
    daily_limit: int | None = None,
    hourly_limit: int | None = None,
    monthly_cap: Decimal | None = None,
    tier: str | None = None,
    status: str | None = None,
    clear: bool = False,
) -> None:
    """Change a user's limits, tier or status (no deploy needed); ``clear`` returns limits to the defaults.

    A user moved to PAID gets an account when they have none.
    """
    tier = parse_tier(tier) if tier is not None else None
    status = parse_status(status) if status is not None else None
    _check_limits(daily_limit, hourly_limit, monthly_cap)
    with conn.transaction():
        row = conn.execute(
            """UPDATE public.user_model_profiles
               SET daily_quota = CASE WHEN %(clear)s THEN NULL ELSE coalesce(%(daily)s, daily_quota) END,
                   hourly_limit = CASE WHEN %(clear)s THEN NULL ELSE coalesce(%(hourly)s, hourly_limit) END,
                   monthly_cap = CASE WHEN %(clear)s THEN NULL ELSE coalesce(%(cap)s, monthly_cap) END,
                   tier = coalesce(%(tier)s::public.user_tier, tier),
                   subscription_status = coalesce(%(status)s::public.subscription_status, subscription_status)
               WHERE user_id = %(user)s RETURNING tier::text""",
            {
                "clear": clear,
                "daily": daily_limit,
                "hourly": hourly_limit,
                "cap": monthly_cap,
                "tier": tier,
                "status": status,
                "user": user_id,
            },
        ).fetchone()
        if row is None:
            raise NotFound(f"user {user_id} has no governance profile", details={"user_id": str(user_id)})
        if row[0] == "PAID":
            conn.execute(
                "INSERT INTO public.user_accounts (user_id) VALUES (%s) ON CONFLICT (user_id) DO NOTHING",
                [user_id],
            )


def _check_limits(daily: int | None, hourly: int | None, cap: Decimal | None) -> None:
    for name, value in (("daily limit", daily), ("hourly limit", hourly)):
        if value is not None and not 0 <= value <= 1_000_000:
            raise ValidationFailed(f"{name} must be between 0 and 1000000", details={"value": value})
    if cap is not None and (not cap.is_finite() or not Decimal(0) <= cap < Decimal("1e8")):
        raise ValidationFailed("monthly cap must be a finite amount from 0 to 99999999", details={})
