"""Invariants of the bundled skill data (skills.json) and of the loader that checks it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from cvpath.agents.taxonomy import DOMAINS, get_taxonomy
from cvpath.agents.taxonomy.data import build
from cvpath.agents.taxonomy.keys import name_key
from cvpath.errors import ConfigurationError

REQUIRED_DOMAINS = {"tech", "data", "business", "health", "education", "trades", "language"}


def _raw() -> dict[str, Any]:
    text = resources.files("cvpath.agents.taxonomy").joinpath("skills.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_given_bundled_data_then_it_holds_at_least_1500_distinct_skills() -> None:
    tax = get_taxonomy()
    canonicals = [info.canonical for info in tax.skills]
    assert len(tax) >= 1500
    assert len(set(canonicals)) == len(canonicals)


def test_given_every_name_then_no_spelling_maps_to_two_skills() -> None:
    owner: dict[str, str] = {}
    for family in _raw()["families"]:
        for row in family["skills"]:
            for name in row:
                key = name_key(name)
                assert owner.setdefault(key, row[0]) == row[0], f"{name!r}: {owner[key]} and {row[0]}"


def test_given_every_skill_then_family_and_domain_are_set_and_known() -> None:
    tax = get_taxonomy()
    for info in tax.skills:
        assert info.family.strip()
        assert info.domain in DOMAINS
        assert tax.canonical(info.canonical) == info.canonical
        for alias in info.aliases:
            assert tax.canonical(alias) == info.canonical, alias


def test_given_the_domains_then_every_required_field_is_covered_with_real_depth() -> None:
    per_domain: dict[str, int] = {}
    for info in get_taxonomy().skills:
        per_domain[info.domain] = per_domain.get(info.domain, 0) + 1
    assert per_domain.keys() >= REQUIRED_DOMAINS
    assert all(per_domain[domain] >= 40 for domain in REQUIRED_DOMAINS), per_domain


def test_given_the_families_then_each_has_members_and_lists_them_sorted() -> None:
    tax = get_taxonomy()
    families = tax.families()
    assert len(families) >= 50
    for family in families:
        members = tax.family_members(family)
        assert members
        assert list(members) == sorted(members, key=str.casefold)
    assert tax.family_members("no such family") == ()


def test_given_guarded_and_case_sensitive_lists_then_every_entry_names_a_skill() -> None:
    raw = _raw()
    forms = {name for family in raw["families"] for row in family["skills"] for name in row}
    assert {"Go", "R", "C", "Swift", "Rust", "Spring", "Make", "Chef", "Puppet"} <= set(raw["guarded"])
    assert set(raw["guarded"]) <= forms
    assert set(raw["case_sensitive"]) <= forms


def _one_family(*rows: list[str], **extra: Any) -> dict[str, Any]:
    return {"families": [{"family": "test", "domain": "tech", "skills": list(rows)}], **extra}


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        (_one_family(["Java", "JVM"], ["Kotlin", "jvm"]), "two skills share a name"),
        (_one_family(["Java"], ["Java"]), "listed twice"),
        (_one_family([]), "empty"),
        ({"families": ["frontend"]}, "object"),
        (_one_family(["Java"], guarded=["Go"]), "no skill uses"),
        (_one_family(["C (language)"]), "punctuation"),
        ({"families": [{"family": "x", "domain": "astrology", "skills": [["Tarot"]]}]}, "known domain"),
        ({"families": []}, "non-empty"),
    ],
)
def test_given_broken_data_when_built_then_configuration_error_names_the_rule(
    raw: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        build(raw)
