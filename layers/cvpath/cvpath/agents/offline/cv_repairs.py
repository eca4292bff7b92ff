"""The validator's lossless repairs on a CV's JSON form: empty entries and exact duplicates go.

Working on the dumped JSON (ids stripped) and validating once at the end lets
the model re-derive every id: dropping or moving an entry can change the
occurrence number an identical sibling's id is built from.
"""

from __future__ import annotations

import json
from typing import Any

from cvpath.models import Severity, ValidationIssue
from cvpath.models.cv import ENTRY_SECTIONS

_BULLET_FIELDS = {
    "work": "highlights",
    "volunteer": "highlights",
    "projects": "highlights",
    "education": "courses",
}


def strip_ids(value: Any) -> Any:
    """A copy of a dumped CV without any ``id`` key (ids are derived again on validation)."""
    if isinstance(value, dict):
        return {key: strip_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [strip_ids(item) for item in value]
    return value


def _is_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_empty(item) for item in value.values())
    if isinstance(value, list):
        return all(_is_empty(item) for item in value)
    if isinstance(value, str):
        return not value.strip()
    return value is None


def _fingerprint(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


def _dedupe_bullets(section: str, index: int, entry: dict[str, Any], repairs: list[str]) -> None:
    field = _BULLET_FIELDS.get(section)
    bullets = entry.get(field) if field else None
    if not field or not isinstance(bullets, list):
        return
    seen: set[str] = set()
    kept = []
    for bullet in bullets:
        text = bullet.get("text", "") if isinstance(bullet, dict) else str(bullet)
        if text not in seen:
            seen.add(text)
            kept.append(bullet)
    if len(kept) < len(bullets):
        entry[field] = kept
        repairs.append(f"{section}.{index}: removed {len(bullets) - len(kept)} repeated {field} item(s)")


def _clean_list(
    location: str, entries: list[Any], repairs: list[str]
) -> tuple[list[Any], list[ValidationIssue]]:
    kept: list[Any] = []
    first_index: dict[str, int] = {}
    issues: list[ValidationIssue] = []
    for index, entry in enumerate(entries):
        if _is_empty(entry):
            repairs.append(f"{location}.{index}: removed an empty entry")
            continue
        fingerprint = _fingerprint(entry)
        if fingerprint in first_index:
            kept_index = first_index[fingerprint]
            repairs.append(f"{location}.{index}: removed an exact duplicate of {location}.{kept_index}")
            issues.append(
                ValidationIssue(
                    code="duplicate_entry",
                    severity=Severity.INFO,
                    path=location,
                    message=f"An exact duplicate of {location} entry {kept_index} was removed.",
                )
            )
            continue
        first_index[fingerprint] = len(kept)
        kept.append(entry)
    return kept, issues


def drop_duplicates_and_empties(data: dict[str, Any], repairs: list[str]) -> list[ValidationIssue]:
    """Repair ``data`` (a dumped CV without ids) in place; note each change in ``repairs``."""
    issues: list[ValidationIssue] = []
    basics = data.get("basics")
    if isinstance(basics, dict) and isinstance(basics.get("profiles"), list):
        basics["profiles"], found = _clean_list("basics.profiles", basics["profiles"], repairs)
        issues += found
    for section in ENTRY_SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, list):
            continue
        data[section], found = _clean_list(section, entries, repairs)
        issues += found
        for index, entry in enumerate(data[section]):
            if isinstance(entry, dict):
                _dedupe_bullets(section, index, entry, repairs)
    return issues
