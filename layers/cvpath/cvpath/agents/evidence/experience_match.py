"""Requirements that ask for years ("5+ years of Python", "2 years as a developer").

Years come from the work entries' dates (overlaps counted once). When the
requirement names skills, only the jobs whose text mentions one of them count;
when it names a role ("as a developer"), only jobs whose title shares a word
with it; otherwise every job does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from cvpath.agents.evidence.keywords import Term
from cvpath.agents.evidence.result import Candidate, RequirementEvidence, join_names, outcome, select
from cvpath.agents.evidence.skill_match import skill_hits
from cvpath.agents.evidence.units import CVUnit
from cvpath.agents.evidence.words import salient_words
from cvpath.agents.evidence.years import years_covered
from cvpath.models import CV, MatchStatus, Requirement, Work

_ROLE_RE = re.compile(r"\bas an? ([^,.;()]+?)(?:\s+or\b|\s+and\b|[,.;()]|$)", re.IGNORECASE)


def match_years(
    requirement: Requirement,
    asked: int,
    terms: Sequence[Term],
    cv: CV,
    units: Sequence[CVUnit],
    as_of: date | None,
) -> RequirementEvidence:
    work_units = [unit for unit in units if unit.section == "work"]
    hits = skill_hits(terms, work_units)
    elsewhere = skill_hits(terms, units)
    role = role_words(requirement.text)
    capped = False
    if terms:
        relevant_ids = {candidate.unit.entry_id for candidate in hits.candidates}
        scope = f"in jobs that mention {join_names([term.label for term in terms])}"
    elif role:
        relevant_ids = {work.id for work in cv.work if _title_fits(work, role)}
        scope = f"in jobs titled like {' '.join(role)!r}"
        if not relevant_ids:
            # No title fits: all work still shows some experience, but not the role's.
            relevant_ids, capped = {work.id for work in cv.work}, True
            scope = f"in jobs, none titled like {' '.join(role)!r}"
    else:
        relevant_ids, scope = {work.id for work in cv.work}, "across all jobs"
    relevant = [work for work in cv.work if work.id in relevant_ids]
    years = years_covered(relevant, as_of)
    chosen = _job_evidence(relevant, work_units, hits.candidates)
    if years >= asked and not capped:
        status = MatchStatus.MET
    elif years > 0:
        status = MatchStatus.PARTIAL
    elif elsewhere.candidates:
        # Named (say, in the skills list) but in no dated job: some evidence, no years.
        status, chosen = MatchStatus.PARTIAL, select(elsewhere.candidates)
    else:
        status = MatchStatus.MISSING
    matched = [term.label for term in elsewhere.matched]
    until = f", ongoing jobs counted up to {as_of.isoformat()}" if as_of is not None else ""
    reason = f"Asks {asked} year{'s' if asked != 1 else ''}; the CV shows {years:.1f} {scope}{until}."
    if status is MatchStatus.PARTIAL and years == 0:
        reason += f" {join_names(matched)} appear in the CV, but in no dated job."
    missing = [term.label for term in elsewhere.missing]
    return outcome(requirement.id, status, chosen, matched=matched, missing=missing, reason=reason)


def role_words(text: str) -> list[str]:
    """The content words of the role a requirement names ("... as a Front End Developer or similar")."""
    match = _ROLE_RE.search(text)
    return salient_words(match.group(1)) if match else []


def _title_fits(work: Work, role: Sequence[str]) -> bool:
    title = set(salient_words(work.position or ""))
    return any(word in title for word in role)


def _job_evidence(
    relevant: Sequence[Work], work_units: Sequence[CVUnit], hits: list[Candidate]
) -> list[Candidate]:
    """Bullets naming the skills when there are any; otherwise each relevant job's first field (its title)."""
    chosen = select(hits)
    if chosen:
        return chosen
    fields: list[Candidate] = []
    for work in relevant:
        unit = _title_unit(work, work_units)
        if unit is not None:
            fields.append(Candidate(unit, frozenset({work.id}), 0))
    return select(fields)


def _title_unit(work: Work, work_units: Sequence[CVUnit]) -> CVUnit | None:
    own = [unit for unit in work_units if unit.entry_id == work.id and not unit.is_bullet]
    preferred = [unit for unit in own if unit.text == work.position]
    ranked = preferred or own
    return ranked[0] if ranked else None
