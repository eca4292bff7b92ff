"""Small builders for hand-made CVs and jobs, shared by the evidence, analyzer, reconcile and scorer tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cvpath.models import CV, Job


def job_entry(
    position: str,
    employer: str,
    start: str,
    end: str | None = None,
    *,
    bullets: Sequence[str] = (),
    summary: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": employer, "position": position, "startDate": start}
    if end is not None:
        entry["endDate"] = end
    if summary is not None:
        entry["summary"] = summary
    entry["highlights"] = [{"text": text} for text in bullets]
    return entry


def degree(
    study_type: str, area: str, institution: str = "State University", end: str = "2015"
) -> dict[str, Any]:
    return {"institution": institution, "studyType": study_type, "area": area, "endDate": end}


def make_cv(
    *,
    work: Sequence[dict[str, Any]] = (),
    education: Sequence[dict[str, Any]] = (),
    skills: Sequence[str] = (),
    summary: str | None = None,
    name: str | None = "Ada Example",
    email: str | None = "ada@example.com",
    phone: str | None = "+44 20 7946 0000",
    extra: dict[str, Any] | None = None,
) -> CV:
    basics: dict[str, Any] = {
        key: value for key, value in (("name", name), ("email", email), ("phone", phone)) if value
    }
    if summary is not None:
        basics["summary"] = summary
    data: dict[str, Any] = {"basics": basics, "work": list(work), "education": list(education)}
    if skills:
        data["skills"] = [{"name": "Technical", "keywords": list(skills)}]
    data.update(extra or {})
    return CV.model_validate(data)


def requirement(text: str, kind: str = "skill", keywords: Sequence[str] = ()) -> dict[str, Any]:
    return {"text": text, "kind": kind, "keywords": list(keywords)}


def make_job(
    must: Sequence[dict[str, Any]] = (),
    nice: Sequence[dict[str, Any]] = (),
    *,
    title: str = "Frontend Developer",
    seniority: str | None = "mid",
    min_years: int | None = 2,
) -> Job:
    data: dict[str, Any] = {"title": title, "mustHave": list(must), "niceToHave": list(nice)}
    if seniority is not None:
        data["seniority"] = seniority
    if min_years is not None:
        data["minYears"] = min_years
    return Job.model_validate(data)


FRONTEND_JOB = make_job(
    must=[
        requirement("Strong React experience", keywords=["React"]),
        requirement("Version control with Git", keywords=["Git"]),
        requirement("2+ years of experience as a developer", kind="experience"),
        requirement("Bachelor's degree in Computer Science or a related field", kind="education"),
    ],
    nice=[requirement("Experience with TypeScript", keywords=["TypeScript"])],
)


def strong_frontend_cv(*, extra_bullets: Sequence[str] = (), summary: str | None = None) -> CV:
    return make_cv(
        summary=summary,
        work=[
            job_entry(
                "Senior Frontend Developer",
                "Acme",
                "2019-01",
                "2023-06",
                bullets=[
                    "Built a design system in React used by 12 product teams.",
                    "Moved the team from SVN to Git and introduced code review.",
                    *extra_bullets,
                ],
            ),
            job_entry(
                "Web Developer", "Beta Ltd", "2016-09", "2018-12", bullets=["Wrote TypeScript tooling."]
            ),
        ],
        education=[degree("Bachelor of Science", "Computer Science")],
        skills=["React", "Git", "TypeScript"],
    )


def empty_frontend_cv() -> CV:
    return make_cv(
        work=[
            job_entry("Barista", "Coffee Co", "2022-01", "2023-01", bullets=["Served coffee to customers."])
        ],
        education=[degree("Diploma", "Culinary Arts", institution="Cooking School")],
        skills=["Latte art"],
    )
