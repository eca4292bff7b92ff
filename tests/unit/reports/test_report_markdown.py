"""report.md from hand-built reports: the sections, the gaps with evidence, escaping, empty sections."""

from __future__ import annotations

from typing import Any

import pytest

from cvpath.reports import render_markdown
from cvpath.reports.markdown_text import amount, escape


def report(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "report_version": 1,
        "run_id": "run-1",
        "status": "SUCCEEDED",
        "cv": {
            "basics": {"name": "Ada *Lovelace*", "summary": "Engineer."},
            "work": [
                {"name": "Acme", "highlights": ["a", "b", "c"]},
                {"name": "Old Co", "highlights": ["d"]},
            ],
            "education": [],
            "skills": [],
        },
        "job": {
            "title": "Data Engineer",
            "company": "Acme | Co",
            "mustHave": [
                {"id": "req-1", "text": "Python"},
                {"id": "req-2", "text": "Kafka_streams"},
                {"id": "req-3", "text": "SQL"},
            ],
            "niceToHave": [{"id": "req-4", "text": "Go"}],
        },
        "analysis": {
            "requirements": [
                {
                    "requirementId": "req-1",
                    "status": "met",
                    "evidence": [{"sourceId": "b1", "quote": "Python"}],
                },
                {"requirementId": "req-2", "status": "missing", "evidence": []},
                {
                    "requirementId": "req-3",
                    "status": "partial",
                    "evidence": [{"sourceId": "b2", "quote": "Wrote [some] SQL"}],
                },
                {"requirementId": "req-4", "status": "missing", "evidence": []},
            ]
        },
        "tailored_cv": {
            "basics": {"name": "Ada *Lovelace*", "summary": "Data engineer."},
            "work": [{"name": "Acme", "highlights": [{"text": "a"}, {"text": "c"}]}],
            "sectionOrder": ["summary", "work"],
        },
        "guard_report": {
            "findings": [
                {
                    "kind": "number",
                    "path": "work.0.highlights.1",
                    "value": "cut costs by 90%",
                    "action": "removed",
                    "reason": "90% is not in the source CV",
                }
            ]
        },
        "score_before": {"overall": 50.0, "dimensions": [{"name": "skills", "weight": 0.6, "value": 40.0}]},
        "score_after": {"overall": 62.5, "dimensions": [{"name": "skills", "weight": 0.6, "value": 60.0}]},
        "score_delta": 12.5,
        "cover_letter": None,
        "costs": {
            "total": "0.0012000000",
            "currency": "USD",
            "by_agent": [
                {
                    "agent": "CV_PARSER",
                    "provider": "openai",
                    "model": "gpt-4.1-mini",
                    "attempts": 2,
                    "answered": 1,
                    "errors": ["provider_unavailable"],
                    "input_tokens": 900,
                    "output_tokens": 100,
                    "cost": "0.0012000000",
                },
                {
                    "agent": "CV_PARSER",
                    "provider": "anthropic",
                    "model": "claude-3-5-haiku-latest",
                    "attempts": 1,
                    "answered": 0,
                    "errors": ["missing_key"],
                    "input_tokens": 0,
                    "output_tokens": 0,
                    "cost": "0",
                },
            ],
        },
        "states": [{"name": "Admit", "status": "SUCCEEDED", "duration_ms": 12, "attempts": 1}],
        "error": None,
        "artifacts": ["tailored_cv.pdf"],
    }
    return {**base, **overrides}


def test_the_title_names_candidate_job_and_company_with_markup_escaped() -> None:
    first = render_markdown(report()).splitlines()[0]
    assert first == "# Ada \\*Lovelace\\* \u2192 Data Engineer at Acme \\| Co"


def test_the_score_line_and_dimension_table() -> None:
    text = render_markdown(report())
    assert "**50.0 \u2192 62.5** (+12.5)" in text
    assert "| skills | 60% | 40.0 | 60.0 | +20.0 |" in text


