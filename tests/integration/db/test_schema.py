"""The data model: tables, types, indexes and the constraints that guard them."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors
from psycopg.rows import TupleRow

from cvpath.db.migrate import list_tables

Conn = psycopg.Connection[TupleRow]

# Written out on purpose: a table that disappears or lands in the wrong schema fails here.
EXPECTED_TABLES = {
    "public": {
        "users",
        "guest_users",
        "sessions",
        "user_model_profiles",
        "master_cvs",
        "job_applications",
        "import_data",
        "job_data",
        "tailor_data",
        "pipeline_runs",
        "generation_requests",
        "user_accounts",
        "ledger_entries",
        "platform_settings",
        "default_model_config",
        "app_sessions",
        "builder_states",
        "user_preferences",
        "interview_steps",
    },
    "analytics_monitoring": {
        "llm_generation_logs",
        "page_views",
        "user_actions",
        "error_events",
        "visitor_sessions",
        "user_model_usage",
        "pattern_insights",
    },
}

HASH = "ab" * 32


def _new_user(conn: Conn) -> uuid.UUID:
    row = conn.execute(
        "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"{uuid.uuid4().hex}@example.org"]
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def _new_guest(conn: Conn) -> uuid.UUID:
    row = conn.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def test_every_listed_table_exists_in_its_schema(conn: Conn) -> None:
    # When the migrated database lists its tables
    tables = list_tables(conn)
    # Then each expected table is in its schema, and none is in the other one
    for schema, expected in EXPECTED_TABLES.items():
        present = set(tables[schema])
        assert expected <= present, f"missing in {schema}: {sorted(expected - present)}"
    assert not EXPECTED_TABLES["analytics_monitoring"] & set(tables["public"])
    assert not EXPECTED_TABLES["public"] & set(tables["analytics_monitoring"])


def test_the_schema_needs_no_extension(conn: Conn) -> None:
    extensions = {row[0] for row in conn.execute("SELECT extname FROM pg_extension").fetchall()}
    assert extensions == {"plpgsql"}


@pytest.mark.parametrize(
    ("type_name", "labels"),
    [
        ("public.user_tier", ["FREE", "PAID", "BYOK"]),
        (
            "public.agent_name",
            ["CV_PARSER", "CV_VALIDATOR", "JOB_PARSER", "JOB_ANALYZER", "CV_TAILOR", "COMPARATIVE_SCORER"],
        ),
        (
            "public.workflow_step",
            ["CV_IMPORT", "JOB_INPUT", "ANALYSIS", "TAILORING", "REVIEW", "EXPORT", "COMPLETED"],
        ),
    ],
)
def test_enum_types_list_their_values_in_order(conn: Conn, type_name: str, labels: list[str]) -> None:
    rows = conn.execute(
        "SELECT enumlabel FROM pg_enum WHERE enumtypid = %s::regtype ORDER BY enumsortorder", [type_name]
    ).fetchall()
    assert [row[0] for row in rows] == labels


@pytest.mark.parametrize(
    ("table", "columns", "unique"),
    [
        ("public.job_applications", ["user_id", "workflow_step"], False),
        ("analytics_monitoring.llm_generation_logs", ["user_id", "created_at"], False),
        ("analytics_monitoring.user_model_usage", ["user_id", "model", "provider", "hour_bucket"], True),
        ("analytics_monitoring.user_model_usage", ["guest_id", "model", "provider", "hour_bucket"], True),
    ],
)
def test_dashboard_indexes_exist(conn: Conn, table: str, columns: list[str], unique: bool) -> None:
    # Given the key columns of each index, in order
    rows = conn.execute(
        """SELECT i.indisunique,
                  array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                        ORDER BY k.n)::text[]
           FROM pg_index i WHERE i.indrelid = %s::regclass""",
        [table],
    ).fetchall()
    # Then one of them leads with exactly the columns the dashboard filters on
    assert any(cols == columns and (is_unique or not unique) for is_unique, cols in rows), rows


def test_balance_cannot_go_negative(conn: Conn) -> None:
    # Given an account holding 1.50
    user = _new_user(conn)
    conn.execute("INSERT INTO public.user_accounts (user_id, balance) VALUES (%s, 1.50)", [user])
    # When a debit of 2.00 is attempted, Then the CHECK refuses it
    with pytest.raises(errors.CheckViolation, match="user_accounts_balance_non_negative"), conn.transaction():
        conn.execute("UPDATE public.user_accounts SET balance = balance - 2.00 WHERE user_id = %s", [user])
    # And an account cannot be opened below zero either
    other = _new_user(conn)
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute("INSERT INTO public.user_accounts (user_id, balance) VALUES (%s, -0.01)", [other])
    row = conn.execute("SELECT balance FROM public.user_accounts WHERE user_id = %s", [user]).fetchone()
    assert row is not None
    assert str(row[0]) == "1.500000"


# Minimal valid column values per owned table (owner columns are added by the test).
OWNED_ROWS = {
    "public.sessions": ("token_hash, expires_at", "sha256('t'::bytea), now() + interval '1 day'"),
    "public.user_model_profiles": ("tier", "'FREE'"),
    "public.master_cvs": ("version, source_format, content, content_hash", f"1, 'TEXT', '{{}}', '{HASH}'"),
    "public.job_applications": ("job_title", "'Engineer'"),
    "public.job_data": ("raw_text, content_hash", f"'We hire', '{HASH}'"),
    "public.generation_requests": ("kind", "'TAILOR'"),
    "public.interview_steps": ("step_key, position, question", "'q1', 0, 'Why?'"),
    "public.app_sessions": ("state", "'{}'"),
    "public.builder_states": ("draft", "'{}'"),
    "public.user_preferences": ("theme", "'dark'"),
    "analytics_monitoring.user_model_usage": (
        "model, provider, hour_bucket",
        "'m', 'p', '2025-01-01T10:00Z'",
    ),
}


@pytest.mark.parametrize("table", sorted(OWNED_ROWS))
@pytest.mark.parametrize("owners", ["both", "neither"])
def test_owned_rows_need_exactly_one_owner(conn: Conn, table: str, owners: str) -> None:
    # Given a user and a guest
    user, guest = _new_user(conn), _new_guest(conn)
    user_id, guest_id = (user, guest) if owners == "both" else (None, None)
    columns, values = OWNED_ROWS[table]
    # When a row names both of them, or neither, Then the owner CHECK refuses it
    with pytest.raises(errors.CheckViolation, match="one_owner"), conn.transaction():
        conn.execute(
            f"INSERT INTO {table} (user_id, guest_id, {columns}) VALUES (%s, %s, {values})",
            [user_id, guest_id],
        )


@pytest.mark.parametrize("table", sorted(OWNED_ROWS))
def test_owned_rows_accept_a_single_owner(conn: Conn, table: str) -> None:
    # The counterpart of the test above: the same values with one owner are valid,
    # so the refusals there come from the owner rule and nothing else.
    guest = _new_guest(conn)
    columns, values = OWNED_ROWS[table]
    conn.execute(f"INSERT INTO {table} (guest_id, {columns}) VALUES (%s, {values})", [guest])
    count = conn.execute(f"SELECT count(*) FROM {table} WHERE guest_id = %s", [guest]).fetchone()
    assert count == (1,)


def test_telemetry_rows_allow_an_anonymous_visitor_but_not_two_owners(conn: Conn) -> None:
    user, guest = _new_user(conn), _new_guest(conn)
    insert = (
        "INSERT INTO analytics_monitoring.page_views (event_id, user_id, guest_id, path, occurred_at)"
        " VALUES (gen_random_uuid(), %s, %s, '/', now())"
    )
    conn.execute(insert, [None, None])
    with pytest.raises(errors.CheckViolation, match="at_most_one_owner"), conn.transaction():
        conn.execute(insert, [user, guest])


@pytest.mark.parametrize(
    ("statement", "bad_value"),
    [
        ("INSERT INTO public.user_model_profiles (user_id, tier) VALUES (%s, %s)", "GOLD"),
        ("INSERT INTO public.user_model_profiles (user_id, subscription_status) VALUES (%s, %s)", "MAYBE"),
        ("INSERT INTO public.job_applications (user_id, workflow_step) VALUES (%s, %s)", "SHIPPING"),
    ],
)
def test_invalid_enum_values_are_refused(conn: Conn, statement: str, bad_value: str) -> None:
    user = _new_user(conn)
    with (
        pytest.raises(errors.InvalidTextRepresentation, match="invalid input value for enum"),
        conn.transaction(),
    ):
        conn.execute(statement, [user, bad_value])


def test_check_lists_refuse_unknown_values(conn: Conn) -> None:
    user = _new_user(conn)
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            "INSERT INTO public.generation_requests (user_id, kind) VALUES (%s, 'HOROSCOPE')",
            [user],
        )


def test_guests_are_always_free(conn: Conn) -> None:
    guest = _new_guest(conn)
    with pytest.raises(errors.CheckViolation, match="guest_is_free"), conn.transaction():
        conn.execute("INSERT INTO public.user_model_profiles (guest_id, tier) VALUES (%s, 'PAID')", [guest])


def test_singletons_hold_one_row_per_owner(conn: Conn) -> None:
    # Given a user who already has builder state
    user = _new_user(conn)
    conn.execute("INSERT INTO public.builder_states (user_id) VALUES (%s)", [user])
    # Then a second plain insert collides
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO public.builder_states (user_id) VALUES (%s)", [user])
    # And the upsert the API uses infers the partial unique index
    conn.execute(
        """INSERT INTO public.builder_states (user_id, step) VALUES (%s, 'skills')
           ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE SET step = excluded.step""",
        [user],
    )
    rows = conn.execute("SELECT step FROM public.builder_states WHERE user_id = %s", [user]).fetchall()
    assert rows == [("skills",)]


def test_updated_at_follows_edits(conn: Conn) -> None:
    user = _new_user(conn)
    conn.execute(
        "INSERT INTO public.user_preferences (user_id, updated_at) VALUES (%s, '2020-01-01T00:00Z')", [user]
    )
    conn.execute("UPDATE public.user_preferences SET theme = 'dark' WHERE user_id = %s", [user])
    row = conn.execute(
        "SELECT updated_at = now() FROM public.user_preferences WHERE user_id = %s", [user]
    ).fetchone()
    assert row == (True,)


def test_usage_hour_bucket_must_start_an_hour(conn: Conn) -> None:
    user = _new_user(conn)
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            """INSERT INTO analytics_monitoring.user_model_usage (user_id, model, provider, hour_bucket)
               VALUES (%s, 'm', 'p', '2025-01-01T10:30Z')""",
            [user],
        )


def test_a_default_chain_must_end_with_the_offline_provider(conn: Conn) -> None:
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            """UPDATE public.default_model_config
               SET provider_chain =
                   '[{"provider": "openai", "model": "gpt-4.1", "timeout_s": 30, "max_retries": 1}]'
               WHERE agent = 'CV_TAILOR'"""
        )


def test_platform_settings_is_a_singleton(conn: Conn) -> None:
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute("INSERT INTO public.platform_settings (id) VALUES (false)")
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO public.platform_settings (id) VALUES (true)")


EVENT_ROWS = {
    "analytics_monitoring.page_views": ("path, occurred_at", "'/', now()"),
    "analytics_monitoring.user_actions": ("action, occurred_at", "'cv.upload', now()"),
    "analytics_monitoring.error_events": (
        "fingerprint, source, error_type, message, occurred_at",
        "'0123456789abcdef', 'api', 'KeyError', 'boom', now()",
    ),
    "analytics_monitoring.llm_generation_logs": (
        "provider, model, latency_ms, status, request",
        "'offline', 'offline', 1, 'SUCCESS', '{}'",
    ),
}


@pytest.mark.parametrize("table", sorted(EVENT_ROWS))
def test_a_redelivered_event_is_written_once(conn: Conn, table: str) -> None:
    # Given an event the consumer already wrote
    event_id = uuid.uuid4()
    columns, values = EVENT_ROWS[table]
    insert = f"INSERT INTO {table} (event_id, {columns}) VALUES (%s, {values})"
    conn.execute(insert, [event_id])
    # When SQS delivers it again, the consumer's ON CONFLICT makes it a no-op
    conn.execute(insert + " ON CONFLICT (event_id) DO NOTHING", [event_id])
    # And without ON CONFLICT the unique event_id refuses the duplicate
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute(insert, [event_id])
    assert conn.execute(f"SELECT count(*) FROM {table} WHERE event_id = %s", [event_id]).fetchone() == (1,)
