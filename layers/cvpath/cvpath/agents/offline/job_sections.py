"""A posting's logical lines grouped under the headings that say what they are.

A line's section (duties, requirements, preferred, about the company, ...) is
the strongest cue to whether a skill it names is a must-have: postings say
"Minimum qualifications" once and then list items without repeating it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from cvpath.agents.offline.job_lines import JobLine


class SectionKind(StrEnum):
    INTRO = "intro"  # before any heading, or "Job Description"/"Summary": the role in prose
    ABOUT = "about"  # the company, "About the job" marketing
    DUTIES = "duties"
    REQUIRED = "required"
    PREFERRED = "preferred"
    BENEFITS = "benefits"
    APPLY = "apply"
    OTHER = "other"


@dataclass(frozen=True)
class SectionLine:
    text: str
    bullet: bool
    kind: SectionKind
    heading: bool = False


# Checked in this order: "Preferred qualifications" must not be read as "qualifications",
# nor "Duties and Requirements" as duties.
_HEADING_KINDS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    (
        SectionKind.PREFERRED,
        re.compile(
            r"\b(?:preferred|nice[ -]to[ -]haves?|good[ -]to[ -]have|bonus|pluses|desirable|"
            r"additional skills|would be (?:great|nice)|extra credit|ideally|a plus)\b"
        ),
    ),
    (SectionKind.APPLY, re.compile(r"\b(?:how to apply|to apply|application process|apply now)\b")),
    (
        SectionKind.BENEFITS,
        re.compile(r"\b(?:benefits|perks|we offer|remuneration|compensation|salary|why join|what's in it)\b"),
    ),
    (
        SectionKind.OTHER,
        re.compile(
            r"\b(?:work(?:ing)? remotely|working (?:days|hours)|schedule|equal opportunity|job types?)\b"
        ),
    ),
    (
        SectionKind.REQUIRED,
        re.compile(
            r"\b(?:requirements?|required|qualifications?|prerequisites?|must[ -]haves?|skills?|"
            r"competenc(?:y|ies)|what you(?:'ll| will)? (?:need|bring)|who you are|looking for|"
            r"candidate profile|your profile|experience|education|languages?|needed|essential|expertise)\b"
        ),
    ),
    (
        SectionKind.DUTIES,
        re.compile(
            r"\b(?:responsibilit(?:y|ies)|duties|what you(?:'ll| will) do|your role|tasks|"
            r"accountabilities|day[ -]to[ -]day|in this role|the role|your mission|job functions?)\b"
        ),
    ),
    (
        SectionKind.ABOUT,
        re.compile(r"^about\b|\b(?:who we are|our (?:company|mission|story)|company profile)\b"),
    ),
    (SectionKind.INTRO, re.compile(r"\b(?:job description|description|summary|overview|the opportunity)\b")),
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TRAILING_PUNCT_RE = re.compile(r"[\s:\-\u2013\u2014]+$")
_ENDS_AS_HEADING_RE = re.compile(r"(?::|\s[-\u2013\u2014])\s*$")
_MAX_HEADING_CHARS = 70
_MAX_HEADING_WORDS = 8
# A heading without a colon must be short and made only of heading words, so a
# list item such as "Great communication skills" is not taken for one.
_BARE_HEADING_WORDS = _words(
    "responsibilities responsibility duties requirements required skills skill qualifications qualification "
    "minimum preferred basic key roles role and the job description summary about us benefits how to apply "
    "what you'll you will do need bring we offer are looking for nice have good bonus points experience "
    "education overview position your our perks desired candidate profile technical additional must "
    "who tasks compensation salary company team essential necessary prerequisites competencies knowledge "
    "abilities plus pluses a to & of in this opportunity main core primary"
)
_DASH_SPLIT_RE = re.compile(r"\s[-\u2013\u2014]\s")
_ABOUT_NAME_RE = re.compile(r"^about\s+\S+(?:\s+\S+){0,2}$")


def classify_heading(heading: str) -> SectionKind | None:
    """The section a heading opens; ``None`` for a heading that names no known kind."""
    folded = _TRAILING_PUNCT_RE.sub("", heading.casefold().replace("\u2019", "'"))
    for kind, pattern in _HEADING_KINDS:
        if pattern.search(folded):
            return kind
    return None


def is_heading(line: JobLine) -> bool:
    text = line.text
    if line.bullet or len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if _ENDS_AS_HEADING_RE.search(text):
        return True
    if text.endswith((".", "!", "?", ",", ";")):
        return False
    folded = _TRAILING_PUNCT_RE.sub("", text.casefold().replace("\u2019", "'"))
    # "Necessary prerequisites - technology": a heading, then what it is about.
    head = _DASH_SPLIT_RE.split(folded, maxsplit=1)[0]
    words = [word for word in head.replace(",", " ").split() if any(ch.isalnum() for ch in word)]
    if not words or len(words) > 6:
        return False
    return all(word in _BARE_HEADING_WORDS for word in words) or bool(_ABOUT_NAME_RE.match(folded))


def section_lines(lines: Sequence[JobLine]) -> list[SectionLine]:
    """Every line with the kind of the section it sits in; headings are flagged.

    An unknown heading inside a duties section is a sub-heading (a group of
    duties), so it keeps the duties kind; elsewhere it opens an ``OTHER`` section.
    """
    result: list[SectionLine] = []
    kind = SectionKind.INTRO
    parent = SectionKind.INTRO
    for index, line in enumerate(lines):
        # The first line is the title, whatever it looks like.
        if index > 0 and is_heading(line):
            named = classify_heading(line.text)
            if named is None:
                kind = SectionKind.DUTIES if parent is SectionKind.DUTIES else SectionKind.OTHER
            else:
                kind = parent = named
            result.append(SectionLine(line.text, line.bullet, kind, heading=True))
            continue
        result.append(SectionLine(line.text, line.bullet, kind))
    return result
