"""`cvpath render` and `cvpath extract-text` as a person runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CVPATH = str(Path(sys.executable).with_name("cvpath"))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CVPATH, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("engine", ["v1", "v2"])
def test_render_then_extract_round_trip(tmp_path: Path, engine: str) -> None:
    out = tmp_path / "out" / "cv.pdf"
    rendered = run("render", "--cv", str(EXAMPLES / "cv.json"), "--out", str(out), "--engine", engine)
    assert rendered.returncode == 0, rendered.stderr
    assert "ATS check passed" in rendered.stdout
    assert out.read_bytes().startswith(b"%PDF-")
    extracted = run("extract-text", str(out))
    assert extracted.returncode == 0, extracted.stderr
    assert "Helena Marsh" in extracted.stdout
    assert "2 page(s)" in extracted.stderr


def test_render_with_a_separate_cover_letter_writes_both_files(tmp_path: Path) -> None:
    out = tmp_path / "cv.pdf"
    result = run(
        "render", "--cv", str(EXAMPLES / "cv.json"), "--out", str(out),
        "--cover-letter", str(EXAMPLES / "cover_letter.json"), "--letter-format", "docx",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert (tmp_path / "cv.cover_letter.docx").read_bytes()[:2] == b"PK"


def test_render_docx_by_suffix(tmp_path: Path) -> None:
    out = tmp_path / "cv.docx"
    result = run("render", "--cv", str(EXAMPLES / "cv.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{broken", "not valid JSON"),
        ('{"basics": {"name": ""}}', "basics.name"),
        ("[]", "cv: Input should be a valid dictionary"),
    ],
)
def test_bad_cv_files_fail_with_one_clear_line(tmp_path: Path, content: str, expected: str) -> None:
    cv = tmp_path / "cv.json"
    cv.write_text(content)
    result = run("render", "--cv", str(cv), "--out", str(tmp_path / "cv.pdf"))
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cv.pdf").exists()


def test_extract_text_refuses_a_missing_and_a_garbage_file(tmp_path: Path) -> None:
    missing = run("extract-text", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr
    garbage = tmp_path / "cv.pdf"
    garbage.write_bytes(b"\x00\xff" * 500)
    refused = run("extract-text", str(garbage))
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: ")
    assert "Traceback" not in refused.stderr
