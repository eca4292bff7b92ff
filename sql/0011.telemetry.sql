-- Telemetry ingest (issue 8): what the batch consumer writes beyond 0004.
--
-- - error_events: where an error happened (file, line, function), a resolution
--   status with an assignee and a note, and error_groups: one row per
--   fingerprint (error_type + file + function) for triage.
-- - page_views / visitor_sessions: device and browser, and the link from the
--   anonymous visit to the guest and then the user, kept after the guest's rows
--   are moved to the user by migrate_guest_to_user (which clears guest_id).
-- - llm_request_events: LLM requests reported by clients through /track. They
--   are not the server's audit trail (llm_generation_logs, immutable, written
--   mid-run) and must not be counted twice by the hourly usage aggregation.

-- ------------------------------------------------------------------ errors

ALTER TABLE analytics_monitoring.error_events
    ADD COLUMN file_path       text CHECK (length(file_path) <= 1024),
    ADD COLUMN line_number     integer CHECK (line_number >= 0),
    ADD COLUMN function_name   text CHECK (length(function_name) <= 300),
    ADD COLUMN resolution      text NOT NULL DEFAULT 'new'
                                   CHECK (resolution IN ('new', 'investigating', 'resolved', 'ignored')),
    ADD COLUMN assignee        text CHECK (length(assignee) BETWEEN 1 AND 200),
    ADD COLUMN resolution_note text CHECK (length(resolution_note) <= 4000),
    ADD COLUMN resolved_at     timestamptz,
    ADD CONSTRAINT error_events_resolved_has_time
        CHECK ((resolution IN ('resolved', 'ignored')) = (resolved_at IS NOT NULL));

CREATE INDEX error_events_open_idx ON analytics_monitoring.error_events (fingerprint)
    WHERE resolution IN ('new', 'investigating');

-- An occurrence of a fingerprint someone chose to ignore stays ignored; any
-- other new occurrence is 'new', so an error that returns after 'resolved'
-- reopens its group (the group's status is its latest occurrence's).
CREATE FUNCTION analytics_monitoring.inherit_ignored_resolution() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.resolution = 'new' AND EXISTS (
        SELECT 1 FROM (
            SELECT e.resolution FROM analytics_monitoring.error_events e
            WHERE e.fingerprint = NEW.fingerprint
            ORDER BY e.occurred_at DESC
            LIMIT 1
        ) latest WHERE latest.resolution = 'ignored'
    ) THEN
        NEW.resolution := 'ignored';
        NEW.resolved_at := now();
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER error_events_inherit_ignored BEFORE INSERT ON analytics_monitoring.error_events
    FOR EACH ROW EXECUTE FUNCTION analytics_monitoring.inherit_ignored_resolution();

-- One row per fingerprint. Status, assignee and note are the latest occurrence's,
-- set for a whole group with one UPDATE ... WHERE fingerprint = $1.
CREATE VIEW analytics_monitoring.error_groups AS
SELECT
    e.fingerprint,
    count(*)                                                      AS occurrences,
    min(e.occurred_at)                                            AS first_seen_at,
    max(e.occurred_at)                                            AS last_seen_at,
    (array_agg(e.error_type ORDER BY e.occurred_at DESC))[1]      AS error_type,
    (array_agg(e.file_path ORDER BY e.occurred_at DESC))[1]       AS file_path,
    (array_agg(e.function_name ORDER BY e.occurred_at DESC))[1]   AS function_name,
    (array_agg(e.source ORDER BY e.occurred_at DESC))[1]          AS source,
    (array_agg(e.severity ORDER BY e.occurred_at DESC))[1]        AS severity,
    (array_agg(e.message ORDER BY e.occurred_at DESC))[1]         AS last_message,
    (array_agg(e.resolution ORDER BY e.occurred_at DESC))[1]      AS resolution,
    (array_agg(e.assignee ORDER BY e.occurred_at DESC))[1]        AS assignee,
    (array_agg(e.resolution_note ORDER BY e.occurred_at DESC))[1] AS resolution_note,
    count(DISTINCT coalesce(e.user_id, e.guest_id))               AS people_affected
FROM analytics_monitoring.error_events e
GROUP BY e.fingerprint;

-- ------------------------------------------------------- visits and sessions

ALTER TABLE analytics_monitoring.page_views
    ADD COLUMN device_type text CHECK (device_type IN ('desktop', 'mobile', 'tablet', 'bot', 'other')),
    ADD COLUMN browser     text CHECK (length(browser) <= 100);

ALTER TABLE analytics_monitoring.visitor_sessions
    ADD COLUMN browser         text CHECK (length(browser) <= 100),
    -- The first guest this visit was seen as; unlike guest_id it survives the
    -- guest's registration (migrate_guest_to_user moves guest_id to user_id).
    ADD COLUMN linked_guest_id uuid,
    ADD COLUMN guest_seen_at   timestamptz,
    ADD COLUMN user_seen_at    timestamptz;

CREATE INDEX visitor_sessions_linked_guest_idx ON analytics_monitoring.visitor_sessions (linked_guest_id)
    WHERE linked_guest_id IS NOT NULL;

-- The funnel per visit: first seen -> a guest -> a user. A guest that registered
-- in a later visit still counts, through guest_users.migrated_to_user_id.
CREATE VIEW analytics_monitoring.visitor_funnel AS
SELECT
    s.id                                                   AS visitor_session_id,
    s.started_at                                           AS first_visit_at,
    coalesce(s.linked_guest_id, s.guest_id)                AS guest_id,
    s.guest_seen_at,
    coalesce(s.user_id, g.migrated_to_user_id)             AS user_id,
    coalesce(s.user_seen_at, g.migrated_at)                AS user_seen_at,
    s.page_view_count,
    s.landing_path,
    s.referrer,
    s.device_type
FROM analytics_monitoring.visitor_sessions s
LEFT JOIN public.guest_users g ON g.id = coalesce(s.linked_guest_id, s.guest_id);

-- ------------------------------------------------ client-reported LLM requests

CREATE TABLE analytics_monitoring.llm_request_events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    visitor_session_id uuid,
    user_id            uuid,
    guest_id           uuid,
    run_id             uuid,
    provider           text NOT NULL CHECK (length(provider) BETWEEN 1 AND 100),
    model              text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    agent_type         public.agent_name,
    input_tokens       integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens      integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cached_tokens      integer NOT NULL DEFAULT 0 CHECK (cached_tokens >= 0),
    cost_usd           numeric(18, 10) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    latency_ms         integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
    status             analytics_monitoring.llm_call_status NOT NULL,
    error_code         text CHECK (length(error_code) <= 100),
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT llm_request_events_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1),
    CONSTRAINT llm_request_events_error_has_code CHECK (status = 'SUCCESS' OR error_code IS NOT NULL)
);
CREATE INDEX llm_request_events_occurred_idx ON analytics_monitoring.llm_request_events (occurred_at);
CREATE INDEX llm_request_events_user_idx ON analytics_monitoring.llm_request_events (user_id, occurred_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX llm_request_events_guest_idx ON analytics_monitoring.llm_request_events (guest_id)
    WHERE guest_id IS NOT NULL;
