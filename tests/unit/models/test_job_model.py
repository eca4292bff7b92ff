"""Job: JSON Resume's job fields plus requirements with derived ids."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import Job, RemotePolicy, RequirementKind, Seniority


def test_a_full_job_validates_with_enums_and_camel_case_wire_form(job: Job) -> None:
    assert job.remote is RemotePolicy.HYBRID
    assert job.seniority is Seniority.SENIOR
    assert job.must_have[0].kind is RequirementKind.SKILL
    dumped = job.model_dump(mode="json", exclude_none=True)
    assert dumped["minYears"] == 5
    assert dumped["mustHave"][0]["kind"] == "skill"
    assert Job.model_validate(dumped) == job


def test_a_json_resume_job_document_needs_only_a_title() -> None:
    job = Job.model_validate({"title": "Web Developer", "remote": "Full", "skills": [{"name": "HTML"}]})
    assert job.requirements() == []


def test_requirement_ids_are_derived_distinct_and_stable(job_document: dict[str, Any]) -> None:
    first = Job.model_validate(job_document)
    second = Job.model_validate(copy.deepcopy(job_document))
    ids = [req.id for req in first.requirements()]
    assert ids == [req.id for req in second.requirements()]
    assert len(set(ids)) == len(ids) == 4
    assert all(value.startswith("req-") for value in ids)


def test_the_same_text_as_must_have_and_nice_to_have_gets_two_ids() -> None:
    requirement = {"text": "Python", "kind": "skill"}
    job = Job.model_validate({"title": "Dev", "mustHave": [requirement], "niceToHave": [requirement]})
    assert job.must_have[0].id != job.nice_to_have[0].id
    assert job.is_must_have(job.must_have[0].id)
    assert not job.is_must_have(job.nice_to_have[0].id)


def test_a_stale_requirement_id_is_rejected(job_document: dict[str, Any]) -> None:
    job_document["mustHave"][0]["id"] = "req-000000000000"
    with pytest.raises(ValidationError, match=r"mustHave\.0\.id 'req-000000000000' does not match"):
        Job.model_validate(job_document)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"title": ""}, r"title\n.*must not be empty"),
        ({"title": "  "}, r"title\n.*must not be empty"),
        ({"remote": "Remote"}, r"remote\n.*'Full', 'Hybrid' or 'None'"),
        ({"remote": True}, r"remote"),
        ({"seniority": "ninja"}, r"seniority"),
        ({"minYears": "5"}, r"minYears\n.*valid integer"),
        ({"minYears": 5.0}, r"minYears\n.*valid integer"),
        ({"minYears": -1}, r"minYears\n.*greater than or equal to 0"),
        ({"date": "2024-02-30"}, r"date\n.*no day 30"),
        ({"salary": 180000}, r"salary\n.*valid string"),
        ({"responsibilities": ["Own it", ""]}, r"responsibilities\.1"),
        ({"benefits": ["gym"]}, r"benefits\n.*Extra inputs"),
        ({"mustHave": [{"text": "Go", "kind": "hobby"}]}, r"mustHave\.0\.kind"),
        ({"mustHave": [{"text": "", "kind": "skill"}]}, r"mustHave\.0\.text"),
        ({"mustHave": [{"text": "Go"}]}, r"mustHave\.0\.kind\n.*Field required"),
        ({"mustHave": [{"text": "Go", "kind": "skill", "weight": 2}]}, r"mustHave\.0\.weight"),
        ({"location": {"city": "Palo Alto", "zip": "94301"}}, r"location\.zip"),
    ],
)
def test_bad_job_fields_are_rejected_and_named(
    job_document: dict[str, Any], change: dict[str, Any], loc: str
) -> None:
    with pytest.raises(ValidationError, match=loc):
        Job.model_validate({**job_document, **change})


def test_title_is_required() -> None:
    with pytest.raises(ValidationError, match=r"title\n.*Field required"):
        Job.model_validate({"company": "Hooli"})
