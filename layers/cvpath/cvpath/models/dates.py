"""Partial ISO 8601 dates as JSON Resume writes them: ``2014``, ``2014-06``, ``2014-06-29``.

The value stays the string it was given (so JSON Resume round-trips exactly); it
is checked for shape and for being a real calendar date. A missing end date means
"present": JSON Resume has no "present" keyword, so neither do we.

Comparing partial dates: a partial date stands for a span (``2014`` is the whole
of 2014). An end date is impossible only when every day it could mean lies before
every day the start could mean, so ``start 2014-06-15, end 2014-06`` is accepted
and ``start 2015, end 2014-12`` is not.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

# JSON Resume v1.2.1's own pattern, so our schema accepts exactly what theirs does.
PARTIAL_DATE_PATTERN = r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$"
_PARTIAL_DATE_RE = re.compile(r"^([1-2][0-9]{3})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def date_span(value: str) -> tuple[date, date]:
    """The first and last day a partial date can mean; ``ValueError`` if it is not one."""
    match = _PARTIAL_DATE_RE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    if month_text is None:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(month_text)
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} is not a real date: month {month_text} is not 01-12")
    last_day = calendar.monthrange(year, month)[1]
    if day_text is None:
        return date(year, month, 1), date(year, month, last_day)
    day = int(day_text)
    if not 1 <= day <= last_day:
        raise ValueError(f"{value!r} is not a real date: {year}-{month_text} has no day {day_text}")
    exact = date(year, month, day)
    return exact, exact


def _check_partial_date(value: str) -> str:
    date_span(value)
    return value


PartialDate = Annotated[
    str,
    AfterValidator(_check_partial_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": PARTIAL_DATE_PATTERN,
            "description": "ISO 8601 date, year and month optional: 2014, 2014-06 or 2014-06-29",
        }
    ),
]


def ensure_end_not_before_start(start: str | None, end: str | None) -> None:
    """Raise when ``end`` cannot fall on or after ``start`` under any reading."""
    if start is None or end is None:
        return
    if date_span(end)[1] < date_span(start)[0]:
        raise ValueError(f"endDate {end!r} is before startDate {start!r}")
