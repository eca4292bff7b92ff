"""The skill taxonomy: canonical names, aliases, families and domains, and a matcher over running text."""

from __future__ import annotations

from cvpath.agents.taxonomy.data import SkillData, family_members
from cvpath.agents.taxonomy.keys import name_key_variants
from cvpath.agents.taxonomy.matcher import SkillMatcher
from cvpath.agents.taxonomy.model import SkillInfo, SkillMention


class Taxonomy:
    """Read-only after construction; one instance is shared by every caller (see ``get_taxonomy``)."""

    def __init__(self, data: SkillData) -> None:
        self._by_canonical = {info.canonical: info for info in data.skills}
        self._surfaces = data.surfaces
        self._skills = tuple(
            sorted(data.skills, key=lambda info: (info.canonical.casefold(), info.canonical))
        )
        self._members = family_members(data.skills)
        self._matcher = SkillMatcher(data.surfaces)

    def __len__(self) -> int:
        return len(self._skills)

    @property
    def skills(self) -> tuple[SkillInfo, ...]:
        """Every skill, sorted by canonical name."""
        return self._skills

    def canonical(self, name: str) -> str | None:
        """The canonical name for a skill name written in any case, spacing, dotting or hyphenation, or
        by an alias ("postgres" -> "PostgreSQL", "node js" -> "Node.js"); ``None`` when unknown.

        A trailing parenthetical ("JavaScript (ES6+)") and a plural "s" ("REST APIs") are tried off when
        the name as written is unknown. A compound such as "C/C++" names two skills and gives ``None``:
        use ``find`` for it.
        """
        for key in name_key_variants(name):
            surface = self._surfaces.get(key)
            if surface is not None:
                return surface.canonical
        return None

    def info(self, name: str) -> SkillInfo | None:
        canonical = self.canonical(name)
        return None if canonical is None else self._by_canonical[canonical]

    def is_skill(self, name: str) -> bool:
        return self.canonical(name) is not None

    def family(self, name: str) -> str | None:
        info = self.info(name)
        return None if info is None else info.family

    def domain(self, name: str) -> str | None:
        info = self.info(name)
        return None if info is None else info.domain

    def same_family(self, first: str, second: str) -> bool:
        """Whether both names are known skills of one family (a skill is in its own family)."""
        first_family, second_family = self.family(first), self.family(second)
        return first_family is not None and first_family == second_family

    def family_members(self, family: str) -> tuple[str, ...]:
        """The canonical names in ``family``, sorted; empty for an unknown family."""
        return self._members.get(family, ())

    def families(self) -> tuple[str, ...]:
        return tuple(sorted(self._members))

    def find(self, text: str) -> list[SkillMention]:
        """Every skill mentioned in ``text``, in text order; the rules are in ``matcher``'s docstring."""
        return self._matcher.find(text)
