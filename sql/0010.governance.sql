-- Governance: hourly limits, quota windows, the monthly cap's reservation, the
-- failed-run policy, and what Admit and Settle decided for each run.
--
-- Quota windows are stored next to their counters so that one conditional
-- UPDATE can both roll a stale window over and count the new request: the
-- scheduled resets are then housekeeping, and a late or skipped reset can never
-- refuse (or grant) a request by mistake. Every window is in UTC.

ALTER TABLE public.user_model_profiles
    -- NULL: platform_settings.default_hourly_limit (NULL there too: no hourly limit).
    ADD COLUMN hourly_limit integer CHECK (hourly_limit >= 0),
    ADD COLUMN hourly_used integer NOT NULL DEFAULT 0 CHECK (hourly_used >= 0),
    -- The UTC hour hourly_used counts (date_trunc('hour', ...)).
    ADD COLUMN hour_start timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
    -- The UTC day daily_used counts. A profile copied by migrate_guest_to_user
    -- gets today, so a guest's use carried over is not mistaken for a stale day.
    ADD COLUMN quota_day date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    -- When monthly_spent next returns to 0 (the first day of a UTC month).
    ADD COLUMN spending_reset_date date NOT NULL
        DEFAULT (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month')::date,
    -- Estimates of admitted PAID runs not settled yet: the cap counts them, so
    -- concurrent runs cannot pass it together. Not reset monthly (runs in flight).
    ADD COLUMN monthly_reserved numeric(14, 6) NOT NULL DEFAULT 0 CHECK (monthly_reserved >= 0),
    ADD CONSTRAINT user_model_profiles_hour_start_whole CHECK (hour_start = date_trunc('hour', hour_start)),
    ADD CONSTRAINT user_model_profiles_reset_first_of_month
        CHECK (extract(day FROM spending_reset_date) = 1);

ALTER TABLE public.platform_settings
    -- What MarkFailed does with the provider cost a failed PAID run already
    -- incurred: charge it (no fee) or waive it. FREE and BYOK are never charged.
    ADD COLUMN failed_run_policy text NOT NULL DEFAULT 'charge_incurred'
        CHECK (failed_run_policy IN ('charge_incurred', 'waive')),
    -- NULL: no platform-wide hourly limit.
    ADD COLUMN default_hourly_limit integer CHECK (default_hourly_limit >= 0);

ALTER TABLE public.pipeline_runs
    ADD COLUMN estimated_cost numeric(14, 6) CHECK (estimated_cost >= 0),
    -- The Admission Admit returned, replayed verbatim to a retried Admit.
    ADD COLUMN admission jsonb CHECK (jsonb_typeof(admission) = 'object'),
    ADD COLUMN admitted_at timestamptz,
    -- The Settlement Settle or MarkFailed returned, replayed to a retry.
    ADD COLUMN settlement jsonb CHECK (jsonb_typeof(settlement) = 'object'),
    ADD COLUMN settled_at timestamptz,
    ADD CONSTRAINT pipeline_runs_admission_complete
        CHECK ((admission IS NULL) = (admitted_at IS NULL) AND (admission IS NULL) = (estimated_cost IS NULL)),
    ADD CONSTRAINT pipeline_runs_settlement_complete CHECK ((settlement IS NULL) = (settled_at IS NULL));

-- The order entries were applied to their account. created_at is the
-- transaction's start, and concurrent transactions reach an account's row lock
-- in any order; an identity value is drawn at INSERT, after the account row is
-- locked by the same transaction, so per account it follows the lock order.
ALTER TABLE public.ledger_entries
    ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
    ADD CONSTRAINT ledger_entries_seq_key UNIQUE (seq);
CREATE INDEX ledger_entries_account_seq_idx ON public.ledger_entries (account_id, seq);
