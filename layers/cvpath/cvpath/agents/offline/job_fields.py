"""The posting's facts outside its requirements: title, company, location, remote policy, fields.

Only what the posting states is taken: a company or location that cannot be
read from the text stays ``None``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from cvpath.agents.offline.job_lines import JobLine
from cvpath.agents.offline.job_sections import is_heading
from cvpath.models import Location, RemotePolicy

_FIELD_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{0,30}?)\s*(?::|\s[-\u2013]\s)\s*(?P<value>\S.*)$")
_FIELD_KEYS: dict[str, str] = {
    **dict.fromkeys(("job title", "title"), "title"),
    **dict.fromkeys(("position", "position title", "role", "job role", "vacancy"), "position"),
    **dict.fromkeys(("company", "company name", "company profile", "employer", "organization"), "company"),
    **dict.fromkeys(("organisation", "hiring company"), "company"),
    **dict.fromkeys(("location", "locatio", "job location", "work location", "office location"), "location"),
    **dict.fromkeys(("job type", "job types", "employment type", "contract type"), "type"),
    **dict.fromkeys(("salary", "pay", "compensation", "salary range"), "salary"),
    **dict.fromkeys(("department", "working with", "reports to", "contract length"), "other"),
    **dict.fromkeys(("application deadline", "start date", "schedule", "shift"), "other"),
}


def field_of(text: str) -> tuple[str, str] | None:
    """``(field, value)`` for a metadata line such as "Job Type: Full-time"; else ``None``."""
    match = _FIELD_RE.match(text)
    if match is None:
        return None
    field = _FIELD_KEYS.get(" ".join(match.group("key").lower().split()))
    return None if field is None else (field, match.group("value").strip())


def fields(lines: Sequence[JobLine]) -> dict[str, str]:
    """The first value of each metadata field."""
    found: dict[str, str] = {}
    for line in lines:
        pair = field_of(line.text)
        if pair is not None:
            found.setdefault(*pair)
    return found


# --- title ---------------------------------------------------------------------------

_ROLE_NOUN_RE = re.compile(
    r"\b(?:engineer|developer|programmer|manager|analyst|scientist|designer|architect|consultant|"
    r"specialist|director|officer|administrator|coordinator|lead|intern|assistant|associate|"
    r"technician|teacher|tutor|facilitator|nurse|accountant|representative|executive|writer|editor|"
    r"tester|head|vp|president|agent|clerk|operator|driver|chef|cook|advisor|adviser|strategist|"
    r"researcher|recruiter|marketer|expert|owner|supervisor|trainer|instructor|auditor|"
    r"controller|planner|buyer|secretary|receptionist|sales\w*|producer|artist|copywriter|"
    r"devops|sre|qa|ux|ui)s?\b",
    re.IGNORECASE,
)
_TITLE_PREFIX_RE = re.compile(
    r"^(?:job description|job title|job posting|position|role|vacancy|we're hiring|hiring|title)"
    r"\s*[:\-\u2013]\s*",
    re.IGNORECASE,
)
_TRAILING_NOTE_RE = re.compile(
    r"\s*\((?:[^()]*\b(?:years?|experience|remote|hybrid|on-?site|full[ -]time|part[ -]time|contract|"
    r"m/f/d|f/m/d|m/w/d|w/m/d)\b[^()]*)\)\s*$",
    re.IGNORECASE,
)
_MAX_TITLE_WORDS = 14


def _undouble(text: str) -> str:
    # Some copied postings repeat the title with no separator ("Director, XDirector, X").
    half = len(text) // 2
    if len(text) % 2 == 0 and half > 3 and text[:half] == text[half:]:
        return text[:half]
    return text


def clean_title(text: str) -> str:
    text = _undouble(_TITLE_PREFIX_RE.sub("", text.strip()))
    return _TRAILING_NOTE_RE.sub("", text).strip(" -\u2013:")


def is_title_like(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= _MAX_TITLE_WORDS
        and not text.endswith((".", "!", "?"))
        and _ROLE_NOUN_RE.search(text) is not None
    )


def job_title(lines: Sequence[JobLine], found_fields: dict[str, str]) -> str:
    """A "Job Title:" field, else the first title-like line near the top, else a "Position:" field."""
    if "title" in found_fields and clean_title(found_fields["title"]):
        return clean_title(found_fields["title"])
    for line in lines[:6]:
        candidate = clean_title(line.text)
        if candidate and is_title_like(candidate) and field_of(line.text) is None:
            return candidate
    if "position" in found_fields and clean_title(found_fields["position"]):
        return clean_title(found_fields["position"])
    first = clean_title(lines[0].text) or lines[0].text
    return " ".join(first.split()[:_MAX_TITLE_WORDS])


# --- remote -------------------------------------------------------------------------

_HYBRID_RE = re.compile(r"\bhybrid\b", re.IGNORECASE)
_REMOTE_RE = re.compile(
    r"\b(?:fully remote|100% remote|"
    r"remote[ -](?:position|role|job|work|opportunity|first|friendly|only|option)|"
    r"work(?:ing)? (?:fully )?remotely|work(?:ing)? from home|wfh|telecommut\w*|"
    r"comfort of (?:your|their) (?:own )?home)\b|^(?:temporarily |fully )?remote\b|\(remote\)",
    re.IGNORECASE,
)
_ONSITE_RE = re.compile(
    r"\b(?:on-?site only|no remote|not remote|in-office|office-based|work from (?:the|our) office)\b",
    re.IGNORECASE,
)
_REMOTE_FIELD_RE = re.compile(
    r"^(?:work remotely|remote(?: work)?|remote working)\s*:?\s*(?P<value>.*)$", re.I
)


def remote_policy(lines: Sequence[JobLine]) -> RemotePolicy | None:
    """Hybrid beats remote beats on-site; "Work Remotely: No" is on-site."""
    remote = hybrid = onsite = False
    for index, line in enumerate(lines):
        field = _REMOTE_FIELD_RE.match(line.text)
        if field is not None:
            value = field.group("value") or (lines[index + 1].text if index + 1 < len(lines) else "")
            if re.match(r"^(?:no|none|not)\b", value, re.IGNORECASE):
                onsite = True
            elif value:
                remote = True
            continue
        hybrid = hybrid or _HYBRID_RE.search(line.text) is not None
        remote = remote or _REMOTE_RE.search(line.text) is not None
        onsite = onsite or _ONSITE_RE.search(line.text) is not None
    if hybrid:
        return RemotePolicy.HYBRID
    if remote:
        return RemotePolicy.FULL
    return RemotePolicy.NONE if onsite else None


# --- company and location ---------------------------------------------------------------

_COUNTRIES = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "india": "IN",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
    "spain": "ES",
    "italy": "IT",
    "netherlands": "NL",
    "canada": "CA",
    "australia": "AU",
    "ireland": "IE",
    "switzerland": "CH",
    "austria": "AT",
    "portugal": "PT",
    "poland": "PL",
    "singapore": "SG",
}
_PLACE_PART_RE = re.compile(r"^[A-Z][A-Za-z.'\- ]{1,40}$")
_BASED_IN_RE = re.compile(r"\bbased (?:in|out of) (?P<place>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})")
_COMPANY_SENTENCE_RE = re.compile(
    r"^(?:At )?(?P<name>[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,3}) is "
    r"(?:a|an|the|on a mission|developing|building)\b"
)
_COMPANY_MENTION_RE = re.compile(
    r"\b(?:at|across|join|joining)\s+(?P<a>[A-Z][A-Za-z0-9&]+)\b|\b(?P<b>[A-Z][A-Za-z0-9&]+)(?:'s|\u2019s)\b"
)
_NOT_COMPANY = frozenset({"About", "Our", "We", "The", "This", "You", "Your", "Us"})


def location_from(text: str) -> Location | None:
    """ "San Francisco, CA, USA" -> city, region, country code; ``None`` unless it reads as a place."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or len(parts) > 4 or not all(_PLACE_PART_RE.match(part) for part in parts):
        return None
    country = _COUNTRIES.get(parts[-1].lower()) if len(parts) > 1 else None
    places = parts[:-1] if country else parts
    return Location(city=places[0], region=places[1] if len(places) > 1 else None, country_code=country)


