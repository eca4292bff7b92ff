"""cvpath.cv_growth: the change entry between two versions of a CV (pure, deterministic)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cvpath.cv_growth import MAX_ITEM_CHARS, MAX_ITEMS, growth_entry
from cvpath.models import cv_from_json_resume

AT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "cv.json").read_text(encoding="utf-8")
)
NOTHING: dict[str, list[str]] = {"skills": [], "work": [], "education": [], "certificates": []}


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    return cv_from_json_resume(document).model_dump(mode="json")


def test_given_a_first_version_then_everything_is_added() -> None:
    content = canonical(EXAMPLE)
    entry = growth_entry(None, content, version=1, at=AT, source_format="JSON_RESUME")
    assert (entry["version"], entry["at"], entry["source_format"]) == (
        1,
        "2026-03-01T12:30:00+00:00",
        "JSON_RESUME",
    )
    assert entry["removed"] == NOTHING
    assert entry["added"]["work"][0] == "Senior Data Platform Engineer, Northwind Logistics"
    assert len(entry["added"]["work"]) == len(EXAMPLE["work"])
    assert entry["added"]["skills"], "the keywords of each skill group"
    assert entry["summary"] == "first version: 24 skills, 3 jobs, 2 education entries, 3 certificates"
    assert entry["changed_sections"][0] == "basics"
    assert "meta" not in entry["changed_sections"]


def test_given_the_same_inputs_then_the_same_entry() -> None:
    before, after = canonical(EXAMPLE), canonical({**EXAMPLE, "skills": []})
    first = growth_entry(before, after, version=2, at=AT, source_format="BUILDER")
    second = growth_entry(before, after, version=2, at=AT, source_format="BUILDER")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_given_added_and_removed_items_then_each_is_named_once_ignoring_case_and_spacing() -> None:
    before = {
        "skills": [{"name": "Languages", "keywords": ["Python", "SQL"]}, {"name": "Leadership"}],
        "education": [{"institution": "TU Delft", "studyType": "MSc", "area": "Computer Science"}],
        "certificates": [{"name": "CKA", "issuer": "CNCF"}],
    }
    after = {
        "skills": [{"name": "Languages", "keywords": ["python", "Rust", " Rust "]}, {"name": "Leadership"}],
        "education": [{"institution": "TU Delft", "studyType": "MSc", "area": "Computer Science"}],
        "work": [{"name": "Acme", "position": "Staff Engineer"}],
    }
    entry = growth_entry(before, after, version=4, at=AT, source_format="PDF")
    assert entry["added"] == {**NOTHING, "skills": ["Rust"], "work": ["Staff Engineer, Acme"]}
    assert entry["removed"] == {**NOTHING, "skills": ["SQL"], "certificates": ["CKA, CNCF"]}
    assert entry["changed_sections"] == ["work", "certificates", "skills"]
    assert entry["summary"] == (
        "added 1 skill, 1 job; removed 1 skill, 1 certificate; changed work, certificates, skills"
    )


def test_given_only_other_sections_change_then_they_are_listed_without_items() -> None:
    before = {"basics": {"name": "A"}, "skills": []}
    after = {"basics": {"name": "A", "summary": "New"}, "projects": [{"name": "P"}]}
    entry = growth_entry(before, after, version=2, at=AT, source_format="BUILDER")
    assert (entry["added"], entry["removed"]) == (NOTHING, NOTHING)
    assert entry["changed_sections"] == ["basics", "projects"]
    assert entry["summary"] == "changed basics, projects"
    # An empty list and an absent section are the same nothing.
    assert growth_entry(before, before | {"work": []}, version=3, at=AT, source_format="BUILDER")[
        "summary"
    ] == ("no change in content")


def test_given_a_skills_dump_then_the_lists_are_capped_but_the_summary_counts_all() -> None:
    many = [f"Skill {n} " + "x" * 300 for n in range(MAX_ITEMS + 25)]
    entry = growth_entry(
        {"skills": []},
        {"skills": [{"name": "All", "keywords": many}]},
        version=2,
        at=AT,
        source_format="TEXT",
    )
    assert len(entry["added"]["skills"]) == MAX_ITEMS
    assert all(len(item) == MAX_ITEM_CHARS for item in entry["added"]["skills"])
    assert entry["summary"].startswith(f"added {MAX_ITEMS + 25} skills")


def test_given_odd_shapes_then_they_are_ignored_not_fatal() -> None:
    weird: dict[str, Any] = {
        "skills": "SQL",
        "work": [None, 3, {"position": None, "name": ""}],
        "education": {},
    }
    entry = growth_entry(None, weird, version=1, at=AT, source_format="BUILDER")
    assert entry["added"] == NOTHING
    assert entry["summary"] == "first version"
