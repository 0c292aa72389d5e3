"""The Glue Data Catalog: run the crawler and wait for it, or register tables straight from footers.

``crawl()`` starts the stack's crawler (or attaches to a run already going),
polls it with a deadline and backoff, and reports the tables with what changed.
``crawl(direct=True)`` skips the crawler: it reads each Parquet file's footer
(ranged GETs of the file's tail, never the data) and creates or updates one
Glue table per processed folder, with the same columns, types and
SerDe a crawler would write. Seconds instead of a minute, and no crawler
DPU charge.

Tables whose folder has gone are left in place, as the crawler's
``delete_behavior = LOG`` does (infra/glue.tf): a half-finished re-upload must
not drop a table users query.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import botocore.exceptions

from olistctl import layout
from olistctl.backends.aws.clients import AwsClients, aws_errors, error_code
from olistctl.backends.aws.names import StackNames
from olistctl.backends.aws.store import S3Store
from olistctl.backends.base import Catalog
from olistctl.errors import AwsError, Interrupted, OperationFailed
from olistctl.glue_types import athena_type
from olistctl.polling import poll
from olistctl.records import CatalogColumn, CatalogDiff, CatalogTable, CrawlReport, ObjectInfo

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
FOOTER_TAIL_BYTES = 64 * 1024  # one GET holds the whole footer of an Olist file
PARQUET_MAGIC = b"PAR1"

CRAWL_DEADLINE_S = 30 * 60
# The crawler takes a minute or more: no point asking every half second.
CRAWL_POLL_INITIAL_S = 2.0
CRAWL_POLL_MAX_S = 15.0
# moto reports a finished crawl as COMPLETED/STOPPED; AWS as SUCCEEDED/CANCELLED.
_CRAWL_STATUS = {"COMPLETED": "SUCCEEDED", "STOPPED": "CANCELLED"}


def table_from_glue(table: dict[str, Any]) -> CatalogTable:
    sd = table.get("StorageDescriptor") or {}
    params = {**(sd.get("Parameters") or {}), **(table.get("Parameters") or {})}

    def number(name: str) -> int | None:
        try:
            return int(float(params[name]))
        except (KeyError, ValueError):
            return None

    columns = [*sd.get("Columns", []), *table.get("PartitionKeys", [])]
    return CatalogTable(
        name=table["Name"],
        columns=[CatalogColumn(c["Name"], c["Type"]) for c in columns],
        location=sd.get("Location", ""),
        rows=number("recordCount"),
        bytes=number("sizeKey"),
        files=number("objectCount"),
        updated=table.get("UpdateTime") or table.get("CreateTime"),
    )


def parquet_footer(store: S3Store, obj: ObjectInfo):
    """The Parquet footer (``pyarrow.parquet.FileMetaData``) of an object, from its tail only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tail = store.read_tail(obj.stage, obj.key, min(obj.size, FOOTER_TAIL_BYTES))
    if len(tail) < 12 or tail[-4:] != PARQUET_MAGIC:
        raise OperationFailed(
            f"{store.location(obj.stage, obj.key)} is not a Parquet file",
            hint=f"delete it, or re-run `olistctl transform {obj.table} --force`",
        )
    needed = int.from_bytes(tail[-8:-4], "little") + 8
    if needed > len(tail):
        if needed > obj.size:
            raise OperationFailed(
                f"{store.location(obj.stage, obj.key)} has a damaged Parquet footer",
                hint=f"re-run `olistctl transform {obj.table} --force`",
            )
        tail = store.read_range(obj.stage, obj.key, obj.size - needed, obj.size - 1)
    # The footer with a leading magic is all pyarrow needs to parse the metadata.
    return pq.read_metadata(pa.BufferReader(PARQUET_MAGIC + tail[-needed:]))


def _table_input(
    table: str, columns: list[CatalogColumn], location: str, files: list[ObjectInfo], rows: int
) -> dict[str, Any]:
    parameters = {
        "classification": "parquet",
        "compressionType": "snappy",
        "typeOfData": "file",
        "EXTERNAL": "TRUE",
        "recordCount": str(rows),
        "sizeKey": str(sum(f.size for f in files)),
        "objectCount": str(len(files)),
        "olistctl:registered": "direct",
    }
    return {
        "Name": table,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters,
        "StorageDescriptor": {
            "Columns": [{"Name": c.name, "Type": c.type} for c in columns],
            "Location": location,
            "InputFormat": PARQUET_INPUT_FORMAT,
            "OutputFormat": PARQUET_OUTPUT_FORMAT,
            "Compressed": False,  # Snappy is inside the Parquet pages, as the crawler records it
            "SerdeInfo": {
                "SerializationLibrary": PARQUET_SERDE,
                "Parameters": {"serialization.format": "1"},
            },
            "Parameters": parameters,
            "StoredAsSubDirectories": False,
        },
    }


