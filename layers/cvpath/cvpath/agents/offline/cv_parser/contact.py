"""The contact block: name, label, email, phone, links and personal location.

The block is the lines above the first heading; in sidebar layouts the text extractor
may put a column of sections first, and the block is then the name and contact lines
around the first email or phone number, wherever they fall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cvpath.agents.offline.cv_parser.lines import MAX_LAYOUT_LINE, Line
from cvpath.agents.offline.cv_parser.links import (
    ICON_USER_RE,
    Link,
    find_links,
    is_username,
    network_name,
    profile_link,
)
from cvpath.agents.offline.cv_parser.places import is_street_address, split_trailing_location
from cvpath.agents.offline.cv_parser.sections import Heading
from cvpath.agents.offline.cv_parser.shapes import has_title_word, is_name_like, is_sentence_like, words

_EMAIL_TOKEN_RE = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,4}\.[A-Za-z]{2,24}"
)
_EMAIL_SPLIT_RE = re.compile(r"[\s,;|<>()\[\]\u2022\u00b7:]+")
# A run of digits and phone punctuation; bounded, so the scan stays linear.
_PHONE_RUN_RE = re.compile(r"[+(]?[0-9][0-9 ().\-/]{5,22}[0-9]")
_YEARISH_RE = re.compile(r"^(?:19|20)[0-9]{2}(?:\s?[-/.\u2013]\s?(?:(?:19|20)[0-9]{2}|[01]?[0-9]))?$")
_LEADING_CODE_RE = re.compile(r"^\+[0-9]{1,3}\s?")
_LABEL_PREFIX_RE = re.compile(
    r"^(?:e-?mail|mail|phone|tel|telephone|mobile|cell|handy|telefon|tél|teléfono|address|adresse|"
    r"dirección|location|wohnort|web|website|portfolio)\s*:\s*",
    re.IGNORECASE,
)
_SEGMENT_SPLIT_RE = re.compile(r"\s*(?:\||\u2022|\u00b7|\u25c6|\u2666|\s,\s|\s{2,}|\t|\x00)\s*")
_PLACEHOLDER = "\x00"
_HEADER_LIMIT = 15
# Document titles that look like a name ("Curriculum Vitae") but are not one.
_DOCUMENT_TITLES = frozenset({"curriculum vitae", "resume", "résumé", "lebenslauf", "cv", "curriculum"})


@dataclass
class Contact:
    name: str | None = None
    label: str | None = None
    email: str | None = None
    phone: str | None = None
    location_lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)


def find_emails(text: str) -> list[str]:
    found = []
    for token in _EMAIL_SPLIT_RE.split(text[:MAX_LAYOUT_LINE]):
        if "@" in token and len(token) <= 254:
            match = _EMAIL_TOKEN_RE.search(token)
            if match is not None:
                found.append(match.group(0).strip(".-"))
    return found


def find_phones(text: str) -> list[tuple[int, int]]:
    """Spans of phone numbers in ``text``: 7 to 15 digits, not a year or a date range."""
    spans = []
    for match in _PHONE_RUN_RE.finditer(text[:MAX_LAYOUT_LINE]):
        begin, candidate = match.start(), match.group(0)
        paren = candidate.find("(")
        if paren > 0:
            code = _LEADING_CODE_RE.match(candidate)
            if code is None or code.end() != paren:
                begin += paren
                candidate = candidate[paren:]
        candidate = candidate.rstrip(" .-/(")
        digits = sum(c.isdigit() for c in candidate)
        if (
            not 7 <= digits <= 15
            or _YEARISH_RE.match(candidate)
            or candidate.count("(") != candidate.count(")")
        ):
            continue
        if "." in candidate and " " not in candidate and candidate.count(".") == 1:
            continue  # a decimal number, not a phone
        spans.append((begin, begin + len(candidate)))
    return spans


def has_contact_item(text: str) -> bool:
    return bool(find_emails(text) or find_phones(text) or find_links(text))


def header_span(lines: list[Line], headings: list[Heading]) -> tuple[int, int]:
    """[start, end) of the contact block (see the module docstring)."""
    first_heading = headings[0].index if headings else len(lines)
    anchor = next(
        (
            i
            for i, line in enumerate(lines[:200])
            if not line.long and (find_emails(line.text) or find_phones(line.text))
        ),
        None,
    )
    if anchor is None or anchor < first_heading:
        return 0, min(first_heading, _HEADER_LIMIT if anchor is None else max(_HEADER_LIMIT, anchor + 4))
    heading_lines = {h.index for h in headings}
    start = anchor
    for back in range(anchor - 1, max(anchor - 4, -1), -1):
        if back in heading_lines:
            break
        if is_name_like(lines[back].text):
            start = back
            break
    end = anchor + 1
    while (
        end < len(lines)
        and end not in heading_lines
        and end - anchor < 4
        and has_contact_item(lines[end].text)
    ):
        end += 1
    return start, end


def _strip_items(text: str) -> str:
    """``text`` with emails, phones and URLs replaced by a segment separator."""
    for email in find_emails(text):
        text = text.replace(email, _PLACEHOLDER)
    for begin, end in reversed(find_phones(text)):
        text = text[:begin] + _PLACEHOLDER + text[end:]
    icon = ICON_USER_RE.search(text)
    if icon is not None:
        text = text[: icon.start()] + _PLACEHOLDER
    return " ".join(_PLACEHOLDER if find_links(t) else t for t in text.split(" "))


def _location_of(segment: str) -> str | None:
    segment = _LABEL_PREFIX_RE.sub("", segment).strip(" ,")
    if not segment or len(segment) > 80 or is_sentence_like(segment):
        return None
    rest, place = split_trailing_location(segment)
    if place is None or len(words(rest)) > 4:
        return None
    return segment


def read_contact(lines: list[Line]) -> Contact:
    """Everything the contact block's lines say about the person."""
    contact = Contact()
    name_index: int | None = None
    for index, line in enumerate(lines[:8]):
        if (
            is_name_like(line.text)
            and line.text.casefold() not in _DOCUMENT_TITLES
            and not has_contact_item(line.text)
        ):
            contact.name, name_index = line.text, index
            break
    pending_street: str | None = None
    for index, line in enumerate(lines):
        text = line.text
        if index == name_index or line.long:
            continue
        emails, phones = find_emails(text), find_phones(text)
        if emails and contact.email is None:
            contact.email = emails[0]
        if phones and contact.phone is None:
            contact.phone = text[phones[0][0] : phones[0][1]]
        contact.links.extend(find_links(text))
        segments = [s for s in _SEGMENT_SPLIT_RE.split(_strip_items(text)) if s.strip(" ,")]
        located = False
        for segment in segments:
            where = _location_of(segment)
            if where is not None and not contact.location_lines:
                if pending_street is not None:
                    contact.location_lines.append(pending_street)
                contact.location_lines.append(where)
                located = True
        if located or emails or phones:
            pending_street = None
            continue
        if is_street_address(text) and not contact.location_lines:
            pending_street = text
        elif (
            contact.label is None
            and name_index is not None
            and has_title_word(text)
            and len(words(text)) <= 7
        ):
            if not any(c.isdigit() for c in text) and not is_sentence_like(text):
                contact.label = text
        elif is_sentence_like(text) and len(text) > 40:
            contact.summary_lines.append(text)
    return contact


def profile_links(lines: list[Line]) -> list[Link]:
    """Links in a "Profiles"/"Contact" section: URLs, or a username next to a network name."""
    links: list[Link] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        found = find_links(line.text)
        if found:
            links.extend(found)
            used.add(index)
            continue
        network = network_name(line.text)
        if network is None:
            continue
        for other in (index - 1, index + 1):
            if (
                0 <= other < len(lines)
                and other not in used
                and is_username(lines[other].text)
                and network_name(lines[other].text) is None
            ):
                links.append(profile_link(network, lines[other].text))
                used.update({index, other})
                break
    return links
