"""Turning caller input (parsed JSON, option strings) into render input, with named errors."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError

from cvpath.errors import ValidationFailed
from cvpath.models import CV, TailoredCV, cv_from_json_resume
from cvpath_render.cover_letter import CoverLetter

_EnumT = TypeVar("_EnumT", bound=StrEnum)


class Engine(StrEnum):
    V1 = "v1"
    V2 = "v2"


class PageSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


def validation_failed(what: str, exc: ValidationError) -> ValidationFailed:
    """A ``ValidationFailed`` listing every field pydantic refused (``details.errors``)."""
    errors = [
        {"field": ".".join(str(part) for part in error["loc"]) or "(document)", "message": error["msg"]}
        for error in exc.errors()
    ]
    listed = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return ValidationFailed(f"invalid {what}: {listed}", details={"errors": errors})


def load_cv(document: object) -> CV:
    """A CV from a model or parsed JSON: plain JSON Resume, or a tailored CV (``sectionOrder``)."""
    if isinstance(document, CV):
        return document
    try:
        if isinstance(document, Mapping) and "sectionOrder" in document:
            return TailoredCV.model_validate(document)
        return cv_from_json_resume(document)
    except ValidationError as exc:
        raise validation_failed("CV", exc) from exc


def load_cover_letter(document: object) -> CoverLetter:
    if isinstance(document, CoverLetter):
        return document
    try:
        return CoverLetter.model_validate(document)
    except ValidationError as exc:
        raise validation_failed("cover letter", exc) from exc


def parse_option(enum: type[_EnumT], value: str | _EnumT, *, field: str) -> _EnumT:
    """``enum(value)``, accepting any letter case; ``ValidationFailed`` naming the choices."""
    if isinstance(value, enum):
        return value
    for member in enum:
        if member.value.lower() == str(value).lower():
            return member
    choices = ", ".join(m.value for m in enum)
    raise ValidationFailed(
        f"{field}: unknown value {value!r} (choose one of {choices})", details={"field": field}
    )
