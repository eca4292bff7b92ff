"""Short dated listings: certificates, awards, publications.

Each listing is one bullet ("AWS Certified Developer (2019)"), one line with a date,
or a few lines closed by a date line ("Full-Stack Web Development" / "CodeAcademy" /
"2020"). The first line is the title, the second the issuer (or authors/venue).
"""

from __future__ import annotations

from dataclasses import dataclass

from cvpath.agents.offline.cv_parser.dates import find_date_ranges, is_date_only, strip_date_ranges
from cvpath.agents.offline.cv_parser.lines import MAX_LAYOUT_LINE, Line
from cvpath.agents.offline.cv_parser.links import find_links

_EDGE = " ,;:|-\u2013\u2014()[]"
_MAX_LINES = 4


@dataclass
class Listing:
    title: str
    detail: str | None = None
    date: str | None = None
    url: str | None = None


def _date_of(text: str) -> tuple[str, str | None]:
    if len(text) > MAX_LAYOUT_LINE:
        return text, None
    ranges = find_date_ranges(text)
    if not ranges:
        return text, None
    last = ranges[-1]
    rest = strip_date_ranges(text, [last]).replace("()", "").strip(_EDGE)
    if rest.count("(") != rest.count(")"):
        return text, None  # a date inside a note such as "(NeurIPS 2023)" dates the venue
    return rest, last.start or last.end


def listings(lines: list[Line]) -> list[Listing]:
    found: list[Listing] = []
    current: list[str] = []
    date: str | None = None

    def flush() -> None:
        nonlocal current, date
        if current:
            url = next((link.url for text in current for link in find_links(text) if link.url), None)
            texts = [t for t in current if not (len(t.split()) == 1 and find_links(t))]
            if texts:
                found.append(Listing(texts[0], texts[1] if len(texts) > 1 else None, date, url))
        current, date = [], None

    for line in lines:
        text = line.text
        if is_date_only(text):
            ranges = find_date_ranges(text)
            if current:
                date = date or ranges[0].start or ranges[0].end
                flush()
            continue
        if line.bullet or len(current) >= _MAX_LINES:
            flush()
        rest, inline = _date_of(text)
        if inline is not None and rest:
            if date is not None:
                flush()
            current.append(rest)
            date = inline
            continue
        current.append(text)
    flush()
    return found
