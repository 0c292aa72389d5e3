"""An S3 multipart upload fed as a writable stream: a file goes to S3 as it is written.

The transform Lambda writes its Parquet here instead of staging it in /tmp, which
is 512 MB unless configured larger, while a 1 GB orders CSV makes ~519 MiB of
Parquet. Each part is sent as soon as it is full, so memory holds one part and
nothing touches the disk, whatever the file's size.

All or nothing, as a local file renamed into place: S3 shows a multipart object
only once the upload is completed (:meth:`S3StreamSink.publish`);
:meth:`S3StreamSink.discard` aborts it and S3 drops the parts. An abort that
fails too leaves parts no listing of objects shows: the bucket's lifecycle rule
aborts them after a few days, and ``olistctl teardown`` lists and aborts them.
A file smaller than one part goes up in one PutObject.

The client is passed in (a boto3 S3 client): this module imports no AWS SDK, so
the Lambda packager ships it with the handler as plain code.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Mapping
from typing import Any

# S3: every part but the last at least 5 MiB, at most 10,000 parts (8 MiB: 78 GiB).
PART_BYTES = 8 << 20
# Each part carries a checksum S3 verifies, whichever botocore the function runs on
# (newer ones add CRC32 by themselves; naming it keeps older ones doing the same).
CHECKSUM = "CRC32"


class S3StreamSink(io.RawIOBase):
    """``s3://bucket/key`` being written; published with :meth:`publish`, or discarded."""

    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        extra_args: Mapping[str, Any] | None = None,
        part_bytes: int | None = None,
        before_publish: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.s3 = s3
        self.bucket = bucket
        self.key = key
        self.extra_args = dict(extra_args or {})  # encryption, metadata: as for PutObject
        self.part_bytes = part_bytes or PART_BYTES
        self.before_publish = before_publish
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []
        self.size = 0
        self._buffer = bytearray()
        self._done = False

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buffer += view
        self.size += len(view)
        while len(self._buffer) >= self.part_bytes:
            self._send(bytes(self._buffer[: self.part_bytes]))
            del self._buffer[: self.part_bytes]
        return len(view)

    def _send(self, data: bytes) -> None:
        where = {"Bucket": self.bucket, "Key": self.key}
        if self.upload_id is None:
            started = self.s3.create_multipart_upload(
                **where, ChecksumAlgorithm=CHECKSUM, **self.extra_args
            )
            self.upload_id = started["UploadId"]
        number = len(self.parts) + 1
        sent = self.s3.upload_part(
            **where,
            UploadId=self.upload_id,
            PartNumber=number,
            Body=data,
            ChecksumAlgorithm=CHECKSUM,
        )
        checksums = {k: v for k, v in sent.items() if k.startswith("Checksum") and v}
        self.parts.append({"ETag": sent["ETag"], "PartNumber": number, **checksums})

    def publish(self) -> int:
        """Make the object visible (after ``before_publish``, which may refuse); its size."""
        if self.before_publish is not None:
            self.before_publish()
        if self.upload_id is None:
            self.s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer), **self.extra_args
            )
        else:
            if self._buffer or not self.parts:
                self._send(bytes(self._buffer))
            self.s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},
            )
        self._buffer = bytearray()
        self._done = True
        return self.size

    def discard(self) -> None:
        """Abort the upload, if one was started; never raises over the error being handled."""
        self._buffer = bytearray()
        if self.upload_id is not None and not self._done:
            with contextlib.suppress(Exception):
                self.s3.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
                )
        self._done = True
