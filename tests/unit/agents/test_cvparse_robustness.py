"""The parser never raises on content, stays linear on hostile text and is deterministic."""

from __future__ import annotations

import time

import pytest

from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.agents.offline.cv_parser.lines import MAX_CV_CHARS

SAMPLE = (
    "Jane Doe\njane@doe.org | +1 (415) 555-0142 | github.com/jane\nExperience\n"
    "Software Engineer Jan 2020 - Present\nAcme Corp New York, NY\n\u2022 Built things\n\u2022 Shipped more\n"
    "Education\nMIT 2015 - 2019\nBachelor of Science in Physics\nSkills\nLanguages: Python, Go\n"
)

# Each unit repeated to 100,000 characters on one line, and to 399-character lines.
HOSTILE_UNITS = [
    "a",
    "1",
    "a@",
    "a@a.",
    "2020-",
    "Jan ",
    "(",
    "a.",
    "1 ",
    "(1)-",
    "1/",
    "A, ",
    "\u2022 ",
    "Word ",
]


def test_given_empty_text_when_parsed_then_an_empty_cv() -> None:
    cv = parse_cv_text("")
    assert cv.basics is None
    assert not (cv.work)
    assert not (cv.education)
    assert not (cv.skills)


def test_given_a_non_string_when_parsed_then_value_error() -> None:
    with pytest.raises(ValueError, match="str"):
        parse_cv_text(b"Jane Doe")  # type: ignore[arg-type]


def test_given_the_same_text_twice_when_parsed_then_identical_output() -> None:
    assert parse_cv_text(SAMPLE).model_dump() == parse_cv_text(SAMPLE).model_dump()


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_given_pathological_lines_when_parsed_then_it_finishes_quickly(unit: str) -> None:
    one_line = unit * (100_000 // len(unit))
    short_line = (unit * (399 // len(unit)))[:399]
    started = time.perf_counter()
    parse_cv_text(one_line)
    parse_cv_text("Experience\n" + "\n".join([short_line] * 250))
    parse_cv_text("Skills\n" + "\n".join([short_line] * 250))
    assert time.perf_counter() - started < 3.0


def test_given_text_beyond_the_cap_when_parsed_then_only_the_start_is_read() -> None:
    filler = "x" * (MAX_CV_CHARS + 10)
    cv = parse_cv_text(filler + "\nlate@example.org\n")
    assert cv.basics is None or cv.basics.email is None


def test_given_odd_dates_and_glyphs_when_parsed_then_no_exception() -> None:
    odd = (
        "Experience\nEngineer 2020 - 2018\nAcme\n\u2022\n\u2022 \n- \nEducation\n2019\n"
        "Skills\n:\n,,,\nLanguages\n\u2013\n"
    )
    cv = parse_cv_text(odd)
    # A range that runs backwards keeps its start and drops the impossible end.
    assert [(w.start_date, w.end_date) for w in cv.work] == [("2020", None)]
