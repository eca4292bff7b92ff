"""The time range of a statistics query: UTC buckets of an hour or a day, validated and bounded.

Why widen to whole buckets: the hourly usage table only knows whole hours, and
a chart's first and last bars would otherwise count part of a bucket each.
Why bound the bucket count: one request must not ask for years of hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from cvpath.errors import ValidationFailed

Granularity = Literal["hour", "day"]
STEPS: dict[str, timedelta] = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# 31 days of hours, a year (and a leap day) of days.
MAX_BUCKETS: dict[str, int] = {"hour": 31 * 24, "day": 366}
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def bucket_floor(moment: datetime, granularity: Granularity) -> datetime:
    """The start of the UTC bucket containing ``moment`` (timezone-aware)."""
    utc = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return utc.replace(hour=0) if granularity == "day" else utc


@dataclass(frozen=True)
class StatsRange:
    """``[start, end)`` on bucket boundaries, and the bucket size."""

    start: datetime
    end: datetime
    granularity: Granularity

    @classmethod
    def create(cls, start: datetime, end: datetime, granularity: str) -> StatsRange:
        """Validate, then widen ``[start, end)`` to whole buckets; ``ValidationFailed`` names the field."""
        if granularity not in STEPS:
            raise ValidationFailed(
                "granularity must be 'hour' or 'day'",
                details={"field": "granularity", "allowed": sorted(STEPS)},
            )
        unit = cast(Granularity, granularity)
        for name, moment in (("from", start), ("to", end)):
            if moment.tzinfo is None:
                raise ValidationFailed(f"'{name}' needs a timezone", details={"field": name})
            if not EARLIEST <= moment <= LATEST:
                raise ValidationFailed(
                    f"'{name}' must lie between {EARLIEST.date()} and {LATEST.date()}",
                    details={"field": name},
                )
        if end <= start:
            raise ValidationFailed("'to' must be later than 'from'", details={"field": "to"})
        step = STEPS[unit]
        first = bucket_floor(start, unit)
        last = bucket_floor(end, unit)
        stop = last if last == end else last + step
        count = int((stop - first) / step)
        if count > MAX_BUCKETS[unit]:
            raise ValidationFailed(
                f"the range holds {count} {unit}s; at most {MAX_BUCKETS[unit]} are allowed",
                details={"field": "from", "buckets": count, "max_buckets": MAX_BUCKETS[unit]},
            )
        return cls(first, stop, unit)

    @property
    def step(self) -> timedelta:
        return STEPS[self.granularity]

    def buckets(self) -> Iterator[datetime]:
        """Every bucket start, oldest first."""
        moment = self.start
        while moment < self.end:
            yield moment
            moment += self.step

    def params(self) -> dict[str, Any]:
        """The query parameters every statistics query takes."""
        return {"unit": self.granularity, "start": self.start, "end": self.end}

    def describe(self) -> dict[str, Any]:
        """The effective range, as the response reports it."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "granularity": self.granularity}
