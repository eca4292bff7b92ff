"""Tolerant JSON extraction and validation of a model's answer."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from pydantic import BaseModel, ConfigDict

from cvpath.errors import InvalidOutput
from cvpath.llm.output import MAX_ERRORS, extract_json_object, parse_output, strip_reasoning
from cvpath.models import Score

OBJECT = '{"title": "Engineer", "since": "2021-03-01", "skills": ["SQL", "Go"]}'
FIVE_MB = 5 * 1024 * 1024


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: str
    since: date
    skills: list[str]


@pytest.mark.parametrize(
    "text",
    [
        OBJECT,
        f"  \n{OBJECT}\n",
        f"```json\n{OBJECT}\n```",
        f"```\n{OBJECT}\n```",
        f"```JSON\n{OBJECT}\n```\n",
        f"Here is the JSON you asked for:\n\n```json\n{OBJECT}\n```\nLet me know if you need changes.",
        f"Sure! {OBJECT} Hope this helps.",
        f"<think>The user wants JSON. Maybe {{draft: 1}}?</think>\n{OBJECT}",
        f"<THINKING>plan</THINKING>```json\n{OBJECT}\n```",
        # The chat template emitted the opening tag; the answer starts inside the reasoning.
        f'so the title is Engineer, e.g. {{"title": "draft"}}\n</think>\n\n{OBJECT}',
        # Unclosed fence (the model stopped right after the object).
        f"```json\n{OBJECT}",
    ],
)
def test_the_object_is_found_whatever_wraps_it(text: str) -> None:
    assert json.loads(extract_json_object(text)) == json.loads(OBJECT)
    assert parse_output(text, Answer) == Answer(
        title="Engineer", since=date(2021, 3, 1), skills=["SQL", "Go"]
    )


def test_the_first_complete_object_that_parses_wins() -> None:
    # Given a broken object, then two valid ones
    text = 'First try: {"title": "Eng", oops}\nFixed: {"title": "A"} and also {"title": "B"}'
    # Then the first one that parses is taken
    assert json.loads(extract_json_object(text)) == {"title": "A"}


def test_strict_models_validate_in_json_mode() -> None:
    # A date as a JSON string is valid input for a strict model in JSON mode (not in Python mode)
    assert parse_output(OBJECT, Answer).since == date(2021, 3, 1)


def test_an_unclosed_reasoning_block_hides_everything_after_it() -> None:
    assert strip_reasoning(f"before <think>thinking {OBJECT}") == "before "
    with pytest.raises(InvalidOutput, match="nothing outside its reasoning"):
        extract_json_object(f"<think>still thinking {OBJECT}")


def test_a_fence_inside_a_string_does_not_win_over_the_whole_answer() -> None:
    text = '{"title": "Wrote ```{\\"x\\": 1}``` docs", "since": "2020-01-01", "skills": []}'
    assert parse_output(text, Answer).title == 'Wrote ```{"x": 1}``` docs'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("<think>only reasoning</think>", "nothing outside its reasoning"),
        ("I cannot help with that.", "no JSON object found"),
        ("[1, 2, 3]", "no JSON object found"),
        ('{"title": "Engineer", "since": ', "no valid JSON object"),
        ("\x00\x01\x02 {{{{ garbage", "no valid JSON object"),
    ],
)
def test_no_object_is_an_invalid_output(text: str, reason: str) -> None:
    with pytest.raises(InvalidOutput, match=reason) as raised:
        parse_output(text, Answer)
    assert raised.value.details["errors"][0]["loc"] == ""


def test_validation_errors_name_field_paths_without_input_values() -> None:
    # Given an object with a wrong type, a missing field and an extra one
    text = '{"title": 42, "skills": ["SQL", 7], "salary": "secret-value-123"}'
    with pytest.raises(InvalidOutput, match="does not match the schema") as raised:
        parse_output(text, Answer)
    errors = raised.value.details["errors"]
    # Then each error has a dotted path and a message
    assert {e["loc"] for e in errors} == {"title", "since", "skills.1", "salary"}
    # And no input value leaks into them (CVs are personal data; errors reach logs and prompts)
    assert "secret-value-123" not in json.dumps(errors)


def test_canonical_models_report_camel_case_paths() -> None:
    with pytest.raises(InvalidOutput) as raised:
        parse_output('{"overall": "high"}', Score)
    locs = {e["loc"] for e in raised.value.details["errors"]}
    assert "overall" in locs


def test_the_error_list_is_capped() -> None:
    class Many(BaseModel):
        values: list[int]

    with pytest.raises(InvalidOutput) as raised:
        parse_output(json.dumps({"values": ["x"] * 500}), Many)
    errors = raised.value.details["errors"]
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1]["msg"] == f"... and {500 - MAX_ERRORS} more errors"


@pytest.mark.parametrize(
    "filler",
    [
        "lorem ipsum dolor sit amet " * (FIVE_MB // 27),
        "{" * FIVE_MB,
        '{"a":' * (FIVE_MB // 5),
        '{"a": "' + "x" * FIVE_MB,
        "{x} " * (FIVE_MB // 4),
        "<think>" * (FIVE_MB // 7),
        "<think></think>{" * (FIVE_MB // 16),
        "```" * (FIVE_MB // 3),
        # Broken objects nested in broken objects: each start would rescan to the end.
        '{"a":[' + "0," * (FIVE_MB // 140) + ('{"a":[' + "0," * (FIVE_MB // 140)) * 69,
    ],
    ids=[
        "prose",
        "open-braces",
        "deep-nesting",
        "unterminated-string",
        "many-brace-pairs",
        "think",
        "think-blocks",
        "fences",
        "nested-broken",
    ],
)
def test_five_megabytes_of_garbage_take_bounded_time(filler: str) -> None:
    # Given 5 MB of adversarial text, When extraction runs
    started = time.perf_counter()
    with pytest.raises(InvalidOutput):
        extract_json_object(filler)
    # Then it gives up quickly instead of trying every brace
    assert time.perf_counter() - started < 3.0


def test_an_object_after_five_megabytes_of_prose_is_found() -> None:
    text = "x" * FIVE_MB + "\n" + OBJECT
    started = time.perf_counter()
    assert parse_output(text, Answer).title == "Engineer"
    assert time.perf_counter() - started < 3.0
