"""Score insights: the refresh procedure of 0012 over seeded COMPARATIVE_SCORER outputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from usage_seed import scored_run

from cvpath.errors import ValidationFailed
from cvpath.telemetry.aggregation import refresh_pattern_insights

START = datetime(2031, 5, 1, tzinfo=UTC)
END = datetime(2031, 6, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_the_test_transaction(conn: psycopg.Connection[Any]) -> None:
    """Open the rolled-back transaction first: otherwise the code's own transaction block would commit."""
    conn.execute("SELECT 1")


def _seed(conn: psycopg.Connection[Any]) -> None:
    at = START + timedelta(days=3)
    for title in ("Senior Backend Engineer (m/f/d)", "Backend Engineer II", "backend engineer"):
        scored_run(
            conn,
            at,
            title=title,
            company=" Acme ",
            before=50,
            after=70,
            missing=[("Kubernetes", ["Kubernetes"]), ("Go", [])],
        )
    scored_run(conn, at, title="Data Scientist", company="Other", before=80, after=90)
    # Outside the period: must not count.
    scored_run(conn, END, title="Backend Engineer", company="Acme", before=0, after=0, missing=[("Go", [])])


def _insights(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    rows = conn.execute(
        """SELECT insight_type, subject, metrics, sample_size, confidence::float, agent::text, summary
           FROM analytics_monitoring.pattern_insights WHERE period_start = %s AND period_end = %s""",
        [START, END],
    ).fetchall()
    return {
        (kind, subject): {"metrics": m, "n": n, "confidence": c, "agent": a, "summary": s}
        for kind, subject, m, n, c, a, s in rows
    }


def test_given_scored_runs_when_refreshed_then_families_companies_and_missing_skills_get_their_lift(
    conn: psycopg.Connection[Any],
) -> None:
    _seed(conn)

    written = refresh_pattern_insights(conn, START, END, min_sample=3)

    found = _insights(conn)
    assert written == 4
    assert set(found) == {
        ("JOB_FAMILY_SCORE", "backend engineer"),
        ("COMPANY_SCORE", "acme"),
        ("SKILL_GAP", "kubernetes"),
        ("SKILL_GAP", "go"),  # a skill requirement without keywords counts by its text
    }
    metrics = found[("SKILL_GAP", "kubernetes")]["metrics"]
    # Baseline over the four runs of May: before (3*50+80)/4 = 57.5, after (3*70+90)/4 = 75.
    assert metrics["runs"] == 3
    assert float(metrics["avg_score_before"]) == 50.0
    assert float(metrics["avg_score_after"]) == 70.0
    assert float(metrics["avg_delta"]) == 20.0
    assert metrics["baseline_runs"] == 4
    assert float(metrics["baseline_avg_score_after"]) == 75.0
    assert float(metrics["lift_after"]) == -5.0
    assert float(metrics["lift_before"]) == -7.5
    assert float(metrics["share_of_runs"]) == 0.75
    family = found[("JOB_FAMILY_SCORE", "backend engineer")]
    assert family["n"] == 3
    assert family["confidence"] == pytest.approx(3 / 13, abs=0.001)
    assert family["agent"] == "COMPARATIVE_SCORER"
    assert "-5.0" in family["summary"]


def test_given_a_lower_minimum_sample_then_smaller_groups_appear_too(conn: psycopg.Connection[Any]) -> None:
    _seed(conn)
    refresh_pattern_insights(conn, START, END, min_sample=1)
    found = _insights(conn)
    assert ("COMPANY_SCORE", "other") in found
    assert float(found[("JOB_FAMILY_SCORE", "data scientist")]["metrics"]["lift_after"]) == 15.0
    assert ("SKILL_GAP", "python") not in found  # met, not missing


def test_given_a_refreshed_period_when_refreshed_again_then_the_same_insights_replace_the_old(
    conn: psycopg.Connection[Any],
) -> None:
    _seed(conn)
    conn.execute(
        """INSERT INTO analytics_monitoring.pattern_insights (insight_type, subject, period_start, period_end)
           VALUES ('FUNNEL_DROP', 'signup', %s, %s)""",
        [START, END],
    )
    refresh_pattern_insights(conn, START, END)
    first = _insights(conn)

    again = refresh_pattern_insights(conn, START, END)

    assert again == 4
    assert _insights(conn) == first
    assert ("FUNNEL_DROP", "signup") in first  # another producer's insight is left alone


def test_given_no_scored_runs_then_nothing_is_written(conn: psycopg.Connection[Any]) -> None:
    assert (
        refresh_pattern_insights(conn, datetime(2040, 1, 1, tzinfo=UTC), datetime(2040, 2, 1, tzinfo=UTC))
        == 0
    )


def test_bad_periods_and_samples_are_refused(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(ValidationFailed):
        refresh_pattern_insights(conn, END, START)
    with pytest.raises(ValidationFailed):
        refresh_pattern_insights(conn, START, END, min_sample=0)
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("SELECT analytics_monitoring.refresh_pattern_insights(%s, %s)", [END, START])


def test_job_family_drops_seniority_grades_and_brackets(conn: psycopg.Connection[Any]) -> None:
    cases = {
        "Senior Backend Engineer (m/f/d)": "backend engineer",
        "Sr. Data Scientist - Mid-Level": "data scientist",
        "Head of Engineering": "engineering",
        "C++ Developer III": "c++ developer",
        "Lead": None,
    }
    for title, family in cases.items():
        row = conn.execute("SELECT analytics_monitoring.job_family(%s)", [title]).fetchone()
        assert row == (family,), title
