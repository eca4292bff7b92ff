"""Tiers through the CLI, as a person runs them: a FREE user's sixth run of the day is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_process import SAMPLE_CV, SAMPLE_JOB, Cli, cli_on


@pytest.fixture
def cli(fresh_db_url: str, tmp_path: Path) -> Cli:
    return cli_on(fresh_db_url, tmp_path)


def test_a_free_user_is_refused_on_the_sixth_run_of_the_day(cli: Cli, tmp_path: Path) -> None:
    created = cli("users", "create", "--email", "free-runner@example.com")
    assert created.returncode == 0, created.stderr
    user = created.stdout.strip()
    for number in range(1, 6):
        done = cli(
            "tailor",
            "--cv",
            str(SAMPLE_CV),
            "--job",
            str(SAMPLE_JOB),
            "--out",
            f"run{number}",
            "--user",
            user,
        )
        assert done.returncode == 0, (number, done.stderr)
    sixth = cli("tailor", "--cv", str(SAMPLE_CV), "--job", str(SAMPLE_JOB), "--out", "run6", "--user", user)
    assert sixth.returncode == 1
    assert re.search(
        r"^run rejected: QuotaExceeded in state Admit: daily limit of 5 runs reached;"
        r" it resets at \d{4}-\d\d-\d\dT00:00:00",
        sixth.stderr,
        re.MULTILINE,
    ), sixth.stderr
    assert re.search(r"^\s+Admit\s+FAILED", sixth.stdout, re.MULTILINE)
    assert "CvParser" not in sixth.stdout  # refused before any agent or provider
    assert not (tmp_path / "run6").exists() or not any((tmp_path / "run6").iterdir())
    verified = cli("billing", "verify")
    assert verified.returncode == 0, verified.stderr
