"""The not-a-job gate: refuse empty text, scraps, and text that is something else.

A posting is recognised by its vocabulary: duties, requirements, experience,
skills, applying, the role, the team, salary, and the named skills of the
taxonomy. Other kinds of text a user might paste by mistake have their own
vocabulary (lorem ipsum, recipes, news reports, CVs); the gate refuses the
text when the job score is low, or when another kind clearly outscores it.

Thresholds, measured on the corpus: its 15 postings have a posting score of
6-14 and a job score of 7-24; its 8 CVs a posting score of 0-2 (and CV scores
of 4.5-9); a recipe, lorem ipsum and news reports score 0 on posting cues.

- fewer than ``MIN_WORDS`` words or ``MIN_CHARS`` visible characters: too short;
- a posting score (posting-only cues) below ``MIN_POSTING_SCORE`` or a job score
  (all cues) below ``MIN_JOB_SCORE``: not a job description;
- another kind's score at least ``OTHER_KIND_MARGIN`` times the posting score:
  not one either (a CV with a "Responsibilities" line is still a CV).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.agents.offline.job_lines import clean_text
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.errors import NotAJobDescription

MIN_CHARS = 40
MIN_WORDS = 6
MIN_POSTING_SCORE = 4.0
MIN_JOB_SCORE = 6.0
OTHER_KIND_MARGIN = 1.5
# Why a cap on skill evidence: a tech news story names skills too; alone they never make a posting.
_MAX_SKILL_POINTS = 3.0


def _cues(*pairs: tuple[float, str]) -> tuple[tuple[float, re.Pattern[str]], ...]:
    return tuple((weight, re.compile(pattern, re.IGNORECASE)) for weight, pattern in pairs)


# Cues only a posting has: a CV or an article rarely says "requirements" or "you will".
_POSTING_CUES = _cues(
    (2.0, r"\bresponsibilit(?:y|ies)\b|\bduties\b|what you(?:'ll|\u2019ll| will) do"),
    (2.0, r"\brequirements?\b|\bqualifications?\b|\bprerequisites?\b|\bmust[ -]have\b"),
    (2.0, r"\b(?:we are|we're|we\u2019re) (?:looking|seeking|hiring)\b|\bjoin (?:our|the) team\b"),
    (2.0, r"\b(?:salary|compensation|benefits|remuneration|per (?:month|annum|hour))\b"),
    (2.0, r"\b(?:preferred|nice to have|a plus|bonus points|ideally)\b"),
    (2.0, r"\byou will\b|\byou'll\b|\byou\u2019ll\b|\byou are\b"),
    (
        2.0,
        r"\bjob (?:type|summary|description|title|posting)\b|\bthe role\b|\bthis role\b|\bposition title\b",
    ),
    (2.0, r"\bcandidates?\b|\bapplicants?\b|\bhow to apply\b|\bapply (?:now|today|online)\b"),
    (2.0, r"\byears? of (?:relevant |professional |work |industry )?experience\b"),
)
# Cues a posting shares with CVs and articles: they support, never decide.
_SHARED_CUES = _cues(
    (1.0, r"\bskills?\b"),
    (1.0, r"\bteams?\b"),
    (1.0, r"\b(?:full[ -]time|part[ -]time|contract|permanent|internship|remote|on-?site|hybrid)\b"),
    (1.0, r"\b(?:ability to|proficien\w+|familiar(?:ity)? with|knowledge of|understanding of)\b"),
    (1.0, r"\b(?:degree|bachelor'?s?|master'?s?)\b"),
    (1.0, r"\bexperience (?:in|with)\b"),
    (
        1.0,
        r"\b(?:engineer|developer|manager|analyst|designer|scientist|teacher|specialist|consultant|"
        r"director|administrator|coordinator|assistant|technician|accountant)s?\b",
    ),
)

_OTHER_KINDS: dict[str, tuple[re.Pattern[str], ...]] = {
    "lorem_ipsum": tuple(
        re.compile(rf"\b{word}\b", re.IGNORECASE)
        for word in (
            "lorem",
            "ipsum",
            "dolor",
            "amet",
            "consectetur",
            "adipiscing",
            "eiusmod",
            "tempor",
            "magna",
        )
    ),
    "recipe": tuple(
        re.compile(pattern, re.IGNORECASE)
        for pattern in (
            r"\bingredients?\b",
            r"\bpreheat\b|\boven\b",
            r"\btablespoons?\b|\btbsp\b|\bteaspoons?\b|\btsp\b",
            r"\bcups?\b",
            r"\bbake\b|\bbaking\b|\bsimmer\b|\bboil\b|\bfry\b",
            r"\bstir\b|\bwhisk\b|\bchop(?:ped)?\b|\bslice[ds]?\b",
            r"\bsalt\b|\bpepper\b|\bsugar\b|\bflour\b|\bbutter\b|\bgarlic\b|\bonions?\b",
            r"\bminutes\b|\bserves\b|\bservings?\b|\bgrams\b|\b\d+ ?g\b",
            r"\brecipe\b",
        )
    ),
    "news": tuple(
        re.compile(pattern, re.IGNORECASE)
        for pattern in (
            r"\b(?:said|says|told reporters|according to)\b",
            r"\b(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            r"\b(?:officials?|police|government|minister|president|spokesperson|spokesman)\b",
            r"\b(?:announced|reported|confirmed)\b",
            r"\b(?:yesterday|this week|last week|on \w+day)\b",
            r"\b(?:percent|per cent)\b",
            r"\b(?:reuters|associated press|afp|bbc)\b",
        )
    ),
    "cv": tuple(
        re.compile(pattern, re.IGNORECASE)
        for pattern in (
            r"\bcurriculum vitae\b|\br[e\u00e9]sum[e\u00e9]\b",
            r"\b(?:work experience|professional experience|employment history)\b",
            r"\b(?:19|20)\d\d\s*[-\u2013]\s*(?:(?:19|20)\d\d|present|current|now)\b",
            r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? (?:19|20)\d\d\b",
            r"\bprojects\b|\bcertifications\b|\breferences\b",
            r"[\w.+-]+@[\w-]+\.[\w.]+",
            r"\blinkedin\.com/in/|\bgithub\.com/",
            r"\b(?:gpa|cgpa)\b",
        )
    ),
}
_KIND_NAMES = {
    "lorem_ipsum": "placeholder text",
    "recipe": "a recipe",
    "news": "a news article",
    "cv": "a CV",
}
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class JobTextScore:
    """How much the text reads as a posting (``posting``: posting-only cues), and as other kinds."""

    posting: float
    job: float
    others: dict[str, float]


def score_job_text(text: str) -> JobTextScore:
    """Distinct cues found: each job cue counts once (weighted), skills add up to a cap.

    Counting distinct cues rather than occurrences keeps one repeated word (a
    recipe that says "minutes" ten times) from outweighing the rest.
    """
    posting = sum(weight for weight, pattern in _POSTING_CUES if pattern.search(text))
    job = posting + sum(weight for weight, pattern in _SHARED_CUES if pattern.search(text))
    distinct_skills = {mention.canonical for mention in get_taxonomy().find(text)}
    job += min(_MAX_SKILL_POINTS, 0.5 * len(distinct_skills))
    others = {
        kind: float(sum(1 for p in patterns if p.search(text))) for kind, patterns in _OTHER_KINDS.items()
    }
    # A CV names the same skills and "experience" a posting does; its own cues must count extra.
    others["cv"] *= 1.5
    return JobTextScore(posting=posting, job=job, others=others)


def _refuse(message: str, reason: str, **details: object) -> NotAJobDescription:
    return NotAJobDescription(message, details={"reason": reason, **details})


def check_job_text(text: str) -> None:
    """Raise ``NotAJobDescription`` unless ``text`` reads as a job posting.

    ``details["reason"]`` is ``empty``, ``too_short`` or ``not_a_job_description``
    (then ``details["looks_like"]`` names the other kind when one was recognised).
    Messages never quote the text.
    """
    cleaned = clean_text(text)
    visible = sum(1 for ch in cleaned if not ch.isspace())
    if visible == 0:
        raise _refuse("The job description is empty.", "empty")
    words = len(_WORD_RE.findall(cleaned))
    if visible < MIN_CHARS or words < MIN_WORDS:
        raise _refuse(
            f"The job description is too short to read ({words} words); paste the whole posting.",
            "too_short",
            words=words,
            min_words=MIN_WORDS,
            min_chars=MIN_CHARS,
        )
    score = score_job_text(cleaned)
    best_kind, best_other = max(score.others.items(), key=lambda item: (item[1], item[0]))
    looks_like = best_kind if best_other >= OTHER_KIND_MARGIN * max(score.posting, 1.0) else None
    if score.posting < MIN_POSTING_SCORE or score.job < MIN_JOB_SCORE or looks_like is not None:
        kind_text = f"it reads like {_KIND_NAMES[looks_like]}" if looks_like else "it has too few job cues"
        raise _refuse(
            f"This text does not look like a job description: {kind_text} (duties, requirements, "
            "experience, skills). Paste the job posting.",
            "not_a_job_description",
            looks_like=looks_like,
            job_score=round(score.job, 1),
            min_job_score=MIN_JOB_SCORE,
        )
