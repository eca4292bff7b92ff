-- migrate_guest_to_user(guest, user): hand everything a guest owns to a user.
--
-- Contract
--   * One statement, so one transaction: it moves everything or nothing.
--   * Returns jsonb:
--       {"guest_id", "user_id", "already_migrated": bool, "migrated_at",
--        "moved": {"schema.table": rows, ...}   -- every guest-owned table, zeros included
--        "kept": {"schema.table": "guest" | "user"},  -- singletons the guest had
--        "total": rows}
--   * Errors: CV101 unknown guest, CV102 unknown user, CV103 the guest was already
--     migrated to a different user, 22004 a NULL argument.
--   * Idempotent. Calling it again for the same pair sweeps again: it normally
--     finds nothing (total 0) but also picks up rows a stale guest tab wrote after
--     the first call.
--
-- Concurrency
--   * Lock order is always guest row, then user row, so two calls can only queue
--     behind each other, never deadlock. The second call for the same guest waits,
--     then (READ COMMITTED re-reads the locked row) sees it migrated and sweeps
--     nothing. Call it at READ COMMITTED, the default: under REPEATABLE READ the
--     loser of that race gets a serialization failure instead.
--   * FOR NO KEY UPDATE rather than FOR UPDATE: it conflicts with itself (so
--     migrators serialise) and with DELETE of the guest, but not with the KEY
--     SHARE lock that inserting a row referencing the guest takes. An app request
--     of the guest that already locked some of its rows and then inserts one more
--     therefore cannot form a lock cycle with this function.
--   * Locking the user serialises two guests merging into the same user, so the
--     newer-wins comparisons of the singletons see each other's result.
--
-- Immutable tables (import_data, job_data, tailor_data, llm_generation_logs) are
-- moved with a plain UPDATE of user_id/guest_id: their guard (0001) allows
-- exactly that change and nothing else, so the evidence keeps its ids and every
-- reference to it stays valid.

