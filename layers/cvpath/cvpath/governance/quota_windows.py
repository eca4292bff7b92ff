"""UTC quota windows: the hour and day a counter belongs to, and when each next resets."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` in UTC (the current time by default); a naive datetime is refused, not guessed."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def next_hour(now: datetime) -> datetime:
    return hour_start(now) + timedelta(hours=1)


def next_midnight(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
