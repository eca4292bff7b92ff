"""The offline CV_TAILOR: relevance ordering, verbatim bullets, guard-clean output, CV-only summary."""

from __future__ import annotations

from typing import Any

from cvpath.agents.guard import guard_tailored
from cvpath.agents.offline.cv_tailor import tailor
from cvpath.agents.offline.cv_tailor.selection import MAX_BULLETS
from cvpath.models import CV, Analysis, Job, SectionName, TailoredCV

CV_DOCUMENT: dict[str, Any] = {
    "basics": {"name": "Ada Lovelace", "email": "ada@example.org"},
    "work": [
        {
            "name": "Globex Corporation",
            "position": "Junior Developer",
            "startDate": "2017-06",
            "endDate": "2019-12",
            "highlights": [
                {"text": "Organised the office book club"},
                {"text": "Wrote SQL reports for the finance team"},
                {"text": "Maintained Django views for the billing portal"},
            ],
        },
        {
            "name": "Acme Ltd",
            "position": "Software Engineer",
            "startDate": "2020-01",
            "highlights": [
                {"text": "Mentored two interns"},
                {"text": "Cut deployment time by 20% with Docker and Kubernetes"},
                {"text": "Built REST APIs in Python and Django serving 50K+ users"},
                {"text": "Ran the team's weekly demo"},
                {"text": "Wrote onboarding documentation"},
                {"text": "Planned quarterly roadmaps"},
                {"text": "Interviewed candidates"},
                {"text": "Tuned PostgreSQL queries for the reporting service"},
            ],
        },
    ],
    "education": [
        {
            "institution": "University of Leeds",
            "studyType": "BSc",
            "area": "Computer Science",
            "endDate": "2017",
        }
    ],
    "projects": [
        {"name": "Birdsong", "highlights": [{"text": "Classified bird calls with a small CNN"}]},
        {"name": "Ledger", "highlights": [{"text": "A double-entry ledger in Python on PostgreSQL"}]},
    ],
    "skills": [
        {"name": "Tools", "keywords": ["Git", "Docker", "Kubernetes"]},
        {"name": "Languages", "keywords": ["Java", "SQL", "Python", "PostgreSQL"]},
    ],
}
JOB = Job.model_validate(
    {
        "title": "Backend Engineer",
        "mustHave": [
            {"text": "Python and Django", "kind": "skill", "keywords": ["Python", "Django"]},
            {"text": "PostgreSQL", "kind": "skill", "keywords": ["PostgreSQL"]},
        ],
        "niceToHave": [{"text": "Kubernetes", "kind": "skill", "keywords": ["Kubernetes"]}],
    }
)
NO_ANALYSIS = Analysis(requirements=[])


def _cv(**changes: Any) -> CV:
    return CV.model_validate({**CV_DOCUMENT, **changes})


def _texts(tailored: TailoredCV, entry: int) -> list[str]:
    return [bullet.text for bullet in tailored.work[entry].highlights]


def test_given_a_job_when_tailored_then_work_stays_newest_first() -> None:
    tailored = tailor(_cv(), JOB, NO_ANALYSIS)
    assert [work.name for work in tailored.work] == ["Acme Ltd", "Globex Corporation"]


def test_given_a_job_when_tailored_then_bullets_are_ordered_by_relevance_with_stable_ties() -> None:
    tailored = tailor(_cv(), JOB, NO_ANALYSIS)
    assert _texts(tailored, 1) == [
        "Maintained Django views for the billing portal",
        "Organised the office book club",
        "Wrote SQL reports for the finance team",
    ]
    acme = _texts(tailored, 0)
    assert acme[:3] == [
        "Built REST APIs in Python and Django serving 50K+ users",
        "Tuned PostgreSQL queries for the reporting service",
        "Cut deployment time by 20% with Docker and Kubernetes",
    ]
    # Eight bullets: the irrelevant ones beyond the cap are dropped, in the CV's order otherwise.
    assert len(acme) == MAX_BULLETS
    assert acme[3:] == [
        "Mentored two interns",
        "Ran the team's weekly demo",
        "Wrote onboarding documentation",
    ]


def test_given_analysis_evidence_when_tailored_then_the_cited_bullet_ranks_higher() -> None:
    cv = _cv()
    job = Job.model_validate(
        {"title": "Mentor", "mustHave": [{"text": "Coaching juniors", "kind": "experience", "keywords": []}]}
    )
    mentoring = cv.work[1].highlights[0]
    interviews = cv.work[1].highlights[6]
    analysis = Analysis.model_validate(
        {
            "requirements": [
                {
                    "requirementId": job.must_have[0].id,
                    "status": "met",
                    "evidence": [{"sourceId": interviews.id, "quote": interviews.text}],
                }
            ]
        }
    )
    texts = _texts(tailor(cv, job, analysis), 0)
    assert texts[0] == interviews.text
    assert mentoring.text in texts


