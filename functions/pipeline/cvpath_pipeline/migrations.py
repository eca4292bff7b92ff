"""One-shot Lambda: apply the pending ``sql/`` migrations to the configured database.

Invoke it once after every deploy (the command is in template.yaml, beside
MigrationsFunction). It is safe to run twice or concurrently: the runner takes an
advisory lock, applies each file once in its own transaction and refuses to run
when an applied file was edited (``ChecksumMismatch``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from cvpath.config import Settings, get_settings
from cvpath.db.migrate import migrate, status
from cvpath.db.pool import connect

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="pipeline")

# A symlink to <checkout>/sql in the source tree; `sam build` copies the files it points to,
# so the deployed package carries the migrations beside this module.
BUNDLED_SQL_DIR = Path(__file__).resolve().parent / "sql"


def migrations_dir(settings: Settings) -> Path:
    """Where the migration files are: ``settings.sql_dir`` when it exists, else the bundled copy.

    Why: in Lambda the layer's default (``<checkout>/sql``) resolves to ``/sql``,
    which does not exist; locally and in tests ``settings.sql_dir`` is the one to use.
    """
    return settings.sql_dir if settings.sql_dir.is_dir() else BUNDLED_SQL_DIR


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sql_dir = migrations_dir(get_settings())
    with connect(autocommit=True) as conn:
        applied = migrate(conn, sql_dir, on_progress=logger.info)
        current = status(conn, sql_dir)
    logger.info("migrations done", extra={"applied": len(applied), "up_to_date": current.up_to_date})
    return {
        "applied": [migration.name for migration in applied],
        "applied_versions": [migration.version for migration in applied],
        "current_version": max((row.version for row in current.applied), default=0),
        "up_to_date": current.up_to_date,
    }
