"""`cvpath db ...` as a person runs it: a real process, a real database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cvpath.db.migrate import discover

CVPATH = str(Path(sys.executable).with_name("cvpath"))
CANARY = "CANARY-pw-7f3a9c1e"


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([CVPATH, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def blackhole_port() -> Iterator[int]:
    """A TCP port that completes the handshake (backlog) but never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_status_then_migrate_then_status(empty_db_url: str, sql_dir: Path) -> None:
    names = [m.name for m in discover(sql_dir)]
    # Given an empty database, status lists every migration as pending
    before = run_cli("db", "status", database_url=empty_db_url)
    assert before.returncode == 0, before.stderr
    assert "applied migrations (0):" in before.stdout
    assert f"pending migrations ({len(names)}):" in before.stdout
    assert all(f"  {name}" in before.stdout for name in names)
    assert "status: NOT up to date" in before.stdout
    # When migrate runs
    migrated = run_cli("db", "migrate", database_url=empty_db_url)
    assert migrated.returncode == 0, migrated.stderr
    assert f"applied {len(names)} migration(s)" in migrated.stdout
    # Then status shows them applied and the tables of both schemas
    after = run_cli("db", "status", database_url=empty_db_url)
    assert after.returncode == 0, after.stderr
    assert f"applied migrations ({len(names)}):" in after.stdout
    assert "pending migrations (0):" in after.stdout
    assert "public.users" in after.stdout
    assert "analytics_monitoring.llm_generation_logs" in after.stdout
    assert "status: up to date" in after.stdout
    # And a second migrate is a no-op
    again = run_cli("db", "migrate", database_url=empty_db_url)
    assert again.returncode == 0
    assert "nothing to apply" in again.stdout


def test_url_prints_the_url_in_use(empty_db_url: str) -> None:
    result = run_cli("db", "url", database_url=empty_db_url)
    assert result.returncode == 0
    assert result.stdout.strip() == empty_db_url


def test_migrate_refused_connection_fails_fast_and_clearly(closed_port: int) -> None:
    url = f"postgresql://cvpath:{CANARY}@127.0.0.1:{closed_port}/cvpath"
    started = time.monotonic()
    result = run_cli("db", "migrate", database_url=url)
    assert time.monotonic() - started < 10
    assert result.returncode == 1
    assert f"127.0.0.1:{closed_port}" in result.stderr
    assert "refused" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert CANARY not in result.stdout + result.stderr


def test_migrate_against_a_silent_server_times_out_under_ten_seconds(blackhole_port: int) -> None:
    url = f"postgresql://cvpath:{CANARY}@127.0.0.1:{blackhole_port}/cvpath"
    started = time.monotonic()
    result = run_cli("db", "migrate", database_url=url)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert result.returncode == 1
    assert f"127.0.0.1:{blackhole_port}" in result.stderr
    assert "timeout" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert CANARY not in result.stdout + result.stderr


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["db", "--help"],
        ["db", "migrate", "--help"],
        ["db", "status", "--help"],
        ["db", "url", "--help"],
        ["db", "stop", "--help"],
    ):
        result = subprocess.run([CVPATH, *args], capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 0, args
        assert "Usage:" in result.stdout