def test_given_a_job_when_tailored_then_every_bullet_is_verbatim_and_cites_itself() -> None:
    cv = _cv()
    source = {bullet.id: bullet.text for bullet in cv.bullets()}
    tailored = tailor(cv, JOB, NO_ANALYSIS)
    bullets = list(tailored.tailored_bullets())
    assert bullets
    for bullet in bullets:
        assert len(bullet.source_bullet_ids) == 1
        assert source[bullet.source_bullet_ids[0]] == bullet.text
        assert bullet.id == bullet.source_bullet_ids[0]


def test_given_a_job_when_tailored_then_the_guard_finds_nothing() -> None:
    cv = _cv()
    tailored = tailor(cv, JOB, NO_ANALYSIS)
    result = guard_tailored(cv, tailored)
    assert result.guard_report.findings == []
    assert result.tailored_cv == tailored


def test_given_the_same_inputs_when_tailored_twice_then_the_outputs_are_identical() -> None:
    assert (
        tailor(_cv(), JOB, NO_ANALYSIS).model_dump_json() == tailor(_cv(), JOB, NO_ANALYSIS).model_dump_json()
    )


def test_given_no_summary_when_tailored_then_one_is_written_from_cv_facts_only() -> None:
    tailored = tailor(_cv(), JOB, NO_ANALYSIS)
    assert tailored.basics is not None
    assert (
        tailored.basics.summary == "Software Engineer with experience in Python, PostgreSQL and Kubernetes."
    )
    assert tailored.section_order[0] is SectionName.SUMMARY


def test_given_a_summary_when_tailored_then_it_is_kept_verbatim() -> None:
    basics = {**CV_DOCUMENT["basics"], "summary": "Engineer who likes tidy databases."}
    tailored = tailor(_cv(basics=basics), JOB, NO_ANALYSIS)
    assert tailored.basics is not None
    assert tailored.basics.summary == "Engineer who likes tidy databases."


def test_given_no_skill_the_job_asks_for_when_tailored_then_no_summary_is_invented() -> None:
    job = Job.model_validate(
        {
            "title": "Pastry Chef",
            "mustHave": [{"text": "Laminated doughs", "kind": "skill", "keywords": ["Croissants"]}],
        }
    )
    tailored = tailor(_cv(), job, NO_ANALYSIS)
    assert tailored.basics is not None
    assert tailored.basics.summary is None
    assert SectionName.SUMMARY not in tailored.section_order


def test_given_a_technical_job_when_tailored_then_skills_come_early_and_ordered_by_relevance() -> None:
    tailored = tailor(_cv(), JOB, NO_ANALYSIS)
    assert tailored.section_order[:3] == [SectionName.SUMMARY, SectionName.SKILLS, SectionName.WORK]
    assert [group.name for group in tailored.skills] == ["Languages", "Tools"]
    assert tailored.skills[0].keywords == ["Python", "PostgreSQL", "Java", "SQL"]
    assert tailored.skills[1].keywords == ["Kubernetes", "Git", "Docker"]


def test_given_relevant_projects_when_tailored_then_they_come_first() -> None:
    tailored = tailor(_cv(), JOB, NO_ANALYSIS)
    assert [project.name for project in tailored.projects] == ["Ledger", "Birdsong"]


def test_given_a_junior_job_when_tailored_then_education_comes_before_work() -> None:
    job = Job.model_validate({**JOB.model_dump(), "seniority": "junior"})
    order = tailor(_cv(), job, NO_ANALYSIS).section_order
    assert order.index(SectionName.EDUCATION) < order.index(SectionName.WORK)


def test_given_a_cv_without_work_when_tailored_then_education_leads_and_empty_sections_are_hidden() -> None:
    tailored = tailor(_cv(work=[]), JOB, NO_ANALYSIS)
    assert SectionName.WORK not in tailored.section_order
    assert SectionName.VOLUNTEER not in tailored.section_order
    main = [name for name in tailored.section_order if name in (SectionName.EDUCATION, SectionName.PROJECTS)]
    assert main[0] is SectionName.EDUCATION


def test_given_only_a_name_when_tailored_then_it_does_not_crash_and_passes_the_guard() -> None:
    cv = CV.model_validate({"basics": {"name": "Ada Lovelace"}})
    tailored = tailor(cv, JOB, NO_ANALYSIS)
    assert tailored.basics is not None
    assert tailored.basics.name == "Ada Lovelace"
    assert tailored.section_order == []
    assert guard_tailored(cv, tailored).guard_report.findings == []


def test_given_an_empty_cv_when_tailored_then_the_result_is_empty() -> None:
    tailored = tailor(CV(), JOB, NO_ANALYSIS)
    assert tailored.basics is None
    assert list(tailored.entries()) == []
