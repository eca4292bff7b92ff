"""Partial ISO dates as a CV shows them: "2021-03" -> "Mar 2021"; no end date -> "Present"."""

from __future__ import annotations

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PRESENT = "Present"
EN_DASH = "\u2013"
RANGE_DASH = f" {EN_DASH} "  # the typographic range dash, spaced; ATS parsers read it


def format_date(value: str) -> str:
    """A validated partial date (YYYY, YYYY-MM or YYYY-MM-DD) as "Mar 2021" or "2021".

    The day is dropped: CVs date roles by month, and a day only adds noise.
    """
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"


def format_range(start: str | None, end: str | None) -> str:
    """A range such as "Mar 2019 to Present" (drawn with an en dash), or the end date alone.

    A missing end date means "present", as in the CV model (JSON Resume has no
    "present" keyword).
    """
    if start is None:
        return format_date(end) if end is not None else ""
    if end is None:
        return f"{format_date(start)}{RANGE_DASH}{PRESENT}"
    first, last = format_date(start), format_date(end)
    return first if first == last else f"{first}{RANGE_DASH}{last}"