def test_gaps_show_what_the_job_asks_and_what_the_cv_shows_or_lacks() -> None:
    lines = render_markdown(report()).splitlines()
    gaps = [line for line in lines if line.startswith("- **")]
    # must-have missing, then must-have partial, then nice-to-have; a met requirement is no gap
    assert gaps == [
        "- **Kafka\\_streams** (must-have, missing): the CV does not show it",
        "- **SQL** (must-have, partial): the CV shows only \u201cWrote \\[some\\] SQL\u201d",
        "- **Go** (nice-to-have, missing): the CV does not show it",
    ]


def test_tailor_changes_and_guard_removals_are_listed() -> None:
    text = render_markdown(report())
    assert "- Sections shown, in order: summary, work" in text
    assert "- Work: 1 of 2 entries kept, 2 of 4 bullets" in text
    assert "- Summary: rewritten" in text
    assert (
        "- number at work.0.highlights.1: \u201ccut costs by 90%\u201d removed (90% is not in the source CV)"
        in text
    )


def test_costs_and_states_tables() -> None:
    text = render_markdown(report())
    assert "Total: $0.001200 USD" in text
    assert "| CV\\_PARSER | openai | gpt-4.1-mini | 2 | answered | 900 | 100 | $0.001200 |" in text
    assert (
        "| CV\\_PARSER | anthropic | claude-3-5-haiku-latest | 1 | skipped: missing\\_key | 0 | 0 |" in text
    )
    assert "| Admit | SUCCEEDED | 12 ms | 1 |" in text
    assert "- tailored\\_cv.pdf" in text


def test_empty_sections_say_so() -> None:
    empty = report(
        cv=None,
        job=None,
        analysis=None,
        tailored_cv=None,
        guard_report=None,
        score_before=None,
        score_after=None,
        score_delta=None,
        costs={"total": "0", "currency": "USD", "by_agent": []},
        states=[],
        artifacts=[],
        status="FAILED",
        error={"code": "UnparseableCV", "message": "no <b>name</b>", "state": "ParseInputs"},
    )
    text = render_markdown(empty)
    assert text.splitlines()[0] == "# Unnamed candidate \u2192 an unparsed job"
    assert "> **Failed in ParseInputs** (UnparseableCV): no \\<b\\>name\\</b\\>" in text
    for sentence in (
        "No score: the run did not reach the scorer.",
        "No analysis: the run did not reach the job analyzer.",
        "No tailored CV: the run did not reach the tailor.",
        "No guard report: the run did not reach the tailor.",
        "No LLM calls were recorded.",
        "No state timings were recorded.",
        "No files were written.",
    ):
        assert sentence in text


def test_no_gaps_and_a_clean_guard() -> None:
    analysis = {"requirements": [{"requirementId": "req-1", "status": "met", "evidence": []}]}
    text = render_markdown(report(analysis=analysis, guard_report={"findings": []}))
    assert "No gaps: the CV shows every requirement the job lists." in text
    assert "Nothing: every claim in the tailored CV traces back to the source CV." in text


def test_a_long_requirement_is_shortened_in_the_summary() -> None:
    job = {"title": "T", "mustHave": [{"id": "r", "text": "word " * 100}], "niceToHave": []}
    analysis = {"requirements": [{"requirementId": "r", "status": "missing", "evidence": []}]}
    gap = next(
        line
        for line in render_markdown(report(job=job, analysis=analysis)).splitlines()
        if line.startswith("- **")
    )
    assert len(gap) < 220
    assert "\u2026" in gap


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("C# | F#", "C# \\| F#"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("snake_case *bold* `code` ~x~", "snake\\_case \\*bold\\* \\`code\\` \\~x\\~"),
        ("back\\slash", "back\\\\slash"),
        ("R&D &copy; &#169;", "R&D &amp;copy; &amp;#169;"),
        ("two\nlines\t here", "two lines here"),
        (42, "42"),
    ],
)
def test_escape(raw: object, escaped: str) -> None:
    assert escape(raw) == escaped


def test_amount_formats_decimal_strings_and_escapes_anything_else() -> None:
    assert amount("0E-10") == "$0.000000"
    assert amount("1.5") == "$1.500000"
    assert amount("n/a_x") == "n/a\\_x"
