"""How relevant a piece of CV text is to a job: the job keywords it mentions, weighted by priority."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cvpath.agents.guard.text_keys import contains_phrase, fact_key
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.models import Analysis, Job

MUST_WEIGHT = 3
SKILL_WEIGHT = 2
NICE_WEIGHT = 1
# Share of the job's keywords that must be technical skills for skills to go near the top.
_TECHNICAL_SHARE = 0.5
# Domains whose skills a recruiter scans the skills section for.
_TECHNICAL_DOMAINS = frozenset({"tech", "data", "engineering"})


def skill_key(name: str) -> str:
    """One key per skill, whatever the spelling: the taxonomy's canonical name, else the text itself."""
    canonical = get_taxonomy().canonical(name)
    return fact_key(canonical or name)


@dataclass(frozen=True)
class JobRelevance:
    """The job's keywords (key -> weight, in job order), and the CV ids the analysis cites as evidence."""

    weights: dict[str, int]
    # Keywords the taxonomy does not know are matched as phrases: key -> the words as written.
    phrases: dict[str, str]
    evidence: dict[str, int]
    # key -> the keyword's canonical name (or its words as written), for taxonomy look-ups.
    names: dict[str, str]

    def mentioned(self, text: str) -> set[str]:
        """The job keys that ``text`` mentions."""
        found = {fact_key(mention.canonical) for mention in get_taxonomy().find(text)}
        text_key = fact_key(text)
        found.update(key for key, phrase in self.phrases.items() if contains_phrase(text_key, phrase))
        return found & self.weights.keys()

    def score(self, texts: Iterable[str], cited_ids: Iterable[str] = ()) -> int:
        mentioned: set[str] = set()
        for text in texts:
            mentioned |= self.mentioned(text)
        bonus = sum(self.evidence.get(source_id, 0) for source_id in cited_ids)
        return sum(self.weights[key] for key in mentioned) + bonus

    def keyword_weight(self, keyword: str) -> int:
        return self.weights.get(skill_key(keyword), 0)

    @property
    def technical(self) -> bool:
        """Whether most of the job's keywords the taxonomy knows are technical skills."""
        taxonomy = get_taxonomy()
        known = [info for info in (taxonomy.info(name) for name in self.names.values()) if info is not None]
        tech = sum(1 for info in known if info.domain in _TECHNICAL_DOMAINS)
        return bool(known) and tech / len(known) >= _TECHNICAL_SHARE


def job_relevance(job: Job, analysis: Analysis) -> JobRelevance:
    taxonomy = get_taxonomy()
    weights: dict[str, int] = {}
    phrases: dict[str, str] = {}
    names: dict[str, str] = {}

    def add(name: str, weight: int) -> None:
        key = skill_key(name)
        if not key:
            return
        weights[key] = max(weights.get(key, 0), weight)
        canonical = taxonomy.canonical(name)
        names.setdefault(key, canonical or name)
        if canonical is None:
            phrases.setdefault(key, name)

    for weight, requirements in ((MUST_WEIGHT, job.must_have), (NICE_WEIGHT, job.nice_to_have)):
        for requirement in requirements:
            for keyword in requirement.keywords:
                add(keyword, weight)
            for mention in taxonomy.find(requirement.text):
                add(mention.canonical, weight)
    for group in job.skills:
        for keyword in group.keywords:
            add(keyword, SKILL_WEIGHT)
    if not weights:
        # A job parsed without requirements still says what it wants somewhere.
        for text in (*job.qualifications, *job.responsibilities, job.description or ""):
            for mention in taxonomy.find(text):
                add(mention.canonical, NICE_WEIGHT)
    evidence: dict[str, int] = {}
    for row in analysis.requirements:
        weight = MUST_WEIGHT if job.is_must_have(row.requirement_id) else NICE_WEIGHT
        for item in row.evidence:
            evidence[item.source_id] = max(evidence.get(item.source_id, 0), weight)
    return JobRelevance(weights=weights, phrases=phrases, evidence=evidence, names=names)
