"""Both FastAPI handlers on sample and malformed events, and the migrations function's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.config import Settings
from cvpath_admin.app import handler as admin_handler
from cvpath_api.app import handler as public_handler
from cvpath_pipeline.migrations import BUNDLED_SQL_DIR, migrations_dir

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "events"
# The stubs never read their context.
CONTEXT = LambdaContext()


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))
    return event


def test_the_admin_api_refuses_its_sample_event_without_a_token() -> None:
    response = admin_handler(load_event("admin_api.json"), CONTEXT)
    assert response["statusCode"] == 401
    assert json.loads(response["body"])["error"]["code"] == "not_authenticated"


def test_public_api_health_answers_200() -> None:
    response = public_handler(load_event("public_api.json"), CONTEXT)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}


@pytest.mark.parametrize("handler", [admin_handler, public_handler])
@pytest.mark.parametrize(
    "event",
    [{}, {"requestContext": "nonsense"}, {"requestContext": {"http": None}, "rawPath": 7}, {"rawPath": "/x"}],
)
def test_malformed_http_events_get_a_clean_error_body(handler: Any, event: dict[str, Any]) -> None:
    response = handler(event, CONTEXT)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "invalid_event"


def test_migrations_use_the_configured_folder_when_it_exists(tmp_path: Path) -> None:
    assert migrations_dir(Settings(sql_dir=tmp_path)) == tmp_path


def test_migrations_fall_back_to_the_bundled_copy_of_sql(tmp_path: Path) -> None:
    # In Lambda the layer's default <checkout>/sql resolves to /sql, which does not exist.
    assert migrations_dir(Settings(sql_dir=tmp_path / "absent")) == BUNDLED_SQL_DIR
    bundled = sorted(p.name for p in BUNDLED_SQL_DIR.glob("*.sql"))
    assert bundled
    assert bundled == sorted(p.name for p in (ROOT / "sql").glob("*.sql"))
