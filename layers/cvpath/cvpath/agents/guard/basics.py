"""``basics``: identity and contacts must be the source's; label and summary must trace."""

from __future__ import annotations

import re
from typing import Any

from cvpath.agents.guard.claims import NumberScope, describe, text_problems
from cvpath.agents.guard.findings import FindingLog
from cvpath.agents.guard.text_keys import fact_key, split_sentences
from cvpath.agents.guard.trace import SourceFacts
from cvpath.models import Basics, GuardFindingKind, Profile

# Template placeholders other tools leave in; named in the reason so the user sees why.
PLACEHOLDERS = frozenset(
    fact_key(value)
    for value in (
        "John Doe",
        "Jane Doe",
        "John Smith",
        "Your Name",
        "your.name@email.com",
        "youremail@example.com",
        "email@example.com",
        "john.doe@example.com",
        "123-456-7890",
        "(123) 456-7890",
        "555-555-5555",
        "(555) 555-5555",
    )
)
_URL_PREFIX_RE = re.compile(r"^(?:https?://)?(?:www\.)?")


def _url_key(value: str | None) -> str:
    return _URL_PREFIX_RE.sub("", (value or "").strip().casefold()).rstrip("/")


def _phone_key(value: str | None) -> str:
    return "".join(char for char in value or "" if char.isdigit())


def _email_key(value: str | None) -> str:
    return (value or "").strip().casefold()


_CONTACT_FIELDS = (
    ("name", GuardFindingKind.NAME, fact_key),
    ("email", GuardFindingKind.CONTACT, _email_key),
    ("phone", GuardFindingKind.CONTACT, _phone_key),
    ("url", GuardFindingKind.CONTACT, _url_key),
    ("image", GuardFindingKind.CONTACT, _url_key),
)


def guard_basics(
    source: Basics | None, tailored: Basics | None, facts: SourceFacts, log: FindingLog
) -> Basics | None:
    if tailored is None:
        return None
    original = source or Basics()
    update: dict[str, Any] = {}
    for field, kind, key in _CONTACT_FIELDS:
        value, source_value = getattr(tailored, field), getattr(original, field)
        if value is not None and key(value) != key(source_value):
            update[field] = source_value
            log.replaced(kind, f"basics.{field}", value, source_value, _contact_reason(field, value))
    if tailored.location is not None and _location_key(tailored) != _location_key(original):
        update["location"] = original.location
        log.replaced(
            GuardFindingKind.CONTACT,
            "basics.location",
            _location_text(tailored),
            _location_text(original),
            "The location differs from the source CV's.",
        )
    update["profiles"] = _guard_profiles(original.profiles, tailored.profiles, log)
    label = tailored.label
    if label is not None and not _label_traces(label, original, facts):
        update["label"] = original.label
        log.replaced(
            GuardFindingKind.TITLE,
            "basics.label",
            label,
            original.label,
            "The headline is neither the source CV's headline nor one of its job titles.",
        )
    if tailored.summary:
        update["summary"] = _guard_summary(tailored.summary, facts, log)
    guarded = tailored.model_copy(update=update)
    return guarded if guarded != Basics() else None


def _contact_reason(field: str, value: str) -> str:
    if fact_key(value) in PLACEHOLDERS:
        return f"The {field} {value!r} is a template placeholder, not the candidate's."
    return f"The {field} differs from the source CV's."


def _location_text(basics: Basics) -> str:
    location = basics.location
    if location is None:
        return ""
    parts = (location.address, location.city, location.region, location.postal_code, location.country_code)
    return ", ".join(part for part in parts if part)


def _location_key(basics: Basics) -> tuple[str, ...]:
    location = basics.location
    if location is None:
        return ()
    keys = tuple(
        fact_key(part)
        for part in (
            location.address,
            location.postal_code,
            location.city,
            location.country_code,
            location.region,
        )
    )
    return keys if any(keys) else ()


def _profile_key(profile: Profile) -> tuple[str, str, str]:
    return (fact_key(profile.network), fact_key(profile.username), _url_key(profile.url))


def _guard_profiles(source: list[Profile], tailored: list[Profile], log: FindingLog) -> list[Profile]:
    known = {_profile_key(profile) for profile in source}
    kept: list[Profile] = []
    for index, profile in enumerate(tailored):
        if _profile_key(profile) in known:
            kept.append(profile.model_copy(update={"id": ""}))
        else:
            log.removed(
                GuardFindingKind.CONTACT,
                f"basics.profiles.{index}",
                profile.url or profile.username or profile.network,
                "The profile is not in the source CV.",
            )
    return kept


def _label_traces(label: str, source: Basics, facts: SourceFacts) -> bool:
    key = fact_key(label)
    titles = {fact_key(source.label)} | {fact_key(work.position) for work in facts.cv.work}
    return key in titles


def _guard_summary(summary: str, facts: SourceFacts, log: FindingLog) -> str | None:
    scope = NumberScope(cited=facts.numbers, entry=facts.numbers, description="the source CV")
    sentences = split_sentences(summary)
    kept: list[str] = []
    for index, sentence in enumerate(sentences):
        problems = text_problems(sentence, facts, scope)
        if problems:
            log.removed(GuardFindingKind.SUMMARY, f"basics.summary.{index}", sentence, describe(problems))
        else:
            kept.append(sentence)
    if len(kept) == len(sentences):
        return summary
    return " ".join(kept) or None
