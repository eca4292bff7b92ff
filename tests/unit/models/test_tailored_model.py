"""TailoredCV: every bullet names its sources; sections can be ordered and hidden."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import CV, DEFAULT_SECTION_ORDER, SectionName, TailoredCV


def _tailored_document(cv: CV) -> dict[str, Any]:
    """The sample tailored for a compression role: one job trimmed, one bullet merged."""
    pied_piper, hooli = cv.work
    data = cv.model_dump(exclude={"work", "volunteer", "education", "projects"})
    data["work"] = [
        {
            "name": pied_piper.name,
            "position": pied_piper.position,
            "startDate": pied_piper.start_date,
            "highlights": [
                # Kept word for word
                {"text": pied_piper.highlights[0].text, "sourceBulletIds": [pied_piper.highlights[0].id]},
                # Two bullets merged into one
                {
                    "text": "Won TechCrunch Disrupt and grew the team from 4 to 45 engineers",
                    "sourceBulletIds": [pied_piper.highlights[1].id, pied_piper.highlights[2].id],
                },
            ],
        },
        {
            "name": hooli.name,
            "position": hooli.position,
            "startDate": hooli.start_date,
            "endDate": hooli.end_date,
            "highlights": [
                {
                    "text": "Built a Python detector for copyright infringement",
                    "sourceBulletIds": [hooli.highlights[0].id],
                }
            ],
        },
    ]
    data["sectionOrder"] = ["summary", "work", "skills", "education"]
    return data


def test_a_tailored_cv_is_a_cv_whose_bullets_trace_back(sample_cv: CV) -> None:
    tailored = TailoredCV.model_validate(_tailored_document(sample_cv))
    assert isinstance(tailored, CV)
    assert tailored.unknown_sources(sample_cv) == []
    assert tailored.section_order == [
        SectionName.SUMMARY,
        SectionName.WORK,
        SectionName.SKILLS,
        SectionName.EDUCATION,
    ]


def test_unchanged_entries_and_verbatim_bullets_keep_their_source_ids(sample_cv: CV) -> None:
    tailored = TailoredCV.model_validate(_tailored_document(sample_cv))
    assert tailored.work[0].id == sample_cv.work[0].id
    assert tailored.work[0].highlights[0].id == sample_cv.work[0].highlights[0].id
    assert tailored.work[0].highlights[1].id not in sample_cv.bullet_ids()


def test_unknown_sources_lists_invented_ids_once_in_order(sample_cv: CV) -> None:
    data = _tailored_document(sample_cv)
    data["work"][0]["highlights"][1]["sourceBulletIds"].append("b-aaaaaaaaaaaa")
    data["work"][1]["highlights"][0]["sourceBulletIds"] = ["b-bbbbbbbbbbbb", "b-aaaaaaaaaaaa"]
    tailored = TailoredCV.model_validate(data)
    assert tailored.unknown_sources(sample_cv) == ["b-aaaaaaaaaaaa", "b-bbbbbbbbbbbb"]


@pytest.mark.parametrize(
    ("sources", "match"),
    [
        (None, r"work\.1\.highlights\.0\.sourceBulletIds\n.*Field required"),
        ([], r"work\.1\.highlights\.0\.sourceBulletIds\n.*at least 1 item"),
        (["not an id"], r"work\.1\.highlights\.0\.sourceBulletIds\.0"),
        (["b-aaaaaaaaaaaa", "b-aaaaaaaaaaaa"], r"duplicate source bullet id"),
    ],
)
def test_a_bullet_without_valid_sources_is_rejected(
    sample_cv: CV, sources: list[str] | None, match: str
) -> None:
    data = _tailored_document(sample_cv)
    bullet = data["work"][1]["highlights"][0]
    if sources is None:
        del bullet["sourceBulletIds"]
    else:
        bullet["sourceBulletIds"] = sources
    with pytest.raises(ValidationError, match=match):
        TailoredCV.model_validate(data)


def test_courses_and_project_highlights_need_sources_too(sample_cv: CV) -> None:
    data = _tailored_document(sample_cv)
    data["projects"] = [{"name": "Miss Direction", "highlights": [{"text": "Won an award at AIHacks 2016"}]}]
    with pytest.raises(ValidationError, match=r"projects\.0\.highlights\.0\.sourceBulletIds"):
        TailoredCV.model_validate(data)


@pytest.mark.parametrize(
    ("order", "match"),
    [
        (["work", "work"], r"duplicate section in sectionOrder 'work'"),
        (["work", "hobbies"], r"sectionOrder\.1"),
        (["basics"], r"sectionOrder\.0"),
    ],
)
def test_bad_section_order_is_rejected(sample_cv: CV, order: list[str], match: str) -> None:
    data = _tailored_document(sample_cv)
    data["sectionOrder"] = order
    with pytest.raises(ValidationError, match=match):
        TailoredCV.model_validate(data)


def test_section_order_defaults_to_every_section() -> None:
    assert TailoredCV().section_order == list(DEFAULT_SECTION_ORDER)
    assert set(DEFAULT_SECTION_ORDER) == set(SectionName)


def test_a_tailored_cv_round_trips_through_its_own_wire_form(sample_cv: CV) -> None:
    tailored = TailoredCV.model_validate(_tailored_document(sample_cv))
    assert TailoredCV.model_validate_json(tailored.model_dump_json()) == tailored
