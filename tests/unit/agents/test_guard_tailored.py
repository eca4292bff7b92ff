"""The fabrication guard: scripted fabricating tailors are caught and repaired; honest rewording passes."""

from __future__ import annotations

from typing import Any

import pytest

from cvpath.agents.guard import guard_tailored
from cvpath.models import CV, GuardFinding, GuardFindingKind, TailoredCV, TailorResult

SOURCE = CV.model_validate(
    {
        "basics": {
            "name": "Ada Lovelace",
            "label": "Software Engineer",
            "email": "ada@example.org",
            "phone": "+44 20 1234 5678",
            "summary": "Software Engineer at Acme Ltd. Builds Python services.",
            "profiles": [{"network": "GitHub", "username": "ada", "url": "https://github.com/ada"}],
        },
        "work": [
            {
                "name": "Acme Ltd",
                "position": "Software Engineer",
                "startDate": "2020-01",
                "highlights": [
                    {"text": "Built REST APIs in Python and Django serving 50K+ users"},
                    {"text": "Cut deployment time by 20% with Docker and Kubernetes"},
                    {"text": "Mentored two interns"},
                ],
            },
            {
                "name": "Globex Corporation",
                "position": "Junior Developer",
                "startDate": "2017-06",
                "endDate": "2019-12",
                "highlights": [
                    {"text": "Maintained Java 8 services for the billing team"},
                    {"text": "Wrote SQL reports for the finance team"},
                ],
            },
        ],
        "education": [
            {
                "institution": "University of Leeds",
                "studyType": "BSc",
                "area": "Computer Science",
                "startDate": "2014",
                "endDate": "2017",
            }
        ],
        "projects": [
            {"name": "Gitlytics", "highlights": [{"text": "Visualised commit history with React and Flask"}]}
        ],
        "skills": [
            {"name": "Languages", "keywords": ["Python", "Java", "SQL"]},
            {"name": "Tools", "keywords": ["Docker", "Kubernetes", "Git"]},
        ],
    }
)
ACME, GLOBEX = SOURCE.work
ACME_IDS = [bullet.id for bullet in ACME.highlights]
GLOBEX_IDS = [bullet.id for bullet in GLOBEX.highlights]


def _bullet(text: str, *source_ids: str) -> dict[str, Any]:
    return {"text": text, "sourceBulletIds": list(source_ids)}


def _honest() -> dict[str, Any]:
    """A tailored CV a careful tailor could write: reordered and reworded, nothing added."""
    return {
        "basics": {
            "name": "Ada Lovelace",
            "label": "Software Engineer",
            "email": "ada@example.org",
            "phone": "+44 20 1234 5678",
            "summary": "Software Engineer at Acme Ltd. Builds Python services.",
            "profiles": [{"network": "GitHub", "username": "ada", "url": "https://github.com/ada"}],
        },
        "work": [
            {
                "name": "Acme Ltd",
                "position": "Software Engineer",
                "startDate": "2020-01",
                "highlights": [
                    _bullet("Reduced deployment time by 20 % using Kubernetes and Docker", ACME_IDS[1]),
                    _bullet("Designed Python and Django REST APIs for 50k+ users", ACME_IDS[0]),
                ],
            },
            {
                "name": "Globex Corporation",
                "position": "Junior Developer",
                "startDate": "2017-06",
                "endDate": "2019-12",
                "highlights": [_bullet("Maintained Java 8 billing services", GLOBEX_IDS[0])],
            },
        ],
        "education": [dict(SOURCE.education[0].model_dump(exclude={"id"}))],
        "skills": [{"name": "Languages", "keywords": ["Python", "SQL"]}],
        "sectionOrder": ["summary", "work", "skills", "education"],
    }


def _guard(document: dict[str, Any]) -> TailorResult:
    return guard_tailored(SOURCE, TailoredCV.model_validate(document))


def _only_finding(result: TailorResult) -> GuardFinding:
    assert len(result.guard_report.findings) == 1, result.guard_report.findings
    return result.guard_report.findings[0]


