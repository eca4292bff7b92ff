-- Admin LLM analytics (issue 10): hourly rollups that also know the agent, the
-- latency distribution, the first link's failures and what the ledger charged.
--
-- user_model_usage (0004) keys usage by owner, model and provider and keeps only
-- a latency sum, so p50/p95, failover and a per-agent view cannot come from it.
-- Two rollups are added, filled by the same hourly job in the same transaction
-- as user_model_usage and over the same rows (calls with an owner):
--
--   llm_usage_hourly        (hour, provider, model, agent): group_by provider,
--                            model, agent, day. A few dozen rows per hour.
--   llm_owner_usage_hourly  (hour, user or guest): group_by user.
--
-- Why two and not one keyed by all five: LLM calls come in runs, and a run
-- touches six agents, so an (owner, agent, model) key per hour has nearly as many
-- rows as the log itself; each grain on its own stays small.
--
-- Latency histogram: latency_histogram[i + 1] counts the calls whose latency_ms
-- falls in bucket i = width_bucket(latency_ms, llm_latency_edges()): bucket 0 is
-- [0, 1) ms, bucket i is [edges[i], edges[i + 1]), the last is [524288 ms, inf).
-- Edges are 1 ms apart up to 16 ms, then grow by 2^(1/4) (rounded), so a bucket
-- is at most 22 % wider than its lower edge: a percentile read from the histogram
-- lies in the same bucket as the exact one. The edges must never change in place
-- (every stored histogram depends on them); cvpath.admin.analytics mirrors them.
--
-- Failover: call_count counts logical calls (one per ProviderChain.complete: the
-- row with chain_position = 0 and attempt = 1) and first_link_successes the
-- successful rows at chain_position 0 (a link stops at its first success, so at
-- most one per call). calls - successes = calls whose first provider failed.
--
-- Ledger: ledger_actual_usd is what SETTLE and FEE entries created in the hour
-- took (from the reservation and from the balance), per owner by the account's
-- user and per (provider, model, agent) split over the run's logged cost.

CREATE FUNCTION analytics_monitoring.llm_latency_edges() RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT '{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,19,23,27,32,38,45,54,64,76,91,108,128,152,181,215,256,
             304,362,431,512,609,724,861,1024,1218,1448,1722,2048,2435,2896,3444,4096,4871,5793,6889,8192,
             9742,11585,13777,16384,19484,23170,27554,32768,38968,46341,55109,65536,77936,92682,110218,
             131072,155872,185364,220436,262144,311744,370728,440872,524288}'::integer[]
$$;

COMMENT ON FUNCTION analytics_monitoring.llm_latency_edges() IS
    'Lower edges (ms) of the latency histogram buckets 1..76; bucket 0 is [0, 1). Never change in place.';

CREATE TABLE analytics_monitoring.llm_usage_hourly (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hour_bucket          timestamptz NOT NULL
                             CHECK (date_trunc('hour', hour_bucket AT TIME ZONE 'UTC') = hour_bucket AT TIME ZONE 'UTC'),
    provider             text NOT NULL CHECK (length(provider) BETWEEN 1 AND 100),
    model                text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    agent                public.agent_name,
    request_count        integer NOT NULL CHECK (request_count >= 0),
    success_count        integer NOT NULL CHECK (success_count BETWEEN 0 AND request_count),
    input_tokens         bigint NOT NULL CHECK (input_tokens >= 0),
    output_tokens        bigint NOT NULL CHECK (output_tokens >= 0),
    cost_usd             numeric(18, 10) NOT NULL CHECK (cost_usd >= 0),
    fee_usd              numeric(18, 10) NOT NULL CHECK (fee_usd >= 0),
    call_count           integer NOT NULL CHECK (call_count >= 0),
    first_link_successes integer NOT NULL CHECK (first_link_successes >= 0),
    latency_histogram    integer[] NOT NULL CHECK (cardinality(latency_histogram) = 77),
    ledger_actual_usd    numeric(18, 10) NOT NULL CHECK (ledger_actual_usd >= 0),
    -- The key and the range index at once: every read is a range of hours.
    CONSTRAINT llm_usage_hourly_key UNIQUE NULLS NOT DISTINCT (hour_bucket, provider, model, agent)
);

CREATE TABLE analytics_monitoring.llm_owner_usage_hourly (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hour_bucket          timestamptz NOT NULL
                             CHECK (date_trunc('hour', hour_bucket AT TIME ZONE 'UTC') = hour_bucket AT TIME ZONE 'UTC'),
    user_id              uuid,
    guest_id             uuid,
    request_count        integer NOT NULL CHECK (request_count >= 0),
    success_count        integer NOT NULL CHECK (success_count BETWEEN 0 AND request_count),
    input_tokens         bigint NOT NULL CHECK (input_tokens >= 0),
    output_tokens        bigint NOT NULL CHECK (output_tokens >= 0),
    cost_usd             numeric(18, 10) NOT NULL CHECK (cost_usd >= 0),
    fee_usd              numeric(18, 10) NOT NULL CHECK (fee_usd >= 0),
    call_count           integer NOT NULL CHECK (call_count >= 0),
    first_link_successes integer NOT NULL CHECK (first_link_successes >= 0),
    latency_histogram    integer[] NOT NULL CHECK (cardinality(latency_histogram) = 77),
    ledger_actual_usd    numeric(18, 10) NOT NULL CHECK (ledger_actual_usd >= 0),
    CONSTRAINT llm_owner_usage_hourly_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT llm_owner_usage_hourly_key UNIQUE NULLS NOT DISTINCT (hour_bucket, user_id, guest_id)
);

