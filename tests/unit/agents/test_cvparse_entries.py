"""Work, education and project entries: order of title and employer, dates, bullets."""

from __future__ import annotations

import pytest

from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.models import CV

HEAD = "Jane Doe\njane@doe.org\n"


def _work(cv: CV) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [(w.name, w.position, w.start_date, w.end_date) for w in cv.work]


def test_given_title_first_then_employer_when_parsed_then_both_are_assigned() -> None:
    cv = parse_cv_text(
        HEAD + "Experience\n"
        "Undergraduate Research Assistant June 2020 \u2013 Present\n"
        "Texas A&M University College Station, TX\n"
        "\u2022 Developed a REST API\n"
        "Software Engineer Jun 2021 - Dec 2022\n"
        "Figma San Francisco, CA\n"
        "\u2022 Built editing infrastructure\n"
    )
    assert _work(cv) == [
        ("Texas A&M University", "Undergraduate Research Assistant", "2020-06", None),
        ("Figma", "Software Engineer", "2021-06", "2022-12"),
    ]
    assert [w.location for w in cv.work] == ["College Station, TX", "San Francisco, CA"]


def test_given_employer_first_with_dates_on_their_own_line_when_parsed_then_both_are_assigned() -> None:
    cv = parse_cv_text(
        HEAD + "Experience\n"
        "Creative Solutions Inc.\nSenior Web Developer\nJanuary 2019 to Present\nSan Francisco, CA\n"
        "Led the redesign of the main product website.\n"
        "TechAdvancers\nWeb Developer\nJune 2016 to December 2018\n"
        "Collaborated in a team of 10.\n"
    )
    assert _work(cv) == [
        ("Creative Solutions Inc.", "Senior Web Developer", "2019-01", None),
        ("TechAdvancers", "Web Developer", "2016-06", "2018-12"),
    ]


@pytest.mark.parametrize(
    "header",
    ["Data Scientist at Monzo Bank (Jan 2020 - Present)", "Monzo Bank, Data Scientist | Jan 2020 - Present"],
)
def test_given_title_and_employer_on_one_line_when_parsed_then_split_either_way(header: str) -> None:
    cv = parse_cv_text(HEAD + "Work Experience\n" + header + "\n- Built a churn model\n")
    assert _work(cv) == [("Monzo Bank", "Data Scientist", "2020-01", None)]


@pytest.mark.parametrize("glyph", ["\u2022", "-", "*", "\u25aa", "\u2013"])
def test_given_any_bullet_glyph_and_wrapped_bullets_when_parsed_then_lines_are_joined(glyph: str) -> None:
    long_line = "Designed and implemented a real-time fraud detection pipeline processing transactions using"
    cv = parse_cv_text(
        HEAD + "Experience\nSoftware Engineer Jan 2023 - Present\nStripe San Francisco, CA\n"
        f"{glyph} {long_line}\nKafka and Go, reducing fraudulent charges by 18%\n"
        f"{glyph} Mentored 3 junior engineers\n"
        "Analyst 2019 - 2022\nAcme Corp\n"
        f"{glyph} Automated reporting\n"
    )
    assert [[b.text for b in w.highlights] for w in cv.work] == [
        [f"{long_line} Kafka and Go, reducing fraudulent charges by 18%", "Mentored 3 junior engineers"],
        ["Automated reporting"],
    ]


def test_given_a_left_date_column_with_a_wrapped_present_when_parsed_then_each_job_gets_its_dates() -> None:
    cv = parse_cv_text(
        HEAD + "Experience\n"
        "June 2020 \u2013\nPresent\nMERN Stack Developer, OpenAI, San Francisco, USA\n"
        "Working on the development of the ChatGPT project, using Node.js and React.\n"
        "July 2015 \u2013\nMay 2020\nFull Stack Developer, Uber, San Francisco, USA\n"
        "Developed and maintained scalable web applications.\n"
        "Education\n"
        "2009 \u2013 2012 PhD in Computer Science, CalTech, Pasadena, USA\n"
        "2007 \u2013 2009 Master of Science in Computer Science, MIT, Cambridge, USA\n"
    )
    assert _work(cv) == [
        ("OpenAI", "MERN Stack Developer", "2020-06", None),
        ("Uber", "Full Stack Developer", "2015-07", "2020-05"),
    ]
    assert [(e.institution, e.study_type, e.start_date, e.end_date) for e in cv.education] == [
        ("CalTech", "PhD in Computer Science", "2009", "2012"),
        ("MIT", "Master of Science in Computer Science", "2007", "2009"),
    ]


def test_given_dates_after_the_bullets_when_parsed_then_they_close_the_entry_above() -> None:
    cv = parse_cv_text(
        HEAD + "Experience\n"
        "Nexus AI, Co-Founder & CTO\n\u2022 Built infrastructure\n"
        "San Francisco, CA\nJune 2023 \u2013 present\n"
        "2 years 10 months\n"
        "NVIDIA Research, Research Intern\n\u2022 Designed attention\n"
        "Santa Clara, CA\nMay 2022 \u2013 Aug 2022\n"
    )
    assert _work(cv) == [
        ("Nexus AI", "Co-Founder & CTO", "2023-06", None),
        ("NVIDIA Research", "Research Intern", "2022-05", "2022-08"),
    ]
    assert [w.location for w in cv.work] == ["San Francisco, CA", "Santa Clara, CA"]


