"""The transform Lambda: S3 CSV in, Snappy Parquet out, through the same core as the local run.

A thin shell: event -> S3 GET (streamed) -> ``olistctl.transform.convert_csv``
-> S3 multipart upload to the processed bucket, part by part as the Parquet is
written (``olistctl.s3_stream``) -> JSON. Nothing of the Parquet is staged in
/tmp (512 MB unless configured larger: a 1 GB orders CSV makes ~519 MiB of it);
/tmp holds only the quality checks' spilled key fingerprints (8 bytes per key
value: ~90 MB for a 1 GB orders CSV).
It imports only olistctl core modules, boto3, pyarrow and the standard
library, so the function ships as a small zip on the AWS SDK for pandas layer
(``infra/build_lambda.py`` packages the import closure of this module).

Events accepted:

- a direct invoke for one object: ``{"bucket": "raw-bucket", "key": "orders/x.csv"}``
- several: a list of those, or ``{"objects": [...]}``
- an S3 notification: ``{"Records": [{"s3": {"bucket": {"name": …}, "object": {"key": …}}}]}``
  (keys arrive URL-encoded; events other than ``ObjectCreated:*`` are ignored)

The result (JSON): ``{"request_id": …, "processed_bucket": …, "objects": [{"bucket",
"key", "processed_key", "table", "rows", "bytes_in", "bytes_out", "seconds",
"source_sha256", "result": TransformResult.to_dict()}]}``.

Objects are converted one after the other; the first failure raises, so the
invocation reports ``FunctionError`` with the error's type and message (never
a success-shaped error payload), and the upload of its Parquet is aborted:
nothing appears in the processed bucket. The Parquet key is derived from the
raw key, so a retried or repeated invocation overwrites rather than duplicates.

The upload's metadata (the CSV's SHA-256, which the pipeline's "already
converted" test reads) must be known before its first part is sent: a raw
object uploaded without olistctl's checksum is hashed by a first streamed read
of the same version, and the conversion's own read is checked against it.

Environment: ``OLISTCTL_PROCESSED_BUCKET`` (required), ``OLISTCTL_LOG_LEVEL``
(default INFO), ``OLISTCTL_KMS_KEY_ARN`` (optional). Logs are JSON, one object
per line.

Encryption: with ``OLISTCTL_KMS_KEY_ARN`` set, the Parquet is written with
SSE-KMS under that key; without it no encryption header is sent and the
processed bucket's default encryption applies (infra/s3.tf: SSE-S3, or the
stack's KMS key when ``kms_key_arn`` is set). Never a hard-coded ``AES256``,
which would override a KMS default.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from olistctl import layout
from olistctl.dataset import get_table
from olistctl.errors import ConfigError, OperationFailed
from olistctl.s3_stream import S3StreamSink
from olistctl.sse_args import KMS_KEY_ENV, sse_args
from olistctl.transform import convert_csv

PROCESSED_BUCKET_ENV = "OLISTCTL_PROCESSED_BUCKET"
LOG_LEVEL_ENV = "OLISTCTL_LOG_LEVEL"
_READ_CHUNK = 1 << 20

log = logging.getLogger("olistctl.lambda")
# Silent unless the Lambda entry point attaches the JSON handler: run in-process
# (`--runner local`) it must not write to the CLI's stdout or stderr.
log.addHandler(logging.NullHandler())


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the record's structured fields."""

    converter = staticmethod(time.gmtime)  # UTC, like the rest of the function's world

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "message": record.getMessage(),
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is now (the runtime, or a test, may replace it)."""

    olistctl_json = True

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logging() -> None:
    if not any(getattr(h, "olistctl_json", False) for h in log.handlers):
        log.addHandler(_StdoutHandler())
        log.propagate = False  # the runtime's root handler would print each line again
    level = os.environ.get(LOG_LEVEL_ENV, "INFO").upper()
    log.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")


def _log(level: int, message: str, **fields: Any) -> None:
    log.log(level, message, extra={"fields": fields})


@dataclass(frozen=True)
class ObjectRef:
    bucket: str
    key: str


def parse_event(event: Any) -> list[ObjectRef]:
    """The objects an event asks to convert (see the module docstring for the shapes)."""
    if isinstance(event, dict) and "Records" in event:
        refs = []
        for record in event["Records"]:
            name = record.get("eventName", "ObjectCreated:")
            if not name.startswith("ObjectCreated:"):
                _log(logging.INFO, "ignored event", event_name=name)
                continue
            s3 = record["s3"]
            key = urllib.parse.unquote_plus(s3["object"]["key"])
            refs.append(ObjectRef(s3["bucket"]["name"], key))
        return refs
    if isinstance(event, dict) and "objects" in event:
        event = event["objects"]
    items = event if isinstance(event, list) else [event]
    refs = []
    for item in items:
        if not (isinstance(item, dict) and item.get("bucket") and item.get("key")):
            raise ValueError(
                f"Unrecognised event {json.dumps(item, default=str)[:200]}: expected "
                '{"bucket": ..., "key": ...}, a list of those, or an S3 notification'
            )
        refs.append(ObjectRef(str(item["bucket"]), str(item["key"])))
    return refs


class HashingReader:
    """A read-only stream that hashes and counts what passes through it."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.bytes = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read() if n is None or n < 0 else self.raw.read(n)
        self.sha.update(data)
        self.bytes += len(data)
        return data

    def readable(self) -> bool:
        return True

    def drain(self) -> None:
        while self.read(_READ_CHUNK):
            pass

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _sha256_of(stream) -> str:
    """The SHA-256 of a whole stream, read in chunks."""
    sha = hashlib.sha256()
    while chunk := stream.read(_READ_CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def convert_object(
    s3,
    ref: ObjectRef,
    processed_bucket: str,
    *,
    request_id: str | None = None,
    progress: Callable[[int], None] | None = None,
    sse: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Convert one raw CSV object into ``processed_bucket``; returns its result record.

    ``sse``: the encryption arguments of the upload (none: the bucket's default).
    """
    started = time.perf_counter()
    fields = {"request_id": request_id, "bucket": ref.bucket, "key": ref.key}
    table_name, _ = layout.split_key(ref.key)
    processed_key = layout.processed_key(ref.key)
    try:
        table = get_table(table_name)
    except KeyError:
        table = None  # an unknown CSV: the core infers its types and warns
    _log(logging.INFO, "converting", **fields)

    obj = s3.get_object(Bucket=ref.bucket, Key=ref.key)
    declared = (obj.get("Metadata") or {}).get(layout.CONTENT_SHA256)
    expected = declared
    if not declared:
        # The same version twice (when versioned): a write in between cannot mix two files.
        version = obj.get("VersionId")
        same = {"VersionId": version} if version and version != "null" else {}
        expected = _sha256_of(obj["Body"])
        obj = s3.get_object(Bucket=ref.bucket, Key=ref.key, **same)
    body = HashingReader(obj["Body"])

    def content_is_what_was_declared() -> None:
        """Run before the Parquet becomes visible: a lying checksum publishes nothing."""
        body.drain()
        if body.hexdigest() == expected:
            return
        if declared:
            raise OperationFailed(
                f"s3://{ref.bucket}/{ref.key}: its content's SHA-256 {body.hexdigest()} differs "
                f"from its {layout.CONTENT_SHA256} metadata {declared}",
                hint="upload the file again with `olistctl upload --force`",
            )
        raise OperationFailed(
            f"s3://{ref.bucket}/{ref.key} changed while it was being converted",
            hint="run the transform again",
        )

    sink = S3StreamSink(
        s3,
        processed_bucket,
        processed_key,
        extra_args={**(sse or {}), "Metadata": {layout.SOURCE_SHA256: expected}},
        before_publish=content_is_what_was_declared,
    )
    result = convert_csv(
        body,
        sink,
        table=table,
        source_name=ref.key,
        source_sha256=expected,
        progress=progress,
    )
    actual = body.hexdigest()
    seconds = time.perf_counter() - started
    record = {
        "bucket": ref.bucket,
        "key": ref.key,
        "processed_bucket": processed_bucket,
        "processed_key": processed_key,
        "table": result.table,
        "rows": result.rows_written,
        "bytes_in": result.bytes_in,
        "bytes_out": result.bytes_out,
        "seconds": seconds,
        "source_sha256": actual,
        "result": result.to_dict(),
    }
    _log(
        logging.INFO,
        "converted",
        **fields,
        processed_key=processed_key,
        rows=result.rows_written,
        bytes_in=result.bytes_in,
        bytes_out=result.bytes_out,
        seconds=round(seconds, 3),
    )
    return record


def run(
    event: Any,
    *,
    s3,
    processed_bucket: str,
    request_id: str | None = None,
    progress: Callable[[int], None] | None = None,
    sse: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The handler's work with the S3 client and bucket given (``--runner local`` calls it)."""
    records = []
    for ref in parse_event(event):
        try:
            records.append(
                convert_object(
                    s3,
                    ref,
                    processed_bucket,
                    request_id=request_id,
                    progress=progress,
                    sse=sse,
                )
            )
        except Exception:
            log.error(
                "conversion failed",
                exc_info=True,
                extra={"fields": {"request_id": request_id, "bucket": ref.bucket, "key": ref.key}},
            )
            raise
    return {"request_id": request_id, "processed_bucket": processed_bucket, "objects": records}


_s3_client = None


def _s3():
    """One client per container, reused by warm invocations."""
    global _s3_client
    if _s3_client is None:
        import boto3
        from botocore.config import Config

        _s3_client = boto3.client("s3", config=Config(retries={"mode": "standard"}))
    return _s3_client


def handler(event: Any, context: Any) -> dict[str, Any]:
    _configure_logging()
    processed_bucket = os.environ.get(PROCESSED_BUCKET_ENV)
    if not processed_bucket:
        raise ConfigError(
            f"The function has no {PROCESSED_BUCKET_ENV} environment variable",
            hint="set it to the processed bucket's name (infra/lambda.tf does)",
        )
    request_id = getattr(context, "aws_request_id", None)
    return run(
        event,
        s3=_s3(),
        processed_bucket=processed_bucket,
        request_id=request_id,
        sse=sse_from_env(),
    )


def sse_from_env() -> dict[str, Any] | None:
    """SSE-KMS under the key the environment names; None leaves it to the bucket's default."""
    key = os.environ.get(KMS_KEY_ENV, "").strip()
    return sse_args(key) if key else None
