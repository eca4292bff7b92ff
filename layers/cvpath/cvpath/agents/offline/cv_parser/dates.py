"""Date ranges as CVs print them, to JSON Resume partial dates (``YYYY-MM`` or ``YYYY``).

One scanner finds date *atoms* (``Jan. 2020``, ``03/2019``, ``2019-03``, ``Summer 2021``,
``2018``, ``Present``) and joins two atoms separated by a range word or dash into a
range. Every pattern is a flat alternation of bounded pieces, so scanning is linear in
the length of the line whatever it contains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Month names and abbreviations in English, German, French, Spanish, Italian,
# Portuguese and Dutch, accent-folded and lower-cased (see fold_text).
_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "janvier",
        "janv",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "janeiro",
        "januari",
    ),
    2: (
        "february",
        "feb",
        "febr",
        "februar",
        "fevrier",
        "fevr",
        "fev",
        "febrero",
        "febbraio",
        "fevereiro",
        "februari",
    ),
    3: ("march", "mar", "marz", "maerz", "mars", "marzo", "marco", "maart", "mrz"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "aout", "agosto", "ago", "augustus"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "set", "settembre", "setembro"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre", "dezembro"),
}
MONTHS: dict[str, int] = {word: number for number, words in _MONTH_WORDS.items() for word in words}

# Seasons print only the year (the corpus convention: "Summer 2021" -> 2021).
_SEASONS = (
    "spring", "summer", "fall", "autumn", "winter", "fruhjahr", "fruhling", "sommer", "herbst",
    "printemps", "ete", "automne", "hiver", "primavera", "verano", "otono", "invierno",
    "sommersemester", "wintersemester", "ss", "ws",
)  # fmt: skip

# Words that stand for "ongoing" in place of an end date.
_PRESENT_PHRASES = (
    "present", "current", "currently", "now", "ongoing", "today", "to date", "date",
    "heute", "bis heute", "aktuell", "jetzt", "laufend", "derzeit",
    "present", "presente", "aujourd'hui", "aujourd hui", "actuel", "actuellement", "en cours",
    "actualidad", "actual", "hoy", "la fecha", "oggi", "in corso", "atual", "heden", "nu",
)  # fmt: skip

# Words before a single date that make it the start of an ongoing range ("Since 2019").
_SINCE_WORDS = ("since", "seit", "depuis", "desde", "dal", "sinds", "from", "von", "ab")
# Words before a single date that make it an expected end ("Expected May 2025").
_EXPECTED_WORDS = (
    "expected", "anticipated", "expected graduation", "graduating", "graduation", "voraussichtlich",
    "prevu", "prevue", "esperado", "prevista", "previsto",
)  # fmt: skip

_RANGE_WORDS = ("to", "until", "till", "bis", "a", "au", "al", "hasta", "jusqu'a", "jusqu'en", "tot", "-")


def fold_text(text: str) -> str:
    """Lower-case, accents removed, typographic dashes and quotes made ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[\u2010-\u2015\u2212]", "-", plain)
    return plain.replace("\u2019", "'").casefold()


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    # Longest first, so "sept" wins over "sep" and "june" over "jun".
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_YEAR = r"(?:19[5-9][0-9]|20[0-9][0-9])"
_MONTH = rf"(?:{_alternation(list(MONTHS))})\.?"
_PRESENT = rf"(?:{_alternation(_PRESENT_PHRASES)})"
# Atoms, most specific first. Named groups tell the kinds apart.
_ATOM = (
    rf"(?P<iso>{_YEAR})[-/.](?P<iso_m>0?[1-9]|1[0-2])(?:[-/.][0-3]?[0-9])?(?![0-9])"
    rf"|(?:[0-3]?[0-9][./])?(?P<num_m>0?[1-9]|1[0-2])[/.](?P<num_y>{_YEAR})"
    rf"|(?:[0-3]?[0-9]\.?\s)?(?P<mon>{_MONTH})(?:\s?[0-3]?[0-9](?:st|nd|rd|th)?,)?[\s,]{{0,2}}(?P<mon_y>{_YEAR}|'[0-9]{{2}})"
    rf"|(?P<season>{_alternation(_SEASONS)})\s{{0,2}}(?P<season_y>{_YEAR})"
    rf"|(?P<year>{_YEAR})"
    rf"|(?P<present>{_PRESENT})"
)
_ATOM_RE = re.compile(rf"(?<![\w/.])(?:{_ATOM})(?![\w]|/[0-9])")
_SEPARATOR_RE = re.compile(rf"\s{{0,3}}(?:-{{1,2}}|(?:{_alternation(_RANGE_WORDS)})\b)\s{{0,3}}$")
_SINCE_RE = re.compile(rf"(?:^|[\s(])(?:{_alternation(_SINCE_WORDS)})\s{{0,3}}$")
_EXPECTED_RE = re.compile(rf"(?:^|[\s(])(?:{_alternation(_EXPECTED_WORDS)}):?\s{{0,3}}$")
_MAX_LINE = 400