def test_given_education_entries_when_parsed_then_the_printed_degree_is_the_study_type() -> None:
    cv = parse_cv_text(
        HEAD + "Education\n"
        "Southwestern University Georgetown, TX\n"
        "Bachelor of Arts in Computer Science, Minor in Business Aug. 2018 \u2013 May 2021\n"
        "Blinn College Bryan, TX\nAssociate\u2019s in Liberal Arts Aug. 2014 \u2013 May 2018\n"
        "UC Berkeley 2019\nBachelor of Science, Computer Science\n"
    )
    assert [(e.institution, e.study_type, e.area, e.start_date, e.end_date) for e in cv.education] == [
        (
            "Southwestern University",
            "Bachelor of Arts in Computer Science, Minor in Business",
            None,
            "2018-08",
            "2021-05",
        ),
        ("Blinn College", "Associate\u2019s in Liberal Arts", None, "2014-08", "2018-05"),
        ("UC Berkeley", "Bachelor of Science, Computer Science", None, None, "2019"),
    ]


def test_given_a_degree_column_when_parsed_then_the_field_after_the_school_is_the_area() -> None:
    cv = parse_cv_text(
        HEAD + "Education\nPhD Princeton University, Computer Science\nSept 2018 \u2013 May 2023\n"
    )
    (education,) = cv.education
    assert (education.institution, education.study_type, education.area) == (
        "Princeton University",
        "PhD",
        "Computer Science",
    )


def test_given_projects_with_a_tech_stack_when_parsed_then_keywords_and_dates() -> None:
    cv = parse_cv_text(
        HEAD + "Projects\n"
        "Gitlytics | Python, Flask, React June 2020 \u2013 Present\n\u2022 Visualized GitHub data\n"
        "DevFlow\nCreator & Maintainer\n\u2022 Open-source CLI tool\n"
    )
    assert [(p.name, p.keywords, p.roles, p.start_date) for p in cv.projects] == [
        ("Gitlytics", ["Python", "Flask", "React"], [], "2020-06"),
        ("DevFlow", [], ["Creator & Maintainer"], None),
    ]


def test_given_skills_groups_and_spoken_languages_when_parsed_then_kept_apart() -> None:
    cv = parse_cv_text(
        HEAD + "Technical Skills\nLanguages: Java, Python, C/C++, SQL (Postgres)\n"
        "Developer Tools: Git, Docker, Google Cloud\nPlatform, VS Code\n"
        "Languages\nEnglish \u2013 Native\nSpanish (B2)\n"
    )
    assert [(s.name, s.keywords) for s in cv.skills] == [
        ("Languages", ["Java", "Python", "C/C++", "SQL (Postgres)"]),
        ("Developer Tools", ["Git", "Docker", "Google Cloud Platform", "VS Code"]),
    ]
    assert [(lang.language, lang.fluency) for lang in cv.languages] == [
        ("English", "Native"),
        ("Spanish", "B2"),
    ]


def test_given_a_languages_section_of_programming_languages_when_parsed_then_they_are_skills() -> None:
    cv = parse_cv_text(HEAD + "Languages\nPython, Go, TypeScript\n")
    assert cv.languages == []
    assert [(s.name, s.keywords) for s in cv.skills] == [("Languages", ["Python", "Go", "TypeScript"])]


def test_given_a_german_cv_when_parsed_then_sections_dates_and_entries_are_read() -> None:
    cv = parse_cv_text(
        "Max Mustermann\nMusterstraße 12, 10115 Berlin\n+49 30 1234567 | max@example.de\n"
        "BERUFSERFAHRUNG\nSenior Softwareentwickler\nACME GmbH, München\n03/2019 \u2013 heute\n"
        "- Entwicklung von Microservices mit Java\n"
        "AUSBILDUNG\nTechnische Universität München\nM.Sc. Informatik\nOkt. 2013 \u2013 Sep. 2015\n"
        "KENNTNISSE\nProgrammiersprachen: Java, Python\n"
        "SPRACHEN\nDeutsch (Muttersprache), Englisch (C1)\n"
    )
    assert cv.basics is not None
    assert cv.basics.phone == "+49 30 1234567"
    assert [(w.name, w.position, w.location, w.start_date, w.end_date) for w in cv.work] == [
        ("ACME GmbH", "Senior Softwareentwickler", "München", "2019-03", None)
    ]
    assert [(e.institution, e.study_type, e.start_date) for e in cv.education] == [
        ("Technische Universität München", "M.Sc. Informatik", "2013-10")
    ]
    assert [k for s in cv.skills for k in s.keywords] == ["Java", "Python"]
    assert [lang.language for lang in cv.languages] == ["Deutsch", "Englisch"]


def test_given_a_cv_without_any_dates_when_parsed_then_entries_have_no_dates() -> None:
    cv = parse_cv_text(HEAD + "Experience\nAcme Corp\nSoftware Engineer\n\u2022 Wrote code\n")
    assert _work(cv) == [("Acme Corp", "Software Engineer", None, None)]
    assert [b.text for b in cv.work[0].highlights] == ["Wrote code"]
