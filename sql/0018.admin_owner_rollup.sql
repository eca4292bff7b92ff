-- Admin LLM analytics (issue 10): a daily per-owner rollup for group_by=user.
--
-- Why: group_by=user over 30 days summed about 100,000 (hour, owner) rows of
-- llm_owner_usage_hourly, each with a 77-bucket latency histogram; the 77
-- element-wise sums per row were most of a ~300 ms request (the target is
-- 200 ms). An owner calls in a few runs a day, so a (day, owner) row stands for
-- about three hourly ones: a month becomes ~30,000 rows plus the partial hours
-- at either end (cvpath.admin.analytics reads complete UTC days from here, the
-- edge hours from llm_owner_usage_hourly, the hours after the watermark from
-- the raw log).
--
-- Exactness: a day's row is the plain sum of that day's hourly owner rows,
-- recomputed from them whenever one of its hours is (re)aggregated; nothing is
-- added incrementally, so re-running an hour leaves the same day rows, and a
-- range read through the days gives the same integers and decimals (histogram
-- included) as the same range read through the hours.
--
-- Considered and measured against the 30-day benchmark: summing the arrays by
-- unnest WITH ORDINALITY and GROUP BY (owner, bucket) was four times slower
-- than 77 positional sums, even skipping empty buckets (so a sparse histogram,
-- which could only be summed that way, would not pay); a parallel plan saved
-- nothing on two cores; covering indexes cannot help a query that reads every
-- column of nearly every row of the range.

CREATE TABLE analytics_monitoring.llm_owner_usage_daily (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day_bucket           timestamptz NOT NULL
                             CHECK (date_trunc('day', day_bucket AT TIME ZONE 'UTC') = day_bucket AT TIME ZONE 'UTC'),
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
    -- Same buckets as the hourly rollups (0017, llm_latency_edges()).
    latency_histogram    integer[] NOT NULL CHECK (cardinality(latency_histogram) = 77),
    ledger_actual_usd    numeric(18, 10) NOT NULL CHECK (ledger_actual_usd >= 0),
    CONSTRAINT llm_owner_usage_daily_one_owner CHECK (num_nonnulls(user_id, guest_id) = 1),
    -- The key and the range index at once, as for the hourly rollups.
    CONSTRAINT llm_owner_usage_daily_key UNIQUE NULLS NOT DISTINCT (day_bucket, user_id, guest_id)
)
-- Room in each page for the new version of a row updated in place (a HOT update, see below).
WITH (fillfactor = 70);