@dataclass(frozen=True)
class DateRange:
    """A printed date or range: ``start``/``end`` partial dates; ``end`` None + ``ongoing`` = present.

    ``begin``/``finish`` are the character offsets of the printed range in the scanned text.
    """

    start: str | None
    end: str | None
    ongoing: bool
    begin: int
    finish: int


@dataclass(frozen=True)
class _Atom:
    value: str | None  # a partial date, or None for "present"
    begin: int
    finish: int


def _atom_value(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["iso"]:
        return f"{groups['iso']}-{int(groups['iso_m']):02d}"
    if groups["num_y"]:
        return f"{groups['num_y']}-{int(groups['num_m']):02d}"
    if groups["mon"]:
        month = MONTHS[groups["mon"].rstrip(".")]
        year = groups["mon_y"]
        if year.startswith("'"):
            # A two-digit year: the 50 years after 1950 are 19xx, the rest 20xx.
            short = int(year[1:])
            year = str(1900 + short if short >= 50 else 2000 + short)
        return f"{year}-{month:02d}"
    if groups["season_y"]:
        return str(groups["season_y"])
    if groups["year"]:
        return str(groups["year"])
    return None


def _atoms(folded: str) -> list[_Atom]:
    return [_Atom(_atom_value(m), m.start(), m.end()) for m in _ATOM_RE.finditer(folded)]


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    if text.isascii():
        return text.casefold(), list(range(len(text) + 1))
    pieces = [fold_text(c) or " " for c in text]
    offsets = [index for index, piece in enumerate(pieces) for _ in piece]
    offsets.append(len(text))
    return "".join(pieces), offsets


def find_date_ranges(text: str) -> list[DateRange]:
    """Every date or date range printed in ``text``, left to right.

    A lone "Present" is not a date; a lone date is a range whose start and end are that
    date, except after "since"/"seit"/"depuis"/"desde" (ongoing from it) or "expected"
    (an end only). Lines longer than 400 characters are prose, not dates: only their
    first 400 characters are scanned.
    """
    if not isinstance(text, str):
        raise ValueError("text must be a str")
    # NFKD keeps the length for ASCII-ish text but not in general, so offsets are
    # mapped on the folded text of each character individually.
    folded, offsets = _fold_with_offsets(text[:_MAX_LINE])
    atoms = _atoms(folded)
    ranges: list[DateRange] = []
    index = 0
    while index < len(atoms):
        atom = atoms[index]
        nxt = atoms[index + 1] if index + 1 < len(atoms) else None
        gap = folded[atom.finish : nxt.begin] if nxt is not None else ""
        # "to date" and "bis heute" carry their own range word.
        joined_present = (
            nxt is not None
            and nxt.value is None
            and not gap.strip()
            and " " in folded[nxt.begin : nxt.finish]
        )
        if (
            nxt is not None
            and atom.value is not None
            and (joined_present or _SEPARATOR_RE.match(gap) is not None)
        ):
            ranges.append(
                DateRange(atom.value, nxt.value, nxt.value is None, offsets[atom.begin], offsets[nxt.finish])
            )
            index += 2
            continue
        if atom.value is not None:
            before = folded[max(0, atom.begin - 24) : atom.begin]
            begin = offsets[atom.begin]
            if (since := _SINCE_RE.search(before)) is not None:
                begin = offsets[atom.begin - len(before) + since.start()]
                ranges.append(DateRange(atom.value, None, True, begin, offsets[atom.finish]))
            elif (expected := _EXPECTED_RE.search(before)) is not None:
                begin = offsets[atom.begin - len(before) + expected.start()]
                ranges.append(DateRange(None, atom.value, False, begin, offsets[atom.finish]))
            else:
                ranges.append(DateRange(atom.value, atom.value, False, begin, offsets[atom.finish]))
        index += 1
    return ranges


def parse_date_range(text: str) -> DateRange | None:
    """The first date or range in ``text`` (see :func:`find_date_ranges`), or None."""
    ranges = find_date_ranges(text)
    return ranges[0] if ranges else None


_FILLER_RE = re.compile(r"^[\s\-\u2013\u2014,;:()\[\]|/.]*$")
_PRESENT_ONLY_RE = re.compile(rf"^\s*(?:{_PRESENT})\s*\.?\s*$")


def strip_date_ranges(text: str, ranges: list[DateRange]) -> str:
    """``text`` with the printed ranges cut out (spaces around each cut collapsed)."""
    pieces: list[str] = []
    position = 0
    for found in ranges:
        pieces.append(text[position : found.begin])
        position = found.finish
    pieces.append(text[position:])
    return " ".join(piece.strip() for piece in pieces if piece.strip())


def is_date_only(text: str, *, allow_present: bool = False) -> bool:
    """True when ``text`` holds dates (or, if allowed, a lone "Present") and nothing else."""
    if len(text) > _MAX_LINE:
        return False
    if allow_present and _PRESENT_ONLY_RE.match(fold_text(text)):
        return True
    ranges = find_date_ranges(text)
    return bool(ranges) and _FILLER_RE.match(strip_date_ranges(text, ranges)) is not None
