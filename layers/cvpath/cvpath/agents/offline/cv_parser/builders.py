"""Raw entries and lists to the canonical models (``Work``, ``Education``, ...).

Every model is built through :func:`_make`, which drops an entry the models reject
instead of failing the whole CV: a parser meets every kind of text, and one odd entry
must not cost the rest. Dates that run backwards lose their end date for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from cvpath.agents.offline.cv_parser.entries import RawEntry
from cvpath.agents.offline.cv_parser.entry_fields import education_fields, project_fields, work_fields
from cvpath.agents.offline.cv_parser.listings import Listing
from cvpath.agents.offline.cv_parser.skills import SkillGroup
from cvpath.models.dates import ensure_end_not_before_start
from cvpath.models.entry import Bullet
from cvpath.models.sections import Award, Certificate, Education, Project, Publication, Skill, Volunteer, Work

_M = TypeVar("_M", bound=BaseModel)


def _make(factory: Callable[[], _M]) -> _M | None:
    try:
        return factory()
    except ValidationError:
        return None


def _dates(raw: RawEntry, *, single_is_end: bool = False) -> tuple[str | None, str | None]:
    if raw.dates is None:
        return None, None
    start, end = raw.dates.start, raw.dates.end
    if single_is_end and start is not None and start == end:
        start = None
    try:
        ensure_end_not_before_start(start, end)
    except ValueError:
        end = None
    return start, end


def _bullets(texts: list[str]) -> list[Bullet]:
    return [Bullet(text=t) for t in texts if t.strip()]


def _split_items(raw: RawEntry) -> tuple[list[str], list[str]]:
    """(prose before the first bullet glyph, bullet items); glyph-less items are bullets if several."""
    if any(raw.glyphs):
        first = raw.glyphs.index(True)
        return raw.items[:first], raw.items[first:]
    if len(raw.items) == 1:
        return raw.items, []
    return [], raw.items


def _text(parts: list[str]) -> str | None:
    joined = " ".join(p for p in parts if p.strip())
    return joined or None


def build_work(raw: RawEntry) -> Work | None:
    employer, title, place, leftover = work_fields(raw.head, raw.dated_head)
    start, end = _dates(raw)
    if employer is None and title is None and start is None and end is None:
        return None
    prose, bullets = _split_items(raw)
    where = place or raw.place
    location = where.text if where is not None else None
    return _make(
        lambda: Work(
            name=employer,
            position=title,
            location=location,
            url=raw.url,
            start_date=start,
            end_date=end,
            description=_text(leftover),
            summary=_text(prose),
            highlights=_bullets(bullets),
        )
    )


def build_volunteer(raw: RawEntry) -> Volunteer | None:
    organization, position, _place, leftover = work_fields(raw.head, raw.dated_head)
    start, end = _dates(raw)
    if organization is None and position is None:
        return None
    prose, bullets = _split_items(raw)
    return _make(
        lambda: Volunteer(
            organization=organization,
            position=position,
            url=raw.url,
            start_date=start,
            end_date=end,
            summary=_text(leftover + prose),
            highlights=_bullets(bullets),
        )
    )


def build_education(raw: RawEntry) -> Education | None:
    fields = education_fields(raw.head)
    start, end = _dates(raw, single_is_end=True)
    if fields.institution is None and fields.study_type is None:
        return None
    return _make(
        lambda: Education(
            institution=fields.institution,
            study_type=fields.study_type,
            area=fields.area,
            url=raw.url,
            start_date=start,
            end_date=end,
            score=fields.score,
            courses=_bullets(fields.leftover + raw.items),
        )
    )


def build_project(raw: RawEntry) -> Project | None:
    name, keywords, roles, leftover = project_fields(raw.head)
    if name is None:
        return None
    start, end = _dates(raw)
    prose, bullets = _split_items(raw)
    return _make(
        lambda: Project(
            name=name,
            keywords=keywords,
            roles=roles,
            url=raw.url,
            start_date=start,
            end_date=end,
            description=_text(leftover + prose),
            highlights=_bullets(bullets),
        )
    )


def build_skill(group: SkillGroup) -> Skill | None:
    return _make(lambda: Skill(name=group.name, level=group.level, keywords=group.items))


def build_certificate(item: Listing) -> Certificate | None:
    return _make(lambda: Certificate(name=item.title, issuer=item.detail, date=item.date, url=item.url))


def build_award(item: Listing) -> Award | None:
    return _make(lambda: Award(title=item.title, awarder=item.detail, date=item.date))


def build_publication(item: Listing) -> Publication | None:
    return _make(
        lambda: Publication(name=item.title, summary=item.detail, release_date=item.date, url=item.url)
    )
