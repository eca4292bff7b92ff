"""Section headings by vocabulary (several languages) and layout cues."""

from __future__ import annotations

import pytest

from cvpath.agents.offline.cv_parser import parse_cv_document
from cvpath.agents.offline.cv_parser.lines import split_lines
from cvpath.agents.offline.cv_parser.sections import SectionKind, find_headings, vocabulary_kind


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Experience", SectionKind.WORK),
        ("WORK EXPERIENCE", SectionKind.WORK),
        ("Professional Experience:", SectionKind.WORK),
        ("Employment History", SectionKind.WORK),
        ("Technical Skills", SectionKind.SKILLS),
        ("SKILLS & AWARDS", SectionKind.SKILLS),
        ("Tools & Technologies", SectionKind.SKILLS),
        ("Selected Honors", SectionKind.AWARDS),
        ("Professional Summary", SectionKind.SUMMARY),
        ("Berufserfahrung", SectionKind.WORK),
        ("Ausbildung", SectionKind.EDUCATION),
        ("Expérience professionnelle", SectionKind.WORK),
        ("Formation", SectionKind.EDUCATION),
        ("Experiencia", SectionKind.WORK),
        ("Educación", SectionKind.EDUCATION),
        ("Sprachkenntnisse", SectionKind.LANGUAGES),
        ("Idiomas", SectionKind.LANGUAGES),
        ("Certifications", SectionKind.CERTIFICATES),
        ("Volunteer Experience", SectionKind.VOLUNTEER),
        ("Publications", SectionKind.PUBLICATIONS),
    ],
)
def test_given_a_heading_phrase_when_looked_up_then_its_section_kind(heading: str, kind: SectionKind) -> None:
    assert vocabulary_kind(heading) is kind


@pytest.mark.parametrize("text", ["Tools", "Experience with Kubernetes clusters", "Senior Web Developer", ""])
def test_given_text_that_names_no_section_when_looked_up_then_none(text: str) -> None:
    assert vocabulary_kind(text) is None


def test_given_lines_when_scanned_then_only_heading_shaped_lines_count() -> None:
    lines = split_lines(
        "Jane Doe\nExperience\n\u2022 Experience\nExperience in many things.\nSkills: Python, Go\nEducation\n"
    )
    assert [(h.title, h.kind) for h in find_headings(lines)] == [
        ("Experience", SectionKind.WORK),
        ("Education", SectionKind.EDUCATION),
    ]


def test_given_capital_headings_when_an_unknown_line_is_in_capitals_too_then_it_is_a_heading() -> None:
    parsed = parse_cv_document(
        "JANE DOE\njane@doe.org\nEXPERIENCE\nEngineer, Acme 2020 - 2021\nPATENTS\nA patent\nSKILLS\nPython\n"
    )
    assert parsed.headings == ("EXPERIENCE", "PATENTS", "SKILLS")
    assert [k for s in parsed.cv.skills for k in s.keywords] == ["Python"]