def _highlights(result: TailorResult, entry: int = 0) -> list[str]:
    return [bullet.text for bullet in result.tailored_cv.work[entry].highlights]


def test_given_an_honest_rewording_when_guarded_then_nothing_is_reported_or_changed() -> None:
    tailored = TailoredCV.model_validate(_honest())
    result = guard_tailored(SOURCE, tailored)
    assert result.guard_report.findings == []
    assert result.tailored_cv == tailored
    assert result.guard_report.checked_bullets == 3
    # Two jobs, one degree, one skills group (profiles are contacts, not entries).
    assert result.guard_report.checked_entries == 4


def test_given_an_invented_employer_entry_when_guarded_then_the_entry_is_removed() -> None:
    document = _honest()
    document["work"].insert(
        1,
        {
            "name": "Initech",
            "position": "CTO",
            "startDate": "2019",
            "highlights": [_bullet("Ran it", ACME_IDS[2])],
        },
    )
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value, finding.action) == (
        GuardFindingKind.EMPLOYER,
        "work.1",
        "Initech",
        "removed",
    )
    assert [work.name for work in result.tailored_cv.work] == ["Acme Ltd", "Globex Corporation"]


def test_given_an_invented_metric_when_guarded_then_the_bullet_is_removed() -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet("Increased revenue by 45% with Docker", ACME_IDS[1]))
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path) == (GuardFindingKind.NUMBER, "work.0.highlights.2")
    assert "45%" in finding.reason
    assert all("45" not in text for text in _highlights(result))


def test_given_a_number_from_another_bullet_when_guarded_then_the_bullet_is_removed() -> None:
    document = _honest()
    # 20% is in the CV, but not in the bullet this one cites.
    document["work"][0]["highlights"][1] = _bullet("Served 50K users 20% faster", ACME_IDS[0])
    finding = _only_finding(_guard(document))
    assert finding.kind is GuardFindingKind.NUMBER


def test_given_an_unknown_source_bullet_id_when_guarded_then_the_bullet_is_removed() -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet("Mentored interns", "b-000000000000"))
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value) == (
        GuardFindingKind.BULLET_SOURCE,
        "work.0.highlights.2",
        "Mentored interns",
    )
    assert "Mentored interns" not in _highlights(result)


def test_given_a_bullet_citing_another_section_when_guarded_then_it_is_removed() -> None:
    document = _honest()
    project_bullet = SOURCE.projects[0].highlights[0].id
    document["work"][0]["highlights"].append(_bullet("Visualised commit history", project_bullet))
    assert _only_finding(_guard(document)).kind is GuardFindingKind.BULLET_SOURCE


def test_given_a_john_doe_name_when_guarded_then_the_source_name_is_restored() -> None:
    document = _honest()
    document["basics"]["name"] = "John Doe"
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.action) == (
        GuardFindingKind.NAME,
        "basics.name",
        "replaced with source value",
    )
    assert "placeholder" in finding.reason
    assert result.tailored_cv.basics is not None
    assert result.tailored_cv.basics.name == "Ada Lovelace"


def test_given_a_placeholder_email_absent_from_the_source_when_guarded_then_it_is_removed() -> None:
    document = _honest()
    del document["basics"]["email"]
    document["basics"]["email"] = "your.name@email.com"
    source_without_email = SOURCE.model_copy(
        update={"basics": SOURCE.basics.model_copy(update={"email": None}) if SOURCE.basics else None}
    )
    result = guard_tailored(source_without_email, TailoredCV.model_validate(document))
    finding = _only_finding(result)
    assert (finding.kind, finding.action) == (GuardFindingKind.CONTACT, "removed")
    assert result.tailored_cv.basics is not None
    assert result.tailored_cv.basics.email is None


def test_given_a_changed_phone_when_guarded_then_the_source_phone_is_restored() -> None:
    document = _honest()
    document["basics"]["phone"] = "123-456-7890"
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value) == (
        GuardFindingKind.CONTACT,
        "basics.phone",
        "123-456-7890",
    )
    assert result.tailored_cv.basics is not None
    assert result.tailored_cv.basics.phone == "+44 20 1234 5678"