-- Both rollups of [p_start, p_end), by UTC hour: grain 'dimension' rows carry
-- provider/model/agent, grain 'owner' rows user_id/guest_id. The hourly job
-- stores one hour of it; the analytics read it directly for the hours the job
-- has not reached yet (the current hour), so both paths count alike.
CREATE FUNCTION analytics_monitoring.llm_usage_rollup(p_start timestamptz, p_end timestamptz)
RETURNS TABLE (
    grain text, hour_bucket timestamptz, provider text, model text, agent public.agent_name,
    user_id uuid, guest_id uuid, request_count bigint, success_count bigint, input_tokens bigint,
    output_tokens bigint, cost_usd numeric, fee_usd numeric, call_count bigint,
    first_link_successes bigint, latency_histogram integer[], ledger_actual_usd numeric
)
-- PARALLEL SAFE (it only reads): otherwise a query that calls it may not use parallel workers at all,
-- and summing a month of owner rows wants them.
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
WITH calls AS (
    SELECT date_trunc('hour', l.created_at, 'UTC') AS hour_bucket, l.provider, l.model, l.agent,
           l.user_id, l.guest_id, l.status = 'SUCCESS' AS ok, l.chain_position, l.attempt,
           l.input_tokens, l.output_tokens, l.cost_usd, l.fee_usd,
           width_bucket(l.latency_ms, analytics_monitoring.llm_latency_edges()) AS bucket
    FROM analytics_monitoring.llm_generation_logs l
    WHERE l.created_at >= p_start AND l.created_at < p_end
      AND num_nonnulls(l.user_id, l.guest_id) = 1
),
per_bucket AS (
    SELECT GROUPING(c.provider, c.model, c.agent) = 0 AS dimension,
           c.hour_bucket, c.provider, c.model, c.agent, c.user_id, c.guest_id, c.bucket,
           count(*) AS requests,
           count(*) FILTER (WHERE c.ok) AS successes,
           sum(c.input_tokens) AS input_tokens, sum(c.output_tokens) AS output_tokens,
           sum(c.cost_usd) AS cost_usd, sum(c.fee_usd) AS fee_usd,
           count(*) FILTER (WHERE c.chain_position = 0 AND c.attempt = 1) AS calls,
           count(*) FILTER (WHERE c.chain_position = 0 AND c.ok) AS first_link_successes
    FROM calls c
    GROUP BY GROUPING SETS ((c.hour_bucket, c.provider, c.model, c.agent, c.bucket),
                            (c.hour_bucket, c.user_id, c.guest_id, c.bucket))
),
usage AS (
    SELECT b.dimension, b.hour_bucket, b.provider, b.model, b.agent, b.user_id, b.guest_id,
           sum(b.requests) AS requests, sum(b.successes) AS successes,
           sum(b.input_tokens) AS input_tokens, sum(b.output_tokens) AS output_tokens,
           sum(b.cost_usd) AS cost_usd, sum(b.fee_usd) AS fee_usd,
           sum(b.calls) AS calls, sum(b.first_link_successes) AS first_link_successes,
           ARRAY(SELECT coalesce((jsonb_object_agg(b.bucket::text, b.requests) ->> i::text)::integer, 0)
                 FROM generate_series(0, 76) AS i ORDER BY i) AS histogram,
           0::numeric AS ledger
    FROM per_bucket b
    GROUP BY b.dimension, b.hour_bucket, b.provider, b.model, b.agent, b.user_id, b.guest_id
),
-- What the ledger took for each run in the range: SETTLE and FEE move money out
-- of the reservation (reserved_delta) and the balance (amount), both negative.
charges AS (
    SELECT date_trunc('hour', e.created_at, 'UTC') AS hour_bucket, e.run_id, a.user_id,
           -sum(e.amount + e.reserved_delta) AS charged
    FROM public.ledger_entries e
    JOIN public.user_accounts a ON a.id = e.account_id
    WHERE e.kind IN ('SETTLE', 'FEE') AND e.run_id IS NOT NULL
      AND e.created_at >= p_start AND e.created_at < p_end
    GROUP BY 1, 2, 3
),
run_logs AS (
    SELECT c.hour_bucket, c.run_id, c.charged, l.provider, l.model, l.agent,
           sum(l.cost_usd + l.fee_usd) AS cost, count(*) AS requests
    FROM charges c
    JOIN analytics_monitoring.llm_generation_logs l ON l.run_id = c.run_id
    GROUP BY 1, 2, 3, 4, 5, 6
),
-- A run's charge split over its (provider, model, agent) by logged cost; by
-- request count when it logged no cost (then the charge is normally 0 too).
shares AS (
    SELECT r.hour_bucket, r.provider, r.model, r.agent,
           CASE WHEN sum(r.cost) OVER run > 0 THEN r.charged * r.cost / sum(r.cost) OVER run
                ELSE r.charged * r.requests / sum(r.requests) OVER run END AS ledger
    FROM run_logs r
    WINDOW run AS (PARTITION BY r.hour_bucket, r.run_id)
),
combined AS (
    SELECT u.dimension, u.hour_bucket, u.provider, u.model, u.agent, u.user_id, u.guest_id,
           u.requests, u.successes, u.input_tokens, u.output_tokens, u.cost_usd, u.fee_usd, u.calls,
           u.first_link_successes, u.histogram, u.ledger
    FROM usage u
    UNION ALL
    SELECT true, s.hour_bucket, s.provider, s.model, s.agent, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL, s.ledger
    FROM shares s
    UNION ALL
    SELECT false, c.hour_bucket, NULL, NULL, NULL, c.user_id, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL, c.charged
    FROM charges c
)
SELECT CASE WHEN m.dimension THEN 'dimension' ELSE 'owner' END, m.hour_bucket, m.provider, m.model, m.agent,
       m.user_id, m.guest_id, sum(m.requests)::bigint, sum(m.successes)::bigint, sum(m.input_tokens)::bigint,
       sum(m.output_tokens)::bigint, sum(m.cost_usd), sum(m.fee_usd), sum(m.calls)::bigint,
       sum(m.first_link_successes)::bigint,
       -- At most one usage row per key carries a histogram; ledger-only keys get zeros.
       coalesce(max(m.histogram), array_fill(0, ARRAY[77])),
       sum(m.ledger)
