"""JSON Resume import and export: lossless both ways, strict about what it accepts."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import CV, TailoredCV, cv_from_json_resume, cv_to_json_resume

UNICODE_DOCUMENT: dict[str, Any] = {
    "basics": {
        "name": "Zoë Ångström-Nuñez",
        "label": "Ingénieure logiciel · 软件工程师",
        "summary": "Écrit du code ✨ et des tests; مرحبا; emoji 👩🏽‍💻 kept whole.",
        "location": {"city": "Zürich", "countryCode": "CH"},
        "profiles": [{"network": "Mastodon", "username": "zoë@social.example"}],
    },
    "work": [
        {
            "name": "Société Générale des Données",
            "position": "Développeuse",
            "startDate": "2019-09",
            "highlights": ["Réduit la latence de 35 % grâce à un cache", "构建了数据管道"],
        }
    ],
    "languages": [{"language": "Deutsch", "fluency": "Muttersprache"}],
}


def test_sample_document_round_trips_exactly(sample_document: dict[str, Any]) -> None:
    # Given JSON Resume's sample shape with every section and field filled
    original = copy.deepcopy(sample_document)
    # When it is imported and exported again
    exported = cv_to_json_resume(cv_from_json_resume(sample_document))
    # Then nothing is lost, added or changed, and the input was not modified
    assert exported == original
    assert sample_document == original


def test_cv_survives_export_and_import_with_the_same_ids(sample_cv: CV) -> None:
    again = cv_from_json_resume(cv_to_json_resume(sample_cv))
    assert again == sample_cv
    assert [b.id for b in again.bullets()] == [b.id for b in sample_cv.bullets()]


def test_programmatically_built_cv_survives_export_and_import() -> None:
    cv = CV.model_validate({"work": [{"name": "Hooli", "highlights": [{"text": "Shipped Nucleus"}]}]})
    assert cv_from_json_resume(cv_to_json_resume(cv)) == cv


@pytest.mark.parametrize(
    "document",
    [{}, {"basics": {"name": "Richard Hendriks"}}, {"work": [], "skills": []}, {"work": [{}]}],
)
def test_minimal_documents_round_trip(document: dict[str, Any]) -> None:
    cv = cv_from_json_resume(document)
    assert cv_to_json_resume(cv) == document
    assert cv_from_json_resume(cv_to_json_resume(cv)) == cv


def test_unicode_round_trips_and_ids_stay_stable() -> None:
    first = cv_from_json_resume(UNICODE_DOCUMENT)
    assert cv_to_json_resume(first) == UNICODE_DOCUMENT
    second = cv_from_json_resume(cv_to_json_resume(first))
    assert [b.id for b in second.bullets()] == [b.id for b in first.bullets()]
    assert second.work[0].highlights[1].text == "构建了数据管道"


def test_export_has_no_ids_and_plain_string_bullets(sample_cv: CV) -> None:
    exported = cv_to_json_resume(sample_cv)
    assert "id" not in exported["work"][0]
    assert "id" not in exported["basics"]["profiles"][0]
    assert exported["education"][0]["courses"] == ["DB1101 - Basic SQL", "CS2011 - Java Introduction"]


def test_null_is_read_as_absent_and_not_written_back() -> None:
    cv = cv_from_json_resume({"basics": {"name": "Richard", "label": None}, "meta": None})
    assert cv.basics is not None
    assert cv.basics.label is None
    assert cv_to_json_resume(cv) == {"basics": {"name": "Richard"}}


def test_import_rejects_an_unknown_field_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"projects\.0\.team\n.*Extra inputs are not permitted"):
        cv_from_json_resume({"projects": [{"name": "Miss Direction", "team": "four"}]})


def test_import_rejects_an_id_because_json_resume_has_none() -> None:
    document = {"work": [{"name": "Hooli", "id": "work-123456789abc"}]}
    with pytest.raises(ValidationError, match=r"work\.0\.id\n.*Extra inputs are not permitted"):
        cv_from_json_resume(document)


def test_import_rejects_a_non_string_highlight_pointing_at_it() -> None:
    with pytest.raises(ValidationError, match=r"volunteer\.0\.highlights\.1\.text"):
        cv_from_json_resume({"volunteer": [{"highlights": ["Taught Python", 3]}]})


def test_import_rejects_a_section_of_the_wrong_type() -> None:
    with pytest.raises(ValidationError, match=r"work\n.*(list|Sequence)"):
        cv_from_json_resume({"work": "Hooli, 2011-2013"})


@pytest.mark.parametrize("document", [[], "resume", None, 42])
def test_import_rejects_a_document_that_is_not_an_object(document: object) -> None:
    with pytest.raises(ValidationError, match=r"valid dictionary"):
        cv_from_json_resume(document)


def test_import_rejects_the_cvs_own_bullet_objects() -> None:
    # Our {id, text} form is not JSON Resume; the importer takes strings only.
    with pytest.raises(ValidationError, match=r"work\.0\.highlights\.0\.text"):
        cv_from_json_resume({"work": [{"highlights": [{"text": "Shipped"}]}]})


def test_tailored_cv_exports_as_plain_json_resume(sample_cv: CV) -> None:
    data = sample_cv.model_dump()
    for entry in data["work"]:
        for bullet in entry["highlights"]:
            bullet["sourceBulletIds"] = [bullet["id"]]
    tailored = TailoredCV.model_validate(
        {**data, "volunteer": [], "education": [], "projects": [], "sectionOrder": ["work"]}
    )
    exported = cv_to_json_resume(tailored)
    assert "sectionOrder" not in exported
    assert exported["work"][0]["highlights"][0] == sample_cv.work[0].highlights[0].text


def test_a_huge_cv_validates_and_round_trips_quickly() -> None:
    # Given 500 jobs with 20 bullets each
    document = {
        "work": [
            {
                "name": f"Company {i}",
                "position": "Engineer",
                "startDate": f"{1980 + i % 40}-01",
                "highlights": [f"Delivered project {j} for company {i}" for j in range(20)],
            }
            for i in range(500)
        ]
    }
    # When it is imported and exported
    started = time.perf_counter()
    cv = cv_from_json_resume(document)
    exported = cv_to_json_resume(cv)
    elapsed = time.perf_counter() - started
    # Then every bullet has its own id and nothing is lost, in well under the budget
    assert len(cv.bullet_ids()) == 10_000
    assert exported == document
    assert elapsed < 5.0, f"took {elapsed:.2f}s"
