"""COMPARATIVE_SCORER's numbers: a CV scored against a job, and an original against its tailored version.

Deterministic code only. The scorer finds its own evidence (it never reads an
analysis, which an LLM may have written), so text inside a CV can move a score
only through the words it legitimately matches.
"""

from __future__ import annotations

from datetime import date

from cvpath.agents.evidence import reference_date
from cvpath.agents.scoring.presentation import ats_draft, sections_draft
from cvpath.agents.scoring.profile_fit import experience_draft, skills_draft
from cvpath.agents.scoring.requirement_rows import requirement_drafts
from cvpath.agents.scoring.visible import visible_cv
from cvpath.agents.scoring.weights import BASE_WEIGHTS, Draft, Skipped, weigh
from cvpath.models import CV, ComparativeScore, Job, Score, TailoredCV


def score_cv(cv: CV, job: Job, *, as_of: date | None = None) -> Score:
    """``cv`` (only its visible sections, for a tailored CV) scored against ``job``.

    ``as_of``, the day ongoing jobs count up to, defaults to the latest date the
    CV or the job's posting implies (never today), so the score is reproducible.
    """
    when = as_of if as_of is not None else reference_date(cv, job)
    shown = visible_cv(cv)
    rows, drafts, skipped = requirement_drafts(shown, job, when)
    for measured in (skills_draft(shown, job), experience_draft(shown, job, when)):
        if isinstance(measured, Skipped):
            skipped.append(measured)
        else:
            drafts.append(measured)
    drafts += [sections_draft(shown), ats_draft(shown)]
    order = list(BASE_WEIGHTS)
    ordered: list[Draft] = sorted(drafts, key=lambda draft: order.index(draft.name))
    return Score.compose(weigh(ordered, skipped), rows)


def compare(
    original: CV, tailored: TailoredCV, job: Job, *, narrative: str | None = None
) -> ComparativeScore:
    """Both CVs scored against ``job`` with one reference date (the original's), and the change."""
    when = reference_date(original, job)
    before = score_cv(original, job, as_of=when)
    after = score_cv(tailored, job, as_of=when)
    return ComparativeScore(
        before=before, after=after, delta=round(after.overall - before.overall, 1), narrative=narrative
    )
