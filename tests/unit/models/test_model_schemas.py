"""The published JSON Schemas: snapshotted, camelCase, closed.

Run ``pytest --update-testdata`` to rewrite the snapshots after a deliberate model change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cvpath.models import json_schemas

SNAPSHOTS = Path(__file__).parent / "testdata" / "schemas"
NAMES = [
    "CV",
    "Job",
    "Analysis",
    "TailoredCV",
    "Score",
    "ValidationReport",
    "GuardReport",
    "TailorResult",
    "ComparativeScore",
]


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _objects(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield schema["title"], schema
    for name, definition in schema.get("$defs", {}).items():
        if definition.get("type") == "object":
            yield name, definition


def test_every_public_document_has_a_schema() -> None:
    assert list(json_schemas()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_schema_matches_its_snapshot(name: str, update_testdata: bool) -> None:
    rendered = _render(json_schemas()[name])
    snapshot = SNAPSHOTS / f"{name}.schema.json"
    if update_testdata:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.exists(), f"{snapshot} is missing: run pytest --update-testdata"
    assert rendered == snapshot.read_text(encoding="utf-8"), f"{name} changed: run pytest --update-testdata"


@pytest.mark.parametrize("name", NAMES)
def test_schema_properties_are_camel_case_and_closed(name: str) -> None:
    # One naming convention on the wire: a snake_case key here means a model escaped it.
    for title, definition in _objects(json_schemas()[name]):
        assert definition.get("additionalProperties") is False, title
        for key in definition["properties"]:
            assert "_" not in key, f"{title}.{key}"


def test_job_schema_uses_json_resume_names() -> None:
    properties = json_schemas()["Job"]["properties"]
    assert {"title", "company", "type", "date", "remote", "responsibilities", "qualifications"} <= set(
        properties
    )
    assert {"mustHave", "niceToHave", "minYears", "seniority"} <= set(properties)


def test_cv_schema_uses_json_resume_names() -> None:
    schema = json_schemas()["CV"]
    assert set(schema["properties"]) == {
        "$schema",
        "basics",
        "work",
        "volunteer",
        "education",
        "awards",
        "certificates",
        "publications",
        "skills",
        "languages",
        "interests",
        "references",
        "projects",
        "meta",
    }
    assert {"startDate", "endDate", "highlights", "id"} <= set(schema["$defs"]["Work"]["properties"])
    assert {"studyType", "courses"} <= set(schema["$defs"]["Education"]["properties"])
