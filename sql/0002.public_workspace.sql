-- What a person works on: CV versions, job applications and their funnel, the
-- immutable input/output snapshots of pipeline runs, generation requests, the
-- guided interview, and the three per-owner singletons of the app.
--
-- Every table here is owned by exactly one of user_id / guest_id, and every one
-- has a partial index on guest_id so migrate_guest_to_user finds a guest's rows
-- without scanning.
--
-- ON DELETE policy: ownership and parent links CASCADE (deleting a person or an
-- application removes what hangs under it); optional "pointer" columns on
-- mutable rows SET NULL. Cascades that reach an immutable snapshot are refused
-- by its guard unless the transaction opted into erasure (see 0001).

-- One row per version. A CV's versions share a lineage_id; the first version's
-- lineage_id defaults to a fresh uuid and later versions copy it.
CREATE TABLE public.master_cvs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id      uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    lineage_id    uuid NOT NULL DEFAULT gen_random_uuid(),
    version       integer NOT NULL CHECK (version > 0),
    label         text CHECK (length(label) <= 200),
    source_format text NOT NULL CHECK (source_format IN ('PDF', 'DOCX', 'TEXT', 'JSON_RESUME', 'BUILDER')),
    -- The canonical CV model (JSON Resume compatible), as validated by pydantic.
    content       jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
    -- sha256 (hex) of the canonical JSON: detects re-uploads of the same CV.
    content_hash  text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    archived_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT master_cvs_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT master_cvs_version_key UNIQUE (lineage_id, version)
);
CREATE INDEX master_cvs_user_idx ON public.master_cvs (user_id, lineage_id, version DESC)
    WHERE user_id IS NOT NULL;
CREATE INDEX master_cvs_guest_idx ON public.master_cvs (guest_id, lineage_id, version DESC)
    WHERE guest_id IS NOT NULL;
CREATE INDEX master_cvs_content_hash_idx ON public.master_cvs (lineage_id, content_hash);

