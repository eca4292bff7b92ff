-- The observability schema: the LLM audit trail, behavioural telemetry, errors,
-- hourly usage and derived insights.
--
-- Why no foreign keys into public: these rows are written by an asynchronous
-- consumer in batches (and the audit log synchronously, mid-run). A batch must
-- never fail because the person or run it mentions was deleted meanwhile, and
-- observability history must not vanish or be rewritten by a business-side
-- cascade. Ids of public rows are therefore kept as plain uuids.
--
-- Why "at most one owner" here (public demands exactly one): telemetry comes
-- from anonymous visitors before a guest exists, and system calls such as
-- `cvpath llm ping` are audited without a person.
--
-- Idempotent ingest: every event table has a NOT NULL UNIQUE event_id chosen by
-- the producer, so the consumer writes with ON CONFLICT (event_id) DO NOTHING
-- and a redelivered SQS message changes nothing.

CREATE SCHEMA analytics_monitoring;

CREATE TYPE analytics_monitoring.llm_call_status AS ENUM (
    'SUCCESS', 'ERROR', 'TIMEOUT', 'RATE_LIMITED', 'AUTH_ERROR', 'INVALID_OUTPUT'
);

-- One immutable row per LLM request (each retry and each failover is a request).
CREATE TABLE analytics_monitoring.llm_generation_logs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    run_id            uuid,
    user_id           uuid,
    guest_id          uuid,
    agent             public.agent_name,
    provider          text NOT NULL CHECK (length(provider) BETWEEN 1 AND 100),
    model             text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    attempt           smallint NOT NULL DEFAULT 1 CHECK (attempt > 0),
    chain_position    smallint NOT NULL DEFAULT 0 CHECK (chain_position >= 0),
    tier              public.user_tier,
    prompt_version    text,
    schema_version    text,
    input_tokens      integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens     integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cached_tokens     integer NOT NULL DEFAULT 0 CHECK (cached_tokens >= 0),
    -- Provider cost and the platform fee on top (PAID only), in USD. Ten decimals:
    -- a small call costs fractions of a micro-dollar.
    cost_usd          numeric(18, 10) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    fee_usd           numeric(18, 10) NOT NULL DEFAULT 0 CHECK (fee_usd >= 0),
    latency_ms        integer NOT NULL CHECK (latency_ms >= 0),
    status            analytics_monitoring.llm_call_status NOT NULL,
    error_code        text,
    -- Exactly what was sent and received (never a key: clients strip auth).
    request           jsonb NOT NULL,
    response          jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT llm_generation_logs_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1),
    CONSTRAINT llm_generation_logs_error_has_code CHECK (status = 'SUCCESS' OR error_code IS NOT NULL)
);
CREATE INDEX llm_generation_logs_user_created_idx ON analytics_monitoring.llm_generation_logs (user_id, created_at);
CREATE INDEX llm_generation_logs_guest_idx ON analytics_monitoring.llm_generation_logs (guest_id, created_at)
    WHERE guest_id IS NOT NULL;
CREATE INDEX llm_generation_logs_run_idx ON analytics_monitoring.llm_generation_logs (run_id)
    WHERE run_id IS NOT NULL;
CREATE INDEX llm_generation_logs_created_idx ON analytics_monitoring.llm_generation_logs (created_at);

CREATE TRIGGER llm_generation_logs_immutable BEFORE UPDATE OR DELETE ON analytics_monitoring.llm_generation_logs
    FOR EACH ROW EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER llm_generation_logs_no_truncate BEFORE TRUNCATE ON analytics_monitoring.llm_generation_logs
    FOR EACH STATEMENT EXECUTE FUNCTION public.guard_immutable_row();