FROM combined m
GROUP BY m.dimension, m.hour_bucket, m.provider, m.model, m.agent, m.user_id, m.guest_id
$$;

COMMENT ON FUNCTION analytics_monitoring.llm_usage_rollup(timestamptz, timestamptz) IS
    'Both LLM usage rollups of a range by UTC hour (grain dimension or owner), straight from the log and ledger.';

-- Replaces one hour of both rollups; cvpath.telemetry.aggregation.aggregate_hour
-- calls it in the transaction that replaces the hour's user_model_usage rows.
CREATE FUNCTION analytics_monitoring.aggregate_llm_usage_hour(p_hour timestamptz) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_hour IS NULL OR date_trunc('hour', p_hour AT TIME ZONE 'UTC') <> p_hour AT TIME ZONE 'UTC' THEN
        RAISE EXCEPTION 'aggregate_llm_usage_hour needs the start of a UTC hour'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM analytics_monitoring.llm_usage_hourly WHERE hour_bucket = p_hour;
    DELETE FROM analytics_monitoring.llm_owner_usage_hourly WHERE hour_bucket = p_hour;
    -- Two passes over one hour of the log (about a thousand rows) cost less than a temporary table.
    INSERT INTO analytics_monitoring.llm_usage_hourly
        (hour_bucket, provider, model, agent, request_count, success_count, input_tokens, output_tokens,
         cost_usd, fee_usd, call_count, first_link_successes, latency_histogram, ledger_actual_usd)
    SELECT r.hour_bucket, r.provider, r.model, r.agent, r.request_count, r.success_count, r.input_tokens,
           r.output_tokens, r.cost_usd, r.fee_usd, r.call_count, r.first_link_successes, r.latency_histogram,
           r.ledger_actual_usd
    FROM analytics_monitoring.llm_usage_rollup(p_hour, p_hour + interval '1 hour') r WHERE r.grain = 'dimension';
    INSERT INTO analytics_monitoring.llm_owner_usage_hourly
        (hour_bucket, user_id, guest_id, request_count, success_count, input_tokens, output_tokens,
         cost_usd, fee_usd, call_count, first_link_successes, latency_histogram, ledger_actual_usd)
    SELECT r.hour_bucket, r.user_id, r.guest_id, r.request_count, r.success_count, r.input_tokens,
           r.output_tokens, r.cost_usd, r.fee_usd, r.call_count, r.first_link_successes, r.latency_histogram,
           r.ledger_actual_usd
    FROM analytics_monitoring.llm_usage_rollup(p_hour, p_hour + interval '1 hour') r WHERE r.grain = 'owner';
END;
$$;

-- Hours the hourly job aggregated before this migration get their rollups now.
SELECT analytics_monitoring.aggregate_llm_usage_hour(h.hour_bucket)
FROM (SELECT DISTINCT hour_bucket FROM analytics_monitoring.user_model_usage) h;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'cvpath_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_monitoring.llm_usage_hourly,
            analytics_monitoring.llm_owner_usage_hourly TO cvpath_app;
    END IF;
END
$$;
