"""The corpus's hand-checked labels load into the strict models.

The labels are ground truth for parsers, not JSON Resume: experience entries give
a bullet *count*, skills are a flat list, "present" is spelled out. So each label
goes through the conversion below, which renames and regroups but invents nothing:

CV label -> JSON Resume
    name/email/phone -> basics; location (one string) -> basics.location.address;
    links -> basics.profiles[].url; experience -> work (employer -> name,
    title -> position, start/end -> startDate/endDate, end "present" or null ->
    no endDate); education -> education (degree -> studyType); skills -> one
    skills entry's keywords; projects -> projects (name); languages ->
    languages[].language; certifications -> certificates[].name. Bullet counts,
    sections, pages and notes have no JSON Resume field and are dropped.
Job label -> Job
    title/company/seniority kept; min_years -> minYears; location -> location.address;
    must/nice_to_have_skills -> mustHave/niceToHave requirements of kind "skill";
    education -> qualifications; remote true -> "Hybrid" (the label only says some
    remote work is offered, the weakest reading), false -> "None", null -> absent.

Skipped, with a message, when the shared corpus is not beside the checkout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cvpath.models import Job, cv_from_json_resume

CORPUS_LABELS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "labels"


def _labels(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _skip_without_corpus(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"corpus labels not found at {path} (the shared corpus is not beside the checkout)")


def _dates(start: str | None, end: str | None) -> dict[str, str]:
    dates = {"startDate": start, "endDate": None if end == "present" else end}
    return {key: value for key, value in dates.items() if value is not None}


def _without_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def cv_label_to_json_resume(label: dict[str, Any]) -> dict[str, Any]:
    location = {"address": label["location"]} if label["location"] else None
    basics = _without_none({"name": label["name"], "email": label["email"], "phone": label["phone"]})
    return {
        "basics": {
            **basics,
            **({"location": location} if location else {}),
            "profiles": [{"url": link} for link in label["links"]],
        },
        "work": [
            {"name": job["employer"], "position": job["title"], **_dates(job["start"], job["end"])}
            for job in label["experience"]
        ],
        "education": [
            _without_none({"institution": school["institution"], "studyType": school["degree"]})
            | _dates(school["start"], school["end"])
            for school in label["education"]
        ],
        "skills": [{"name": "Skills", "keywords": label["skills"]}] if label["skills"] else [],
        "projects": [{"name": project["name"]} for project in label["projects"]],
        "languages": [{"language": language} for language in label["languages"]],
        "certificates": [{"name": name} for name in label["certifications"]],
    }


def job_label_to_job(label: dict[str, Any]) -> dict[str, Any]:
    remote = {True: "Hybrid", False: "None", None: None}[label["remote"]]
    return _without_none(
        {
            "title": label["title"],
            "company": label["company"],
            "seniority": label["seniority"],
            "minYears": label["min_years"],
            "location": {"address": label["location"]} if label["location"] else None,
            "remote": remote,
            "qualifications": [label["education"]] if label["education"] else None,
            "mustHave": [{"text": skill, "kind": "skill"} for skill in label["must_have_skills"]],
            "niceToHave": [{"text": skill, "kind": "skill"} for skill in label["nice_to_have_skills"]],
        }
    )


@pytest.mark.parametrize("path", _labels(CORPUS_LABELS), ids=lambda path: path.stem)
def test_each_cv_label_loads_into_a_cv(path: Path) -> None:
    label = json.loads(path.read_text(encoding="utf-8"))
    cv = cv_from_json_resume(cv_label_to_json_resume(label))
    assert [job.name for job in cv.work] == [job["employer"] for job in label["experience"]]
    assert len(cv.education) == len(label["education"])
    assert len({entry.id for entry in cv.entries()}) == len(list(cv.entries()))


@pytest.mark.parametrize("path", _labels(CORPUS_LABELS / "jobs"), ids=lambda path: path.stem)
def test_each_job_label_loads_into_a_job(path: Path) -> None:
    label = json.loads(path.read_text(encoding="utf-8"))
    job = Job.model_validate(job_label_to_job(label))
    expected = len(label["must_have_skills"]) + len(label["nice_to_have_skills"])
    assert len({req.id for req in job.requirements()}) == expected


def test_corpus_labels_are_present() -> None:
    # One visible skip instead of silently collecting zero parametrized cases.
    _skip_without_corpus(CORPUS_LABELS)
    assert _labels(CORPUS_LABELS), f"no CV labels in {CORPUS_LABELS}"
    assert _labels(CORPUS_LABELS / "jobs"), f"no job labels in {CORPUS_LABELS / 'jobs'}"
