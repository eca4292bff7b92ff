"""The scheduled resets are idempotent and leave in-flight reservations alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from gov_world import new_run, new_user, profile_counters

from cvpath.governance import admit, reset_daily_quotas, reset_monthly_spend, top_up

Conn = psycopg.Connection[Any]
DAY = datetime(2030, 6, 30, 23, 0, tzinfo=UTC)


def test_the_daily_reset_zeroes_stale_days_once(conn: Conn) -> None:
    user = new_user(conn, "FREE")
    admit(conn, new_run(conn, user_id=user), now=DAY)
    reset_daily_quotas(conn, now=DAY)
    assert profile_counters(conn, user)[0] == 1  # the same day: this user's count stands
    midnight = DAY + timedelta(hours=1)
    assert reset_daily_quotas(conn, now=midnight) >= 1
    assert profile_counters(conn, user)[0] == 0
    assert reset_daily_quotas(conn, now=midnight) == 0


def test_the_monthly_reset_zeroes_spend_and_keeps_what_is_held(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "50")
    admission = admit(conn, new_run(conn, user_id=user), now=DAY)
    conn.execute("UPDATE public.user_model_profiles SET monthly_spent = 3 WHERE user_id = %s", [user])
    first_of_july = DAY + timedelta(hours=1)
    assert reset_monthly_spend(conn, now=first_of_july) >= 1
    assert profile_counters(conn, user)[2:] == (Decimal(0), admission.reserved)
    row = conn.execute(
        "SELECT spending_reset_date FROM public.user_model_profiles WHERE user_id = %s", [user]
    ).fetchone()
    assert row is not None
    assert row[0].isoformat() == "2030-08-01"
    assert reset_monthly_spend(conn, now=first_of_july) == 0
