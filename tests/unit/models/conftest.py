"""Fixtures shared by the model tests: the sample resume and a job written for it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cvpath.models import CV, Job, cv_from_json_resume

TESTDATA = Path(__file__).parent / "testdata"


@pytest.fixture(scope="session")
def _sample_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TESTDATA / "sample_resume.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def sample_document(_sample_document: dict[str, Any]) -> dict[str, Any]:
    """A JSON Resume document with every section and every field filled (a fresh copy)."""
    return copy.deepcopy(_sample_document)


@pytest.fixture
def sample_cv(sample_document: dict[str, Any]) -> CV:
    return cv_from_json_resume(sample_document)


@pytest.fixture
def job_document() -> dict[str, Any]:
    """A job in JSON Resume's job shape plus our requirement fields."""
    return {
        "title": "Senior Compression Engineer",
        "company": "Raviga Capital Portfolio Co",
        "type": "Full-time",
        "date": "2024-03",
        "description": "Build lossless compression for our storage platform.",
        "location": {"city": "Palo Alto", "countryCode": "US", "region": "California"},
        "remote": "Hybrid",
        "salary": "180000",
        "experience": "Senior",
        "responsibilities": ["Own the compression pipeline"],
        "qualifications": ["BSc in Computer Science or equivalent"],
        "skills": [{"name": "Compression", "level": "Expert", "keywords": ["Huffman coding"]}],
        "meta": {"version": "v1.0.0"},
        "seniority": "senior",
        "minYears": 5,
        "mustHave": [
            {"text": "Python", "kind": "skill", "keywords": ["Python"]},
            {"text": "Lossless compression algorithms", "kind": "skill", "keywords": ["compression"]},
            {"text": "Go", "kind": "skill", "keywords": ["Go", "Golang"]},
        ],
        "niceToHave": [
            {"text": "Kubernetes certification", "kind": "certification", "keywords": ["CKA"]},
        ],
    }


@pytest.fixture
def job(job_document: dict[str, Any]) -> Job:
    return Job.model_validate(job_document)
