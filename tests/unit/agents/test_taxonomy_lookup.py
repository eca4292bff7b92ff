"""canonical(), info(), family(), same_family() and is_skill()."""

from __future__ import annotations

import pytest

from cvpath.agents.taxonomy import SkillInfo, get_taxonomy


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("postgres", "PostgreSQL"),
        ("Postgres", "PostgreSQL"),
        ("JS", "JavaScript"),
        ("ML", "Machine Learning"),
        ("K8s", "Kubernetes"),
        ("Node", "Node.js"),
        ("NodeJS", "Node.js"),
        ("nodejs", "Node.js"),
        ("Node.JS", "Node.js"),
        ("node js", "Node.js"),
        ("  node   js ", "Node.js"),
        ("Vue", "Vue.js"),
        ("GCP", "Google Cloud Platform"),
        ("HTML5", "HTML"),
        ("CSS3", "CSS"),
        ("Material-UI", "Material-UI"),
        ("MUI", "Material-UI"),
        ("material ui", "Material-UI"),
        ("golang", "Go"),
        ("c#", "C#"),
        ("C sharp", "C#"),
        ("cpp", "C++"),
        (".NET Core", ".NET"),
        ("asp.net", "ASP.NET"),
        ("CI/CD", "CI/CD"),
        ("sklearn", "scikit-learn"),
        ("React.js", "React"),
        ("TravisCI", "Travis CI"),
        ("Excel", "Microsoft Excel"),
        ("Mandarin", "Mandarin Chinese"),
        ("Español", "Spanish"),
        ("TEFL certified", "TEFL"),
        ("RN", "Registered Nurse"),
        ("TIG", "TIG welding"),
        ("OSHA 30", "OSHA"),
    ],
)
def test_given_a_spelling_or_alias_when_canonical_then_the_canonical_name(
    written: str, canonical: str
) -> None:
    assert get_taxonomy().canonical(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("JavaScript (ES6+)", "JavaScript"),
        ("Python (advanced)", "Python"),
        ("REST APIs", "REST APIs"),
        ("RESTful API", "REST APIs"),
        ("Microservices", "Microservices Architecture"),
        ("Machine Learning basics", "Machine Learning"),
        ("basic SQL", "SQL"),
        ("working knowledge of Excel", "Microsoft Excel"),
        ("Leadership skills", "Leadership"),
    ],
)
def test_given_a_qualified_or_plural_name_when_canonical_then_the_core_skill(
    written: str, canonical: str
) -> None:
    assert get_taxonomy().canonical(written) == canonical


@pytest.mark.parametrize(
    ("first", "second"),
    [("Java", "JavaScript"), ("C", "C++"), ("C", "C#"), ("C++", "C#"), ("Go", "Google Cloud Platform"),
     ("R", "Rust"), ("React", "React Native"), ("SQL", "NoSQL"), ("Swift", "SwiftUI")],
)  # fmt: skip
def test_given_distinct_skills_when_canonical_then_they_stay_apart(first: str, second: str) -> None:
    tax = get_taxonomy()
    assert tax.canonical(first) is not None
    assert tax.canonical(second) is not None
    assert tax.canonical(first) != tax.canonical(second)


@pytest.mark.parametrize("name", ["", "   ", "C/C++", "HTML/CSS", "flibbertigibbet", "the", "("])
def test_given_no_single_known_skill_when_looked_up_then_none(name: str) -> None:
    tax = get_taxonomy()
    assert tax.canonical(name) is None
    assert tax.info(name) is None
    assert tax.family(name) is None
    assert not tax.is_skill(name)


def test_given_a_name_with_a_parenthetical_skill_then_canonical_is_the_head_and_find_gives_both() -> None:
    tax = get_taxonomy()
    assert tax.canonical("SQL (Postgres)") == "SQL"
    assert [mention.canonical for mention in tax.find("SQL (Postgres)")] == ["SQL", "PostgreSQL"]


def test_given_an_alias_when_info_then_the_whole_record() -> None:
    info = get_taxonomy().info("K8s")
    assert isinstance(info, SkillInfo)
    assert info.canonical == "Kubernetes"
    assert "K8s" in info.aliases
    assert info.family == "containers"
    assert info.domain == "tech"


@pytest.mark.parametrize(
    ("name", "family", "domain"),
    [
        ("React", "frontend", "tech"),
        ("PostgreSQL", "relational databases", "tech"),
        ("MySQL", "relational databases", "tech"),
        ("pandas", "data libraries", "data"),
        ("Tableau", "business intelligence", "data"),
        ("Scrum", "project management", "business"),
        ("QuickBooks", "accounting", "business"),
        ("Invoice validation", "billing and revenue operations", "business"),
        ("Phlebotomy", "clinical care", "health"),
        ("Epic", "healthcare administration", "health"),
        ("Lesson planning", "teaching", "education"),
        ("CELTA", "language teaching", "education"),
        ("MIG welding", "welding and metalwork", "trades"),
        ("Lockout/tagout", "safety certifications", "trades"),
        ("Spanish", "romance languages", "language"),
    ],
)
def test_given_a_skill_then_its_family_and_domain(name: str, family: str, domain: str) -> None:
    tax = get_taxonomy()
    assert tax.family(name) == family
    assert tax.domain(name) == domain


@pytest.mark.parametrize(
    ("first", "second", "related"),
    [
        ("React", "Vue.js", True),
        ("vue", "angular", True),
        ("Postgres", "MySQL", True),
        ("Django", "Flask", True),
        ("Jenkins", "GitHub Actions", True),
        ("React", "PostgreSQL", False),
        ("Python", "pandas", False),
        ("MIG welding", "TIG welding", True),
        ("Plumbing", "Welding", False),
        ("React", "not a skill", False),
        ("not a skill", "not a skill", False),
    ],
)
def test_given_two_names_when_same_family_then_only_skills_of_one_family_match(
    first: str, second: str, related: bool
) -> None:
    assert get_taxonomy().same_family(first, second) is related


def test_given_get_taxonomy_twice_then_the_same_instance() -> None:
    assert get_taxonomy() is get_taxonomy()