-- Makes one UTC day of llm_owner_usage_daily the sums of that day's
-- llm_owner_usage_hourly rows per owner (no rows when the day has none).
CREATE FUNCTION analytics_monitoring.aggregate_llm_owner_day(p_day timestamptz) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_day IS NULL OR date_trunc('day', p_day AT TIME ZONE 'UTC') <> p_day AT TIME ZONE 'UTC' THEN
        RAISE EXCEPTION 'aggregate_llm_owner_day needs the start of a UTC day'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two hours of one day aggregated at once (the job holds a lock per hour, not per day) would each sum
    -- the day without the other's hour, and the later commit would win. The second waits here; READ
    -- COMMITTED then gives its statements below a snapshot with the first one's hour in it.
    PERFORM pg_advisory_xact_lock(x'0C7A0018'::integer, (extract(epoch FROM p_day) / 86400)::integer);
    -- Why not delete the day and insert it again like the hourly rollups: the job runs every hour, so each
    -- day would be rewritten 24 times, and a month of dead versions (measured: 270 MB for 14 MB of live
    -- rows) made the scan of the month slower than the hourly rollup it replaces. Rows are updated in
    -- place, and only when a figure changed (in an hour, the owners who called in it).
    DELETE FROM analytics_monitoring.llm_owner_usage_daily d
    WHERE d.day_bucket = p_day
      AND (coalesce(d.user_id, d.guest_id), d.user_id IS NULL) NOT IN (
          SELECT coalesce(h.user_id, h.guest_id), h.user_id IS NULL
          FROM analytics_monitoring.llm_owner_usage_hourly h
          WHERE h.hour_bucket >= p_day AND h.hour_bucket < p_day + interval '1 day');
    INSERT INTO analytics_monitoring.llm_owner_usage_daily AS d
        (day_bucket, user_id, guest_id, request_count, success_count, input_tokens, output_tokens,
         cost_usd, fee_usd, call_count, first_link_successes, latency_histogram, ledger_actual_usd)
    SELECT p_day, h.user_id, h.guest_id, sum(h.request_count), sum(h.success_count), sum(h.input_tokens),
           sum(h.output_tokens), sum(h.cost_usd), sum(h.fee_usd), sum(h.call_count),
           sum(h.first_link_successes),
           ARRAY[sum(h.l[1]), sum(h.l[2]), sum(h.l[3]), sum(h.l[4]), sum(h.l[5]), sum(h.l[6]), sum(h.l[7]),
                 sum(h.l[8]), sum(h.l[9]), sum(h.l[10]), sum(h.l[11]), sum(h.l[12]), sum(h.l[13]),
                 sum(h.l[14]), sum(h.l[15]), sum(h.l[16]), sum(h.l[17]), sum(h.l[18]), sum(h.l[19]),
                 sum(h.l[20]), sum(h.l[21]), sum(h.l[22]), sum(h.l[23]), sum(h.l[24]), sum(h.l[25]),
                 sum(h.l[26]), sum(h.l[27]), sum(h.l[28]), sum(h.l[29]), sum(h.l[30]), sum(h.l[31]),
                 sum(h.l[32]), sum(h.l[33]), sum(h.l[34]), sum(h.l[35]), sum(h.l[36]), sum(h.l[37]),
                 sum(h.l[38]), sum(h.l[39]), sum(h.l[40]), sum(h.l[41]), sum(h.l[42]), sum(h.l[43]),
                 sum(h.l[44]), sum(h.l[45]), sum(h.l[46]), sum(h.l[47]), sum(h.l[48]), sum(h.l[49]),
                 sum(h.l[50]), sum(h.l[51]), sum(h.l[52]), sum(h.l[53]), sum(h.l[54]), sum(h.l[55]),
                 sum(h.l[56]), sum(h.l[57]), sum(h.l[58]), sum(h.l[59]), sum(h.l[60]), sum(h.l[61]),
                 sum(h.l[62]), sum(h.l[63]), sum(h.l[64]), sum(h.l[65]), sum(h.l[66]), sum(h.l[67]),
                 sum(h.l[68]), sum(h.l[69]), sum(h.l[70]), sum(h.l[71]), sum(h.l[72]), sum(h.l[73]),
                 sum(h.l[74]), sum(h.l[75]), sum(h.l[76]), sum(h.l[77])]::integer[],
           sum(h.ledger_actual_usd)
    FROM (SELECT o.*, o.latency_histogram AS l
          FROM analytics_monitoring.llm_owner_usage_hourly o
          WHERE o.hour_bucket >= p_day AND o.hour_bucket < p_day + interval '1 day') h
    GROUP BY h.user_id, h.guest_id
    ON CONFLICT ON CONSTRAINT llm_owner_usage_daily_key DO UPDATE
        SET request_count = excluded.request_count, success_count = excluded.success_count,
            input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
            cost_usd = excluded.cost_usd, fee_usd = excluded.fee_usd, call_count = excluded.call_count,
            first_link_successes = excluded.first_link_successes,
            latency_histogram = excluded.latency_histogram, ledger_actual_usd = excluded.ledger_actual_usd
        WHERE (d.request_count, d.success_count, d.input_tokens, d.output_tokens, d.cost_usd, d.fee_usd,
               d.call_count, d.first_link_successes, d.latency_histogram, d.ledger_actual_usd)
              IS DISTINCT FROM
              (excluded.request_count, excluded.success_count, excluded.input_tokens, excluded.output_tokens,
               excluded.cost_usd, excluded.fee_usd, excluded.call_count, excluded.first_link_successes,
               excluded.latency_histogram, excluded.ledger_actual_usd);
END;
$$;

COMMENT ON FUNCTION analytics_monitoring.aggregate_llm_owner_day(timestamptz) IS
    'Recomputes one UTC day of llm_owner_usage_daily from llm_owner_usage_hourly.';

-- The hour job keeps its name and adds the refresh of the hour's day: every path that writes an hour of
-- the owner rollup (the scheduled job, a manual --hour re-run) keeps its day in step, in the same
-- transaction. 0017's body is kept as is under a new name and called, not copied.
ALTER FUNCTION analytics_monitoring.aggregate_llm_usage_hour(timestamptz)
    RENAME TO replace_llm_usage_hour;

CREATE FUNCTION analytics_monitoring.aggregate_llm_usage_hour(p_hour timestamptz) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM analytics_monitoring.replace_llm_usage_hour(p_hour);
    PERFORM analytics_monitoring.aggregate_llm_owner_day(date_trunc('day', p_hour, 'UTC'));
END;
$$;

-- Days the hourly rollup already holds get their daily rows now.
SELECT analytics_monitoring.aggregate_llm_owner_day(d.day_bucket)
FROM (SELECT DISTINCT date_trunc('day', hour_bucket, 'UTC') AS day_bucket
      FROM analytics_monitoring.llm_owner_usage_hourly) d;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'cvpath_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON analytics_monitoring.llm_owner_usage_daily TO cvpath_app;
    END IF;
END
$$;
