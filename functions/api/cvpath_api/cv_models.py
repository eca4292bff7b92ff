"""Request and response bodies of the master CV routes, as the OpenAPI schema shows them.

Why ``content`` and ``cv`` are plain objects here: the canonical ``CV`` model
(``cvpath.models``) costs the cold start about 50 ms to import, and these models
load with the app. The routes validate the CV with that model when a request
needs it; the schema describes it in words.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from cvpath.db.master_cvs import CvListing, CvVersion, VersionListing

SourceFormat = Literal["PDF", "DOCX", "TEXT", "JSON_RESUME", "BUILDER"]
MAX_LABEL_CHARS = 200
# Printable text on one line: no NUL (PostgreSQL refuses it), no control characters.
LABEL_PATTERN = r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$"
Label = Annotated[str, Field(min_length=1, max_length=MAX_LABEL_CHARS, pattern=LABEL_PATTERN)]
# A CV has 14 top-level keys and a JSON Resume document 13: room for neither to grow much.
MAX_TOP_LEVEL_KEYS = 20

CV_DESCRIPTION = (
    "A CV in CVPath's canonical form (`cvpath.models.CV`): JSON Resume v1.2.1 with camelCase keys, "
    "bullets as `{id, text}` objects and an `id` on every entry (leave ids empty to have them derived). "
    "Unknown fields are refused."
)


class CvJsonBody(BaseModel):
    """``POST /api/cvs`` and ``POST /api/cvs/{id}/versions`` as ``application/json``: exactly one of
    ``cv`` (source format BUILDER) and ``json_resume`` (a plain JSON Resume document)."""

    model_config = ConfigDict(extra="forbid")

    label: Label | None = None
    cv: dict[str, Any] | None = Field(default=None, max_length=MAX_TOP_LEVEL_KEYS, description=CV_DESCRIPTION)
    json_resume: dict[str, Any] | None = Field(
        default=None,
        max_length=MAX_TOP_LEVEL_KEYS,
        description="A JSON Resume v1.2.1 document (no ids; highlights as strings)",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.cv is None) == (self.json_resume is None):
            raise ValueError("send exactly one of cv and json_resume")
        return self


class ItemChanges(BaseModel):
    skills: list[str] = Field(default_factory=list)
    work: list[str] = Field(default_factory=list, description="'position, employer' of each job")
    education: list[str] = Field(default_factory=list)
    certificates: list[str] = Field(default_factory=list)


class GrowthEntry(BaseModel):
    """What one version changed against the one before (version 1: everything is added)."""

    version: int
    at: datetime
    source_format: SourceFormat
    summary: str
    added: ItemChanges
    removed: ItemChanges
    changed_sections: list[str]


class SourceFile(BaseModel):
    """The uploaded file a version was read from (where it is stored is not shown)."""

    file_name: str | None
    size_bytes: int
    content_type: str


class CvOut(BaseModel):
    """A CV: its latest version in full (the text it was read from is not included)."""

    id: UUID = Field(description="the CV's id (stable across versions)")
    version_id: UUID = Field(description="this version's id")
    version: int
    label: str | None
    source_format: SourceFormat
    content: dict[str, Any] = Field(description=CV_DESCRIPTION)
    content_hash: str = Field(description="sha256 (hex) of the canonical JSON of content")
    source_file: SourceFile | None
    growth_history: list[GrowthEntry] = Field(description="one entry per version, oldest first")
    created_at: datetime
    versions: int = Field(description="how many versions the CV has")
    deduplicated: bool = Field(
        default=False, description="true: the content equals a version already saved, which is answered"
    )

    @classmethod
    def of(cls, version: CvVersion, *, deduplicated: bool = False) -> CvOut:
        source = version.source_file
        return cls(
            id=version.lineage_id,
            version_id=version.id,
            version=version.version,
            label=version.label,
            source_format=version.source_format,
            content=version.content,
            content_hash=version.content_hash,
            source_file=None if source is None else SourceFile.model_validate(source),
            growth_history=[GrowthEntry.model_validate(entry) for entry in version.growth_history],
            created_at=version.created_at,
            # Versions are numbered 1..n without gaps, so the latest number is the count.
            versions=version.version,
            deduplicated=deduplicated,
        )


class CvSummary(BaseModel):
    id: UUID
    version_id: UUID
    version: int
    label: str | None
    name: str | None = Field(description="basics.name of the latest version")
    source_format: SourceFormat
    content_hash: str
    created_at: datetime = Field(description="when the latest version was saved")
    versions: int

    @classmethod
    def of(cls, listing: CvListing) -> CvSummary:
        return cls(
            id=listing.id,
            version_id=listing.version_id,
            version=listing.version,
            label=listing.label,
            name=listing.name,
            source_format=listing.source_format,
            content_hash=listing.content_hash,
            created_at=listing.created_at,
            versions=listing.version,
        )


class CvList(BaseModel):
    items: list[CvSummary]


class CvVersionSummary(BaseModel):
    version_id: UUID
    version: int
    label: str | None
    source_format: SourceFormat
    content_hash: str
    created_at: datetime
    change: GrowthEntry | None = Field(description="this version's own growth entry")

    @classmethod
    def of(cls, listing: VersionListing) -> CvVersionSummary:
        return cls(
            version_id=listing.version_id,
            version=listing.version,
            label=listing.label,
            source_format=listing.source_format,
            content_hash=listing.content_hash,
            created_at=listing.created_at,
            change=None if listing.change is None else GrowthEntry.model_validate(listing.change),
        )


class CvVersionList(BaseModel):
    items: list[CvVersionSummary]
