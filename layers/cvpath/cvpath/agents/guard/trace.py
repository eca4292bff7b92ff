"""What the source CV states, indexed for the guard's "does this trace?" questions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cvpath.agents.guard.numbers import NumberSet
from cvpath.agents.guard.text_keys import contains_phrase, fact_key
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.models import CV, Entry

# Sections whose entries hold bullets, in the order CV.entries() walks them.
BULLET_SECTIONS: tuple[str, ...] = ("work", "volunteer", "education", "projects")
# Fields that are tooling, not claims the candidate makes.
_NOT_CV_TEXT = {"id", "$schema", "meta"}


@dataclass(frozen=True)
class BulletOrigin:
    section: str
    entry_id: str
    text: str


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_CV_TEXT:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def cv_texts(cv: CV) -> list[str]:
    """Every piece of text the CV states (ids and tooling metadata excluded), in document order."""
    return list(_strings(cv.model_dump(mode="json")))


class SourceFacts:
    """Normalised lookups over one source CV: words, phrases, numbers, skills and bullet origins."""

    def __init__(self, cv: CV) -> None:
        self.cv = cv
        self.texts = cv_texts(cv)
        # "|" never survives fact_key, so a phrase cannot match across two fields.
        self.text_key = " | ".join(fact_key(text) for text in self.texts)
        self.words = frozenset(self.text_key.split()) - {"|"}
        self.numbers = NumberSet.of(self.texts)
        self.bullets: dict[str, BulletOrigin] = {}
        for section in BULLET_SECTIONS:
            for entry in getattr(cv, section):
                for bullet in entry.bullets():
                    self.bullets[bullet.id] = BulletOrigin(section, entry.id, bullet.text)

    @cached_property
    def skill_keys(self) -> frozenset[str]:
        """Keys of every skill the CV names: its skills section, and taxonomy skills found in any text."""
        taxonomy = get_taxonomy()
        keys: set[str] = set()
        for group in self.cv.skills:
            for keyword in group.keywords:
                keys.add(fact_key(keyword))
                canonical = taxonomy.canonical(keyword)
                if canonical:
                    keys.add(fact_key(canonical))
        for text in self.texts:
            keys.update(fact_key(mention.canonical) for mention in taxonomy.find(text))
        return frozenset(keys)

    def mentions(self, phrase: str) -> bool:
        """Whether the phrase occurs, as whole words, in some field of the source CV."""
        return contains_phrase(self.text_key, phrase)

    def has_words(self, text: str) -> bool:
        """Whether every word of ``text`` occurs somewhere in the source CV."""
        words = fact_key(text).split()
        return bool(words) and all(word in self.words for word in words)

    def traces_skill(self, name: str) -> bool:
        """A skill traces when the CV lists it, names it (any alias) anywhere, or contains the phrase."""
        key = fact_key(name)
        if not key:
            return True
        if key in self.skill_keys or self.mentions(name):
            return True
        canonical = get_taxonomy().canonical(name)
        return canonical is not None and fact_key(canonical) in self.skill_keys

    def entry_numbers(self, entry: Entry | None) -> NumberSet:
        return NumberSet.of(entry.quotable_texts() if entry is not None else ())
