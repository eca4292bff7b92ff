"""The requirement dimensions: a row per requirement, scored from the scorer's own evidence.

Must-haves are worth 3 points, nice-to-haves 1; ``partial`` earns half. They are
two dimensions (``must_have`` and ``nice_to_have``) so a reader sees at once
whether points were lost on what the job requires or on what it would like.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cvpath.agents.evidence import RequirementEvidence, find_evidence
from cvpath.agents.scoring.weights import Draft, Skipped
from cvpath.models import CV, Job, MatchStatus, Requirement, RequirementScore

MUST_HAVE_POINTS = 3.0
NICE_TO_HAVE_POINTS = 1.0
PARTIAL_SHARE = 0.5
_QUOTE_CHARS_IN_REASON = 120


def requirement_row(
    cv: CV, requirement: Requirement, max_points: float, as_of: date | None
) -> RequirementScore:
    found = find_evidence(cv, requirement, as_of=as_of)
    share = {MatchStatus.MET: 1.0, MatchStatus.PARTIAL: PARTIAL_SHARE, MatchStatus.MISSING: 0.0}[found.status]
    return RequirementScore(
        requirement_id=requirement.id,
        status=found.status,
        points=max_points * share,
        max_points=max_points,
        evidence_bullet_ids=found.source_ids,
        reason=_reason(requirement, found),
    )


def _reason(requirement: Requirement, found: RequirementEvidence) -> str:
    reason = f"{requirement.text} -> {found.status.value}. {found.reason}"
    if found.evidence:
        quotes = "; ".join(f'"{_short(item.quote)}" ({item.source_id})' for item in found.evidence)
        reason += f" Evidence: {quotes}."
    return reason


def _short(quote: str) -> str:
    if len(quote) <= _QUOTE_CHARS_IN_REASON:
        return quote
    return quote[:_QUOTE_CHARS_IN_REASON].rsplit(" ", 1)[0] + "..."


def requirement_drafts(
    cv: CV, job: Job, as_of: date | None
) -> tuple[list[RequirementScore], list[Draft], list[Skipped]]:
    """All requirement rows (job order) and the ``must_have``/``nice_to_have`` dimensions over them."""
    must = [requirement_row(cv, req, MUST_HAVE_POINTS, as_of) for req in job.must_have]
    nice = [requirement_row(cv, req, NICE_TO_HAVE_POINTS, as_of) for req in job.nice_to_have]
    drafts: list[Draft] = []
    skipped: list[Skipped] = []
    for name, label, rows, points in (
        ("must_have", "must-have", must, MUST_HAVE_POINTS),
        ("nice_to_have", "nice-to-have", nice, NICE_TO_HAVE_POINTS),
    ):
        if not rows:
            skipped.append(Skipped(name, f"the job lists no {label} requirements"))
            continue
        drafts.append(Draft(name=name, explanation=_explain(label, rows, points), rows=tuple(rows)))
    return [*must, *nice], drafts, skipped


def _explain(label: str, rows: Sequence[RequirementScore], points: float) -> str:
    met = sum(row.status is MatchStatus.MET for row in rows)
    partial = sum(row.status is MatchStatus.PARTIAL for row in rows)
    return (
        f"Points won over {len(rows)} {label} requirements ({points:g} points each, half for partial): "
        f"{met} met, {partial} partly met, {len(rows) - met - partial} missing."
    )
