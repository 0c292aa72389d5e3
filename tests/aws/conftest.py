"""Fixtures for the aws backend on moto: a stack (buckets, function, crawler, workgroup) per test.

Every test runs inside ``mock_aws`` with fake credentials and no
AWS_ENDPOINT_URL (which would stop moto from intercepting). All clients come
from one :class:`AwsClients`, which shares one botocore loader across the
suite (client creation dominates the run time otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from awsstack import NAMES, REGION, FunctionCalls, Stack, create_stack, deploy_function


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials and region; no endpoint override (mock_aws would not intercept)."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def moto(aws_env) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


@pytest.fixture
def settings(tmp_path):
    from olistctl.settings import load_settings

    flags = {"backend": "aws", "region": REGION, **NAMES}
    return load_settings(flags, env={}, cwd=tmp_path)


@pytest.fixture
def clients(moto):
    from olistctl.backends.aws.clients import AwsClients

    # 5 MiB (S3's smallest part) so a test can exercise multipart with an 11 MiB file.
    return AwsClients(region=REGION, multipart_threshold=5 * 1024 * 1024)


@pytest.fixture
def stack(clients, settings) -> Stack:
    """Buckets (tagged with the stack), Glue database and crawler, Athena workgroup."""
    create_stack(clients, NAMES)
    return Stack(clients, settings, dict(NAMES))


# -- the Lambda function, run for real by moto -----------------------------------------


@pytest.fixture
def deployed_function(stack, tmp_path, monkeypatch) -> FunctionCalls:
    """The transform function created in moto from the real zip; invokes run its handler."""
    return deploy_function(stack.clients, stack.names, tmp_path, monkeypatch)
