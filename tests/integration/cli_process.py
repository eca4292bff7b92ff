"""The ``cvpath`` command as a real process on a given database, without platform LLM keys."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

CVPATH = str(Path(sys.executable).with_name("cvpath"))
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CV = ROOT / "examples" / "sample_cv.txt"
SAMPLE_JOB = ROOT / "examples" / "sample_job.txt"
PLATFORM_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY")
Cli = Callable[..., subprocess.CompletedProcess[str]]


def cli_on(database_url: str, workdir: Path) -> Cli:
    """Run ``cvpath ARGS`` in ``workdir`` against ``database_url``, with local state kept in ``workdir``."""
    env = {key: value for key, value in os.environ.items() if key not in PLATFORM_KEYS}
    env.update(DATABASE_URL=database_url, CVPATH_STATE_DIR=str(workdir / "state"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CVPATH, *args], env=env, cwd=workdir, capture_output=True, text=True, timeout=180, check=False
        )

    return run
