"""Helpers for the render tests: sample inputs and three independent PDF text extractors."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cvpath.models import CV, cv_from_json_resume
from cvpath_render import CoverLetter, load_cover_letter

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
TESTDATA = Path(__file__).parent / "testdata"


def example_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "cv.json").read_text(encoding="utf-8"))
    return data


def example_cv() -> CV:
    return cv_from_json_resume(example_document())


def example_letter() -> CoverLetter:
    return load_cover_letter(json.loads((EXAMPLES / "cover_letter.json").read_text(encoding="utf-8")))


def small_cv(**sections: Any) -> CV:
    """A CV with a name, one job and whatever JSON Resume ``sections`` are given (they win)."""
    document: dict[str, Any] = {
        "basics": {"name": "Ada Example", "email": "ada@example.com"},
        "work": [
            {
                "name": "Example Works",
                "position": "Engineer",
                "startDate": "2020-01",
                "highlights": ["Shipped the efficient office planner."],
            }
        ],
    }
    document.update(sections)
    return cv_from_json_resume(document)


def pypdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdfminer_text(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(pdf)))


def pdftotext_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True, timeout=60
        )
    return done.stdout.decode("utf-8")


EXTRACTORS = {"pypdf": pypdf_text, "pdfminer": pdfminer_text, "pdftotext": pdftotext_text}


def squashed(text: str) -> str:
    return "".join(text.split())


def in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces that are *not* found in ``text`` in the given order (whitespace ignored)."""
    haystack, cursor, missing = squashed(text), 0, []
    for piece in pieces:
        found = haystack.find(squashed(piece), cursor)
        if found < 0:
            missing.append(piece)
        else:
            cursor = found + len(squashed(piece))
    return missing
