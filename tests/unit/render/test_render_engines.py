"""V1 is byte-identical everywhere; V2 shows the sections it is given, in that order."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from render_testkit import REPO, example_cv, example_document, pypdf_text, small_cv

from cvpath.errors import ValidationFailed
from cvpath.models import CV, SectionName, TailoredCV
from cvpath_render import render_cv_pdf
from cvpath_render.content import HEADINGS
from cvpath_render.engine_v1 import V1_SECTION_ORDER

_RENDER_IN_A_FRESH_PROCESS = """
import hashlib, json, sys
from cvpath.models import cv_from_json_resume
from cvpath_render import render_cv_pdf
cv = cv_from_json_resume(json.load(open(sys.argv[1], encoding="utf-8")))
print(hashlib.sha256(render_cv_pdf(cv, engine="v1").pdf).hexdigest())
"""


def _headings_in_order(pdf: bytes) -> list[str]:
    lines = [line.strip() for line in pypdf_text(pdf).splitlines()]
    headings = set(HEADINGS.values())
    return [line for line in lines if line in headings]


def _tailored(cv: CV, order: list[SectionName]) -> TailoredCV:
    data = cv.model_dump()
    for section, field in (("work", "highlights"), ("volunteer", "highlights"), ("projects", "highlights")):
        for entry in data[section]:
            entry[field] = [{"text": b["text"], "sourceBulletIds": [b["id"]]} for b in entry[field]]
    for entry in data["education"]:
        entry["courses"] = [{"text": b["text"], "sourceBulletIds": [b["id"]]} for b in entry["courses"]]
    data["sectionOrder"] = [s.value for s in order]
    return TailoredCV.model_validate(data)


def test_v1_gives_the_same_bytes_twice_in_one_process() -> None:
    cv = example_cv()
    assert render_cv_pdf(cv, engine="v1").pdf == render_cv_pdf(cv, engine="v1").pdf


def test_v1_gives_the_same_bytes_in_fresh_processes_with_different_hash_seeds() -> None:
    here = hashlib.sha256(render_cv_pdf(example_cv(), engine="v1").pdf).hexdigest()
    digests = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _RENDER_IN_A_FRESH_PROCESS, str(REPO / "examples" / "cv.json")],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=120,
        )
        digests.add(done.stdout.strip())
    assert digests == {here}


def test_v1_shows_every_section_in_its_fixed_order() -> None:
    headings = _headings_in_order(render_cv_pdf(example_cv(), engine="v1").pdf)
    assert headings == [HEADINGS[name] for name in V1_SECTION_ORDER]


def test_v1_ignores_a_tailored_order() -> None:
    cv = example_cv()
    tailored = _tailored(cv, [SectionName.SKILLS, SectionName.WORK])
    assert render_cv_pdf(tailored, engine="v1").pdf == render_cv_pdf(cv, engine="v1").pdf


def test_v1_refuses_an_explicit_order() -> None:
    with pytest.raises(ValidationFailed, match="fixed section order"):
        render_cv_pdf(example_cv(), engine="v1", section_order=["skills"])


def test_v2_follows_the_tailored_order_and_hides_the_rest() -> None:
    order = [SectionName.SKILLS, SectionName.WORK, SectionName.EDUCATION, SectionName.SUMMARY]
    result = render_cv_pdf(_tailored(example_cv(), order), engine="v2")
    assert _headings_in_order(result.pdf) == ["Skills", "Experience", "Education", "Summary"]
    text = pypdf_text(result.pdf)
    assert "Code Club Rotterdam" not in text  # volunteering is hidden
    assert "flowcheck" not in text  # projects are hidden


def test_an_explicit_order_wins_over_the_tailored_one() -> None:
    tailored = _tailored(example_cv(), [SectionName.WORK, SectionName.SKILLS])
    result = render_cv_pdf(tailored, engine="v2", section_order=["languages", "work"])
    assert _headings_in_order(result.pdf) == ["Languages", "Experience"]


def test_v2_without_an_order_shows_every_section_in_the_default_order() -> None:
    headings = _headings_in_order(render_cv_pdf(example_cv(), engine="v2").pdf)
    assert headings == [HEADINGS[name] for name in SectionName]


def test_v2_leaves_out_a_listed_section_that_has_no_content() -> None:
    cv = small_cv()  # no skills, no education
    result = render_cv_pdf(cv, engine="v2", section_order=["skills", "work", "education"])
    assert _headings_in_order(result.pdf) == ["Experience"]


@pytest.mark.parametrize(
    ("order", "message"),
    [(["work", "hobbies"], "unknown section 'hobbies'"), (["work", "work"], "listed twice")],
)
def test_v2_refuses_a_bad_order(order: list[str], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        render_cv_pdf(small_cv(), engine="v2", section_order=order)


def test_an_unknown_engine_is_a_named_error() -> None:
    with pytest.raises(ValidationFailed, match="engine: unknown value 'v3'"):
        render_cv_pdf(small_cv(), engine="v3")


def test_the_example_is_a_two_page_cv_on_a4_and_on_letter() -> None:
    assert render_cv_pdf(example_cv(), engine="v2").pages == 2
    assert render_cv_pdf(example_cv(), engine="v2", page_size="Letter").pages == 2
    assert example_document()["basics"]["name"] == "Helena Marsh"
