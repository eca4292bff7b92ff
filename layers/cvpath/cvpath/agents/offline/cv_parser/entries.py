"""A section's lines cut into entries: header lines, one date range, a place, bullets.

Lines are first given a role: a header line (maybe carrying a date), a date line, a
meta line (a location, a URL, a duration), a bullet item or the continuation of one.
Runs of header/date/meta lines alternate with runs of items. Two layouts exist:

- *leading*: the first entry's dates sit in its header run (dates beside the title,
  on their own line, or in a left date column). Each date then belongs to one entry;
  a header run holding several dates is cut so that every entry has as many lines
  before its date as the first one had ("Institution" / "Degree  date" repeats).
- *trailing*: the first entry's header run has no date; the dates (and locations)
  come after its bullets. A header run that starts with date/meta lines first closes
  the previous entry with them, and the rest starts the next entry.

In dated sections (work, education, volunteering) of the leading layout, a run of
header-looking lines without a date is not an entry: it is unmarked bullet text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import Enum

from cvpath.agents.offline.cv_parser.dates import DateRange, find_date_ranges, strip_date_ranges
from cvpath.agents.offline.cv_parser.lines import Line, wraps_into
from cvpath.agents.offline.cv_parser.links import find_links
from cvpath.agents.offline.cv_parser.places import Place, split_trailing_location
from cvpath.agents.offline.cv_parser.shapes import is_sentence_like

_EDGE_PUNCT = " ,;:|-\u2013\u2014()[]/"
_DURATION_RE = re.compile(
    r"^\(?(?:[0-9]{1,2}\+?\s*(?:years?|yrs?|months?|mos?|jahre?|monate?|ans?|mois|años?|meses?)\s*){1,2}\)?$",
    re.IGNORECASE,
)


class Role(Enum):
    HEAD = "head"
    DATE = "date"
    META = "meta"
    ITEM = "item"
    CONT = "cont"


@dataclass
class _Classified:
    role: Role
    text: str
    length: int
    last: str = ""  # the last printed line of this item (items grow by continuation lines)
    # A date at the end of a header line sits at the right margin: the line is complete.
    date_at_end: bool = False
    dates: DateRange | None = None
    place: Place | None = None
    url: str | None = None
    glyph: bool = False


@dataclass
class RawEntry:
    """One entry as printed: ``head`` lines (dates cut out), dates, place, url and items."""

    head: list[str] = field(default_factory=list)
    dated_head: int | None = None
    dates: DateRange | None = None
    place: Place | None = None
    url: str | None = None
    items: list[str] = field(default_factory=list)
    glyphs: list[bool] = field(default_factory=list)


def _meta(text: str) -> _Classified | None:
    if _DURATION_RE.match(text):
        return _Classified(Role.META, text, len(text))
    links = find_links(text)
    if len(links) == 1 and links[0].url is not None and len(text.split()) == 1:
        return _Classified(Role.META, text, len(text), url=links[0].url)
    rest, place = split_trailing_location(text)
    if place is not None and not rest:
        return _Classified(Role.META, text, len(text), place=place)
    return None


def _dated(text: str) -> _Classified | None:
    ranges = find_date_ranges(text)
    if not ranges:
        return None
    found = ranges[0]
    rest = strip_date_ranges(text, [found]).strip(_EDGE_PUNCT)
    if not rest:
        return _Classified(Role.DATE, text, len(text), dates=found)
    if is_sentence_like(rest):
        return None
    left, place = split_trailing_location(rest)
    if place is not None and not left:
        return _Classified(Role.DATE, text, len(text), dates=found, place=place)
    at_end = not text[found.finish :].strip(_EDGE_PUNCT)
    return _Classified(Role.HEAD, rest, len(text), dates=found, date_at_end=at_end)


def classify(lines: list[Line], width: int, *, join_wrapped_headers: bool) -> list[_Classified]:
    out: list[_Classified] = []
    knowns = [
        (_dated(line.text) or _meta(line.text)) if not line.bullet and not line.long else None
        for line in lines
    ]
    for index, line in enumerate(lines):
        text = line.text
        previous = out[-1] if out else None
        if line.bullet:
            out.append(_Classified(Role.ITEM, text, len(text), last=text, glyph=True))
            continue
        short = not line.long
        known = knowns[index]
        if known is not None:
            known.last = text
            out.append(known)
            continue
        open_item = previous is not None and previous.role in (Role.ITEM, Role.CONT)
        full = previous is not None and wraps_into(previous.last, text, width)
        lower_start = text[0].islower() or text[0] in "(&,+"
        sentence = not short or is_sentence_like(text)
        # A header-looking line followed by a date or a place starts an entry.
        leads_entry = not sentence and any(k is not None for k in knowns[index + 1 : index + 3])
        if open_item and previous is not None:
            ended = previous.last.rstrip().endswith((".", "!", "?", ":"))
            # A sentence that ended at the margin only goes on if this line is full as well.
            wrapped = full and not leads_entry and (not ended or (sentence and len(text) >= 0.9 * width))
            if lower_start or wrapped:
                out.append(_Classified(Role.CONT, text, len(text), last=text))
                continue
        if sentence:
            out.append(_Classified(Role.ITEM, text, len(text), last=text))
        elif (
            join_wrapped_headers
            and previous is not None
            and previous.role is Role.HEAD
            and not previous.date_at_end
            and wraps_into(previous.last, text, width)
            and text[0].isupper()
        ):
            previous.text = f"{previous.text} {text}"
            previous.last = text
        else:
            out.append(_Classified(Role.HEAD, text, len(text), last=text))
    return out


def _runs(classified: list[_Classified]) -> list[tuple[list[_Classified], list[_Classified]]]:
    """(header run, item run) pairs in order; either may be empty at the edges."""
    runs: list[tuple[list[_Classified], list[_Classified]]] = []
    for item in classified:
        is_body = item.role in (Role.ITEM, Role.CONT)
        if not runs or (not is_body and runs[-1][1]):
            runs.append(([], []))
        (runs[-1][1] if is_body else runs[-1][0]).append(item)
    return runs


def _absorb(entry: RawEntry, item: _Classified) -> None:
    if item.dates is not None and entry.dates is None:
        entry.dates = item.dates
        if item.role is Role.HEAD:
            entry.dated_head = len(entry.head)
    if item.place is not None and entry.place is None:
        entry.place = item.place
    if item.url is not None and entry.url is None:
        entry.url = item.url
    if item.role is Role.HEAD:
        entry.head.append(item.text)


def _add_body(entry: RawEntry, body: list[_Classified]) -> None:
    for item in body:
        if item.role is Role.ITEM or not entry.items:
            entry.items.append(item.text)
            entry.glyphs.append(item.glyph)
        elif entry.items[-1].endswith("-") and item.text[:1].islower():
            entry.items[-1] += item.text
        else:
            entry.items[-1] += " " + item.text


def _chunks(head: list[_Classified], before_date: int) -> list[list[_Classified]]:
    dated = [i for i, item in enumerate(head) if item.dates is not None]
    if len(dated) < 2:
        return [head]
    bounds = [0]
    for previous, current in itertools.pairwise(dated):
        bounds.append(max(previous + 1, current - before_date))
    bounds.append(len(head))
    return [head[a:b] for a, b in itertools.pairwise(bounds) if a < b]


def split_entries(lines: list[Line], width: int, *, dated_section: bool) -> list[RawEntry]:
    """The entries of one section (see the module docstring)."""
    runs = _runs(classify(lines, width, join_wrapped_headers=dated_section))
    first_head = runs[0][0] if runs else []
    first_dated = next((i for i, item in enumerate(first_head) if item.dates is not None), None)
    leading = first_dated is not None
    before_date = first_dated if first_dated is not None else 0
    entries: list[RawEntry] = []
    for head, body in runs:
        head = list(head)
        if not leading and entries and entries[-1].dates is None:
            while head and head[0].role in (Role.DATE, Role.META):
                _absorb(entries[-1], head.pop(0))
        if not head:
            if not entries:
                entries.append(RawEntry())
            _add_body(entries[-1], body)
            continue
        undated = all(item.dates is None for item in head)
        if leading and dated_section and undated and entries and entries[-1].dates is not None:
            _add_body(entries[-1], [_Classified(Role.ITEM, item.text, item.length) for item in head])
            _add_body(entries[-1], body)
            continue
        for chunk in _chunks(head, before_date):
            entry = RawEntry()
            for item in chunk:
                _absorb(entry, item)
            entries.append(entry)
        _add_body(entries[-1], body)
    return [e for e in entries if e.head or e.items or e.dates is not None]
