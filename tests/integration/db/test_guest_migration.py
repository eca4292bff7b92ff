"""migrate_guest_to_user in one transaction: what moves, what merges, what is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from guest_workspace import OWNED_TABLES, Owner, new_guest, new_user, one, owned_counts, seed_workspace
from psycopg.rows import TupleRow

from cvpath.db.guests import migrate_guest_to_user
from cvpath.errors import GuestAlreadyMigrated, NotFound

Conn = psycopg.Connection[TupleRow]
EARLY = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATE = EARLY + timedelta(hours=2)


def test_every_guest_owned_row_moves_to_the_user(conn: Conn) -> None:
    # Given a guest with rows in every table a person can own, and a new user
    guest, user = new_guest(conn), new_user(conn)
    seeded = seed_workspace(conn, Owner(guest_id=guest))
    # When the guest is migrated
    result = migrate_guest_to_user(conn, guest, user)
    # Then the guest owns nothing, the user owns all of it, and the result says so
    assert owned_counts(conn, Owner(guest_id=guest)) == dict.fromkeys(OWNED_TABLES, 0)
    assert owned_counts(conn, Owner(user_id=user)) == seeded
    assert result.moved == seeded
    assert len(result.tables_moved) >= 10
    assert result.total == sum(seeded.values())
    assert result.already_migrated is False
    assert (result.guest_id, result.user_id) == (guest, user)
    # And the guest is marked migrated to that user
    migrated_to, migrated_at = conn.execute(
        "SELECT migrated_to_user_id, migrated_at FROM public.guest_users WHERE id = %s", [guest]
    ).fetchone() or (None, None)
    assert migrated_to == user
    assert migrated_at == result.migrated_at


def test_moved_rows_keep_their_ids_references_and_timestamps(conn: Conn) -> None:
    # Given a guest whose run points at its snapshots and whose outputs point at the run
    guest, user = new_guest(conn), new_user(conn)
    seed_workspace(conn, Owner(guest_id=guest))
    before = conn.execute(
        """SELECT r.id, r.import_data_id, r.job_data_id, a.id, a.updated_at
           FROM public.pipeline_runs r JOIN public.job_applications a ON a.id = r.application_id
           WHERE r.guest_id = %s""",
        [guest],
    ).fetchone()
    # When the guest is migrated
    migrate_guest_to_user(conn, guest, user)
    # Then the same rows, with the same links, now belong to the user
    after = conn.execute(
        """SELECT r.id, r.import_data_id, r.job_data_id, a.id, a.updated_at
           FROM public.pipeline_runs r JOIN public.job_applications a ON a.id = r.application_id
           WHERE r.user_id = %s""",
        [user],
    ).fetchone()
    assert after == before, "an ownership move is not an edit: ids and updated_at stay"
    outputs = one(
        conn,
        "SELECT count(*) FROM public.tailor_data WHERE run_id = %s AND user_id = %s",
        [before[0] if before else None, user],
    )
    assert outputs == 2


SINGLETONS = {
    # table -> a column whose value tells whose row survived
    "public.app_sessions": "current_route",
    "public.builder_states": "step",
    "public.user_preferences": "theme",
}
MARKERS = {
    "public.app_sessions": {"user": "/settings", "guest": "/applications"},
    "public.builder_states": {"user": "education", "guest": "skills"},
    "public.user_preferences": {"user": "light", "guest": "dark"},
}


@pytest.mark.parametrize("table", sorted(SINGLETONS))
@pytest.mark.parametrize("newer", ["guest", "user"])
def test_singletons_keep_the_newer_row(conn: Conn, table: str, newer: str) -> None:
    # Given the user and the guest each have the singleton, one of them edited later
    guest, user = new_guest(conn), new_user(conn)
    column = SINGLETONS[table]
    stamps = {"guest": LATE if newer == "guest" else EARLY, "user": LATE if newer == "user" else EARLY}
    for who, owner_column, owner_id in (("user", "user_id", user), ("guest", "guest_id", guest)):
        conn.execute(
            f"INSERT INTO {table} ({owner_column}, {column}, updated_at) VALUES (%s, %s, %s)",
            [owner_id, MARKERS[table][who], stamps[who]],
        )
    # When the guest is migrated
    result = migrate_guest_to_user(conn, guest, user)
    # Then the user has exactly one row, carrying the newer content and its timestamp
    rows = conn.execute(f"SELECT {column}, updated_at FROM {table} WHERE user_id = %s", [user]).fetchall()
    assert rows == [(MARKERS[table][newer], LATE)]
    assert one(conn, f"SELECT count(*) FROM {table} WHERE guest_id = %s", [guest]) == 0
    assert result.kept[table] == newer
    assert result.moved[table] == 1


@pytest.mark.parametrize("table", sorted(SINGLETONS))
def test_a_tie_keeps_the_users_row(conn: Conn, table: str) -> None:
    guest, user = new_guest(conn), new_user(conn)
    column = SINGLETONS[table]
    for who, owner_column, owner_id in (("user", "user_id", user), ("guest", "guest_id", guest)):
        conn.execute(
            f"INSERT INTO {table} ({owner_column}, {column}, updated_at) VALUES (%s, %s, %s)",
            [owner_id, MARKERS[table][who], EARLY],
        )
    result = migrate_guest_to_user(conn, guest, user)
    assert one(conn, f"SELECT {column} FROM {table} WHERE user_id = %s", [user]) == MARKERS[table]["user"]
    assert result.kept[table] == "user"


def test_a_singleton_the_user_lacks_is_taken_over_as_it_is(conn: Conn) -> None:
    guest, user = new_guest(conn), new_user(conn)
    conn.execute(
        "INSERT INTO public.builder_states (guest_id, step, draft, revision, updated_at)"
        " VALUES (%s, %s, %s, 7, %s)",
        [guest, "skills", '{"skills": ["Go"]}', EARLY],
    )
    migrate_guest_to_user(conn, guest, user)
    row = conn.execute(
        "SELECT step, draft, revision, updated_at FROM public.builder_states WHERE user_id = %s", [user]
    ).fetchone()
    assert row == ("skills", {"skills": ["Go"]}, 7, EARLY)


def test_a_newer_guest_builder_state_moves_past_both_revisions(conn: Conn) -> None:
    # Why: a browser tab holding either old revision must get a conflict on its next PUT
    guest, user = new_guest(conn), new_user(conn)
    conn.execute(
        "INSERT INTO public.builder_states (user_id, revision, updated_at) VALUES (%s, 9, %s)", [user, EARLY]
    )
    conn.execute(
        "INSERT INTO public.builder_states (guest_id, revision, updated_at) VALUES (%s, 4, %s)", [guest, LATE]
    )
    migrate_guest_to_user(conn, guest, user)
    assert one(conn, "SELECT revision FROM public.builder_states WHERE user_id = %s", [user]) == 10


def _usage(conn: Conn, owner: Owner, model: str, provider: str, hour: str, requests: int, cost: str) -> None:
    conn.execute(
        f"""INSERT INTO analytics_monitoring.user_model_usage
                ({owner.column}, model, provider, hour_bucket, request_count, success_count, error_count,
                 input_tokens, output_tokens, cost_usd, total_latency_ms)
            VALUES (%s, %s, %s, %s, %s, %s, 1, %s, %s, %s, %s)""",
        [
            owner.id,
            model,
            provider,
            hour,
            requests,
            requests - 1,
            requests * 100,
            requests * 10,
            cost,
            requests * 5,
        ],
    )


def test_usage_is_summed_for_the_same_hour_model_and_provider(conn: Conn) -> None:
    # Given overlapping and non-overlapping hourly usage
    guest, user = new_guest(conn), new_user(conn)
    as_user, as_guest = Owner(user_id=user), Owner(guest_id=guest)
    _usage(conn, as_user, "gpt-4.1-mini", "openai", "2025-01-01T10:00Z", 2, "0.5")
    _usage(conn, as_user, "gpt-4.1-mini", "openai", "2025-01-01T11:00Z", 1, "0.25")
    _usage(conn, as_guest, "gpt-4.1-mini", "openai", "2025-01-01T10:00Z", 3, "0.125")  # same key: summed
    _usage(conn, as_guest, "gpt-4.1-mini", "openrouter", "2025-01-01T10:00Z", 4, "1")  # other provider
    _usage(conn, as_guest, "claude-3-5-haiku-latest", "anthropic", "2025-01-01T10:00Z", 5, "2")  # other model
    _usage(conn, as_guest, "gpt-4.1-mini", "openai", "2025-01-01T12:00Z", 6, "3")  # other hour
    # When the guest is migrated
    result = migrate_guest_to_user(conn, guest, user)
    # Then matching rows are summed column by column and the others move unchanged
    rows = conn.execute(
        """SELECT model, provider, to_char(hour_bucket AT TIME ZONE 'UTC', 'HH24'),
                  request_count, success_count, error_count, input_tokens, output_tokens,
                  cost_usd::text, total_latency_ms
           FROM analytics_monitoring.user_model_usage WHERE user_id = %s ORDER BY 1, 2, 3""",
        [user],
    ).fetchall()
    assert rows == [
        ("claude-3-5-haiku-latest", "anthropic", "10", 5, 4, 1, 500, 50, "2.0000000000", 25),
        ("gpt-4.1-mini", "openai", "10", 5, 3, 2, 500, 50, "0.6250000000", 25),
        ("gpt-4.1-mini", "openai", "11", 1, 0, 1, 100, 10, "0.2500000000", 5),
        ("gpt-4.1-mini", "openai", "12", 6, 5, 1, 600, 60, "3.0000000000", 30),
        ("gpt-4.1-mini", "openrouter", "10", 4, 3, 1, 400, 40, "1.0000000000", 20),
    ]
    assert owned_counts(conn, as_guest)["analytics_monitoring.user_model_usage"] == 0
    assert result.moved["analytics_monitoring.user_model_usage"] == 4


def test_the_users_profile_wins_and_carries_the_guests_quota_use(conn: Conn) -> None:
    # Given a PAID user who used 1 run today and a guest who used 3 of the free quota
    guest, user = new_guest(conn), new_user(conn)
    conn.execute(
        "INSERT INTO public.user_model_profiles (user_id, tier, subscription_status, daily_used)"
        " VALUES (%s, 'PAID', 'ACTIVE', 1)",
        [user],
    )
    conn.execute("INSERT INTO public.user_model_profiles (guest_id, daily_used) VALUES (%s, 3)", [guest])
    # When the guest is migrated
    result = migrate_guest_to_user(conn, guest, user)
    # Then the user keeps their tier, and registering did not reset today's use
    row = conn.execute(
        "SELECT tier::text, subscription_status::text, daily_used"
        " FROM public.user_model_profiles WHERE user_id = %s",
        [user],
    ).fetchone()
    assert row == ("PAID", "ACTIVE", 4)
    assert result.kept["public.user_model_profiles"] == "user"


def test_a_second_call_is_a_no_op(conn: Conn) -> None:
    # Given a guest already migrated to this user
    guest, user = new_guest(conn), new_user(conn)
    seeded = seed_workspace(conn, Owner(guest_id=guest))
    first = migrate_guest_to_user(conn, guest, user)
    # When the same migration is asked again
    second = migrate_guest_to_user(conn, guest, user)
    # Then nothing moves and nothing changes
    assert second.already_migrated is True
    assert second.total == 0
    assert second.moved == dict.fromkeys(OWNED_TABLES, 0)
    assert second.kept == {}
    assert second.migrated_at == first.migrated_at
    assert owned_counts(conn, Owner(user_id=user)) == seeded


def test_a_later_call_picks_up_rows_a_stale_guest_tab_wrote(conn: Conn) -> None:
    guest, user = new_guest(conn), new_user(conn)
    migrate_guest_to_user(conn, guest, user)
    conn.execute(
        "INSERT INTO public.job_applications (guest_id, job_title) VALUES (%s, 'Written after migration')",
        [guest],
    )
    result = migrate_guest_to_user(conn, guest, user)
    assert result.already_migrated is True
    assert result.tables_moved == ["public.job_applications"]
    assert one(conn, "SELECT count(*) FROM public.job_applications WHERE user_id = %s", [user]) == 1


def test_an_unknown_guest_is_a_clear_error(conn: Conn) -> None:
    user, ghost = new_user(conn), uuid.uuid4()
    with pytest.raises(NotFound, match=f"guest {ghost} does not exist") as raised:
        migrate_guest_to_user(conn, ghost, user)
    assert raised.value.http_status == 404
    assert raised.value.details == {"guest_id": str(ghost), "user_id": str(user)}


def test_an_unknown_user_is_a_clear_error_and_leaves_the_guest_alone(conn: Conn) -> None:
    guest, ghost = new_guest(conn), uuid.uuid4()
    conn.execute("INSERT INTO public.job_applications (guest_id) VALUES (%s)", [guest])
    with pytest.raises(NotFound, match=f"user {ghost} does not exist"), conn.transaction():
        migrate_guest_to_user(conn, guest, ghost)
    assert one(conn, "SELECT count(*) FROM public.job_applications WHERE guest_id = %s", [guest]) == 1
    assert one(conn, "SELECT migrated_to_user_id FROM public.guest_users WHERE id = %s", [guest]) is None


def test_a_guest_migrated_to_someone_else_is_refused(conn: Conn) -> None:
    # Given a guest that already became user A
    guest, first, second = new_guest(conn), new_user(conn), new_user(conn)
    seed_workspace(conn, Owner(guest_id=guest))
    migrate_guest_to_user(conn, guest, first)
    # When user B claims it, Then it is refused without naming user A
    with pytest.raises(GuestAlreadyMigrated, match="already migrated to another user") as raised:
        migrate_guest_to_user(conn, guest, second)
    assert raised.value.http_status == 409
    assert str(first) not in str(raised.value)


@pytest.mark.parametrize(
    ("case", "sqlstate"),
    [("unknown guest", "CV101"), ("unknown user", "CV102"), ("other user", "CV103")],
)
def test_the_sql_function_raises_documented_sqlstates(conn: Conn, case: str, sqlstate: str) -> None:
    guest, user, other = new_guest(conn), new_user(conn), new_user(conn)
    conn.execute(
        "UPDATE public.guest_users SET migrated_to_user_id = %s, migrated_at = now() WHERE id = %s",
        [other, guest],
    )
    args = {
        "unknown guest": [uuid.uuid4(), user],
        "unknown user": [new_guest(conn), uuid.uuid4()],
        "other user": [guest, user],
    }[case]
    with pytest.raises(psycopg.Error) as raised, conn.transaction():
        conn.execute("SELECT public.migrate_guest_to_user(%s, %s)", args)
    assert raised.value.sqlstate == sqlstate
