"""The offline JOB_PARSER's cue phrases: priority, seniority, years, remote, title and company."""

from __future__ import annotations

import pytest

from cvpath.agents.offline.job_cues import binding_min_years, job_seniority, years_mentions
from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.errors import NotAJobDescription
from cvpath.models import RemotePolicy, RequirementKind, Seniority

POSTING = """\
Senior Backend Engineer
Acme Analytics
Berlin, Germany
We are looking for an engineer to build our data platform.
Responsibilities
- Design and build services in Python
- Review code and mentor the team
Requirements
- 5+ years of experience building backend systems
- Strong knowledge of Python and Django
- Bachelor's degree in Computer Science
- Experience with SQL is a plus
Nice to have
- Experience with R, Python and SQL for statistics
Benefits
- Free lunch and a Django conference ticket
"""


def _years(text: str, *, preferred: bool = False) -> list[int]:
    return [mention.years for mention in years_mentions(text, preferred=preferred)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3+ years of experience in Java", [3]),
        ("at least five years of professional experience", [5]),
        ("5-7 years experience with Go", [5]),
        ("2-4 + years of experience", [2]),
        ("Minimum 1 year as project manager", [1]),
        ("Data Science: 2 years (Preferred)", [2]),
        ("ten (10) years of industry experience", [10]),
    ],
)
def test_given_a_years_phrase_when_read_then_the_minimum_is_taken(text: str, expected: list[int]) -> None:
    assert _years(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We are looking for someone with up to 3 years of experience",
        "children of ages 3-9 years old",
        "Contract length: 2 years",
        "We have been in business for 20 years",
    ],
)
def test_given_years_that_are_no_minimum_when_read_then_none_is_taken(text: str) -> None:
    assert _years(text) == []


def test_given_required_and_preferred_years_then_the_largest_required_binds() -> None:
    mentions = [
        *years_mentions("5 years of product management experience", preferred=False),
        *years_mentions("8 years of product management experience", preferred=True),
        *years_mentions("3 years of experience with SoC vendors", preferred=False),
    ]
    assert binding_min_years(mentions) == 5


def test_given_only_preferred_years_then_they_are_used() -> None:
    assert binding_min_years(years_mentions("work: 1 year (Preferred)", preferred=False)) == 1


@pytest.mark.parametrize(
    ("title", "years", "expected"),
    [
        ("Software Engineering Intern", None, Seniority.INTERN),
        ("Jr. Developer", 3, Seniority.JUNIOR),
        ("Junior Data Analyst", None, Seniority.JUNIOR),
        ("Sr. Software Engineer", 2, Seniority.SENIOR),
        ("Senior Product Manager, Hardware", 5, Seniority.SENIOR),
        ("Lead Technical Program Manager", None, Seniority.LEAD),
        ("Principal Engineer", None, Seniority.LEAD),
        ("Staff Engineer", None, Seniority.LEAD),
        ("Director of Engineering", 10, Seniority.DIRECTOR),
        ("VP of Engineering", None, Seniority.EXECUTIVE),
        ("Backend Developer", 1, Seniority.JUNIOR),
        ("Backend Developer", 3, Seniority.MID),
        ("Backend Developer", 6, Seniority.SENIOR),
        ("Backend Developer", None, None),
    ],
)
def test_given_a_title_and_years_then_the_seniority_follows_the_convention(
    title: str, years: int | None, expected: Seniority | None
) -> None:
    assert job_seniority(title, "", years) == expected


def test_given_a_manager_title_then_it_is_manager_only_when_people_are_managed() -> None:
    assert job_seniority("Content Manager", "You will write content.", 10) == Seniority.SENIOR
    assert job_seniority("IT Manager", "Maintains staff by recruiting employees.", 3) == Seniority.MANAGER
    assert job_seniority("Logistics Manager", "Billing and invoices.", None) == Seniority.MANAGER


def test_given_sections_and_cues_when_parsed_then_must_and_nice_are_split() -> None:
    job = parse_job_text(POSTING)

    must_texts = [req.text for req in job.must_have]
    nice_texts = [req.text for req in job.nice_to_have]
    assert "Strong knowledge of Python and Django" in must_texts
    assert "Experience with SQL is a plus" in nice_texts
    assert "Experience with R, Python and SQL for statistics" in nice_texts
    assert not any("lunch" in text for text in must_texts + nice_texts)
    assert job.min_years == 5
    assert job.seniority == Seniority.SENIOR


