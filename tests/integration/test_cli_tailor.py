"""`cvpath tailor` and `cvpath trace` as a person runs them: a real process, a fresh database, moto inside."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_process import SAMPLE_CV, SAMPLE_JOB, Cli, cli_on


@pytest.fixture
def cli(fresh_db_url: str, tmp_path: Path) -> Cli:
    return cli_on(fresh_db_url, tmp_path)


def test_tailor_prints_progress_scores_and_paths_then_trace_replays_the_history(
    cli: Cli,
    tmp_path: Path,
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
    cli: Cli,
    tmp_path: Path,
    cv: str,
    job: str,
    expected: str,
) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    done = cli("tailor", "--cv", cv, "--job", job, "--out", "pack")
    assert done.returncode == 1
    assert f"error: {expected}" in done.stderr
    assert "before the pipeline started" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "pack").exists()


def test_a_scanned_pdf_fails_in_extract_text_and_names_it(cli: Cli, tmp_path: Path) -> None:
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


def test_trace_of_an_unknown_or_malformed_run_id_is_a_clear_error(cli: Cli) -> None:
    unknown = cli("trace", "00000000-0000-4000-8000-000000000000")
    assert unknown.returncode == 1
    assert "no execution history" in unknown.stderr
    malformed = cli("trace", "../../etc/passwd")
    assert malformed.returncode == 1
    assert "is not a run id" in malformed.stderr


def test_an_unknown_provider_is_refused_before_anything_runs(cli: Cli) -> None:
    done = cli("tailor", "--cv", str(SAMPLE_CV), "--job", str(SAMPLE_JOB), "--provider", "nope")
    assert done.returncode == 1
    assert "unknown provider 'nope'" in done.stderr