class GlueCatalog(Catalog):
    def __init__(
        self,
        clients: AwsClients,
        names: StackNames,
        store: S3Store,
        *,
        deadline_s: float = CRAWL_DEADLINE_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clients = clients
        self.names = names
        self.store = store
        self.deadline_s = deadline_s
        self.clock = clock
        self.sleep = sleep

    @property
    def glue(self):
        return self.clients.client("glue")

    def tables(self) -> list[CatalogTable]:
        database = self.names.database
        found: list[CatalogTable] = []
        with aws_errors("Glue GetTables", f"database {database}"):
            for page in self.glue.get_paginator("get_tables").paginate(DatabaseName=database):
                found.extend(table_from_glue(t) for t in page.get("TableList", []))
        return sorted(found, key=lambda t: t.name)

    def crawl(
        self, *, direct: bool = False, progress: Callable[[str], None] | None = None
    ) -> CrawlReport:
        started = time.perf_counter()
        before = self.tables()
        if direct:
            self._register_from_footers(progress)
            status, message = "SUCCEEDED", None
        else:
            status, message = self._run_crawler(progress)
        after = self.tables()
        return CrawlReport(
            tables=after,
            diff=CatalogDiff.between(before, after),
            status=status,
            seconds=time.perf_counter() - started,
            message=message,
        )

    # -- the crawler ------------------------------------------------------------

    def _run_crawler(self, progress: Callable[[str], None] | None) -> tuple[str, str | None]:
        name = self.names.crawler
        with aws_errors("Glue GetCrawler", f"crawler {name}"):
            previous = self.glue.get_crawler(Name=name)["Crawler"]
        previous_start = (previous.get("LastCrawl") or {}).get("StartTime")
        message = None
        with aws_errors("Glue StartCrawler", f"crawler {name}"):
            try:
                self.glue.start_crawler(Name=name)
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) != "CrawlerRunningException":
                    raise
                message = f"the crawler {name} was already running; waited for that run"
                if progress:
                    progress(message)

        seen_running = False

        def fetch() -> dict[str, Any]:
            with aws_errors("Glue GetCrawler", f"crawler {name}"):
                return self.glue.get_crawler(Name=name)["Crawler"]

        def is_done(crawler: dict[str, Any]) -> bool:
            nonlocal seen_running
            if crawler.get("State") != "READY":
                seen_running = True
                return False
            # READY before it ever showed RUNNING: done only if a new crawl was recorded.
            last_start = (crawler.get("LastCrawl") or {}).get("StartTime")
            return seen_running or last_start != previous_start

        def tick(crawler: dict[str, Any]) -> None:
            if progress:
                progress(f"crawler {name}: {crawler.get('State', '?').lower()}")

        try:
            crawler = poll(
                fetch,
                is_done=is_done,
                deadline_s=self.deadline_s,
                what=f"the Glue crawler {name}",
                hint=f"it keeps running on AWS; `olistctl crawl` again waits for it "
                f"(or check it with `aws glue get-crawler --name {name}`)",
                initial_s=CRAWL_POLL_INITIAL_S,
                max_interval_s=CRAWL_POLL_MAX_S,
                clock=self.clock,
                sleep=self.sleep,
                on_tick=tick,
            )
        except KeyboardInterrupt:
            raise Interrupted(
                f"Stopped waiting for the Glue crawler {name}; it keeps running on AWS",
                hint="run `olistctl crawl` again to wait for it and see the tables",
            ) from None

        last = crawler.get("LastCrawl") or {}
        status = _CRAWL_STATUS.get(last.get("Status", ""), last.get("Status") or "SUCCEEDED")
        # Glue names the group in LastCrawl; the stack's own (infra/glue.tf) otherwise.
        group = (
            last.get("LogGroup")
            or self.names.settings.get("crawler_log_group")
            or "/aws-glue/crawlers"
        )
        where = f"{group} (stream {last.get('LogStream', name)})"
        if status == "FAILED":
            raise AwsError(
                f"The Glue crawler {name} failed: "
                f"{(last.get('ErrorMessage') or 'it gave no reason').rstrip('.')}",
                hint=f"see its log in CloudWatch Logs {where}, fix the cause, "
                "then run `olistctl crawl` again (or `olistctl crawl --direct`)",
            )
        if status == "CANCELLED":
            raise AwsError(
                f"The Glue crawler {name} was stopped before it finished",
                hint="run `olistctl crawl` again",
            )
        return status, message

    # -- direct registration ----------------------------------------------------

    def _register_from_footers(self, progress: Callable[[str], None] | None) -> None:
        bucket = self.store.bucket("processed")
        by_table: dict[str, list[ObjectInfo]] = {}
        for obj in self.store.list("processed", checksums=False):
            if obj.key.endswith(layout.PARQUET_SUFFIX) and "/" in obj.key:
                by_table.setdefault(obj.table, []).append(obj)
        database = self.names.database
        for table, files in sorted(by_table.items()):
            if progress:
                progress(table)
            columns: list[CatalogColumn] | None = None
            rows = 0
            for obj in files:
                meta = parquet_footer(self.store, obj)
                rows += meta.num_rows
                these = [
                    CatalogColumn(f.name, athena_type(f.type))
                    for f in meta.schema.to_arrow_schema()
                ]
                if columns is None:
                    columns = these
                elif these != columns:
                    raise OperationFailed(
                        f"Parquet files under s3://{bucket}/{table}/ disagree on their schema"
                        f" ({files[0].key} vs {obj.key})",
                        hint=f"re-run `olistctl transform {table} --force`",
                    )
            table_input = _table_input(table, columns or [], f"s3://{bucket}/{table}/", files, rows)
            self._upsert(database, table_input)

    def _upsert(self, database: str, table_input: dict[str, Any]) -> None:
        name = table_input["Name"]
        with aws_errors("Glue CreateTable", f"table {database}.{name}"):
            try:
                self.glue.create_table(DatabaseName=database, TableInput=table_input)
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) != "AlreadyExistsException":
                    raise
                self.glue.update_table(DatabaseName=database, TableInput=table_input)
