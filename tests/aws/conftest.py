"""Fixtures for the aws backend on moto: a stack (buckets, function, crawler, workgroup) per test.

Every test runs inside ``mock_aws`` with fake credentials and no
AWS_ENDPOINT_URL (which would stop moto from intercepting). All clients come
from one :class:`AwsClients`, which shares one botocore loader across the
suite (client creation dominates the run time otherwise).
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator

import pytest
from awsstack import NAMES, REGION, STACK_ENV, FunctionCalls, Stack, create_stack, deploy_function


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


# -- a moto server on 127.0.0.1, for the installed olistctl run as a subprocess -----------


@pytest.fixture
def moto_server(monkeypatch) -> Iterator[str]:
    """A ThreadedMotoServer in this process (its Lambda invokes can run the real handler)."""
    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    # Lambda's no-Docker backend, whose invoke deploy_function replaces.
    monkeypatch.setitem(default_user_config["lambda"], "use_docker", False)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
        server.stop()


@pytest.fixture
def env(moto_server, monkeypatch) -> dict[str, str]:
    """The subprocess's environment: the stack's names, fake credentials, the server."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": moto_server,  # the handler, run by the server, reaches it too
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    return {**os.environ, **STACK_ENV}
