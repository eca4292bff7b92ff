"""The extracted text of rendered sample documents, compared with reference files.

A layout change that moves, drops or garbles text shows up here as a diff. After
a deliberate change, regenerate with ``pytest tests/unit/render --update-testdata``
and review the diff of ``testdata/*.txt`` like code.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from render_testkit import TESTDATA, example_cv, example_letter, pypdf_text

from cvpath.models import SectionName
from cvpath_render import render_cv_docx, render_cv_pdf, render_package
from cvpath_render.extraction import extract_docx

_TAILORED_ORDER = [SectionName.SUMMARY, SectionName.SKILLS, SectionName.WORK, SectionName.EDUCATION]

SAMPLES: dict[str, Callable[[], str]] = {
    "cv_v1.txt": lambda: pypdf_text(render_cv_pdf(example_cv(), engine="v1").pdf),
    "cv_v2_tailored_order.txt": lambda: pypdf_text(
        render_cv_pdf(example_cv(), engine="v2", section_order=_TAILORED_ORDER).pdf
    ),
    "cv_v2_letter_size.txt": lambda: pypdf_text(
        render_cv_pdf(example_cv(), engine="v2", page_size="Letter").pdf
    ),
    "cv_and_cover_letter.txt": lambda: pypdf_text(
        render_package(example_cv(), example_letter(), "combined_pdf", "v1")[0].data
    ),
    "cv_docx.txt": lambda: extract_docx(render_cv_docx(example_cv())).text,
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_extracted_text_matches_the_reference(name: str, update_testdata: bool) -> None:
    text = SAMPLES[name]().rstrip() + "\n"
    reference = TESTDATA / name
    if update_testdata:
        reference.write_text(text, encoding="utf-8")
    assert reference.is_file(), f"{reference.name} is missing: run pytest with --update-testdata"
    assert text == reference.read_text(encoding="utf-8")
