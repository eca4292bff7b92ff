"""The offline JOB_ANALYZER: one evidence-matched row per job requirement, and the tallies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cvpath.agents.evidence import find_evidence, reference_date
from cvpath.models import CV, Analysis, Job, MatchStatus, RequirementMatch


def analyze(cv: CV, job: Job, *, as_of: date | None = None) -> Analysis:
    """Each requirement of ``job`` (must-haves first) matched against ``cv`` by :func:`find_evidence`.

    Strengths are the met must-haves, gaps the missing ones. ``as_of`` defaults to
    the latest date the CV or the job's posting date implies.
    """
    when = as_of if as_of is not None else reference_date(cv, job)
    rows = [find_evidence(cv, requirement, as_of=when).to_match() for requirement in job.requirements()]
    return analysis_from_rows(rows, job)


def analysis_from_rows(rows: Sequence[RequirementMatch], job: Job) -> Analysis:
    """An analysis whose strengths, gaps and summary are derived from ``rows``."""
    text = {requirement.id: requirement.text for requirement in job.requirements()}
    must = [row for row in rows if job.is_must_have(row.requirement_id)]
    nice = [row for row in rows if not job.is_must_have(row.requirement_id)]
    return Analysis(
        requirements=list(rows),
        strengths=[text[row.requirement_id] for row in must if row.status is MatchStatus.MET],
        gaps=[text[row.requirement_id] for row in must if row.status is MatchStatus.MISSING],
        summary=summary_sentence(must, nice),
    )


def summary_sentence(must: Sequence[RequirementMatch], nice: Sequence[RequirementMatch]) -> str:
    parts = [_tally("must-have", must)]
    if nice:
        parts.append(_tally("nice-to-have", nice))
    if not must and not nice:
        return "The job states no requirements to match."
    return "; ".join(part for part in parts if part) + "."


def _tally(label: str, rows: Sequence[RequirementMatch]) -> str:
    if not rows:
        return f"no {label} requirements"
    counts = {status: sum(row.status is status for row in rows) for status in MatchStatus}
    return (
        f"{counts[MatchStatus.MET]} of {len(rows)} {label} requirements met, "
        f"{counts[MatchStatus.PARTIAL]} partly met, {counts[MatchStatus.MISSING]} missing"
    )
