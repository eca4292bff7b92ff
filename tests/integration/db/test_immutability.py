"""Evidence and money rows cannot be rewritten: snapshots, the LLM audit log, the ledger."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg.rows import TupleRow

Conn = psycopg.Connection[TupleRow]
IMMUTABLE_ROW = "CV001"
HASH = "cd" * 32


def _one(conn: Conn, query: str, params: list[object] | None = None) -> object:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def guest(conn: Conn) -> object:
    return _one(conn, "INSERT INTO public.guest_users DEFAULT VALUES RETURNING id")


@pytest.fixture
def user(conn: Conn) -> object:
    return _one(
        conn, "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"{uuid.uuid4().hex}@example.org"]
    )


def _snapshot_rows(conn: Conn, guest: object) -> dict[str, object]:
    """One guest-owned row in each immutable table, by table name."""
    run = _one(conn, "INSERT INTO public.pipeline_runs (guest_id) VALUES (%s) RETURNING id", [guest])
    return {
        "public.import_data": _one(
            conn,
            """INSERT INTO public.import_data (guest_id, source_format, raw_text, content_hash)
               VALUES (%s, 'TEXT', 'Jane Doe, engineer', %s) RETURNING id""",
            [guest, HASH],
        ),
        "public.job_data": _one(
            conn,
            "INSERT INTO public.job_data (guest_id, raw_text, content_hash)"
            " VALUES (%s, 'We hire', %s) RETURNING id",
            [guest, HASH],
        ),
        "public.tailor_data": _one(
            conn,
            """INSERT INTO public.tailor_data (guest_id, run_id, agent, kind, content, content_hash)
               VALUES (%s, %s, 'CV_TAILOR', 'TAILORED_CV', '{"work": []}', %s) RETURNING id""",
            [guest, run, HASH],
        ),
        "analytics_monitoring.llm_generation_logs": _one(
            conn,
            """INSERT INTO analytics_monitoring.llm_generation_logs
                   (guest_id, run_id, agent, provider, model, latency_ms, status, request, response)
               VALUES (%s, %s, 'CV_TAILOR', 'offline', 'offline', 3, 'SUCCESS', '{"messages": []}', '{}')
               RETURNING id""",
            [guest, run],
        ),
    }


@pytest.mark.parametrize(
    ("table", "edit"),
    [
        ("public.import_data", "raw_text = 'forged'"),
        ("public.job_data", "raw_text = 'forged'"),
        ("public.tailor_data", 'content = \'{"work": ["forged"]}\''),
        ("analytics_monitoring.llm_generation_logs", "output_tokens = 999"),
    ],
)
def test_evidence_refuses_update_and_delete(conn: Conn, guest: object, table: str, edit: str) -> None:
    # Given a snapshot / audit row
    row_id = _snapshot_rows(conn, guest)[table]
    # When its content is updated, Then the guard refuses
    with pytest.raises(psycopg.Error, match="is immutable") as raised, conn.transaction():
        conn.execute(f"UPDATE {table} SET {edit} WHERE id = %s", [row_id])
    assert raised.value.sqlstate == IMMUTABLE_ROW
    # When it is deleted, Then the guard refuses too
    with pytest.raises(psycopg.Error, match="DELETE is refused") as raised, conn.transaction():
        conn.execute(f"DELETE FROM {table} WHERE id = %s", [row_id])
    assert raised.value.sqlstate == IMMUTABLE_ROW
    assert _one(conn, f"SELECT count(*) FROM {table} WHERE id = %s", [row_id]) == 1


@pytest.mark.parametrize(
    "table",
    [
        "public.import_data",
        "public.job_data",
        "public.tailor_data",
        "analytics_monitoring.llm_generation_logs",
    ],
)
def test_evidence_allows_exactly_the_move_from_guest_to_user(
    conn: Conn, guest: object, user: object, table: str
) -> None:
    row_id = _snapshot_rows(conn, guest)[table]
    # A move that also changes a timestamp is refused
    with pytest.raises(psycopg.Error, match="only moving a row"), conn.transaction():
        conn.execute(
            f"UPDATE {table} SET user_id = %s, guest_id = NULL, created_at = created_at - interval '1 day'"
            " WHERE id = %s",
            [user, row_id],
        )
    # The plain owner move is allowed
    conn.execute(f"UPDATE {table} SET user_id = %s, guest_id = NULL WHERE id = %s", [user, row_id])
    assert _one(conn, f"SELECT user_id FROM {table} WHERE id = %s", [row_id]) == user
    # And it cannot be moved back to a guest
    with pytest.raises(psycopg.Error, match="is immutable"), conn.transaction():
        conn.execute(f"UPDATE {table} SET user_id = NULL, guest_id = %s WHERE id = %s", [guest, row_id])


def test_erasure_needs_an_explicit_opt_in(conn: Conn, guest: object) -> None:
    # Given a guest with evidence, deleting the guest cascades into it and is refused
    rows = _snapshot_rows(conn, guest)
    with pytest.raises(psycopg.Error, match="is immutable"), conn.transaction():
        conn.execute("DELETE FROM public.guest_users WHERE id = %s", [guest])
    # When the transaction opts into erasure, Then the cascade goes through
    conn.execute("SET LOCAL cvpath.erasure = 'on'")
    conn.execute("DELETE FROM public.guest_users WHERE id = %s", [guest])
    assert (
        _one(conn, "SELECT count(*) FROM public.tailor_data WHERE id = %s", [rows["public.tailor_data"]]) == 0
    )
    # The audit log has no foreign key: it keeps the row of a deleted person
    log_id = rows["analytics_monitoring.llm_generation_logs"]
    assert (
        _one(conn, "SELECT count(*) FROM analytics_monitoring.llm_generation_logs WHERE id = %s", [log_id])
        == 1
    )


@pytest.fixture
def ledger_entry(conn: Conn, user: object) -> object:
    account = _one(
        conn, "INSERT INTO public.user_accounts (user_id, balance) VALUES (%s, 10) RETURNING id", [user]
    )
    return _one(
        conn,
        """INSERT INTO public.ledger_entries (account_id, kind, amount, balance_after)
           VALUES (%s, 'TOP_UP', 10, 10) RETURNING id""",
        [account],
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public.ledger_entries SET amount = 1000 WHERE id = %s",
        "DELETE FROM public.ledger_entries WHERE id = %s",
    ],
)
def test_ledger_is_append_only(conn: Conn, ledger_entry: object, statement: str) -> None:
    # Even the erasure switch does not open the ledger
    conn.execute("SET LOCAL cvpath.erasure = 'on'")
    with pytest.raises(psycopg.Error, match="append-only") as raised, conn.transaction():
        conn.execute(statement, [ledger_entry])
    assert raised.value.sqlstate == IMMUTABLE_ROW
    assert _one(conn, "SELECT amount FROM public.ledger_entries WHERE id = %s", [ledger_entry]) == 10


def test_ledger_cannot_be_truncated(conn: Conn, ledger_entry: object) -> None:
    with pytest.raises(psycopg.Error, match="append-only"), conn.transaction():
        conn.execute("TRUNCATE public.ledger_entries CASCADE")
    assert _one(conn, "SELECT count(*) FROM public.ledger_entries WHERE id = %s", [ledger_entry]) == 1


def test_a_user_with_money_history_is_not_deleted_by_accident(
    conn: Conn, user: object, ledger_entry: object
) -> None:
    with pytest.raises(psycopg.errors.IntegrityError, match="user_accounts"), conn.transaction():
        conn.execute("DELETE FROM public.users WHERE id = %s", [user])


def test_ledger_entry_signs_follow_their_kind(conn: Conn, user: object, ledger_entry: object) -> None:
    account = _one(conn, "SELECT id FROM public.user_accounts WHERE user_id = %s", [user])
    with pytest.raises(psycopg.errors.CheckViolation, match="top_up_credits"), conn.transaction():
        conn.execute(
            """INSERT INTO public.ledger_entries (account_id, kind, amount, balance_after)
               VALUES (%s, 'TOP_UP', -5, 5)""",
            [account],
        )
