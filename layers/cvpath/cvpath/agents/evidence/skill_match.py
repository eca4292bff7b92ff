"""Requirements that name skills: all shown (met), some or a related one (partial), none (missing).

"Related" is the taxonomy's family: a posting asking for React is partly met by
Vue.js, and the reason says so. A list of alternatives is met by any one of
them: the skills named after "such as", "e.g.", "like", "including" ("front-end
frameworks such as React, Vue or Angular": the frameworks are alternatives, the
front-end skill before them is required), or all of them in a list joined by "or".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cvpath.agents.evidence.keywords import Term, family_of, locate, same_family, skills_in
from cvpath.agents.evidence.result import Candidate, RequirementEvidence, join_names, outcome, select
from cvpath.agents.evidence.units import CVUnit
from cvpath.models import MatchStatus, Requirement

_EXAMPLES_RE = re.compile(
    r"\b(?:such as|e\.g\.?|for example|for instance|like|including|one of|any of|either)(?=\W)", re.IGNORECASE
)
_OR_RE = re.compile(r"\bor\b", re.IGNORECASE)


@dataclass(frozen=True)
class SkillHits:
    """Where the CV shows each term: citable candidates, and terms named only where nothing can be cited."""

    candidates: list[Candidate]
    matched: list[Term]
    uncited: list[Term]
    missing: list[Term]


def skill_hits(terms: Sequence[Term], units: Sequence[CVUnit]) -> SkillHits:
    candidates: list[Candidate] = []
    cited: set[str] = set()
    uncited: set[str] = set()
    for unit in units:
        hits = {term.key: pos for term in terms if (pos := locate(term, unit.text)) is not None}
        if not hits:
            continue
        if unit.citable:
            candidates.append(Candidate(unit, frozenset(hits), min(hits.values())))
            cited |= hits.keys()
        else:
            uncited |= hits.keys()
    return SkillHits(
        candidates=candidates,
        matched=[term for term in terms if term.key in cited],
        uncited=[term for term in terms if term.key in uncited and term.key not in cited],
        missing=[term for term in terms if term.key not in cited],
    )


def alternatives(requirement: Requirement, terms: Sequence[Term]) -> list[Term]:
    """The terms of which any one is enough; empty when every term is required."""
    text = requirement.text
    examples = _EXAMPLES_RE.search(text)
    if examples is not None:
        # Where each term is *named*: a generic term ("Machine Learning") is not one of the
        # examples just because an example after the marker belongs to its family.
        group = [
            term for term in terms if locate(replace(term, family=None), text[examples.end() :]) is not None
        ]
    elif _OR_RE.search(text):
        group = list(terms)
    else:
        group = []
    return group if len(group) > 1 else []


@dataclass(frozen=True)
class Related:
    """A skill the CV shows in place of a missing one of the same family (Vue.js for React)."""

    asked: Term
    shown: str
    candidate: Candidate


def match_skills(
    requirement: Requirement, terms: Sequence[Term], units: Sequence[CVUnit]
) -> RequirementEvidence:
    hits = skill_hits(terms, units)
    related = _related(hits.missing, units)
    any_of = alternatives(requirement, terms)
    group = {term.key for term in any_of}
    matched_keys = {term.key for term in hits.matched}
    required_ok = all(term.key in matched_keys for term in terms if term.key not in group)
    group_ok = not group or bool(group & matched_keys)
    if hits.matched and required_ok and group_ok:
        status = MatchStatus.MET
    elif hits.matched or related:
        status = MatchStatus.PARTIAL
    else:
        status = MatchStatus.MISSING
    chosen = select(hits.candidates)
    if status is MatchStatus.PARTIAL and len(chosen) < 3:
        extra = [item.candidate for item in related if item.candidate not in chosen]
        chosen += select(extra, limit=3 - len(chosen))
    matched = [term.label for term in hits.matched]
    missing = [term.label for term in hits.missing]
    parts: list[str] = []
    if matched:
        parts.append(f"The CV shows {join_names(matched)}.")
    if any_of:
        parts.append(f"Any one of {join_names([term.label for term in any_of])} is enough.")
    unmet = [term for term in hits.missing if not (group_ok and term.key in group)]
    if unmet:
        parts.append(f"Not shown: {join_names([term.label for term in unmet])}.")
        parts += [
            f"{item.shown} is related to {item.asked.label} (same family: {family_of(item.asked)}), "
            "which counts as a partial match."
            for item in related
            if item.asked in unmet
        ]
    if hits.uncited:
        names = join_names([term.label for term in hits.uncited])
        parts.append(f"{names}: named only in the summary or headline, which cannot be cited.")
    return outcome(requirement.id, status, chosen, matched=matched, missing=missing, reason=" ".join(parts))


def _related(missing: Sequence[Term], units: Sequence[CVUnit]) -> list[Related]:
    """For each missing term, the first citable unit naming a different skill of its family."""
    related: list[Related] = []
    for term in missing:
        for unit in units:
            if not unit.citable:
                continue
            found = next(((name, pos) for name, pos in skills_in(unit.text) if same_family(term, name)), None)
            if found is not None:
                candidate = Candidate(unit, frozenset({f"~{term.key}"}), found[1])
                related.append(Related(asked=term, shown=found[0], candidate=candidate))
                break
    return related
