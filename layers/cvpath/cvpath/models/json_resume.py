"""Import from and export to plain JSON Resume (v1.2.1) documents, losslessly.

``cv_to_json_resume(cv_from_json_resume(doc)) == doc`` for every valid JSON Resume
document without ``null`` values: a field that was absent stays absent, one that
was present (even as ``""`` or ``[]``) comes back as it was. ``null`` is read as
"absent" (JSON Resume does not allow it, but tools write it) and is not written
back. And ``cv_from_json_resume(cv_to_json_resume(cv)) == cv``: ids are derived
from the content, so they come back identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from cvpath.models.cv import CV, ENTRY_SECTIONS

# Where JSON Resume keeps strings that the CV keeps as {id, text} bullets.
_BULLET_FIELDS: dict[str, str] = {
    "work": "highlights",
    "volunteer": "highlights",
    "education": "courses",
    "projects": "highlights",
}
# (location of the list, bullet field or None) for every list of entries.
_ENTRY_LISTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("basics", "profiles"), None),
    *(((section,), _BULLET_FIELDS.get(section)) for section in ENTRY_SECTIONS),
)


def cv_from_json_resume(document: object) -> CV:
    """Validate a JSON Resume document (parsed JSON, any shape) into a CV, deriving every id.

    Raises ``pydantic.ValidationError`` naming the offending field, including for
    an ``id`` key: JSON Resume has none, and accepting one would make it vanish on
    export. The caller's document is never modified.
    """
    if not isinstance(document, Mapping):
        return CV.model_validate(document)  # raises, naming the type it wanted
    data: dict[str, Any] = dict(document)
    errors: list[InitErrorDetails] = []
    for path, bullet_field in _ENTRY_LISTS:
        entries = _lookup(data, path)
        if not isinstance(entries, list):
            continue  # absent, or a wrong type that validation will name
        converted: list[Any] = []
        for index, entry in enumerate(entries):
            if isinstance(entry, Mapping):
                if "id" in entry:
                    loc: tuple[int | str, ...] = (*path, index, "id")
                    errors.append({"type": "extra_forbidden", "loc": loc, "input": entry["id"]})
                entry = dict(entry)
                bullets = entry.get(bullet_field) if bullet_field else None
                if bullet_field and isinstance(bullets, list):
                    # Non-strings are wrapped too, so the error points at `.text`.
                    entry[bullet_field] = [{"text": text} for text in bullets]
            converted.append(entry)
        _replace(data, path, converted)
    if errors:
        raise ValidationError.from_exception_data(CV.__name__, errors)
    return CV.model_validate(data)


def cv_to_json_resume(cv: CV) -> dict[str, Any]:
    """The CV as a plain JSON Resume document: no ids, bullets as strings.

    A ``TailoredCV`` exports the same way; its tailoring information is dropped.
    """
    document = cv.model_dump(
        mode="json",
        include=set(CV.model_fields),
        exclude_unset=True,
        exclude_none=True,
    )
    for path, bullet_field in _ENTRY_LISTS:
        entries = _lookup(document, path)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            entry.pop("id", None)
            if bullet_field and bullet_field in entry:
                entry[bullet_field] = [bullet["text"] for bullet in entry[bullet_field]]
    return document


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _replace(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``data[path]``, copying the parents so the caller's document is untouched."""
    parent = data
    for key in path[:-1]:
        parent[key] = dict(parent[key])
        parent = parent[key]
    parent[path[-1]] = value
