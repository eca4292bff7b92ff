"""`cvpath users grant-admin`: how the first operator is made, and unmade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from cli_process import cli_on


def test_grant_and_revoke_the_admin_role(fresh_db_url: str, tmp_path: Path) -> None:
    cli = cli_on(fresh_db_url, tmp_path)
    created = cli("users", "create", "--email", "Root@Example.com")
    assert created.returncode == 0, created.stderr
    user_id = created.stdout.strip()

    def is_admin() -> Any:
        with psycopg.connect(fresh_db_url) as conn:
            row = conn.execute("SELECT is_admin FROM public.users WHERE id = %s", [user_id]).fetchone()
        assert row is not None
        return row[0]

    granted = cli("users", "grant-admin", "--email", "root@example.com")  # emails match case-insensitively
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == f"user {user_id}: admin"
    assert is_admin() is True
    revoked = cli("users", "grant-admin", "--email", "root@example.com", "--revoke")
    assert revoked.returncode == 0, revoked.stderr
    assert is_admin() is False

    unknown = cli("users", "grant-admin", "--email", "nobody@example.com")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: no user with the email nobody@example.com"
