"""The canonical CV: JSON Resume v1.2.1, with an id on every entry and bullet.

The wire form (``cv.model_dump()``) is JSON Resume with two differences: entries
carry ``id`` and bullet lists hold ``{"id", "text"}`` objects. ``json_resume``
converts to and from the plain standard. Unknown fields are rejected everywhere
(JSON Resume itself allows extra properties; we do not).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import StrEnum
from functools import partial
from typing import Self

from pydantic import Field, model_validator

from cvpath.models.basics import Basics, Meta
from cvpath.models.common import Model, assign_ids, derive_id, reject_duplicates
from cvpath.models.entry import Bullet, Entry
from cvpath.models.sections import (
    Award,
    Certificate,
    Education,
    Interest,
    Language,
    Project,
    Publication,
    Reference,
    Skill,
    Volunteer,
    Work,
)

BULLET_ID_PREFIX = "b"


class SectionName(StrEnum):
    """The sections a renderer can show; ``summary`` is ``basics.summary``."""

    SUMMARY = "summary"
    WORK = "work"
    VOLUNTEER = "volunteer"
    EDUCATION = "education"
    PROJECTS = "projects"
    SKILLS = "skills"
    CERTIFICATES = "certificates"
    AWARDS = "awards"
    PUBLICATIONS = "publications"
    LANGUAGES = "languages"
    INTERESTS = "interests"
    REFERENCES = "references"


DEFAULT_SECTION_ORDER: tuple[SectionName, ...] = tuple(SectionName)

# The list sections whose items are entries, in JSON Resume's order.
ENTRY_SECTIONS: tuple[str, ...] = (
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
)


class CV(Model):
    schema_uri: str | None = Field(default=None, alias="$schema", description="URI of the JSON Resume schema")
    basics: Basics | None = None
    work: Sequence[Work] = Field(default_factory=list)
    volunteer: Sequence[Volunteer] = Field(default_factory=list)
    education: Sequence[Education] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    certificates: list[Certificate] = Field(default_factory=list)
    publications: list[Publication] = Field(default_factory=list)
    skills: list[Skill] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    projects: Sequence[Project] = Field(default_factory=list)
    meta: Meta | None = None

    @model_validator(mode="after")
    def _derive_ids(self) -> Self:
        for loc, entries in self._entry_lists():
            assign_ids(entries, loc=loc, identity=_entry_identity, make_id=_entry_id)
            for index, entry in enumerate(entries):
                assign_ids(
                    entry.bullets(),
                    loc=f"{loc}.{index}.{entry.bullets_field}",
                    identity=_bullet_text,
                    make_id=partial(_bullet_id, entry.id),
                )
        all_ids = [entry.id for entry in self.entries()] + [bullet.id for bullet in self.bullets()]
        reject_duplicates(all_ids, what="id")
        return self

    def _entry_lists(self) -> Iterator[tuple[str, Sequence[Entry]]]:
        if self.basics is not None:
            yield "basics.profiles", self.basics.profiles
        for section in ENTRY_SECTIONS:
            yield section, getattr(self, section)

    def entries(self) -> Iterator[Entry]:
        """Every entry, basics profiles first, then the sections in JSON Resume order."""
        for _, entries in self._entry_lists():
            yield from entries

    def bullets(self) -> Iterator[Bullet]:
        for entry in self.entries():
            yield from entry.bullets()

    def bullet_ids(self) -> set[str]:
        return {bullet.id for bullet in self.bullets()}

    def texts_by_id(self) -> dict[str, list[str]]:
        """For every entry and bullet id, the texts that evidence citing it may quote."""
        texts: dict[str, list[str]] = {}
        for entry in self.entries():
            texts[entry.id] = entry.quotable_texts()
            for bullet in entry.bullets():
                texts[bullet.id] = [bullet.text]
        return texts


def _entry_identity(entry: Entry) -> tuple[str | None, ...]:
    # Called through a function, not Entry.identity, so each subclass's override runs.
    return entry.identity()


def _entry_id(entry: Entry, occurrence: int) -> str:
    return derive_id(entry.id_prefix, *entry.identity(), occurrence)


def _bullet_text(bullet: Bullet) -> str:
    return bullet.text


def _bullet_id(owner_id: str, bullet: Bullet, occurrence: int) -> str:
    # The owner's id is part of the hash: the same sentence under two jobs is two bullets.
    return derive_id(BULLET_ID_PREFIX, owner_id, bullet.text, occurrence)
