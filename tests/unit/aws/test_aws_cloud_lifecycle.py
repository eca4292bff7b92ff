"""The local cloud's lifecycle outside any other open cloud: patch and environment restored on exit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from local.aws.cloud import local_cloud
from local.aws.lambda_seam import lambda_dispatch
from local.aws.template import load_template

TESTDATA = Path(__file__).parent / "testdata"


def test_the_patch_is_restored_after_the_block() -> None:
    from moto.awslambda_simple.models import LambdaSimpleBackend

    original = LambdaSimpleBackend.__dict__["invoke"]
    with lambda_dispatch(lambda _name, _payload: (b"{}", None)):
        assert LambdaSimpleBackend.__dict__["invoke"] is not original
        with pytest.raises(RuntimeError, match="already active"), lambda_dispatch(lambda _n, _p: (b"", None)):
            pass
    assert LambdaSimpleBackend.__dict__["invoke"] is original


def test_the_environment_is_restored_when_the_cloud_closes() -> None:
    before = {
        name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "ARTIFACTS_BUCKET", "AWS_DEFAULT_REGION")
    }
    with local_cloud(load_template(TESTDATA / "small_template.yaml")):
        assert os.environ["ARTIFACTS_BUCKET"] == "cvpath-local-artifactsbucket"
    assert {name: os.environ.get(name) for name in before} == before
