"""Counting a run against its owner's hourly and daily limits and monthly cap, in one statement.

The statement rolls a stale window over and counts the new run at once:
``used`` is the stored counter when its window is current and 0 otherwise,
and the row is updated only when every limit still has room. PostgreSQL
re-evaluates the condition on the latest row version after waiting for a
concurrent writer's lock, so N concurrent admissions against a limit of k
count exactly k, whatever the interleaving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg

from cvpath.errors import QuotaExceeded, SpendCapReached
from cvpath.governance.quota_windows import (
    first_of_next_month,
    hour_start,
    midnight,
    next_hour,
    next_midnight,
)


@dataclass(frozen=True)
class Limits:
    """The limits that apply to one run; ``None`` is no limit. ``cap`` applies to PAID runs only."""

    hourly: int | None
    daily: int | None
    cap: Decimal | None


_COUNT = """
UPDATE public.user_model_profiles p
SET hourly_used = CASE WHEN p.hour_start >= %(hour)s THEN p.hourly_used ELSE 0 END + 1,
    hour_start = greatest(p.hour_start, %(hour)s),
    daily_used = CASE WHEN p.quota_day >= %(day)s THEN p.daily_used ELSE 0 END + 1,
    quota_day = greatest(p.quota_day, %(day)s),
    monthly_spent = CASE WHEN p.spending_reset_date <= %(day)s THEN 0 ELSE p.monthly_spent END,
    spending_reset_date = CASE WHEN p.spending_reset_date <= %(day)s THEN %(next_month)s
                               ELSE p.spending_reset_date END,
    monthly_reserved = p.monthly_reserved + %(amount)s
WHERE p.id = %(profile)s
  AND (%(hourly)s::integer IS NULL
       OR CASE WHEN p.hour_start >= %(hour)s THEN p.hourly_used ELSE 0 END < %(hourly)s)
  AND (%(daily)s::integer IS NULL
       OR CASE WHEN p.quota_day >= %(day)s THEN p.daily_used ELSE 0 END < %(daily)s)
  AND (%(cap)s::numeric IS NULL
       OR CASE WHEN p.spending_reset_date <= %(day)s THEN 0 ELSE p.monthly_spent END
          + p.monthly_reserved + %(amount)s <= %(cap)s)
RETURNING p.id
"""


def count_run(
    conn: psycopg.Connection[Any],
    profile_id: UUID,
    limits: Limits,
    *,
    cap_amount: Decimal,
    now: datetime,
    tier: str,
) -> None:
    """Count one run (and hold ``cap_amount`` against the cap), or raise the refusal that applies."""
    params = {
        "hour": hour_start(now),
        "day": now.date(),
        "next_month": first_of_next_month(now.date()),
        "amount": cap_amount,
        "profile": profile_id,
        "hourly": limits.hourly,
        "daily": limits.daily,
        "cap": limits.cap,
    }
    if conn.execute(_COUNT, params).fetchone() is None:
        raise _refusal(conn, profile_id, limits, cap_amount=cap_amount, now=now, tier=tier)


def _refusal(
    conn: psycopg.Connection[Any],
    profile_id: UUID,
    limits: Limits,
    *,
    cap_amount: Decimal,
    now: datetime,
    tier: str,
) -> Exception:
    # Read after the refusal, only to explain it: the decision was the UPDATE's.
    row = conn.execute(
        """SELECT CASE WHEN hour_start >= %(hour)s THEN hourly_used ELSE 0 END,
                  CASE WHEN quota_day >= %(day)s THEN daily_used ELSE 0 END,
                  CASE WHEN spending_reset_date <= %(day)s THEN 0 ELSE monthly_spent END + monthly_reserved,
                  CASE WHEN spending_reset_date <= %(day)s THEN %(next_month)s ELSE spending_reset_date END
           FROM public.user_model_profiles WHERE id = %(profile)s""",
        {
            "hour": hour_start(now),
            "day": now.date(),
            "next_month": first_of_next_month(now.date()),
            "profile": profile_id,
        },
    ).fetchone()
    assert row is not None  # the profile was read in this transaction
    hourly_used, daily_used, spent, reset_date = row
    if limits.hourly is not None and hourly_used >= limits.hourly:
        return QuotaExceeded(
            f"hourly limit of {limits.hourly} runs reached; it resets at {next_hour(now).isoformat()}",
            details=_details(limits.hourly, hourly_used, next_hour(now), tier, window="hourly"),
        )
    if limits.cap is not None and spent + cap_amount > limits.cap:
        return SpendCapReached(
            f"this run's estimate ({cap_amount}) would pass the monthly spend cap of {limits.cap} "
            f"({spent} spent or held); the cap resets on {reset_date.isoformat()}",
            details={
                **_details(str(limits.cap), str(spent), midnight(reset_date), tier, window="monthly"),
                "required": str(cap_amount),
            },
        )
    daily = limits.daily if limits.daily is not None else daily_used
    return QuotaExceeded(
        f"daily limit of {daily} runs reached; it resets at {next_midnight(now).isoformat()}",
        details=_details(daily, daily_used, next_midnight(now), tier, window="daily"),
    )


def _details(
    limit: object, used: object, resets_at: datetime | None, tier: str, *, window: str
) -> dict[str, Any]:
    return {
        "limit": limit,
        "used": used,
        "resets_at": None if resets_at is None else resets_at.isoformat(),
        "tier": tier,
        "window": window,
    }


def release_cap(conn: psycopg.Connection[Any], user_id: UUID, *, held: Decimal, charged: Decimal) -> None:
    """A settled PAID run: its estimate stops counting against the cap, and what it was charged starts to."""
    conn.execute(
        """UPDATE public.user_model_profiles
           SET monthly_reserved = greatest(monthly_reserved - %s, 0), monthly_spent = monthly_spent + %s
           WHERE user_id = %s""",
        [held, charged, user_id],
    )
