"""The one place AWS clients are made, and the one place AWS errors become olistctl errors.

Every client gets the same retries, timeouts, user agent, region, profile and
endpoint override. All sessions share one botocore loader, because parsing the
service models dominates client creation (a moto suite runs ~4x faster).

The Lambda client used for synchronous invokes is the exception: it never
retries on its own (a retried invoke could run the function twice) and waits
longer than the function's 900 s maximum. The Price List client is the other:
it is made in a Price List endpoint's region, whatever region the stack is in.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from typing import TYPE_CHECKING, Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

from olistctl import __version__
from olistctl.errors import AwsError, ConfigError, OlistError
from olistctl.settings import without_password

if TYPE_CHECKING:
    from boto3.s3.transfer import TransferConfig

    from olistctl.settings import Settings

MIB = 1 << 20
USER_AGENT = f"olistctl/{__version__}"

# Timeouts and retries, in one place.
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
MAX_ATTEMPTS = 5  # standard mode: backoff with jitter on throttling and 5xx
MAX_POOL_CONNECTIONS = 32  # transfer threads + concurrent invokes share a client
LAMBDA_MAX_RUNTIME_S = 900
INVOKE_READ_TIMEOUT_S = LAMBDA_MAX_RUNTIME_S + 60

# S3 transfer manager: multipart above 16 MiB, in 16 MiB parts, 8 at a time.
MULTIPART_THRESHOLD = 16 * MIB
MULTIPART_CHUNKSIZE = 16 * MIB
TRANSFER_CONCURRENCY = 8

DEPLOY_HINT = (
    "deploy the stack with `terraform -chdir=infra apply`, or check the names "
    "with `olistctl config show`"
)

_CREDENTIAL_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidToken",
        "RequestExpired",
    }
)
_ACCESS_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "Forbidden", "403", "UnauthorizedOperation"}
)
_THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "RequestLimitExceeded",
    }
)
_NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "EntityNotFoundException", "NoSuchEntity"}
)


@functools.cache
def shared_loader() -> botocore.loaders.Loader:
    """One botocore data loader for the whole process: it caches the parsed service models."""
    return botocore.loaders.create_loader()


def _config(**overrides: Any) -> botocore.config.Config:
    settings: dict[str, Any] = {
        # total_max_attempts counts the first try; botocore's max_attempts would not.
        "retries": {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        "connect_timeout": CONNECT_TIMEOUT_S,
        "read_timeout": READ_TIMEOUT_S,
        "max_pool_connections": MAX_POOL_CONNECTIONS,
        "user_agent_extra": USER_AGENT,
    }
    settings.update(overrides)
    return botocore.config.Config(**settings)


def transfer_config() -> TransferConfig:
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(
        multipart_threshold=MULTIPART_THRESHOLD,
        multipart_chunksize=MULTIPART_CHUNKSIZE,
        max_concurrency=TRANSFER_CONCURRENCY,
        use_threads=True,
    )


class AwsClients:
    """Makes (and caches) the clients of one region, profile and endpoint."""

    def __init__(
        self,
        *,
        region: str | None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        multipart_threshold: int | None = None,
    ) -> None:
        if not region:
            raise ConfigError(
                "No AWS region is configured",
                hint="pass --region, set AWS_REGION, add region to olistctl.toml, "
                "or give the profile a region with `aws configure`",
            )
        self.region = region
        self.profile = profile
        self.endpoint_url = endpoint_url
        self._multipart_threshold = multipart_threshold
        self._session: boto3.Session | None = None
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> AwsClients:
        return cls(
            region=settings.get("region"),
            profile=settings.get("profile"),
            endpoint_url=settings.get("endpoint_url"),
        )

    def _make_session(self) -> boto3.Session:
        core = botocore.session.get_session()
        core.register_component("data_loader", shared_loader())
        with aws_errors():
            session = boto3.Session(
                botocore_session=core, profile_name=self.profile, region_name=self.region
            )
            if session.get_credentials() is None:
                raise botocore.exceptions.NoCredentialsError()
        return session

    def _client(
        self, name: str, service: str, config: botocore.config.Config, region: str | None = None
    ):
        # boto3 sessions are not thread-safe; the clients they make are.
        with self._lock:
            if name not in self._clients:
                if self._session is None:
                    self._session = self._make_session()
                self._clients[name] = self._session.client(
                    service,
                    region_name=region or self.region,
                    endpoint_url=self.endpoint_url,
                    config=config,
                )
            return self._clients[name]

    def client(self, service: str):
        """A client with the standard retries and timeouts."""
        return self._client(service, service, _config())

    def invoke_client(self):
        """The Lambda client for synchronous invokes: one attempt, a read timeout above 900 s."""
        return self._client(
            "lambda:invoke",
            "lambda",
            _config(
                retries={"mode": "standard", "total_max_attempts": 1},
                read_timeout=INVOKE_READ_TIMEOUT_S,
            ),
        )

    def price_list_client(self, endpoint_region: str):
        """The AWS Price List Query API's client, in ``endpoint_region``: the API answers
        only from a few regions, for every region (``price_list.ENDPOINT_REGIONS``)."""
        return self._client(f"pricing:{endpoint_region}", "pricing", _config(), endpoint_region)

    def transfer_config(self) -> TransferConfig:
        config = transfer_config()
        if self._multipart_threshold is not None:  # tests exercise multipart with small files
            config.multipart_threshold = self._multipart_threshold
            config.multipart_chunksize = max(5 * MIB, self._multipart_threshold)
        return config


# -- errors -------------------------------------------------------------------


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ClientError (``NoSuchKey``, ``404`` …), else None."""
    if isinstance(exc, botocore.exceptions.ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def _request_id(exc: botocore.exceptions.ClientError) -> str | None:
    meta = exc.response.get("ResponseMetadata", {})
    headers = meta.get("HTTPHeaders", {})
    return meta.get("RequestId") or headers.get("x-amz-request-id") or None


def translate(
    exc: BaseException, *, action: str | None = None, resource: str | None = None
) -> OlistError | None:
    """The olistctl error for a botocore exception (None for anything else).

    ``action`` and ``resource`` name what was being done ("PutObject",
    "s3://bucket/key") so the message can say it; the ClientError's own
    operation name is the fallback.
    """
    error = _translated(exc, action=action, resource=resource)
    if error is not None:
        # botocore's messages quote the endpoint's URL, with any password in it.
        error.message = without_password(error.message)
    return error


def _translated(
    exc: BaseException, *, action: str | None, resource: str | None
) -> OlistError | None:
    if isinstance(exc, botocore.exceptions.ClientError):
        return _translate_client_error(exc, action=action, resource=resource)
    if isinstance(exc, botocore.exceptions.NoCredentialsError):
        return ConfigError(
            "No AWS credentials were found",
            hint="run `aws configure`, set AWS_PROFILE, or pass --profile",
        )
    if isinstance(exc, botocore.exceptions.PartialCredentialsError):
        return ConfigError(
            f"The AWS credentials are incomplete ({exc})",
            hint="set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or fix the profile",
        )
    if isinstance(exc, botocore.exceptions.NoRegionError):
        return ConfigError(
            "No AWS region is configured",
            hint="pass --region, set AWS_REGION, or add region to olistctl.toml",
        )
    if isinstance(exc, botocore.exceptions.ProfileNotFound):
        profile = exc.kwargs.get("profile", "")
        return ConfigError(
            f"The AWS profile {profile!r} does not exist",
            hint="list the profiles with `aws configure list-profiles`, or drop --profile",
        )
    if isinstance(
        exc, (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError)
    ):
        return AwsError(
            f"AWS did not answer in time ({exc})",
            hint="check the network and try again; a slow link may need fewer --concurrency",
        )
    if isinstance(exc, botocore.exceptions.EndpointConnectionError):
        endpoint = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return AwsError(
            f"Could not connect to {endpoint}",
            hint="check the network and the region, or the --endpoint-url you set",
        )
    if isinstance(exc, botocore.exceptions.HTTPClientError):
        # The connection broke after it was made (reset, closed mid-answer), retries included.
        return AwsError(
            f"The connection to AWS was lost, even after retrying ({exc})",
            hint="check the network and run the same command again: what was finished is kept"
            " and skipped",
        )
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return AwsError(f"The AWS SDK failed: {exc}", hint="run again with --debug for details")
    return None


def _translate_client_error(
    exc: botocore.exceptions.ClientError, *, action: str | None, resource: str | None
) -> OlistError:
    error = exc.response.get("Error", {})
    code = error.get("Code") or "Unknown"
    message = (error.get("Message") or "").strip().rstrip(".") or "no message"
    request_id = _request_id(exc)
    what = action or exc.operation_name
    where = f" on {resource}" if resource else ""
    rid = f", request id {request_id}" if request_id else ""

    if code in _CREDENTIAL_CODES:
        return ConfigError(
            f"AWS rejected the credentials ({code}: {message})",
            hint="refresh them (`aws sso login` or `aws configure`), or choose a profile "
            "with --profile",
        )
    if code in _ACCESS_CODES:
        return AwsError(
            f"Access was denied to {what}{where} ({code}: {message}{rid})",
            hint=f"grant your IAM identity the permission for {what}, or use a profile that has it",
            request_id=request_id,
        )
    if code == "NoSuchBucket":
        bucket = error.get("BucketName") or resource or "the bucket"
        return AwsError(
            f"The bucket {bucket} does not exist ({what}{rid})",
            hint=DEPLOY_HINT,
            request_id=request_id,
        )
    if code in _NOT_FOUND_CODES:
        return AwsError(
            f"{what}{where} failed: {message} ({code}{rid})",
            hint=DEPLOY_HINT,
            request_id=request_id,
        )
    if code in _THROTTLE_CODES:
        return AwsError(
            f"AWS kept throttling {what}{where} ({code}: {message}{rid})",
            hint="wait a minute and run the command again, with a lower --concurrency",
            request_id=request_id,
        )
    return AwsError(
        f"{what}{where} failed ({code}: {message}{rid})",
        hint="the reason in parentheses is AWS's own; run again with --debug for details",
        request_id=request_id,
    )


class aws_errors(contextlib.ContextDecorator):
    """Turns botocore errors raised inside into olistctl errors (exit 3 or 4).

    ``with aws_errors("PutObject", "s3://bucket/key"): ...`` or as a decorator.
    """

    def __init__(self, action: str | None = None, resource: str | None = None) -> None:
        self.action = action
        self.resource = resource

    def __enter__(self) -> aws_errors:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is None or isinstance(exc, OlistError):
            return
        mapped = translate(exc, action=self.action, resource=self.resource)
        if mapped is None:
            return  # not an AWS error: it goes on as it is
        raise mapped from exc
