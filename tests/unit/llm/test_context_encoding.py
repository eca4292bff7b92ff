"""TOON or compact JSON, per block, by measured token count."""

from __future__ import annotations

import json
import math

import pytest
import toon_format
from structured_samples import SAMPLE_RESUME, SKILLS, prose_cv

from cvpath.llm.context_encoding import compact_json, encode_block
from cvpath.llm.tokens import count_tokens
from cvpath.models import cv_from_json_resume


def test_toon_wins_on_a_tabular_skills_list() -> None:
    # Given a uniform list of skill rows, When it is encoded
    block = encode_block({"skills": SKILLS})
    # Then TOON is chosen because it is measurably smaller, and the text is TOON's
    assert block.encoding == "toon"
    assert block.toon_tokens < block.json_tokens
    assert block.tokens == block.toon_tokens == count_tokens(block.text)
    assert block.text == toon_format.dumps({"skills": SKILLS})
    assert block.text.startswith("skills[10]{name,level,years}:")


def test_json_wins_on_a_prose_heavy_cv() -> None:
    # Given a CV made mostly of sentences, When it is encoded
    cv = prose_cv()
    block = encode_block(cv)
    # Then compact JSON is chosen because TOON is not smaller
    assert block.encoding == "json"
    assert block.json_tokens <= block.toon_tokens
    assert block.toon_tokens == count_tokens(toon_format.dumps(cv))
    assert block.text == compact_json(cv)
    assert json.loads(block.text) == cv


def test_text_blocks_are_sent_verbatim() -> None:
    job_ad = "Senior engineer, Lisbon.\nYou will build: pipelines, APIs."
    block = encode_block(job_ad)
    assert (block.encoding, block.text) == ("text", job_ad)
    assert block.tokens == block.json_tokens == block.toon_tokens == count_tokens(job_ad)


def test_pydantic_models_are_dumped_by_alias() -> None:
    raw = json.loads(SAMPLE_RESUME.read_text(encoding="utf-8"))
    block = encode_block(cv_from_json_resume(raw))
    assert "startDate" in block.text
    assert "start_date" not in block.text


def test_toon_writes_numbers_in_canonical_form() -> None:
    # Given float values with a zero fraction in a table that TOON wins
    rows = [{"skill": f"s{i}", "years": float(i)} for i in range(12)]
    block = encode_block(rows)
    # Then 3.0 is written 3: the same quantity, a different spelling (harmless in a prompt)
    assert block.encoding == "toon"
    assert "s3,3\n" in block.text
    assert toon_format.loads(block.text)[3] == {"skill": "s3", "years": 3}


def test_non_finite_numbers_are_refused_not_nulled() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        encode_block({"score": math.nan})


def test_ties_go_to_json() -> None:
    # A bare number encodes to the same token in both
    block = encode_block(7)
    assert block.json_tokens == block.toon_tokens
    assert block.encoding == "json"
