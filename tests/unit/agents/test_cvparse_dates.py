"""Date ranges as CVs print them, to JSON Resume partial dates."""

from __future__ import annotations

import pytest

from cvpath.agents.offline.cv_parser import find_date_ranges, parse_date_range


@pytest.mark.parametrize(
    ("printed", "start", "end", "ongoing"),
    [
        ("Jan 2020 \u2013 Present", "2020-01", None, True),
        ("Jan. 2020 - Dec 2021", "2020-01", "2021-12", False),
        ("June 2020 \u2013 Present", "2020-06", None, True),
        ("Sep. 2018", "2018-09", "2018-09", False),
        ("Sept 2018 \u2013 May 2023", "2018-09", "2023-05", False),
        ("2019-03", "2019-03", "2019-03", False),
        ("03/2019", "2019-03", "2019-03", False),
        ("03/2019 - 11/2020", "2019-03", "2020-11", False),
        ("2018 \u2013 2020", "2018", "2020", False),
        ("2018-2020", "2018", "2020", False),
        ("Summer 2021", "2021", "2021", False),
        ("2020 - now", "2020", None, True),
        ("2016 to date", "2016", None, True),
        ("Since 2019", "2019", None, True),
        ("Expected May 2025", None, "2025-05", False),
        ("January 2019 to Present", "2019-01", None, True),
        ("Jan '19 - Mar '21", "2019-01", "2021-03", False),
        ("2021 - Ongoing", "2021", None, True),
        ("May 2019 \u2014 Current", "2019-05", None, True),
    ],
)
def test_given_a_printed_range_when_parsed_then_partial_dates(
    printed: str, start: str | None, end: str | None, ongoing: bool
) -> None:
    found = parse_date_range(printed)
    assert found is not None
    assert (found.start, found.end, found.ongoing) == (start, end, ongoing)


@pytest.mark.parametrize(
    ("printed", "start", "end"),
    [
        ("März 2019 \u2013 heute", "2019-03", None),
        ("Okt. 2015 \u2013 Feb. 2019", "2015-10", "2019-02"),
        ("seit 03.2019", "2019-03", None),
        ("Septembre 2018 \u00e0 juin 2020", "2018-09", "2020-06"),
        ("févr. 2017 - déc. 2018", "2017-02", "2018-12"),
        ("enero 2019 - actualidad", "2019-01", None),
        ("Desde septiembre 2020", "2020-09", None),
    ],
)
def test_given_german_french_or_spanish_months_when_parsed_then_understood(
    printed: str, start: str, end: str | None
) -> None:
    found = parse_date_range(printed)
    assert found is not None
    assert (found.start, found.end) == (start, end)


def test_given_a_range_inside_a_header_line_when_found_then_its_span_is_reported() -> None:
    line = "Software Engineer Jun 2021 - Dec 2022"
    (found,) = find_date_ranges(line)
    assert line[found.begin : found.finish] == "Jun 2021 - Dec 2022"


@pytest.mark.parametrize(
    "text",
    ["Present", "current world record", "4.5/5-star review", "2.8x speedup", "10.1234/neurips.2023.1234", ""],
)
def test_given_no_printed_date_when_parsed_then_none(text: str) -> None:
    assert parse_date_range(text) is None


def test_given_non_text_when_parsed_then_value_error() -> None:
    with pytest.raises(ValueError, match="str"):
        find_date_ranges(2020)  # type: ignore[arg-type]
