-- Admin settings: a guest quota of its own, and default chains that may end
-- without the offline provider when an operator says so.
--
-- 1. platform_settings.guest_daily_quota: the daily run limit of a guest.
--    NULL keeps the old behaviour (guests share free_daily_quota), so an
--    installation that never sets it sees no change.
-- 2. default_model_config.allow_no_fallback: an operator's explicit choice of a
--    chain whose last link can fail. The CHECK of 0001 demanded offline last
--    unconditionally; it is replaced by one that waives that rule only for rows
--    carrying the flag, so the database still refuses an accidental chain.

ALTER TABLE public.platform_settings
    ADD COLUMN guest_daily_quota integer
        CONSTRAINT platform_settings_guest_daily_quota_check CHECK (guest_daily_quota >= 0);

ALTER TABLE public.default_model_config
    ADD COLUMN allow_no_fallback boolean NOT NULL DEFAULT false;

-- The provider_chain CHECK of 0001 is a column constraint named by PostgreSQL;
-- as in 0009 and 0012, find it by the column it covers rather than trust the
-- generated name, then re-add its two rules under explicit names.
DO $$
DECLARE
    old_check name;
BEGIN
    FOR old_check IN
        SELECT c.conname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'provider_chain'
        WHERE c.conrelid = 'public.default_model_config'::regclass
          AND c.contype = 'c'
          AND c.conkey = ARRAY[a.attnum]
    LOOP
        EXECUTE format('ALTER TABLE public.default_model_config DROP CONSTRAINT %I', old_check);
    END LOOP;
END;
$$;

ALTER TABLE public.default_model_config
    ADD CONSTRAINT default_model_config_chain_shape CHECK (
        jsonb_typeof(provider_chain) = 'array'
        AND jsonb_array_length(provider_chain) > 0
        AND NOT jsonb_path_exists(
            provider_chain, '$[*] ? (@.type() != "object" || !exists(@.provider) || !exists(@.model))')),
    ADD CONSTRAINT default_model_config_offline_last CHECK (
        allow_no_fallback OR provider_chain -> -1 ->> 'provider' = 'offline');
