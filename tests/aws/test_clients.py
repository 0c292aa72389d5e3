"""The client factory's settings and the one error mapper: every AWS failure becomes a sentence
with its fix and the right exit code."""

from __future__ import annotations

import pytest
from awsstack import NAMES, REGION, respond_with

from olistctl import __version__
from olistctl.backends.aws.clients import INVOKE_READ_TIMEOUT_S, AwsClients, shared_loader
from olistctl.errors import AwsError, ConfigError, ExitCode


@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's standard retries sleep up to seconds between attempts: not in tests."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_clients_share_one_loader_and_carry_timeouts_retries_and_user_agent(clients):
    s3 = clients.client("s3")
    assert clients.client("s3") is s3  # cached
    config = s3.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert f"olistctl/{__version__}" in config.user_agent_extra
    invoke = clients.invoke_client().meta.config
    assert invoke.retries["total_max_attempts"] == 1
    assert invoke.read_timeout == INVOKE_READ_TIMEOUT_S > 900
    other = AwsClients(region=REGION)
    other.client("s3")
    assert clients._session is not None and other._session is not None
    for c in (clients, other):
        assert c._session._session.get_component("data_loader") is shared_loader()


def test_no_region_is_a_config_error():
    with pytest.raises(ConfigError) as caught:
        AwsClients(region=None)
    assert caught.value.exit_code == ExitCode.CONFIG
    assert str(caught.value).startswith(
        "No AWS region is configured: pass --region, set AWS_REGION"
    )


def test_no_credentials_is_a_config_error_naming_the_fix(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigError) as caught:
        AwsClients(region=REGION).client("s3")
    assert caught.value.exit_code == ExitCode.CONFIG
    assert str(caught.value) == (
        "No AWS credentials were found: run `aws configure`, set AWS_PROFILE, or pass --profile"
    )


def test_unknown_profile_is_a_config_error(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigError) as caught:
        AwsClients(region=REGION, profile="nosuch").client("s3")
    assert str(caught.value) == (
        "The AWS profile 'nosuch' does not exist: list the profiles with "
        "`aws configure list-profiles`, or drop --profile"
    )


def test_missing_bucket_names_the_bucket_and_the_deploy_fix(stack):
    backend = stack.backend(raw_bucket="no-such-bucket")
    with pytest.raises(AwsError) as caught:
        backend.store.list("raw")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.AWS
    assert message.startswith("The bucket no-such-bucket does not exist (ListObjectsV2")
    assert message.endswith(
        "deploy the stack with `terraform -chdir=infra apply`, or check the names with "
        "`olistctl config show`"
    )


def test_access_denied_names_action_resource_and_request_id(stack):
    glue = stack.client("glue")
    respond_with(
        glue,
        "GetTables",
        [(400, {"__type": "AccessDeniedException", "message": "User is not authorized"})],
    )
    with pytest.raises(AwsError) as caught:
        stack.backend().catalog.tables()
    assert str(caught.value) == (
        f"Access was denied to Glue GetTables on database {NAMES['database']} "
        "(AccessDeniedException: User is not authorized, request id injected-1): grant your "
        "IAM identity the permission for Glue GetTables, or use a profile that has it"
    )
    assert caught.value.request_id == "injected-1"
    assert caught.value.exit_code == ExitCode.AWS


def test_rejected_credentials_are_a_config_error(stack):
    respond_with(
        stack.client("glue"),
        "GetTables",
        [(400, {"__type": "UnrecognizedClientException", "message": "The token is invalid"})],
    )
    with pytest.raises(ConfigError) as caught:
        stack.backend().catalog.tables()
    assert str(caught.value).startswith(
        "AWS rejected the credentials (UnrecognizedClientException: The token is invalid)"
    )


def test_a_5xx_is_retried_then_succeeds(stack, no_backoff):
    used = respond_with(
        stack.client("glue"),
        "GetTables",
        [(500, {"__type": "InternalServiceException", "message": "oops"})] * 2,
    )
    assert stack.backend().catalog.tables() == []
    assert used() == 2


