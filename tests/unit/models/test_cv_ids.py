"""Stable ids: derived from content, the same in every run, distinct within a CV."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import CV, Bullet, Work, cv_from_json_resume

ID_RE = re.compile(r"^[a-z]+-[0-9a-f]{12}$")
PIED_PIPER: dict[str, Any] = {
    "work": [
        {
            "name": "Pied Piper",
            "position": "CEO",
            "startDate": "2013-12",
            "highlights": [{"text": "Won TechCrunch Disrupt"}],
        }
    ]
}


def _all_ids(cv: CV) -> list[str]:
    return [entry.id for entry in cv.entries()] + [bullet.id for bullet in cv.bullets()]


def test_ids_are_pinned_values_independent_of_the_process() -> None:
    # Why pinned literals: a salted hash() or a changed encoding would pass a
    # same-process comparison and still break every stored reference.
    cv = CV.model_validate(PIED_PIPER)
    assert cv.work[0].id == "work-4f23443670ae"
    assert cv.work[0].highlights[0].id == "b-ab749fb235de"


def test_same_input_in_another_interpreter_gives_the_same_ids() -> None:
    # Given the sample validated here and in a fresh interpreter with another hash seed
    script = (
        "import json,sys; from cvpath.models import CV;"
        "cv = CV.model_validate(json.loads(sys.argv[1]));"
        "print(cv.work[0].id, cv.work[0].highlights[0].id)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(PIED_PIPER)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    # Then the ids agree
    cv = CV.model_validate(PIED_PIPER)
    assert result.stdout.split() == [cv.work[0].id, cv.work[0].highlights[0].id]


def test_same_input_twice_gives_the_same_ids(sample_document: dict[str, Any]) -> None:
    first = cv_from_json_resume(sample_document)
    second = cv_from_json_resume(copy.deepcopy(sample_document))
    assert _all_ids(first) == _all_ids(second)


def test_every_entry_and_bullet_gets_a_well_formed_id(sample_cv: CV) -> None:
    ids = _all_ids(sample_cv)
    assert len(ids) == 28  # 2 profiles, 15 entries, 11 bullets in the sample
    assert all(ID_RE.match(value) for value in ids)


def test_ids_are_unique_within_a_cv_even_for_repeated_bullets(sample_cv: CV) -> None:
    # The sample repeats "Won TechCrunch Disrupt against 30 finalists" in one job.
    texts = [bullet.text for bullet in sample_cv.work[0].highlights]
    assert texts[1] == texts[3]
    ids = _all_ids(sample_cv)
    assert len(ids) == len(set(ids))


def test_changed_bullet_text_changes_only_that_bullet_id() -> None:
    before = CV.model_validate(PIED_PIPER)
    changed = copy.deepcopy(PIED_PIPER)
    changed["work"][0]["highlights"][0]["text"] = "Won TechCrunch Disrupt 2014"
    after = CV.model_validate(changed)
    assert after.work[0].id == before.work[0].id
    assert after.work[0].highlights[0].id != before.work[0].highlights[0].id


def test_changed_identifying_field_changes_the_entry_and_its_bullet_ids() -> None:
    before = CV.model_validate(PIED_PIPER)
    changed = copy.deepcopy(PIED_PIPER)
    changed["work"][0]["position"] = "CTO"
    after = CV.model_validate(changed)
    assert after.work[0].id != before.work[0].id
    # The same sentence under another job is another bullet.
    assert after.work[0].highlights[0].id != before.work[0].highlights[0].id


def test_non_identifying_edits_and_reordering_keep_ids(sample_document: dict[str, Any]) -> None:
    before = cv_from_json_resume(sample_document)
    # Given the jobs swapped, the first job's summary edited and the second job ended
    edited = copy.deepcopy(sample_document)
    edited["work"].reverse()
    edited["work"][1]["summary"] = "Rewritten summary."
    edited["work"][1]["endDate"] = "2024-01"
    after = cv_from_json_resume(edited)
    # Then every entry and bullet keeps its id
    assert {e.id for e in after.work} == {e.id for e in before.work}
    assert after.bullet_ids() == before.bullet_ids()


def test_a_correct_id_given_in_the_input_is_accepted() -> None:
    derived = CV.model_validate(PIED_PIPER)
    again = CV.model_validate(derived.model_dump())
    assert again == derived


def test_a_stale_id_is_rejected_naming_where_it_is() -> None:
    data = copy.deepcopy(PIED_PIPER)
    data["work"][0]["highlights"][0]["id"] = "b-000000000000"
    with pytest.raises(ValidationError, match=r"work\.0\.highlights\.0\.id 'b-000000000000' does not match"):
        CV.model_validate(data)


def test_a_malformed_id_is_rejected() -> None:
    data = copy.deepcopy(PIED_PIPER)
    data["work"][0]["id"] = "job 1"
    with pytest.raises(ValidationError, match=r"work\.0\.id"):
        CV.model_validate(data)


def test_validation_does_not_write_ids_into_the_callers_objects() -> None:
    work = Work(name="Hooli", highlights=[Bullet(text="Built Nucleus")])
    cv = CV(work=[work])
    assert cv.work[0].id.startswith("work-")
    assert (work.id, work.highlights[0].id) == ("", "")


def test_texts_by_id_covers_entries_and_bullets(sample_cv: CV) -> None:
    texts = sample_cv.texts_by_id()
    job = sample_cv.work[1]
    assert "Hooli" in texts[job.id]
    assert texts[job.highlights[0].id] == [job.highlights[0].text]
    skill = sample_cv.skills[0]
    assert "Huffman coding" in texts[skill.id]
    assert set(texts) == set(_all_ids(sample_cv))
