"""What evidence matching returns, and how the items to cite are chosen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cvpath.agents.evidence.units import CVUnit, quote_around
from cvpath.models import Evidence, MatchStatus, RequirementMatch

MAX_EVIDENCE = 3


@dataclass(frozen=True)
class RequirementEvidence:
    """How a CV meets one requirement: the status, the verbatim proof, and why.

    ``matched``/``missing`` name what was looked for (skills, or words for
    requirements that name no skill). ``evidence`` is empty exactly when the
    status is ``missing``.
    """

    requirement_id: str
    status: MatchStatus
    evidence: list[Evidence] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def source_ids(self) -> list[str]:
        """The cited ids, each once, in evidence order."""
        return list(dict.fromkeys(item.source_id for item in self.evidence))

    def to_match(self) -> RequirementMatch:
        return RequirementMatch(
            requirement_id=self.requirement_id,
            status=self.status,
            evidence=list(self.evidence),
            note=self.reason or None,
        )


@dataclass(frozen=True)
class Candidate:
    """A citable unit and what it shows (term keys), with where its first hit starts."""

    unit: CVUnit
    terms: frozenset[str]
    anchor: int

    def evidence(self) -> Evidence:
        return Evidence(source_id=self.unit.source_id, quote=quote_around(self.unit.text, self.anchor))


def select(candidates: Iterable[Candidate], *, limit: int = MAX_EVIDENCE) -> list[Candidate]:
    """Up to ``limit`` candidates that together show the most terms, bullets before entry fields.

    Greedy: each pick is the candidate adding the most not-yet-shown terms,
    preferring a bullet and then document order among candidates that add any.
    """
    remaining = [candidate for candidate in candidates if candidate.unit.citable and candidate.terms]
    chosen: list[Candidate] = []
    shown: set[str] = set()
    while remaining and len(chosen) < limit:
        best = min(
            remaining,
            key=lambda c: (not (c.terms - shown), c.unit.rank, -len(c.terms - shown), c.unit.order),
        )
        chosen.append(best)
        shown |= best.terms
        remaining.remove(best)
    return chosen


def evidence_of(chosen: Sequence[Candidate]) -> list[Evidence]:
    items: list[Evidence] = []
    for candidate in chosen:
        item = candidate.evidence()
        if item not in items:
            items.append(item)
    return items


def outcome(
    requirement_id: str,
    status: MatchStatus,
    chosen: Sequence[Candidate],
    *,
    matched: Sequence[str],
    missing: Sequence[str],
    reason: str,
) -> RequirementEvidence:
    """The result, with the rule every status obeys: no citable proof, no ``met`` or ``partial``."""
    items = evidence_of(chosen) if status is not MatchStatus.MISSING else []
    if not items and status is not MatchStatus.MISSING:
        status = MatchStatus.MISSING
        reason = f"{reason} Nothing citable in the CV shows it, so it counts as missing."
    return RequirementEvidence(
        requirement_id=requirement_id,
        status=status,
        evidence=items,
        matched=list(matched),
        missing=list(missing),
        reason=reason.strip(),
    )


def join_names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "nothing"
