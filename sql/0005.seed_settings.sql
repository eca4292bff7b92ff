-- Default platform settings and the default provider chain of every agent.
--
-- Values are written out rather than left to column defaults so that this file
-- documents what a fresh installation runs with. Later changes are made through
-- the admin API (or a new migration), never by editing this file.

INSERT INTO public.platform_settings
    (id, global_free_mode, service_fee_rate, free_daily_quota, minimum_balance, default_monthly_cap, currency)
VALUES
    (true, false, 0.20, 5, 1.00, 50.00, 'USD');

-- Chains are tried in order; a provider without a configured key is skipped, and
-- the offline provider (deterministic, no network) always answers last.
-- COMPARATIVE_SCORER computes its numbers in code; its LLM only writes prose.
INSERT INTO public.default_model_config (agent, provider_chain, temperature, max_output_tokens)
VALUES
    ('CV_PARSER', '[
        {"provider": "openai", "model": "gpt-4.1-mini", "base_url": "https://api.openai.com/v1", "timeout_s": 60, "max_retries": 2},
        {"provider": "anthropic", "model": "claude-3-5-haiku-latest", "timeout_s": 60, "max_retries": 2},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0, 8192),
    ('CV_VALIDATOR', '[
        {"provider": "openai", "model": "gpt-4.1-mini", "base_url": "https://api.openai.com/v1", "timeout_s": 45, "max_retries": 2},
        {"provider": "gemini", "model": "gemini-2.0-flash", "timeout_s": 45, "max_retries": 2},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0, 4096),
    ('JOB_PARSER', '[
        {"provider": "openai", "model": "gpt-4.1-mini", "base_url": "https://api.openai.com/v1", "timeout_s": 45, "max_retries": 2},
        {"provider": "gemini", "model": "gemini-2.0-flash", "timeout_s": 45, "max_retries": 2},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0, 4096),
    ('JOB_ANALYZER', '[
        {"provider": "anthropic", "model": "claude-3-7-sonnet-latest", "timeout_s": 90, "max_retries": 2},
        {"provider": "openai", "model": "gpt-4.1", "base_url": "https://api.openai.com/v1", "timeout_s": 90, "max_retries": 2},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0.1, 8192),
    ('CV_TAILOR', '[
        {"provider": "anthropic", "model": "claude-3-7-sonnet-latest", "timeout_s": 120, "max_retries": 2},
        {"provider": "openai", "model": "gpt-4.1", "base_url": "https://api.openai.com/v1", "timeout_s": 120, "max_retries": 2},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0.3, 8192),
    ('COMPARATIVE_SCORER', '[
        {"provider": "openai", "model": "gpt-4.1-mini", "base_url": "https://api.openai.com/v1", "timeout_s": 45, "max_retries": 1},
        {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
     ]', 0, 2048);