def test_given_requirements_when_parsed_then_kinds_and_keywords_are_set() -> None:
    job = parse_job_text(POSTING)
    by_text = {req.text: req for req in job.requirements()}

    assert by_text["Strong knowledge of Python and Django"].kind == RequirementKind.SKILL
    assert by_text["Strong knowledge of Python and Django"].keywords[:2] == ["Python", "Django"]
    assert by_text["Bachelor's degree in Computer Science"].kind == RequirementKind.EDUCATION
    assert by_text["5+ years of experience building backend systems"].kind == RequirementKind.EXPERIENCE


def test_given_a_posting_when_parsed_then_skills_list_required_and_preferred() -> None:
    job = parse_job_text(POSTING)
    skills = {skill.name: skill.keywords for skill in job.skills}

    assert {"Python", "Django"} <= set(skills["Required"])
    assert "R" in skills.get("Preferred", [])
    assert not set(skills["Required"]) & set(skills.get("Preferred", []))


def test_given_header_lines_when_parsed_then_title_company_and_location_are_read() -> None:
    job = parse_job_text(POSTING)

    assert job.title == "Senior Backend Engineer"
    assert job.company == "Acme Analytics"
    assert job.location is not None
    assert (job.location.city, job.location.country_code) == ("Berlin", "DE")


def test_given_no_requirements_list_then_core_duties_are_must_haves() -> None:
    text = (
        "Office Manager\nResponsibilities\nPlan the budget and forecasts\nOrganise the filing\n"
        "Manage the office supplies\n"
    )
    job = parse_job_text(text)

    assert [req.text for req in job.must_have] == [
        "Plan the budget and forecasts",
        "Organise the filing",
        "Manage the office supplies",
    ]
    assert job.responsibilities == [req.text for req in job.must_have]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("This is a fully remote position.", RemotePolicy.FULL),
        ("Temporarily remote", RemotePolicy.FULL),
        ("Hybrid: two days a week in our Munich office", RemotePolicy.HYBRID),
        ("Work Remotely:\nNo", RemotePolicy.NONE),
        ("Work Remotely:\nTemporarily due to COVID-19", RemotePolicy.FULL),
        ("You will join our friendly team.", None),
    ],
)
def test_given_remote_wording_then_the_policy_is_read(line: str, expected: RemotePolicy | None) -> None:
    text = f"Python Developer\nRequirements\nPython and Django\n{line}\n"
    assert parse_job_text(text).remote == expected


@pytest.mark.parametrize(
    ("first_lines", "expected"),
    [
        ("Job Description: Front End Engineer (2 Years of Experience)", "Front End Engineer"),
        ("Director of Engineering, CloudDirector of Engineering, Cloud", "Director of Engineering, Cloud"),
        ("About the company\nJob Title: Data Engineer", "Data Engineer"),
        (
            "Job Description: Senior Full Stack Engineer (5+ Years of\nExperience)",
            "Senior Full Stack Engineer",
        ),
    ],
)
def test_given_title_forms_then_the_title_is_cleaned(first_lines: str, expected: str) -> None:
    job = parse_job_text(f"{first_lines}\nRequirements\nPython and Django\n")
    assert job.title == expected


def test_given_a_wrapped_pdf_line_when_parsed_then_hyphenated_words_are_joined() -> None:
    text = "Front End Engineer\nResponsibilities\n• Build features with React.js, Vue.js, or Angu-\nlar.js.\n"
    job = parse_job_text(text)
    assert job.responsibilities == ["Build features with React.js, Vue.js, or Angular.js."]


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "Requirements:\n" * 2000,
        "a" * 150_000,
        "(" * 5000 + "Engineer",
        "Title\n\u0000\u200b\ufeffRequirements\n3" + "0" * 5000 + " years",
    ],
)
def test_given_odd_input_when_parsed_then_a_job_comes_back(text: str) -> None:
    job = parse_job_text(text)
    assert job.title.strip()


@pytest.mark.parametrize("text", ["", " \n\t ", "((((((((((((", "- " * 50_000])
def test_given_text_without_content_when_parsed_then_it_is_refused_as_empty(text: str) -> None:
    with pytest.raises(NotAJobDescription) as raised:
        parse_job_text(text)
    assert raised.value.details == {"reason": "empty"}


def test_given_the_same_text_twice_then_the_job_is_identical() -> None:
    assert parse_job_text(POSTING).model_dump() == parse_job_text(POSTING).model_dump()
