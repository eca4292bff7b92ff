"""What changed between two versions of a master CV: one growth entry per version.

A growth entry is stored with the version it describes (``master_cvs.growth_history``),
so it must be deterministic: the same two CVs and the same time give the same
entry, in every process. It compares the canonical JSON (``CV.model_dump(mode="json")``,
camelCase keys) rather than ``CV`` objects, because that is what the database holds
and what the previous version is loaded as.

Only four kinds of item are listed by name (skills, jobs, education, certificates):
they are what a person means by "my CV grew". Any other difference shows up as a
changed section. Lists are capped so a pasted skills dump cannot bloat every later
version's history; the summary still counts everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

MAX_ITEMS = 50
MAX_ITEM_CHARS = 200
TRACKED = ("skills", "work", "education", "certificates")
# Top-level keys of the canonical CV, in JSON Resume's order ("$schema" is not content).
SECTIONS = (
    "basics",
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
    "meta",
)
_NOUNS = {
    "skills": ("skill", "skills"),
    "work": ("job", "jobs"),
    "education": ("education entry", "education entries"),
    "certificates": ("certificate", "certificates"),
}


def growth_entry(
    previous: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    *,
    version: int,
    at: datetime,
    source_format: str,
) -> dict[str, Any]:
    """The change entry of ``version``: ``current`` against ``previous`` (None for version 1)."""
    before: Mapping[str, Any] = previous or {}
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for kind in TRACKED:
        old, new = _ITEMS[kind](before), _ITEMS[kind](current)
        gained = [label for key, label in new.items() if key not in old]
        lost = [label for key, label in old.items() if key not in new]
        counts[kind] = (len(gained), len(lost))
        added[kind], removed[kind] = gained[:MAX_ITEMS], lost[:MAX_ITEMS]
    changed = [name for name in SECTIONS if _section(before, name) != _section(current, name)]
    return {
        "version": version,
        "at": at.isoformat(),
        "source_format": source_format,
        "summary": _summary(previous is None, counts, changed),
        "added": added,
        "removed": removed,
        "changed_sections": changed,
    }


def _section(content: Mapping[str, Any], name: str) -> Any:
    # An absent section, null and an empty list or object all mean "nothing there".
    value = content.get(name)
    return value or None


def _summary(first: bool, counts: dict[str, tuple[int, int]], changed: list[str]) -> str:
    gained = [_count(counts[kind][0], kind) for kind in TRACKED if counts[kind][0]]
    lost = [_count(counts[kind][1], kind) for kind in TRACKED if counts[kind][1]]
    if first:
        return f"first version: {', '.join(gained)}" if gained else "first version"
    parts = []
    if gained:
        parts.append(f"added {', '.join(gained)}")
    if lost:
        parts.append(f"removed {', '.join(lost)}")
    if changed:
        parts.append(f"changed {', '.join(changed)}")
    return "; ".join(parts) if parts else "no change in content"


def _count(number: int, kind: str) -> str:
    one, many = _NOUNS[kind]
    return f"{number} {one if number == 1 else many}"


def _items(labels: Iterable[str]) -> dict[str, str]:
    """Labels keyed case- and space-insensitively, first spelling kept, in CV order."""
    unique: dict[str, str] = {}
    for label in labels:
        text = " ".join(label.split())[:MAX_ITEM_CHARS]
        if text:
            unique.setdefault(text.casefold(), text)
    return unique


def _entries(content: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    value = content.get(section)
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, Mapping)]


def _text(entry: Mapping[str, Any], *keys: str) -> str:
    return " ".join(str(entry[key]) for key in keys if isinstance(entry.get(key), str) and entry[key].strip())


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _skills(content: Mapping[str, Any]) -> dict[str, str]:
    # A group's keywords are the skills; a group without keywords is a skill itself.
    labels: list[str] = []
    for entry in _entries(content, "skills"):
        keywords = [word for word in entry.get("keywords") or [] if isinstance(word, str)]
        labels.extend(keywords or [_text(entry, "name")])
    return _items(labels)


def _work(content: Mapping[str, Any]) -> dict[str, str]:
    return _items(_joined(_text(e, "position"), _text(e, "name")) for e in _entries(content, "work"))


def _education(content: Mapping[str, Any]) -> dict[str, str]:
    return _items(
        _joined(_text(e, "studyType", "area"), _text(e, "institution"))
        for e in _entries(content, "education")
    )


def _certificates(content: Mapping[str, Any]) -> dict[str, str]:
    return _items(_joined(_text(e, "name"), _text(e, "issuer")) for e in _entries(content, "certificates"))


_ITEMS: dict[str, Callable[[Mapping[str, Any]], dict[str, str]]] = {
    "skills": _skills,
    "work": _work,
    "education": _education,
    "certificates": _certificates,
}
