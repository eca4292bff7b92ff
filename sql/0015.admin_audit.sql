-- The admin control plane's audit trail: one row per admin mutation, never changed.
--
-- Who (the admin's user id and session), what (an action name and its target),
-- the target's state before and after as JSON, and when. Rows are only ever
-- inserted: a trigger refuses UPDATE, DELETE and TRUNCATE for every role, and
-- the application role (cvpath_app) is granted SELECT and INSERT only.

CREATE TABLE public.admin_audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_user_id uuid NOT NULL,
    session_id    uuid,
    action        text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]{2,80}$'),
    target_type   text NOT NULL CHECK (target_type ~ '^[a-z][a-z0-9_]{1,40}$'),
    target_id     text CHECK (length(target_id) <= 200),
    before        jsonb,
    after         jsonb,
    -- A keyed hash of the admin's IP (as sessions.ip_hash), never the IP itself.
    ip_hash       text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Not a foreign key on purpose: the trail outlives the admin's account.
CREATE INDEX admin_audit_log_created_idx ON public.admin_audit_log (created_at DESC);
CREATE INDEX admin_audit_log_target_idx ON public.admin_audit_log (target_type, target_id, created_at DESC);
CREATE INDEX admin_audit_log_actor_idx ON public.admin_audit_log (actor_user_id, created_at DESC);

CREATE FUNCTION public.refuse_audit_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'public.admin_audit_log is append-only: % is refused', TG_OP
        USING ERRCODE = 'CV301';
END;
$$;
CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON public.admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION public.refuse_audit_change();
CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON public.admin_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_audit_change();

-- The role the application's login role is a member of in a deployment. Roles are
-- cluster-wide: it may exist already (another database of the cluster), and a
-- migration user without CREATEROLE leaves it to the operator (see README).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cvpath_app') THEN
        CREATE ROLE cvpath_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create role cvpath_app here; create it and re-run its grants';
END
$$;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'cvpath_app') THEN
        GRANT USAGE ON SCHEMA public, analytics_monitoring TO cvpath_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cvpath_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA analytics_monitoring TO cvpath_app;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, analytics_monitoring TO cvpath_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON public.admin_audit_log FROM cvpath_app;
    END IF;
END
$$;
