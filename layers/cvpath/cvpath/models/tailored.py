"""The tailored CV: a CV whose every bullet names the source bullets it came from.

``TailoredCV`` is a ``CV`` (same sections, same validation, same derived ids;
anything that renders or exports a CV takes it), with two additions:

- each bullet is a :class:`TailoredBullet` with a non-empty ``sourceBulletIds``,
  so the guards can check every sentence against what the candidate wrote;
- ``sectionOrder`` lists the sections to show, in order; the rest are hidden.

An entry kept as it was (same employer, title, start) keeps its source id, and a
bullet kept word for word keeps its id too, because both are derived from content.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Annotated, Self

from pydantic import Field, model_validator

from cvpath.models.common import RefId, reject_duplicates
from cvpath.models.cv import CV, DEFAULT_SECTION_ORDER, SectionName
from cvpath.models.entry import Bullet
from cvpath.models.sections import Education, Project, Volunteer, Work


class TailoredBullet(Bullet):
    source_bullet_ids: list[RefId] = Field(
        min_length=1, description="Ids of the source CV's bullets this one was written from"
    )

    @model_validator(mode="after")
    def _sources_once(self) -> Self:
        reject_duplicates(self.source_bullet_ids, what="source bullet id")
        return self


class TailoredWork(Work):
    highlights: Sequence[TailoredBullet] = Field(default_factory=list)


class TailoredVolunteer(Volunteer):
    highlights: Sequence[TailoredBullet] = Field(default_factory=list)


class TailoredEducation(Education):
    courses: Sequence[TailoredBullet] = Field(default_factory=list)


class TailoredProject(Project):
    highlights: Sequence[TailoredBullet] = Field(default_factory=list)


class TailoredCV(CV):
    work: Sequence[TailoredWork] = Field(default_factory=list)
    volunteer: Sequence[TailoredVolunteer] = Field(default_factory=list)
    education: Sequence[TailoredEducation] = Field(default_factory=list)
    projects: Sequence[TailoredProject] = Field(default_factory=list)
    section_order: list[Annotated[SectionName, Field(strict=False)]] = Field(
        default_factory=lambda: list(DEFAULT_SECTION_ORDER),
        description="Sections to show, in this order; sections not listed are hidden",
    )

    @model_validator(mode="after")
    def _sections_once(self) -> Self:
        reject_duplicates(self.section_order, what="section in sectionOrder")
        return self

    def tailored_bullets(self) -> Iterator[TailoredBullet]:
        return chain(
            *(entry.highlights for entry in self.work),
            *(entry.highlights for entry in self.volunteer),
            *(entry.courses for entry in self.education),
            *(entry.highlights for entry in self.projects),
        )

    def unknown_sources(self, source: CV) -> list[str]:
        """Source bullet ids cited here that ``source`` does not have, first-seen order.

        An empty list means every tailored bullet traces back to the source CV.
        """
        known = source.bullet_ids()
        unknown: dict[str, None] = {}
        for bullet in self.tailored_bullets():
            for source_id in bullet.source_bullet_ids:
                if source_id not in known:
                    unknown[source_id] = None
        return list(unknown)
