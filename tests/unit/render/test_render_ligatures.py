"""Words that a shaping engine would set with ligatures extract as plain letters, with three extractors."""

from __future__ import annotations

import pytest
from render_testkit import EXTRACTORS, example_cv, in_order, small_cv

from cvpath_render import render_cv_pdf
from cvpath_render.ats_check import bad_characters

LIGATURE_WORDS = ["efficient", "office", "certified", "affluent", "fjord", "offline", "shuffle", "Staffing"]


@pytest.fixture(scope="module")
def ligature_pdf() -> bytes:
    bullets = [f"Made the {word} thing {word}." for word in LIGATURE_WORDS]
    cv = small_cv(
        work=[{"name": "Fjord Office Affluent", "position": "Efficient Officer", "highlights": bullets}]
    )
    return render_cv_pdf(cv).pdf


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_ligature_words_extract_exactly(ligature_pdf: bytes, extractor: str) -> None:
    text = EXTRACTORS[extractor](ligature_pdf)
    words = text.split()
    for word in LIGATURE_WORDS:
        assert word in words or f"{word}." in words, f"{extractor} lost {word!r}"
    assert "Efficient Officer" in text
    assert bad_characters(text) == {}


_EXAMPLE_ORDER = [
    "Helena Marsh",
    "Senior Data Platform Engineer",
    "helena.marsh@example.com",
    "Experience",
    "Senior Data Platform Engineer",
    "Mar 2021 \u2013 Present",
    "Northwind Logistics",
    "Replaced a nightly batch warehouse load",
    "Data Engineer",
    "Sep 2017 \u2013 Feb 2021",
    "Affluent Analytics B.V.",
    "Built an efficient ingestion framework",
    "Education",
    "Master of Science, Computer Science",
    "Delft University of Technology",
    "Skills",
    "Python, SQL, Scala, Bash",
    "Certifications",
    "Google Cloud Certified Professional Data Engineer",
    "May 2022",
]
_DATES = {"Mar 2021 \u2013 Present", "Sep 2017 \u2013 Feb 2021", "May 2022"}


@pytest.mark.parametrize("extractor", ["pypdf", "pdftotext"])
def test_extractors_read_the_example_in_layout_order(extractor: str) -> None:
    """Title, then its right-aligned dates, then the employer."""
    text = EXTRACTORS[extractor](render_cv_pdf(example_cv(), engine="v1").pdf)
    assert in_order(text, _EXAMPLE_ORDER) == []
    assert bad_characters(text) == {}


def test_pdfminer_reads_everything_but_places_right_aligned_dates_later() -> None:
    """pdfminer's layout analysis makes each right-aligned date a text box of its own.

    It reads that box after the first lines of the entry, so only the order of the
    left-hand text is stable there; the dates are all present.
    """
    text = EXTRACTORS["pdfminer"](render_cv_pdf(example_cv(), engine="v1").pdf)
    assert in_order(text, [p for p in _EXAMPLE_ORDER if p not in _DATES]) == []
    assert all(date in text for date in _DATES)
    assert bad_characters(text) == {}
