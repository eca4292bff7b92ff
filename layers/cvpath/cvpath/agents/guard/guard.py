"""The guard's entry point: every part of a tailored CV checked against the source CV."""

from __future__ import annotations

from typing import Any

from cvpath.agents.guard.basics import guard_basics
from cvpath.agents.guard.entries import guard_section
from cvpath.agents.guard.findings import FindingLog
from cvpath.agents.guard.sections import SECTION_SPECS
from cvpath.agents.guard.skills import guard_skills
from cvpath.agents.guard.trace import SourceFacts
from cvpath.models import CV, GuardReport, TailoredCV, TailorResult


def guard_tailored(source: CV, tailored: TailoredCV) -> TailorResult:
    """Remove from ``tailored`` whatever does not trace to ``source``, and report each removal.

    Kept: what equals the source (identity, contacts, entry facts), bullets whose
    cited source ids exist in the same section and whose numbers, names and skills
    appear in what they cite (or, for names and skills, anywhere in the source).
    Restored: an entry's title, degree, dates and similar facts that differ from
    the matched source entry's. Removed: entries whose employer/institution/name is
    not in the source, and untraceable bullets, summary sentences, skills and
    profiles. ``sectionOrder`` is kept. Deterministic and idempotent: guarding
    the result again reports nothing.
    """
    facts = SourceFacts(source)
    log = FindingLog()
    update: dict[str, Any] = {
        "basics": guard_basics(source.basics, tailored.basics, facts, log),
        "skills": guard_skills(tailored.skills, facts, log),
    }
    for spec in SECTION_SPECS:
        update[spec.section] = guard_section(spec, getattr(tailored, spec.section), facts, log)
    # Revalidating re-derives every id from the repaired content (ids were cleared on the way).
    guarded = TailoredCV.model_validate(tailored.model_copy(update=update))
    report = GuardReport(
        findings=log.findings, checked_bullets=log.checked_bullets, checked_entries=log.checked_entries
    )
    return TailorResult(tailored_cv=guarded, guard_report=report)
