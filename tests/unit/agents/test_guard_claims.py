"""The guard's claim finders: numbers normalised across spellings, organisation-like names."""

from __future__ import annotations

import pytest

from cvpath.agents.guard.names import name_candidates
from cvpath.agents.guard.numbers import NumberSet, number_claims
from cvpath.agents.guard.text_keys import contains_phrase, fact_key, split_sentences


def _values(text: str) -> list[tuple[str, str]]:
    return [(claim.value, claim.unit) for claim in number_claims(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Increased revenue by 45%", [("45", "%")]),
        ("Served 50K+ users", [("50000", "")]),
        ("served 50,000 users", [("50000", "")]),
        ("$1.2M in annual revenue", [("1200000", "")]),
        ("20 % faster builds", [("20", "%")]),
        ("cut costs by 30 percent", [("30", "%")]),
        ("2x throughput", [("2", "x")]),
        ("won 1st place", [("1", "ord")]),
        ("from 2019 to 2021", [("2019", ""), ("2021", "")]),
        ("5 million rows a day", [("5000000", "")]),
        ("GPA 3.67/4.0", [("3.67", ""), ("4", "")]),
    ],
)
def test_given_a_metric_when_extracted_then_value_and_unit_are_normalised(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _values(text) == expected


def test_given_digits_glued_to_letters_when_extracted_then_they_are_names_not_numbers() -> None:
    assert number_claims("Deployed to S3 and EC2 with HTML5, k8s, 3D models and v2.3.1") == []


def test_given_a_small_number_after_a_word_when_extracted_then_the_word_is_kept_as_version_context() -> None:
    claims = number_claims("Ported services to Python 3")
    assert [(claim.value, claim.version_of) for claim in claims] == [("3", "python")]


@pytest.mark.parametrize(
    ("source", "claim", "supported"),
    [
        ("served 50k users", "50K+ users", True),
        ("served 50,000 users", "50k users", True),
        ("faster by 20 %", "20% faster", True),
        ("faster by 20%", "by 20", True),
        ("faster by 20 ms", "20% faster", False),
        ("grew 3x", "grew 3", True),
        ("revenue grew", "revenue grew 45%", False),
    ],
)
def test_given_source_numbers_when_a_claim_is_checked_then_only_the_same_number_and_unit_pass(
    source: str, claim: str, supported: bool
) -> None:
    numbers = NumberSet.of([source])
    assert all(numbers.supports(item) for item in number_claims(claim)) is supported


@pytest.mark.parametrize(
    "text",
    [
        "Spearheaded Kubernetes migration",
        "Led the Data Platform team",
        "Managed Senior Engineers across North America",
        "Built REST APIs in Python",
        "Designed dashboards. Reduced costs. Improved Uptime.",
        "Presented results in January",
        "Collaborated with Cross-Functional Teams and Senior Leadership",
    ],
)
def test_given_common_capitalised_words_when_scanned_then_no_organisation_is_found(text: str) -> None:
    assert name_candidates(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Led the migration at Google", ["Google"]),
        ("Built integrations for Microsoft", ["Microsoft"]),
        ("Partnered with Goldman Sachs on payments", ["Goldman Sachs"]),
        ("Shipped features used by Acme Corp customers", ["Acme Corp"]),
        ("Worked with Bank of America", ["Bank of America"]),
        ("Won Techcrunch Disrupt for Initech", ["Techcrunch Disrupt", "Initech"]),
        ("Scaled services adopted across Initech Systems", ["Initech Systems"]),
    ],
)
def test_given_organisation_names_when_scanned_then_they_are_candidates(
    text: str, expected: list[str]
) -> None:
    assert [candidate.text for candidate in name_candidates(text)] == expected


def test_given_money_with_a_magnitude_when_scanned_then_its_letter_is_not_a_name() -> None:
    assert name_candidates("Raised $18M Series A and served 4M+ users") == []


def test_given_the_sentence_initial_word_when_scanned_then_it_never_starts_a_name() -> None:
    assert name_candidates("Spearheaded rollout. Orchestrated launch; Architected platform") == []


def test_given_prose_when_split_then_joining_and_splitting_again_is_stable() -> None:
    sentences = split_sentences("Engineer at Acme.  Builds APIs!\nLikes Python?")
    assert sentences == ["Engineer at Acme.", "Builds APIs!", "Likes Python?"]
    assert split_sentences(" ".join(sentences)) == sentences


def test_given_spellings_when_keyed_then_case_punctuation_and_spaces_do_not_matter() -> None:
    assert fact_key("  Texas  A&M University.") == fact_key("texas a m university")
    assert contains_phrase(fact_key("Worked at Texas A&M, College Station"), "texas a&m")
    assert not contains_phrase(fact_key("Worked at Texas A&M"), "A&M University")
