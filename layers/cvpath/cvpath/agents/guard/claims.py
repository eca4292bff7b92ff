"""Free text (a bullet, a summary sentence) checked claim by claim against the source CV.

Three kinds of claim can hide in reworded prose: numbers, organisation-like
names and skills. Each must trace: numbers to the text the prose was written
from, names and skills to anywhere in the source CV.
"""

from __future__ import annotations

from dataclasses import dataclass

from cvpath.agents.guard.names import name_candidates
from cvpath.agents.guard.numbers import NumberClaim, NumberSet, number_claims
from cvpath.agents.guard.text_keys import fact_key
from cvpath.agents.guard.trace import SourceFacts
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.models import GuardFindingKind


@dataclass(frozen=True)
class Problem:
    kind: GuardFindingKind
    reason: str


@dataclass(frozen=True)
class NumberScope:
    """Where a number may come from: ``cited`` (the source bullets) first; for a version
    number ("Python 3"), also ``entry`` (the whole source entry)."""

    cited: NumberSet
    entry: NumberSet
    description: str


def text_problems(text: str, facts: SourceFacts, scope: NumberScope) -> list[Problem]:
    """Every claim in ``text`` that does not trace; empty when all of it does."""
    problems = [
        Problem(GuardFindingKind.NUMBER, f"the number {claim.surface!r} is not in {scope.description}")
        for claim in number_claims(text)
        if not _number_traces(claim, facts, scope)
    ]
    problems += _name_problems(text, facts)
    problems += _skill_problems(text, facts)
    return problems


def _number_traces(claim: NumberClaim, facts: SourceFacts, scope: NumberScope) -> bool:
    if scope.cited.supports(claim):
        return True
    if claim.version_of is None:
        return False
    if facts.mentions(f"{claim.version_of} {claim.surface}"):
        return True
    # "Python 3": a version of a tool the CV names is not a metric.
    taxonomy = get_taxonomy()
    return taxonomy.is_skill(claim.version_of) and (
        scope.entry.supports(claim) or facts.traces_skill(claim.version_of)
    )


def _name_problems(text: str, facts: SourceFacts) -> list[Problem]:
    taxonomy = get_taxonomy()
    skill_words = {word for mention in taxonomy.find(text) for word in fact_key(mention.surface).split()}
    problems: list[Problem] = []
    for candidate in name_candidates(text):
        unknown = [
            word
            for word in candidate.words
            if not facts.has_words(word) and not (set(fact_key(word).split()) <= skill_words)
        ]
        # Why one unknown word alone is not enough: title-cased phrases ("Kubernetes Migration
        # Project") are common in rewording; an organisation is introduced ("at X"), has a
        # suffix ("X Corp") or is more than one unknown word ("Goldman Sachs").
        if unknown and (candidate.introduced_by or candidate.has_organisation_suffix or len(unknown) >= 2):
            problems.append(
                Problem(
                    GuardFindingKind.EMPLOYER,
                    f"it names {candidate.text!r}, which appears nowhere in the source CV",
                )
            )
    return problems


def _skill_problems(text: str, facts: SourceFacts) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for mention in get_taxonomy().find(text):
        if mention.canonical in seen:
            continue
        seen.add(mention.canonical)
        # Why every-word-known passes: "Django REST" reworded from "REST APIs in ... Django"
        # recombines the CV's own words; an invented tool brings a word the CV lacks.
        if not (
            facts.traces_skill(mention.canonical)
            or facts.mentions(mention.surface)
            or facts.has_words(mention.surface)
        ):
            problems.append(
                Problem(GuardFindingKind.SKILL, f"the skill {mention.surface!r} is not in the source CV")
            )
    return problems


def describe(problems: list[Problem]) -> str:
    """One sentence naming every problem, for a finding's reason."""
    return "Untraceable: " + "; ".join(problem.reason for problem in problems) + "."
