"""moto S3 for the pipeline task tests: an uploads/artifacts bucket the handlers reach through boto3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cvpath.config import get_settings

BUCKET = "cvpath-artifacts-test"
REGION = "eu-west-1"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, pooled_db: str) -> Iterator[Any]:
    """A moto S3 client with ``BUCKET`` created and set as the artifacts bucket (after the DB is set up)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ARTIFACTS_BUCKET", BUCKET)
    get_settings.cache_clear()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client
    get_settings.cache_clear()
