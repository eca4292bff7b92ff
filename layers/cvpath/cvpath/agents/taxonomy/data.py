"""Loading and checking the bundled skill data (``skills.json``).

The file lists families, each with a domain and its skills, one skill a line: the canonical name first,
then its aliases. Two top-level lists name the surface forms that need care in running text:
``case_sensitive`` ones count only in the case written there (or all capitals), and ``guarded`` ones also
only in a skills-list context (see ``matcher``). Every rule a matcher relies on is checked here, so a
bad edit to the data fails on load rather than matching the wrong skill.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import Any

from cvpath.agents.taxonomy.keys import joins, name_key, tokenize
from cvpath.agents.taxonomy.model import SkillInfo
from cvpath.errors import ConfigurationError

DATA_FILE = "skills.json"
DOMAINS: frozenset[str] = frozenset(
    {"tech", "data", "business", "health", "education", "trades", "language", "design", "engineering",
     "science", "general"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Surface:
    """One way of writing a skill, as the matcher sees it."""

    key: str
    forms: tuple[str, ...]  # the spellings as written in the data; case-sensitive matching compares with them
    canonical: str
    token_count: int
    case_sensitive: bool
    guarded: bool


@dataclass(frozen=True, slots=True)
class SkillData:
    skills: tuple[SkillInfo, ...]
    surfaces: Mapping[str, Surface]


def load_bundled() -> SkillData:
    raw = resources.files("cvpath.agents.taxonomy").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return build(json.loads(raw))


def _invalid(message: str, **details: Any) -> ConfigurationError:
    shown = ", ".join(f"{key}={value!r}" for key, value in sorted(details.items()))
    return ConfigurationError(f"skill taxonomy data: {message} ({shown})", details=details)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise _invalid(f"{where} must be a list of non-empty strings", where=where)
    return [item.strip() for item in value]


def build(raw: Mapping[str, Any]) -> SkillData:
    """Check the parsed data file and index it. Raises ``ConfigurationError`` on any broken rule."""
    guarded = set(_strings(raw.get("guarded", []), "guarded"))
    case_sensitive = set(_strings(raw.get("case_sensitive", []), "case_sensitive")) | guarded
    families = raw.get("families")
    if not isinstance(families, list) or not families:
        raise _invalid("'families' must be a non-empty list")
    skills: list[SkillInfo] = []
    surfaces: dict[str, Surface] = {}
    seen_forms: set[str] = set()
    for family_entry in families:
        if not isinstance(family_entry, dict):
            raise _invalid("each family must be an object", entry=str(family_entry)[:60])
        family, domain = str(family_entry.get("family", "")).strip(), family_entry.get("domain")
        rows = family_entry.get("skills")
        if not family or domain not in DOMAINS or not isinstance(rows, list) or not rows:
            raise _invalid("a family needs a name, a known domain and skills", family=family, domain=domain)
        for row in rows:
            names = _strings(row, f"skill row in family {family!r}")
            if not names:
                raise _invalid("a skill row is empty", family=family)
            info = SkillInfo(canonical=names[0], aliases=tuple(names[1:]), family=family, domain=domain)
            if info.canonical in seen_forms:
                raise _invalid(
                    "a skill is listed twice or is already another skill's alias", skill=info.canonical
                )
            skills.append(info)
            for form in names:
                seen_forms.add(form)
                _add_surface(surfaces, info.canonical, form, form in case_sensitive, form in guarded)
    unknown = sorted(case_sensitive - seen_forms)
    if unknown:
        raise _invalid("case_sensitive/guarded forms that no skill uses", forms=unknown[:20])
    return SkillData(skills=tuple(skills), surfaces=surfaces)


def _add_surface(
    surfaces: dict[str, Surface], canonical: str, form: str, case_sensitive: bool, guarded: bool
) -> None:
    tokens = tokenize(form)
    key = name_key(form)
    if not key:
        raise _invalid("a skill name has no letters or digits", name=form)
    gaps = [form[left.end : right.start] for left, right in pairwise(tokens)]
    if tokens[0].start != 0 or tokens[-1].end != len(form) or not all(joins(gap) for gap in gaps):
        raise _invalid("a skill name has punctuation the matcher cannot see", name=form)
    existing = surfaces.get(key)
    if existing is not None:
        if existing.canonical != canonical:
            raise _invalid(
                "two skills share a name", name=form, skills=sorted([existing.canonical, canonical])
            )
        # One key, several spellings of the same skill: the freer rule wins (a plain listing makes a
        # case-sensitive one pointless), and case-sensitive spellings add up ("DOE" and "DoE").
        surfaces[key] = Surface(
            key,
            (*existing.forms, form),
            canonical,
            max(existing.token_count, len(tokens)),
            existing.case_sensitive and case_sensitive,
            existing.guarded and guarded,
        )
        return
    surfaces[key] = Surface(key, (form,), canonical, len(tokens), case_sensitive, guarded)


def family_members(skills: Sequence[SkillInfo]) -> dict[str, tuple[str, ...]]:
    members: dict[str, list[str]] = {}
    for info in skills:
        members.setdefault(info.family, []).append(info.canonical)
    return {family: tuple(sorted(names, key=str.casefold)) for family, names in members.items()}
