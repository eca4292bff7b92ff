"""Assemble the tailored CV: the source's content, reordered and trimmed for the job."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from cvpath.agents.offline.cv_tailor.layout import section_order, written_summary
from cvpath.agents.offline.cv_tailor.relevance import JobRelevance, job_relevance
from cvpath.agents.offline.cv_tailor.selection import (
    by_score,
    entry_score,
    order_skills,
    reverse_chronological,
    select_bullets,
)
from cvpath.models import (
    CV,
    Analysis,
    Basics,
    Entry,
    Job,
    TailoredBullet,
    TailoredCV,
    TailoredEducation,
    TailoredProject,
    TailoredVolunteer,
    TailoredWork,
    Work,
)

EntryT = TypeVar("EntryT", bound=Entry)


def tailor(cv: CV, job: Job, analysis: Analysis) -> TailoredCV:
    """The CV tailored to ``job``: same facts, same words, most relevant first.

    Work, volunteer and education stay newest first; bullets within an entry are
    ordered by relevance (ties keep the CV's order) and trimmed to the six most
    relevant; projects and skills are ordered by relevance. Every bullet is kept
    verbatim and cites its own source id, so the result passes the guard as is.
    """
    relevance = job_relevance(job, analysis)
    work = reverse_chronological(cv.work)
    basics = _basics(cv, work[0] if work else None, relevance)
    return TailoredCV(
        schema_uri=cv.schema_uri,
        basics=basics,
        work=[TailoredWork(**_fields(entry), highlights=_bullets(entry, relevance)) for entry in work],
        volunteer=[
            TailoredVolunteer(**_fields(entry), highlights=_bullets(entry, relevance))
            for entry in reverse_chronological(cv.volunteer)
        ],
        education=[
            TailoredEducation(**_fields(entry), courses=_bullets(entry, relevance))
            for entry in reverse_chronological(cv.education)
        ],
        projects=[
            TailoredProject(**_fields(entry), highlights=_bullets(entry, relevance))
            for entry in by_score(cv.projects, lambda project: entry_score(project, relevance))
        ],
        awards=_copies(cv.awards),
        certificates=_copies(by_score(cv.certificates, lambda cert: entry_score(cert, relevance))),
        publications=_copies(cv.publications),
        skills=order_skills(cv.skills, relevance),
        languages=_copies(cv.languages),
        interests=_copies(cv.interests),
        references=_copies(cv.references),
        meta=cv.meta,
        section_order=section_order(cv, job, relevance, has_summary=bool(basics and basics.summary)),
    )


def _fields(entry: Entry) -> dict[str, Any]:
    """The entry's fields for its tailored twin: everything but the id (re-derived) and the bullets."""
    skip = {"id", entry.bullets_field}
    return {name: getattr(entry, name) for name in type(entry).model_fields if name not in skip}


def _bullets(entry: Entry, relevance: JobRelevance) -> list[TailoredBullet]:
    return select_bullets(entry.bullets(), relevance)


def _copies(entries: Iterable[EntryT]) -> list[EntryT]:
    # Ids are cleared so the tailored CV derives them itself (reordering may change occurrences).
    return [entry.model_copy(update={"id": ""}) for entry in entries]


def _basics(cv: CV, latest: Work | None, relevance: JobRelevance) -> Basics | None:
    if cv.basics is not None and cv.basics.summary:
        return cv.basics
    summary = written_summary(latest, cv, relevance)
    if summary is None:
        return cv.basics
    return (cv.basics or Basics()).model_copy(update={"summary": summary})
