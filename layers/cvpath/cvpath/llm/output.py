"""Getting one JSON object out of a model's answer, then validating it.

Models wrap JSON in many ways even when told not to: Markdown fences, a polite
sentence before or after, reasoning in ``<think>...</think>`` (sometimes with
the opening tag missing because the chat template emitted it), or a second
object "for illustration". The rules, in order:

1. Reasoning blocks are removed. A closing tag before any opening tag means the
   answer began inside the reasoning, so everything up to it goes; an opening tag
   that is never closed drops everything after it.
2. The contents of fenced code blocks are tried first, then the whole text;
   an answer that starts with ``{`` is tried whole first (a fence inside one of
   its strings must not win).
3. The first ``{`` that starts a complete JSON object wins (several objects: the
   first that parses). At most ``MAX_FENCES`` fenced blocks, ``MAX_CANDIDATES``
   failed starting points and a few passes' worth of failed scanning are spent,
   and every step is linear or C-speed, so 5 MB of garbage costs a bounded,
   small time.

The object is then validated in pydantic's JSON mode (as an API body would be),
so strict models still accept ISO dates and the like given as JSON strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cvpath.errors import InvalidOutput

T = TypeVar("T", bound=BaseModel)

MAX_CANDIDATES = 64
MAX_FENCES = 16
# Failed starts may rescan the same text (a broken object nested in a broken
# object...); their total is capped at a few passes over the answer.
SCAN_FACTOR = 3
MIN_SCAN_CHARS = 1_000_000
MAX_ERRORS = 20
MAX_MESSAGE_CHARS = 200
_THINK_OPEN = re.compile(r"<think(?:ing)?\s*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think(?:ing)?\s*>", re.IGNORECASE)
_FENCE = "```"


def strip_reasoning(text: str) -> str:
    """``text`` without ``<think>``/``<thinking>`` blocks (linear time, unclosed tags handled)."""
    first_open = _THINK_OPEN.search(text)
    first_close = _THINK_CLOSE.search(text)
    if first_close is None and first_open is None:
        return text
    position = 0
    if first_close is not None and (first_open is None or first_close.start() < first_open.start()):
        position = first_close.end()  # a closing tag first: the answer started mid-reasoning
    kept: list[str] = []
    while True:
        opening = _THINK_OPEN.search(text, position)
        if opening is None:
            kept.append(text[position:])
            break
        kept.append(text[position : opening.start()])
        closing = _THINK_CLOSE.search(text, opening.end())
        if closing is None:
            break
        position = closing.end()
    return "".join(kept)


def _fenced_blocks(text: str) -> list[str]:
    """The bodies of ```...``` blocks, info string (``json``) removed; an unclosed fence runs to the end."""
    blocks: list[str] = []
    start = text.find(_FENCE)
    while start != -1 and len(blocks) < MAX_FENCES:
        body_start = start + len(_FENCE)
        end = text.find(_FENCE, body_start)
        body = text[body_start:] if end == -1 else text[body_start:end]
        first_line, newline, rest = body.partition("\n")
        # Drop an info string such as "json"; a fence opened on the same line as "{" keeps it.
        blocks.append(rest if newline and "{" not in first_line else body)
        if end == -1:
            break
        start = text.find(_FENCE, end + len(_FENCE))
    return blocks


@dataclass
class _Budget:
    """How much parsing is left: failed starts and characters scanned by failed starts."""

    candidates: int
    characters: int

    @property
    def spent(self) -> bool:
        return self.candidates <= 0 or self.characters <= 0


def _first_object(text: str, budget: _Budget) -> tuple[str | None, str | None]:
    """The first complete JSON object in ``text`` and, failing that, why the first candidate failed."""
    decoder = json.JSONDecoder()
    first_error: str | None = None
    start = text.find("{")
    while start != -1 and not budget.spent:
        try:
            _, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            first_error = first_error or f"{exc.msg} (at character {exc.pos - start} of the object)"
            budget.characters -= exc.pos - start
        except RecursionError:
            first_error = first_error or "the JSON is nested too deeply"
        else:
            return text[start:end], None
        budget.candidates -= 1
        start = text.find("{", start + 1)
    return None, first_error


def extract_json_object(text: str) -> str:
    """The JSON text of the first complete object in a model's answer.

    Raises ``InvalidOutput`` (details ``{"errors": [...]}``) when there is none.
    """
    cleaned = strip_reasoning(text)
    if not cleaned.strip():
        reason = "the answer is empty" if not text.strip() else "the answer has nothing outside its reasoning"
        raise _invalid(reason, [{"loc": "", "msg": reason}])
    budget = _Budget(MAX_CANDIDATES, SCAN_FACTOR * len(cleaned) + MIN_SCAN_CHARS)
    first_error: str | None = None
    fenced = _fenced_blocks(cleaned)
    candidates = [cleaned, *fenced] if cleaned.lstrip().startswith("{") else [*fenced, cleaned]
    for candidate in candidates:
        found, error = _first_object(candidate, budget)
        if found is not None:
            return found
        first_error = first_error or error
    reason = f"no valid JSON object: {first_error}" if first_error else "no JSON object found"
    raise _invalid(f"the answer contains {reason}", [{"loc": "", "msg": reason}])


def parse_output(text: str, output_model: type[T]) -> T:
    """Extract and validate. Raises ``InvalidOutput`` with field paths and messages in ``details``."""
    found = extract_json_object(text)
    try:
        return output_model.model_validate_json(found)
    except ValidationError as exc:
        errors = validation_errors(exc)
        raise _invalid(
            f"the JSON object does not match the schema ({exc.error_count()} errors)", errors
        ) from None


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Field paths and messages only (never the input values: CVs are personal data), capped."""
    errors: list[dict[str, str]] = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False)[:MAX_ERRORS]:
        loc = ".".join(str(part) for part in error["loc"])
        errors.append({"loc": loc, "msg": error["msg"][:MAX_MESSAGE_CHARS]})
    omitted = exc.error_count() - len(errors)
    if omitted > 0:
        errors.append({"loc": "", "msg": f"... and {omitted} more errors"})
    return errors


def _invalid(message: str, errors: list[dict[str, Any]]) -> InvalidOutput:
    return InvalidOutput(message, details={"errors": errors})
