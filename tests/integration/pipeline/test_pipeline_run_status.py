"""The run lifecycle repository on a real PostgreSQL: transitions, first outcome wins, cost, snapshots."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from cvpath.db import run_status
from cvpath.db.llm_logs import LlmLogRow, insert_log
from cvpath.errors import Conflict, RunNotFound

SeedRun = Callable[..., UUID]
Conn = psycopg.Connection[Any]


def log_row(run_id: UUID, cost: str, *, attempt: int = 1, agent: str = "CV_PARSER") -> LlmLogRow:
    now = datetime.now(UTC)
    return LlmLogRow(
        provider="openai",
        model="gpt-test",
        status="SUCCESS" if attempt > 1 else "RATE_LIMITED",
        error_code=None if attempt > 1 else "rate_limited",
        attempt=attempt,
        chain_position=0,
        latency_ms=5,
        started_at=now,
        completed_at=now,
        request_sha256="0" * 64,
        request_bytes=10,
        run_id=run_id,
        agent=agent,
        input_tokens=100,
        output_tokens=20,
        cost_usd=Decimal(cost),
    )


def test_mark_running_starts_a_queued_run_once(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_status.mark_running(db, run_id, None)
    first = run_status.load_run_status(db, run_id)
    # A retried Admit keeps the run RUNNING and its first start time.
    run_status.mark_running(db, run_id, "arn:aws:states:local:0:execution:tailoring:x")
    second = run_status.load_run_status(db, run_id)
    assert first.status == second.status == "RUNNING"
    assert first.started_at is not None
    assert second.started_at == first.started_at
    assert second.execution_arn == "arn:aws:states:local:0:execution:tailoring:x"


def test_mark_running_refuses_a_finished_run_and_an_unknown_one(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_status.mark_succeeded(db, run_id, actual_cost=Decimal(0))
    with pytest.raises(Conflict) as refused:
        run_status.mark_running(db, run_id, None)
    assert refused.value.details == {"run_id": str(run_id), "status": "SUCCEEDED"}
    with pytest.raises(RunNotFound):
        run_status.mark_running(db, uuid4(), None)


def test_a_finished_run_keeps_its_first_outcome(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_status.mark_running(db, run_id, None)
    assert (
        run_status.mark_failed(
            db,
            run_id,
            status="FAILED",
            error_code="UnparseableCV",
            error_message="m",
            error_state="ParseInputs",
        )
        == "FAILED"
    )
    # A late Settle and a second MarkFailed change nothing.
    assert run_status.mark_succeeded(db, run_id, actual_cost=Decimal("1")) == "FAILED"
    assert (
        run_status.mark_failed(
            db, run_id, status="REJECTED", error_code="QuotaExceeded", error_message=None, error_state="Admit"
        )
        == "FAILED"
    )
    row = run_status.load_run_status(db, run_id)
    assert (row.status, row.error_code, row.error_state, row.actual_cost) == (
        "FAILED",
        "UnparseableCV",
        "ParseInputs",
        None,
    )
    assert row.finished_at is not None
    assert row.started_at is not None


def test_a_queued_run_can_be_rejected_directly(db: Conn, seed_run: SeedRun) -> None:
    # Admit may refuse before mark_running: started_at is set with finished_at (CHECK finish >= start).
    run_id = seed_run()
    status = run_status.mark_failed(
        db, run_id, status="REJECTED", error_code="QuotaExceeded", error_message="quota", error_state="Admit"
    )
    row = run_status.load_run_status(db, run_id)
    assert status == row.status == "REJECTED"
    assert row.started_at == row.finished_at


def test_mark_failed_refuses_other_statuses(db: Conn, seed_run: SeedRun) -> None:
    with pytest.raises(ValueError, match="FAILED or REJECTED"):
        run_status.mark_failed(
            db,
            seed_run(),
            status="SUCCEEDED",  # type: ignore[arg-type]
            error_code="x",
            error_message=None,
            error_state=None,
        )


def test_run_cost_sums_every_attempt_including_retries(db: Conn, seed_run: SeedRun) -> None:
    run_id, other = seed_run(), seed_run()
    insert_log(db, log_row(run_id, "0.0000004", attempt=1))
    insert_log(db, log_row(run_id, "0.0012345", attempt=2))
    insert_log(db, log_row(run_id, "0.0100000", attempt=1, agent="JOB_PARSER"))
    insert_log(db, log_row(other, "5"))
    cost = run_status.run_cost(db, run_id)
    assert isinstance(cost, Decimal)
    assert cost == Decimal("0.011235")  # 0.0112349 rounded half up to 6 places
    assert run_status.run_cost(db, uuid4()) == Decimal("0.000000")
    by_agent = run_status.run_costs_by_agent(db, run_id)
    assert [(r["agent"], r["attempts"], r["input_tokens"]) for r in by_agent] == [
        ("CV_PARSER", 2, 200),
        ("JOB_PARSER", 1, 100),
    ]
    assert by_agent[0]["cost"] == Decimal("0.0012349")


def test_record_states_replaces_the_timings(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    states = [{"name": "Admit", "status": "SUCCEEDED", "duration_ms": 12, "attempts": 1}]
    run_status.record_states(db, run_id, states)
    run_status.record_states(db, run_id, states)
    assert run_status.load_run_status(db, run_id).states == states
    with pytest.raises(RunNotFound):
        run_status.record_states(db, uuid4(), states)


def attach(conn: Conn, run_id: UUID, text: str = "Ada Lovelace\nEngineer") -> UUID:
    return run_status.attach_import(
        conn, run_id, source_format="PDF", file_name="cv.pdf", file_size_bytes=1234, raw_text=text
    )


def import_rows(conn: Conn) -> int:
    row = conn.execute("SELECT count(*) FROM public.import_data WHERE file_name = 'cv.pdf'").fetchone()
    assert row is not None
    return int(row[0])


def test_attach_import_creates_the_snapshot_once(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run(cv_text=None)
    first = attach(db, run_id)
    again = attach(db, run_id, "a different text from a retried extraction")
    assert again == first
    assert import_rows(db) == 1
    stored = db.execute(
        "SELECT r.import_data_id, i.guest_id = r.guest_id, i.source_format, i.file_size_bytes, i.raw_text "
        "FROM public.pipeline_runs r JOIN public.import_data i ON i.id = r.import_data_id WHERE r.id = %s",
        [run_id],
    ).fetchone()
    assert stored == (first, True, "PDF", 1234, "Ada Lovelace\nEngineer")
    with pytest.raises(RunNotFound):
        attach(db, uuid4())


def test_concurrent_attach_import_keeps_one_snapshot(pooled_db: str, db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run(cv_text=None)
    results: list[UUID] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(text: str) -> None:
        try:
            with psycopg.connect(pooled_db, autocommit=True) as conn:
                barrier.wait(timeout=5)
                results.append(attach(conn, run_id, text))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"text {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert import_rows(db) == 1
    row = db.execute("SELECT import_data_id FROM public.pipeline_runs WHERE id = %s", [run_id]).fetchone()
    assert row == (results[0],)
