"""The LLM gateway: provider clients, chains with failover, prompts, pricing, audit."""
