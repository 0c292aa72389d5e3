"""The S3 object store: one bucket per stage (raw, processed, results).

Uploads go through the S3 transfer manager (multipart above a threshold,
parts in parallel), with the encryption header of the bucket's own default
(SSE-S3, or the stack's KMS key) and the content's SHA-256 as user metadata:
the pipeline's "unchanged, skip it" test reads it back with HEAD.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

import botocore.exceptions

from olistctl import layout
from olistctl.backends.aws.bucket_encryption import BucketEncryption
from olistctl.backends.aws.clients import AwsClients, aws_errors, error_code
from olistctl.backends.aws.ledger import LEDGER_PREFIX
from olistctl.backends.aws.names import StackNames
from olistctl.backends.base import ObjectStore
from olistctl.records import ObjectInfo, ProgressCallback, Stage

_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
_HEAD_THREADS = 8


def sha_metadata_key(stage: Stage) -> str:
    """Raw (and results) objects record their own SHA-256; processed ones their CSV's."""
    return layout.SOURCE_SHA256 if stage == "processed" else layout.CONTENT_SHA256


class S3Store(ObjectStore):
    def __init__(
        self,
        clients: AwsClients,
        names: StackNames,
        encryption: BucketEncryption | None = None,
    ) -> None:
        self.clients = clients
        self.names = names
        self.encryption = encryption or BucketEncryption(clients)

    @property
    def s3(self):
        return self.clients.client("s3")

    @property
    def name(self) -> str:
        buckets = self.names.known_buckets()
        return ", ".join(f"s3://{b}" for b in buckets.values()) or "s3 (no buckets configured)"

    def bucket(self, stage: Stage) -> str:
        return self.names.bucket(stage)

    def location(self, stage: Stage, key: str = "") -> str:
        return f"s3://{self.bucket(stage)}/{key}"

    def sse_args(self, stage: Stage) -> dict[str, Any]:
        """Encryption arguments for a write to this stage's bucket: its own default."""
        return self.encryption.args(self.bucket(stage))

    def _info(self, stage: Stage, key: str, head: dict[str, Any]) -> ObjectInfo:
        metadata = head.get("Metadata") or {}
        return ObjectInfo(
            stage=stage,
            key=key,
            size=int(head["ContentLength"]),
            modified=head.get("LastModified"),
            sha256=metadata.get(sha_metadata_key(stage)),
            version_id=head.get("VersionId"),
        )

    def head(self, stage: Stage, key: str) -> ObjectInfo | None:
        bucket = self.bucket(stage)
        with aws_errors("HeadObject", f"s3://{bucket}/{key}"):
            try:
                response = self.s3.head_object(Bucket=bucket, Key=key)
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) in _NOT_FOUND:
                    return None
                raise
        return self._info(stage, key, response)

    def list(self, stage: Stage, prefix: str = "", *, checksums: bool = True) -> list[ObjectInfo]:
        """Every object under ``prefix``; raw and processed ones with their SHA-256.

        S3's listing carries no user metadata, so raw and processed objects
        get one HEAD each (in parallel): a handful of files per table.
        ``checksums=False`` skips those when only keys and sizes matter.
        """
        bucket = self.bucket(stage)
        listed: list[dict[str, Any]] = []
        with aws_errors("ListObjectsV2", f"s3://{bucket}/{prefix}"):
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=prefix
            ):
                listed.extend(page.get("Contents", []))
        if stage == "results":
            # The run ledger lives in the results bucket but is not a query result.
            listed = [o for o in listed if not o["Key"].startswith(LEDGER_PREFIX)]
        if stage == "results" or not checksums:
            return [
                ObjectInfo(stage, o["Key"], int(o["Size"]), o.get("LastModified")) for o in listed
            ]
        keys = [o["Key"] for o in listed]
        if not keys:
            return []
        with ThreadPoolExecutor(max_workers=min(_HEAD_THREADS, len(keys))) as pool:
            infos = list(pool.map(lambda k: self.head(stage, k), keys))
        return [i for i in infos if i is not None]  # deleted between list and head

    def put_file(
        self,
        stage: Stage,
        key: str,
        path: str,
        *,
        sha256: str,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo:
        from s3transfer.manager import TransferManager
        from s3transfer.subscribers import BaseSubscriber

        bucket = self.bucket(stage)
        lock = threading.Lock()

        class Progress(BaseSubscriber):
            # Parts upload on several threads; the caller's callback need not be thread-safe.
            def on_progress(self, future, bytes_transferred, **kwargs):
                if progress is not None:
                    with lock:
                        progress(bytes_transferred)

        extra = {**self.sse_args(stage), "Metadata": {sha_metadata_key(stage): sha256}}
        with (
            aws_errors("PutObject", f"s3://{bucket}/{key}"),
            TransferManager(self.s3, self.clients.transfer_config()) as manager,
        ):
            # A multipart upload becomes visible only on completion: readers never see half.
            manager.upload(path, bucket, key, extra_args=extra, subscribers=[Progress()]).result()
        info = self.head(stage, key)
        assert info is not None, f"s3://{bucket}/{key} vanished right after its upload"
        return info

    def local_path(self, stage: Stage, key: str) -> None:
        """An S3 object is no file on this machine."""
        return None

    def open(self, stage: Stage, key: str) -> BinaryIO:
        """The object's body as a streaming, readable binary file object."""
        bucket = self.bucket(stage)
        with aws_errors("GetObject", f"s3://{bucket}/{key}"):
            return self.s3.get_object(Bucket=bucket, Key=key)["Body"]

    def read_tail(self, stage: Stage, key: str, nbytes: int) -> bytes:
        """The last ``nbytes`` of an object (all of it when smaller): one ranged GET."""
        bucket = self.bucket(stage)
        with aws_errors("GetObject", f"s3://{bucket}/{key}"):
            body = self.s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{nbytes}")["Body"]
            return body.read()

    def read_range(self, stage: Stage, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (inclusive) of an object: one ranged GET."""
        bucket = self.bucket(stage)
        with aws_errors("GetObject", f"s3://{bucket}/{key}"):
            body = self.s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end}")["Body"]
            return body.read()
