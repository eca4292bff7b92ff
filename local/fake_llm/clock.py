"""A clock for the provider chain that moves only when the chain sleeps.

Why here: the chain takes ``clock`` and ``sleep`` so backoff and deadlines can
be tested without real waits; unit and integration tests share this one fake.
"""

from __future__ import annotations


class FakeClock:
    """Seconds since the epoch, advanced by ``sleep``; every sleep is recorded."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
