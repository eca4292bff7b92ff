-- Identity for the public API: login throttling, email verification, the outbound
-- email outbox, and the refresh tokens a session has rotated away from.
--
-- Secrets never reach these tables. Throttling subjects, IPs and refresh tokens are
-- stored as hashes; a verification email's link token is derived in Python from
-- the row id and the signing secret (HMAC), so neither the outbox nor
-- email_verifications holds anything that could be replayed.

-- Failed sign-in counters, one row per (scope, subject) and fixed window.
-- subject is an HMAC-SHA256 of the lower-cased email (scope 'account') or of the
-- client IP (scope 'ip'): attempted emails (often a password typed in the wrong
-- field) and IPs stay out of the database in clear.
CREATE TABLE public.auth_attempts (
    scope             text NOT NULL CHECK (scope IN ('account', 'ip')),
    subject           bytea NOT NULL CHECK (length(subject) = 32),
    failures          integer NOT NULL CHECK (failures > 0),
    window_started_at timestamptz NOT NULL DEFAULT now(),
    last_failed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, subject)
);
-- Pruning old windows scans by age.
CREATE INDEX auth_attempts_last_failed_idx ON public.auth_attempts (last_failed_at);

-- Theft detection: a refresh token is single-use. When a session rotates, the hash
-- of the token it gave up lands here; presenting it again revokes the session.
CREATE TABLE public.retired_refresh_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id uuid NOT NULL REFERENCES public.sessions (id) ON DELETE CASCADE,
    retired_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retired_refresh_tokens_session_idx ON public.retired_refresh_tokens (session_id);

-- Email verification state: the moment the current address was confirmed.
ALTER TABLE public.users ADD COLUMN email_verified_at timestamptz;

-- One row per verification email sent. The email address is copied so that a
-- later change of users.email invalidates an old link (the address must match).
CREATE TABLE public.email_verifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    email       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    consumed_at timestamptz,
    CONSTRAINT email_verifications_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX email_verifications_user_idx ON public.email_verifications (user_id);

-- Outgoing email. Locally nothing sends it (sent_at stays NULL); in AWS a sender
-- reads unsent rows and hands them to SES. payload holds template variables,
-- never a secret.
CREATE TABLE public.email_outbox (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    to_address text NOT NULL CHECK (to_address ~ '^[^@\s]+@[^@\s]+$' AND length(to_address) <= 320),
    template   text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]{0,63}$'),
    payload    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX email_outbox_unsent_idx ON public.email_outbox (created_at) WHERE sent_at IS NULL;
