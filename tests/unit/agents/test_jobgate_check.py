"""The not-a-job gate: empty, too short, and text that is something else is refused; postings pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvpath.agents.offline.job_gate import check_job_text
from cvpath.errors import NotAJobDescription

RECIPE = """\
Classic Banana Bread
Ingredients: 3 ripe bananas, 1/3 cup melted butter, 1 teaspoon baking soda, a pinch of salt, 3/4 cup sugar,
1 large egg, 1 teaspoon vanilla extract, 1 1/2 cups of all-purpose flour.
Preheat the oven to 175 C and butter a loaf pan. Mash the bananas with a fork, stir in the melted butter,
then mix in the baking soda and salt. Stir in the sugar, egg and vanilla, then the flour.
Bake for 60 minutes, until a tester comes out clean. Serves 8.
"""
LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
    "ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore."
)
NEWS = (
    "The city council voted on Tuesday to approve a new budget that increases funding for public schools and "
    "road repairs, officials said. The mayor told reporters the plan would raise property taxes by two "
    "percent next year, a move opposition members criticised as unfair to retirees. The budget, which passed "
    "by seven votes to four, also sets aside money for a new library in the northern district."
)
CV_TEXT = """\
Jane Doe
jane.doe@example.com | +1 555 0100 | linkedin.com/in/janedoe | github.com/janedoe
Work Experience
Software Engineer, Acme Corp  Jan 2019 - Present
- Built data pipelines in Python and SQL for the analytics team
- Migrated services to Kubernetes
Junior Developer, Initech  2016 - 2018
- Maintained a Django web application
Education
B.Sc. Computer Science, State University  2012 - 2016  GPA 3.8
Skills: Python, Django, SQL, Docker, Kubernetes
Projects
Open-source contributor to a Python testing library
"""
SHORT_POSTING = (
    "Python Developer (remote). We are looking for a developer with 3+ years of experience in Python and "
    "Django. Requirements: REST APIs, PostgreSQL. Salary: 60k. Apply by email."
)


def _refusal(text: str) -> NotAJobDescription:
    with pytest.raises(NotAJobDescription) as raised:
        check_job_text(text)
    return raised.value


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\u200b\ufeff"])
def test_given_empty_text_then_it_is_refused_as_empty(text: str) -> None:
    assert _refusal(text).details["reason"] == "empty"


@pytest.mark.parametrize("text", ["Python developer", "Senior engineer needed. Apply now!"])
def test_given_a_scrap_of_text_then_it_is_refused_as_too_short(text: str) -> None:
    refusal = _refusal(text)
    assert refusal.details["reason"] == "too_short"
    assert refusal.http_status == 422


@pytest.mark.parametrize(
    ("text", "kind"),
    [(RECIPE, "recipe"), (LOREM, "lorem_ipsum"), (NEWS, "news"), (CV_TEXT, "cv")],
)
def test_given_another_kind_of_text_then_it_is_refused_and_named(text: str, kind: str) -> None:
    refusal = _refusal(text)
    assert refusal.details["reason"] == "not_a_job_description"
    assert refusal.details["looks_like"] == kind


def test_given_prose_without_job_cues_then_it_is_refused() -> None:
    text = "The weather was fine and we walked along the river for a while, talking about the old days."
    refusal = _refusal(text)
    assert refusal.details["reason"] == "not_a_job_description"
    assert refusal.details["looks_like"] is None


@pytest.mark.parametrize("text", [RECIPE, LOREM, NEWS, CV_TEXT])
def test_given_a_refusal_then_the_message_never_quotes_the_text(text: str) -> None:
    refusal = _refusal(text)
    words = [word for word in text.split() if len(word) > 6]
    assert not any(word in refusal.message for word in words[:20])
    assert "job description" in refusal.message


def test_given_a_short_but_real_posting_then_it_passes() -> None:
    check_job_text(SHORT_POSTING)


def test_given_every_corpus_posting_then_each_passes(corpus_dir: Path) -> None:
    paths = sorted((corpus_dir / "jobs").glob("*.txt"))
    assert len(paths) == 15
    for path in paths:
        check_job_text(path.read_text(encoding="utf-8"))


def test_given_a_huge_posting_then_it_is_checked_without_error(corpus_dir: Path) -> None:
    text = (corpus_dir / "jobs" / "rm_web_developer_cms.txt").read_text(encoding="utf-8")
    check_job_text(text * 200)
