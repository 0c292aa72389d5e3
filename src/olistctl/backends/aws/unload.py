"""``query --out`` on aws: an Athena UNLOAD to Parquet, downloaded into one local file.

The UNLOAD itself is awswrangler's (``awswrangler.athena.unload``: it writes the
``UNLOAD (…) TO '…' WITH (format = 'PARQUET')`` statement, starts it with the
values as ``ExecutionParameters``, waits and reads the manifest's location), so
it is imported only here, from the ``olistctl[unload]`` extra. It gets a boto3
session whose clients are olistctl's own (:class:`_OlistSession`), so it talks
to the same endpoint with the same retries, timeouts and user agent.

What olistctl adds around it:

- a fresh prefix per query under ``unload/`` in the results bucket (UNLOAD
  needs an empty location), removed after the download and after a failure
  (Athena leaves the files of a failed UNLOAD in place: AWS, "UNLOAD",
  https://docs.aws.amazon.com/athena/latest/ug/unload.html, "Orphaned data
  not deleted");
- Ctrl-C stops the query on Athena (awswrangler's wait has no deadline and
  does not stop it), as for any other query;
- a failed query becomes the same error an ordinary query's failure gives;
- the download streams each Parquet file's row groups into the target, one
  at a time, so memory holds one row group.

UNLOAD writes its files in parallel: "If the SELECT query in the UNLOAD
statement specifies a sort order, each file's contents are in sorted order,
but the files are not sorted relative to each other" (the same AWS page). The
files are read in the manifest's order; an ORDER BY holds within each file,
not across the result.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session

from olistctl.backends.aws.clients import AwsClients, aws_errors, shared_loader
from olistctl.backends.aws.names import StackNames
from olistctl.errors import ConfigError, Interrupted, OlistError, SqlError
from olistctl.records import WrittenResult

if TYPE_CHECKING:
    import pyarrow as pa

    from olistctl.result_file import ResultTarget
    from olistctl.sql.params import BoundParam

UNLOAD_PREFIX = "unload/"
POLL_S = 0.25
EXTRA_HINT = "install it with: pip install 'olistctl[unload]'"


class _OlistSession(boto3.Session):
    """A boto3 session whose clients are olistctl's (endpoint, retries, timeouts, user agent).

    awswrangler makes every client with ``session.client(service_name, …)``; its
    own endpoint settings are a process-wide config object, which this avoids.
    """

    def __init__(self, clients: AwsClients) -> None:
        core = botocore.session.get_session()
        core.register_component("data_loader", shared_loader())
        super().__init__(
            botocore_session=core, profile_name=clients.profile, region_name=clients.region
        )
        self._olistctl_clients = clients

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._olistctl_clients.client(service_name)


def _wrangler() -> ModuleType:
    try:
        import awswrangler
    except ImportError:
        raise ConfigError(
            "`query --out` on aws runs an Athena UNLOAD through awswrangler, which is not"
            " installed",
            hint=EXTRA_HINT,
        ) from None
    return awswrangler


def unload(
    clients: AwsClients,
    names: StackNames,
    sql: str,
    params: Sequence[BoundParam],
    target: ResultTarget,
    *,
    running: Callable[[str | None], None],
    stop: Callable[[str], None],
    failure: Callable[[str], OlistError],
) -> WrittenResult:
    """UNLOAD ``sql`` to a fresh prefix of the results bucket, then stream it into ``target``.

    The engine's own hooks: ``running`` hears the query id as it starts (so its
    ``cancel`` can stop it) and None when it ends, ``stop`` stops it after a Ctrl-C,
    ``failure`` is the error a failed query id gives.
    """
    wr = _wrangler()
    bucket = names.bucket("results")
    prefix = f"{UNLOAD_PREFIX}{uuid.uuid4().hex}/"
    athena = clients.client("athena")
    started_ids: list[str] = []

    def keep_id(parsed: dict[str, Any] | None = None, **_: Any) -> None:
        if parsed and parsed.get("QueryExecutionId"):
            started_ids.append(parsed["QueryExecutionId"])
            running(parsed["QueryExecutionId"])

    event = "after-call.athena.StartQueryExecution"
    athena.meta.events.register(event, keep_id, unique_id="olistctl-unload")
    started = time.perf_counter()
    try:
        try:
            with aws_errors("Athena UNLOAD", f"workgroup {names.workgroup}"):
                metadata = wr.athena.unload(
                    sql,
                    f"s3://{bucket}/{prefix}",
                    database=names.database,
                    file_format="PARQUET",
                    compression="snappy",
                    workgroup=names.workgroup,
                    boto3_session=_OlistSession(clients),
                    params=[p.literal for p in params] or None,
                    paramstyle="qmark",
                    athena_query_wait_polling_delay=POLL_S,
                )
        except KeyboardInterrupt:
            if started_ids:
                stop(started_ids[-1])
                raise Interrupted(
                    f"Athena query {started_ids[-1]} was cancelled",
                    hint="nothing more is billed for it",
                ) from None
            raise
        except (wr.exceptions.QueryFailed, wr.exceptions.QueryCancelled):
            raise failure(started_ids[-1]) from None
        except wr.exceptions.InvalidArgumentValue as exc:
            raise SqlError(
                f"Athena refused the UNLOAD: {str(exc).rstrip('.')}",
                hint="give every column its own name (AS) and a known type",
            ) from None
        finally:
            running(None)
            athena.meta.events.unregister(event, unique_id="olistctl-unload")
        query_id = metadata.raw_payload["QueryExecutionId"]
        execution = metadata.raw_payload
        keys = _written_keys(clients, bucket, prefix, metadata.manifest_location)
        with _Parquet(clients, bucket, keys) as (schema, batches):
            rows = target.write(batches, schema)
        stats = execution.get("Statistics") or {}
        return WrittenResult(
            path=str(target.path),
            format=target.format,
            rows=rows,
            bytes=target.path.stat().st_size,
            columns=list(schema.names),
            engine_ms=float(stats.get("EngineExecutionTimeInMillis", 0))
            or (time.perf_counter() - started) * 1000,
            bytes_scanned=int(stats.get("DataScannedInBytes", 0)),
            query_id=query_id,
        )
    finally:
        _remove_prefix(clients, bucket, prefix)


def _written_keys(clients: AwsClients, bucket: str, prefix: str, manifest: str | None) -> list[str]:
    """The files the UNLOAD wrote: its data manifest's list, or (without one) the prefix's."""
    s3 = clients.client("s3")
    if manifest:
        manifest_bucket, _, manifest_key = manifest.removeprefix("s3://").partition("/")
        with aws_errors("GetObject", manifest):
            body = s3.get_object(Bucket=manifest_bucket, Key=manifest_key)["Body"].read()
        keys = []
        for line in body.decode("utf-8").splitlines():
            line = line.strip()
            if line:
                file_bucket, _, key = line.removeprefix("s3://").partition("/")
                if file_bucket == bucket and key.startswith(prefix):
                    keys.append(key)
        return keys
    keys = []
    with aws_errors("ListObjectsV2", f"s3://{bucket}/{prefix}"):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if o.get("Size", 0) > 0]
    return sorted(keys)


class _Parquet:
    """The UNLOAD's Parquet files, one at a time through a local temporary copy.

    Each file is downloaded (a multipart GET, no memory beyond a part) and read
    by row group; the copy is removed when the next one starts.
    """

    def __init__(self, clients: AwsClients, bucket: str, keys: list[str]) -> None:
        self.clients = clients
        self.bucket = bucket
        self.keys = keys
        self.folder = tempfile.TemporaryDirectory(prefix="olistctl-unload-")

    def __enter__(self) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        import pyarrow as pa

        if not self.keys:  # an empty result: UNLOAD writes no file
            return pa.schema([]), iter(())
        first = self._fetch(self.keys[0])
        schema = _file_schema(first)
        return schema, self._batches(first)

    def __exit__(self, *exc_info: Any) -> None:
        self.folder.cleanup()

    def _fetch(self, key: str) -> str:
        path = f"{self.folder.name}/part.parquet"
        with aws_errors("GetObject", f"s3://{self.bucket}/{key}"):
            self.clients.client("s3").download_file(
                self.bucket, key, path, Config=self.clients.transfer_config()
            )
        return path

    def _batches(self, first: str) -> Iterator[pa.RecordBatch]:
        import pyarrow.parquet as pq

        path = first
        for index in range(len(self.keys)):
            if index:
                path = self._fetch(self.keys[index])
            with pq.ParquetFile(path) as parquet:
                yield from parquet.iter_batches()


def _file_schema(path: str) -> pa.Schema:
    import pyarrow.parquet as pq

    return pq.read_schema(path)


def _remove_prefix(clients: AwsClients, bucket: str, prefix: str) -> None:
    """Delete what the UNLOAD wrote under its own prefix (best-effort: never masks an error)."""
    with contextlib.suppress(Exception):
        s3 = clients.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            objects = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if objects:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