def test_given_a_reformatted_phone_when_guarded_then_it_is_kept() -> None:
    document = _honest()
    document["basics"]["phone"] = "+44 (20) 1234-5678"
    assert _guard(document).guard_report.findings == []


def test_given_an_invented_degree_when_guarded_then_the_source_degree_is_restored() -> None:
    document = _honest()
    document["education"][0]["studyType"] = "PhD"
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value) == (
        GuardFindingKind.DEGREE,
        "education.0.studyType",
        "PhD",
    )
    assert result.tailored_cv.education[0].study_type == "BSc"


def test_given_an_invented_institution_when_guarded_then_the_entry_is_removed() -> None:
    document = _honest()
    document["education"].append({"institution": "MIT", "studyType": "MSc", "area": "Computer Science"})
    finding = _only_finding(_guard(document))
    assert (finding.kind, finding.path, finding.value) == (GuardFindingKind.INSTITUTION, "education.1", "MIT")


def test_given_shifted_dates_when_guarded_then_the_source_dates_are_restored() -> None:
    document = _honest()
    document["work"][1]["startDate"] = "2016-01"
    document["work"][1]["endDate"] = "2020-06"
    result = _guard(document)
    kinds = [(finding.kind, finding.path) for finding in result.guard_report.findings]
    assert kinds == [(GuardFindingKind.DATE, "work.1.startDate"), (GuardFindingKind.DATE, "work.1.endDate")]
    globex = result.tailored_cv.work[1]
    assert (globex.start_date, globex.end_date) == ("2017-06", "2019-12")
    # The repaired entry is the source entry again, bullet ids included.
    assert globex.id == GLOBEX.id


def test_given_a_left_out_end_date_when_guarded_then_it_is_restored_but_left_out_facts_are_not() -> None:
    document = _honest()
    del document["work"][1]["endDate"]
    del document["work"][1]["position"]
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value) == (GuardFindingKind.DATE, "work.1.endDate", "")
    assert result.tailored_cv.work[1].end_date == "2019-12"
    assert result.tailored_cv.work[1].position is None


def test_given_an_invented_title_when_guarded_then_the_source_title_is_restored() -> None:
    document = _honest()
    document["work"][0]["position"] = "Principal Engineer"
    result = _guard(document)
    assert _only_finding(result).kind is GuardFindingKind.TITLE
    assert result.tailored_cv.work[0].position == "Software Engineer"


def test_given_an_invented_skill_when_guarded_then_only_that_keyword_is_removed() -> None:
    document = _honest()
    document["skills"][0]["keywords"] = ["Python", "Rust", "postgres", "SQL"]
    result = _guard(document)
    assert [(f.kind, f.path, f.value) for f in result.guard_report.findings] == [
        (GuardFindingKind.SKILL, "skills.0.keywords.1", "Rust"),
        (GuardFindingKind.SKILL, "skills.0.keywords.2", "postgres"),
    ]
    assert result.tailored_cv.skills[0].keywords == ["Python", "SQL"]


def test_given_a_skill_alias_of_a_listed_skill_when_guarded_then_it_is_kept() -> None:
    document = _honest()
    document["skills"][0]["keywords"] = ["python", "K8s"]
    assert _guard(document).guard_report.findings == []


def test_given_an_at_google_mention_when_guarded_then_the_bullet_is_removed() -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet("Led the Kubernetes migration at Google", ACME_IDS[1]))
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path) == (GuardFindingKind.EMPLOYER, "work.0.highlights.2")
    assert "Google" in finding.reason


