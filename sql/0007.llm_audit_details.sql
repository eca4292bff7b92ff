-- The LLM audit row as the gateway writes it (issue 4, item 7): what 0004 lacked.
--
-- Cost. `estimated_cost_usd` is the genai-prices estimate of what the provider
-- charges for this attempt, and NULL when the price is unknown: an unknown price
-- must stay visibly unknown, never become a silent 0. `cost_usd` (NOT NULL,
-- default 0) keeps its meaning as the booked amount that aggregates sum: the
-- gateway books the estimate, or 0 when it is unknown, so `SUM(cost_usd)` is
-- always a number and `estimated_cost_usd IS NULL` finds the rows it leaves out.
--
-- Duration. `latency_ms` already is the attempt's duration (start of the HTTP
-- request to the end of its response or error); it is reused, not duplicated.
-- `started_at` / `completed_at` give the wall-clock bounds.
--
-- Payloads. With payload logging on (debug), `request` / `response` hold the full
-- bodies (keys already removed). With it off they are NULL, and only the sha256
-- and size of each body's canonical JSON are kept, which is enough to prove what
-- was sent and to compare runs without storing a CV. The hashes are written in
-- both modes. `request` therefore loses NOT NULL, and a constraint demands at
-- least one of the body and its hash.
--
-- Status. The enum of 0004 already has what the gateway distinguishes: SUCCESS,
-- ERROR, TIMEOUT, RATE_LIMITED, AUTH_ERROR and INVALID_OUTPUT (an answer that
-- failed validation).
--
-- Immutability: ALTER TABLE ... ADD COLUMN leaves the row triggers of 0004 in
-- place, and guard_immutable_row compares whole rows (to_jsonb), so the new
-- columns are protected like the old ones. Every new column is nullable or has a
-- constant default, so the change needs no table rewrite on PostgreSQL 11+.

ALTER TABLE analytics_monitoring.llm_generation_logs
    ADD COLUMN estimated_cost_usd numeric(18, 10) CHECK (estimated_cost_usd >= 0),
    ADD COLUMN started_at         timestamptz,
    ADD COLUMN completed_at       timestamptz,
    ADD COLUMN parameters         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(parameters) = 'object'),
    ADD COLUMN error_message      text CHECK (length(error_message) <= 2000),
    ADD COLUMN request_sha256     text CHECK (request_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN request_bytes      integer CHECK (request_bytes >= 0),
    ADD COLUMN response_sha256    text CHECK (response_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN response_bytes     integer CHECK (response_bytes >= 0),
    ALTER COLUMN request DROP NOT NULL,
    ADD CONSTRAINT llm_generation_logs_request_evidence
        CHECK (request IS NOT NULL OR request_sha256 IS NOT NULL),
    ADD CONSTRAINT llm_generation_logs_hash_has_size
        CHECK ((request_sha256 IS NULL) = (request_bytes IS NULL)
               AND (response_sha256 IS NULL) = (response_bytes IS NULL)),
    ADD CONSTRAINT llm_generation_logs_time_bounds
        CHECK ((started_at IS NULL) = (completed_at IS NULL) AND completed_at >= started_at);

COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.cost_usd IS
    'Booked provider cost in USD: estimated_cost_usd, or 0 when that is unknown.';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.estimated_cost_usd IS
    'genai-prices estimate of the provider charge for this attempt; NULL when the price is unknown.';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.latency_ms IS
    'Duration of the attempt in milliseconds (duration_ms in the gateway).';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.request IS
    'Full request body (no keys) when payload logging is on; NULL otherwise (see request_sha256).';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.response IS
    'Full response body when payload logging is on; NULL otherwise or when there was none.';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.request_sha256 IS
    'sha256 (hex) of the request body as canonical JSON (sorted keys, compact, UTF-8).';
COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.parameters IS
    'Model parameters of the attempt (temperature, max_tokens, timeout_s, ...).';
