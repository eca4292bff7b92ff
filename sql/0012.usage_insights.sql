-- Hourly usage bookkeeping and the score insights derived from COMPARATIVE_SCORER.
--
-- 1. aggregation_watermarks: the last hour the hourly job has aggregated. Why a
--    table and not max(user_model_usage.hour_bucket): an hour without any LLM
--    call writes no usage row, so the maximum would lag behind and every run
--    would re-scan the quiet hours since then.
-- 2. pattern_insights learns two insight types, JOB_FAMILY_SCORE and
--    COMPANY_SCORE, beside SKILL_GAP which the score insights also write.
-- 3. job_family(title) and refresh_pattern_insights(start, end): which job
--    families, companies and missing skills go with higher or lower scores.
-- 4. tailor_data (kind, created_at): the refresh reads the SCORE_AFTER rows of
--    a period; every other output of those runs is found by (run_id, kind).

CREATE TABLE analytics_monitoring.aggregation_watermarks (
    job        text PRIMARY KEY CHECK (job ~ '^[a-z0-9_]{1,100}$'),
    last_hour  timestamptz NOT NULL
                   CHECK (date_trunc('hour', last_hour AT TIME ZONE 'UTC') = last_hour AT TIME ZONE 'UTC'),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tailor_data_kind_created_idx ON public.tailor_data (kind, created_at);

-- The insight_type CHECK of 0004 is a column constraint named by PostgreSQL; as
-- in 0009, look it up rather than trust the generated name, then re-add the
-- extended list under an explicit name.
DO $$
DECLARE
    old_check name;
BEGIN
    FOR old_check IN
        SELECT c.conname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'insight_type'
        WHERE c.conrelid = 'analytics_monitoring.pattern_insights'::regclass
          AND c.contype = 'c'
          AND c.conkey = ARRAY[a.attnum]
    LOOP
        EXECUTE format('ALTER TABLE analytics_monitoring.pattern_insights DROP CONSTRAINT %I', old_check);
    END LOOP;
END;
$$;

ALTER TABLE analytics_monitoring.pattern_insights
    ADD CONSTRAINT pattern_insights_insight_type_check CHECK (insight_type IN (
        'FUNNEL_DROP', 'SKILL_GAP', 'ERROR_SPIKE', 'COST_ANOMALY', 'MODEL_QUALITY', 'USAGE_TREND',
        'JOB_FAMILY_SCORE', 'COMPANY_SCORE'));

-- A job title without seniority, grade, bracketed notes and punctuation, so that
-- "Senior Backend Engineer (m/f/d)" and "Backend Engineer II" share a family.
CREATE FUNCTION analytics_monitoring.job_family(p_title text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT nullif(btrim(regexp_replace(
        regexp_replace(
            regexp_replace(lower(p_title), '\([^)]*\)|\[[^]]*\]', ' ', 'g'),
            '\m(head of|vp of|vice president of|senior|sr|junior|jr|lead|principal|staff|chief|intern|'
            'trainee|graduate|entry|mid|level|i|ii|iii|iv)\M\.?', ' ', 'g'),
        '[^[:alnum:]+#]+', ' ', 'g')), '')
$$;

COMMENT ON FUNCTION analytics_monitoring.job_family(text) IS
    'A job title reduced to its family: lower case, no seniority words, grades, brackets or punctuation.';

-- Recomputes the score insights of one period and replaces the previous ones
-- (only those this function writes: agent COMPARATIVE_SCORER), in the caller's
-- transaction. A run belongs to the period of its SCORE_AFTER row. For each job
-- family, company and missing skill seen in at least p_min_sample scored runs:
-- the average overall score before and after tailoring, the average change, and
-- the lift against all scored runs of the period (positive: higher scores).
-- A missing skill is a keyword of a requirement that ANALYSIS marks missing
-- (or the requirement's text for a skill requirement without keywords).
-- Returns the number of insights written.
CREATE FUNCTION analytics_monitoring.refresh_pattern_insights(
    p_period_start timestamptz,
    p_period_end timestamptz,
    p_min_sample integer DEFAULT 3
)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    written integer;
BEGIN
    IF p_period_start IS NULL OR p_period_end IS NULL OR p_period_end <= p_period_start THEN
        RAISE EXCEPTION 'refresh_pattern_insights needs a period whose end follows its start'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_min_sample IS NULL OR p_min_sample < 1 THEN
        RAISE EXCEPTION 'refresh_pattern_insights needs a minimum sample of at least 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two concurrent refreshes would both delete, then collide on the period key.
    PERFORM pg_advisory_xact_lock(hashtext('analytics_monitoring.refresh_pattern_insights'));

    DELETE FROM analytics_monitoring.pattern_insights
    WHERE agent = 'COMPARATIVE_SCORER'
      AND insight_type IN ('JOB_FAMILY_SCORE', 'COMPANY_SCORE', 'SKILL_GAP')
      AND period_start = p_period_start
      AND period_end = p_period_end;

    WITH scored AS (
        SELECT a.run_id,
               (b.content ->> 'overall')::numeric AS before,
               (a.content ->> 'overall')::numeric AS after
        FROM public.tailor_data a
        JOIN public.tailor_data b ON b.run_id = a.run_id AND b.kind = 'SCORE_BEFORE'
        WHERE a.kind = 'SCORE_AFTER'
          AND a.created_at >= p_period_start
          AND a.created_at < p_period_end
          AND jsonb_typeof(a.content -> 'overall') = 'number'
          AND jsonb_typeof(b.content -> 'overall') = 'number'
    ),
    baseline AS (
        SELECT count(*) AS runs, avg(before) AS before, avg(after) AS after, avg(after - before) AS delta
        FROM scored
    ),
    jobs AS (
        SELECT s.run_id, j.content
        FROM scored s
        JOIN public.tailor_data j ON j.run_id = s.run_id AND j.kind = 'PARSED_JOB'
    ),
    requirements AS (
        SELECT jobs.run_id, r.value AS requirement
        FROM jobs
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(jobs.content -> 'mustHave') = 'array'
                 THEN jobs.content -> 'mustHave' ELSE '[]' END
            || CASE WHEN jsonb_typeof(jobs.content -> 'niceToHave') = 'array'
                    THEN jobs.content -> 'niceToHave' ELSE '[]' END) AS r
    ),
    missing AS (
        SELECT an.run_id, m.value ->> 'requirementId' AS requirement_id
        FROM scored s
        JOIN public.tailor_data an ON an.run_id = s.run_id AND an.kind = 'ANALYSIS'
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(an.content -> 'requirements') = 'array'
                 THEN an.content -> 'requirements' ELSE '[]' END) AS m
        WHERE m.value ->> 'status' = 'missing'
    ),
    missing_skills AS (
        SELECT DISTINCT mi.run_id, lower(btrim(skill.name)) AS subject
        FROM missing mi
        JOIN requirements rq ON rq.run_id = mi.run_id AND rq.requirement ->> 'id' = mi.requirement_id
        CROSS JOIN LATERAL (
            SELECT k.value AS name
            FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(rq.requirement -> 'keywords') = 'array'
                     THEN rq.requirement -> 'keywords' ELSE '[]' END) AS k
            UNION ALL
            SELECT rq.requirement ->> 'text'
            WHERE rq.requirement ->> 'kind' = 'skill'
              AND coalesce(jsonb_array_length(
                      CASE WHEN jsonb_typeof(rq.requirement -> 'keywords') = 'array'
                           THEN rq.requirement -> 'keywords' END), 0) = 0
        ) AS skill
    ),
    subjects AS (
        SELECT 'JOB_FAMILY_SCORE' AS insight_type, analytics_monitoring.job_family(content ->> 'title') AS subject,
               run_id
        FROM jobs
        UNION ALL
        SELECT 'COMPANY_SCORE', lower(btrim(content ->> 'company')), run_id FROM jobs
        UNION ALL
        SELECT 'SKILL_GAP', subject, run_id FROM missing_skills
    ),
    grouped AS (
        SELECT g.insight_type, left(g.subject, 300) AS subject, count(*) AS runs,
               avg(s.before) AS before, avg(s.after) AS after, avg(s.after - s.before) AS delta
        FROM subjects g
        JOIN scored s USING (run_id)
        WHERE g.subject IS NOT NULL AND g.subject <> ''
        GROUP BY g.insight_type, left(g.subject, 300)
        HAVING count(*) >= p_min_sample
    )
    INSERT INTO analytics_monitoring.pattern_insights
        (insight_type, subject, agent, period_start, period_end, metrics, summary, confidence, sample_size)
    SELECT g.insight_type, g.subject, 'COMPARATIVE_SCORER', p_period_start, p_period_end,
           jsonb_build_object(
               'runs', g.runs,
               'avg_score_before', round(g.before, 1),
               'avg_score_after', round(g.after, 1),
               'avg_delta', round(g.delta, 1),
               'share_of_runs', round(g.runs::numeric / b.runs, 3),
               'baseline_runs', b.runs,
               'baseline_avg_score_before', round(b.before, 1),
               'baseline_avg_score_after', round(b.after, 1),
               'baseline_avg_delta', round(b.delta, 1),
               'lift_before', round(g.before - b.before, 1),
               'lift_after', round(g.after - b.after, 1)),
           format('%s runs (%s "%s"): average score %s before and %s after tailoring, %s against all runs',
                  g.runs, lower(replace(g.insight_type, '_', ' ')), g.subject, round(g.before, 1),
                  round(g.after, 1), to_char(round(g.after - b.after, 1), 'FMSG990.0')),
           -- Grows with the sample and never reaches 1: n / (n + 10) is 0.5 at ten runs.
           round(g.runs::numeric / (g.runs + 10), 3),
           g.runs
    FROM grouped g
    CROSS JOIN baseline b;

    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END;
$$;

COMMENT ON FUNCTION analytics_monitoring.refresh_pattern_insights(timestamptz, timestamptz, integer) IS
    'Replaces the COMPARATIVE_SCORER insights (job family, company, missing skill vs. score) of one period.';
