"""The migration runner against a real PostgreSQL."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest

from cvpath.db.migrate import discover, migrate, status
from cvpath.errors import ChecksumMismatch, MigrationError


def _snapshot(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every column of both schemas plus the tracking rows: what 'unchanged' means."""
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            """SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
               WHERE table_schema IN ('public', 'analytics_monitoring')
               ORDER BY 1, 2, 3"""
        ).fetchall()
        has_tracking = conn.execute("SELECT to_regclass('public.schema_migrations')").fetchone()
        rows: list[tuple[object, ...]] = []
        if has_tracking and has_tracking[0]:
            rows = conn.execute(
                "SELECT version, name, checksum, applied_at FROM public.schema_migrations ORDER BY 1"
            ).fetchall()
    return columns, rows


@pytest.fixture
def sql_copy(sql_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sql"
    shutil.copytree(sql_dir, target)
    return target


def test_migrations_apply_to_an_empty_database(empty_db_url: str, sql_dir: Path) -> None:
    # Given an empty database and the project's migrations
    files = discover(sql_dir)
    assert files, "the project ships migrations"
    # When the runner applies them
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        applied = migrate(conn, sql_dir)
        state = status(conn, sql_dir)
    # Then every file is applied once, in order, with its checksum
    assert [m.name for m in applied] == [m.name for m in files]
    assert [(a.name, a.checksum) for a in state.applied] == [(m.name, m.checksum) for m in files]
    assert state.up_to_date
    assert state.tables["public"]
    assert state.tables["analytics_monitoring"]


def test_second_run_changes_nothing(fresh_db_url: str, sql_dir: Path) -> None:
    before = _snapshot(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        applied = migrate(conn, sql_dir)
    assert applied == []
    assert _snapshot(fresh_db_url) == before


def test_edited_applied_file_is_refused_by_name(fresh_db_url: str, sql_copy: Path) -> None:
    # Given a database migrated from these files
    first = discover(sql_copy)[0]
    before = _snapshot(fresh_db_url)
    # When an applied file is edited afterwards
    first.path.write_text(first.sql + "\n-- an innocent-looking edit\n", encoding="utf-8")
    # Then the runner refuses, naming the file, and applies nothing
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        with pytest.raises(ChecksumMismatch, match=first.name.replace(".", r"\.")):
            migrate(conn, sql_copy)
        assert status(conn, sql_copy).changed == [first.name]
    assert _snapshot(fresh_db_url) == before


def test_malformed_new_migration_leaves_database_exactly_as_before(fresh_db_url: str, sql_copy: Path) -> None:
    # Given a migrated database and a new file whose second statement is broken
    (sql_copy / "9000.half_broken.sql").write_text(
        "CREATE TABLE public.should_not_survive (id int);\nCREATE TABLE public.oops (id int,,);\n",
        encoding="utf-8",
    )
    before = _snapshot(fresh_db_url)
    # When the runner applies it
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        with pytest.raises(MigrationError, match=r"9000\.half_broken\.sql failed and was rolled back"):
            migrate(conn, sql_copy)
        # Then it is still pending, and nothing of it exists
        assert [m.name for m in status(conn, sql_copy).pending] == ["9000.half_broken.sql"]
    assert _snapshot(fresh_db_url) == before


def test_broken_first_migration_leaves_an_empty_database_empty(empty_db_url: str, tmp_path: Path) -> None:
    (tmp_path / "0001.broken.sql").write_text("CREATE SCHEMA analytics_monitoring;\nSELEC 1;\n")
    with (
        psycopg.connect(empty_db_url, autocommit=True) as conn,
        pytest.raises(MigrationError, match=r"0001\.broken\.sql"),
    ):
        migrate(conn, tmp_path)
    columns, rows = _snapshot(empty_db_url)
    assert columns == []
    assert rows == []
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regnamespace('analytics_monitoring')").fetchone() == (None,)


def test_two_concurrent_migrators_both_succeed_and_apply_each_file_once(
    empty_db_url: str, sql_dir: Path
) -> None:
    # Given two migrators started together on an empty database
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(slot: int) -> None:
        try:
            with psycopg.connect(empty_db_url, autocommit=True) as conn:
                barrier.wait(timeout=10)
                results[slot] = [m.name for m in migrate(conn, sql_dir)]
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then both succeed, and between them every file is applied exactly once
    assert errors == []
    expected = [m.name for m in discover(sql_dir)]
    assert sorted(results[0] + results[1]) == sorted(expected)
    assert {tuple(results[0]), tuple(results[1])} == {tuple(expected), ()}
    with psycopg.connect(empty_db_url) as conn:
        versions = conn.execute("SELECT count(*), count(DISTINCT version) FROM public.schema_migrations")
        assert versions.fetchone() == (len(expected), len(expected))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("1.short.sql", "NNNN.slug.sql"),
        ("0001.Bad Name.sql", "NNNN.slug.sql"),
        ("notes.sql", "NNNN.slug.sql"),
    ],
)
def test_badly_named_files_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=reason):
        discover(tmp_path)


def test_duplicate_versions_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001.one.sql").write_text("SELECT 1;")
    (tmp_path / "0001.two.sql").write_text("SELECT 2;")
    with pytest.raises(MigrationError, match="version 0001 is also used"):
        discover(tmp_path)


def test_runner_requires_an_autocommit_connection(empty_db_url: str, sql_dir: Path) -> None:
    with psycopg.connect(empty_db_url) as conn, pytest.raises(MigrationError, match="autocommit"):
        migrate(conn, sql_dir)
