"""Requirements that name no skill: degrees by level and field, everything else by content words."""

from __future__ import annotations

import math
from collections.abc import Sequence

from cvpath.agents.evidence.degrees import (
    DEGREE_NAMES,
    degree_level,
    education_level,
    education_matches_field,
    field_words,
)
from cvpath.agents.evidence.result import Candidate, RequirementEvidence, join_names, outcome, select
from cvpath.agents.evidence.units import CVUnit
from cvpath.agents.evidence.words import salient_words, word_positions
from cvpath.models import CV, Education, MatchStatus, Requirement

# Shares of a requirement's content words that one CV item must contain.
MET_SHARE = 0.6
PARTIAL_SHARE = 0.34


def match_degree(
    requirement: Requirement, asked: int, cv: CV, units: Sequence[CVUnit]
) -> RequirementEvidence:
    """Met by a degree of at least the asked level in the asked field; partial by a lesser fit."""
    words = field_words(requirement.text)
    levels = [(entry, education_level(entry)) for entry in cv.education]
    at_level = [entry for entry, level in levels if level is not None and level >= asked]
    in_field = [entry for entry in cv.education if education_matches_field(entry, words)]
    fitting = [entry for entry in at_level if entry in in_field]
    asked_name = DEGREE_NAMES[asked]
    field = f" in {' / '.join(words)}" if words else ""
    if fitting:
        status, shown, reason = MatchStatus.MET, fitting, f"Asks a {asked_name}{field}; the CV shows one."
    elif at_level:
        status, shown = MatchStatus.PARTIAL, at_level
        reason = f"Asks a {asked_name}{field}; the CV shows a degree at that level in another field."
    elif in_field and words:
        status, shown = MatchStatus.PARTIAL, in_field
        reason = f"Asks a {asked_name}{field}; the CV shows study in the field below that level."
    else:
        status, shown = MatchStatus.MISSING, []
        reason = f"Asks a {asked_name}{field}; the CV shows no such education."
    chosen = select(_degree_candidates(shown, units))
    return outcome(requirement.id, status, chosen, matched=[], missing=[], reason=reason)


def _degree_candidates(entries: Sequence[Education], units: Sequence[CVUnit]) -> list[Candidate]:
    """Per entry, its field that names the degree (else its first field)."""
    candidates: list[Candidate] = []
    for entry in entries:
        own = [unit for unit in units if unit.entry_id == entry.id and not unit.is_bullet]
        ranked = sorted(own, key=lambda unit: (degree_level(unit.text) is None, unit.order))
        if ranked:
            candidates.append(Candidate(ranked[0], frozenset({entry.id}), 0))
    return candidates


def match_words(requirement: Requirement, units: Sequence[CVUnit]) -> RequirementEvidence:
    """Met when one CV item holds most of the requirement's content words, partial when it holds a third."""
    words = salient_words(requirement.text)
    if not words:
        return outcome(
            requirement.id,
            MatchStatus.MISSING,
            [],
            matched=[],
            missing=[],
            reason="The requirement names nothing specific enough to look for in the CV.",
        )
    candidates: list[Candidate] = []
    for unit in units:
        if not unit.citable:
            continue
        positions = word_positions(unit.text)
        hits = [word for word in words if word in positions]
        if hits:
            candidates.append(Candidate(unit, frozenset(hits), min(positions[word] for word in hits)))
    best = max((len(candidate.terms) for candidate in candidates), default=0)
    if best >= max(1, math.ceil(MET_SHARE * len(words))):
        status = MatchStatus.MET
    elif best >= max(1, math.ceil(PARTIAL_SHARE * len(words))):
        status = MatchStatus.PARTIAL
    else:
        status = MatchStatus.MISSING
    # Cite the items holding the most words: a stray shared word is not evidence.
    strongest = sorted(candidates, key=lambda candidate: (-len(candidate.terms), candidate.unit.order))
    chosen = select([c for c in strongest if len(c.terms) >= best])
    shown = [word for word in words if any(word in candidate.terms for candidate in chosen)]
    missing = [word for word in words if word not in shown]
    reason = (
        f"One CV item holds {best} of the requirement's {len(words)} content words "
        f"(shown: {join_names(shown)}; not shown: {join_names(missing)})."
    )
    return outcome(requirement.id, status, chosen, matched=shown, missing=missing, reason=reason)
