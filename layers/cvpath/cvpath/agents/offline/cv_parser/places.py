"""Places as CVs print them: "San Francisco, CA", "London, UK", "Mountain View, CA, USA".

A trailing location is recognised by its last comma part (a state/province code or a
country) and the city part before it. When nothing separates the city from the text
before it ("Stripe San Francisco, CA", a right-aligned location glued on by the text
extractor), the city is one word, extended left over words that begin multi-word
city names ("San", "New", "College", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.agents.offline.cv_parser.shapes import word_set

_REGION_CODES = word_set(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
    OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR
    AB BC MB NB NL NS NT NU ON PE QC SK YT NSW VIC QLD WA SA TAS ACT NT
    """
)
_COUNTRIES = frozenset(
    c.casefold()
    for c in word_set(
        """USA|US|U.S.|U.S.A.|United States|United States of America|UK|U.K.|United Kingdom|England|
    Scotland|Wales|
    Ireland|Canada|Mexico|Brazil|Argentina|Chile|Colombia|Peru|India|China|Japan|Korea|South Korea|Singapore|
    Australia|New Zealand|Germany|Deutschland|France|Spain|España|Espana|Italy|Italia|Portugal|Netherlands|
    The Netherlands|Belgium|Switzerland|Schweiz|Suisse|Austria|Österreich|Sweden|Norway|Denmark|Finland|
    Poland|Czech Republic|Czechia|Hungary|Romania|Bulgaria|Greece|Turkey|Türkiye|Turkiye|Israel|Egypt|
    Nigeria|Kenya|South Africa|Morocco|UAE|United Arab Emirates|Saudi Arabia|Qatar|Pakistan|Bangladesh|
    Sri Lanka|Nepal|Indonesia|Malaysia|Philippines|Vietnam|Viet Nam|Thailand|Taiwan|Hong Kong|Ukraine|
    Russia|Estonia|Latvia|Lithuania|Luxembourg|Iceland|Croatia|Serbia|Slovenia|Slovakia|Frankreich|
    Spanien|Italien|Niederlande|Schweden|Mexique|Allemagne|Espagne|Royaume-Uni|Estados Unidos|Alemania|
    Francia|Reino Unido""",
        "|",
    )
)
# Words that begin multi-word city names ("San Jose", "New York", "St. Louis").
_CITY_PREFIXES = word_set(
    "san santa santo los las new st st. saint sainte fort el la le port north south east west"
)
# Multi-word cities whose first word is an ordinary word ("College Station", not "Blinn College").
_MULTIWORD_CITIES = frozenset(
    c.casefold()
    for c in word_set(
        """
    College Station|College Park|Mountain View|Palo Alto|Menlo Park|Redwood City|Salt Lake City|Kansas City|
    Oklahoma City|Jersey City|Baton Rouge|Ann Arbor|Half Moon Bay|Culver City|Foster City|Beverly Hills|
    Cedar Rapids|Iowa City|Carson City|Long Beach|Grand Rapids|Little Rock|Round Rock|Hong Kong|Kuala Lumpur|
    Tel Aviv|Abu Dhabi|Cape Town|Buenos Aires|Rio de Janeiro|Sao Paulo|São Paulo|New Delhi|Frankfurt am Main|
    Mexico City|Quebec City|Panama City|Ho Chi Minh City|Sunnyvale|Santa Clara|Los Angeles""",
        "|",
    )
)
_POSTAL_RE = re.compile(r"^(?:[0-9]{4,5}(?:-[0-9]{4})?|[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9])$")
_STREET_RE = re.compile(
    r"^[0-9]{1,5}[A-Za-z]?\s+\S|\b(?:street|st\.?|avenue|ave\.?|road|rd\.?|lane|blvd|drive|straße|strasse|"
    r"str\.|weg|platz|rue|calle|avenida)(?:\s|,|$)",
    re.IGNORECASE,
)
# "10115 Berlin", "75008 Paris": the European order, postal code first.
_POSTAL_CITY_RE = re.compile(
    r"^(?:[A-Z]{1,2}-)?[0-9]{4,5}\s+[A-ZÀ-Þ][\w'.\u2019-]*(?:\s[A-ZÀ-Þa-z][\w'.\u2019-]*){0,2}$"
)
_CITY_WORD_RE = re.compile(r"^[A-ZÀ-Þ][\w'.\u2019-]*$")


@dataclass(frozen=True)
class Place:
    """A printed location; ``city``/``region``/``postal_code`` when it is the simple "City, XX" form."""

    text: str
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None


def _is_region_part(part: str) -> bool:
    tokens = part.split()
    if not tokens:
        return False
    if len(tokens) == 2 and _POSTAL_RE.match(tokens[1]):
        tokens = tokens[:1]
    head = tokens[0] if len(tokens) == 1 else " ".join(tokens)
    return head in _REGION_CODES or head.casefold() in _COUNTRIES


def is_city_part(part: str) -> bool:
    tokens = part.split()
    return 1 <= len(tokens) <= 4 and all(
        _CITY_WORD_RE.match(t) or t.casefold() in _CITY_PREFIXES for t in tokens
    )


def split_trailing_location(text: str) -> tuple[str, Place | None]:
    """Cut a trailing "City, Region" (optionally ", Country") off ``text``: (rest, place)."""
    if len(text) > 200 or "," not in text:
        return text, None
    parts = [p.strip() for p in text.split(",")]
    if _POSTAL_CITY_RE.match(parts[-1]):
        code, _, town = parts[-1].partition(" ")
        return ", ".join(parts[:-1]).strip(), Place(parts[-1], town.strip(), None, code)
    tail: list[str] = []
    while len(parts) > 1 and len(tail) < 2 and _is_region_part(parts[-1]):
        tail.insert(0, parts.pop())
    if not tail:
        return text, None
    city_part = parts.pop()
    tokens = city_part.split()
    if not tokens:
        return text, None
    if parts and is_city_part(city_part):
        city_tokens = tokens
    else:
        # Nothing separates the city from what precedes it: take one word and the
        # city-name prefixes before it.
        cut = len(tokens) - 1
        for size in (4, 3, 2):
            if len(tokens) > size and " ".join(tokens[-size:]).casefold() in _MULTIWORD_CITIES:
                cut = len(tokens) - size
                break
        else:
            while cut > 0 and tokens[cut - 1].casefold() in _CITY_PREFIXES and len(tokens) - cut < 3:
                cut -= 1
        if not _CITY_WORD_RE.match(tokens[-1]):
            return text, None
        city_tokens = tokens[cut:]
        if cut > 0:
            parts.append(" ".join(tokens[:cut]))
    city = " ".join(city_tokens)
    printed = ", ".join([city, *tail])
    region: str | None = tail[0]
    postal: str | None = None
    region_tokens = tail[0].split()
    if len(region_tokens) == 2 and _POSTAL_RE.match(region_tokens[1]):
        region, postal = region_tokens[0], region_tokens[1]
    rest = ", ".join(parts).strip().rstrip(",-\u2013\u2014|").strip()
    place = Place(printed, city, region, postal) if len(tail) == 1 else Place(printed)
    return rest, place


def is_street_address(text: str) -> bool:
    return len(text) <= 80 and _STREET_RE.search(text) is not None and "@" not in text
