"""Repair an analysis (an LLM's, usually) so that everything it claims holds against the CV and the job.

The repairs mirror :meth:`Analysis.inconsistencies`: evidence citing an id the CV
does not have, or quoting text the cited item does not contain, is dropped; a
``met``/``partial`` row left with no evidence becomes ``missing``; rows for
requirements the job does not have are dropped; requirements nobody assessed are
assessed by :func:`find_evidence`. Rows come back in the job's order. When a
status changed, strengths, gaps and summary are rebuilt from the rows, since the
prose may praise what no longer holds.
"""

from __future__ import annotations

from datetime import date

from cvpath.agents.evidence import find_evidence, reference_date
from cvpath.agents.offline.job_analyzer import analysis_from_rows
from cvpath.models import CV, Analysis, Evidence, Job, MatchStatus, RequirementMatch


def reconcile(
    analysis: Analysis, cv: CV, job: Job, *, as_of: date | None = None
) -> tuple[Analysis, list[str]]:
    """The repaired analysis and one line per repair (empty: the analysis held as given)."""
    repairs: list[str] = []
    job_ids = {requirement.id for requirement in job.requirements()}
    texts = cv.texts_by_id()
    rows: dict[str, RequirementMatch] = {}
    status_changed = False
    for row in analysis.requirements:
        if row.requirement_id not in job_ids:
            repairs.append(f"dropped the row for {row.requirement_id!r}: the job has no such requirement")
            continue
        repaired = _repair_row(row, texts, repairs)
        status_changed |= repaired.status is not row.status
        rows[row.requirement_id] = repaired
    when = as_of if as_of is not None else reference_date(cv, job)
    for requirement in job.requirements():
        if requirement.id not in rows:
            found = find_evidence(cv, requirement, as_of=when)
            rows[requirement.id] = found.to_match()
            status_changed = True
            repairs.append(f"assessed {requirement.id!r}, which the analysis left out: {found.status.value}")
    ordered = [rows[requirement.id] for requirement in job.requirements()]
    if not status_changed:
        return analysis.model_copy(update={"requirements": ordered}), repairs
    rebuilt = analysis_from_rows(ordered, job)
    repairs.append("rebuilt strengths, gaps and summary from the repaired rows")
    return rebuilt, repairs


def _repair_row(row: RequirementMatch, texts: dict[str, list[str]], repairs: list[str]) -> RequirementMatch:
    where = f"evidence for {row.requirement_id!r}"
    kept: list[Evidence] = []
    for item in row.evidence:
        cited = texts.get(item.source_id)
        if cited is None:
            repairs.append(f"dropped {where} citing unknown id {item.source_id!r}")
        elif not any(item.quote in text for text in cited):
            repairs.append(f"dropped {where}: {item.source_id!r} does not contain the quoted text")
        elif item in kept:
            repairs.append(f"dropped {where}: the same quote of {item.source_id!r} twice")
        else:
            kept.append(item)
    if len(kept) == len(row.evidence):
        return row
    if kept or row.status is MatchStatus.MISSING:
        return row.model_copy(update={"evidence": kept})
    repairs.append(
        f"downgraded {row.requirement_id!r} from {row.status.value} to missing: no valid evidence left"
    )
    note = "No evidence from the CV supports this requirement."
    return RequirementMatch(requirement_id=row.requirement_id, status=MatchStatus.MISSING, note=note)
