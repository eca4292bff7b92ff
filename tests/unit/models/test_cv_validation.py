"""CV validation at the boundary: closed, strict, real dates, no blank content."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import CV, Work, date_span


def _work(**fields: Any) -> dict[str, Any]:
    return {"work": [{"name": "Hooli", "position": "Engineer", **fields}]}


def test_unknown_field_is_rejected_and_named() -> None:
    # Given a work entry with a field JSON Resume does not define
    data = _work(employer="Hooli")
    # When / Then validation names the field and where it is
    with pytest.raises(ValidationError, match=r"work\.0\.employer\n.*Extra inputs are not permitted"):
        CV.model_validate(data)


def test_unknown_top_level_field_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"hobbies"):
        CV.model_validate({"hobbies": []})


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        (_work(name=42), r"work\.0\.name"),
        ({"basics": {"name": ["Richard"]}}, r"basics\.name"),
        ({"skills": [{"name": "Web", "keywords": "HTML"}]}, r"skills\.0\.keywords"),
        ({"skills": [{"name": "Web", "keywords": [1]}]}, r"skills\.0\.keywords\.0"),
        (_work(highlights=[{"text": 7}]), r"work\.0\.highlights\.0\.text"),
        (_work(highlights=["a plain string"]), r"work\.0\.highlights\.0"),
        (_work(startDate=2014), r"work\.0\.startDate"),
        ({"basics": {"location": "San Francisco"}}, r"basics\.location"),
    ],
)
def test_wrong_type_is_rejected_not_coerced(data: dict[str, Any], loc: str) -> None:
    with pytest.raises(ValidationError, match=loc):
        CV.model_validate(data)


@pytest.mark.parametrize("section", ["work", "volunteer", "education", "projects"])
def test_end_before_start_is_rejected_naming_end_date(section: str) -> None:
    # Given an entry that ends a year before it starts
    data = {section: [{"startDate": "2015-03", "endDate": "2014-12-31"}]}
    # When / Then the error sits on endDate and says why
    with pytest.raises(ValidationError) as caught:
        CV.model_validate(data)
    message = str(caught.value)
    assert f"{section}.0.endDate" in message
    assert "endDate '2014-12-31' is before startDate '2015-03'" in message


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2014", "2014-06"),  # the end falls inside the start year
        ("2014-06-15", "2014-06"),  # June 2014 may well end after the 15th
        ("2014-06", "2014"),
        ("2016-08-24", "2016-08-24"),  # a one-day project
        ("2013-12-01", None),  # no end date: still going
    ],
)
def test_partial_dates_compare_as_spans(start: str, end: str | None) -> None:
    work = Work.model_validate({"startDate": start, "endDate": end})
    assert (work.start_date, work.end_date) == (start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2015", "2014-12"), ("2014-06", "2014-05-31"), ("2014-06-02", "2014-06-01")],
)
def test_end_that_cannot_follow_start_under_any_reading_is_rejected(start: str, end: str) -> None:
    with pytest.raises(ValidationError, match=r"endDate"):
        Work.model_validate({"startDate": start, "endDate": end})


@pytest.mark.parametrize(
    "value",
    [
        "2020-13",
        "2020-00",
        "2021-02-29",
        "2020-04-31",
        "2020-1",
        "20-01",
        "2020/01",
        "June 2020",
        "present",
        "",
    ],
)
def test_invalid_partial_date_is_rejected(value: str) -> None:
    with pytest.raises(ValidationError, match=r"work\.0\.startDate"):
        CV.model_validate(_work(startDate=value))


def test_invalid_month_message_says_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match=r"month 13 is not 01-12"):
        CV.model_validate({"awards": [{"title": "X", "date": "2020-13"}]})


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2020", "2020-01-01", "2020-12-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2021-02", "2021-02-01", "2021-02-28"),
        ("2020-02-29", "2020-02-29", "2020-02-29"),
    ],
)
def test_date_span_covers_every_day_a_partial_date_can_mean(value: str, first: str, last: str) -> None:
    start, end = date_span(value)
    assert (start.isoformat(), end.isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        (_work(highlights=[{"text": ""}]), r"work\.0\.highlights\.0\.text"),
        (_work(highlights=[{"text": "  \n"}]), r"work\.0\.highlights\.0\.text"),
        ({"education": [{"courses": [{"text": ""}]}]}, r"education\.0\.courses\.0\.text"),
        ({"skills": [{"keywords": ["Python", " "]}]}, r"skills\.0\.keywords\.1"),
        ({"projects": [{"roles": [""]}]}, r"projects\.0\.roles\.0"),
    ],
)
def test_blank_content_is_rejected(data: dict[str, Any], loc: str) -> None:
    with pytest.raises(ValidationError, match=rf"{loc}\n.*must not be empty or only whitespace"):
        CV.model_validate(data)


def test_empty_optional_text_is_kept_as_given() -> None:
    # JSON Resume's own sample writes "" for "no picture"; keeping it keeps export lossless.
    cv = CV.model_validate({"basics": {"image": "", "email": ""}})
    assert cv.basics is not None
    assert (cv.basics.image, cv.basics.email) == ("", "")


def test_malformed_email_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"basics\.email\n.*not an email address"):
        CV.model_validate({"basics": {"email": "richard at piedpiper"}})


def test_both_spellings_are_accepted_and_dumps_are_camel_case() -> None:
    by_alias = CV.model_validate(_work(startDate="2020-01"))
    by_name = CV.model_validate(_work(start_date="2020-01"))
    assert by_alias == by_name
    dumped = by_name.model_dump()
    assert dumped["work"][0]["startDate"] == "2020-01"
    assert "start_date" not in dumped["work"][0]


def test_schema_uri_travels_as_dollar_schema() -> None:
    cv = CV.model_validate({"$schema": "https://example.com/schema.json"})
    assert cv.schema_uri == "https://example.com/schema.json"
    assert cv.model_dump(exclude_none=True)["$schema"] == "https://example.com/schema.json"


def test_errors_do_not_echo_the_input() -> None:
    # CV text is personal data and validation errors end up in logs.
    with pytest.raises(ValidationError) as caught:
        CV.model_validate(_work(name=12345678, summary="secret-ish personal text", bogus="x"))
    assert "12345678" not in str(caught.value)
