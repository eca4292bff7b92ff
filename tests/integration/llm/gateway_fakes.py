"""Constants and fakes the gateway integration tests share (imported by name, as tests are not a package)."""

from __future__ import annotations

WIRES = ("openai", "anthropic", "gemini")
# One canary per provider, so a leak says which path leaked it.
CANARIES = {
    "openai": "sk-CANARY-openai-7d41f09a2b6c",
    "anthropic": "sk-ant-CANARY-anthropic-5e8c13",
    "gemini": "AIza-CANARY-gemini-0b9f27c4",
}
