"""The offline CV parser: CV text to a JSON Resume shaped ``CV`` with heuristics only.

``parse_cv_text`` is the entry point; ``parse_date_range`` is the standalone date
reader it uses.
"""

from __future__ import annotations

from cvpath.agents.offline.cv_parser.dates import DateRange, find_date_ranges, parse_date_range
from cvpath.agents.offline.cv_parser.parser import ParsedCV, parse_cv_document, parse_cv_text

__all__ = [
    "DateRange",
    "ParsedCV",
    "find_date_ranges",
    "parse_cv_document",
    "parse_cv_text",
    "parse_date_range",
]