-- A browser visit. Its id comes from the client, so re-sent events upsert.
CREATE TABLE analytics_monitoring.visitor_sessions (
    id              uuid PRIMARY KEY,
    user_id         uuid,
    guest_id        uuid,
    started_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    landing_path    text CHECK (length(landing_path) <= 2048),
    referrer        text CHECK (length(referrer) <= 2048),
    utm_source      text,
    utm_medium      text,
    utm_campaign    text,
    user_agent      text,
    device_type     text CHECK (device_type IN ('desktop', 'mobile', 'tablet', 'bot', 'other')),
    country         char(2) CHECK (country ~ '^[A-Z]{2}$'),
    page_view_count integer NOT NULL DEFAULT 0 CHECK (page_view_count >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT visitor_sessions_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1),
    CONSTRAINT visitor_sessions_seen_after_start CHECK (last_seen_at >= started_at)
);
CREATE INDEX visitor_sessions_started_idx ON analytics_monitoring.visitor_sessions (started_at);
CREATE INDEX visitor_sessions_user_idx ON analytics_monitoring.visitor_sessions (user_id, started_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX visitor_sessions_guest_idx ON analytics_monitoring.visitor_sessions (guest_id)
    WHERE guest_id IS NOT NULL;

CREATE TABLE analytics_monitoring.page_views (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    visitor_session_id uuid,
    user_id            uuid,
    guest_id           uuid,
    path               text NOT NULL CHECK (length(path) BETWEEN 1 AND 2048),
    title              text CHECK (length(title) <= 500),
    referrer           text CHECK (length(referrer) <= 2048),
    duration_ms        integer CHECK (duration_ms >= 0),
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT page_views_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1)
);
CREATE INDEX page_views_occurred_idx ON analytics_monitoring.page_views (occurred_at);
CREATE INDEX page_views_user_idx ON analytics_monitoring.page_views (user_id, occurred_at) WHERE user_id IS NOT NULL;
CREATE INDEX page_views_guest_idx ON analytics_monitoring.page_views (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX page_views_session_idx ON analytics_monitoring.page_views (visitor_session_id)
    WHERE visitor_session_id IS NOT NULL;

CREATE TABLE analytics_monitoring.user_actions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    visitor_session_id uuid,
    user_id            uuid,
    guest_id           uuid,
    action             text NOT NULL CHECK (action ~ '^[a-z0-9][a-z0-9_.:-]{0,99}$'),
    category           text CHECK (length(category) <= 100),
    target             text CHECK (length(target) <= 500),
    properties         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_actions_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1)
);
CREATE INDEX user_actions_occurred_idx ON analytics_monitoring.user_actions (occurred_at);
CREATE INDEX user_actions_action_idx ON analytics_monitoring.user_actions (action, occurred_at);
CREATE INDEX user_actions_user_idx ON analytics_monitoring.user_actions (user_id, occurred_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX user_actions_guest_idx ON analytics_monitoring.user_actions (guest_id) WHERE guest_id IS NOT NULL;

-- Errors from every tier. The fingerprint (hash of type + normalised stack)
-- groups repeats for /api/admin/errors/{fingerprint}.
CREATE TABLE analytics_monitoring.error_events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id           uuid NOT NULL UNIQUE,
    fingerprint        text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{16,64}$'),
    source             text NOT NULL CHECK (source IN (
                           'frontend', 'api', 'admin', 'agent', 'render', 'telemetry', 'pipeline', 'cli')),
    severity           text NOT NULL DEFAULT 'error'
                           CHECK (severity IN ('debug', 'info', 'warning', 'error', 'critical')),
    error_type         text NOT NULL CHECK (length(error_type) BETWEEN 1 AND 200),
    message            text NOT NULL,
    stack              text,
    context            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
    run_id             uuid,
    visitor_session_id uuid,
    user_id            uuid,
    guest_id           uuid,
    occurred_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT error_events_at_most_one_owner CHECK (num_nonnulls(user_id, guest_id) <= 1)
);
CREATE INDEX error_events_fingerprint_idx ON analytics_monitoring.error_events (fingerprint, occurred_at DESC);
CREATE INDEX error_events_occurred_idx ON analytics_monitoring.error_events (occurred_at);
CREATE INDEX error_events_guest_idx ON analytics_monitoring.error_events (guest_id) WHERE guest_id IS NOT NULL;

-- Hourly usage per person, model and provider, filled by the hourly job.
--
-- Two full (non-partial) unique constraints, one per owner kind: NULLs are
-- distinct, so the user constraint ignores guest rows and vice versa, and both
-- `ON CONFLICT (user_id, model, provider, hour_bucket)` and the same with
-- `WHERE user_id IS NOT NULL` infer it. NULLS NOT DISTINCT would be wrong here:
-- it would allow one guest row per hour across all guests.
CREATE TABLE analytics_monitoring.user_model_usage (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          uuid,
    guest_id         uuid,
    model            text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    provider         text NOT NULL CHECK (length(provider) BETWEEN 1 AND 100),
    -- Start of a UTC hour. AT TIME ZONE 'UTC' keeps the check immutable and
    -- independent of the session's TimeZone.
    hour_bucket      timestamptz NOT NULL
                         CHECK (date_trunc('hour', hour_bucket AT TIME ZONE 'UTC') = hour_bucket AT TIME ZONE 'UTC'),
    request_count    integer NOT NULL DEFAULT 0 CHECK (request_count >= 0),
    success_count    integer NOT NULL DEFAULT 0 CHECK (success_count >= 0),
    error_count      integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
    input_tokens     bigint NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens    bigint NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost_usd         numeric(18, 10) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    total_latency_ms bigint NOT NULL DEFAULT 0 CHECK (total_latency_ms >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_model_usage_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT user_model_usage_outcomes_add_up CHECK (success_count + error_count <= request_count),
    CONSTRAINT user_model_usage_user_key UNIQUE (user_id, model, provider, hour_bucket),
    CONSTRAINT user_model_usage_guest_key UNIQUE (guest_id, model, provider, hour_bucket)
);
CREATE INDEX user_model_usage_hour_idx ON analytics_monitoring.user_model_usage (hour_bucket);

-- Findings computed from the tables above (funnel drops, frequent skill gaps,
-- error spikes, cost anomalies). Recomputing a period upserts on its key.
CREATE TABLE analytics_monitoring.pattern_insights (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    insight_type text NOT NULL CHECK (insight_type IN (
                     'FUNNEL_DROP', 'SKILL_GAP', 'ERROR_SPIKE', 'COST_ANOMALY', 'MODEL_QUALITY', 'USAGE_TREND')),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    agent        public.agent_name,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    metrics      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
    summary      text,
    confidence   numeric(4, 3) CHECK (confidence BETWEEN 0 AND 1),
    sample_size  integer NOT NULL DEFAULT 0 CHECK (sample_size >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pattern_insights_period_order CHECK (period_end > period_start),
    CONSTRAINT pattern_insights_period_key UNIQUE (insight_type, subject, period_start, period_end)
);
CREATE INDEX pattern_insights_type_idx ON analytics_monitoring.pattern_insights (insight_type, period_end DESC);

CREATE TRIGGER user_model_usage_touch BEFORE UPDATE ON analytics_monitoring.user_model_usage FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
