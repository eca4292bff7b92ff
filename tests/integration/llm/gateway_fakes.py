"""Constants and fakes the gateway integration tests share (imported by name, as tests are not a package)."""

from __future__ import annotations

WIRES = ("openai", "anthropic", "gemini")
# One canary per provider, so a leak says which path leaked it.
CANARIES = {
    "openai": "sk-CANARY-openai-7d41f09a2b6c",
    "anthropic": "sk-ant-CANARY-anthropic-5e8c13",
    "gemini": "AIza-CANARY-gemini-0b9f27c4",
}


class FakeClock:
    """Seconds since the epoch that move only when the chain sleeps: no test really waits."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