CREATE FUNCTION public.migrate_guest_to_user(p_guest_id uuid, p_user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
-- Every name below is schema-qualified; a fixed search_path keeps a caller's
-- objects from shadowing anything.
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    guest         public.guest_users%ROWTYPE;
    already       boolean;
    migrated_on   timestamptz;
    moved         jsonb := '{}';
    kept          jsonb := '{}';
    total         bigint := 0;
    n             bigint;
    won           bigint;
    user_has_profile boolean;
    owned_table   regclass;
BEGIN
    IF p_guest_id IS NULL OR p_user_id IS NULL THEN
        RAISE EXCEPTION 'migrate_guest_to_user needs a guest id and a user id'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;

    SELECT * INTO guest FROM public.guest_users WHERE id = p_guest_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'guest % does not exist', p_guest_id
            USING ERRCODE = 'CV101', DETAIL = 'no row in public.guest_users has this id';
    END IF;
    IF guest.migrated_to_user_id IS NOT NULL AND guest.migrated_to_user_id <> p_user_id THEN
        RAISE EXCEPTION 'guest % was already migrated to another user', p_guest_id
            USING ERRCODE = 'CV103',
                  DETAIL = format('migrated to user %s at %s', guest.migrated_to_user_id, guest.migrated_at);
    END IF;
    PERFORM 1 FROM public.users WHERE id = p_user_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % does not exist', p_user_id
            USING ERRCODE = 'CV102', DETAIL = 'no row in public.users has this id';
    END IF;
    already := guest.migrated_to_user_id IS NOT NULL;

    -- Rows that simply change owner. Ids stay, so references between them hold.
    FOREACH owned_table IN ARRAY ARRAY[
        'public.sessions', 'public.master_cvs', 'public.job_applications', 'public.import_data',
        'public.job_data', 'public.pipeline_runs', 'public.tailor_data', 'public.generation_requests',
        'public.interview_steps', 'analytics_monitoring.llm_generation_logs',
        'analytics_monitoring.visitor_sessions', 'analytics_monitoring.page_views',
        'analytics_monitoring.user_actions', 'analytics_monitoring.error_events'
    ]::regclass[] LOOP
        EXECUTE format('UPDATE %s SET user_id = $1, guest_id = NULL WHERE guest_id = $2', owned_table)
            USING p_user_id, p_guest_id;
        GET DIAGNOSTICS n = ROW_COUNT;
        moved := moved || jsonb_build_object(owned_table::text, n);
        total := total + n;
    END LOOP;

    -- Singletons: the row with the newer updated_at wins (a tie keeps the
    -- user's). The guest's row is copied over the user's only when newer, then
    -- deleted either way. ROW_COUNT of the upsert is 1 exactly when the guest won.
    INSERT INTO public.app_sessions AS t
        (user_id, current_application_id, current_route, state, created_at, updated_at)
    SELECT p_user_id, g.current_application_id, g.current_route, g.state, g.created_at, g.updated_at
    FROM public.app_sessions g WHERE g.guest_id = p_guest_id
    ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
        SET current_application_id = excluded.current_application_id,
            current_route = excluded.current_route,
            state = excluded.state,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at > t.updated_at;
    GET DIAGNOSTICS won = ROW_COUNT;
    DELETE FROM public.app_sessions WHERE guest_id = p_guest_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved || jsonb_build_object('public.app_sessions', n);
    IF n > 0 THEN
        kept := kept || jsonb_build_object('public.app_sessions', CASE WHEN won > 0 THEN 'guest' ELSE 'user' END);
    END IF;
    total := total + n;

    INSERT INTO public.builder_states AS t
        (user_id, master_cv_id, step, draft, revision, created_at, updated_at)
    SELECT p_user_id, g.master_cv_id, g.step, g.draft, g.revision, g.created_at, g.updated_at
    FROM public.builder_states g WHERE g.guest_id = p_guest_id
    ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
        SET master_cv_id = excluded.master_cv_id,
            step = excluded.step,
            draft = excluded.draft,
            -- Past both revisions: a tab holding either old revision must reload.
            revision = greatest(t.revision, excluded.revision) + 1,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at > t.updated_at;
    GET DIAGNOSTICS won = ROW_COUNT;
    DELETE FROM public.builder_states WHERE guest_id = p_guest_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved || jsonb_build_object('public.builder_states', n);
    IF n > 0 THEN
        kept := kept || jsonb_build_object('public.builder_states', CASE WHEN won > 0 THEN 'guest' ELSE 'user' END);
    END IF;
    total := total + n;

    INSERT INTO public.user_preferences AS t
        (user_id, locale, theme, default_engine, cover_letter_format, analytics_opt_out, extra,
         created_at, updated_at)
    SELECT p_user_id, g.locale, g.theme, g.default_engine, g.cover_letter_format, g.analytics_opt_out,
           g.extra, g.created_at, g.updated_at
    FROM public.user_preferences g WHERE g.guest_id = p_guest_id
    ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
        SET locale = excluded.locale,
            theme = excluded.theme,
            default_engine = excluded.default_engine,
            cover_letter_format = excluded.cover_letter_format,
            analytics_opt_out = excluded.analytics_opt_out,
            extra = excluded.extra,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at > t.updated_at;
    GET DIAGNOSTICS won = ROW_COUNT;
    DELETE FROM public.user_preferences WHERE guest_id = p_guest_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved || jsonb_build_object('public.user_preferences', n);
    IF n > 0 THEN
        kept := kept || jsonb_build_object('public.user_preferences', CASE WHEN won > 0 THEN 'guest' ELSE 'user' END);
    END IF;
    total := total + n;

    -- The governance profile is not newer-wins: a registered user's tier, key
    -- and limits always beat a guest's FREE profile. Only today's quota use is
    -- carried over, so registering mid-day does not grant a fresh free quota.
    SELECT EXISTS (SELECT 1 FROM public.user_model_profiles WHERE user_id = p_user_id) INTO user_has_profile;
    INSERT INTO public.user_model_profiles AS t
        (user_id, tier, subscription_status, provider_chain, daily_quota, daily_used, created_at, updated_at)
    SELECT p_user_id, g.tier, g.subscription_status, g.provider_chain, g.daily_quota, g.daily_used,
           g.created_at, g.updated_at
    FROM public.user_model_profiles g WHERE g.guest_id = p_guest_id
    ON CONFLICT (user_id) WHERE user_id IS NOT NULL DO UPDATE
        SET daily_used = t.daily_used + excluded.daily_used;
    DELETE FROM public.user_model_profiles WHERE guest_id = p_guest_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved || jsonb_build_object('public.user_model_profiles', n);
    IF n > 0 THEN
        kept := kept || jsonb_build_object('public.user_model_profiles',
                                           CASE WHEN user_has_profile THEN 'user' ELSE 'guest' END);
    END IF;
    total := total + n;

    -- Hourly usage: rows of the same hour, model and provider are summed into
    -- the user's; the others become the user's as they are.
    INSERT INTO analytics_monitoring.user_model_usage AS t
        (user_id, model, provider, hour_bucket, request_count, success_count, error_count,
         input_tokens, output_tokens, cost_usd, total_latency_ms, updated_at)
    SELECT p_user_id, g.model, g.provider, g.hour_bucket, g.request_count, g.success_count, g.error_count,
           g.input_tokens, g.output_tokens, g.cost_usd, g.total_latency_ms, now()
    FROM analytics_monitoring.user_model_usage g WHERE g.guest_id = p_guest_id
    ON CONFLICT (user_id, model, provider, hour_bucket) DO UPDATE
        SET request_count = t.request_count + excluded.request_count,
            success_count = t.success_count + excluded.success_count,
            error_count = t.error_count + excluded.error_count,
            input_tokens = t.input_tokens + excluded.input_tokens,
            output_tokens = t.output_tokens + excluded.output_tokens,
            cost_usd = t.cost_usd + excluded.cost_usd,
            total_latency_ms = t.total_latency_ms + excluded.total_latency_ms,
            updated_at = now();
    DELETE FROM analytics_monitoring.user_model_usage WHERE guest_id = p_guest_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved || jsonb_build_object('analytics_monitoring.user_model_usage', n);
    total := total + n;

    IF already THEN
        migrated_on := guest.migrated_at;
    ELSE
        migrated_on := now();
        UPDATE public.guest_users
        SET migrated_to_user_id = p_user_id, migrated_at = migrated_on
        WHERE id = p_guest_id;
    END IF;

    RETURN jsonb_build_object(
        'guest_id', p_guest_id,
        'user_id', p_user_id,
        'already_migrated', already,
        'migrated_at', migrated_on,
        'moved', moved,
        'kept', kept,
        'total', total
    );
END;
$$;

COMMENT ON FUNCTION public.migrate_guest_to_user(uuid, uuid) IS
    'Moves every row a guest owns to a user in one transaction; newer updated_at wins for singletons; '
    'idempotent; errors CV101 unknown guest, CV102 unknown user, CV103 guest migrated to another user.';
