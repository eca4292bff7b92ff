"""Gutter detection on layout rows, without PDFs: what counts as two columns and what does not."""

from __future__ import annotations

from cvpath.documents.columns import find_gutter, split_columns

LEFT = ["Contact", "ada@example.org", "London", "", "Skills", "Python, Rust", "Distributed systems", "Go"]
RIGHT = [
    "Summary",
    "Engineer with ten years on data platforms.",
    "",
    "Experience",
    "Northwind Traders - Staff Engineer",
    "Led the order pipeline migration to streams.",
    "Contoso Ltd - Senior Engineer",
    "Built the pricing service for every store.",
]


def _rows(left: list[str], right: list[str], *, at: int = 30) -> list[str]:
    return [f"{a:<{at}}{b}".rstrip() for a, b in zip(left, right, strict=True)]


def test_two_columns_under_a_header_are_read_left_then_right() -> None:
    # Given a full-width header above two columns drawn row by row
    rows = [
        "Ada Lovelace - Principal engineer - London - ada@example.org",
        "Principal engineer - ada@example.org - github.com/ada - since 2012",
        *_rows(LEFT, RIGHT),
    ]
    lines = split_columns(rows)
    assert lines is not None
    content = [line for line in lines if line]
    # Then the header stays first, whole, and each column is read top to bottom
    assert content[:2] == [row.strip() for row in rows[:2]]
    assert content[2:] == [line for line in LEFT + RIGHT if line]


def test_a_row_crossing_the_gutter_stays_whole_between_the_bands() -> None:
    rows = [
        *_rows(LEFT, RIGHT),
        "A full-width line that runs right across the gutter of the page",
        *_rows(LEFT, RIGHT),
    ]
    lines = split_columns(rows)
    assert lines is not None
    content = [line for line in lines if line]
    block = [line for line in LEFT + RIGHT if line]
    assert content == [*block, rows[8].strip(), *block]


def test_a_date_column_is_not_a_column() -> None:
    # Given a moderncv-style left column of dates beside the entries
    dates = ["June 2022 -", "Present", "", "", "July 2015 -", "May 2020", "", "2019 - 2021"]
    rows = _rows(dates, RIGHT, at=16)
    assert split_columns(rows) is None


def test_a_narrow_label_column_is_not_a_column() -> None:
    labels = ["Languages:", "Frameworks:", "Cloud:", "Data:", "Tools:", "Practices:", "Spoken:", "Hobbies:"]
    rows = _rows(labels, RIGHT, at=14)
    assert find_gutter(rows) is None or split_columns(rows) is None


def test_a_side_with_too_little_text_is_not_a_column() -> None:
    # The left side has text on only three rows
    sparse = ["Contact", "", "", "London", "", "", "", "Go"]
    assert split_columns(_rows(sparse, RIGHT)) is None


def test_one_column_prose_has_no_gutter() -> None:
    prose = [
        "Backend engineer who turns slow, fragile batch jobs into dependable services.",
        "Ten years of Python and Go across payments, logistics and retail companies,",
        "with a habit of writing things down so that the next person can run them at",
        "three in the morning without calling anyone. Led teams of four to nine people",
        "through migrations that kept the lights on while the ground moved under them.",
        "Speaks at meetups about incident reviews, observability and boring technology",
        "choices that age well. Mentors new joiners and writes the onboarding guides.",
        "Looking for a staff role where reliability is a product feature, not a chore.",
    ]
    assert find_gutter(prose) is None
    assert split_columns(prose) is None


def test_too_few_rows_are_never_split() -> None:
    assert split_columns(_rows(LEFT[:4], RIGHT[:4])) is None
