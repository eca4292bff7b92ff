"""What every CV entry and bullet has in common: a derived id and quotable text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import ValidationInfo, field_validator

from cvpath.models.common import DerivedId, Model, NonBlank
from cvpath.models.dates import ensure_end_not_before_start


class Bullet(Model):
    """One highlight (or course): JSON Resume's plain string, given an id."""

    id: DerivedId = ""
    text: NonBlank


class Entry(Model):
    """One item of a CV section (a job, a degree, a profile, ...)."""

    id_prefix: ClassVar[str]
    # The attribute holding the entry's bullets, for entries that have them.
    bullets_field: ClassVar[str | None] = None

    id: DerivedId = ""

    def identity(self) -> tuple[str | None, ...]:
        """The fields that say *which* entry this is; they, not the rest, make its id.

        Why not every field: editing a summary or ending a job should not rename
        the entry and, with it, every bullet id the analysis and tailoring refer to.
        """
        raise NotImplementedError

    def bullets(self) -> Sequence[Bullet]:
        """The entry's bullets, in order; most entries have none."""
        if self.bullets_field is None:
            return ()
        bullets: Sequence[Bullet] = getattr(self, self.bullets_field)
        return bullets

    def quotable_texts(self) -> list[str]:
        """Every piece of text on the entry, bullets included: what evidence may quote."""
        texts: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name == "id" or value is None:
                continue
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, Sequence):
                texts.extend(item.text if isinstance(item, Bullet) else str(item) for item in value)
        return texts


class DatedEntry(Entry):
    """An entry with ``start_date``/``end_date`` (declared by the subclass, start first)."""

    @field_validator("end_date", check_fields=False)
    @classmethod
    def _end_not_before_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        # Validating end_date (not the whole model) puts the field in the error's location.
        ensure_end_not_before_start(info.data.get("start_date"), end)
        return end
