"""Each bucket's default encryption, asked once, so that every write repeats it."""

from __future__ import annotations

import threading
from typing import Any

import botocore.exceptions

from olistctl.backends.aws.clients import AwsClients, aws_errors, error_code
from olistctl.sse_args import sse_args_for_bucket

_NO_CONFIGURATION = "ServerSideEncryptionConfigurationNotFoundError"
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "403"})


class BucketEncryption:
    """Upload arguments per bucket; thread-safe (parts and files upload on several threads)."""

    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._known: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def args(self, bucket: str) -> dict[str, Any]:
        with self._lock:
            if bucket not in self._known:
                self._known[bucket] = self._ask(bucket)
            return dict(self._known[bucket])

    def _ask(self, bucket: str) -> dict[str, Any]:
        with aws_errors("GetBucketEncryption", f"s3://{bucket}"):
            try:
                response = self.clients.client("s3").get_bucket_encryption(Bucket=bucket)
            except botocore.exceptions.ClientError as exc:
                code = error_code(exc)
                if code == _NO_CONFIGURATION:
                    return sse_args_for_bucket(None)
                if code in _DENIED:
                    # Not allowed to read it: say nothing, and the bucket's default applies.
                    return {}
                raise
        return sse_args_for_bucket(response.get("ServerSideEncryptionConfiguration"))
