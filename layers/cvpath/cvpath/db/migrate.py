"""The migration runner.

Migrations are ``sql/NNNN.slug.sql`` files, applied in version order, each once,
each in its own transaction, recorded in ``public.schema_migrations`` with the
sha256 of its content. A session-level advisory lock serialises concurrent
migrators; the second one waits, then finds nothing left to do.

Why the tracking table is created inside the first migration's transaction: a
broken first file must leave an empty database exactly as empty as it was.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

from cvpath.errors import ChecksumMismatch, MigrationError

# Arbitrary but fixed: the key every CVPath migrator locks on.
ADVISORY_LOCK_KEY = 0x0C7A_7412
FILE_NAME = re.compile(r"^(?P<version>\d{4})\.(?P<slug>[a-z0-9][a-z0-9_-]*)\.sql$")
TRACKING_DDL = """
CREATE TABLE IF NOT EXISTS public.schema_migrations (
    version     integer PRIMARY KEY CHECK (version > 0),
    name        text NOT NULL UNIQUE,
    checksum    char(64) NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL CHECK (duration_ms >= 0)
)
"""
SCHEMAS = ("public", "analytics_monitoring")

Connection = psycopg.Connection[TupleRow]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    checksum: str

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    checksum: str
    applied_at: str


@dataclass
class MigrationStatus:
    applied: list[AppliedMigration] = field(default_factory=list)
    pending: list[Migration] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    tables: dict[str, list[str]] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        return not (self.pending or self.changed or self.missing)


def discover(sql_dir: Path) -> list[Migration]:
    """The migration files of ``sql_dir`` in version order, with their checksums."""
    if not sql_dir.is_dir():
        raise MigrationError(f"migration folder {sql_dir} does not exist")
    found: dict[int, Migration] = {}
    for path in sorted(sql_dir.glob("*.sql")):
        match = FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files must be named NNNN.slug.sql")
        version = int(match["version"])
        if version in found:
            raise MigrationError(f"{path.name}: version {version:04d} is also used by {found[version].name}")
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        found[version] = Migration(version, path.name, path, checksum)
    return [found[v] for v in sorted(found)]


def read_applied(conn: Connection) -> list[AppliedMigration]:
    exists = conn.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    rows = conn.execute(
        "SELECT version, name, checksum, applied_at::text FROM public.schema_migrations ORDER BY version"
    ).fetchall()
    return [AppliedMigration(*row) for row in rows]


def list_tables(conn: Connection) -> dict[str, list[str]]:
    rows = conn.execute(
        """SELECT table_schema, table_name FROM information_schema.tables
           WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'
           ORDER BY table_schema, table_name""",
        [list(SCHEMAS)],
    ).fetchall()
    tables: dict[str, list[str]] = {schema: [] for schema in SCHEMAS}
    for schema, name in rows:
        tables[schema].append(name)
    return tables


def status(conn: Connection, sql_dir: Path) -> MigrationStatus:
    """Applied, pending, edited-after-apply and vanished migrations, plus tables per schema."""
    files = discover(sql_dir)
    applied = read_applied(conn)
    by_version = {m.version: m for m in files}
    result = MigrationStatus(applied=applied, tables=list_tables(conn))
    applied_versions = set()
    for row in applied:
        applied_versions.add(row.version)
        current = by_version.get(row.version)
        if current is None:
            result.missing.append(row.name)
        elif current.checksum != row.checksum.strip() or current.name != row.name:
            result.changed.append(row.name)
    result.pending = [m for m in files if m.version not in applied_versions]
    return result


def migrate(
    conn: Connection,
    sql_dir: Path,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> list[Migration]:
    """Apply every pending migration; return the ones applied by this call.

    ``conn`` must be in autocommit mode: each file gets its own transaction here.
    Refuses to run when an applied file was edited (``ChecksumMismatch``).
    """
    if not conn.autocommit:
        raise MigrationError("the migration runner needs an autocommit connection")
    report = on_progress or (lambda _msg: None)
    conn.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
    try:
        current = status(conn, sql_dir)
        if current.changed:
            raise ChecksumMismatch(
                f"applied migration {current.changed[0]} was edited after it was applied; "
                "add a new migration instead of changing an applied one",
                details={"files": current.changed},
            )
        applied: list[Migration] = []
        for migration in current.pending:
            report(f"applying {migration.name}")
            _apply_one(conn, migration)
            applied.append(migration)
        return applied
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


def _apply_one(conn: Connection, migration: Migration) -> None:
    started = time.perf_counter()
    try:
        with conn.transaction():
            conn.execute(TRACKING_DDL)
            # No parameters: psycopg sends the file with the simple query
            # protocol, which accepts several statements and $$-quoted bodies.
            conn.execute(migration.sql.encode("utf-8"))
            conn.execute(
                "INSERT INTO public.schema_migrations (version, name, checksum, duration_ms)"
                " VALUES (%s, %s, %s, %s)",
                [
                    migration.version,
                    migration.name,
                    migration.checksum,
                    int((time.perf_counter() - started) * 1000),
                ],
            )
    except psycopg.Error as exc:
        diag = exc.diag
        where = f" (at character {diag.statement_position})" if diag.statement_position else ""
        raise MigrationError(
            f"{migration.name} failed and was rolled back: {diag.message_primary or exc}{where}",
            details={"file": migration.name, "sqlstate": diag.sqlstate},
        ) from None
