-- What the public API's master CVs, applications and runs need beyond 0002.
--
-- Master CV versions keep the text they were read from and where the upload
-- lies, and carry their growth history (what each version changed, oldest
-- first) so a single row tells the whole story. A version's content is fixed
-- once written: a change is a new version.
--
-- Applications get the first funnel flag (a CV was imported for them), the time
-- each step was first reached, and the milliseconds between the funnel's main
-- steps, kept as columns so the funnel dashboard can aggregate them directly.
--
-- A run's CV snapshot names the application it was taken for.

ALTER TABLE public.master_cvs
    ADD COLUMN raw_text       text CHECK (length(raw_text) <= 500000),
    -- {"s3": {"bucket", "key"}, "file_name", "size_bytes", "content_type"} of the upload, when there was one.
    ADD COLUMN source_file    jsonb CHECK (jsonb_typeof(source_file) = 'object'),
    ADD COLUMN growth_history jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(growth_history) = 'array');

CREATE FUNCTION public.guard_master_cv_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.content IS DISTINCT FROM OLD.content
       OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
       OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.lineage_id IS DISTINCT FROM OLD.lineage_id
       OR NEW.raw_text IS DISTINCT FROM OLD.raw_text
       OR NEW.growth_history IS DISTINCT FROM OLD.growth_history THEN
        RAISE EXCEPTION 'master CV version % is immutable; save a new version instead', OLD.id
            USING ERRCODE = 'CV201';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER master_cvs_version_immutable BEFORE UPDATE ON public.master_cvs
    FOR EACH ROW EXECUTE FUNCTION public.guard_master_cv_version();

ALTER TABLE public.job_applications
    ADD COLUMN reached_import        boolean NOT NULL DEFAULT false,
    -- {"CV_IMPORT": "2026-...Z", "JOB_INPUT": ...}: when each step was first reached.
    ADD COLUMN step_reached_at       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(step_reached_at) = 'object'),
    ADD COLUMN import_to_job_ms      bigint CHECK (import_to_job_ms >= 0),
    ADD COLUMN job_to_tailor_ms      bigint CHECK (job_to_tailor_ms >= 0),
    ADD COLUMN tailor_to_complete_ms bigint CHECK (tailor_to_complete_ms >= 0);

ALTER TABLE public.import_data
    ADD COLUMN created_for_job_id uuid REFERENCES public.job_applications (id) ON DELETE CASCADE;
CREATE INDEX import_data_created_for_job_idx ON public.import_data (created_for_job_id)
    WHERE created_for_job_id IS NOT NULL;
