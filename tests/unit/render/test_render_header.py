"""The contact line: whole items, separators only between items on the same line."""

from __future__ import annotations

from typing import Any

import pytest
from render_testkit import EXTRACTORS, example_document, example_letter, small_cv

from cvpath.models import CV, SectionName
from cvpath_render import render_cover_letter_pdf, render_cv_pdf
from cvpath_render.content import HEADINGS
from cvpath_render.flowables.header import pack_lines

_DOT = "·"
_LONG_URL = "https://portfolio.example.com/" + "data-platform-engineering-case-studies/" * 4 + "index"
_PROFILES = [
    {
        "network": "LinkedIn",
        "username": "ada",
        "url": "https://www.linkedin.com/in/ada-example-data-platform",
    },
    {"network": "GitHub", "username": "ada", "url": "https://github.com/ada-example"},
    {"network": "GitLab", "username": "ada", "url": "https://gitlab.com/ada-example"},
    {"network": "Mastodon", "username": "@ada@hachyderm.io"},
    {"network": "Stack Overflow", "url": "https://stackoverflow.com/users/1234567/ada-example"},
]
_MANY = {
    "name": "Ada Example",
    "label": "Staff Engineer",
    "email": "ada.example@example.com",
    "phone": "+44 20 7946 0958",
    "url": _LONG_URL,
    "location": {"city": "Bristol", "region": "England", "countryCode": "GB"},
    "profiles": _PROFILES,
}
_SINGLE = {"name": "Ada Example", "email": "ada@example.com"}
# Every contact of _MANY but the long URL, as shown: each fits a line, so none may be split.
_MANY_SHOWN = (
    "ada.example@example.com",
    "+44 20 7946 0958",
    "Bristol, England, GB",
    "linkedin.com/in/ada-example-data-platform",
    "github.com/ada-example",
    "gitlab.com/ada-example",
    "Mastodon: @ada@hachyderm.io",
    "stackoverflow.com/users/1234567/ada-example",
)


def _cv(basics: dict[str, Any]) -> CV:
    return small_cv(basics=basics)


def _lines_before(text: str, marker: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    end = next(i for i, line in enumerate(lines) if line.startswith(marker))
    return [line for line in lines[:end] if line]


def _dangling(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(_DOT) or line.endswith(_DOT)]


# --- packing ------------------------------------------------------------------------


def test_items_that_fit_share_one_line() -> None:
    assert pack_lines([10, 20, 30], separator_width=5, line_width=70) == [range(0, 3)]


def test_an_item_that_does_not_fit_starts_the_next_line() -> None:
    assert pack_lines([10, 20, 30], separator_width=5, line_width=69) == [range(0, 2), range(2, 3)]


def test_an_item_wider_than_a_line_stands_alone() -> None:
    assert pack_lines([10, 500, 10], separator_width=5, line_width=100) == [
        range(0, 1),
        range(1, 2),
        range(2, 3),
    ]


def test_no_items_give_no_lines() -> None:
    assert pack_lines([], separator_width=5, line_width=100) == []


# --- rendered PDFs ------------------------------------------------------------------


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
@pytest.mark.parametrize("sample", ["many-contacts", "single-contact", "example"])
def test_no_header_line_starts_or_ends_with_a_separator(sample: str, extractor: str) -> None:
    # Given a CV whose contacts need several lines (or just one item)
    basics = {"many-contacts": _MANY, "single-contact": _SINGLE}.get(sample) or example_document()["basics"]
    pdf = render_cv_pdf(_cv(basics), engine="v2").pdf
    # When its header is read back
    header = _lines_before(EXTRACTORS[extractor](pdf), HEADINGS[SectionName.WORK])
    # Then separators only ever stand between two items
    assert _dangling(header) == []


def test_many_contacts_wrap_and_keep_each_item_whole() -> None:
    # Given a CV with more contacts than one line holds
    pdf = render_cv_pdf(_cv(_MANY), engine="v2").pdf
    # When its header is read back
    header = _lines_before(EXTRACTORS["pdftotext"](pdf), HEADINGS[SectionName.WORK])
    # Then the contacts take several lines, and an item that fits a line is never split
    contact_lines = header[2:]
    assert len(contact_lines) >= 3
    assert [item for item in _MANY_SHOWN if not any(item in line for line in contact_lines)] == []


def test_the_cover_letter_header_has_no_dangling_separator() -> None:
    # Given a letter headed with the sender's many contacts
    pdf = render_cover_letter_pdf(example_letter(), sender=_cv(_MANY)).pdf
    # When its header is read back
    header = _lines_before(EXTRACTORS["pdftotext"](pdf), "Ms Adaeze Okafor")
    # Then no line starts or ends with a separator
    assert len(header) >= 4
    assert _dangling(header) == []