CREATE TABLE public.job_applications (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id            uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    master_cv_id        uuid REFERENCES public.master_cvs (id) ON DELETE SET NULL,
    job_title           text CHECK (length(job_title) <= 300),
    company             text CHECK (length(company) <= 300),
    job_url             text CHECK (length(job_url) <= 2048),
    -- The funnel: where the application is now, and which steps it ever reached
    -- (flags survive going back a step, which the funnel dashboard needs).
    workflow_step       public.workflow_step NOT NULL DEFAULT 'CV_IMPORT',
    reached_job_input   boolean NOT NULL DEFAULT false,
    reached_analysis    boolean NOT NULL DEFAULT false,
    reached_tailoring   boolean NOT NULL DEFAULT false,
    reached_review      boolean NOT NULL DEFAULT false,
    reached_export      boolean NOT NULL DEFAULT false,
    reached_completed   boolean NOT NULL DEFAULT false,
    started_at          timestamptz NOT NULL DEFAULT now(),
    step_entered_at     timestamptz NOT NULL DEFAULT now(),
    last_activity_at    timestamptz NOT NULL DEFAULT now(),
    active_duration_ms  bigint NOT NULL DEFAULT 0 CHECK (active_duration_ms >= 0),
    completed_at        timestamptz,
    abandoned_at        timestamptz,
    abandonment_reason  text CHECK (length(abandonment_reason) <= 500),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_applications_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT job_applications_completion_reached CHECK (completed_at IS NULL OR reached_completed),
    CONSTRAINT job_applications_reason_needs_abandonment
        CHECK (abandonment_reason IS NULL OR abandoned_at IS NOT NULL),
    CONSTRAINT job_applications_completed_or_abandoned CHECK (num_nonnulls(completed_at, abandoned_at) <= 1)
);
CREATE INDEX job_applications_user_step_idx ON public.job_applications (user_id, workflow_step);
CREATE INDEX job_applications_guest_idx ON public.job_applications (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX job_applications_master_cv_idx ON public.job_applications (master_cv_id)
    WHERE master_cv_id IS NOT NULL;

-- Immutable snapshot of a CV as it entered a run (file facts, extracted text,
-- the structured CV of the master version used).
CREATE TABLE public.import_data (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id        uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    master_cv_id    uuid REFERENCES public.master_cvs (id) ON DELETE CASCADE,
    source_format   text NOT NULL CHECK (source_format IN ('PDF', 'DOCX', 'TEXT', 'JSON_RESUME', 'BUILDER')),
    file_name       text CHECK (length(file_name) <= 255),
    file_size_bytes integer CHECK (file_size_bytes >= 0),
    raw_text        text,
    content         jsonb CHECK (jsonb_typeof(content) = 'object'),
    content_hash    text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_data_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT import_data_has_payload CHECK (num_nonnulls(raw_text, content) >= 1)
);
CREATE INDEX import_data_user_idx ON public.import_data (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX import_data_guest_idx ON public.import_data (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX import_data_master_cv_idx ON public.import_data (master_cv_id) WHERE master_cv_id IS NOT NULL;

-- Immutable snapshot of a job description as it entered a run. The parsed job
-- is an agent output and lives in tailor_data.
CREATE TABLE public.job_data (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id       uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    application_id uuid REFERENCES public.job_applications (id) ON DELETE CASCADE,
    source_url     text CHECK (length(source_url) <= 2048),
    raw_text       text NOT NULL CHECK (length(btrim(raw_text)) > 0),
    content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_data_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1)
);
CREATE INDEX job_data_user_idx ON public.job_data (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX job_data_guest_idx ON public.job_data (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX job_data_application_idx ON public.job_data (application_id) WHERE application_id IS NOT NULL;

-- One tailoring run = one state machine execution, named by this id.
CREATE TABLE public.pipeline_runs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id        uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    application_id  uuid REFERENCES public.job_applications (id) ON DELETE CASCADE,
    master_cv_id    uuid REFERENCES public.master_cvs (id) ON DELETE SET NULL,
    import_data_id  uuid REFERENCES public.import_data (id) ON DELETE SET NULL,
    job_data_id     uuid REFERENCES public.job_data (id) ON DELETE SET NULL,
    execution_arn   text UNIQUE,
    engine          text NOT NULL DEFAULT 'v1' CHECK (engine IN ('v1', 'v2')),
    status          public.run_status NOT NULL DEFAULT 'QUEUED',
    current_state   text,
    -- Tier decided by Admit: the run is billed by it even if the tier changes.
    tier            public.user_tier,
    options         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    -- [{name, status, duration_ms, attempts}], appended as states finish.
    states          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(states) = 'array'),
    reserved_amount numeric(14, 6) NOT NULL DEFAULT 0 CHECK (reserved_amount >= 0),
    actual_cost     numeric(14, 6) CHECK (actual_cost >= 0),
    fee_amount      numeric(14, 6) CHECK (fee_amount >= 0),
    error_code      text,
    error_message   text,
    error_state     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pipeline_runs_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT pipeline_runs_finish_after_start CHECK (finished_at >= started_at),
    CONSTRAINT pipeline_runs_terminal_has_finish
        CHECK (status IN ('QUEUED', 'RUNNING') OR finished_at IS NOT NULL),
    CONSTRAINT pipeline_runs_failure_has_error CHECK (status <> 'FAILED' OR error_code IS NOT NULL)
);
CREATE INDEX pipeline_runs_user_idx ON public.pipeline_runs (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX pipeline_runs_guest_idx ON public.pipeline_runs (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX pipeline_runs_application_idx ON public.pipeline_runs (application_id)
    WHERE application_id IS NOT NULL;
CREATE INDEX pipeline_runs_status_idx ON public.pipeline_runs (status, created_at DESC);

-- Immutable outputs of a run's agents and steps: the evidence a replay uses.
-- One row per (run, kind): a retried state writing again gets ON CONFLICT.
CREATE TABLE public.tailor_data (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id       uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    run_id         uuid NOT NULL REFERENCES public.pipeline_runs (id) ON DELETE CASCADE,
    agent          public.agent_name,
    kind           text NOT NULL CHECK (kind IN (
                       'PARSED_CV', 'VALIDATION', 'PARSED_JOB', 'ANALYSIS', 'TAILORED_CV',
                       'GUARD_REPORT', 'SCORE_BEFORE', 'SCORE_AFTER', 'COVER_LETTER')),
    content        jsonb NOT NULL,
    content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    prompt_version text,
    schema_version text,
    provider       text,
    model          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tailor_data_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT tailor_data_run_kind_key UNIQUE (run_id, kind)
);
CREATE INDEX tailor_data_user_idx ON public.tailor_data (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX tailor_data_guest_idx ON public.tailor_data (guest_id) WHERE guest_id IS NOT NULL;

-- A person's ask for generated output; admitted requests point at their run.
CREATE TABLE public.generation_requests (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id         uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    application_id   uuid REFERENCES public.job_applications (id) ON DELETE CASCADE,
    run_id           uuid REFERENCES public.pipeline_runs (id) ON DELETE SET NULL,
    kind             text NOT NULL CHECK (kind IN ('TAILOR', 'COVER_LETTER', 'RENDER', 'RESCORE')),
    status           text NOT NULL DEFAULT 'PENDING'
                         CHECK (status IN ('PENDING', 'ADMITTED', 'REJECTED', 'COMPLETED', 'FAILED')),
    -- Client-chosen key so a retried POST does not start a second run. Global
    -- (not per owner) so moving a guest's requests to a user cannot collide.
    idempotency_key  text UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 200),
    options          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    rejection_reason text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT generation_requests_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT generation_requests_rejection_has_reason
        CHECK (status <> 'REJECTED' OR rejection_reason IS NOT NULL)
);
CREATE INDEX generation_requests_user_idx ON public.generation_requests (user_id, created_at DESC)
    WHERE user_id IS NOT NULL;
CREATE INDEX generation_requests_guest_idx ON public.generation_requests (guest_id) WHERE guest_id IS NOT NULL;
CREATE INDEX generation_requests_run_idx ON public.generation_requests (run_id) WHERE run_id IS NOT NULL;

-- The guided questions the app asks (building a CV, filling a gap the analysis
-- found). Steps tied to an application are unique per key within it.
CREATE TABLE public.interview_steps (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id       uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    application_id uuid REFERENCES public.job_applications (id) ON DELETE CASCADE,
    master_cv_id   uuid REFERENCES public.master_cvs (id) ON DELETE SET NULL,
    step_key       text NOT NULL CHECK (step_key ~ '^[a-z0-9][a-z0-9_.-]*$'),
    position       integer NOT NULL CHECK (position >= 0),
    question       text NOT NULL,
    answer         jsonb,
    status         text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ANSWERED', 'SKIPPED')),
    answered_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT interview_steps_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    CONSTRAINT interview_steps_answer_present CHECK (status <> 'ANSWERED' OR answer IS NOT NULL)
);
CREATE UNIQUE INDEX interview_steps_application_key ON public.interview_steps (application_id, step_key)
    WHERE application_id IS NOT NULL;
CREATE INDEX interview_steps_user_idx ON public.interview_steps (user_id, position) WHERE user_id IS NOT NULL;
CREATE INDEX interview_steps_guest_idx ON public.interview_steps (guest_id) WHERE guest_id IS NOT NULL;

-- Per-owner singletons. The partial unique indexes are what
-- INSERT ... ON CONFLICT (user_id) WHERE user_id IS NOT NULL infers.
CREATE TABLE public.app_sessions (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id               uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    current_application_id uuid REFERENCES public.job_applications (id) ON DELETE SET NULL,
    current_route          text CHECK (length(current_route) <= 500),
    state                  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(state) = 'object'),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_sessions_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1)
);
CREATE UNIQUE INDEX app_sessions_user_key ON public.app_sessions (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX app_sessions_guest_key ON public.app_sessions (guest_id) WHERE guest_id IS NOT NULL;

CREATE TABLE public.builder_states (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id     uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    master_cv_id uuid REFERENCES public.master_cvs (id) ON DELETE SET NULL,
    step         text CHECK (length(step) <= 100),
    draft        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(draft) = 'object'),
    -- Bumped by every PUT /api/builder-state: optimistic concurrency between tabs.
    revision     integer NOT NULL DEFAULT 1 CHECK (revision > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT builder_states_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1)
);
CREATE UNIQUE INDEX builder_states_user_key ON public.builder_states (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX builder_states_guest_key ON public.builder_states (guest_id) WHERE guest_id IS NOT NULL;

CREATE TABLE public.user_preferences (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid REFERENCES public.users (id) ON DELETE CASCADE,
    guest_id            uuid REFERENCES public.guest_users (id) ON DELETE CASCADE,
    locale              text NOT NULL DEFAULT 'en' CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
    theme               text NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark')),
    default_engine      text NOT NULL DEFAULT 'v1' CHECK (default_engine IN ('v1', 'v2')),
    cover_letter_format text NOT NULL DEFAULT 'none' CHECK (cover_letter_format IN ('pdf', 'docx', 'none')),
    analytics_opt_out   boolean NOT NULL DEFAULT false,
    extra               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(extra) = 'object'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_preferences_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1)
);
CREATE UNIQUE INDEX user_preferences_user_key ON public.user_preferences (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX user_preferences_guest_key ON public.user_preferences (guest_id) WHERE guest_id IS NOT NULL;

-- Immutability guards (the function and its two exceptions are in 0001).
CREATE TRIGGER import_data_immutable BEFORE UPDATE OR DELETE ON public.import_data
    FOR EACH ROW EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER import_data_no_truncate BEFORE TRUNCATE ON public.import_data
    FOR EACH STATEMENT EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER job_data_immutable BEFORE UPDATE OR DELETE ON public.job_data
    FOR EACH ROW EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER job_data_no_truncate BEFORE TRUNCATE ON public.job_data
    FOR EACH STATEMENT EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER tailor_data_immutable BEFORE UPDATE OR DELETE ON public.tailor_data
    FOR EACH ROW EXECUTE FUNCTION public.guard_immutable_row();
CREATE TRIGGER tailor_data_no_truncate BEFORE TRUNCATE ON public.tailor_data
    FOR EACH STATEMENT EXECUTE FUNCTION public.guard_immutable_row();

-- updated_at upkeep; an ownership move (guest_id changes) is not an edit.
CREATE TRIGGER job_applications_touch BEFORE UPDATE ON public.job_applications FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER pipeline_runs_touch BEFORE UPDATE ON public.pipeline_runs FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER generation_requests_touch BEFORE UPDATE ON public.generation_requests FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER interview_steps_touch BEFORE UPDATE ON public.interview_steps FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER app_sessions_touch BEFORE UPDATE ON public.app_sessions FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER builder_states_touch BEFORE UPDATE ON public.builder_states FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
CREATE TRIGGER user_preferences_touch BEFORE UPDATE ON public.user_preferences FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW.guest_id IS NOT DISTINCT FROM OLD.guest_id)
    EXECUTE FUNCTION public.touch_updated_at();
