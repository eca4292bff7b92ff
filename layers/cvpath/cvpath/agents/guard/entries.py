"""Section entries: each must be a source entry (same employer, institution, ...), its facts the source's,
its bullets citing real source bullets and claiming nothing they do not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic.alias_generators import to_camel

from cvpath.agents.guard.claims import NumberScope, describe, text_problems
from cvpath.agents.guard.findings import FindingLog
from cvpath.agents.guard.numbers import NumberSet
from cvpath.agents.guard.sections import SectionSpec
from cvpath.agents.guard.text_keys import fact_key, split_sentences
from cvpath.agents.guard.trace import SourceFacts
from cvpath.models import Entry, GuardFindingKind, TailoredBullet

EntryT = TypeVar("EntryT", bound=Entry)


def guard_section(
    spec: SectionSpec, tailored: Sequence[EntryT], facts: SourceFacts, log: FindingLog
) -> list[EntryT]:
    """The tailored entries that trace, repaired to the source's facts, in the tailored order."""
    source: Sequence[Entry] = getattr(facts.cv, spec.section)
    kept: list[EntryT] = []
    for index, entry in enumerate(tailored):
        log.checked_entries += 1
        path = f"{spec.section}.{index}"
        key_value: str | None = getattr(entry, spec.key)
        candidates = [item for item in source if fact_key(getattr(item, spec.key)) == fact_key(key_value)]
        if not candidates:
            log.removed(
                spec.key_kind,
                path,
                key_value,
                f"The {spec.key_label} {key_value or '(none)'!r} is not in the source CV's {spec.section}.",
            )
            continue
        matched = _best_match(entry, candidates)
        update = _restore_fixed(spec, entry, matched, path, log)
        update.update(_trace_prose(spec, entry, matched, path, facts, log))
        update.update(_trace_lists(spec, entry, matched, path, facts, log))
        if spec.bullets_field is not None:
            update[spec.bullets_field] = _guard_bullets(spec, entry, matched, path, facts, log)
        guarded = entry.model_copy(update={**update, "id": ""})
        if _has_content(guarded):
            kept.append(guarded)
    return kept


def _cited_count(entry: Entry, candidate: Entry) -> int:
    own = {bullet.id for bullet in candidate.bullets()}
    return sum(
        1
        for bullet in entry.bullets()
        if isinstance(bullet, TailoredBullet) and own.intersection(bullet.source_bullet_ids)
    )


def _best_match(entry: Entry, candidates: list[Entry]) -> Entry:
    """The source entry this one is: same id, else the one its bullets cite most, else the most alike.

    Why the id first: an entry kept as it was has the source's derived id, and a
    guarded entry is restored to its match's facts, so guarding again picks the
    same match (the guard is idempotent).
    """
    for candidate in candidates:
        if candidate.id == entry.id:
            return candidate
    identity = entry.identity()

    def likeness(item: tuple[int, Entry]) -> tuple[int, int, int]:
        position, candidate = item
        same = sum(fact_key(a) == fact_key(b) for a, b in zip(identity, candidate.identity(), strict=True))
        return (_cited_count(entry, candidate), same, -position)

    return max(enumerate(candidates), key=likeness)[1]


def _restore_fixed(
    spec: SectionSpec, entry: Entry, matched: Entry, path: str, log: FindingLog
) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for field, kind in spec.fixed:
        value, source_value = getattr(entry, field), getattr(matched, field)
        if kind is GuardFindingKind.DATE:
            # A missing end date claims "present": leaving a date out is a change like any other.
            same = value == source_value
        else:
            # Leaving a title, location or URL out claims nothing; only a different value does.
            same = value is None or fact_key(value) == fact_key(source_value)
        if not same:
            update[field] = source_value
            log.replaced(
                kind,
                f"{path}.{to_camel(field)}",
                value,
                source_value,
                f"The {field.replace('_', ' ')} differs from the matched source entry's "
                f"({source_value or 'none'!r}).",
            )
    return update


def _trace_prose(
    spec: SectionSpec, entry: Entry, matched: Entry, path: str, facts: SourceFacts, log: FindingLog
) -> dict[str, Any]:
    numbers = facts.entry_numbers(matched)
    scope = NumberScope(cited=numbers, entry=numbers, description="the matched source entry")
    update: dict[str, Any] = {}
    for field in spec.prose:
        text: str | None = getattr(entry, field)
        if not text:
            continue
        sentences = split_sentences(text)
        kept: list[str] = []
        for index, sentence in enumerate(sentences):
            problems = text_problems(sentence, facts, scope)
            if problems:
                log.removed(
                    problems[0].kind, f"{path}.{to_camel(field)}.{index}", sentence, describe(problems)
                )
            else:
                kept.append(sentence)
        if len(kept) != len(sentences):
            update[field] = " ".join(kept) or None
    return update


def _trace_lists(
    spec: SectionSpec, entry: Entry, matched: Entry, path: str, facts: SourceFacts, log: FindingLog
) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for field, kind in spec.traced_lists:
        items: list[str] = getattr(entry, field)
        own = {fact_key(item) for item in getattr(matched, field)}
        kept: list[str] = []
        for index, item in enumerate(items):
            if kind is GuardFindingKind.SKILL:
                traces = fact_key(item) in own or facts.traces_skill(item)
            elif kind is GuardFindingKind.TITLE:
                traces = fact_key(item) in own
            else:
                traces = fact_key(item) in own or facts.mentions(item)
            if traces:
                kept.append(item)
            else:
                log.removed(
                    kind, f"{path}.{to_camel(field)}.{index}", item, f"{item!r} is not in the source CV."
                )
        if len(kept) != len(items):
            update[field] = kept
    return update


def _guard_bullets(
    spec: SectionSpec, entry: Entry, matched: Entry, path: str, facts: SourceFacts, log: FindingLog
) -> list[TailoredBullet]:
    kept: list[TailoredBullet] = []
    entry_numbers = facts.entry_numbers(matched)
    for index, bullet in enumerate(entry.bullets()):
        log.checked_bullets += 1
        where = f"{path}.{spec.bullets_field}.{index}"
        sources = bullet.source_bullet_ids if isinstance(bullet, TailoredBullet) else []
        unknown = [source_id for source_id in sources if source_id not in facts.bullets]
        if unknown or not sources:
            log.removed(
                GuardFindingKind.BULLET_SOURCE,
                where,
                bullet.text,
                f"It cites source bullet ids the source CV does not have ({', '.join(unknown) or 'none'}).",
            )
            continue
        origins = [facts.bullets[source_id] for source_id in sources]
        foreign = sorted({origin.section for origin in origins if origin.section != spec.section})
        if foreign:
            log.removed(
                GuardFindingKind.BULLET_SOURCE,
                where,
                bullet.text,
                f"It cites bullets of the source CV's {', '.join(foreign)} section, not {spec.section}.",
            )
            continue
        scope = NumberScope(
            cited=NumberSet.of(origin.text for origin in origins),
            entry=entry_numbers,
            description="the source bullets it cites",
        )
        problems = text_problems(bullet.text, facts, scope)
        if problems:
            log.removed(problems[0].kind, where, bullet.text, describe(problems))
            continue
        kept.append(TailoredBullet(text=bullet.text, source_bullet_ids=list(sources)))
    return kept


def _has_content(entry: Entry) -> bool:
    return any(value not in (None, "", [], ()) for name, value in entry if name != "id")
