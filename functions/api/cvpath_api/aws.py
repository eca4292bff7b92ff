"""The AWS clients the public API uses: one per service and process, made on first use.

boto3 reads ``AWS_ENDPOINT_URL`` itself, so the same code talks to AWS, moto or
LocalStack. Short timeouts and two attempts: a request waits for S3 or Step
Functions a few seconds at most, never the integration's whole 30 s.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
    return boto3.client(service, config=config)


def reset_clients() -> None:
    """Forget the clients (a local stack that restarted listens on another port)."""
    client.cache_clear()
