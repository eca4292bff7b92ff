"""Ordering and selecting entries, bullets and skills by relevance, keeping the CV's own words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from cvpath.agents.offline.cv_tailor.relevance import JobRelevance
from cvpath.models import Bullet, Entry, Skill, TailoredBullet
from cvpath.models.entry import DatedEntry

# Why 6: recruiters skim; more bullets under one job bury the relevant ones. Only bullets beyond
# the cap are dropped (the least relevant), so an entry with six or fewer keeps them all.
MAX_BULLETS = 6

T = TypeVar("T")
DatedT = TypeVar("DatedT", bound=DatedEntry)


def by_score(items: Sequence[T], score: Callable[[T], int]) -> list[T]:
    """Highest score first; ties keep their original order (``sorted`` is stable)."""
    return sorted(items, key=lambda item: -score(item))


def bullet_score(bullet: Bullet, relevance: JobRelevance) -> int:
    return relevance.score([bullet.text], [bullet.id])


def entry_score(entry: Entry, relevance: JobRelevance) -> int:
    """Relevance of everything the entry says, plus evidence citing it or its bullets."""
    ids = [entry.id, *(bullet.id for bullet in entry.bullets())]
    return relevance.score(entry.quotable_texts(), ids)


def select_bullets(bullets: Sequence[Bullet], relevance: JobRelevance) -> list[TailoredBullet]:
    """The most relevant bullets first, at most ``MAX_BULLETS``, each kept verbatim citing itself."""
    ranked = by_score(bullets, lambda bullet: bullet_score(bullet, relevance))
    return [
        TailoredBullet(text=bullet.text, source_bullet_ids=[bullet.id]) for bullet in ranked[:MAX_BULLETS]
    ]


def _date_key(entry: DatedEntry) -> tuple[str, str]:
    start: str | None = getattr(entry, "start_date", None)
    end: str | None = getattr(entry, "end_date", None)
    # A start without an end is a current role: it sorts above every ended one.
    return (end or ("9999" if start else ""), start or "")


def reverse_chronological(entries: Sequence[DatedT]) -> list[DatedT]:
    """Newest first when every entry is dated; otherwise the CV's own order (it is the author's)."""
    if not all(any(_date_key(entry)) for entry in entries):
        return list(entries)
    return sorted(entries, key=_date_key, reverse=True)


def order_skills(groups: Sequence[Skill], relevance: JobRelevance) -> list[Skill]:
    """Groups by how much of the job they cover, keywords within a group by weight; nothing dropped."""
    reordered = [
        group.model_copy(update={"id": "", "keywords": by_score(group.keywords, relevance.keyword_weight)})
        for group in groups
    ]
    return by_score(
        reordered,
        lambda group: (
            sum(relevance.keyword_weight(keyword) for keyword in group.keywords)
            + relevance.score([group.name or ""])
        ),
    )
