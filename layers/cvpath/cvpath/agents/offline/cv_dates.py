"""Date checks on a CV's dated sections: missing, future, out of order, overlapping.

Partial dates are spans (``2019`` is all of 2019). Each check reads them the way
that avoids false alarms: two jobs overlap only if they must overlap under every
reading (so "2018-2019" then "2019-2021" is a change of job, not an overlap), and
an entry is out of order only if it is older than the next one at both ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cvpath.models import Severity, ValidationIssue, date_span

DATED_SECTIONS: tuple[str, ...] = ("work", "volunteer", "education", "projects")
_OVERLAP_SECTIONS: tuple[str, ...] = ("work",)


@dataclass(frozen=True)
class Dated:
    """The dates of one entry; ``end`` ``None`` with a start means ongoing."""

    start: str | None
    end: str | None

    @property
    def has_dates(self) -> bool:
        return self.start is not None or self.end is not None

    def earliest_start(self) -> date | None:
        return date_span(self.start)[0] if self.start else None

    def latest_start(self) -> date | None:
        return date_span(self.start)[1] if self.start else None

    def earliest_end(self, today: date) -> date | None:
        if self.end is not None:
            return date_span(self.end)[0]
        return today if self.start is not None else None

    def latest_end(self, today: date) -> date | None:
        if self.end is not None:
            return date_span(self.end)[1]
        return today if self.start is not None else None


def _issue(code: str, severity: Severity, path: str, message: str) -> ValidationIssue:
    return ValidationIssue(code=code, severity=severity, path=path, message=message)


def missing_and_future(section: str, entries: Sequence[Dated], today: date) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for index, dated in enumerate(entries):
        path = f"{section}.{index}"
        if not dated.has_dates:
            issues.append(
                _issue("missing_dates", Severity.WARNING, path, f"{section} entry {index} has no dates.")
            )
            continue
        if dated.start is None:
            issues.append(
                _issue(
                    "missing_start_date",
                    Severity.INFO,
                    f"{path}.startDate",
                    f"{section} entry {index} has an end date but no start date.",
                )
            )
        if dated.start is not None and date_span(dated.start)[0] > today:
            issues.append(
                _issue(
                    "future_date",
                    Severity.WARNING,
                    f"{path}.startDate",
                    f"{section} entry {index} starts in the future.",
                )
            )
        if dated.end is not None and date_span(dated.end)[0] > today:
            # An expected graduation or a fixed-term contract: worth a note, not an error.
            issues.append(
                _issue(
                    "future_date",
                    Severity.INFO,
                    f"{path}.endDate",
                    f"{section} entry {index} ends in the future.",
                )
            )
    return issues


def is_older(first: Dated, second: Dated, today: date) -> bool:
    """``first`` began and ended strictly before ``second`` did (so it belongs after it)."""
    first_end, second_end = first.latest_end(today), second.earliest_end(today)
    first_start, second_start = first.latest_start(), second.earliest_start()
    if first_end is None or second_end is None or first_start is None or second_start is None:
        return False
    return first_end < second_end and first_start < second_start


def newest_first_order(entries: Sequence[Dated], today: date) -> list[int] | None:
    """The indices in newest-first order, or ``None`` when the order is already fine or unknowable.

    Unknowable: some entry has no date at all, and moving it would be a guess.
    """
    if not any(is_older(entries[i], entries[i + 1], today) for i in range(len(entries) - 1)):
        return None
    if not all(dated.has_dates for dated in entries):
        return None

    def key(index: int) -> tuple[date, date]:
        dated = entries[index]
        end = dated.latest_end(today) or date.min
        start = dated.earliest_start() or end
        return (end, start)

    # sorted() is stable, so entries with equal dates keep the CV's order.
    return sorted(range(len(entries)), key=key, reverse=True) if entries else None


def overlaps(section: str, entries: Sequence[Dated], today: date) -> list[ValidationIssue]:
    if section not in _OVERLAP_SECTIONS:
        return []
    issues: list[ValidationIssue] = []
    for later in range(len(entries)):
        for earlier in range(later):
            if _must_overlap(entries[earlier], entries[later], today):
                issues.append(
                    _issue(
                        "overlapping_dates",
                        Severity.INFO,
                        f"{section}.{later}",
                        f"{section} entries {earlier} and {later} overlap in time "
                        "(concurrent roles are fine; check the dates if they are not).",
                    )
                )
    return issues


def _must_overlap(first: Dated, second: Dated, today: date) -> bool:
    first_end, second_end = first.earliest_end(today), second.earliest_end(today)
    first_start, second_start = first.latest_start(), second.latest_start()
    if first_end is None or second_end is None or first_start is None or second_start is None:
        return False
    return first_end > second_start and second_end > first_start
