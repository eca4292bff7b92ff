"""The skills section: every keyword must trace to the source CV; group names and levels too."""

from __future__ import annotations

from collections.abc import Sequence

from cvpath.agents.guard.findings import FindingLog
from cvpath.agents.guard.text_keys import fact_key
from cvpath.agents.guard.trace import SourceFacts
from cvpath.models import GuardFindingKind, Skill


def guard_skills(tailored: Sequence[Skill], facts: SourceFacts, log: FindingLog) -> list[Skill]:
    source = facts.cv.skills
    source_names = {fact_key(group.name) for group in source if group.name}
    kept: list[Skill] = []
    for index, group in enumerate(tailored):
        log.checked_entries += 1
        path = f"skills.{index}"
        keywords: list[str] = []
        for position, keyword in enumerate(group.keywords):
            if facts.traces_skill(keyword):
                keywords.append(keyword)
            else:
                log.removed(
                    GuardFindingKind.SKILL,
                    f"{path}.keywords.{position}",
                    keyword,
                    f"The skill {keyword!r} is not in the source CV.",
                )
        name = group.name
        if name and not (fact_key(name) in source_names or facts.traces_skill(name) or facts.has_words(name)):
            log.removed(
                GuardFindingKind.SKILL, f"{path}.name", name, "The group name is not in the source CV."
            )
            name = None
        level = group.level
        if level and fact_key(level) not in _allowed_levels(group, source):
            log.removed(
                GuardFindingKind.SKILL,
                f"{path}.level",
                level,
                "The level is not the one the source CV gives for these skills.",
            )
            level = None
        if name or level or keywords:
            kept.append(
                group.model_copy(update={"id": "", "name": name, "level": level, "keywords": keywords})
            )
    return kept


def _allowed_levels(group: Skill, source: Sequence[Skill]) -> set[str]:
    """Levels of the source groups with this name or, failing that, sharing a keyword with this group."""
    named = [item for item in source if group.name and fact_key(item.name) == fact_key(group.name)]
    if not named:
        keys = {fact_key(keyword) for keyword in group.keywords}
        named = [item for item in source if keys.intersection(fact_key(keyword) for keyword in item.keywords)]
    return {fact_key(item.level) for item in named if item.level}
