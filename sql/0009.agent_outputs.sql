-- COMPARATIVE_SCORER stores its comparison (before, after, delta, narrative) as
-- the kind SCORE_COMPARISON, beside SCORE_BEFORE and SCORE_AFTER.
--
-- The kind CHECK of 0002 is a column constraint, so PostgreSQL named it
-- (tailor_data_kind_check by its naming rule). Why look it up instead of trusting
-- that name: a database created by another tool, or a future rename, would make
-- a hard-coded DROP fail or leave the old list in force. Every CHECK on
-- tailor_data that covers exactly the kind column is dropped and the list is
-- re-added under an explicit name. Existing rows are validated against it; they
-- all use the older kinds, which the new list keeps.

DO $$
DECLARE
    old_check name;
BEGIN
    FOR old_check IN
        SELECT c.conname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'kind'
        WHERE c.conrelid = 'public.tailor_data'::regclass
          AND c.contype = 'c'
          AND c.conkey = ARRAY[a.attnum]
    LOOP
        EXECUTE format('ALTER TABLE public.tailor_data DROP CONSTRAINT %I', old_check);
    END LOOP;
END;
$$;

ALTER TABLE public.tailor_data
    ADD CONSTRAINT tailor_data_kind_check CHECK (kind IN (
        'PARSED_CV', 'VALIDATION', 'PARSED_JOB', 'ANALYSIS', 'TAILORED_CV',
        'GUARD_REPORT', 'SCORE_BEFORE', 'SCORE_AFTER', 'SCORE_COMPARISON', 'COVER_LETTER'));
