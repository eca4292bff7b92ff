"""Deterministic implementations of the six agents: the offline provider."""
