"""Years of experience from the CV's own dates, against a reference date the CV implies.

Why not today's date: the same CV and job must score the same tomorrow, and a
CV cannot claim time it does not show. The default reference date is the last
day the CV's latest date can mean (its author wrote it no earlier than that), so
an ongoing job counts up to then: a lower bound, never an invention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from cvpath.agents.offline.job_cues import NUMBER_WORDS, number_value
from cvpath.models import CV, Job, Work, date_span

_DAYS_PER_YEAR = 365.25
_YEARS_RE = re.compile(
    r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s*(?:\+|plus)?\s*(?:(?:-|\u2013|to)\s*\d{1,2}\s*\+?\s*)?"
    r"(?:\(\d{1,2}\)\s*)?(?:years?|yrs?)\b",
    re.IGNORECASE,
)


def years_asked(text: str) -> int | None:
    """The minimum number of years a requirement states ("5+ years", "two years"), or None."""
    match = _YEARS_RE.search(text)
    if match is None:
        return None
    return number_value(match.group(1))


def _cv_dates(cv: CV) -> Iterator[str]:
    for entry in cv.entries():
        for field in ("start_date", "end_date", "date", "release_date"):
            value = getattr(entry, field, None)
            if isinstance(value, str):
                yield value


def reference_date(cv: CV, job: Job | None = None) -> date | None:
    """The date ongoing jobs count up to: the latest day the CV's (or the job's posting) dates can mean.

    None when neither has a date; then ongoing jobs count as nothing.
    """
    ends = [date_span(value)[1] for value in _cv_dates(cv)]
    if job is not None and job.date is not None:
        ends.append(date_span(job.date)[1])
    return max(ends, default=None)


def work_interval(work: Work, as_of: date | None) -> tuple[date, date] | None:
    """The days a job covers: from the first day of its start to the last of its end (or ``as_of``)."""
    if work.start_date is None:
        return None
    start = date_span(work.start_date)[0]
    end = date_span(work.end_date)[1] if work.end_date is not None else as_of
    if end is None or end < start:
        return None
    return start, end


def years_covered(works: Iterable[Work], as_of: date | None) -> float:
    """Years covered by ``works``, overlapping jobs counted once."""
    intervals = sorted(span for work in works if (span := work_interval(work, as_of)) is not None)
    total_days = 0
    current: tuple[date, date] | None = None
    for start, end in intervals:
        if current is None or start > current[1]:
            if current is not None:
                total_days += (current[1] - current[0]).days + 1
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total_days += (current[1] - current[0]).days + 1
    return total_days / _DAYS_PER_YEAR
