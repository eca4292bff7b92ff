"""`cvpath tailor` and `cvpath trace` as a person runs them: a real process, a fresh database, moto inside."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CVPATH = str(Path(sys.executable).with_name("cvpath"))
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CV = ROOT / "examples" / "sample_cv.txt"
SAMPLE_JOB = ROOT / "examples" / "sample_job.txt"
PLATFORM_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY")


@pytest.fixture
def cli(fresh_db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {key: value for key, value in os.environ.items() if key not in PLATFORM_KEYS}
    env.update(DATABASE_URL=fresh_db_url, CVPATH_STATE_DIR=str(tmp_path / "state"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CVPATH, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False
        )

    return run


def test_tailor_prints_progress_scores_and_paths_then_trace_replays_the_history(
    cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    done = cli("tailor", "--cv", str(SAMPLE_CV), "--job", str(SAMPLE_JOB), "--out", "pack")
    assert done.returncode == 0, done.stderr
    for state in ("Admit", "CvParser", "JobParser", "Analyze", "Tailor", "Score", "Render", "Settle"):
        assert re.search(rf"^\s+{state}\s+ok\s+[\d,]+ ms", done.stdout, re.MULTILINE), state
    assert re.search(r"^score: \d+\.\d -> \d+\.\d \([+-]\d+\.\d\)$", done.stdout, re.MULTILINE)
    assert "answered by: offline/offline" in done.stdout
    assert not done.stdout.lstrip().startswith("{")  # handler JSON logs go to the log file, not here
    assert sorted(path.name for path in (tmp_path / "pack").iterdir()) == [
        "report.json",
        "report.md",
        "tailored_cv.pdf",
    ]
    run_id = json.loads((tmp_path / "pack" / "report.json").read_text())["run_id"]
    assert re.search(rf"^execution: arn:aws:states:\S+:execution:\S+:{run_id} \(SUCCEEDED", done.stdout, re.M)
    assert (tmp_path / "state" / "logs" / f"{run_id}.jsonl").stat().st_size > 0

    trace = cli("trace", run_id)
    assert trace.returncode == 0, trace.stderr
    assert "ExecutionSucceeded" in trace.stdout
    assert "ParseInputs" in trace.stdout
    assert "JobParser" in trace.stdout


@pytest.mark.parametrize(
    ("cv", "job", "expected"),
    [
        ("missing.pdf", str(SAMPLE_JOB), "ValidationFailed"),
        (str(SAMPLE_CV), "empty.txt", "ValidationFailed"),
        (str(SAMPLE_CV), "missing-job.txt", "ValidationFailed"),
    ],
)
def test_bad_input_stops_before_the_pipeline_with_a_named_error(
    cli,
    tmp_path: Path,
    cv: str,
    job: str,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    done = cli("tailor", "--cv", cv, "--job", job, "--out", "pack")
    assert done.returncode == 1
    assert f"error: {expected}" in done.stderr
    assert "before the pipeline started" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "pack").exists()


def test_a_scanned_pdf_fails_in_extract_text_and_names_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(tmp_path / "scan.pdf"))
    for row in range(30):
        page.rect(60, 760 - row * 20, 450, 10, fill=1, stroke=0)
    page.save()
    done = cli("tailor", "--cv", "scan.pdf", "--job", str(SAMPLE_JOB), "--out", "pack")
    assert done.returncode == 1
    assert "error: UnparseableCV in state ExtractText" in done.stderr
    assert re.search(r"^\s+MarkFailed\s+ok", done.stdout, re.MULTILINE)
    assert not (tmp_path / "pack").exists() or not any((tmp_path / "pack").iterdir())


def test_trace_of_an_unknown_or_malformed_run_id_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("trace", "00000000-0000-4000-8000-000000000000")
    assert unknown.returncode == 1
    assert "no execution history" in unknown.stderr
    malformed = cli("trace", "../../etc/passwd")
    assert malformed.returncode == 1
    assert "is not a run id" in malformed.stderr


def test_an_unknown_provider_is_refused_before_anything_runs(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("tailor", "--cv", str(SAMPLE_CV), "--job", str(SAMPLE_JOB), "--provider", "nope")
    assert done.returncode == 1
    assert "unknown provider 'nope'" in done.stderr