def test_persistent_5xx_gives_up_after_five_attempts_with_the_reason(stack, no_backoff):
    used = respond_with(
        stack.client("glue"),
        "GetTables",
        [(500, {"__type": "InternalServiceException", "message": "Internal failure"})] * 9,
    )
    with pytest.raises(AwsError) as caught:
        stack.backend().catalog.tables()
    assert used() == 5
    assert str(caught.value).startswith(
        f"Glue GetTables on database {NAMES['database']} failed (InternalServiceException: "
        "Internal failure, request id injected-5)"
    )


def test_persistent_throttling_says_so(stack, no_backoff):
    respond_with(
        stack.client("glue"),
        "GetTables",
        [(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})] * 9,
    )
    with pytest.raises(AwsError) as caught:
        stack.backend().catalog.tables()
    assert "AWS kept throttling Glue GetTables" in str(caught.value)
    assert "run the command again, with a lower --concurrency" in str(caught.value)


@pytest.mark.parametrize(
    ("endpoint", "named"),
    [
        ("http://127.0.0.1:{port}", "http://127.0.0.1:{port}"),
        # A password in the URL (a proxy's, a self-hosted S3's) is masked: botocore's own
        # message quotes the URL whole.
        ("http://me:pa55word@127.0.0.1:{port}", "http://me:****@127.0.0.1:{port}"),
    ],
)
def test_unreachable_endpoint_is_an_aws_error_naming_it(aws_env, no_backoff, endpoint, named):
    import socket

    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clients = AwsClients(region=REGION, endpoint_url=endpoint.format(port=port))
    from olistctl.backends.aws.clients import aws_errors

    with pytest.raises(AwsError) as caught, aws_errors():
        clients.client("glue").get_databases()
    assert str(caught.value).startswith(f"Could not connect to {named.format(port=port)}")
    assert "check the network and the region, or the --endpoint-url you set" in str(caught.value)
    assert "pa55word" not in str(caught.value)


def test_a_connection_that_keeps_breaking_is_retried_then_an_aws_error_naming_the_fix(
    stack, no_backoff
):
    """A reset or a connection closed mid-answer (what a server gone away looks like)."""
    import botocore.exceptions

    from olistctl.backends.aws.clients import aws_errors

    attempts: list[int] = []

    def closed(request, **kwargs):
        attempts.append(1)
        raise botocore.exceptions.ConnectionClosedError(endpoint_url=request.url)

    glue = stack.client("glue")
    glue.meta.events.register_first("before-send.glue.GetDatabases", closed)
    with pytest.raises(AwsError) as caught, aws_errors("Glue GetDatabases"):
        glue.get_databases()
    assert len(attempts) == 5  # retried like any transient failure
    assert str(caught.value).startswith("The connection to AWS was lost, even after retrying (")
    assert str(caught.value).endswith(
        "): check the network and run the same command again: what was finished is kept and skipped"
    )
    assert caught.value.exit_code == ExitCode.AWS


@pytest.mark.parametrize(
    ("stack_region", "endpoint"),
    [("eu-west-1", "us-east-1"), ("af-south-1", "us-east-1"), ("ap-south-1", "ap-south-1")],
)
def test_the_price_list_client_is_made_where_the_query_api_answers(
    aws_env, tmp_path, stack_region, endpoint
):
    """The Price List Query API answers from us-east-1, eu-central-1 and ap-south-1 only
    (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html), for
    every region; the client keeps the factory's retries, timeouts and user agent."""
    from olistctl.backends.aws.price_list import open_price_list
    from olistctl.settings import load_settings

    settings = load_settings({"region": stack_region}, env={}, cwd=tmp_path)
    api = open_price_list(settings, stack_region)
    client = api._client()
    assert client.meta.region_name == endpoint == api.endpoint_region
    assert client.meta.service_model.service_name == "pricing"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert f"olistctl/{__version__}" in client.meta.config.user_agent_extra
    assert api._client() is client  # made once
