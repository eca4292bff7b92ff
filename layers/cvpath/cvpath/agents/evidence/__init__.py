"""Evidence matching: does a CV meet a job requirement, and which of its words prove it?

Shared by the offline JOB_ANALYZER, the analysis reconciler and the scorer.
Everything is computed from the structured CV alone; nothing reads the clock.

Which rule applies to a requirement, in this order:

1. an education requirement naming a degree level -> the education entries;
2. a requirement stating years ("5+ years of Python") -> the work entries' dates;
3. a requirement naming skills (its keywords, or taxonomy skills in its text) ->
   skill mentions, with aliases and same-family skills;
4. anything else -> the requirement's content words, found together in one CV item.
"""

from __future__ import annotations

from datetime import date

from cvpath.agents.evidence.degrees import level_asked
from cvpath.agents.evidence.experience_match import match_years
from cvpath.agents.evidence.keywords import Term, requirement_terms
from cvpath.agents.evidence.result import MAX_EVIDENCE, RequirementEvidence
from cvpath.agents.evidence.skill_match import match_skills
from cvpath.agents.evidence.text_match import match_degree, match_words
from cvpath.agents.evidence.units import CVUnit, cv_units
from cvpath.agents.evidence.years import reference_date, years_asked, years_covered
from cvpath.models import CV, Requirement, RequirementKind

__all__ = [
    "MAX_EVIDENCE",
    "CVUnit",
    "RequirementEvidence",
    "Term",
    "cv_units",
    "find_evidence",
    "reference_date",
    "requirement_terms",
    "years_covered",
]


def find_evidence(cv: CV, requirement: Requirement, *, as_of: date | None = None) -> RequirementEvidence:
    """How ``cv`` meets ``requirement``: status, at most three verbatim quotes, and the reason.

    ``as_of`` is the day ongoing jobs count up to; by default the latest day the
    CV's own dates can mean (see :func:`reference_date`), never today.
    """
    if as_of is None:
        as_of = reference_date(cv)
    units = cv_units(cv)
    if requirement.kind is RequirementKind.EDUCATION:
        asked_level = level_asked(requirement.text)
        if asked_level is not None:
            return match_degree(requirement, asked_level, cv, units)
        return match_words(requirement, units)
    terms = requirement_terms(requirement)
    asked_years = years_asked(requirement.text)
    if asked_years is not None and asked_years > 0:
        return match_years(requirement, asked_years, terms, cv, units, as_of)
    if terms:
        return match_skills(requirement, terms, units)
    return match_words(requirement, units)
