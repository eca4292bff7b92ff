-- Foundation of the public schema: enum types, the shared trigger functions,
-- people (users, guests, auth sessions, model profiles) and platform settings.
--
-- Conventions used by every later migration:
--   * Ids are uuid DEFAULT gen_random_uuid() (built in since PostgreSQL 13, so
--     no extension is needed and the schema runs on embedded PG, RDS and Docker).
--   * A row owned by a person carries user_id and guest_id with
--     CHECK (num_nonnulls(user_id, guest_id) = 1): exactly one owner.
--   * Deleting a user or a guest cascades to what they own, except money:
--     ledger rows RESTRICT the delete (see 0003).
--   * Timestamps are timestamptz; updated_at is kept by public.touch_updated_at().
--
-- SQLSTATEs raised on purpose by CVPath (class "CV" is unused by PostgreSQL):
--   CV001  an immutable row (snapshot, audit log, ledger entry) was modified
--   CV101  migrate_guest_to_user: unknown guest
--   CV102  migrate_guest_to_user: unknown user
--   CV103  migrate_guest_to_user: guest already migrated to a different user

CREATE TYPE public.user_tier AS ENUM ('FREE', 'PAID', 'BYOK');

CREATE TYPE public.subscription_status AS ENUM ('NONE', 'TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELED', 'EXPIRED');

CREATE TYPE public.agent_name AS ENUM (
    'CV_PARSER', 'CV_VALIDATOR', 'JOB_PARSER', 'JOB_ANALYZER', 'CV_TAILOR', 'COMPARATIVE_SCORER'
);

-- Mirrors the Step Functions execution states, plus QUEUED (row written before
-- StartExecution) and REJECTED (Admit refused: quota, balance, BYOK status).
CREATE TYPE public.run_status AS ENUM (
    'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'ABORTED'
);

-- The user-facing funnel of one job application, in order.
CREATE TYPE public.workflow_step AS ENUM (
    'CV_IMPORT', 'JOB_INPUT', 'ANALYSIS', 'TAILORING', 'REVIEW', 'EXPORT', 'COMPLETED'
);

CREATE TYPE public.ledger_entry_kind AS ENUM (
    'TOP_UP', 'RESERVE', 'RELEASE', 'SETTLE', 'FEE', 'REFUND', 'ADJUSTMENT'
);

-- Keeps updated_at honest for every UPDATE that does not set it explicitly.
-- Triggers call it with a WHEN clause (cheaper than a plpgsql test per row):
-- an UPDATE that sets updated_at itself (a newer-wins merge copying the winner's
-- timestamp) or that only moves a row from a guest to a user keeps its value,
-- because an ownership move is not an edit and must not win later merges.
CREATE FUNCTION public.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- Guard of the immutable evidence tables (input/output snapshots, the LLM audit log).
--
-- Why two exceptions instead of none:
--   * Ownership move. A guest's evidence must follow them when they register
--     (migrate_guest_to_user), and copying rows to new ids would break the
--     references runs hold to them. So an UPDATE is allowed when the only change
--     is the owner going from a guest to a user; every other column, the id
--     included, must stay byte-for-byte equal (compared as jsonb, so the check
--     covers columns added later without editing this function).
--   * Erasure. Deleting a person (GDPR, expired guests) must be able to remove
--     their evidence, but never by accident: DELETE and TRUNCATE pass only in a
--     transaction that ran SET LOCAL cvpath.erasure = 'on'.
-- The money ledger has no such exceptions (public.reject_ledger_change, 0003).
CREATE FUNCTION public.guard_immutable_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        IF coalesce(current_setting('cvpath.erasure', true), '') = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '%.% is immutable: % is refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'CV001',
                  HINT = 'erasing a person''s evidence needs SET LOCAL cvpath.erasure = ''on''';
    END IF;

    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF old_row - ARRAY['user_id', 'guest_id'] = new_row - ARRAY['user_id', 'guest_id']
       AND old_row ->> 'guest_id' IS NOT NULL AND old_row ->> 'user_id' IS NULL
       AND new_row ->> 'guest_id' IS NULL AND new_row ->> 'user_id' IS NOT NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%.% is immutable: only moving a row from a guest to a user may update it',
        TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'CV001';
END;
$$;

CREATE TABLE public.users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 320),
    password_hash text,
    display_name  text CHECK (length(display_name) <= 200),
    is_admin      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
-- Case-insensitive uniqueness without the citext extension.
CREATE UNIQUE INDEX users_email_key ON public.users (lower(email));

CREATE TABLE public.guest_users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Set once by migrate_guest_to_user. Deleting that user deletes the guest
    -- stub too: everything it owned already belongs to the user.
    migrated_to_user_id uuid REFERENCES public.users (id) ON DELETE CASCADE,
    migrated_at         timestamptz,
    user_agent          text,
    -- A keyed hash of the client IP, never the IP itself.
    ip_hash             text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT guest_users_migration_complete
        CHECK ((migrated_to_user_id IS NULL) = (migrated_at IS NULL))
);
CREATE INDEX guest_users_migrated_to_idx ON public.guest_users (migrated_to_user_id)
    WHERE migrated_to_user_id IS NOT NULL;

