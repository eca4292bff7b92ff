"""find(): longest match, tech punctuation, guarded short names, determinism and speed."""

from __future__ import annotations

import time

import pytest

from cvpath.agents.taxonomy import SkillMention, get_taxonomy


def _found(text: str) -> list[str]:
    return [mention.canonical for mention in get_taxonomy().find(text)]


def test_given_a_skills_line_when_found_then_every_item_in_text_order_with_offsets() -> None:
    text = "Languages: Java, Python, C/C++, SQL (Postgres), JavaScript, HTML/CSS, R"
    mentions = get_taxonomy().find(text)
    assert [m.canonical for m in mentions] == [
        "Java", "Python", "C", "C++", "SQL", "PostgreSQL", "JavaScript", "HTML", "CSS", "R",
    ]  # fmt: skip
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    assert [m.surface for m in mentions][6:9] == ["JavaScript", "HTML", "CSS"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Built with Node.js, Vue and .NET Core", ["Node.js", "Vue.js", ".NET"]),
        ("ASP.NET MVC and C# services", ["ASP.NET", "C#"]),
        ("Modern C++17 and C++ templates", ["C++", "C++"]),
        ("CI/CD with GitHub Actions", ["CI/CD", "GitHub Actions"]),
        ("Frameworks: React, Material-UI, FastAPI", ["React", "Material-UI", "FastAPI"]),
        ("Spring Boot microservices", ["Spring Boot", "Microservices Architecture"]),
        ("React Native apps", ["React Native"]),
        ("Machine\nLearning on Amazon Web Services", ["Machine Learning", "AWS"]),
        ("scikit-learn and scikit learn", ["scikit-learn", "scikit-learn"]),
        ("JavaScript (ES6+), TypeScript", ["JavaScript", "ES6", "TypeScript"]),
        ("Ruby on Rails", ["Ruby on Rails"]),
        ("TCP/IP networking", ["TCP/IP", "Networking"]),
        ("Objective-C and Swift/SwiftUI", ["Objective-C", "Swift", "SwiftUI"]),
        ("P&L ownership and R&D budgets", ["Profit and loss management", "Budgeting"]),
    ],
)
def test_given_tech_punctuation_when_found_then_whole_names_win(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I will go to the store",
        "Go to the store and make sure the chef is there.",
        "We gave a Swift response to every request.",
        "He got a C grade in history.",
        "Grade: C",
        "The spring of 2020 was rusty.",
        "Spring 2020 internship at a Rust Belt factory",
        "Chef, The Grand Hotel",
        "Head Chef | Fine dining",
        "Puppet theatre volunteer",
        "Make sure to polish the report",
        "R. Smith recommended me",
        "JOHN DOE",
        "We react quickly and excel at service; we will express our views.",
        "the rest of the team",
        "Contact: jane@react.dev, github.com/jake/python-go",
    ],
)
def test_given_ordinary_english_when_found_then_no_guarded_false_positives(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Python, Go and Rust", ["Python", "Go", "Rust"]),
        ("Wrote the service in Go.", ["Go"]),
        ("Statistics with R and Python", ["Statistics", "R", "Python"]),
        ("C/C++ | Go | Swift", ["C", "C++", "Go", "Swift"]),
        ("• Chef\n• Puppet\n• Ansible", ["Chef", "Puppet", "Ansible"]),
        ("Java (Spring, Hibernate)", ["Java", "Spring", "Hibernate"]),
        ("Golang microservices", ["Go", "Microservices Architecture"]),
        ("Languages: English (C2), Polish (native)", ["English", "Polish"]),
        ("English - fluent, Polish - native", ["English", "Polish"]),
    ],
)
def test_given_a_skills_list_context_when_found_then_guarded_names_count(
    text: str, expected: list[str]
) -> None:
    assert _found(text) == expected


def test_given_case_sensitive_names_when_written_in_lower_case_then_ignored() -> None:
    assert _found("I excel at work; react fast; 5 ml doses") == []
    assert _found("Excel, React, ML") == ["Microsoft Excel", "React", "Machine Learning"]
    assert _found("EXCEL, REACT") == ["Microsoft Excel", "React"]


def test_given_a_mention_then_it_is_a_frozen_value() -> None:
    mention = get_taxonomy().find("Kubernetes")[0]
    assert mention == SkillMention(canonical="Kubernetes", surface="Kubernetes", start=0, end=10)
    with pytest.raises(AttributeError):
        mention.start = 3  # type: ignore[misc]


def test_given_the_same_text_twice_then_the_same_mentions() -> None:
    text = "Python, Go, R; Docker/K8s; PostgreSQL (Postgres); Node.js; Agile/Scrum; TEFL; MIG welding"
    first = get_taxonomy().find(text)
    assert first == get_taxonomy().find(text)
    assert [m.start for m in first] == sorted(m.start for m in first)


def test_given_no_text_then_no_mentions() -> None:
    assert _found("") == []
    assert _found("   \n\t") == []


def test_given_a_three_page_cv_when_found_then_it_takes_well_under_50_ms() -> None:
    page = (
        "Senior engineer. Skills: Python, Go, R, C/C++, SQL (Postgres), JavaScript, HTML/CSS, React.\n"
        "• Built CI/CD pipelines with GitHub Actions and Terraform on AWS and Google Cloud Platform.\n"
        "• Led a team of five; mentoring, code review, stakeholder management and Agile delivery.\n"
        "Worked with nurses on patient care software; taught ESL classes; MIG welding hobby.\n"
    ) * 40
    assert len(page) > 12_000
    tax = get_taxonomy()
    best = min(_timed(tax.find, page) for _ in range(3))
    assert best < 0.05, f"find took {best * 1000:.1f} ms on {len(page)} characters"


def _timed(find: object, text: str) -> float:
    assert callable(find)
    started = time.perf_counter()
    find(text)
    return time.perf_counter() - started
