"""The scheduled resets: daily quotas at 00:00 UTC and monthly spend on ``spending_reset_date``.

Both are idempotent: a row is reset only while its window is stale, and the
reset moves the window to the current one, so a second run (or a retried
schedule) finds nothing to do. Admission rolls stale windows over by itself,
so a late reset never refuses or grants a run by mistake.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from cvpath.governance.quota_windows import first_of_next_month, utc_now


def reset_daily_quotas(conn: psycopg.Connection[Any], *, now: datetime | None = None) -> int:
    """Zero the daily counters of every profile whose day is over; returns the rows reset."""
    today = utc_now(now).date()
    with conn.transaction():
        cur = conn.execute(
            """UPDATE public.user_model_profiles SET daily_used = 0, quota_day = %s
               WHERE quota_day < %s""",
            [today, today],
        )
        return cur.rowcount


def reset_monthly_spend(conn: psycopg.Connection[Any], *, now: datetime | None = None) -> int:
    """Zero ``monthly_spent`` where ``spending_reset_date`` has come; returns the rows reset.

    ``monthly_reserved`` stays: it holds the estimates of runs still in flight.
    """
    today = utc_now(now).date()
    with conn.transaction():
        cur = conn.execute(
            """UPDATE public.user_model_profiles SET monthly_spent = 0, spending_reset_date = %s
               WHERE spending_reset_date <= %s""",
            [first_of_next_month(today), today],
        )
        return cur.rowcount