def test_given_an_untraceable_summary_sentence_when_guarded_then_only_it_is_dropped() -> None:
    document = _honest()
    document["basics"]["summary"] = (
        "Software Engineer at Acme Ltd. Grew revenue by 45% for Microsoft. Builds Python services."
    )
    result = _guard(document)
    finding = _only_finding(result)
    assert (finding.kind, finding.path, finding.value) == (
        GuardFindingKind.SUMMARY,
        "basics.summary.1",
        "Grew revenue by 45% for Microsoft.",
    )
    assert result.tailored_cv.basics is not None
    assert result.tailored_cv.basics.summary == "Software Engineer at Acme Ltd. Builds Python services."


def test_given_an_invented_profile_and_label_when_guarded_then_both_are_repaired() -> None:
    document = _honest()
    document["basics"]["label"] = "Staff Engineer"
    document["basics"]["profiles"].append({"network": "LinkedIn", "url": "https://linkedin.com/in/johndoe"})
    result = _guard(document)
    assert [(f.kind, f.path) for f in result.guard_report.findings] == [
        (GuardFindingKind.CONTACT, "basics.profiles.1"),
        (GuardFindingKind.TITLE, "basics.label"),
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Led the Kubernetes migration at Google", "Google"),
        ("Built integrations for Microsoft with Docker", "Microsoft"),
        ("Cut deployment time by 20% for Acme Corp", "Acme Corp"),
        ("Cut deployment time by 20% for Goldman Sachs", "Goldman Sachs"),
        ("Cut deployment time by 20% with Docker, adopted across Initech Systems", "Initech Systems"),
    ],
)
def test_given_an_invented_organisation_when_guarded_then_the_bullet_is_removed(
    text: str, named: str
) -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet(text, ACME_IDS[1]))
    finding = _only_finding(_guard(document))
    assert finding.kind is GuardFindingKind.EMPLOYER
    assert named in finding.reason


@pytest.mark.parametrize(
    "text",
    [
        "Spearheaded Kubernetes and Docker rollout, cutting deployment time by 20%",
        "Drove the Kubernetes Rollout with Docker",
        "Cut deployment time by 20% for Acme Ltd with Docker",
        "Orchestrated deployments with Docker",
        "Accelerated deployments by 20 %",
    ],
)
def test_given_sentence_initial_capitalised_verbs_when_guarded_then_the_bullet_passes(text: str) -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet(text, ACME_IDS[1]))
    assert _guard(document).guard_report.findings == []


def test_given_a_version_number_of_a_cv_skill_when_guarded_then_it_is_not_a_metric() -> None:
    document = _honest()
    document["work"][1]["highlights"].append(_bullet("Upgraded Java 8 services", GLOBEX_IDS[0]))
    assert _guard(document).guard_report.findings == []


def test_given_every_kind_of_fabrication_when_guarded_twice_then_the_second_pass_reports_nothing() -> None:
    document = _honest()
    document["basics"]["name"] = "Jane Doe"
    document["basics"]["summary"] = "Led 12 engineers at Google. Builds Python services."
    document["work"][0]["position"] = "Head of Engineering"
    document["work"][0]["startDate"] = "2018-01"
    document["work"][0]["highlights"].append(_bullet("Increased revenue by 45%", ACME_IDS[0]))
    document["work"].append({"name": "Initech", "position": "CTO"})
    document["education"][0]["studyType"] = "PhD"
    document["skills"][0]["keywords"].append("Rust")
    first = _guard(document)
    assert len(first.guard_report.findings) == 8
    second = guard_tailored(SOURCE, first.tailored_cv)
    assert second.guard_report.findings == []
    assert second.tailored_cv == first.tailored_cv


def test_given_the_same_input_when_guarded_twice_then_the_results_are_identical() -> None:
    document = _honest()
    document["work"][0]["highlights"].append(_bullet("Increased revenue by 45% at Google", ACME_IDS[0]))
    assert _guard(document).model_dump() == _guard(document).model_dump()


def test_given_a_section_order_when_guarded_then_it_is_kept() -> None:
    document = _honest()
    document["work"].append({"name": "Initech"})
    result = _guard(document)
    assert [name.value for name in result.tailored_cv.section_order] == [
        "summary",
        "work",
        "skills",
        "education",
    ]