def header_company_and_location(lines: Sequence[JobLine]) -> tuple[str | None, Location | None]:
    """Short lines under the title: "Game Change Solutions", "Tech Solutions, San Francisco, CA, USA"."""
    company: str | None = None
    location: Location | None = None
    for line in lines[1:6]:
        text = line.text
        if (
            len(text.split()) > 8
            or text.endswith((".", ":"))
            or field_of(text) is not None
            or is_heading(line)
        ):
            break
        parts = [part.strip() for part in text.split(",")]
        if len(parts) >= 3 and company is None and location is None:
            company, location = parts[0], location_from(", ".join(parts[1:]))
        elif "," in text and location is None:
            location = location_from(text)
        elif company is None and _PLACE_PART_RE.match(text) and not _REMOTE_RE.search(text):
            company = text
    return company, location


def company_from_body(lines: Sequence[JobLine]) -> str | None:
    """ "About Acme", "Acme is a ...", else the name most often worked "at"/"across" (twice or more)."""
    for line in lines:
        about = re.match(r"^About\s+(?P<name>[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,2})$", line.text)
        if about is not None and about.group("name").split()[0] not in _NOT_COMPANY:
            return about.group("name")
    for line in lines:
        sentence = _COMPANY_SENTENCE_RE.match(line.text)
        if sentence is not None and sentence.group("name").split()[0] not in _NOT_COMPANY:
            return sentence.group("name")
    counts: Counter[str] = Counter()
    for line in lines:
        for match in _COMPANY_MENTION_RE.finditer(line.text):
            name = match.group("a") or match.group("b")
            if name not in _NOT_COMPANY:
                counts[name] += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ranked[0][0] if ranked and ranked[0][1] >= 2 else None


def based_in(lines: Sequence[JobLine]) -> Location | None:
    for line in lines:
        match = _BASED_IN_RE.search(line.text)
        if match is not None:
            return location_from(match.group("place"))
    return None
