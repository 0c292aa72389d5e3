"""Usage of the local backend, read from its run ledger and workspace, as AWS would meter it.

The workspace stands in for the buckets (bytes stored per stage), the
ledger for the services: each transform is a Lambda invocation whose
duration is the local run's, each query scans what the local engine
estimated Athena would scan, each crawl without ``--direct`` is a crawler run.
"""

from __future__ import annotations

from collections.abc import Sequence

from olistctl.backends.base import ObjectStore
from olistctl.cost.period import Period
from olistctl.cost.usage import (
    LOG_BYTES_PER_INVOCATION,
    CrawlRun,
    Usage,
    estimate_catalog_requests,
    estimate_s3_requests,
    gb_seconds,
    in_period,
    is_crawler_run,
)
from olistctl.records import CatalogTable, LedgerEntry

STAGES = ("raw", "processed", "results")


def gather_local_usage(
    store: ObjectStore,
    tables: Sequence[CatalogTable],
    entries: Sequence[LedgerEntry],
    period: Period,
    *,
    memory_mb: int,
) -> Usage:
    """Usage over ``period``; ``memory_mb`` is the Lambda memory transforms are priced at."""
    entries = in_period(entries, period)
    usage = Usage(period=period, backend="local", lambda_memory_mb=memory_mb)
    for stage in STAGES:
        objects = store.list(stage)  # type: ignore[arg-type]
        usage.stored_bytes[stage] = sum(o.size for o in objects)
        usage.stored_objects[stage] = len(objects)

    transforms = [e for e in entries if e.stage == "transform"]
    usage.lambda_invocations = len(transforms)
    usage.lambda_gb_seconds = sum(
        gb_seconds(e.seconds, e.memory_mb or memory_mb) for e in transforms
    )
    usage.crawls = [CrawlRun(e.started, e.seconds) for e in entries if is_crawler_run(e)]
    # The database plus one object per table (each crawl that changes a table
    # adds a table version on Glue; the local catalog keeps none).
    usage.catalog_objects = 1 + len(tables) if tables else 0
    usage.query_bytes = [e.bytes_scanned for e in entries if e.stage == "query" and e.ok]
    usage.logs_ingested_bytes = usage.lambda_invocations * LOG_BYTES_PER_INVOCATION
    usage.logs_stored_bytes = usage.logs_ingested_bytes

    processed_files = usage.stored_objects.get("processed", 0)
    usage.s3_put_requests, usage.s3_get_requests = estimate_s3_requests(
        entries, processed_files=processed_files, tables=len(tables)
    )
    usage.catalog_requests = estimate_catalog_requests(entries, tables=len(tables))

    usage.basis.update(
        s3_put="estimated",
        s3_get="estimated",
        lambda_requests="ledger",
        lambda_compute="ledger",
        glue_crawler="ledger",
        glue_catalog_requests="estimated",
        athena="ledger",
        logs_ingestion="estimated",
        logs_storage="estimated",
    )
    if transforms:
        usage.notes.append(
            "Lambda duration is this machine's transform time: a 1,024 MB Lambda has about"
            " 0.6 of a vCPU, so expect longer runs (and more GB-seconds) on AWS."
        )
    usage.notes.append(
        f"CloudWatch Logs volume is estimated at {LOG_BYTES_PER_INVOCATION:,} bytes per"
        " Lambda invocation."
    )
    return usage