-- Authentication sessions (opaque tokens; only their hash is stored).
CREATE TABLE public.sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id     uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_agent   text,
    ip_hash      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    CONSTRAINT sessions_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT sessions_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON public.sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_guest_idx ON public.sessions (guest_id) WHERE guest_id IS NOT NULL;

-- Governance profile: tier, limits, BYOK key. One per owner; guests get one so
-- their free daily quota is enforced the same way as a FREE user's.
CREATE TABLE public.user_model_profiles (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id               uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    tier                   public.user_tier NOT NULL DEFAULT 'FREE',
    subscription_status    public.subscription_status NOT NULL DEFAULT 'NONE',
    subscription_renews_at timestamptz,
    -- NULL: use default_model_config. Otherwise an ordered JSON list of
    -- {provider, model, base_url?, timeout_s, max_retries}.
    provider_chain         jsonb CHECK (provider_chain IS NULL OR (
                               jsonb_typeof(provider_chain) = 'array'
                               AND jsonb_array_length(provider_chain) > 0
                               AND NOT jsonb_path_exists(
                                   provider_chain, '$[*] ? (@.type() != "object" || !exists(@.provider) || !exists(@.model))'))),
    -- AES-256-GCM ciphertext made in Python (no pgcrypto); key_version names
    -- the master key that sealed it so `vault rotate` can find stale rows.
    api_key_encrypted      bytea,
    api_key_provider       text,
    api_key_version        integer CHECK (api_key_version > 0),
    -- NULL limits fall back to platform_settings.
    daily_quota            integer CHECK (daily_quota >= 0),
    daily_used             integer NOT NULL DEFAULT 0 CHECK (daily_used >= 0),
    monthly_cap            numeric(14, 6) CHECK (monthly_cap >= 0),
    monthly_spent          numeric(14, 6) NOT NULL DEFAULT 0 CHECK (monthly_spent >= 0),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_model_profiles_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT user_model_profiles_guest_is_free CHECK (guest_id IS NULL OR tier = 'FREE'),
    CONSTRAINT user_model_profiles_key_complete
        CHECK ((api_key_encrypted IS NULL) = (api_key_version IS NULL)
               AND (api_key_encrypted IS NULL) = (api_key_provider IS NULL))
);
CREATE UNIQUE INDEX user_model_profiles_user_key ON public.user_model_profiles (user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX user_model_profiles_guest_key ON public.user_model_profiles (guest_id)
    WHERE guest_id IS NOT NULL;
CREATE INDEX user_model_profiles_key_version_idx ON public.user_model_profiles (api_key_version)
    WHERE api_key_encrypted IS NOT NULL;

-- One row, ever: the boolean primary key can only be true.
CREATE TABLE public.platform_settings (
    id                       boolean PRIMARY KEY DEFAULT true CHECK (id),
    global_free_mode         boolean NOT NULL DEFAULT false,
    -- Charged on top of provider cost for PAID users: 0.2000 = 20 %.
    service_fee_rate         numeric(5, 4) NOT NULL DEFAULT 0.20 CHECK (service_fee_rate BETWEEN 0 AND 1),
    free_daily_quota         integer NOT NULL DEFAULT 5 CHECK (free_daily_quota >= 0),
    minimum_balance          numeric(14, 6) NOT NULL DEFAULT 1.00 CHECK (minimum_balance >= 0),
    default_monthly_cap      numeric(14, 6) NOT NULL DEFAULT 50.00 CHECK (default_monthly_cap >= 0),
    currency                 char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    updated_by               uuid REFERENCES public.users (id) ON DELETE SET NULL,
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.default_model_config (
    agent             public.agent_name PRIMARY KEY,
    -- The offline provider is the last link of every default chain, so the
    -- product always answers with no key and no network.
    provider_chain    jsonb NOT NULL CHECK (
                          jsonb_typeof(provider_chain) = 'array'
                          AND jsonb_array_length(provider_chain) > 0
                          AND NOT jsonb_path_exists(
                              provider_chain, '$[*] ? (@.type() != "object" || !exists(@.provider) || !exists(@.model))')
                          AND provider_chain -> -1 ->> 'provider' = 'offline'),
    temperature       numeric(3, 2) NOT NULL DEFAULT 0 CHECK (temperature BETWEEN 0 AND 2),
    max_output_tokens integer NOT NULL DEFAULT 4096 CHECK (max_output_tokens > 0),
    updated_by        uuid REFERENCES public.users (id) ON DELETE SET NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER user_model_profiles_touch BEFORE UPDATE ON public.user_model_profiles FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER platform_settings_touch BEFORE UPDATE ON public.platform_settings FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER default_model_config_touch BEFORE UPDATE ON public.default_model_config FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at)
    EXECUTE FUNCTION public.touch_updated_at();
