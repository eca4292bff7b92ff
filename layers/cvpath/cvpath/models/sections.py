"""The entries of JSON Resume's list sections, field for field (v1.2.1).

Bullet lists (work/volunteer/project ``highlights``, education ``courses``) hold
:class:`Bullet` objects instead of JSON Resume's strings, so each can be cited by
id. They are typed ``Sequence`` so that the tailored variants can narrow the item
type to ``TailoredBullet`` (a ``list`` is invariant and could not be narrowed).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from cvpath.models.common import NonBlank
from cvpath.models.dates import PartialDate
from cvpath.models.entry import Bullet, DatedEntry, Entry


class Work(DatedEntry):
    id_prefix = "work"
    bullets_field = "highlights"

    name: str | None = Field(default=None, description="Employer, e.g. Facebook")
    location: str | None = Field(default=None, description="e.g. Menlo Park, CA")
    description: str | None = Field(default=None, description="What the employer does")
    position: str | None = Field(default=None, description="Job title, e.g. Software Engineer")
    url: str | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = Field(default=None, description="Absent while the job is ongoing")
    summary: str | None = None
    highlights: Sequence[Bullet] = Field(default_factory=list)

    def identity(self) -> tuple[str | None, ...]:
        return (self.name, self.position, self.start_date)


class Volunteer(DatedEntry):
    id_prefix = "vol"
    bullets_field = "highlights"

    organization: str | None = None
    position: str | None = None
    url: str | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    summary: str | None = None
    highlights: Sequence[Bullet] = Field(default_factory=list)

    def identity(self) -> tuple[str | None, ...]:
        return (self.organization, self.position, self.start_date)


class Education(DatedEntry):
    id_prefix = "edu"
    bullets_field = "courses"

    institution: str | None = None
    url: str | None = None
    area: str | None = Field(default=None, description="Field of study, e.g. Computer Science")
    study_type: str | None = Field(default=None, description="Degree, e.g. Bachelor")
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    score: str | None = Field(default=None, description="e.g. 3.67/4.0")
    courses: Sequence[Bullet] = Field(default_factory=list)

    def identity(self) -> tuple[str | None, ...]:
        return (self.institution, self.area, self.study_type, self.start_date)


class Award(Entry):
    id_prefix = "award"

    title: str | None = None
    date: PartialDate | None = None
    awarder: str | None = None
    summary: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.title, self.awarder, self.date)


class Certificate(Entry):
    id_prefix = "cert"

    name: str | None = None
    date: PartialDate | None = None
    url: str | None = None
    issuer: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.name, self.issuer, self.date)


class Publication(Entry):
    id_prefix = "pub"

    name: str | None = None
    publisher: str | None = None
    release_date: PartialDate | None = None
    url: str | None = None
    summary: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.name, self.publisher, self.release_date)


class Skill(Entry):
    id_prefix = "skill"

    name: str | None = Field(default=None, description="e.g. Web Development")
    level: str | None = Field(default=None, description="e.g. Master")
    keywords: list[NonBlank] = Field(default_factory=list)

    def identity(self) -> tuple[str | None, ...]:
        return (self.name,)


class Language(Entry):
    id_prefix = "lang"

    language: str | None = None
    fluency: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.language,)


class Interest(Entry):
    id_prefix = "interest"

    name: str | None = None
    keywords: list[NonBlank] = Field(default_factory=list)

    def identity(self) -> tuple[str | None, ...]:
        return (self.name,)


class Reference(Entry):
    id_prefix = "ref"

    name: str | None = None
    reference: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.name, self.reference)


class Project(DatedEntry):
    id_prefix = "proj"
    bullets_field = "highlights"

    name: str | None = None
    description: str | None = None
    highlights: Sequence[Bullet] = Field(default_factory=list)
    keywords: list[NonBlank] = Field(default_factory=list)
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    url: str | None = None
    roles: list[NonBlank] = Field(default_factory=list, description="e.g. Team Lead, Speaker")
    entity: str | None = Field(default=None, description="Affiliated company or organisation")
    type: str | None = Field(default=None, description="e.g. application, talk, conference")

    def identity(self) -> tuple[str | None, ...]:
        return (self.name, self.start_date)
