"""Which fields of each section's entries are identity, fixed facts, prose or lists to trace."""

from __future__ import annotations

from dataclasses import dataclass

from cvpath.models import GuardFindingKind as Kind


@dataclass(frozen=True)
class SectionSpec:
    """How the guard treats one list section.

    ``key``: the field naming the entry (an employer, an institution); a tailored
    entry whose key is in no source entry is removed. ``fixed``: facts that must
    equal the matched source entry's (else restored). ``prose``: free text whose
    untraceable sentences are dropped. ``traced_lists``: keyword-like lists whose
    untraceable items are dropped.
    """

    section: str
    key: str
    key_kind: Kind
    key_label: str
    fixed: tuple[tuple[str, Kind], ...] = ()
    prose: tuple[str, ...] = ()
    traced_lists: tuple[tuple[str, Kind], ...] = ()
    bullets_field: str | None = None


_DATES = (("start_date", Kind.DATE), ("end_date", Kind.DATE))

SECTION_SPECS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "work",
        "name",
        Kind.EMPLOYER,
        "employer",
        fixed=(("position", Kind.TITLE), *_DATES, ("location", Kind.ENTRY), ("url", Kind.ENTRY)),
        prose=("description", "summary"),
        bullets_field="highlights",
    ),
    SectionSpec(
        "volunteer",
        "organization",
        Kind.EMPLOYER,
        "organisation",
        fixed=(("position", Kind.TITLE), *_DATES, ("url", Kind.ENTRY)),
        prose=("summary",),
        bullets_field="highlights",
    ),
    SectionSpec(
        "education",
        "institution",
        Kind.INSTITUTION,
        "institution",
        fixed=(
            ("study_type", Kind.DEGREE),
            ("area", Kind.DEGREE),
            *_DATES,
            ("score", Kind.NUMBER),
            ("url", Kind.ENTRY),
        ),
        bullets_field="courses",
    ),
    SectionSpec(
        "projects",
        "name",
        Kind.ENTRY,
        "project",
        fixed=(*_DATES, ("entity", Kind.EMPLOYER), ("type", Kind.ENTRY), ("url", Kind.ENTRY)),
        prose=("description",),
        traced_lists=(("keywords", Kind.SKILL), ("roles", Kind.TITLE)),
        bullets_field="highlights",
    ),
    SectionSpec(
        "awards",
        "title",
        Kind.ENTRY,
        "award",
        fixed=(("date", Kind.DATE), ("awarder", Kind.EMPLOYER)),
        prose=("summary",),
    ),
    SectionSpec(
        "certificates",
        "name",
        Kind.ENTRY,
        "certificate",
        fixed=(("date", Kind.DATE), ("issuer", Kind.EMPLOYER), ("url", Kind.ENTRY)),
    ),
    SectionSpec(
        "publications",
        "name",
        Kind.ENTRY,
        "publication",
        fixed=(("publisher", Kind.EMPLOYER), ("release_date", Kind.DATE), ("url", Kind.ENTRY)),
        prose=("summary",),
    ),
    SectionSpec("languages", "language", Kind.SKILL, "language", fixed=(("fluency", Kind.SKILL),)),
    SectionSpec("interests", "name", Kind.ENTRY, "interest", traced_lists=(("keywords", Kind.ENTRY),)),
    SectionSpec("references", "name", Kind.NAME, "reference", fixed=(("reference", Kind.ENTRY),)),
)
