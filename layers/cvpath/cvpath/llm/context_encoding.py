"""Serialise one context block as TOON or compact JSON, whichever costs fewer tokens.

Why measure instead of always using TOON: TOON (``toon-format``, the official
implementation) folds uniform arrays of objects into a header plus CSV-like
rows, so a skills table or a list of requirements shrinks a lot. Prose-heavy
documents (a CV's bullets and summaries) gain little or nothing over compact
JSON, and the quoting TOON then needs can make it larger. So both are encoded
and counted, and the smaller one is sent; a tie goes to JSON, which every model
reads without a second thought.

Numbers: TOON writes numbers in canonical form, so ``3.0`` becomes ``3`` and
``1e3`` becomes ``1000``. The value is the same, only the spelling differs,
which is harmless in a prompt: the model reads a quantity either way. Nothing
decodes a prompt block back, so no round trip depends on it. Non-finite floats
are refused (compact JSON is encoded first with ``allow_nan=False``) rather than
silently turned into ``null`` as TOON would.

Text blocks (a job ad, extracted CV text) are sent verbatim: quoting them as a
JSON or TOON string would only add escapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import toon_format
from pydantic import BaseModel

from cvpath.llm.tokens import count_tokens

BlockEncoding = Literal["toon", "json", "text"]


@dataclass(frozen=True)
class EncodedBlock:
    """A serialised block and the measurements behind the choice."""

    text: str
    encoding: BlockEncoding
    tokens: int
    # Both candidates' counts; for a text block both equal ``tokens``.
    json_tokens: int
    toon_tokens: int


def compact_json(value: Any) -> str:
    """JSON without insignificant whitespace; non-ASCII kept as is (fewer tokens than ``\\u`` escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_block(value: Any) -> EncodedBlock:
    """Encode ``value`` for a prompt.

    ``value`` is a ``str`` (sent verbatim), a pydantic model (dumped in JSON mode,
    by alias, without ``None`` fields) or JSON-compatible data. Data that JSON
    cannot represent raises ``TypeError`` or ``ValueError``: it is a bug in the caller.
    """
    if isinstance(value, str):
        tokens = count_tokens(value)
        return EncodedBlock(value, "text", tokens, tokens, tokens)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
    as_json = compact_json(value)
    as_toon = toon_format.dumps(value)
    json_tokens = count_tokens(as_json)
    toon_tokens = count_tokens(as_toon)
    if toon_tokens < json_tokens:
        return EncodedBlock(as_toon, "toon", toon_tokens, json_tokens, toon_tokens)
    return EncodedBlock(as_json, "json", json_tokens, json_tokens, toon_tokens)
