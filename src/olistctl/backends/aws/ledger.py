"""The run ledger on aws: one small JSON object per append in the results bucket.

``s3://<results bucket>/olistctl/ledger/<UTC timestamp>-<uuid>.json``. S3 has
no append, so each append is a new object: append-only, and no locking is
needed between concurrent runs. Keys sort by time, so ``entries(since)``
starts its listing at ``since`` instead of reading the whole history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from olistctl.backends.aws.bucket_encryption import BucketEncryption
from olistctl.backends.aws.clients import AwsClients, aws_errors
from olistctl.backends.base import Ledger
from olistctl.records import LedgerEntry

if TYPE_CHECKING:
    from olistctl.backends.aws.names import StackNames

LEDGER_PREFIX = "olistctl/ledger/"
_STAMP = "%Y%m%dT%H%M%S.%fZ"  # fixed width: lexical order is time order
_READ_THREADS = 8


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_STAMP)


class S3Ledger(Ledger):
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
    def bucket(self) -> str:
        return self.names.bucket("results")

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        if not entries:
            return
        key = f"{LEDGER_PREFIX}{_stamp(datetime.now(UTC))}-{uuid.uuid4().hex}.json"
        body = json.dumps({"entries": [e.to_dict() for e in entries]}, sort_keys=True)
        bucket = self.bucket
        with aws_errors("PutObject", f"s3://{bucket}/{key}"):
            self.clients.client("s3").put_object(
                Bucket=bucket,
                Key=key,
                Body=body.encode("utf-8"),
                ContentType="application/json",
                **self.encryption.args(bucket),
            )

    def entries(self, since: datetime | None = None) -> list[LedgerEntry]:
        s3 = self.clients.client("s3")
        bucket = self.bucket
        params = {"Bucket": bucket, "Prefix": LEDGER_PREFIX}
        if since is not None:
            # An object written before `since` holds only entries that started before it.
            params["StartAfter"] = LEDGER_PREFIX + _stamp(since)
        keys: list[str] = []
        with aws_errors("ListObjectsV2", f"s3://{bucket}/{LEDGER_PREFIX}"):
            for page in s3.get_paginator("list_objects_v2").paginate(**params):
                keys.extend(o["Key"] for o in page.get("Contents", []))

        def read(key: str) -> list[LedgerEntry]:
            with aws_errors("GetObject", f"s3://{bucket}/{key}"):
                data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            try:
                return [LedgerEntry.from_dict(d) for d in json.loads(data)["entries"]]
            except (ValueError, KeyError, TypeError):
                return []  # not a ledger object (someone else's file): skip it

        found: list[LedgerEntry] = []
        if keys:
            with ThreadPoolExecutor(max_workers=min(_READ_THREADS, len(keys))) as pool:
                for batch in pool.map(read, keys):
                    found.extend(batch)
        if since is not None:
            found = [e for e in found if e.started >= since]
        found.sort(key=lambda e: e.started)
        return found
