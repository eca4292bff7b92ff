"""Which header text of an entry is the employer, the title, the institution, the degree.

Work: the title is the part with role nouns ("Engineer", "Intern", "CTO"); the other
part is the employer, whichever order they are printed in ("Title / Employer" lines,
"Employer, Title", "Title at Employer"). With no cue either way, the employer comes
first. Education: the institution has an institution word ("University", "Hochschule")
or, failing that, is the part without a degree word. The *printed degree* goes to
``study_type`` whole ("Bachelor of Arts in Computer Science, Minor in Business"), and
``area`` holds a field of study only when it is printed apart from the degree (after
the institution: "PhD" / "Princeton University, Computer Science").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.agents.offline.cv_parser.places import Place, is_city_part, split_trailing_location
from cvpath.agents.offline.cv_parser.shapes import is_sentence_like, title_score, words

_EMPLOYER_RE = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|ag|corp|corporation|company|co|plc|sa|sas|sarl|bv|labs?|technologies|"
    r"solutions|systems|group|studio|agency|bank|university|college|institute|foundation|hospital|"
    r"consulting|partners|ventures|software|services|holdings)\b\.?",
    re.IGNORECASE,
)
_INSTITUTION_RE = re.compile(
    r"\b(?:university|college|institute|institution|school|academy|polytechnic|polytechnique|conservatory|"
    r"universit[aäéey]t?|hochschule|fachhochschule|gymnasium|lyc[ée]e|[ée]cole|universidad|universidade|"
    r"universit[àa]|escuela|instituto|istituto|politecnico|seminary|campus)\b",
    re.IGNORECASE,
)
_DEGREE_WORD_RE = re.compile(
    r"\b(?:bachelor|bachelors|master|masters|doctor|doctorate|associate|associates|diploma|diplom|"
    r"certificate|high school|abitur|licence|licenciatura|grado|maestr[ií]a|m[aá]ster|magister|laurea|"
    r"dipl|b\.\s?tech|m\.\s?tech|b\.\s?sc|m\.\s?sc|ph\.\s?d|phd|mba|gcse|a-levels?|postgraduate|"
    r"undergraduate|graduate|minor|major)\b",
    re.IGNORECASE,
)
_DEGREE_ABBREV_RE = re.compile(
    r"^(?:B\.?S\.?c?|M\.?S\.?c?|B\.?A\.?|M\.?A\.?|B\.?E\.?|M\.?E\.?|B\.?Eng\.?|M\.?Eng\.?|BBA|MBA|MPH|MFA|"
    r"LL\.?[BM]\.?|M\.?D\.?|J\.?D\.?|Ph\.?\s?D\.?|DPhil|A\.?A\.?S?\.?|A\.?S\.?|B\.?Tech\.?|M\.?Tech\.?|"
    r"BSc|MSc|BEng|MEng|MRes|MPhil|Dr\.?)$"
)
_SPLIT_TITLE_RE = re.compile(r"\s+(?:at|@|bei|chez|en)\s+|\s+[|\u2013\u2014]\s+|\s+-\s+|,\s+")
_GPA_RE = re.compile(
    r"\b(?:GPA|CGPA|grade|note|Notendurchschnitt)\b\s*:?\s*([0-9]+(?:[.,][0-9]+)?(?:\s*/\s*[0-9.]+)?)", re.I
)


@dataclass(frozen=True)
class Parts:
    parts: list[str]
    place: Place | None


def _clean(text: str) -> str:
    return text.strip(" ,;:|-\u2013\u2014").strip()


def header_parts(head: list[str], *, split_commas: bool = True) -> Parts:
    """The meaningful pieces of the header lines, with a trailing location cut off."""
    parts: list[str] = []
    place: Place | None = None
    for line in head:
        rest, found = split_trailing_location(line)
        if found is not None:
            place = place or found
            line = rest
        pieces = _SPLIT_TITLE_RE.split(line) if split_commas else re.split(r"\s+[|\u2013\u2014]\s+", line)
        parts.extend(p for piece in pieces if (p := _clean(piece)))
    return Parts(parts, place)


def _is_degree(text: str) -> bool:
    first = text.split()[0] if text.split() else ""
    return bool(_DEGREE_WORD_RE.search(text) or _DEGREE_ABBREV_RE.match(first.rstrip(",")))


def _employer_score(text: str) -> int:
    return len(_EMPLOYER_RE.findall(text))


def work_fields(
    head: list[str], dated_head: int | None
) -> tuple[str | None, str | None, Place | None, list[str]]:
    """(employer, title, place, leftover header lines)."""
    found = header_parts(head[:2])
    leftover = head[2:]
    parts = found.parts
    if not parts:
        return None, None, found.place, leftover
    if len(parts) == 1:
        only = parts[0]
        if title_score(only) > 0:
            return None, only, found.place, leftover
        return only, None, found.place, leftover
    first, second = parts[0], parts[1]
    rest = parts[2:]
    score_first = title_score(first) - _employer_score(first)
    score_second = title_score(second) - _employer_score(second)
    if score_first > score_second:
        employer, title = second, first
    elif score_second > score_first:
        employer, title = first, second
    elif dated_head == 0 and len(head) >= 2:
        # The line carrying the dates is usually the title line (Jake's layout).
        employer, title = second, first
    else:
        employer, title = first, second
    place = found.place
    if place is None and rest and is_city_part(rest[0]):
        # "Employer, City" with a city but no region: the city is the place.
        place, rest = Place(rest[0]), rest[1:]
    return employer, title, place, rest + leftover


@dataclass(frozen=True)
class EducationFields:
    institution: str | None
    study_type: str | None
    area: str | None
    place: Place | None
    score: str | None
    leftover: list[str]


def education_fields(head: list[str]) -> EducationFields:
    score = None
    lines: list[str] = []
    for line in head:
        gpa = _GPA_RE.search(line)
        if gpa is not None:
            score = score or gpa.group(1).replace(" ", "")
            continue
        lines.append(line)
    place: Place | None = None
    institution = study_type = area = None
    leftover: list[str] = []
    for line in lines:
        rest, found = split_trailing_location(line)
        place = place or found
        line = re.split(r"\s+[|\u2013\u2014]\s+", rest)[0] if rest else rest
        if not line or (institution and study_type):
            if line:
                leftover.append(line)
            continue
        parts = [p for piece in line.split(",") if (p := _clean(piece))]
        inst_index = next((i for i, p in enumerate(parts) if _INSTITUTION_RE.search(p)), None)
        if inst_index is None and not _is_degree(line) and institution is None:
            institution = _clean(line)
            continue
        if inst_index is None:
            if study_type is None:
                degree_parts = [p for p in parts if _is_degree(p)]
                if institution is None and len(parts) > 1 and len(degree_parts) < len(parts):
                    # "PhD in Computer Science, CalTech": the part after the degree is the school.
                    institution = next(p for p in reversed(parts) if not _is_degree(p))
                    study_type = ", ".join(p for p in parts if p != institution)
                else:
                    study_type = _clean(line)
            continue
        school = parts[inst_index]
        tokens = school.split()
        if tokens and _DEGREE_ABBREV_RE.match(tokens[0]) and len(tokens) > 1:
            study_type = study_type or tokens[0]
            school = " ".join(tokens[1:])
        institution = institution or school
        before, after = parts[:inst_index], parts[inst_index + 1 :]
        if before and study_type is None:
            study_type = ", ".join(before)
        if after:
            degree_after = [p for p in after if _is_degree(p)]
            if degree_after and study_type is None:
                study_type = ", ".join(after)
            elif not degree_after and area is None:
                area = ", ".join(after)
    return EducationFields(institution, study_type, area, place, score, leftover)


def project_fields(head: list[str]) -> tuple[str | None, list[str], list[str], list[str]]:
    """(name, keywords, roles, leftover lines) of a project header."""
    if not head:
        return None, [], [], []
    first = head[0]
    name, _, stack = first.partition("|")
    keywords = [k for piece in stack.split(",") if (k := _clean(piece))] if stack else []
    roles: list[str] = []
    leftover: list[str] = []
    for line in head[1:]:
        if not roles and len(words(line)) <= 6 and not is_sentence_like(line):
            roles.append(line)
        else:
            leftover.append(line)
    return _clean(name) or None, keywords, roles, leftover
