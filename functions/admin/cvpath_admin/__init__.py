"""The admin API (LLM analytics, settings, model config, users, errors, runs): FastAPI + Mangum, issue 10."""
