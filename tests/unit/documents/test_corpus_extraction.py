"""Every corpus CV: name, email, employers and section headings come back, in order.

The labels (``../shared/corpus/labels``) list sections in reading order, left
column before right column on multi-column pages; names and headings compare
case-insensitively after LABELLING.md's normalisation. Run with ``-s`` to see
the per-file table (``bench/extraction.py`` prints it with timings).

Skipped, with a message, when the shared corpus is not beside the checkout.
"""

from __future__ import annotations

import time

import pytest

from cvpath.documents import ExtractedText, extract_text
from tests.unit.documents.corpus import (
    CATEGORIES,
    CORPUS,
    CorpusCV,
    corpus_cvs,
    render_table,
    score,
    source_columns,
)

CVS = corpus_cvs()
pytestmark = pytest.mark.skipif(not CVS, reason=f"the shared corpus is not beside the checkout ({CORPUS})")

# Share of labelled strings a file must give back, when it cannot give back all of
# them. Empty: every corpus CV reaches 100%, in order. A file that regresses gets
# an entry here with the reason, never a silent skip.
MIN_HIT_SHARE: dict[str, float] = {}


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[ExtractedText, float]]:
    results = {}
    for cv in CVS:
        started = time.perf_counter()
        result = extract_text(cv.path.read_bytes(), filename=cv.name, content_type="application/pdf")
        results[cv.name] = (result, (time.perf_counter() - started) * 1000)
    return results


@pytest.mark.parametrize("cv", CVS, ids=[cv.name for cv in CVS])
def test_labelled_strings_come_back_in_order(
    cv: CorpusCV, extracted: dict[str, tuple[ExtractedText, float]]
) -> None:
    result = score(extracted[cv.name][0].text, cv)
    missing = {
        category: [
            needle for needle, found in zip(cv.expected()[category], outcome.found, strict=True) if not found
        ]
        for category, outcome in result.results.items()
    }
    required = MIN_HIT_SHARE.get(cv.name, 1.0)
    assert result.hits >= required * result.total, f"missing: {missing}"
    if required == 1.0:
        out_of_order = [category for category, outcome in result.results.items() if not outcome.in_order]
        assert result.in_order, f"out of order: {out_of_order}"


@pytest.mark.parametrize("cv", CVS, ids=[cv.name for cv in CVS])
def test_pages_and_columns_match_the_sources(
    cv: CorpusCV, extracted: dict[str, tuple[ExtractedText, float]]
) -> None:
    result = extracted[cv.name][0]
    assert result.pages == cv.label["pages"]
    # Only true multi-column layouts may be read column by column; date columns
    # ("1 + left date column") must stay beside their entries.
    assert result.columns_detected == source_columns()[cv.name].startswith("2")


def test_print_the_corpus_table(extracted: dict[str, tuple[ExtractedText, float]]) -> None:
    rows = []
    for cv in CVS:
        result, ms = extracted[cv.name]
        outcome = score(result.text, cv)
        rows.append(
            [
                cv.name,
                str(result.pages),
                str(result.characters),
                "yes" if result.columns_detected else "no",
                *(outcome.cell(category) for category in CATEGORIES),
                "yes" if outcome.in_order else "NO",
                f"{ms:.0f}",
            ]
        )
    headers = ["file", "pages", "chars", "columns", *CATEGORIES, "in order", "ms"]
    print("\n" + render_table(headers, rows))
    assert len(rows) == len(CVS)
